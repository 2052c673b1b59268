"""Least-privilege statements for one resource each, so nobody writes an ARN pattern by hand twice.

Components expose `grant_*` methods that call these with their own ARNs (and KMS key ARN); each function returns
statements whose resources are exactly the given resource (its objects, paths or templates), never `*`.
ARNs may be plain strings or Outputs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pulumi

from components.policy_document import Statement

SEARCH_QUERY_METHODS = ("GET", "HEAD", "POST")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def grant_read_bucket(bucket_arn: pulumi.Input[str], key_arn: pulumi.Input[str] | None = None,
                      prefix: str | None = None) -> list[Statement]:
    """List and get the objects of one bucket (only under `prefix`, when given), decrypting through S3 only."""
    _check_arn(bucket_arn, "s3", "bucket_arn")
    if isinstance(bucket_arn, str) and "/" in bucket_arn:
        raise ValueError(f"bucket_arn `{bucket_arn}` names objects; pass the bucket's ARN (arn:aws:s3:::name)")
    folder = _prefix(prefix)
    listing = {"StringLike": {"s3:prefix": [f"{folder}*"]}} if folder else None
    statements = [
        Statement("Allow", ["s3:ListBucket"], [bucket_arn], conditions=listing),
        Statement("Allow", ["s3:GetObject", "s3:GetObjectVersion"], [pulumi.Output.concat(bucket_arn, "/", folder, "*")]),
    ]
    if key_arn is not None:
        statements.append(_use_key(["kms:Decrypt"], key_arn, "s3"))
    return statements


def grant_write_stream(stream_arn: pulumi.Input[str], key_arn: pulumi.Input[str]) -> list[Statement]:
    """Put records on one Kinesis stream, encrypting with its key through Kinesis only."""
    _check_arn(stream_arn, "kinesis", "stream_arn")
    return [
        Statement("Allow", ["kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:PutRecord",
                            "kinesis:PutRecords"], [stream_arn]),
        _use_key(["kms:GenerateDataKey"], key_arn, "kinesis"),
    ]


def grant_read_stream(stream_arn: pulumi.Input[str], key_arn: pulumi.Input[str]) -> list[Statement]:
    """Consume one Kinesis stream (e.g. as a Lambda event source), decrypting with its key through Kinesis only.

    Enhanced fan-out (kinesis:SubscribeToShard) is granted on a consumer's ARN, not the stream's: not here."""
    _check_arn(stream_arn, "kinesis", "stream_arn")
    return [
        Statement("Allow", ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                            "kinesis:GetShardIterator", "kinesis:ListShards"],
                  [stream_arn]),
        _use_key(["kms:Decrypt"], key_arn, "kinesis"),
    ]


def grant_invoke_function_url(function_arn: pulumi.Input[str]) -> list[Statement]:
    """Call one Lambda function through its IAM-authenticated function URL, and nothing else of it.

    Lambda authorizes a call to a function URL created since October 2025 against both lambda:InvokeFunctionUrl and
    lambda:InvokeFunction (Lambda developer guide, 'Control access to Lambda function URLs'). Each action has its
    own condition key, so each gets its own statement: InvokeFunction only when it comes through the URL.
    """
    _check_arn(function_arn, "lambda", "function_arn")
    return [Statement("Allow", ["lambda:InvokeFunctionUrl"], [function_arn],
                      conditions={"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}),
            Statement("Allow", ["lambda:InvokeFunction"], [function_arn],
                      conditions={"Bool": {"lambda:InvokedViaFunctionUrl": "true"}})]


def grant_query_search(domain_arn: pulumi.Input[str], paths: Sequence[str],
                       methods: Sequence[str] = ("GET", "POST")) -> list[Statement]:
    """HTTP queries on the given paths of one OpenSearch domain (e.g. `products/_search`), nothing else."""
    _check_arn(domain_arn, "es", "domain_arn")
    if not paths:
        raise ValueError("grant_query_search needs at least one path, e.g. `products/_search`")
    cleaned = [path.strip("/") for path in paths]
    loose = [path for path in cleaned if not path or not path.strip("*")]
    if loose:
        raise ValueError(f"paths {loose} would open the whole domain; name the index and API, e.g. `products/_search`")
    unknown = sorted({method.upper() for method in methods} - set(SEARCH_QUERY_METHODS))
    if unknown or not methods:
        raise ValueError(f"methods {unknown or '[]'} do not query; use some of {list(SEARCH_QUERY_METHODS)}")
    actions = sorted({f"es:ESHttp{method.capitalize()}" for method in methods})
    return [Statement("Allow", actions, [pulumi.Output.concat(domain_arn, "/", path) for path in cleaned])]


def grant_send_templated_email(identity_arn: pulumi.Input[str], template_names_or_arns: Sequence[pulumi.Input[str]],
                               configuration_set_arn: pulumi.Input[str], *, from_address: str) -> list[Statement]:
    """Send templated e-mail from one verified identity, through one configuration set, with the given templates,
    and only as `from_address`."""
    _check_arn(identity_arn, "ses", "identity_arn")
    _check_arn(configuration_set_arn, "ses", "configuration_set_arn")
    if not template_names_or_arns:
        raise ValueError("grant_send_templated_email needs at least one template name or ARN")
    if not _EMAIL.match(from_address):
        raise ValueError(f"from_address `{from_address}` is not an e-mail address; write it like `shop@mail.example`")
    templates = [_template_arn(identity_arn, template) for template in template_names_or_arns]
    return [
        Statement("Allow", ["ses:SendEmail", "ses:SendTemplatedEmail"], [identity_arn, configuration_set_arn, *templates],
                  conditions={"StringEquals": {"ses:FromAddress": from_address}}),
    ]


def grant_read_secret(secret_arn: pulumi.Input[str], key_arn: pulumi.Input[str] | None = None) -> list[Statement]:
    """Read one secret's value, decrypting with its key through Secrets Manager only."""
    _check_arn(secret_arn, "secretsmanager", "secret_arn")
    statements = [Statement("Allow", ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], [secret_arn])]
    if key_arn is not None:
        statements.append(_use_key(["kms:Decrypt"], key_arn, "secretsmanager"))
    return statements


def _use_key(actions: list[str], key_arn: pulumi.Input[str], service: str) -> Statement:
    """Use of one KMS key, only when `service` calls KMS on the caller's behalf in the key's own region."""
    _check_arn(key_arn, "kms", "key_arn")
    via = pulumi.Output.from_input(key_arn).apply(lambda arn: f"{service}.{arn.split(':')[3]}.amazonaws.com")
    return Statement("Allow", actions, [key_arn], conditions={"StringEquals": {"kms:ViaService": via}})


def _template_arn(identity_arn: pulumi.Input[str], template: pulumi.Input[str]) -> pulumi.Input[str]:
    """A template ARN as given, or the ARN of the named template beside the identity (same region and account)."""
    if isinstance(template, str) and template.startswith("arn:"):
        _check_arn(template, "ses", "template")
        return template
    if isinstance(template, str) and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", template):
        raise ValueError(f"template `{template}` is neither an ARN nor a template name (A-Z a-z 0-9 _ -)")
    return pulumi.Output.all(identity_arn, template).apply(
        lambda parts: f"{parts[0].split(':identity/')[0]}:template/{parts[1]}" if not parts[1].startswith("arn:")
        else parts[1])


def _prefix(prefix: str | None) -> str:
    if prefix is None:
        return ""
    folder = prefix.lstrip("/")
    if not folder or "*" in folder:
        raise ValueError(f"prefix `{prefix}` must be a literal key prefix, e.g. `exports/2024/`")
    return folder


def _check_arn(arn: pulumi.Input[str], service: str, what: str) -> None:
    """Plain-string ARNs are checked now (Outputs are the resource's own ARN and need no check)."""
    if not isinstance(arn, str):
        return
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != service or "*" in arn:
        raise ValueError(f"{what} `{arn}` is not the ARN of one {service} resource; pass the resource's own ARN")
