"""Audit evidence: database statements, object-level records of primary data, uploads left behind."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .data import _label, _primary_store, _refers_to
from .plumbing import Resource, as_list, stack_rule
from .resource_types import BUCKET_LIFECYCLE, BUCKET_LOGGING, BUCKET_TYPES, CLUSTER_PARAMETER_GROUP, RDS_CLUSTER, TRAIL
from .storage import _bucket_name, _buckets, bucket_settings

# Per engine: the parameter that records schema changes with their user and the values that do, and the parameter
# that records slow statements with the value that means off.
STATEMENT_LOGGING = {
    "aurora-postgresql": (("log_statement", ("ddl", "mod", "all")), ("log_min_duration_statement", "-1")),
    "aurora-mysql": (("server_audit_logging", ("1", "ON")), ("slow_query_log", "0")),
}


def _parameters(group: Resource) -> dict[str, str]:
    return {str(p.get("name")): str(p.get("value")) for p in as_list(group.inputs.get("parameters"))
            if isinstance(p, Mapping)}


@stack_rule("aurora-statement-logging",
            "Every Aurora cluster's parameter group logs schema changes with their user (PostgreSQL log_statement "
            "ddl/mod/all; MySQL server_audit_logging) and statements slower than a threshold (log_min_duration_statement"
            " / slow_query_log).")
def aurora_statement_logging(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    groups = [r for r in resources if r.type == CLUSTER_PARAMETER_GROUP]
    for cluster in resources:
        if cluster.type != RDS_CLUSTER or cluster.inputs.get("engine") not in STATEMENT_LOGGING:
            continue
        (audit, audited), (slow, off) = STATEMENT_LOGGING[str(cluster.inputs["engine"])]
        mine = [g for g in groups if _refers_to(cluster, "dbClusterParameterGroupName", g)
                or g.inputs.get("name") == cluster.inputs.get("dbClusterParameterGroupName")]
        parameters = _parameters(mine[0]) if mine else {}
        if parameters.get(audit) not in audited:
            yield cluster.urn, (f"cluster {_label(cluster)} does not log who changed the schema; set {audit} to one of "
                                f"{list(audited)} in its cluster parameter group")
        if parameters.get(slow, off) == off:
            yield cluster.urn, f"cluster {_label(cluster)} does not log slow statements; set {slow} in its parameter group"


def _data_event_prefixes(resources: Sequence[Resource]) -> list[str]:
    """Object ARN prefixes whose S3 data events a multi-Region trail records (advanced event selectors)."""
    prefixes = []
    for trail in resources:
        if trail.type != TRAIL or trail.inputs.get("isMultiRegionTrail") is not True:
            continue
        for selector in as_list(trail.inputs.get("advancedEventSelectors")):
            fields = {f.get("field"): f for f in as_list(selector.get("fieldSelectors")) if isinstance(f, Mapping)}
            if list((fields.get("eventCategory") or {}).get("equals") or []) == ["Data"]:
                prefixes += [str(p) for p in as_list((fields.get("resources.ARN") or {}).get("startsWiths"))]
    return prefixes


@stack_rule("primary-data-object-logging",
            "Every bucket tagged DataStore=primary has its object reads and writes on record: a multi-Region trail's "
            "data events cover it, or it delivers S3 server access logs.")
def primary_data_object_logging(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    prefixes = _data_event_prefixes(resources)
    logged = {urn for urn, settings in bucket_settings(resources, BUCKET_LOGGING).items() if settings}
    for bucket in resources:
        if not _primary_store(bucket) or bucket.type not in BUCKET_TYPES:
            continue
        name = bucket.inputs.get("bucket")
        covered = isinstance(name, str) and any(f"arn:aws:s3:::{name}/".startswith(p) for p in prefixes)
        if not covered and bucket.urn not in logged:
            yield bucket.urn, (f"bucket {name or bucket.name} holds primary data but nothing records who reads or "
                               "writes its objects; choose data.<account>.lake.object_logging (data-events or "
                               "access-logs)")


@stack_rule("bucket-aborts-incomplete-uploads",
            "Every S3 bucket has an enabled lifecycle rule that aborts incomplete multipart uploads.")
def bucket_aborts_incomplete_uploads(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    buckets = _buckets(resources)
    for urn, lifecycles in bucket_settings(resources, BUCKET_LIFECYCLE).items():
        aborts = [r for c in lifecycles for r in as_list(c.inputs.get("rules")) if isinstance(r, Mapping)
                  and r.get("status") == "Enabled" and r.get("abortIncompleteMultipartUpload")]
        if not aborts:
            yield urn, (f"bucket {_bucket_name(buckets[urn])} keeps the parts of uploads that never completed (and "
                        "bills them); add a lifecycle rule with abort_incomplete_multipart_upload")
