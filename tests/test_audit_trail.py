"""The organization trail, its audit archive and log group, and the 15 CIS metric filters and alarms."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.cis_benchmark import CONTROLS, NAMESPACE
from preview.run import Run
from tests.cloudwatch_patterns import compile_pattern
from tests.run_view import statements_by_sid, view_of

TRAIL = "aws:cloudtrail/trail:Trail"
BUCKET = "aws:s3/bucket:Bucket"
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def test_one_organization_trail_multi_region_validated_and_encrypted(stack_run: Run) -> None:
    view = view_of(stack_run)
    (trail,) = stack_run.of_type(TRAIL)
    assert view.account(trail) == "management"
    inputs = trail.inputs
    assert inputs["isOrganizationTrail"] is True
    assert inputs["isMultiRegionTrail"] is True
    assert inputs["includeGlobalServiceEvents"] is True
    assert inputs["enableLogFileValidation"] is True
    assert inputs["enableLogging"] is True
    assert inputs["kmsKeyId"] == view.named("audit-archive-key", "aws:kms/key:Key").outputs["arn"]
    assert inputs["s3BucketName"] == view.named("audit-archive-bucket", BUCKET).inputs["bucket"]
    log_group = view.named("organization-trail-log-group", "aws:cloudwatch/logGroup:LogGroup")
    assert inputs["cloudWatchLogsGroupArn"] == log_group.outputs["arn"] + ":*"
    role = view.named("organization-trail-logs-role", "aws:iam/role:Role")
    assert inputs["cloudWatchLogsRoleArn"] == role.outputs["arn"]
    # The bucket must admit the trail before CloudTrail checks it, and CloudTrail must see it (a wait after it).
    policy = view.named("audit-archive-bucket-policy", "aws:s3/bucketPolicy:BucketPolicy")
    seen = view.named("audit-archive-bucket-policy-ready", "time:index/sleep:Sleep")
    assert seen.urn in trail.dependencies and policy.urn in seen.dependencies


def test_trail_log_group_is_encrypted_and_kept_as_config_says(dev: Run, prod: Run) -> None:
    for result, days in ((dev, 30), (prod, 365)):
        log_group = view_of(result).named("organization-trail-log-group", "aws:cloudwatch/logGroup:LogGroup")
        assert view_of(result).account(log_group) == "management"
        assert log_group.inputs["retentionInDays"] == days
        assert log_group.inputs["deletionProtectionEnabled"] is (result is prod)
        assert log_group.protect is (result is prod)
        key = view_of(result).named("organization-trail-log-key", "aws:kms/key:Key")
        assert log_group.inputs["kmsKeyId"] == key.outputs["arn"] and key.inputs["enableKeyRotation"] is True
        logs = statements_by_sid(key.inputs["policy"])["LogGroupEncrypts"]
        assert logs["Principal"] == {"Service": "logs.ap-northeast-2.amazonaws.com"}
        assert logs["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"].endswith(
            f":log-group:{log_group.inputs['name']}")


def _settings(result: Run, bucket_name: str) -> dict[str, dict[str, Any]]:
    """Every aws:s3/* setting resource of one bucket, by type, from the recorded `bucket` input."""
    found: dict[str, dict[str, Any]] = {}
    for registration in result.registrations:
        if registration.type.startswith("aws:s3/bucket") and registration.type != BUCKET \
                and registration.inputs.get("bucket") == bucket_name:
            found[registration.type.split(":")[-1]] = registration.inputs
    return found


def test_audit_bucket_is_versioned_locked_encrypted_private_and_logged(dev: Run, prod: Run) -> None:
    for result, lock in ((dev, {"mode": "GOVERNANCE", "days": 30}), (prod, {"mode": "COMPLIANCE", "days": 365})):
        bucket = view_of(result).named("audit-archive-bucket", BUCKET)
        assert view_of(result).account(bucket) == "ops"
        assert bucket.inputs["objectLockEnabled"] is True
        # Production's evidence outlives the stack; the sandbox's goes with it, so the sandbox can be rebuilt.
        assert bucket.retain_on_delete is (result is prod) and bucket.protect is (result is prod)
        assert bucket.inputs["forceDestroy"] is (result is dev)
        name = bucket.inputs["bucket"]
        settings = _settings(result, name)
        assert settings["BucketVersioning"]["versioningConfiguration"] == {"status": "Enabled"}
        assert settings["BucketObjectLockConfiguration"]["rule"] == {"defaultRetention": lock}
        key_arn = view_of(result).named("audit-archive-key", "aws:kms/key:Key").outputs["arn"]
        assert settings["BucketServerSideEncryptionConfiguration"]["rules"] == [{
            "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn},
            "bucketKeyEnabled": True}]
        block = settings["BucketPublicAccessBlock"]
        assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                    "restrictPublicBuckets"))
        assert settings["BucketOwnershipControls"]["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
        access_logs = view_of(result).named("audit-archive-access-logs", BUCKET).inputs["bucket"]
        assert settings["BucketLogging"] == {"bucket": name, "targetBucket": access_logs, "targetPrefix": "audit/"}


def test_audit_bucket_policy_admits_the_trail_and_config_and_lets_no_one_delete(stack_run: Run) -> None:
    view = view_of(stack_run)
    bucket = view.named("audit-archive-bucket", BUCKET).inputs["bucket"]
    arn = f"arn:aws:s3:::{bucket}"
    organization_id = view.named("organization", "aws:organizations/organization:Organization").id
    management_id = json.loads(stack_run.config["landing-zone:organization"])["management_account_id"]
    trail_arn = f"arn:aws:cloudtrail:ap-northeast-2:{management_id}:trail/shop-organization-trail"
    statements = statements_by_sid(view.named("audit-archive-bucket-policy", "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    tls = statements["DenyInsecureTransport"]
    assert (tls["Effect"], tls["Principal"], tls["Action"]) == ("Deny", "*", "s3:*")
    assert tls["Resource"] == [arn, f"{arn}/*"] and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    if stack_run.stack == "prod":  # production's evidence outlives the stack; the sandbox's goes with it
        deletion = statements["NoOneDeletes"]
        assert (deletion["Effect"], deletion["Principal"], "Condition" in deletion) == ("Deny", "*", False)
        assert set(deletion["Action"]) == {"s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion"}
    else:
        assert "NoOneDeletes" not in statements
    delivers = statements["TrailDelivers"]
    assert delivers["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert delivers["Resource"] == [f"{arn}/AWSLogs/{management_id}/*", f"{arn}/AWSLogs/{organization_id}/*"]
    assert delivers["Condition"]["StringEquals"] == {"aws:SourceArn": trail_arn,
                                                     "s3:x-amz-acl": "bucket-owner-full-control"}
    assert statements["TrailChecksBucket"]["Condition"]["StringEquals"] == {"aws:SourceArn": trail_arn}
    config = statements["ConfigDelivers"]
    assert config["Principal"] == {"Service": "config.amazonaws.com"}
    assert config["Resource"] == f"{arn}/config/AWSLogs/*/Config/*"
    assert config["Condition"]["StringEquals"]["aws:SourceOrgID"] == organization_id
    assert statements["ConfigChecksBucket"]["Condition"]["StringEquals"] == {"aws:SourceOrgID": organization_id}
    # The key lets the same trail (and only it) encrypt.
    key = statements_by_sid(view.named("audit-archive-key", "aws:kms/key:Key").inputs["policy"])
    assert key["OrganizationTrailEncrypts"]["Condition"]["StringEquals"] == {"aws:SourceArn": trail_arn}


def test_access_log_bucket_takes_only_s3_server_access_logs_of_the_audit_bucket(stack_run: Run) -> None:
    view = view_of(stack_run)
    access = view.named("audit-archive-access-logs", BUCKET)
    statements = statements_by_sid(view.named("audit-archive-access-logs-policy",
                                              "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    write = statements["S3ServerAccessLogs"]
    audit = view.named("audit-archive-bucket", BUCKET).inputs["bucket"]
    assert write["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert write["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:s3:::{audit}"}
    expiry = _settings(stack_run, access.inputs["bucket"])["BucketLifecycleConfiguration"]["rules"][0]
    assert expiry["expiration"]["days"] in (30, 365)


def test_all_fifteen_cis_filters_read_the_trail_log_group(stack_run: Run) -> None:
    view = view_of(stack_run)
    filters = view.by_account(FILTER)
    assert set(filters) == {"management"}
    assert len(filters["management"]) == 15
    log_group = view.named("organization-trail-log-group", "aws:cloudwatch/logGroup:LogGroup")
    by_pattern = {f.inputs["pattern"]: f for f in filters["management"]}
    for control in CONTROLS:
        registered = by_pattern[control.pattern]
        assert registered.inputs["logGroupName"] == log_group.inputs["name"]
        assert registered.inputs["metricTransformation"] == {"name": control.metric, "namespace": NAMESPACE,
                                                             "value": "1"}
        assert len(control.pattern) <= 1024  # CloudWatch's limit on a filter pattern


def test_all_fifteen_alarms_fire_on_one_event_into_the_management_security_topic(stack_run: Run) -> None:
    view = view_of(stack_run)
    alarms = view.by_account(ALARM)["management"]
    assert len(alarms) == 15
    security = view.named("management-alerts-security", "aws:sns/topic:Topic")
    by_metric = {alarm.inputs["metricName"]: alarm for alarm in alarms}
    assert set(by_metric) == {control.metric for control in CONTROLS}
    for alarm in alarms:
        assert alarm.inputs["alarmActions"] == [security.outputs["arn"]]
        assert alarm.inputs["namespace"] == NAMESPACE
        assert (alarm.inputs["statistic"], alarm.inputs["threshold"], alarm.inputs["comparisonOperator"]) == (
            "Sum", 1, "GreaterThanOrEqualToThreshold")
        assert alarm.inputs["treatMissingData"] == "notBreaching"
    assert security.inputs["kmsMasterKeyId"]  # the topic the alarms use is KMS-encrypted


def _event(**fields: Any) -> dict[str, Any]:
    base = {"eventSource": "ec2.amazonaws.com", "eventType": "AwsApiCall", "sourceIPAddress": "203.0.113.9",
            "userIdentity": {"type": "AssumedRole"}, "eventName": "DescribeInstances"}
    return base | fields


# One event the benchmark wants caught per control.
CAUGHT = {
    "4.1": _event(errorCode="AccessDenied", eventName="GetObject", eventSource="s3.amazonaws.com"),
    "4.2": _event(eventName="ConsoleLogin", eventSource="signin.amazonaws.com", userIdentity={"type": "IAMUser"},
                  additionalEventData={"MFAUsed": "No"}, responseElements={"ConsoleLogin": "Success"}),
    "4.3": _event(eventName="ConsoleLogin", eventSource="signin.amazonaws.com", userIdentity={"type": "Root"}),
    "4.4": _event(eventName="AttachRolePolicy", eventSource="iam.amazonaws.com"),
    "4.5": _event(eventName="StopLogging", eventSource="cloudtrail.amazonaws.com"),
    "4.6": _event(eventName="ConsoleLogin", eventSource="signin.amazonaws.com", errorMessage="Failed authentication"),
    "4.7": _event(eventName="ScheduleKeyDeletion", eventSource="kms.amazonaws.com"),
    "4.8": _event(eventName="PutBucketPolicy", eventSource="s3.amazonaws.com"),
    "4.9": _event(eventName="StopConfigurationRecorder", eventSource="config.amazonaws.com"),
    "4.10": _event(eventName="AuthorizeSecurityGroupIngress"),
    "4.11": _event(eventName="ReplaceNetworkAclEntry"),
    "4.12": _event(eventName="AttachInternetGateway"),
    "4.13": _event(eventName="CreateRoute"),
    "4.14": _event(eventName="CreateVpcPeeringConnection"),
    "4.15": _event(eventName="LeaveOrganization", eventSource="organizations.amazonaws.com"),
}

# Events that must not raise an alarm: routine work, and the benchmark's own exclusions.
QUIET = [
    _event(),
    _event(eventName="GetObject", eventSource="s3.amazonaws.com"),
    _event(errorCode="AccessDenied", eventName="HeadBucket", eventSource="s3.amazonaws.com"),
    _event(errorCode="AccessDenied", sourceIPAddress="delivery.logs.amazonaws.com"),
    _event(eventName="ConsoleLogin", eventSource="signin.amazonaws.com", userIdentity={"type": "IAMUser"},
           additionalEventData={"MFAUsed": "Yes"}, responseElements={"ConsoleLogin": "Success"}),
    _event(eventName="Decrypt", eventSource="kms.amazonaws.com", userIdentity={"type": "Root", "invokedBy": "s3"}),
    _event(eventName="AttachRolePolicy", eventSource="sts.amazonaws.com"),
    _event(eventName="ListAccounts", eventSource="organizations.amazonaws.com"),
]


# 4.1 and 4.3 look at who called and how it went, not at the event, so they may overlap with the others.
GENERAL = {"4.1", "4.3"}


@pytest.mark.parametrize("control", CONTROLS, ids=[control.control for control in CONTROLS])
def test_each_pattern_catches_its_event_and_no_routine_one(control: Any) -> None:
    matches = compile_pattern(control.pattern)
    assert matches(CAUGHT[control.control])
    for event in QUIET:
        assert not matches(event), event
    if control.control in GENERAL:
        return
    for other in CONTROLS:
        if other.control != control.control and other.control not in GENERAL:
            assert not compile_pattern(other.pattern)(CAUGHT[control.control]), other.control


def test_root_user_usage_by_a_service_on_its_behalf_is_not_alarmed() -> None:
    root = compile_pattern(next(c for c in CONTROLS if c.control == "4.3").pattern)
    assert not root(_event(userIdentity={"type": "Root"}, eventType="AwsServiceEvent"))
    assert not root(_event(userIdentity={"type": "Root", "invokedBy": "support.amazonaws.com"}))
    assert root(_event(userIdentity={"type": "Root"}, eventName="CreateAccessKey", eventSource="iam.amazonaws.com"))
