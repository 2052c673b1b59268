"""The data-lake bucket: versioned, KMS-encrypted with the lake key, TLS only, never public, aged by lifecycle rules,
its object events announced to EventBridge, and every read and write of its objects on record.

Object-level logging is `spec.object_logging`: `data-events` (the organization trail records the lake's S3 data
events; see lake_bucket_arn) or `access-logs` (S3 server access logs into a log bucket beside the lake).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components import grants
from components.home import Home
from components.policy_document import PolicyDocument, Statement
from config.data import LakeConfig

EVENTS_PREFIX = "events/"
ERRORS_PREFIX = "errors/"
ACCESS_LOG_PREFIX = "lake/"
ABORT_INCOMPLETE_UPLOADS_DAYS = 7


def lake_bucket_name(home: Home) -> pulumi.Output[str]:
    """The lake bucket's name, known before the bucket: the organization trail selects its data events by it."""
    # Bucket names are global: the account id keeps the sandbox's and production's `dev` lakes apart.
    return pulumi.Output.concat(home.name("lake", kind="s3-bucket-prefix"), "-", home.account_id)


class DataLake(pulumi.ComponentResource):
    """The account's data lake. `tags` carry the backup selection tag so AWS Backup picks the bucket up."""

    def __init__(self, name: str, spec: LakeConfig, home: Home, *, key: aws.kms.Key, tags: Mapping[str, str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:data:DataLake", name, None, opts)
        production = home.production
        child = pulumi.ResourceOptions(parent=self)
        self.key = key
        self.bucket = aws.s3.Bucket(
            name,
            bucket=lake_bucket_name(home),
            # The sandbox is destroyed and rebuilt at will; production's lake is protected and never emptied.
            force_destroy=not production,
            tags=dict(tags),
            opts=pulumi.ResourceOptions(parent=self, protect=production),
        )
        self.bucket_name: pulumi.Output[str] = self.bucket.bucket
        self.bucket_arn: pulumi.Output[str] = self.bucket.arn
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership", bucket=self.bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child)
        aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access", bucket=self.bucket.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=child)
        aws.s3.BucketVersioning(
            f"{name}-versioning", bucket=self.bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=child)
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=self.bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.
                BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=key.arn),
                bucket_key_enabled=True,  # one data key per bucket, not per object: fewer KMS calls
            )],
            opts=child)
        aws.s3.BucketPolicy(f"{name}-policy", bucket=self.bucket.id,
                            policy=_bucket_policy(self.bucket.arn, key.arn).to_json(), opts=child)
        aws.s3.BucketLifecycleConfiguration(f"{name}-lifecycle", bucket=self.bucket.id, rules=_lifecycle(spec),
                                            opts=child)
        aws.s3.BucketNotification(f"{name}-events", bucket=self.bucket.id, eventbridge=True, opts=child)
        self.access_logs: aws.s3.Bucket | None = None
        if spec.object_logging == "access-logs":
            self.access_logs = self._access_log_bucket(name, spec, home)
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})

    def _access_log_bucket(self, name: str, spec: LakeConfig, home: Home) -> aws.s3.Bucket:
        """A private, KMS-encrypted bucket that receives the lake's S3 server access logs (same account and region,
        as S3 requires), and the lake's logging into it."""
        child = pulumi.ResourceOptions(parent=self)
        account_id, production = home.account_id, home.production
        logs = aws.s3.Bucket(f"{name}-access-logs",
                             bucket=pulumi.Output.concat(home.name("lake-logs", kind="s3-bucket-prefix"),
                                                         "-", account_id),
                             force_destroy=not production, opts=pulumi.ResourceOptions(parent=self, protect=production))
        aws.s3.BucketOwnershipControls(
            f"{name}-access-logs-ownership", bucket=logs.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child)
        aws.s3.BucketPublicAccessBlock(
            f"{name}-access-logs-public-access", bucket=logs.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=child)
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-access-logs-encryption", bucket=logs.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.
                BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=self.key.arn),
                bucket_key_enabled=True)],
            opts=child)
        objects = pulumi.Output.concat(logs.arn, "/*")
        policy = aws.s3.BucketPolicy(f"{name}-access-logs-policy", bucket=logs.id, opts=child, policy=PolicyDocument([
            Statement("Deny", ["s3:*"], [logs.arn, objects], principals="*",
                      conditions={"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport"),
            Statement("Allow", ["s3:PutObject"], [objects], principals={"Service": ["logging.s3.amazonaws.com"]},
                      conditions={"ArnLike": {"aws:SourceArn": self.bucket.arn},
                                  "StringEquals": {"aws:SourceAccount": account_id}}, sid="S3ServerAccessLogs"),
        ]).to_json())
        aws.s3.BucketLifecycleConfiguration(f"{name}-access-logs-expiry", bucket=logs.id, opts=child, rules=[
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-access-logs", status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=spec.access_log_expire_after_days),
                abort_incomplete_multipart_upload=aws.s3.
                BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=ABORT_INCOMPLETE_UPLOADS_DAYS))])
        aws.s3.BucketNotification(f"{name}-access-logs-events", bucket=logs.id, eventbridge=True, opts=child)
        aws.s3.BucketLogging(f"{name}-logging", bucket=self.bucket.id, target_bucket=logs.id,
                             target_prefix=ACCESS_LOG_PREFIX,
                             opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))
        return logs

    def grant_read(self, prefix: str | None = None) -> list[Statement]:
        """List and read the lake's objects (under `prefix`, e.g. `events/`), decrypting with the lake key via S3."""
        return grants.grant_read_bucket(self.bucket_arn, self.key.arn, prefix)


def _bucket_policy(bucket_arn: pulumi.Input[str], key_arn: pulumi.Input[str]) -> PolicyDocument:
    objects = pulumi.Output.concat(bucket_arn, "/*")
    return PolicyDocument([
        Statement("Deny", ["s3:*"], [bucket_arn, objects], principals="*",
                  conditions={"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport"),
        Statement("Deny", ["s3:PutObject"], [objects], principals="*",
                  conditions={"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key_arn}},
                  sid="DenyOtherKeys"),
    ])


def _lifecycle(spec: LakeConfig) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    transitions = [aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
        days=spec.infrequent_access_after_days, storage_class="STANDARD_IA")]
    if spec.glacier_after_days is not None:
        transitions.append(aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
            days=spec.glacier_after_days, storage_class="GLACIER_IR"))
    expiration = (aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=spec.expire_after_days)
                  if spec.expire_after_days is not None else None)
    return [
        aws.s3.BucketLifecycleConfigurationRuleArgs(
            id="events-age", status="Enabled",
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=EVENTS_PREFIX),
            transitions=transitions, expiration=expiration),
        aws.s3.BucketLifecycleConfigurationRuleArgs(
            id="errors-expire", status="Enabled",
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=ERRORS_PREFIX),
            expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=spec.error_expire_after_days)),
        aws.s3.BucketLifecycleConfigurationRuleArgs(
            id="old-versions-and-uploads", status="Enabled",
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
            noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                noncurrent_days=spec.noncurrent_expire_after_days),
            abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                days_after_initiation=ABORT_INCOMPLETE_UPLOADS_DAYS)),
    ]
