"""VPC flow logs: all traffic into a CloudWatch log group encrypted with the VPC's own customer-managed key."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.home import Home, account_root_arn
from components.kms import rotating_key
from components.policy_document import PolicyDocument, Statement
from components.waits import usable_arn
from config.network import FlowLogsConfig

DELIVERY_SERVICE = "vpc-flow-logs.amazonaws.com"


class FlowLogs(pulumi.ComponentResource):
    """Key (rotated, protected in production), log group, delivery role, and the flow log of one VPC."""

    def __init__(self, name: str, spec: FlowLogsConfig, home: Home, *, vpc_id: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:network:FlowLogs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account, account_id, region, production = home.account, home.account_id, home.region, home.production
        log_group_name = home.name("vpc-flow-logs", kind="log-group")
        log_group_arn = pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":log-group:", log_group_name)

        self.key = rotating_key(f"{name}-key", f"{account} VPC flow logs", _key_policy(account_id, region, log_group_arn),
                                alias=home.name("vpc-flow-logs"), production=production, opts=child)
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=log_group_name,
            retention_in_days=spec.retention_days,
            kms_key_id=self.key.arn,
            opts=pulumi.ResourceOptions(parent=self, protect=production),
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=home.name("vpc-flow-logs", kind="iam"),
            description=f"VPC flow logs of {account} deliver into {log_group_name}",
            assume_role_policy=_trust_policy(account_id, region).to_json(),
            opts=child,
        )
        delivery = aws.iam.RolePolicy(f"{name}-role-policy", role=self.role.id,
                                      policy=_delivery_policy(self.log_group.arn).to_json(), opts=child)
        self.flow_log = aws.ec2.FlowLog(
            name,
            vpc_id=vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.log_group.arn,
            iam_role_arn=usable_arn(self.role, self.role.arn, delivery),
            max_aggregation_interval=spec.aggregation_seconds,
            tags={"Name": home.name("vpc-flow-log")},
            opts=child,
        )
        self.register_outputs({"log_group": self.log_group.name, "key_arn": self.key.arn})


def _key_policy(account_id: pulumi.Input[str], region: str, log_group_arn: pulumi.Input[str]) -> PolicyDocument:
    root = account_root_arn(account_id)
    return PolicyDocument([
        Statement("Allow", ["kms:*"], ["*"], principals={"AWS": [root]}, sid="AccountAdministers"),
        Statement("Allow", ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                  ["*"], principals={"Service": [f"logs.{region}.amazonaws.com"]},
                  conditions={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
                  sid="FlowLogGroupEncrypts"),
    ])


def _trust_policy(account_id: pulumi.Input[str], region: str) -> PolicyDocument:
    return PolicyDocument([
        Statement("Allow", ["sts:AssumeRole"], principals={"Service": [DELIVERY_SERVICE]}, sid="FlowLogsDeliver",
                  conditions={
                      "StringEquals": {"aws:SourceAccount": account_id},
                      "ArnLike": {"aws:SourceArn": pulumi.Output.concat("arn:aws:ec2:", region, ":", account_id,
                                                                        ":vpc-flow-log/*")},
                  }),
    ])


def _delivery_policy(log_group_arn: pulumi.Input[str]) -> PolicyDocument:
    streams = pulumi.Output.concat(log_group_arn, ":*")
    return PolicyDocument([
        Statement("Allow", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                  [log_group_arn, streams], sid="WriteFlowLogStreams"),
        # DescribeLogGroups authorizes only against "*" (it lists; it reads no log data).
        Statement("Allow", ["logs:DescribeLogGroups"], ["*"], sid="FindTheLogGroup"),
    ])
