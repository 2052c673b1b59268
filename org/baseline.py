"""The security baseline of one account: password policy, EBS and S3 account defaults, Access Analyzer, Config, support,
the security contact; and what of it is regional, repeated in every other region Security Hub runs in.

GuardDuty and Security Hub reach every account through the delegated administrator (org/security_services.py),
so nothing of theirs is created here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.audit_archive import ConfigDelivery
from components.home import Home
from components.kms import rotating_key
from components.policy_document import PolicyDocument, Statement
from components.waits import passed_through, wait_for
from config.baseline import BaselineConfig

SUPPORT_POLICY = "arn:aws:iam::aws:policy/AWSSupportAccess"
CONFIG_SERVICE = "config.amazonaws.com"


class SecurityBaseline(pulumi.ComponentResource):
    """Everything every account gets, management included.

    `organization_analyzer` makes the account's analyzer organization-wide (management, delegated administrator);
    `analyzer_after` are the resources that must exist first (trusted access, the delegation).
    """

    def __init__(self, name: str, spec: BaselineConfig, home: Home, *, delivery: ConfigDelivery,
                 organization_analyzer: bool = False, analyzer_after: Sequence[pulumi.Resource] = (),
                 opts: pulumi.ResourceOptions | None = None):
        """`spec` gives the password policy and the security contact; `delivery` is the audit archive's."""
        super().__init__("landing-zone:baseline:SecurityBaseline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account, password_policy, security_contact = home.account, spec.password_policy, spec.security_contact

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
        root = home.root_arn
        self.ebs_key = rotating_key(f"{name}-ebs-key", f"{account} default EBS encryption",
                                    _ebs_key_policy(root, home.account_id, home.region), alias=home.name("ebs"),
                                    production=home.production, opts=child)
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
            analyzer_name=home.name("organization" if organization_analyzer else "account"),
            type="ORGANIZATION" if organization_analyzer else "ACCOUNT",
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(analyzer_after)),
        )

        # Security Hub's Config.1 wants the recorder to use AWS Config's service-linked role.
        self.config_role = aws.iam.ServiceLinkedRole(f"{name}-config-service-role", aws_service_name=CONFIG_SERVICE,
                                                     opts=child)
        # A new service-linked role is usable by its service only a little later: the recorders of every region
        # get its ARN through the wait.
        role_ready = wait_for(f"{name}-config-service-role-ready", "service-linked-role", after=[self.config_role],
                              triggers={"arn": self.config_role.arn}, opts=child)
        self.config_role_arn: pulumi.Output[str] = passed_through(role_ready, "arn")
        self.recorder = record_configuration(name, self, home.name("config"), role_arn=self.config_role_arn,
                                             delivery=delivery, region=None, global_types=True)

        if security_contact is not None:
            aws.account.AlternativeContact(
                f"{name}-security-contact", alternate_contact_type="SECURITY", name=security_contact.name,
                title=security_contact.title, email_address=security_contact.email,
                phone_number=security_contact.phone, opts=child)

        # CIS: a role to manage incidents with AWS Support; principals of the account assume it.
        support = aws.iam.Role(
            f"{name}-support-role",
            name=home.name("support", kind="iam"),
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


def record_configuration(name: str, parent: pulumi.Resource, recorder_name: str, *, role_arn: pulumi.Input[str],
                         delivery: ConfigDelivery, region: str | None, global_types: bool) -> aws.cfg.Recorder:
    """A Config recorder of every supported type (IAM and other global types only where `global_types`), delivering
    to the audit archive, switched on. `region` None is the provider's own. Config delivers to S3 and KMS as its
    service principal, which the archive admits for the organization."""
    recorder = aws.cfg.Recorder(
        f"{name}-config-recorder",
        name=recorder_name,
        role_arn=role_arn,
        recording_group=aws.cfg.RecorderRecordingGroupArgs(all_supported=True,
                                                           include_global_resource_types=global_types),
        region=region,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    channel = aws.cfg.DeliveryChannel(
        f"{name}-config-delivery-channel",
        name=recorder_name,
        s3_bucket_name=delivery.bucket_name,
        s3_key_prefix=delivery.prefix,
        s3_kms_key_arn=delivery.key_arn,
        region=region,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[recorder, *delivery.ready]),
    )
    aws.cfg.RecorderStatus(
        f"{name}-config-recorder-status",
        name=recorder.name,
        is_enabled=True,
        region=region,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[channel]),
    )
    return recorder


def _ebs_key_policy(root: pulumi.Input[str], account_id: pulumi.Input[str], region: str) -> PolicyDocument:
    return PolicyDocument([
        Statement("Allow", ["kms:*"], ["*"], principals={"AWS": [root]}, sid="AccountAdministers"),
        # Like the aws/ebs key: anyone in the account, only through EC2 (Auto Scaling and Beanstalk launch via EC2).
        Statement("Allow", ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
                            "kms:ReEncrypt*"], ["*"], principals={"AWS": ["*"]}, sid="AccountUsesThroughEc2",
                  conditions={"StringEquals": {"kms:CallerAccount": account_id,
                                               "kms:ViaService": f"ec2.{region}.amazonaws.com"}}),
    ])
