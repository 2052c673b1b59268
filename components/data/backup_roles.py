"""The roles AWS Backup works with in one account, written for the stores we select (Aurora, S3, DynamoDB) instead
of AWS's managed all-services policies: one that takes and copies recovery points, one that restores (tests)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.policy_document import PolicyDocument, Statement
from components.waits import usable_arn

Input = pulumi.Input[str]

# Services that use the data keys for Backup on this role's behalf.
KEY_SERVICES = ("backup", "rds", "s3", "dynamodb")


def _arn(service: str, account_id: Input, resource: str, *, region: str = "*") -> pulumi.Output[str]:
    return pulumi.Output.concat(f"arn:aws:{service}:{region}:", account_id, f":{resource}")


def _trust(account_id: Input) -> PolicyDocument:
    return PolicyDocument([Statement(
        "Allow", ["sts:AssumeRole"], principals={"Service": ["backup.amazonaws.com"]},
        conditions={"StringEquals": {"aws:SourceAccount": account_id}}, sid="BackupAssumes")])


def _keys(account_id: Input, regions: Sequence[str]) -> list[Statement]:
    via = [f"{service}.{region}.amazonaws.com" for region in regions for service in KEY_SERVICES]
    keys = _arn("kms", account_id, "key/*")
    return [
        Statement("Allow", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
                            "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"], [keys],
                  conditions={"StringEquals": {"kms:ViaService": via}}, sid="UseDataKeysThroughServices"),
        Statement("Allow", ["kms:CreateGrant"], [keys], sid="GrantKeysToServices",
                  conditions={"StringEquals": {"kms:ViaService": via}, "Bool": {"kms:GrantIsForAWSResource": "true"}}),
    ]


def backup_policy(account_id: Input, regions: Sequence[str]) -> PolicyDocument:
    """Take, copy and expire recovery points of Aurora clusters, S3 buckets and DynamoDB tables in the account."""
    clusters, snapshots = _arn("rds", account_id, "cluster:*"), _arn("rds", account_id, "cluster-snapshot:*")
    tables = _arn("dynamodb", account_id, "table/*")
    rules = _arn("events", account_id, "rule/AwsBackupManagedRule*")
    return PolicyDocument([
        Statement("Allow", ["rds:DescribeDBClusters", "rds:DescribeDBClusterSnapshots", "rds:CreateDBClusterSnapshot",
                            "rds:CopyDBClusterSnapshot", "rds:DeleteDBClusterSnapshot", "rds:AddTagsToResource",
                            "rds:ListTagsForResource", "rds:ModifyDBClusterSnapshotAttribute",
                            "rds:DescribeDBClusterAutomatedBackups", "rds:ModifyDBCluster"],
                  [clusters, snapshots, _arn("rds", account_id, "cluster-auto-backup:*")],
                  sid="AuroraSnapshotsAndContinuousBackup"),
        Statement("Allow", ["dynamodb:DescribeTable", "dynamodb:CreateBackup", "dynamodb:ListTagsOfResource",
                            "dynamodb:StartAwsBackupJob"], [tables], sid="DynamoDbBackups"),
        Statement("Allow", ["dynamodb:DescribeBackup", "dynamodb:DeleteBackup"],
                  [pulumi.Output.concat(tables, "/backup/*")], sid="DynamoDbRecoveryPoints"),
        Statement("Allow", ["s3:GetBucketVersioning", "s3:GetBucketLocation", "s3:GetBucketTagging", "s3:GetBucketAcl",
                            "s3:GetBucketNotification", "s3:PutBucketNotification", "s3:GetInventoryConfiguration",
                            "s3:PutInventoryConfiguration", "s3:ListBucket", "s3:ListBucketVersions",
                            "s3:GetBucketPolicyStatus", "s3:GetBucketOwnershipControls"],
                  ["arn:aws:s3:::*"], sid="S3BucketsForBackup"),
        Statement("Allow", ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAcl", "s3:GetObjectVersionAcl",
                            "s3:GetObjectTagging", "s3:GetObjectVersionTagging"], ["arn:aws:s3:::*/*"],
                  sid="S3ObjectsForBackup"),
        # Continuous backup of S3 follows changes through an EventBridge rule Backup manages itself.
        Statement("Allow", ["events:DescribeRule", "events:EnableRule", "events:PutRule", "events:DeleteRule",
                            "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule",
                            "events:DisableRule"], [rules], sid="S3ContinuousBackupRule"),
        # Listing actions that AWS authorizes only on `*`.
        Statement("Allow", ["tag:GetResources", "s3:ListAllMyBuckets", "events:ListRules", "cloudwatch:GetMetricData"],
                  ["*"], sid="FindSelectedResources"),
        Statement("Allow", ["backup:DescribeBackupVault", "backup:CopyIntoBackupVault"],
                  [_arn("backup", account_id, "backup-vault:*")], sid="CopyBetweenOwnVaults"),
        *_keys(account_id, regions),
    ])


def restore_policy(account_id: Input, regions: Sequence[str], keep: Sequence[Input]) -> PolicyDocument:
    """Restore Aurora clusters, S3 objects and DynamoDB tables, and delete the Aurora clusters a restore test
    created, never those in `keep`. Restores write new data only: no table, item or object is ever deleted."""
    clusters, snapshots = _arn("rds", account_id, "cluster:*"), _arn("rds", account_id, "cluster-snapshot:*")
    tables = _arn("dynamodb", account_id, "table/*")
    statements = [
        Statement("Allow", ["rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime",
                            "rds:DescribeDBClusters", "rds:DescribeDBClusterSnapshots", "rds:AddTagsToResource",
                            "rds:ListTagsForResource", "rds:ModifyDBCluster", "rds:DeleteDBCluster"],
                  [clusters, snapshots, *(_arn("rds", account_id, kind) for kind in ("subgrp:*", "cluster-pg:*", "og:*"))],
                  sid="RestoreAuroraClusters"),
        Statement("Allow", ["dynamodb:RestoreTableFromBackup", "dynamodb:RestoreTableFromAwsBackup",
                            "dynamodb:DescribeTable", "dynamodb:Scan", "dynamodb:Query",
                            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                            "dynamodb:BatchWriteItem"], [tables, pulumi.Output.concat(tables, "/backup/*")],
                  sid="RestoreDynamoDbTables"),
        Statement("Allow", ["s3:CreateBucket", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketVersioning",
                            "s3:PutBucketVersioning", "s3:GetBucketLocation", "s3:GetBucketOwnershipControls"],
                  ["arn:aws:s3:::*"], sid="S3BucketsForRestore"),
        Statement("Allow", ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
                            "s3:GetObjectAcl", "s3:PutObjectAcl", "s3:GetObjectTagging", "s3:PutObjectTagging",
                            "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"], ["arn:aws:s3:::*/*"],
                  sid="S3ObjectsForRestore"),
        *_keys(account_id, regions),
    ]
    if keep:
        statements.append(Statement("Deny", ["rds:DeleteDBCluster"], list(keep), sid="NeverDeleteTheLiveClusters"))
    return PolicyDocument(statements)


@dataclass(frozen=True)
class BackupRole:
    """A role AWS Backup assumes; `arn` resolves once its policy exists, so what names it waits for the policy."""

    role: aws.iam.Role
    arn: pulumi.Output[str]


def backup_roles(name: str, role_names: tuple[str, str], account_id: Input, *, regions: Sequence[str],
                 keep: Sequence[Input], parent: pulumi.Resource) -> tuple[BackupRole, BackupRole]:
    """(backup role, restore role)."""
    child = pulumi.ResourceOptions(parent=parent)
    roles = []
    for suffix, role_name, policy, what in (
        ("backup", role_names[0], backup_policy(account_id, regions), "takes and copies recovery points"),
        ("restore", role_names[1], restore_policy(account_id, regions, keep), "restores and tests restores"),
    ):
        role = aws.iam.Role(f"{name}-{suffix}-role", name=role_name, assume_role_policy=_trust(account_id).to_json(),
                            description=f"AWS Backup {what}", opts=child)
        attached = aws.iam.RolePolicy(f"{name}-{suffix}-policy", role=role.id, policy=policy.to_json(), opts=child)
        roles.append(BackupRole(role, usable_arn(role, role.arn, attached)))
    return roles[0], roles[1]
