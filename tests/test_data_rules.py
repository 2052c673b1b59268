"""The data tier's policy rules: they hold on both stacks, and each fails on a resource (or inventory) that breaks it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

from policy import rules
from preview.inventory import Inventory

DATA_RULES = ("aurora-encrypted", "aurora-deletion-protected-in-production", "aurora-not-public",
              "aurora-readers-span-azs-in-production", "opensearch-encrypted-https-in-vpc",
              "opensearch-zone-aware-in-production", "kinesis-firehose-kms", "stateful-in-backup-selection",
              "backup-vault-encrypted", "backup-vault-locked-in-production", "backup-plan-meets-stated-rpo")


def _tags(environment: str = "production", account: str = "ops") -> dict[str, str]:
    return {"defaultTags": json.dumps({"tags": {"Environment": environment, "Account": account, "Owner": "platform",
                                                "CostCenter": "cc", "ManagedBy": "pulumi/landing-zone"}})}


PROD = _tags()
SANDBOX = _tags("sandbox")


def _resource(token: str, name: str, inputs: Mapping[str, Any], provider: Mapping[str, Any] = PROD,
              **extra: Any) -> rules.Resource:
    return rules.Resource(f"urn:{name}", token, name, inputs, provider_inputs=provider, **extra)


def _violations(resources: list[rules.Resource], rule: str) -> list[rules.Violation]:
    return [v for v in rules.evaluate(resources) if v.policy == rule]


def _plain(value: Any) -> Any:
    """A copy of inputs as dicts and lists (the pack's rules receive pulumi_policy's read-only proxies)."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(item) for item in value]
    return value


def _mutate(resources: list[rules.Resource], name: str,
            change: Callable[[dict[str, Any]], dict[str, Any]]) -> list[rules.Resource]:
    [target] = [r for r in resources if r.name == name]
    changed = dataclasses.replace(target, inputs=change(_plain(target.inputs)))
    return [changed if r is target else r for r in resources]


def test_data_rules_are_registered_and_mandatory() -> None:
    registered = {rule.name: rule.level for rule in (*rules.RESOURCE_RULES, *rules.STACK_RULES)}
    assert {name: registered.get(name) for name in DATA_RULES} == dict.fromkeys(DATA_RULES, "mandatory")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_data_rules_hold_on_both_stacks(stack: str, inventories: dict[str, Inventory]) -> None:
    resources = inventories[stack].policy_resources()
    assert [v for v in rules.evaluate(resources) if v.policy in DATA_RULES] == []
    # Not vacuous: the stack holds what the rules inspect.
    types = {r.type for r in resources}
    assert {rules.RDS_CLUSTER, rules.RDS_CLUSTER_INSTANCE, rules.OPENSEARCH_DOMAIN, rules.KINESIS_STREAM,
            rules.FIREHOSE, rules.BACKUP_VAULT, rules.BACKUP_SELECTION, rules.BACKUP_PLAN} <= types


def test_unencrypted_cluster_fails() -> None:
    cluster = _resource(rules.RDS_CLUSTER, "db", {"storageEncrypted": False, "deletionProtection": True})
    [violation] = _violations([cluster], "aurora-encrypted")
    assert "does not encrypt its storage" in violation.message
    keyed = _resource(rules.RDS_CLUSTER, "db", {"storageEncrypted": True, "kmsKeyId": "arn:aws:kms:x:1:key/k"})
    assert _violations([keyed], "aurora-encrypted") == []


def test_cluster_without_deletion_protection_fails_only_in_production() -> None:
    inputs = {"storageEncrypted": True, "kmsKeyId": "k", "deletionProtection": False, "skipFinalSnapshot": True}
    messages = [v.message for v in _violations([_resource(rules.RDS_CLUSTER, "db", inputs)],
                                               "aurora-deletion-protected-in-production")]
    assert len(messages) == 2 and "deletion_protection=True" in messages[0] and "final snapshot" in messages[1]
    assert _violations([_resource(rules.RDS_CLUSTER, "db", inputs, SANDBOX)],
                       "aurora-deletion-protected-in-production") == []


def test_public_instance_fails() -> None:
    instance = _resource(rules.RDS_CLUSTER_INSTANCE, "db-1", {"publiclyAccessible": True})
    [violation] = _violations([instance], "aurora-not-public")
    assert "publicly accessible" in violation.message


def test_readers_in_the_writers_zone_fail_in_production(inventories: dict[str, Inventory]) -> None:
    resources = inventories["prod"].policy_resources()
    readers = [r.name for r in resources if r.type == rules.RDS_CLUSTER_INSTANCE and r.name.startswith("ops-data-aurora-r")]
    for name in readers:
        resources = _mutate(resources, name, lambda i: {**i, "availabilityZone": "ap-northeast-2a"})
    [violation] = _violations(resources, "aurora-readers-span-azs-in-production")
    assert violation.urn.endswith("::ops-data-aurora") and "at least two AZs" in violation.message
    writer_only = [r for r in inventories["prod"].policy_resources() if r.name not in readers]
    [violation] = _violations(writer_only, "aurora-readers-span-azs-in-production")
    assert "1 instance(s)" in violation.message


def test_opensearch_without_encryption_https_or_vpc_fails() -> None:
    domain = _resource(rules.OPENSEARCH_DOMAIN, "search", {
        "encryptAtRest": {"enabled": True}, "nodeToNodeEncryption": {"enabled": False},
        "domainEndpointOptions": {"enforceHttps": True, "tlsSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"},
    }, SANDBOX)
    messages = " | ".join(v.message for v in _violations([domain], "opensearch-encrypted-https-in-vpc"))
    for expected in ("not encrypted at rest", "between nodes", "TLS 1.2+", "public endpoint"):
        assert expected in messages


def test_opensearch_in_two_zones_without_masters_fails_in_production(inventories: dict[str, Inventory]) -> None:
    resources = _mutate(inventories["prod"].policy_resources(), "ops-data-search", lambda i: {
        **i, "clusterConfig": {**i["clusterConfig"], "zoneAwarenessConfig": {"availabilityZoneCount": 2},
                               "dedicatedMasterEnabled": False}})
    messages = [v.message for v in _violations(resources, "opensearch-zone-aware-in-production")]
    assert len(messages) == 2 and "3 AZs" in messages[0] and "dedicated masters" in messages[1]


def test_streams_without_customer_keys_fail() -> None:
    stream = _resource(rules.KINESIS_STREAM, "events", {"encryptionType": "KMS", "kmsKeyId": "alias/aws/kinesis"})
    direct = _resource(rules.FIREHOSE, "direct", {"extendedS3Configuration": {"bucketArn": "arn:aws:s3:::b"}})
    violations = _violations([stream, direct], "kinesis-firehose-kms")
    assert [v.urn for v in violations] == ["urn:events", "urn:direct", "urn:direct"]
    assert "customer KMS key" in violations[0].message and "at rest" in violations[1].message


def test_store_outside_every_backup_selection_fails(inventories: dict[str, Inventory]) -> None:
    resources = _mutate(inventories["dev"].policy_resources(), "ops-data-aurora",
                        lambda i: {**i, "tags": {}})
    [violation] = _violations(resources, "stateful-in-backup-selection")
    assert violation.urn.endswith("::ops-data-aurora") and "{'BackupPlan': 'data-tier'}" in violation.message
    table = _resource(rules.DYNAMODB_TABLE, "orders", {"name": "orders"}, _tags("sandbox", "build"))
    [violation] = _violations([table], "stateful-in-backup-selection")
    assert "no backup selection of account build" in violation.message


def test_which_stores_count_for_backups() -> None:
    bucket = _resource("aws:s3/bucket:Bucket", "logs", {"bucket": "logs"})
    primary = _resource("aws:s3/bucket:Bucket", "lake", {"bucket": "lake", "tags": {"DataStore": "primary"}})
    member = _resource(rules.RDS_INSTANCE, "member", {"dbClusterIdentifier": "c"})
    found = {v.urn for v in _violations([bucket, primary, member], "stateful-in-backup-selection")}
    assert found == {"urn:lake"}


def test_vault_without_key_or_lock_fails(inventories: dict[str, Inventory]) -> None:
    vault = _resource(rules.BACKUP_VAULT, "vault", {"name": "v"})
    assert "AWS-managed key" in _violations([vault], "backup-vault-encrypted")[0].message
    resources = [r for r in inventories["prod"].policy_resources() if r.type != rules.BACKUP_VAULT_LOCK]
    locked = {v.urn.rsplit("::", 1)[1] for v in _violations(resources, "backup-vault-locked-in-production")}
    assert locked == {"dev-data-backup", "ops-data-backup", "ops-data-backup-copy"}
    short = _mutate(inventories["prod"].policy_resources(), "ops-data-backup-lock",
                    lambda i: {**i, "changeableForDays": 0})
    [violation] = _violations(short, "backup-vault-locked-in-production")
    assert violation.urn.endswith("::ops-data-backup")


@pytest.mark.parametrize(("schedule", "hours"), [
    ("cron(0 18 * * ? *)", 24), ("cron(0 0/6 * * ? *)", 6), ("cron(0 18 ? * SUN *)", 168), ("cron(0 18 1 * ? *)", 744),
    ("rate(1 hour)", None), ("cron(0 0/5 * * ? *)", None),
])
def test_schedules_are_read_as_intervals(schedule: str, hours: float | None) -> None:
    assert rules.schedule_interval_hours(schedule) == hours


def test_plan_that_cannot_meet_its_rpo_fails(inventories: dict[str, Inventory]) -> None:
    resources = _mutate(inventories["prod"].policy_resources(), "ops-data-backup-plan", lambda i: {
        **i, "rules": [r for r in i["rules"] if not r.get("enableContinuousBackup")]})
    [violation] = _violations(resources, "backup-plan-meets-stated-rpo")
    assert "RPO of 1 h" in violation.message and "25 h" in violation.message
