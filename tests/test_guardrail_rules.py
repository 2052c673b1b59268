"""The guardrail policy rules (trails, keys, log groups, buckets): each passes on both stacks' inventories and
fails on a resource that breaks it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policy import rules
from preview.inventory import Inventory
from tests.rule_resources import changed, resource, violations_of, without

NEW_RULES = ("cloudtrail-encrypted-and-validated", "kms-key-rotation", "log-group-encrypted-with-retention",
             "s3-bucket-blocks-public-access", "s3-bucket-enforces-tls", "s3-bucket-encrypted-with-kms")


def test_new_rules_are_registered_and_mandatory() -> None:
    registered = {rule.name: rule.level for rule in (*rules.RESOURCE_RULES, *rules.STACK_RULES)}
    assert {name: registered.get(name) for name in NEW_RULES} == dict.fromkeys(NEW_RULES, "mandatory")


@pytest.mark.parametrize("rule", NEW_RULES)
def test_both_stacks_pass(inventories: dict[str, Inventory], rule: str) -> None:
    for stack, inventory in inventories.items():
        resources = inventory.policy_resources()
        assert violations_of(resources, rule) == [], stack


def test_the_rules_see_what_they_inspect(inventories: dict[str, Inventory]) -> None:
    """Not vacuous: both stacks hold trails, keys, log groups and buckets, each bucket with its settings."""
    for inventory in inventories.values():
        resources = inventory.policy_resources()
        types = [r.type for r in resources]
        assert types.count(rules.TRAIL) == 1 and types.count(rules.LOG_GROUP) >= 1
        assert types.count(rules.KMS_KEY) >= 12  # alert topics and EBS in 5 accounts, audit archive, trail logs
        for setting in (rules.BUCKET_PUBLIC_ACCESS_BLOCK, rules.BUCKET_POLICY, rules.BUCKET_ENCRYPTION):
            found = rules.bucket_settings(resources, setting)
            assert len(found) >= 2 and all(len(items) == 1 for items in found.values()), setting


# --- CloudTrail ----------------------------------------------------------------------------------------------

def test_trail_without_key_or_validation_fails(inventories: dict[str, Inventory]) -> None:
    resources = inventories["prod"].policy_resources()
    unencrypted = changed(resources, "organization-trail-trail", lambda i: {k: v for k, v in i.items() if k != "kmsKeyId"})
    assert [v.message for v in violations_of(unencrypted, "cloudtrail-encrypted-and-validated")] == [
        "trail organization-trail-trail is not KMS-encrypted; set kms_key_id"]
    unvalidated = changed(resources, "organization-trail-trail", lambda i: i | {"enableLogFileValidation": False})
    assert len(violations_of(unvalidated, "cloudtrail-encrypted-and-validated")) == 1
    bare = resource(rules.TRAIL, "bare", {"name": "bare", "s3BucketName": "b"})
    assert len(list(rules.cloudtrail_encrypted_and_validated(bare))) == 2


# --- KMS -----------------------------------------------------------------------------------------------------

def test_key_without_rotation_fails_including_the_alert_topic_keys(inventories: dict[str, Inventory]) -> None:
    resources = inventories["dev"].policy_resources()
    for name in ("ops-alerts-key", "audit-archive-key", "dev-baseline-ebs-key"):
        mutated = changed(resources, name, lambda i: i | {"enableKeyRotation": False})
        violations = violations_of(mutated, "kms-key-rotation")
        assert [v.urn.rsplit("::", 1)[1] for v in violations] == [name]
    assert list(rules.kms_key_rotation(resource(rules.KMS_KEY, "default", {"description": "no rotation set"})))


def test_keys_that_cannot_rotate_are_judged_by_kind() -> None:
    signing = resource(rules.KMS_KEY, "signing", {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"})
    assert list(rules.kms_key_rotation(signing)) == []
    imported = resource(rules.KMS_EXTERNAL_KEY, "imported", {"description": "BYOK"})
    assert "never rotates" in next(iter(rules.kms_key_rotation(imported)))


# --- Log groups ----------------------------------------------------------------------------------------------

def test_log_group_without_key_or_retention_fails(inventories: dict[str, Inventory]) -> None:
    resources = inventories["prod"].policy_resources()
    forever = changed(resources, "organization-trail-log-group", lambda i: {k: v for k, v in i.items()
                                                                             if k != "retentionInDays"})
    assert [v.message for v in violations_of(forever, "log-group-encrypted-with-retention")] == [
        "log group organization-trail-log-group keeps logs forever; set retention_in_days"]
    plain = changed(resources, "organization-trail-log-group", lambda i: {k: v for k, v in i.items() if k != "kmsKeyId"})
    assert len(violations_of(plain, "log-group-encrypted-with-retention")) == 1
    zero = resource(rules.LOG_GROUP, "zero", {"kmsKeyId": "arn:aws:kms:k", "retentionInDays": 0})
    assert list(rules.log_group_encrypted_with_retention(zero))


# --- S3: correlated by the settings' `bucket` input ------------------------------------------------------------

def _bucket_and_settings(name: str = "data", *, algorithm: str = "aws:kms", tls: bool = True,
                         flags: bool = True, by_reference: bool = True) -> list[rules.Resource]:
    bucket = resource("aws:s3/bucket:Bucket", name, {"bucket": f"shop-{name}"})
    ref = {"bucket": [bucket]} if by_reference else {}
    arn = f"arn:aws:s3:::shop-{name}"
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    if not tls:
        statement = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:GetObject",
                     "Resource": f"{arn}/*"}
    return [
        bucket,
        resource(rules.BUCKET_PUBLIC_ACCESS_BLOCK, f"{name}-pab", {"bucket": f"shop-{name}"} | {
            flag: True for flag in rules.PUBLIC_ACCESS_FLAGS} | ({} if flags else {"restrictPublicBuckets": False}),
            sources=ref),
        resource(rules.BUCKET_POLICY, f"{name}-policy", {"bucket": f"shop-{name}", "policy": json.dumps(
            {"Version": "2012-10-17", "Statement": [statement]})}, sources=ref),
        resource(rules.BUCKET_ENCRYPTION, f"{name}-sse", {"bucket": f"shop-{name}", "rules": [
            {"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm}}]}, sources=ref),
    ]


S3_RULES = ("s3-bucket-blocks-public-access", "s3-bucket-enforces-tls", "s3-bucket-encrypted-with-kms")


@pytest.mark.parametrize("by_reference", [True, False], ids=["by-reference", "by-name"])
def test_a_well_configured_bucket_passes_however_its_settings_name_it(by_reference: bool) -> None:
    resources = _bucket_and_settings(by_reference=by_reference)
    for rule in S3_RULES:
        assert violations_of(resources, rule) == []


@pytest.mark.parametrize("missing", ["data-pab", "data-policy", "data-sse"])
def test_a_bucket_missing_a_setting_fails_only_that_rule(missing: str) -> None:
    resources = without(_bucket_and_settings(), missing)
    failing = {rule for rule in S3_RULES if violations_of(resources, rule)}
    expected = {"data-pab": "s3-bucket-blocks-public-access", "data-policy": "s3-bucket-enforces-tls",
                "data-sse": "s3-bucket-encrypted-with-kms"}[missing]
    assert failing == {expected}
    (violation,) = violations_of(resources, expected)
    assert violation.urn.endswith("::data") and "shop-data" in violation.message


def test_weak_settings_fail() -> None:
    assert violations_of(_bucket_and_settings(flags=False), "s3-bucket-blocks-public-access")
    assert violations_of(_bucket_and_settings(tls=False), "s3-bucket-enforces-tls")
    (violation,) = violations_of(_bucket_and_settings(algorithm="AES256"), "s3-bucket-encrypted-with-kms")
    assert "['AES256']" in violation.message


def test_settings_of_another_bucket_do_not_count() -> None:
    other = _bucket_and_settings("other")
    lonely = resource("aws:s3/bucket:Bucket", "lonely", {"bucket": "shop-lonely"})
    resources = [*other, lonely]
    for rule in S3_RULES:
        assert [v.urn for v in violations_of(resources, rule)] == [lonely.urn], rule


def test_the_audit_buckets_fail_when_their_settings_weaken(inventories: dict[str, Inventory]) -> None:
    resources = inventories["prod"].policy_resources()
    open_bucket = changed(resources, "audit-archive-bucket-public-access-block", lambda i: i | {"blockPublicPolicy": False})
    assert len(violations_of(open_bucket, "s3-bucket-blocks-public-access")) == 1
    sse_s3 = changed(resources, "audit-archive-access-logs-encryption", lambda i: i | {"rules": [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]})
    assert len(violations_of(sse_s3, "s3-bucket-encrypted-with-kms")) == 1

    def drop_tls(inputs: dict[str, Any]) -> dict[str, Any]:
        document = json.loads(inputs["policy"])
        document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != "DenyInsecureTransport"]
        return inputs | {"policy": json.dumps(document)}

    assert len(violations_of(changed(resources, "audit-archive-bucket-policy", drop_tls), "s3-bucket-enforces-tls")) == 1
