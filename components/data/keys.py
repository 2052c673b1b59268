"""One customer-managed KMS key per purpose of the data tier, usable only through the services of that purpose."""

from __future__ import annotations

from collections.abc import Iterable

import pulumi
import pulumi_aws as aws

from components.home import Home, account_root_arn
from components.kms import rotating_key
from components.policy_document import PolicyDocument, Statement

# Purpose -> the services that may use the key on a caller's behalf (kms:ViaService).
PURPOSES: dict[str, tuple[str, ...]] = {
    "database": ("rds", "secretsmanager"),  # storage, Performance Insights, the master-user secret
    "search": ("es",),
    "stream": ("kinesis",),
    "lake": ("s3",),
    "logs": (),  # CloudWatch Logs encrypts as its own service principal
    "backup": ("backup", "rds"),  # RDS re-encrypts Aurora snapshot copies with the vault's key
}

# What the account root may do itself: manage the key, never use it to read data.
ADMIN_ACTIONS = (
    "kms:CreateAlias", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
    "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
)
USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
# Services keep long-running access (a cluster's storage, a vault) through grants tied to their resource.
GRANT_ACTIONS = ("kms:CreateGrant",)


def key_policy(purpose: str, account_id: pulumi.Input[str], region: str) -> PolicyDocument:
    """Root administers; principals of the account use the key only through the purpose's services."""
    root = account_root_arn(account_id)
    statements = [Statement("Allow", list(ADMIN_ACTIONS), ["*"], principals={"AWS": [root]}, sid="AccountAdministers")]
    services = [f"{service}.{region}.amazonaws.com" for service in PURPOSES[purpose]]
    if services:
        via = {"kms:CallerAccount": account_id, "kms:ViaService": services}
        statements += [
            Statement("Allow", list(USE_ACTIONS), ["*"], principals={"AWS": [root]}, conditions={"StringEquals": via},
                      sid="UseThroughServices"),
            Statement("Allow", list(GRANT_ACTIONS), ["*"], principals={"AWS": [root]},
                      conditions={"StringEquals": via, "Bool": {"kms:GrantIsForAWSResource": "true"}},
                      sid="ServicesHoldGrants"),
        ]
    if purpose == "lake":  # S3 server access logging writes the lake's access logs (lake.object_logging)
        statements.append(Statement(
            "Allow", ["kms:Decrypt", "kms:GenerateDataKey"], ["*"], principals={"Service": ["logging.s3.amazonaws.com"]},
            conditions={"StringEquals": {"aws:SourceAccount": account_id}}, sid="AccessLogsEncrypt"))
    if purpose == "logs":
        groups = pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":log-group:*")
        statements.append(Statement(
            "Allow", ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
            ["*"], principals={"Service": [f"logs.{region}.amazonaws.com"]},
            # StringLike, not ArnLike: encryption-context keys are strings (same match, and linters agree).
            conditions={"StringLike": {"kms:EncryptionContext:aws:logs:arn": groups}}, sid="AccountLogGroupsEncrypt"))
    return PolicyDocument(statements)


def purpose_key(name: str, purpose: str, home: Home, *, opts: pulumi.ResourceOptions, region: str | None = None,
                alias_suffix: str = "") -> aws.kms.Key:
    """A rotated key for `purpose` in `region` (default: the home region) with its alias; protected in production,
    30 days to cancel a deletion.

    `opts` names the parent (and, for another region, that region's provider).
    """
    alias = home.name(f"{purpose}{alias_suffix and f'-{alias_suffix}'}")
    return rotating_key(name, f"{home.account} {purpose}{alias_suffix and f' ({alias_suffix})'}",
                        key_policy(purpose, home.account_id, region or home.region), alias=alias,
                        production=home.production, opts=opts, tags={"Purpose": purpose})


class DataKeys(pulumi.ComponentResource):
    """The data tier's keys: `keys[purpose]` for each purpose in `purposes` (database, search, stream, lake, logs,
    backup)."""

    def __init__(self, name: str, purposes: Iterable[str], home: Home, *, opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:data:DataKeys", name, None, opts)
        self.keys: dict[str, aws.kms.Key] = {
            purpose: purpose_key(f"{name}-{purpose}", purpose, home, opts=pulumi.ResourceOptions(parent=self))
            for purpose in purposes
        }
        self.arns: dict[str, pulumi.Output[str]] = {purpose: key.arn for purpose, key in self.keys.items()}
        self.register_outputs({"arns": self.arns})

    def __getitem__(self, purpose: str) -> aws.kms.Key:
        return self.keys[purpose]
