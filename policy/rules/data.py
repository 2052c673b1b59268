"""Data tier: Aurora, OpenSearch, Kinesis and Firehose encrypted and placed as production needs; every primary
data store in a backup selection; vaults encrypted and locked; each plan meets its stated RPO.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .plumbing import Resource, as_list, number, resource_rule, stack_rule
from .resource_types import (
    BACKUP_PLAN,
    BACKUP_SELECTION,
    BACKUP_VAULT,
    BACKUP_VAULT_LOCK,
    BUCKET_TYPES,
    DYNAMODB_TABLE,
    EFS_FILE_SYSTEM,
    FIREHOSE,
    KINESIS_STREAM,
    OPENSEARCH_DOMAIN,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
)

# Data tier: Aurora, OpenSearch, Kinesis and Firehose encrypted and placed as production needs; every
# primary data store in a backup selection; vaults encrypted and locked; each plan meets its stated RPO.

# Buckets are many (logs, artifacts, archives); those holding primary data say so with this tag.
PRIMARY_STORE_TAG = ("DataStore", "primary")
# TLS policies OpenSearch offers that require TLS 1.2 or newer.
MODERN_TLS_POLICIES = frozenset({"Policy-Min-TLS-1-2-PFS-2023-10", "Policy-Min-TLS-1-2-2019-07"})
AWS_MANAGED_KINESIS_KEY = "alias/aws/kinesis"
VAULT_LOCK_MIN_CHANGEABLE_DAYS = 3


def _in_production(resource: Resource) -> bool:
    return resource.tags.get("Environment") == "production"


def _label(resource: Resource) -> str:
    return str(resource.inputs.get("name") or resource.inputs.get("clusterIdentifier")
               or resource.inputs.get("domainName") or resource.name)


def _refers_to(resource: Resource, field_name: str, target: Resource) -> bool:
    """`resource.<field_name>` was built from `target`'s outputs (a property dependency)."""
    return target.urn in resource.property_dependencies.get(field_name, ())


@resource_rule("aurora-encrypted", "Every Aurora cluster (and RDS instance) encrypts its storage with a KMS key.")
def aurora_encrypted(resource: Resource) -> Iterable[str]:
    if resource.type == RDS_CLUSTER:
        if resource.inputs.get("storageEncrypted") is not True or not resource.inputs.get("kmsKeyId"):
            yield (f"cluster {_label(resource)} does not encrypt its storage with a customer key; set "
                   "storage_encrypted=True and kms_key_id")
    elif resource.type == RDS_INSTANCE and not resource.inputs.get("dbClusterIdentifier"):
        if resource.inputs.get("storageEncrypted") is not True:
            yield f"instance {_label(resource)} does not encrypt its storage; set storage_encrypted=True and kms_key_id"


@resource_rule("aurora-deletion-protected-in-production",
               "In production every Aurora cluster has deletion protection on and keeps a final snapshot.")
def aurora_deletion_protected(resource: Resource) -> Iterable[str]:
    if resource.type != RDS_CLUSTER or not _in_production(resource):
        return
    if resource.inputs.get("deletionProtection") is not True:
        yield f"cluster {_label(resource)} can be deleted in production; set deletion_protection=True"
    if resource.inputs.get("skipFinalSnapshot") is True:
        yield f"cluster {_label(resource)} would be deleted without a final snapshot; set skip_final_snapshot=False"


@resource_rule("aurora-not-public", "No Aurora cluster or database instance is publicly accessible.")
def aurora_not_public(resource: Resource) -> Iterable[str]:
    if resource.type in (RDS_CLUSTER, RDS_CLUSTER_INSTANCE, RDS_INSTANCE) and resource.inputs.get("publiclyAccessible"):
        yield f"{resource.type} {_label(resource)} is publicly accessible; set publicly_accessible=False"


@stack_rule("aurora-readers-span-azs-in-production",
            "In production every Aurora cluster has a writer and at least one reader, in at least two AZs named "
            "explicitly.")
def aurora_readers_span_azs(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    instances = [r for r in resources if r.type == RDS_CLUSTER_INSTANCE]
    for cluster in resources:
        if cluster.type != RDS_CLUSTER or not _in_production(cluster):
            continue
        members = [i for i in instances if _refers_to(i, "clusterIdentifier", cluster)
                   or i.inputs.get("clusterIdentifier") == cluster.inputs.get("clusterIdentifier")]
        zones = {i.inputs.get("availabilityZone") for i in members}
        if len(members) < 2 or None in zones or len(zones) < 2:
            yield cluster.urn, (f"cluster {_label(cluster)} has {len(members)} instance(s) in AZs {sorted(map(str, zones))};"
                                " production needs a writer and readers in at least two AZs, each with "
                                "availability_zone set")


@resource_rule("opensearch-encrypted-https-in-vpc",
               "Every OpenSearch domain encrypts at rest (KMS) and node to node, enforces HTTPS with a TLS 1.2+ policy, "
               "and lives in a VPC.")
def opensearch_encrypted(resource: Resource) -> Iterable[str]:
    if resource.type != OPENSEARCH_DOMAIN:
        return
    name = _label(resource)
    at_rest = resource.inputs.get("encryptAtRest") or {}
    if at_rest.get("enabled") is not True or not at_rest.get("kmsKeyId"):
        yield f"domain {name} is not encrypted at rest with a KMS key; set encrypt_at_rest enabled with kms_key_id"
    if (resource.inputs.get("nodeToNodeEncryption") or {}).get("enabled") is not True:
        yield f"domain {name} does not encrypt traffic between nodes; enable node_to_node_encryption"
    endpoint = resource.inputs.get("domainEndpointOptions") or {}
    if endpoint.get("enforceHttps") is not True or endpoint.get("tlsSecurityPolicy") not in MODERN_TLS_POLICIES:
        yield (f"domain {name} does not enforce HTTPS with TLS 1.2+; set enforce_https=True and tls_security_policy "
               f"to one of {sorted(MODERN_TLS_POLICIES)}")
    if not (resource.inputs.get("vpcOptions") or {}).get("subnetIds"):
        yield f"domain {name} has a public endpoint; place it in the VPC with vpc_options.subnet_ids"


@resource_rule("opensearch-zone-aware-in-production",
               "In production every OpenSearch domain spreads over 3 AZs (zone awareness) with dedicated masters.")
def opensearch_zone_aware(resource: Resource) -> Iterable[str]:
    if resource.type != OPENSEARCH_DOMAIN or not _in_production(resource):
        return
    cluster = resource.inputs.get("clusterConfig") or {}
    zones = (cluster.get("zoneAwarenessConfig") or {}).get("availabilityZoneCount")
    if cluster.get("zoneAwarenessEnabled") is not True or zones != 3:
        yield f"domain {_label(resource)} is not zone-aware over 3 AZs in production (got {number(zones)}); enable zone awareness"
    if cluster.get("dedicatedMasterEnabled") is not True:
        yield f"domain {_label(resource)} has no dedicated masters in production; enable dedicated_master_enabled"


@resource_rule("kinesis-firehose-kms", "Every Kinesis stream is encrypted with a customer KMS key, and every Firehose "
                                       "delivery stream encrypts what it holds and what it writes with KMS.")
def kinesis_firehose_kms(resource: Resource) -> Iterable[str]:
    if resource.type == KINESIS_STREAM:
        key = resource.inputs.get("kmsKeyId")
        if resource.inputs.get("encryptionType") != "KMS" or not key or key == AWS_MANAGED_KINESIS_KEY:
            yield f"stream {_label(resource)} is not encrypted with a customer KMS key; set encryption_type=KMS, kms_key_id"
    elif resource.type == FIREHOSE:
        name = _label(resource)
        if resource.inputs.get("kinesisSourceConfiguration"):
            pass  # records at rest stay in the source stream, which the stream rule covers
        elif (resource.inputs.get("serverSideEncryption") or {}).get("enabled") is not True:
            yield f"delivery stream {name} does not encrypt records at rest; enable server_side_encryption"
        destination = resource.inputs.get("extendedS3Configuration")
        if destination is not None and not destination.get("kmsKeyArn"):
            yield f"delivery stream {name} writes objects without a KMS key; set extended_s3_configuration.kms_key_arn"


def _primary_store(resource: Resource) -> bool:
    """What must be backed up: Aurora/RDS databases, DynamoDB tables, EFS, and buckets tagged as primary data."""
    if resource.type in (RDS_CLUSTER, DYNAMODB_TABLE, EFS_FILE_SYSTEM):
        return True
    if resource.type == RDS_INSTANCE:
        return not resource.inputs.get("dbClusterIdentifier")
    key, value = PRIMARY_STORE_TAG
    return resource.type in BUCKET_TYPES and resource.tags.get(key) == value


@stack_rule("stateful-in-backup-selection",
            "Every Aurora cluster, standalone RDS instance, DynamoDB table, EFS file system and bucket tagged "
            "DataStore=primary carries the tag of a backup selection (STRINGEQUALS) in its own account.")
def stateful_in_backup_selection(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    selections: dict[str | None, list[tuple[str, str]]] = {}
    for selection in resources:
        if selection.type == BACKUP_SELECTION:
            tags = [(t.get("key"), t.get("value")) for t in as_list(selection.inputs.get("selectionTags"))
                    if (t or {}).get("type") == "STRINGEQUALS"]
            selections.setdefault(selection.tags.get("Account"), []).extend(tags)
    for store in resources:
        if not _primary_store(store):
            continue
        account = store.tags.get("Account")
        wanted = selections.get(account, [])
        if not any(store.tags.get(key) == value for key, value in wanted):
            hint = f"tag it {dict(wanted[:1])}" if wanted else "add a backup selection to the account"
            yield store.urn, f"{store.type} {_label(store)} is in no backup selection of account {account}; {hint}"


@resource_rule("backup-vault-encrypted", "Every backup vault encrypts recovery points with a customer KMS key.")
def backup_vault_encrypted(resource: Resource) -> Iterable[str]:
    if resource.type == BACKUP_VAULT and not resource.inputs.get("kmsKeyArn"):
        yield f"vault {_label(resource)} uses the AWS-managed key; set kms_key_arn to a customer key"


@stack_rule("backup-vault-locked-in-production",
            "In production every backup vault has a vault lock that becomes immutable (changeable_for_days >= 3).")
def backup_vault_locked(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    locks = [r for r in resources if r.type == BACKUP_VAULT_LOCK]
    for vault in resources:
        if vault.type != BACKUP_VAULT or not _in_production(vault):
            continue
        mine = [lock for lock in locks if _refers_to(lock, "backupVaultName", vault)
                or (lock.inputs.get("backupVaultName") == vault.inputs.get("name")
                    and lock.tags.get("Account") == vault.tags.get("Account"))]
        days = [lock.inputs.get("changeableForDays") for lock in mine]
        if not any(isinstance(d, (int, float)) and d >= VAULT_LOCK_MIN_CHANGEABLE_DAYS for d in days):
            yield vault.urn, (f"vault {_label(vault)} is not locked in production (locks: {[number(d) for d in days]}); add a "
                              f"VaultLockConfiguration with changeable_for_days >= {VAULT_LOCK_MIN_CHANGEABLE_DAYS}")


_CRON = re.compile(r"^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$")


def schedule_interval_hours(expression: str) -> float | None:
    """Longest gap (hours) between runs of the cron forms backup plans use; None when the form is not one of them."""
    match = _CRON.match(expression or "")
    if not match:
        return None
    minute, hour, day, _month, weekday, _year = match.groups()
    if not minute.isdigit():
        return None
    if day in ("*", "?") and weekday in ("*", "?"):
        step = re.fullmatch(r"(\d+|\*)/(\d+)", hour)
        if step and 24 % int(step.group(2)) == 0:
            return float(step.group(2))
        return 24.0 if hour.isdigit() else None
    if day == "?" and re.fullmatch(r"[A-Z]{3}|[1-7]", weekday) and hour.isdigit():
        return 7 * 24.0
    if day.isdigit() and weekday in ("*", "?") and hour.isdigit():
        return 31 * 24.0
    return None


@stack_rule("backup-plan-meets-stated-rpo",
            "A backup plan tagged RecoveryPointObjectiveHours has a rule frequent enough: continuous backup, or a "
            "schedule whose interval plus start window is within the RPO.")
def backup_plan_meets_rpo(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    for plan in resources:
        if plan.type != BACKUP_PLAN or "RecoveryPointObjectiveHours" not in (plan.inputs.get("tags") or {}):
            continue
        rpo = float(plan.inputs["tags"]["RecoveryPointObjectiveHours"])
        gaps = []
        for rule in as_list(plan.inputs.get("rules")):
            if rule.get("enableContinuousBackup"):
                gaps.append(5 / 60)
                continue
            interval = schedule_interval_hours(rule.get("schedule", ""))
            if interval is not None:
                gaps.append(interval + (rule.get("startWindow") or 60) / 60)
        if not gaps or min(gaps) > rpo:
            best = f"{min(gaps):g} h" if gaps else "unknown"
            yield plan.urn, (f"plan {_label(plan)} states an RPO of {rpo:g} h but its most frequent rule leaves "
                             f"{best} between recovery points; add continuous backup or a more frequent rule")
