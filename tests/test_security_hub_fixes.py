"""What the program changed so Security Hub finds nothing failing: NACL return traffic without 3389, default VPCs
closed in every allowed region, the regional baseline and GuardDuty wherever Security Hub runs, Aurora statement
logging, object-level records of the lakes, the platform's buckets and streams out of developers' reach, and the
audit archive's uploads and events."""

from __future__ import annotations

import json
from typing import Any

from components.data.database_logging import logging_parameters
from config.data import DatabaseConfig
from config.nacls import EPHEMERAL_FROM_INTERNET
from config.regions import zones_of
from policy import rules
from policy.controls_network import REMOTE_ADMINISTRATION_PORTS, nacl_entry_admits
from preview.inventory import Inventory
from preview.run import Run
from tests.rule_resources import changed
from tests.run_view import statements_by_sid, view_of

ACCOUNTS = {"management", "network", "build", "dev", "ops"}
REGIONS = {"dev": ("ap-northeast-2", "us-east-1"), "prod": ("ap-northeast-2", "ap-northeast-1")}


def _of(inventory: Inventory, token: str) -> list[Any]:
    return inventory.run.of_type(token)


def test_tier_nacls_admit_no_admin_port_from_anywhere_yet_answer_both_ways(inventories: dict[str, Inventory]) -> None:
    for inventory in inventories.values():
        for acl in _of(inventory, "aws:ec2/networkAcl:NetworkAcl"):
            for entry in acl.inputs["ingress"]:
                assert not any(nacl_entry_admits(entry, port) for port in REMOTE_ADMINISTRATION_PORTS), (acl.name, entry)
            tier = acl.inputs["tags"]["Tier"]
            inbound = {(e["fromPort"], e["toPort"]) for e in acl.inputs["ingress"]
                       if e["cidrBlock"] == "0.0.0.0/0" and e["action"] == "allow"}
            outbound = {(e["fromPort"], e["toPort"]) for e in acl.inputs["egress"]
                        if e["cidrBlock"] == "0.0.0.0/0" and e["action"] == "allow"}
            if tier in ("public", "app"):  # answers to connections made from inside arrive from the internet
                assert set(EPHEMERAL_FROM_INTERNET) <= inbound, acl.name
            if tier == "public":  # and the load balancer answers internet clients on their ephemeral ports
                assert (1024, 65535) in outbound, acl.name
    assert EPHEMERAL_FROM_INTERNET == ((1024, 3388), (3390, 65535))


def test_every_default_vpc_of_every_allowed_region_is_closed(inventories: dict[str, Inventory]) -> None:
    for stack, inventory in inventories.items():
        archive = view_of(inventory.run).named("audit-archive-bucket", "aws:s3/bucket:Bucket").inputs["bucket"]
        vpcs = _of(inventory, "aws:ec2/defaultVpc:DefaultVpc")
        assert {(inventory.account(v), inventory.region(v)) for v in vpcs} == {
            (account, region) for account in ACCOUNTS for region in REGIONS[stack]}
        for vpc in vpcs:
            assert vpc.retain_on_delete is True  # a destroy forgets the default VPC, never deletes it
            place = (inventory.account(vpc), inventory.region(vpc))
            [group] = [g for g in _of(inventory, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
                       if vpc.urn in g.property_dependencies.get("vpcId", [])]
            assert "ingress" not in group.inputs and "egress" not in group.inputs
            [acl] = [a for a in _of(inventory, "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl")
                     if vpc.urn in a.property_dependencies.get("defaultNetworkAclId", [])]
            assert "ingress" not in acl.inputs and "egress" not in acl.inputs and acl.ignore_changes == ["subnetIds"]
            subnets = [s for s in _of(inventory, "aws:ec2/defaultSubnet:DefaultSubnet")
                       if (inventory.account(s), inventory.region(s)) == place]
            assert sorted(s.inputs["availabilityZone"] for s in subnets) == zones_of(place[1])
            assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
            [flow_log] = [f for f in _of(inventory, "aws:ec2/flowLog:FlowLog")
                          if vpc.urn in f.property_dependencies.get("vpcId", [])]
            assert flow_log.inputs["logDestinationType"] == "s3"
            assert flow_log.inputs["logDestination"] == f"arn:aws:s3:::{archive}/default-vpc-flow-logs/"


def test_the_audit_archive_admits_the_flow_logs_of_the_organization(dev: Run) -> None:
    view = view_of(dev)
    policy = statements_by_sid(view.named("audit-archive-bucket-policy", "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    deliver = policy["FlowLogsDeliver"]
    assert deliver["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert deliver["Resource"].endswith("/default-vpc-flow-logs/AWSLogs/*")
    assert set(deliver["Condition"]["StringEquals"]) == {"aws:SourceOrgID", "s3:x-amz-acl"}
    key = statements_by_sid(view.named("audit-archive-key", "aws:kms/key:Key").inputs["policy"])
    assert key["FlowLogsEncrypt"]["Principal"] == {"Service": "delivery.logs.amazonaws.com"}


def test_the_regional_baseline_and_guardduty_run_in_every_security_hub_region(inventories: dict[str, Inventory]) -> None:
    for stack, inventory in inventories.items():
        other = REGIONS[stack][1]
        for token in ("aws:ebs/encryptionByDefault:EncryptionByDefault", "aws:cfg/recorder:Recorder",
                      "aws:accessanalyzer/analyzer:Analyzer"):
            placed = {(inventory.account(r), inventory.region(r)) for r in _of(inventory, token)}
            assert placed == {(a, r) for a in ACCOUNTS for r in REGIONS[stack]}, token
        for recorder in _of(inventory, "aws:cfg/recorder:Recorder"):
            assert recorder.inputs["roleArn"].endswith("config.amazonaws.com/AWSServiceRoleForConfig")
            assert recorder.inputs["recordingGroup"]["includeGlobalResourceTypes"] is (inventory.region(recorder) != other)
        detectors = _of(inventory, "aws:guardduty/detector:Detector")
        assert {(inventory.account(d), inventory.region(d)) for d in detectors} == {("ops", r) for r in REGIONS[stack]}
        features = _of(inventory, "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature")
        assert {(f.inputs["name"], inventory.region(f)) for f in features} == {
            (feature, region) for feature in ("S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "EBS_MALWARE_PROTECTION")
            for region in REGIONS[stack]}
        admins = _of(inventory, "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount")
        assert {inventory.region(a) for a in admins} == set(REGIONS[stack])


def test_every_account_has_its_security_contact(inventories: dict[str, Inventory]) -> None:
    for inventory in inventories.values():
        contacts = _of(inventory, "aws:account/alternativeContact:AlternativeContact")
        assert {inventory.account(c) for c in contacts} == ACCOUNTS
        assert {c.inputs["alternateContactType"] for c in contacts} == {"SECURITY"}
        assert all("accountId" not in c.inputs for c in contacts)  # each set from inside its own account


def test_aurora_logs_who_changed_what_and_slow_statements(dev: Run) -> None:
    for group in dev.of_type("aws:rds/clusterParameterGroup:ClusterParameterGroup"):
        parameters = {p["name"]: p["value"] for p in group.inputs["parameters"]}
        assert parameters == {"rds.force_ssl": "1", "log_statement": "ddl", "log_min_duration_statement": "1000",
                              "log_connections": "1", "log_disconnections": "1"}


def test_aurora_mysql_audits_and_logs_slow_queries() -> None:
    spec = DatabaseConfig(engine="aurora-mysql", statement_logging="mod", slow_statement_ms=500)
    assert dict(logging_parameters(spec)) == {
        "server_audit_logging": "1", "server_audit_events": "CONNECT,QUERY_DCL,QUERY_DDL,QUERY_DML",
        "slow_query_log": "1", "long_query_time": "0.5", "log_output": "FILE"}
    quiet = dict(logging_parameters(DatabaseConfig(engine="aurora-mysql", statement_logging="none", slow_statement_ms=None)))
    assert quiet["server_audit_logging"] == "0" and quiet["slow_query_log"] == "0"
    assert dict(logging_parameters(DatabaseConfig(slow_statement_ms=None)))["log_min_duration_statement"] == "-1"


def _without(resources: list[rules.Resource], token: str, name: str, **changes: Any) -> list[rules.Resource]:
    """`resources` with the named resource's inputs changed (None removes an input)."""
    return changed(resources, lambda r: r.type == token and r.name == name,
                   lambda inputs: {k: v for k, v in {**inputs, **changes}.items() if v is not None})


def test_the_statement_logging_rule_refuses_a_cluster_that_logs_no_ddl(inventories: dict[str, Inventory]) -> None:
    resources = inventories["dev"].policy_resources()
    assert list(rules.aurora_statement_logging(resources)) == []
    bare = _without(resources, "aws:rds/clusterParameterGroup:ClusterParameterGroup", "dev-data-aurora-parameters",
                    parameters=[{"name": "rds.force_ssl", "value": "1"}])
    messages = [message for _, message in rules.aurora_statement_logging(bare)]
    assert len(messages) == 2 and "log_statement" in messages[0] and "log_min_duration_statement" in messages[1]


def test_lakes_record_object_reads_and_writes_as_config_chooses(inventories: dict[str, Inventory]) -> None:
    dev = inventories["dev"]
    lakes = {dev.account(b): b.inputs["bucket"] for b in _of(dev, "aws:s3/bucket:Bucket") if b.name.endswith("data-lake")}
    [trail] = _of(dev, "aws:cloudtrail/trail:Trail")
    management, objects = trail.inputs["advancedEventSelectors"]
    assert management["fieldSelectors"] == [{"field": "eventCategory", "equals": ["Management"]}]
    arns = next(f for f in objects["fieldSelectors"] if f["field"] == "resources.ARN")["startsWiths"]
    assert arns == [f"arn:aws:s3:::{lakes['ops']}/"]  # ops: data-events; the sandbox's dev lake: access-logs
    [logging] = [r for r in _of(dev, "aws:s3/bucketLogging:BucketLogging") if r.name == "dev-data-lake-logging"]
    logs = view_of(dev.run).named("dev-data-lake-access-logs", "aws:s3/bucket:Bucket")
    assert logs.urn in logging.property_dependencies["targetBucket"] and logging.inputs["targetPrefix"] == "lake/"
    resources = dev.policy_resources()
    assert list(rules.primary_data_object_logging(resources)) == []
    unlogged = _without(resources, "aws:cloudtrail/trail:Trail", trail.name, advancedEventSelectors=None)
    assert [urn for urn, _ in rules.primary_data_object_logging(unlogged)] == [
        view_of(dev.run).named("ops-data-lake", "aws:s3/bucket:Bucket").urn]


def test_every_bucket_aborts_incomplete_uploads(inventories: dict[str, Inventory]) -> None:
    for inventory in inventories.values():
        resources = inventory.policy_resources()
        assert list(rules.bucket_aborts_incomplete_uploads(resources)) == []
        expiry = next(r for r in resources if r.name == "audit-archive-access-logs-expiry")
        assert expiry.inputs["rules"][0]["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
        stripped = _without(resources, expiry.type, expiry.name,
                            rules=[{k: v for k, v in expiry.inputs["rules"][0].items()
                                    if k != "abortIncompleteMultipartUpload"}])
        assert [urn for urn, _ in rules.bucket_aborts_incomplete_uploads(stripped)] == [
            view_of(inventory.run).named("audit-archive-access-logs", "aws:s3/bucket:Bucket").urn]


def _role_policy(run: Run, name: str) -> dict[str, dict[str, Any]]:
    return statements_by_sid(view_of(run).named(name, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])


def test_developers_and_their_roles_cannot_change_the_platforms_buckets_and_streams(dev: Run) -> None:
    view = view_of(dev)
    boundary = statements_by_sid(view.named("dev-access-roles-developer-boundary", "aws:iam/policy:Policy").inputs["policy"])
    for statements in (_role_policy(dev, "dev-access-roles-Developer-policy"), boundary):
        buckets = statements["KeepPlatformBuckets"]
        assert buckets["Effect"] == "Deny"
        assert buckets["Resource"] == ["arn:aws:s3:::shop-dev-*", "arn:aws:s3:::shop-dev-*/*"]
        assert {"s3:PutBucket*", "s3:PutEncryptionConfiguration", "s3:DeleteBucket*"} <= set(buckets["Action"])
        streams = statements["KeepPlatformStreams"]
        assert {"kinesis:StopStreamEncryption", "kinesis:DeleteStream"} <= set(streams["Action"])
        assert streams["Resource"].startswith("arn:aws:kinesis:*:") and streams["Resource"].endswith(":stream/shop-dev-*")
        assert "firehose:UpdateDestination" in statements["KeepPlatformDeliveryStreams"]["Action"]
        assert {"logs:PutSubscriptionFilter", "cloudwatch:PutMetricAlarm"} <= set(statements["KeepPlatformResources"]["Action"])
    lake = view.named("dev-data-lake", "aws:s3/bucket:Bucket").inputs["bucket"]
    assert lake.startswith("shop-dev-")  # the names the denies match


def test_decryption_is_granted_on_the_accounts_own_keys_only(dev: Run) -> None:
    admin = _role_policy(dev, "dev-access-roles-Admin-policy")
    assert admin["Administer"]["NotAction"] == ["kms:Decrypt", "kms:ReEncryptFrom"]
    assert admin["DecryptWithOwnKeys"]["Resource"].startswith("arn:aws:kms:*:")
    developer = _role_policy(dev, "dev-access-roles-Developer-policy")
    assert "kms:Decrypt" not in developer["BuildServices"]["Action"]
    assert developer["DecryptWithOwnKeys"]["Resource"].endswith(":key/*")


def test_programs_get_no_console_through_a_group_not_a_user_policy(dev: Run) -> None:
    assert dev.of_type("aws:iam/userPolicy:UserPolicy") == []
    policy = view_of(dev).named("people-programmatic-users-no-console", "aws:iam/groupPolicy:GroupPolicy")
    assert json.loads(policy.inputs["policy"])["Statement"][0]["Sid"] == "NeverConsole"
