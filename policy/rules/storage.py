"""Audit trail, keys, buckets and log groups: encrypted, rotated, validated, private."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .plumbing import Resource, as_list, decode, is_everyone, resource_rule, stack_rule
from .resource_types import (
    BUCKET_ENCRYPTION,
    BUCKET_POLICY,
    BUCKET_PUBLIC_ACCESS_BLOCK,
    BUCKET_TYPES,
    KMS_EXTERNAL_KEY,
    KMS_KEY,
    LOG_GROUP,
    TRAIL,
)

PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})


@resource_rule("cloudtrail-encrypted-and-validated",
               "Every CloudTrail trail encrypts its logs with a KMS key and has log file validation on.")
def cloudtrail_encrypted_and_validated(resource: Resource) -> Iterable[str]:
    if resource.type != TRAIL:
        return
    if not resource.inputs.get("kmsKeyId"):
        yield f"trail {resource.name} is not KMS-encrypted; set kms_key_id"
    if resource.inputs.get("enableLogFileValidation") is not True:
        yield f"trail {resource.name} does not validate log files; set enable_log_file_validation=True"


@resource_rule("kms-key-rotation",
               "Every symmetric KMS key rotates automatically; keys with imported material (which cannot) are refused. "
               "Asymmetric, HMAC and custom-key-store keys, which AWS cannot rotate, are not inspected.")
def kms_key_rotation(resource: Resource) -> Iterable[str]:
    if resource.type == KMS_EXTERNAL_KEY:
        yield f"key {resource.name} holds imported material, which never rotates; use aws.kms.Key with rotation"
        return
    if resource.type != KMS_KEY:
        return
    spec = resource.inputs.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    if spec != "SYMMETRIC_DEFAULT" or resource.inputs.get("customKeyStoreId"):
        return
    if resource.inputs.get("enableKeyRotation") is not True:
        yield f"key {resource.name} does not rotate; set enable_key_rotation=True"


@resource_rule("log-group-encrypted-with-retention",
               "Every CloudWatch log group is encrypted with a KMS key and has a retention period.")
def log_group_encrypted_with_retention(resource: Resource) -> Iterable[str]:
    if resource.type != LOG_GROUP:
        return
    if not resource.inputs.get("kmsKeyId"):
        yield f"log group {resource.name} is not KMS-encrypted; set kms_key_id"
    retention = resource.inputs.get("retentionInDays")
    if not isinstance(retention, (int, float)) or retention <= 0:
        yield f"log group {resource.name} keeps logs forever; set retention_in_days"


def bucket_settings(resources: Sequence[Resource], setting_type: str) -> dict[str, list[Resource]]:
    """For every bucket, the resources of `setting_type` whose `bucket` input refers to it.

    A setting refers to a bucket when its `bucket` input was built from the bucket resource (property dependency,
    e.g. `bucket=bucket.bucket` or `bucket.id`) or names it literally (the bucket's own `bucket` input).
    """
    buckets = [r for r in resources if r.type in BUCKET_TYPES]
    urns = {b.urn for b in buckets}
    settings: dict[str, list[Resource]] = {b.urn: [] for b in buckets}
    by_name: dict[str, str] = {}
    for setting in resources:
        if setting.type != setting_type:
            continue
        targets = {urn for urn in setting.property_dependencies.get("bucket", ()) if urn in urns}
        if not targets:  # names read only here: while buckets are being created, ids and some names are unknown
            by_name = by_name or {b.inputs["bucket"]: b.urn for b in buckets if isinstance(b.inputs.get("bucket"), str)}
            name = setting.inputs.get("bucket")
            if isinstance(name, str) and name in by_name:
                targets.add(by_name[name])
        for urn in targets:
            settings[urn].append(setting)
    return settings


def _buckets(resources: Sequence[Resource]) -> dict[str, Resource]:
    return {r.urn: r for r in resources if r.type in BUCKET_TYPES}


def _bucket_name(bucket: Resource) -> str:
    return str(bucket.inputs.get("bucket") or bucket.name)


@stack_rule("s3-bucket-blocks-public-access",
            "Every S3 bucket has an aws.s3.BucketPublicAccessBlock with all four flags on.")
def s3_bucket_blocks_public_access(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    buckets = _buckets(resources)
    for urn, blocks in bucket_settings(resources, BUCKET_PUBLIC_ACCESS_BLOCK).items():
        if not any(all(block.inputs.get(flag) is True for flag in PUBLIC_ACCESS_FLAGS) for block in blocks):
            yield urn, (f"bucket {_bucket_name(buckets[urn])} has no public access block with {', '.join(PUBLIC_ACCESS_FLAGS)} "
                        "all true; add aws.s3.BucketPublicAccessBlock")


def _denies_insecure_transport(statement: Mapping[str, Any]) -> bool:
    secure = ((statement.get("Condition") or {}).get("Bool") or {}).get("aws:SecureTransport")
    return (statement.get("Effect") == "Deny" and is_everyone(statement.get("Principal"))
            and any(a in ("*", "s3:*") for a in as_list(statement.get("Action")))
            and "false" in [str(value).lower() for value in as_list(secure)]
            and any(str(r).endswith("/*") for r in as_list(statement.get("Resource"))))


@stack_rule("s3-bucket-enforces-tls",
            "Every S3 bucket has a bucket policy that denies s3:* to everyone, objects included, "
            "when aws:SecureTransport is false.")
def s3_bucket_enforces_tls(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    buckets = _buckets(resources)
    for urn, policies in bucket_settings(resources, BUCKET_POLICY).items():
        documents = [decode(policy.inputs.get("policy")) for policy in policies]
        statements = [s for doc in documents if isinstance(doc, Mapping) for s in as_list(doc.get("Statement"))]
        if not any(isinstance(s, Mapping) and _denies_insecure_transport(s) for s in statements):
            yield urn, (f"bucket {_bucket_name(buckets[urn])} does not refuse plain HTTP; add an aws.s3.BucketPolicy statement "
                        "denying s3:* to * on the bucket and its objects when aws:SecureTransport is false")


@stack_rule("s3-bucket-encrypted-with-kms",
            "Every S3 bucket has an aws.s3.BucketServerSideEncryptionConfiguration whose default is aws:kms.")
def s3_bucket_encrypted_with_kms(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    buckets = _buckets(resources)
    for urn, configurations in bucket_settings(resources, BUCKET_ENCRYPTION).items():
        algorithms = [
            ((rule or {}).get("applyServerSideEncryptionByDefault") or {}).get("sseAlgorithm")
            for configuration in configurations for rule in as_list(configuration.inputs.get("rules"))
        ]
        if not algorithms or any(algorithm not in KMS_ALGORITHMS for algorithm in algorithms):
            yield urn, (f"bucket {_bucket_name(buckets[urn])} is not encrypted with KMS by default "
                        f"(found {algorithms or 'nothing'}); add aws.s3.BucketServerSideEncryptionConfiguration with "
                        "sse_algorithm aws:kms")
