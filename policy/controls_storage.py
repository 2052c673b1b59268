"""Storage and audit-log controls: S3 buckets, the trail's own settings, backup vaults and KMS keys.

Bucket settings are separate resources (public access block, policy, logging, lifecycle, ...) that name their
bucket; rules/storage.py's `bucket_settings` finds them. AWS Config rules as in the Security Hub user guide
(s3-controls.html, cloudtrail-controls.html, backup-controls.html, kms-controls.html).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

if __package__:  # imported as policy.controls_storage by the preview and the tests
    from . import rules
    from .security_hub import (
        Estate,
        Finding,
        decided_at_runtime,
        each,
        evaluates,
        from_resource_rule,
        from_stack_rule,
        label,
    )
else:  # the CrossGuard pack imports its modules from the pack directory
    import rules  # type: ignore[no-redef]
    from security_hub import (  # type: ignore[no-redef]
        Estate,
        Finding,
        decided_at_runtime,
        each,
        evaluates,
        from_resource_rule,
        from_stack_rule,
        label,
    )

# S3.6's blacklistedActionPatterns: what another account must never be allowed on a bucket.
CROSS_ACCOUNT_BLACKLIST = ("s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy",
                           "s3:PutEncryptionConfiguration", "s3:PutObjectAcl")
NOTIFICATION_TARGETS = ("topics", "queues", "lambdaFunctions")

decided_at_runtime("whether a key is scheduled for deletion shows only in the live account", "KMS.3")


def buckets(estate: Estate) -> list[rules.Resource]:
    return estate.of(*rules.BUCKET_TYPES)


def settings_of(estate: Estate, setting_type: str) -> dict[str, list[rules.Resource]]:
    """Bucket URN -> its settings of `setting_type`."""
    return rules.bucket_settings(estate.resources, setting_type)


@evaluates("S3.2", "S3.3", "S3.8")
def bucket_public_access_blocked(estate: Estate) -> Iterator[Finding]:
    """S3.2 (public read), S3.3 (public write), S3.8 (bucket-level block): a public access block with all four flags
    on means neither ACLs nor policies can make the bucket public (rules/storage.py: s3-bucket-blocks-public-access)."""
    yield from from_stack_rule(rules.s3_bucket_blocks_public_access, buckets(estate), estate,
                               passed="bucket {name} blocks every public ACL and policy")


@evaluates("S3.5")
def bucket_requires_tls(estate: Estate) -> Iterator[Finding]:
    """S3.5: the bucket policy denies requests without TLS (rules/storage.py: s3-bucket-enforces-tls)."""
    yield from from_stack_rule(rules.s3_bucket_enforces_tls, buckets(estate), estate,
                               passed="bucket {name} refuses plain HTTP")


def _grants_other_accounts(statement: Mapping[str, Any]) -> list[str]:
    """The blacklisted actions an Allow statement gives to principals named by account (not services)."""
    principal = statement.get("Principal")
    named = rules.as_list(principal.get("AWS")) if isinstance(principal, Mapping) else []
    if statement.get("Effect") != "Allow" or not named:
        return []
    actions = [str(a) for a in rules.as_list(statement.get("Action"))]
    if any(a in ("*", "s3:*") for a in actions):
        return list(CROSS_ACCOUNT_BLACKLIST)
    return sorted(set(actions) & set(CROSS_ACCOUNT_BLACKLIST))


@evaluates("S3.6")
def bucket_policy_cross_account(estate: Estate) -> Iterator[Finding]:
    """S3.6: no bucket policy lets another account change the bucket's policy, ACLs or encryption."""
    policies = settings_of(estate, rules.BUCKET_POLICY)
    for bucket in buckets(estate):
        granted = sorted({action for policy in policies[bucket.urn]
                          for statement in rules.policy_statements(policy.inputs.get("policy"))
                          for action in _grants_other_accounts(statement)})
        yield Finding(bucket.urn, not granted, f"bucket {label(bucket)} "
                      + (f"lets named accounts {granted}" if granted else "grants no account its policy or ACLs"))


@evaluates("S3.9")
def bucket_access_logging(estate: Estate) -> Iterator[Finding]:
    """S3.9: server access logging is on for the bucket."""
    logging = settings_of(estate, rules.BUCKET_LOGGING)
    yield from each(buckets(estate), lambda b: bool(logging[b.urn]), "bucket {name} writes server access logs",
                    failed="bucket {name} writes no server access logs")


def _enabled_rules(configuration: rules.Resource) -> list[Mapping[str, Any]]:
    return [r for r in rules.as_list(configuration.inputs.get("rules")) if r.get("status") == "Enabled"]


@evaluates("S3.13")
def bucket_lifecycle(estate: Estate) -> Iterator[Finding]:
    """S3.13: the bucket has a lifecycle configuration with an enabled rule."""
    lifecycles = settings_of(estate, rules.BUCKET_LIFECYCLE)
    yield from each(buckets(estate), lambda b: any(_enabled_rules(c) for c in lifecycles[b.urn]),
                    "bucket {name} has lifecycle rules", failed="bucket {name} has no enabled lifecycle rule")


def _versioned(estate: Estate) -> dict[str, Mapping[str, Any]]:
    """Bucket URN -> its versioning configuration, for buckets that have one."""
    found: dict[str, Mapping[str, Any]] = {}
    for urn, versionings in settings_of(estate, rules.BUCKET_VERSIONING).items():
        for versioning in versionings:
            found[urn] = versioning.inputs.get("versioningConfiguration") or {}
    return found


@evaluates("S3.10")
def versioned_bucket_lifecycle(estate: Estate) -> Iterator[Finding]:
    """S3.10: a versioned bucket has a lifecycle configuration (so old versions do not pile up)."""
    versioned = _versioned(estate)
    lifecycles = settings_of(estate, rules.BUCKET_LIFECYCLE)
    subjects = [b for b in buckets(estate) if versioned.get(b.urn, {}).get("status") == "Enabled"]
    yield from each(subjects, lambda b: any(_enabled_rules(c) for c in lifecycles[b.urn]),
                    "versioned bucket {name} has lifecycle rules", failed="versioned bucket {name} has no lifecycle rule")


@evaluates("S3.20")
def bucket_mfa_delete(estate: Estate) -> Iterator[Finding]:
    """S3.20: MFA delete is on for the bucket's versioning."""
    versioned = _versioned(estate)
    yield from each(buckets(estate), lambda b: versioned.get(b.urn, {}).get("mfaDelete") == "Enabled",
                    "bucket {name} requires MFA to delete versions", failed="bucket {name} has MFA delete off")


@evaluates("S3.11")
def bucket_event_notifications(estate: Estate) -> Iterator[Finding]:
    """S3.11: the bucket sends event notifications (EventBridge, SNS, SQS or Lambda)."""
    notifications = settings_of(estate, rules.BUCKET_NOTIFICATION)

    def notifies(bucket: rules.Resource) -> bool:
        return any(n.inputs.get("eventbridge") is True or any(rules.as_list(n.inputs.get(t)) for t in NOTIFICATION_TARGETS)
                   for n in notifications[bucket.urn])

    yield from each(buckets(estate), notifies, "bucket {name} sends event notifications",
                    failed="bucket {name} sends no event notifications")


@evaluates("S3.12")
def bucket_owner_enforced(estate: Estate) -> Iterator[Finding]:
    """S3.12: ACLs are switched off (object ownership BucketOwnerEnforced)."""
    ownership = settings_of(estate, rules.BUCKET_OWNERSHIP)
    yield from each(buckets(estate), lambda b: any((o.inputs.get("rule") or {}).get("objectOwnership")
                                                   == "BucketOwnerEnforced" for o in ownership[b.urn]),
                    "bucket {name} ignores ACLs (BucketOwnerEnforced)", failed="bucket {name} still honours ACLs")


def trails(estate: Estate) -> list[rules.Resource]:
    return estate.of(rules.TRAIL)


@evaluates("CloudTrail.2")
def trail_encrypted(estate: Estate) -> Iterator[Finding]:
    """CloudTrail.2: the trail encrypts its logs with a KMS key."""
    yield from each(trails(estate), lambda t: bool(t.inputs.get("kmsKeyId")), "trail {name} encrypts with KMS",
                    failed="trail {name} is not KMS-encrypted")


@evaluates("CloudTrail.4")
def trail_validated(estate: Estate) -> Iterator[Finding]:
    """CloudTrail.4: log file validation is on."""
    yield from each(trails(estate), lambda t: t.inputs.get("enableLogFileValidation") is True,
                    "trail {name} validates its log files", failed="trail {name} does not validate its log files")


@evaluates("CloudTrail.5")
def trail_to_cloudwatch(estate: Estate) -> Iterator[Finding]:
    """CloudTrail.5: the trail also delivers to CloudWatch Logs."""
    yield from each(trails(estate), lambda t: bool(t.inputs.get("cloudWatchLogsGroupArn")),
                    "trail {name} delivers to CloudWatch Logs", failed="trail {name} does not deliver to CloudWatch Logs")


def _bucket_named(estate: Estate, trail: rules.Resource) -> Sequence[rules.Resource]:
    name = trail.inputs.get("s3BucketName")
    sources = set(trail.property_dependencies.get("s3BucketName", ()))
    return [b for b in buckets(estate) if b.urn in sources or (name and b.inputs.get("bucket") == name)]


@evaluates("CloudTrail.7")
def trail_bucket_access_logging(estate: Estate) -> Iterator[Finding]:
    """CloudTrail.7: the bucket the trail writes to logs its own access."""
    logging = settings_of(estate, rules.BUCKET_LOGGING)
    for trail in trails(estate):
        logged = [b for b in _bucket_named(estate, trail) if logging[b.urn]]
        yield Finding(trail.urn, bool(logged), f"trail {label(trail)}: " + (
            f"bucket {label(logged[0])} logs its access" if logged else "its bucket writes no server access logs"))


@evaluates("Backup.1")
def recovery_points_encrypted(estate: Estate) -> Iterator[Finding]:
    """Backup.1: recovery points are encrypted; every vault encrypts them with a customer key (rules/data.py:
    backup-vault-encrypted)."""
    yield from from_resource_rule(rules.backup_vault_encrypted, estate.of(rules.BACKUP_VAULT),
                                  "vault {name} encrypts recovery points with its KMS key")


@evaluates("KMS.4")
def key_rotation(estate: Estate) -> Iterator[Finding]:
    """KMS.4: symmetric customer keys rotate (rules/storage.py: kms-key-rotation)."""
    yield from from_resource_rule(rules.kms_key_rotation, estate.of(rules.KMS_KEY), "key {name} rotates yearly")


def public_key_statements(policy: Any) -> list[str]:
    """Sids of key policy statements that let anyone use the key: Principal * with no organization, account or
    caller-account condition (rules/monitoring.py's public_statements, plus kms:CallerAccount, which binds to one account)."""
    found = []
    for index, statement in enumerate(rules.policy_statements(policy)):
        if statement.get("Effect") != "Allow" or not rules.is_everyone(statement.get("Principal")):
            continue
        keys = {key.lower() for block in (statement.get("Condition") or {}).values() if isinstance(block, Mapping)
                for key in block}
        if not keys & (rules.RESTRICTING_CONDITION_KEYS | {"kms:calleraccount"}):
            found.append(str(statement.get("Sid") or index))
    return found


@evaluates("KMS.5")
def key_not_public(estate: Estate) -> Iterator[Finding]:
    """KMS.5: no key policy lets anyone outside the organization or account use the key."""
    for key in estate.of(rules.KMS_KEY):
        public = public_key_statements(key.inputs.get("policy"))
        yield Finding(key.urn, not public, f"key {label(key)} " + (
            f"is public through statement(s) {public}" if public else "admits named principals only"))
