"""The security baseline of one account: password policy, EBS and S3 account defaults, Access Analyzer, Config, support.

GuardDuty and Security Hub reach every account through the delegated administrator (org/security_services.py),
so nothing of theirs is created here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.audit_archive import ConfigDelivery
from components.kms import rotating_key
from components.policy_document import PolicyDocument, Statement
from components.waits import usable_arn
from config.baseline import PasswordPolicyConfig
from config.naming import aws_name

CONFIG_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"
SUPPORT_POLICY = "arn:aws:iam::aws:policy/AWSSupportAccess"


class SecurityBaseline(pulumi.ComponentResource):
    """Everything every account gets, management included.

    `organization_analyzer` makes the account's analyzer organization-wide (management, delegated administrator);
    `analyzer_after` are the resources that must exist first (trusted access, the delegation).
    """

    def __init__(self, name: str, org_name: str, account: str, account_id: pulumi.Input[str], region: str,
                 password_policy: PasswordPolicyConfig, delivery: ConfigDelivery, production: bool,
                 organization_analyzer: bool = False, analyzer_after: Sequence[pulumi.Resource] = (),
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:baseline:SecurityBaseline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.password_policy = aws.iam.AccountPasswordPolicy(
            f"{name}-password-policy",
            minimum_password_length=password_policy.minimum_length,
            require_lowercase_characters=True,
            require_uppercase_characters=True,
            require_numbers=True,
            require_symbols=True,
            password_reuse_prevention=password_policy.reuse_prevention,
            max_password_age=password_policy.max_age_days,
            allow_users_to_change_password=True,
            opts=child,
        )

        # EBS: every new volume encrypted with the account's own key.
        root = pulumi.Output.concat("arn:aws:iam::", account_id, ":root")
        self.ebs_key = rotating_key(f"{name}-ebs-key", f"{account} default EBS encryption",
                                    _ebs_key_policy(root, account_id, region), aws_name(org_name, account, "ebs"),
                                    production, child)
        self.ebs_encryption = aws.ebs.EncryptionByDefault(f"{name}-ebs-encryption", enabled=True, opts=child)
        aws.ebs.DefaultKmsKey(f"{name}-ebs-default-key", key_arn=self.ebs_key.arn,
                              opts=pulumi.ResourceOptions(parent=self, depends_on=[self.ebs_encryption]))

        self.public_access_block = aws.s3.AccountPublicAccessBlock(
            f"{name}-s3-public-access-block",
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )

        self.analyzer = aws.accessanalyzer.Analyzer(
            f"{name}-access-analyzer",
            analyzer_name=aws_name(org_name, account, "organization" if organization_analyzer else "account"),
            type="ORGANIZATION" if organization_analyzer else "ACCOUNT",
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(analyzer_after)),
        )

        self._config_recorder(name, org_name, account, account_id, delivery)

        # CIS: a role to manage incidents with AWS Support; principals of the account assume it.
        support = aws.iam.Role(
            f"{name}-support-role",
            name=aws_name(org_name, account, "support", kind="iam"),
            description="Opens and manages AWS Support cases",
            assume_role_policy=PolicyDocument([
                # People reach it by chaining from their MFA-guarded roles; the MFA context carries over.
                Statement("Allow", ["sts:AssumeRole"], principals={"AWS": [root]}, sid="AccountPrincipals",
                          conditions={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
            ]).to_json(),
            opts=child,
        )
        aws.iam.RolePolicyAttachment(f"{name}-support-access", role=support.name, policy_arn=SUPPORT_POLICY, opts=child)
        self.support_role = support

        self.register_outputs({"ebs_key_arn": self.ebs_key.arn, "analyzer_arn": self.analyzer.arn,
                               "support_role_arn": support.arn})

    def _config_recorder(self, name: str, org_name: str, account: str, account_id: pulumi.Input[str],
                         delivery: ConfigDelivery) -> None:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-config-role",
            name=aws_name(org_name, account, "config-recorder", kind="iam"),
            description="AWS Config records this account's resources",
            assume_role_policy=PolicyDocument([
                Statement("Allow", ["sts:AssumeRole"], principals={"Service": ["config.amazonaws.com"]},
                          conditions={"StringEquals": {"aws:SourceAccount": account_id}}, sid="ConfigRecords"),
            ]).to_json(),
            opts=child,
        )
        managed = aws.iam.RolePolicyAttachment(f"{name}-config-role-policy", role=role.name,
                                               policy_arn=CONFIG_ROLE_POLICY, opts=child)
        # In the audit account Config writes with this role; elsewhere it falls back to its service principal.
        objects = pulumi.Output.concat(delivery.bucket_arn, f"/{delivery.prefix}/AWSLogs/", account_id, "/*")
        delivers = aws.iam.RolePolicy(
            f"{name}-config-delivery",
            role=role.id,
            policy=PolicyDocument([
                Statement("Allow", ["s3:GetBucketAcl", "s3:ListBucket"], [delivery.bucket_arn], sid="CheckBucket"),
                Statement("Allow", ["s3:PutObject"], [objects], sid="Deliver",
                          conditions={"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}),
                Statement("Allow", ["kms:Decrypt", "kms:GenerateDataKey"], [delivery.key_arn], sid="Encrypt"),
            ]).to_json(),
            opts=child,
        )
        self.recorder = aws.cfg.Recorder(
            f"{name}-config-recorder",
            name=aws_name(org_name, account, "config"),
            role_arn=usable_arn(role, role.arn, managed, delivers),
            recording_group=aws.cfg.RecorderRecordingGroupArgs(all_supported=True, include_global_resource_types=True),
            opts=child,
        )
        channel = aws.cfg.DeliveryChannel(
            f"{name}-config-delivery-channel",
            name=aws_name(org_name, account, "config"),
            s3_bucket_name=delivery.bucket_name,
            s3_key_prefix=delivery.prefix,
            s3_kms_key_arn=delivery.key_arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.recorder, *delivery.ready]),
        )
        aws.cfg.RecorderStatus(
            f"{name}-config-recorder-status",
            name=self.recorder.name,
            is_enabled=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[channel]),
        )


def _ebs_key_policy(root: pulumi.Input[str], account_id: pulumi.Input[str], region: str) -> PolicyDocument:
    return PolicyDocument([
        Statement("Allow", ["kms:*"], ["*"], principals={"AWS": [root]}, sid="AccountAdministers"),
        # Like the aws/ebs key: anyone in the account, only through EC2 (Auto Scaling and Beanstalk launch via EC2).
        Statement("Allow", ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
                            "kms:ReEncrypt*"], ["*"], principals={"AWS": ["*"]}, sid="AccountUsesThroughEc2",
                  conditions={"StringEquals": {"kms:CallerAccount": account_id,
                                               "kms:ViaService": f"ec2.{region}.amazonaws.com"}}),
    ])
