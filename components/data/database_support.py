"""The enhanced-monitoring role Aurora instances publish OS metrics with: the permissions AWS documents for it
(AmazonRDSEnhancedMonitoringRole), scoped to the account and region and written as a typed policy."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.policy_document import PolicyDocument, Statement

# Enhanced monitoring writes every instance's OS metrics to this one group per account and region.
MONITORING_LOG_GROUP = "RDSOSMetrics"


def monitoring_role(name: str, role_name: str, account_id: pulumi.Input[str], *, region: str,
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
