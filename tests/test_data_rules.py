"""The data tier's policy rules: they hold on both stacks, and each fails on a resource (or inventory) that breaks it."""

from __future__ import annotations

import pytest

from policy import rules
from preview.inventory import Inventory
from tests.rule_resources import changed, provider_inputs, resource, violations_of

DATA_RULES = ("aurora-encrypted", "aurora-deletion-protected-in-production", "aurora-not-public",
              "aurora-readers-span-azs-in-production", "opensearch-encrypted-https-in-vpc",
              "opensearch-zone-aware-in-production", "kinesis-firehose-kms", "stateful-in-backup-selection",
              "backup-vault-encrypted", "backup-vault-locked-in-production", "backup-plan-meets-stated-rpo")


OWNED = {"Owner": "platform", "CostCenter": "cc", "ManagedBy": "pulumi/landing-zone"}
PROD = provider_inputs("ops", environment="production", **OWNED)
SANDBOX = provider_inputs("ops", environment="sandbox", **OWNED)


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
    cluster = resource(rules.RDS_CLUSTER, "db", {"storageEncrypted": False, "deletionProtection": True}, provider=PROD)
    [violation] = violations_of([cluster], "aurora-encrypted")
    assert "does not encrypt its storage" in violation.message
    keyed = resource(rules.RDS_CLUSTER, "db", {"storageEncrypted": True, "kmsKeyId": "arn:aws:kms:x:1:key/k"}, provider=PROD)
    assert violations_of([keyed], "aurora-encrypted") == []


def test_cluster_without_deletion_protection_fails_only_in_production() -> None:
    inputs = {"storageEncrypted": True, "kmsKeyId": "k", "deletionProtection": False, "skipFinalSnapshot": True}
    messages = [v.message for v in violations_of([resource(rules.RDS_CLUSTER, "db", inputs, provider=PROD)],
                                               "aurora-deletion-protected-in-production")]
    assert len(messages) == 2 and "deletion_protection=True" in messages[0] and "final snapshot" in messages[1]
    assert violations_of([resource(rules.RDS_CLUSTER, "db", inputs, provider=SANDBOX)],
                       "aurora-deletion-protected-in-production") == []


def test_public_instance_fails() -> None:
    instance = resource(rules.RDS_CLUSTER_INSTANCE, "db-1", {"publiclyAccessible": True}, provider=PROD)
    [violation] = violations_of([instance], "aurora-not-public")
    assert "publicly accessible" in violation.message


def test_readers_in_the_writers_zone_fail_in_production(inventories: dict[str, Inventory]) -> None:
    resources = inventories["prod"].policy_resources()
    readers = [r.name for r in resources if r.type == rules.RDS_CLUSTER_INSTANCE and r.name.startswith("ops-data-aurora-r")]
    for name in readers:
        resources = changed(resources, name, lambda i: {**i, "availabilityZone": "ap-northeast-2a"})
    [violation] = violations_of(resources, "aurora-readers-span-azs-in-production")
    assert violation.urn.endswith("::ops-data-aurora") and "at least two AZs" in violation.message
    writer_only = [r for r in inventories["prod"].policy_resources() if r.name not in readers]
    [violation] = violations_of(writer_only, "aurora-readers-span-azs-in-production")
    assert "1 instance(s)" in violation.message


def test_opensearch_without_encryption_https_or_vpc_fails() -> None:
    domain = resource(rules.OPENSEARCH_DOMAIN, "search", {
        "encryptAtRest": {"enabled": True}, "nodeToNodeEncryption": {"enabled": False},
        "domainEndpointOptions": {"enforceHttps": True, "tlsSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"},
    }, provider=SANDBOX)
    messages = " | ".join(v.message for v in violations_of([domain], "opensearch-encrypted-https-in-vpc"))
    for expected in ("not encrypted at rest", "between nodes", "TLS 1.2+", "public endpoint"):
        assert expected in messages


def test_opensearch_in_two_zones_without_masters_fails_in_production(inventories: dict[str, Inventory]) -> None:
    resources = changed(inventories["prod"].policy_resources(), "ops-data-search", lambda i: {
        **i, "clusterConfig": {**i["clusterConfig"], "zoneAwarenessConfig": {"availabilityZoneCount": 2},
                               "dedicatedMasterEnabled": False}})
    messages = [v.message for v in violations_of(resources, "opensearch-zone-aware-in-production")]
    assert len(messages) == 2 and "3 AZs" in messages[0] and "dedicated masters" in messages[1]


def test_streams_without_customer_keys_fail() -> None:
    stream = resource(rules.KINESIS_STREAM, "events", {"encryptionType": "KMS", "kmsKeyId": "alias/aws/kinesis"}, provider=PROD)
    direct = resource(rules.FIREHOSE, "direct", {"extendedS3Configuration": {"bucketArn": "arn:aws:s3:::b"}}, provider=PROD)
    violations = violations_of([stream, direct], "kinesis-firehose-kms")
    assert [v.urn for v in violations] == [stream.urn, direct.urn, direct.urn]
    assert "customer KMS key" in violations[0].message and "at rest" in violations[1].message


def test_store_outside_every_backup_selection_fails(inventories: dict[str, Inventory]) -> None:
    resources = changed(inventories["dev"].policy_resources(), "ops-data-aurora",
                        lambda i: {**i, "tags": {}})
    [violation] = violations_of(resources, "stateful-in-backup-selection")
    assert violation.urn.endswith("::ops-data-aurora") and "{'BackupPlan': 'data-tier'}" in violation.message
    table = resource(rules.DYNAMODB_TABLE, "orders", {"name": "orders"},
                     provider=provider_inputs("build", environment="sandbox", **OWNED))
    [violation] = violations_of([table], "stateful-in-backup-selection")
    assert "no backup selection of account build" in violation.message


def test_which_stores_count_for_backups() -> None:
    bucket = resource("aws:s3/bucket:Bucket", "logs", {"bucket": "logs"}, provider=PROD)
    primary = resource("aws:s3/bucket:Bucket", "lake", {"bucket": "lake", "tags": {"DataStore": "primary"}}, provider=PROD)
    member = resource(rules.RDS_INSTANCE, "member", {"dbClusterIdentifier": "c"}, provider=PROD)
    found = {v.urn for v in violations_of([bucket, primary, member], "stateful-in-backup-selection")}
    assert found == {primary.urn}


def test_vault_without_key_or_lock_fails(inventories: dict[str, Inventory]) -> None:
    vault = resource(rules.BACKUP_VAULT, "vault", {"name": "v"}, provider=PROD)
    assert "AWS-managed key" in violations_of([vault], "backup-vault-encrypted")[0].message
    resources = [r for r in inventories["prod"].policy_resources() if r.type != rules.BACKUP_VAULT_LOCK]
    locked = {v.urn.rsplit("::", 1)[1] for v in violations_of(resources, "backup-vault-locked-in-production")}
    assert locked == {"dev-data-backup", "ops-data-backup", "ops-data-backup-copy"}
    short = changed(inventories["prod"].policy_resources(), "ops-data-backup-lock",
                    lambda i: {**i, "changeableForDays": 0})
    [violation] = violations_of(short, "backup-vault-locked-in-production")
    assert violation.urn.endswith("::ops-data-backup")


@pytest.mark.parametrize(("schedule", "hours"), [
    ("cron(0 18 * * ? *)", 24), ("cron(0 0/6 * * ? *)", 6), ("cron(0 18 ? * SUN *)", 168), ("cron(0 18 1 * ? *)", 744),
    ("rate(1 hour)", None), ("cron(0 0/5 * * ? *)", None),
])
def test_schedules_are_read_as_intervals(schedule: str, hours: float | None) -> None:
    assert rules.schedule_interval_hours(schedule) == hours


def test_plan_that_cannot_meet_its_rpo_fails(inventories: dict[str, Inventory]) -> None:
    resources = changed(inventories["prod"].policy_resources(), "ops-data-backup-plan", lambda i: {
        **i, "rules": [r for r in i["rules"] if not r.get("enableContinuousBackup")]})
    [violation] = violations_of(resources, "backup-plan-meets-stated-rpo")
    assert "RPO of 1 h" in violation.message and "25 h" in violation.message
