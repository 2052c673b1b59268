"""The audit archive in the audit account: the organization trail's and AWS Config's bucket, and its access logs.

Versioned, object-locked, KMS-encrypted, TLS-only, access-logged; its policy admits CloudTrail (for the one
organization trail), Config and the default VPCs' flow logs (for this organization) and lets no one delete.
Both buckets announce their object events to EventBridge and abort uploads left incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.kms import rotating_key
from components.organization_trail import trail_arn, trail_name
from components.policy_document import PolicyDocument, Statement
from components.waits import wait_for
from config.baseline import BaselineConfig

CONFIG_PREFIX = "config"
ACCESS_LOG_PREFIX = "audit/"
FLOW_LOG_PREFIX = "default-vpc-flow-logs"
LOG_DELIVERY = "delivery.logs.amazonaws.com"
# Parts of an upload that never completed are billed until removed; a week covers any honest retry.
ABORT_INCOMPLETE_UPLOADS_DAYS = 7


@dataclass(frozen=True)
class ConfigDelivery:
    """Where AWS Config delivers: the audit bucket, its prefix and key, and what must exist first."""

    bucket_name: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    prefix: str
    key_arn: pulumi.Input[str]
    ready: Sequence[pulumi.Resource] = ()  # the bucket policy that admits Config


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


class AuditArchive(pulumi.ComponentResource):
    """The KMS key, the audit bucket and the bucket that receives its S3 access logs."""

    def __init__(self, name: str, spec: BaselineConfig, home: Home, *, management_account_id: str,
                 organization_id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None):
        """`spec` gives the object lock and log retention; `home` is the audit account (baseline.audit_account)."""
        super().__init__("landing-zone:audit:AuditArchive", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id, production, lock = home.account_id, home.production, spec.audit_lock
        # Global S3 names: the management account id keeps dev's and prod's organizations apart.
        self.bucket_name = home.name(f"audit-{management_account_id}", kind="s3-bucket")
        self.access_log_bucket_name = home.name(f"audit-access-{management_account_id}", kind="s3-bucket")
        self.bucket_arn = bucket_arn(self.bucket_name)
        self.trail_arn = trail_arn(home.region, management_account_id, trail_name(home.org))
        root = home.root_arn

        self.key = rotating_key(f"{name}-key", "audit archive: organization trail, AWS Config, S3 access logs",
                                self._key_policy(root, account_id=account_id, management_account_id=management_account_id,
                                                 organization_id=organization_id),
                                alias=home.name("audit"), production=production, opts=child)

        access_logs = self._bucket(f"{name}-access-logs", self.access_log_bucket_name, production, object_lock=False)
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-access-logs-expiry",
            bucket=access_logs.bucket,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-access-logs", status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=spec.log_retention_days),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=30),
                abort_incomplete_multipart_upload=_abort_incomplete_uploads(),
            )],
            opts=child,
        )
        access_policy = aws.s3.BucketPolicy(
            f"{name}-access-logs-policy",
            bucket=access_logs.bucket,
            policy=PolicyDocument([
                _deny_insecure_transport(self.access_log_bucket_name),
                Statement("Allow", ["s3:PutObject"], [f"{bucket_arn(self.access_log_bucket_name)}/*"],
                          principals={"Service": ["logging.s3.amazonaws.com"]}, sid="S3ServerAccessLogs",
                          conditions={"ArnLike": {"aws:SourceArn": self.bucket_arn},
                                      "StringEquals": {"aws:SourceAccount": account_id}}),
            ]).to_json(),
            opts=child,
        )

        self.bucket = self._bucket(f"{name}-bucket", self.bucket_name, production, object_lock=True)
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-bucket-object-lock",
            bucket=self.bucket.bucket,
            object_lock_enabled="Enabled",
            rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(mode=lock.mode,
                                                                                                days=lock.days)),
            opts=child,
        )
        aws.s3.BucketLogging(
            f"{name}-bucket-logging",
            bucket=self.bucket.bucket,
            target_bucket=access_logs.bucket,
            target_prefix=ACCESS_LOG_PREFIX,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access_policy]),
        )
        self.bucket_policy = aws.s3.BucketPolicy(
            f"{name}-bucket-policy",
            bucket=self.bucket.bucket,
            policy=self._bucket_policy(management_account_id=management_account_id, organization_id=organization_id,
                                       production=production).to_json(),
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-bucket-lifecycle",
            bucket=self.bucket.bucket,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                # Locked versions outlive this rule's reach; it only clears what the lock already released.
                id="old-versions-and-uploads", status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=lock.days + 1),
                abort_incomplete_multipart_upload=_abort_incomplete_uploads(),
            )],
            opts=child,
        )
        for bucket, label in ((self.bucket, "bucket"), (access_logs, "access-logs")):
            aws.s3.BucketNotification(f"{name}-{label}-events", bucket=bucket.bucket, eventbridge=True, opts=child)
        # CloudTrail checks the bucket policy from the management account; S3 shows a new policy there eventually.
        self.trail_ready: list[pulumi.Resource] = [
            wait_for(f"{name}-bucket-policy-ready", "cross-account-policy", after=[self.bucket_policy, self.key], opts=child)]
        self.config_delivery = ConfigDelivery(self.bucket.bucket, self.bucket_arn, CONFIG_PREFIX, self.key.arn,
                                              ready=[self.bucket_policy])
        # Where the default VPCs' flow logs go (org/default_vpc.py).
        self.flow_log_destination = f"{self.bucket_arn}/{FLOW_LOG_PREFIX}/"
        self.register_outputs({"bucket": self.bucket.bucket, "key_arn": self.key.arn})

    def _bucket(self, name: str, bucket_name: str, production: bool, *, object_lock: bool) -> aws.s3.Bucket:
        """A private bucket: versioned, owner-enforced, public access blocked, encrypted with the archive key."""
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(
            name,
            bucket=bucket_name,
            object_lock_enabled=object_lock or None,
            # Production's audit evidence outlives the stack: removing it from the program never deletes it (a
            # later `up` adopts it with `pulumi import`). A sandbox's goes with it (its lock is GOVERNANCE), so the
            # sandbox can be destroyed and rebuilt.
            force_destroy=not production,
            opts=pulumi.ResourceOptions(parent=self, protect=production, retain_on_delete=production),
        )
        aws.s3.BucketPublicAccessBlock(f"{name}-public-access-block", bucket=bucket.bucket, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
                                       opts=child)
        aws.s3.BucketOwnershipControls(f"{name}-ownership", bucket=bucket.bucket, opts=child,
                                       rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"))
        aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.bucket, opts=child,
                                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"))
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.bucket,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.
                BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=self.key.arn),
                bucket_key_enabled=True,
            )],
            opts=child,
        )
        return bucket

    def _key_policy(self, root: pulumi.Input[str], *, account_id: pulumi.Input[str], management_account_id: str,
                    organization_id: pulumi.Input[str]) -> PolicyDocument:
        return PolicyDocument([
            Statement("Allow", ["kms:*"], ["*"], principals={"AWS": [root]}, sid="AccountAdministers"),
            Statement("Allow", ["kms:GenerateDataKey*"], ["*"], principals={"Service": ["cloudtrail.amazonaws.com"]},
                      sid="OrganizationTrailEncrypts", conditions={
                          "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                                         f"arn:aws:cloudtrail:*:{management_account_id}:trail/*"},
                          "StringEquals": {"aws:SourceArn": self.trail_arn}}),
            Statement("Allow", ["kms:DescribeKey"], ["*"], principals={"Service": ["cloudtrail.amazonaws.com"]},
                      sid="OrganizationTrailDescribes", conditions={"StringEquals": {"aws:SourceArn": self.trail_arn}}),
            Statement("Allow", ["kms:Decrypt", "kms:GenerateDataKey"], ["*"],
                      principals={"Service": ["config.amazonaws.com"]}, sid="ConfigEncrypts",
                      conditions={"StringEquals": {"aws:SourceOrgID": organization_id}}),
            Statement("Allow", ["kms:Decrypt", "kms:GenerateDataKey"], ["*"],
                      principals={"Service": ["logging.s3.amazonaws.com"]}, sid="AccessLogsEncrypt",
                      conditions={"StringEquals": {"aws:SourceAccount": account_id}}),
            Statement("Allow", ["kms:Decrypt", "kms:GenerateDataKey*"], ["*"], principals={"Service": [LOG_DELIVERY]},
                      sid="FlowLogsEncrypt", conditions={"StringEquals": {"aws:SourceOrgID": organization_id}}),
        ])

    def _bucket_policy(self, *, management_account_id: str, organization_id: pulumi.Input[str],
                       production: bool) -> PolicyDocument:
        bucket, objects = self.bucket_arn, f"{self.bucket_arn}/*"
        trail_objects: list[pulumi.Input[str]] = [f"{bucket}/AWSLogs/{management_account_id}/*",
                         pulumi.Output.concat(bucket, "/AWSLogs/", organization_id, "/*")]
        # Production's evidence outlives everyone's mistakes; a sandbox's rehearsal logs go with the sandbox.
        no_one_deletes = [Statement("Deny", ["s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                                    [bucket, objects], principals="*", sid="NoOneDeletes")] if production else []
        return PolicyDocument([
            _deny_insecure_transport(self.bucket_name),
            *no_one_deletes,
            Statement("Allow", ["s3:GetBucketAcl"], [bucket], principals={"Service": ["cloudtrail.amazonaws.com"]},
                      sid="TrailChecksBucket", conditions={"StringEquals": {"aws:SourceArn": self.trail_arn}}),
            Statement("Allow", ["s3:PutObject"], trail_objects, principals={"Service": ["cloudtrail.amazonaws.com"]},
                      sid="TrailDelivers", conditions={"StringEquals": {"aws:SourceArn": self.trail_arn,
                                                                        "s3:x-amz-acl": "bucket-owner-full-control"}}),
            Statement("Allow", ["s3:GetBucketAcl", "s3:ListBucket"], [bucket],
                      principals={"Service": ["config.amazonaws.com"]}, sid="ConfigChecksBucket",
                      conditions={"StringEquals": {"aws:SourceOrgID": organization_id}}),
            Statement("Allow", ["s3:PutObject"], [f"{bucket}/{CONFIG_PREFIX}/AWSLogs/*/Config/*"],
                      principals={"Service": ["config.amazonaws.com"]}, sid="ConfigDelivers",
                      conditions={"StringEquals": {"aws:SourceOrgID": organization_id,
                                                   "s3:x-amz-acl": "bucket-owner-full-control"}}),
            Statement("Allow", ["s3:GetBucketAcl", "s3:ListBucket"], [bucket], principals={"Service": [LOG_DELIVERY]},
                      sid="FlowLogsCheckBucket", conditions={"StringEquals": {"aws:SourceOrgID": organization_id}}),
            Statement("Allow", ["s3:PutObject"], [f"{bucket}/{FLOW_LOG_PREFIX}/AWSLogs/*"],
                      principals={"Service": [LOG_DELIVERY]}, sid="FlowLogsDeliver",
                      conditions={"StringEquals": {"aws:SourceOrgID": organization_id,
                                                   "s3:x-amz-acl": "bucket-owner-full-control"}}),
        ])


def _abort_incomplete_uploads() -> aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs:
    return aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
        days_after_initiation=ABORT_INCOMPLETE_UPLOADS_DAYS)


def _deny_insecure_transport(bucket_name: str) -> Statement:
    arn = bucket_arn(bucket_name)
    return Statement("Deny", ["s3:*"], [arn, f"{arn}/*"], principals="*", sid="DenyInsecureTransport",
                     conditions={"Bool": {"aws:SecureTransport": "false"}})
