"""The data-lake bucket: versioned, KMS-encrypted with the lake key, TLS only, never public, aged by lifecycle rules."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components import grants
from components.policy_document import PolicyDocument, Statement
from config.data import LakeConfig
from config.naming import aws_name

EVENTS_PREFIX = "events/"
ERRORS_PREFIX = "errors/"


class DataLake(pulumi.ComponentResource):
    """The account's data lake. `tags` carry the backup selection tag so AWS Backup picks the bucket up."""

    def __init__(self, name: str, spec: LakeConfig, key: aws.kms.Key, *, org: str, account: str,
                 account_id: pulumi.Input[str], production: bool, tags: Mapping[str, str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:data:DataLake", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = key
        # Bucket names are global: the account id keeps the sandbox's and production's `dev` lakes apart.
        bucket_name = pulumi.Output.concat(aws_name(org, account, "lake", kind="s3-bucket-prefix"), "-", account_id)
        self.bucket = aws.s3.Bucket(
            name,
            bucket=bucket_name,
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
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})

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
                days_after_initiation=7)),
    ]
