"""The data-tier tests' conveniences over a run (tests/run_view.py): what the account's DataTier built, a key's
purpose; the resource types they look at."""

from __future__ import annotations

from preview.mocks import Registration
from tests.run_view import RunView

KEY = "aws:kms/key:Key"
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
DOMAIN = "aws:opensearch/domain:Domain"
STREAM = "aws:kinesis/stream:Stream"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
VAULT = "aws:backup/vault:Vault"
VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
WORKLOADS = ("dev", "ops")


DATA_TIER = "landing-zone:data:DataTier"


def key_purpose(view: RunView, arn: str) -> str:
    """The `Purpose` tag of the KMS key `arn` names (the key of purpose it was made for)."""
    key = view.by_arn(arn)
    assert key.type == KEY, f"{arn} is a {key.type}, not a KMS key"
    return str(key.inputs["tags"]["Purpose"])


def in_tier(view: RunView, account: str) -> list[Registration]:
    """Every resource built under the account's DataTier component, however deep."""
    return [r for r in view.under(view.named(f"{account}-data", DATA_TIER)) if r.custom]
