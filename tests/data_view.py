"""Queries over one offline run for the data-tier tests: resources per account, and references followed by ARN."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from config.loader import validate
from config.stack import StackConfig
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run

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


class DataView:
    """One run seen from the data tier: `of(type, account)`, `by_arn(arn)`, the config it ran with."""

    def __init__(self, run: Run):
        self.run = run
        self.inventory = Inventory(run)

    @cached_property
    def config(self) -> StackConfig:
        raw = {key.split(":", 1)[1]: _decode(value) for key, value in self.run.config.items()
               if key.startswith("landing-zone:")}
        return validate(raw)

    def account(self, registration: Registration) -> str | None:
        return self.inventory.account(registration)

    def region(self, registration: Registration) -> str | None:
        return self.inventory.region(registration)

    def of(self, token: str, account: str | None = None) -> list[Registration]:
        return [r for r in self.run.of_type(token) if account is None or self.account(r) == account]

    def one(self, token: str, account: str) -> Registration:
        found = self.of(token, account)
        assert len(found) == 1, f"{token} in {account}: {[r.name for r in found]}"
        return found[0]

    @cached_property
    def _arns(self) -> dict[str, Registration]:
        index: dict[str, Registration] = {}
        for registration in self.run.registrations:
            arn = registration.outputs.get("arn")
            # Only ARNs a resource was given by AWS, not one it was handed as an input (an event target's `arn`).
            if isinstance(arn, str) and "arn" not in registration.inputs:
                assert arn not in index, f"ARN {arn} is not unique"
                index[arn] = registration
        return index

    def by_arn(self, arn: str) -> Registration:
        return self._arns[arn]

    def key_purpose(self, arn: str) -> str:
        """The `Purpose` tag of the KMS key `arn` names (the key of purpose it was made for)."""
        key = self.by_arn(arn)
        assert key.type == KEY, f"{arn} is a {key.type}, not a KMS key"
        return str(key.inputs["tags"]["Purpose"])

    def in_tier(self, account: str) -> list[Registration]:
        """Every resource built under the account's DataTier component, however deep."""
        [tier] = [r for r in self.run.registrations if r.type == "landing-zone:data:DataTier" and r.name == f"{account}-data"]
        by_urn = {r.urn: r for r in self.run.registrations}
        found = []
        for registration in self.run.registrations:
            parent = registration.parent
            while parent and parent != tier.urn:
                parent = by_urn[parent].parent if parent in by_urn else None
            if parent == tier.urn and registration.custom:
                found.append(registration)
        return found

    def by_id(self, resource_id: str) -> Registration:
        [found] = [r for r in self.run.registrations if r.custom and r.id == resource_id]
        return found


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
