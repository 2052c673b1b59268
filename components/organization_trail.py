"""The one organization trail, in the management account: every region, every account, validated and encrypted.

It delivers to the audit archive and to a KMS-encrypted CloudWatch log group here (AWS requires the trail's log
group in the trail's own account), where the CIS metric filters read it. Besides every management event it records
the S3 data events (object reads and writes) of the buckets named in `data_event_buckets`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.kms import rotating_key
from components.policy_document import PolicyDocument, Statement
from config.baseline import BaselineConfig
from config.naming import aws_name


def trail_name(org: str) -> str:
    """The organization trail's name, `<org>-organization-trail`: the archive admits the trail by it before it exists."""
    return aws_name(org, "organization", "trail")


def trail_arn(region: str, account_id: str, trail_name: str) -> str:
    """The trail's ARN, known before it exists: the bucket and key must admit the trail before it is created."""
    return f"arn:aws:cloudtrail:{region}:{account_id}:trail/{trail_name}"


class OrganizationTrail(pulumi.ComponentResource):
    """Trail, its log group and key, and the role CloudTrail writes to the log group with."""

    def __init__(self, name: str, spec: BaselineConfig, home: Home, *, bucket_name: pulumi.Input[str],
                 key_arn: pulumi.Input[str], ready: Sequence[pulumi.Resource] = (),
                 data_event_buckets: Sequence[pulumi.Input[str]] = (), opts: pulumi.ResourceOptions | None = None):
        """`home` is the management account; `spec` gives the log group's retention; the archive gives bucket and key."""
        super().__init__("landing-zone:audit:OrganizationTrail", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        region, production = home.region, home.production
        log_group_name = home.name("organization-trail", kind="log-group")
        log_group_arn = pulumi.Output.concat("arn:aws:logs:", region, ":", home.account_id, ":log-group:", log_group_name)

        self.log_key = rotating_key(
            f"{name}-log-key", "organization trail log group",
            PolicyDocument([
                Statement("Allow", ["kms:*"], ["*"], principals={"AWS": [home.root_arn]},
                          sid="AccountAdministers"),
                Statement("Allow", ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*",
                                    "kms:ReEncrypt*"], ["*"], principals={"Service": [f"logs.{region}.amazonaws.com"]},
                          sid="LogGroupEncrypts",
                          conditions={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}}),
            ]),
            alias=home.name("trail-logs"), production=production, opts=child)
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name=log_group_name,
            kms_key_id=self.log_key.arn,
            retention_in_days=spec.log_retention_days,
            deletion_protection_enabled=production,
            opts=pulumi.ResourceOptions(parent=self, protect=production),
        )

        role = aws.iam.Role(
            f"{name}-logs-role",
            name=home.name("trail-to-logs", kind="iam"),
            description="CloudTrail writes the organization trail to its log group",
            # AWS documents this role's trust without conditions (CloudTrail user guide, 'Sending events to CloudWatch
            # Logs'); a condition CloudTrail's delivery does not satisfy would leave the log group, and so every CIS
            # alarm, silently empty. Only a caller allowed to pass this role (iam:PassRole, in this account) can use it.
            assume_role_policy=PolicyDocument([
                Statement("Allow", ["sts:AssumeRole"], principals={"Service": ["cloudtrail.amazonaws.com"]},
                          sid="TrailWrites"),
            ]).to_json(),
            opts=child,
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-logs-role-policy",
            role=role.id,
            policy=PolicyDocument([
                Statement("Allow", ["logs:CreateLogStream", "logs:PutLogEvents"],
                          [pulumi.Output.concat(log_group_arn, ":log-stream:*")], sid="WriteTrailStreams"),
            ]).to_json(),
            opts=child,
        )

        self.trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=trail_name(home.org),
            is_organization_trail=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=key_arn,
            s3_bucket_name=bucket_name,
            cloud_watch_logs_group_arn=pulumi.Output.concat(self.log_group.arn, ":*"),
            cloud_watch_logs_role_arn=role.arn,
            advanced_event_selectors=event_selectors(data_event_buckets) if data_event_buckets else None,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy, *ready]),
        )
        self.register_outputs({"trail_arn": self.trail.arn, "log_group": self.log_group.name})


def event_selectors(buckets: Sequence[pulumi.Input[str]]) -> list[aws.cloudtrail.TrailAdvancedEventSelectorArgs]:
    """Every management event (advanced selectors replace the default, so it is named), and the object-level events
    of `buckets` (names). CloudTrail user guide, "Logging data events with advanced event selectors"."""
    field = aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs
    return [
        aws.cloudtrail.TrailAdvancedEventSelectorArgs(
            name="Management events", field_selectors=[field(field="eventCategory", equals=["Management"])]),
        aws.cloudtrail.TrailAdvancedEventSelectorArgs(name="Primary-data objects", field_selectors=[
            field(field="eventCategory", equals=["Data"]),
            field(field="resources.type", equals=["AWS::S3::Object"]),
            field(field="resources.ARN", starts_withs=[pulumi.Output.concat("arn:aws:s3:::", bucket, "/")
                                                       for bucket in buckets]),
        ]),
    ]
