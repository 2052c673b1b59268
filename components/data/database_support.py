"""What the Aurora cluster needs around it: encrypted log groups created before RDS would create them plain, and the
enhanced-monitoring role with the permissions AWS documents for it, written as a typed policy."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.policy_document import PolicyDocument, Statement

# Enhanced monitoring writes every instance's OS metrics to this one group per account and region.
MONITORING_LOG_GROUP = "RDSOSMetrics"


def log_groups(name: str, group_names: Sequence[str], retention_days: int, key: aws.kms.Key, production: bool,
               parent: pulumi.Resource) -> list[aws.cloudwatch.LogGroup]:
    """One KMS-encrypted group per name, with the configured retention."""
    return [
        aws.cloudwatch.LogGroup(
            f"{name}-log-{group.strip('/').replace('/', '-').lower()}",
            name=group,
            retention_in_days=retention_days,
            kms_key_id=key.arn,
            opts=pulumi.ResourceOptions(parent=parent, protect=production),
        )
        for group in group_names
    ]


def monitoring_role(name: str, role_name: str, account_id: pulumi.Input[str], region: str,
                    parent: pulumi.Resource) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
    """The role RDS enhanced monitoring assumes: the AmazonRDSEnhancedMonitoringRole permissions, scoped to this
    account and region."""
    child = pulumi.ResourceOptions(parent=parent)
    trust = PolicyDocument([Statement(
        "Allow", ["sts:AssumeRole"], principals={"Service": ["monitoring.rds.amazonaws.com"]},
        conditions={"StringEquals": {"aws:SourceAccount": account_id}}, sid="RdsMonitoringAssumes")])
    role = aws.iam.Role(f"{name}-monitoring-role", name=role_name, assume_role_policy=trust.to_json(),
                        description="RDS enhanced monitoring publishes OS metrics", opts=child)
    groups = pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":log-group:RDS*")
    streams = pulumi.Output.concat(groups, ":log-stream:*")
    policy = PolicyDocument([
        Statement("Allow", ["logs:CreateLogGroup", "logs:PutRetentionPolicy"], [groups],
                  sid="ManageRdsLogGroups"),
        Statement("Allow", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams",
                            "logs:GetLogEvents"], [streams], sid="WriteRdsLogStreams"),
    ])
    attached = aws.iam.RolePolicy(f"{name}-monitoring-policy", role=role.id, policy=policy.to_json(), opts=child)
    return role, attached
