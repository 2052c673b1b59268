"""What AWS's own API models say a request may carry: lengths, patterns, enumerations, from botocore's service models.

Every AWS resource type the program registers is mapped to the API call that creates (or configures) it
(tests/aws_api_calls.py), and each literal value the program registers is checked against the shape of the request
member it becomes. botocore ships the same models the AWS SDKs are generated from
(botocore/data/<service>/<version>/service-2.json); a few limits that AWS documents only in its user guides (EC2, S3,
RDS, SNS, SQS names) are added in DOCUMENTED_LIMITS, each cited.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import botocore.session
import regex  # botocore's patterns use Java's \p{L}-style classes, which `re` lacks

from tests.aws_api_calls import CALLS

# Values the inventory shows for what is not a literal: secrets, references to resources, values known after deploy.
NOT_LITERAL_PREFIXES = ("[secret]", "[unknown]", "urn:pulumi:")


@dataclass(frozen=True)
class Limit:
    """A constraint AWS documents outside its API model."""

    min: int
    max: int
    pattern: str
    source: str


# The characters EC2 accepts in security group names and descriptions (CreateSecurityGroup, IpRange).
EC2_TEXT = r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]"

# (type token, input) -> the documented limit of a name or text AWS's models leave open.
DOCUMENTED_LIMITS: dict[tuple[str, str], Limit] = {
    ("aws:s3/bucket:Bucket", "bucket"): Limit(
        3, 63, r"[a-z0-9][a-z0-9.-]*[a-z0-9]",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"),
    ("aws:ec2/securityGroup:SecurityGroup", "name"): Limit(
        1, 255, EC2_TEXT + "+",
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html (GroupName, in a VPC)"),
    ("aws:ec2/securityGroup:SecurityGroup", "description"): Limit(
        0, 255, EC2_TEXT + "*",
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html (GroupDescription)"),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "description"): Limit(
        0, 255, EC2_TEXT + "*",
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html (Description)"),
    ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "description"): Limit(
        0, 255, EC2_TEXT + "*",
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html (Description)"),
    ("aws:rds/cluster:Cluster", "clusterIdentifier"): Limit(
        1, 63, r"[a-z](?:-?[a-z0-9])*",
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html (DBClusterIdentifier)"),
    ("aws:rds/cluster:Cluster", "finalSnapshotIdentifier"): Limit(
        1, 255, r"[A-Za-z](?:-?[A-Za-z0-9])*",
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html (FinalDBSnapshotIdentifier)"),
    ("aws:rds/clusterInstance:ClusterInstance", "identifier"): Limit(
        1, 63, r"[a-z](?:-?[a-z0-9])*",
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier)"),
    ("aws:sns/topic:Topic", "name"): Limit(
        1, 256, r"[A-Za-z0-9_-]+", "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (Name)"),
    ("aws:sqs/queue:Queue", "name"): Limit(
        1, 80, r"[A-Za-z0-9_-]+(?:\.fifo)?", "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/"
        "API_CreateQueue.html (QueueName)"),
    ("aws:cloudwatch/dashboard:Dashboard", "dashboardName"): Limit(
        1, 255, r"[A-Za-z0-9_-]+", "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/"
        "API_PutDashboard.html (DashboardName)"),
    ("aws:sesv2/configurationSet:ConfigurationSet", "configurationSetName"): Limit(
        1, 64, r"[A-Za-z0-9_-]+", "https://docs.aws.amazon.com/ses/latest/APIReference-V2/"
        "API_CreateConfigurationSet.html (ConfigurationSetName)"),
    ("aws:elasticbeanstalk/environment:Environment", "name"): Limit(
        4, 40, r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", "https://docs.aws.amazon.com/elasticbeanstalk/latest/api/"
        "API_CreateEnvironment.html (EnvironmentName)"),
}


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def request_shape(service: str, operation: str) -> Any:
    """The botocore input shape of `operation`; raises botocore's UnknownServiceError/OperationNotFoundError."""
    return _session().get_service_model(service).operation_model(operation).input_shape


def _member(shape: Any, name: str) -> Any | None:
    members = getattr(shape, "members", None) or {}
    if name in members:
        return members[name]
    folded = {key.lower(): value for key, value in members.items()}
    return folded.get(name.lower())


def member_at(shape: Any, path: str) -> Any | None:
    """The shape at a dotted member path; lists are stepped through to their member."""
    for part in path.split("."):
        while getattr(shape, "type_name", None) == "list":
            shape = shape.member
        shape = _member(shape, part)
        if shape is None:
            return None
    return shape


def is_literal(value: Any) -> bool:
    return not (isinstance(value, str) and value.startswith(NOT_LITERAL_PREFIXES))


# Java writes code points above U+FFFF as UTF-16 surrogate pairs; Python's engines take the code points.
_JAVA_SUPPLEMENTARY = (r"\uD800\uDC00-\uDBFF\uDFFF", r"\U00010000-\U0010FFFF")


@functools.cache
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern.removeprefix("^").removesuffix("$").replace(*_JAVA_SUPPLEMENTARY))


def _fullmatch(pattern: str, value: str) -> bool:
    return _compiled(pattern).fullmatch(value) is not None


def problems(value: Any, shape: Any, where: str) -> Iterator[str]:
    """Every way `value` breaks `shape`'s min/max/pattern/enum, recursing through structures, lists and maps."""
    kind = getattr(shape, "type_name", None)
    meta = getattr(shape, "metadata", {}) or {}
    if kind == "string" and isinstance(value, str) and is_literal(value):
        if "min" in meta and len(value) < meta["min"]:
            yield f"{where}: {value!r} is shorter than {meta['min']}"
        if "max" in meta and len(value) > meta["max"]:
            yield f"{where}: {len(value)} characters, more than {meta['max']}"
        if "pattern" in meta and not _fullmatch(meta["pattern"], value):
            yield f"{where}: {value!r} does not match {meta['pattern']}"
        if getattr(shape, "enum", None) and value not in shape.enum:
            yield f"{where}: {value!r} is not one of {shape.enum}"
    elif kind in ("integer", "long") and isinstance(value, int | float) and not isinstance(value, bool):
        if "min" in meta and value < meta["min"]:
            yield f"{where}: {value} is below {meta['min']}"
        if "max" in meta and value > meta["max"]:
            yield f"{where}: {value} is above {meta['max']}"
    elif kind == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            yield f"{where}: {len(value)} items, more than {meta['max']}"
        for index, item in enumerate(value):
            yield from problems(item, shape.member, f"{where}[{index}]")
    elif kind == "list" and value is not None:  # a Pulumi scalar or object that AWS takes as a one-item list
        yield from problems(value, shape.member, where)
    elif kind == "structure" and isinstance(value, dict):
        for key, item in value.items():
            member = _member(shape, key)
            if member is not None:
                yield from problems(item, member, f"{where}.{key}")
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from problems(key, shape.key, f"{where} key")
            yield from problems(item, shape.value, f"{where}.{key}")


def tag_problems(tags: Mapping[str, str], shape: Any, where: str) -> Iterator[str]:
    """Tags against the call's tag shape: a list of {Key, Value} structures or a map."""
    kind = getattr(shape, "type_name", None)
    if kind == "list":
        if "max" in shape.metadata and len(tags) > shape.metadata["max"]:
            yield f"{where}: {len(tags)} tags, more than {shape.metadata['max']}"
        key_shape, value_shape = _member(shape.member, "Key"), _member(shape.member, "Value")
    elif kind == "map":
        if "max" in shape.metadata and len(tags) > shape.metadata["max"]:
            yield f"{where}: {len(tags)} tags, more than {shape.metadata['max']}"
        key_shape, value_shape = shape.key, shape.value
    else:
        return
    for key, value in tags.items():
        if key_shape is not None:
            yield from problems(key, key_shape, f"{where} key {key!r}")
        if value_shape is not None:
            yield from problems(value, value_shape, f"{where}.{key}")


def value_problems(type_token: str, name: str, inputs: Mapping[str, Any],
                   effective_tags: Mapping[str, str]) -> list[str]:
    """Every literal input of one registered resource that its API call would refuse, as `type name.input: why`."""
    call = CALLS[type_token]
    shape = request_shape(call.service, call.operation)
    where = f"{type_token} {name}"
    found: list[str] = []
    for key, value in inputs.items():
        if key == "tags":
            continue
        limit = DOCUMENTED_LIMITS.get((type_token, key))
        if limit is not None and isinstance(value, str) and is_literal(value):
            if not limit.min <= len(value) <= limit.max or not _fullmatch(limit.pattern, value):
                found.append(f"{where}.{key}: {value!r} breaks {limit.min}-{limit.max} chars of {limit.pattern} "
                             f"({limit.source})")
        member = member_at(shape, call.members.get(key, key))
        if member is not None:
            found.extend(problems(value, member, f"{where}.{key}"))
    if call.tags and effective_tags:
        tag_shape = member_at(shape, call.tags)
        if tag_shape is not None:
            found.extend(tag_problems(effective_tags, tag_shape, f"{where}.tags"))
    return found
