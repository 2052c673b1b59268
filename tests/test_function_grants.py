"""Every Lambda function's role allows what AWS authorizes at run time against it: the AWS calls its code makes
(read from its sources), and the calls Lambda makes with the role on its behalf (logs, X-Ray traces, the
dead-letter queue, on-failure destinations, reading its event source, the keys of what it writes to).

A deploy with a missing action looks fine; every call then returns AccessDenied. Facts: Lambda developer guide,
"Lambda execution role" (logs, X-Ray, DLQ, destinations, event source mappings); SQS developer guide, "Key
management" (a producer of an SSE-KMS queue needs kms:GenerateDataKey and kms:Decrypt); Secrets Manager user guide,
"Secret encryption and decryption" (kms:Decrypt for a secret under a customer managed key).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

from preview.mocks import Registration
from preview.run import Run
from tests.run_view import allows, role_statements
from tests.values import customer_key

ROOT = Path(__file__).resolve().parent.parent
FUNCTION, ROLE = "aws:lambda/function:Function", "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
SERVICES = ("backup", "rds", "dynamodb", "sqs", "secretsmanager", "kinesis", "sns", "s3", "ses", "sesv2", "events")
SESSION = botocore.session.get_session()


def _operations() -> dict[str, tuple[str, str]]:
    """boto3 method name -> (IAM service prefix, operation) for the services the functions may call."""
    found = {}
    for service in SERVICES:
        model = SESSION.get_service_model(service)
        prefix = model.metadata.get("signingName") or model.endpoint_prefix
        for operation in model.operation_names:
            found[xform_name(operation)] = (prefix, operation)
    return found


def code_calls(directory: Path) -> set[str]:
    """`service:Operation` for each AWS call in the function's sources (boto3 methods, hand-signed targets)."""
    operations = _operations()
    actions = set()
    for source in directory.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in operations:
                prefix, operation = operations[node.func.attr]
                actions.add(f"{prefix}:{operation}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("secretsmanager."):
                actions.add(f"secretsmanager:{node.value.split('.', 1)[1]}")  # the notifier signs this one itself
    return actions


# Handlers that share a package with others but reach only some of its calls (least privilege per function); the
# test below checks each such list against the package, so it cannot name a call the code does not have.
HANDLER_CALLS = {
    "curation.api.handler": {"dynamodb:GetItem"},  # answers from stored scores; functions/curation/api.py
}


def _code_directory(function: Registration) -> Path | None:
    code = function.inputs.get("code") or {}
    paths = [code["path"]] if "path" in code else [a["path"] for a in (code.get("assets") or {}).values() if "path" in a]
    if not paths:
        return None
    first = (ROOT / paths[0]).resolve()
    return first if first.is_dir() else first.parent


def _service_of(arn: str) -> str:
    return arn.split(":")[2] if arn.startswith("arn:") else ""


def needs(run: Run, function: Registration) -> Iterator[tuple[str, str]]:
    """(action, resource ARN or `*`) the function's role must allow."""
    by_arn = {r.outputs.get("arn"): r for r in run.registrations if r.custom and r.outputs.get("arn")}
    yield "logs:CreateLogStream", "*"
    yield "logs:PutLogEvents", "*"
    if (function.inputs.get("tracingConfig") or {}).get("mode") == "Active":
        yield "xray:PutTraceSegments", "*"
        yield "xray:PutTelemetryRecords", "*"
    directory = _code_directory(function)
    calls = HANDLER_CALLS.get(str(function.inputs.get("handler")), code_calls(directory) if directory else set())
    for action in sorted(calls):
        yield action, "*"
    name = function.inputs.get("name")
    targets = [str((function.inputs.get("deadLetterConfig") or {}).get("targetArn") or "")]
    for config in run.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"):
        if config.inputs.get("functionName") == name:
            destinations = (config.inputs.get("destinationConfig") or {})
            targets += [str((destinations.get(kind) or {}).get("destination") or "") for kind in ("onFailure",
                                                                                                    "onSuccess")]
    for mapping in run.of_type("aws:lambda/eventSourceMapping:EventSourceMapping"):
        if mapping.inputs.get("functionName") not in (name, function.outputs.get("arn")):
            continue
        source = str(mapping.inputs.get("eventSourceArn") or "")
        if _service_of(source) == "kinesis":
            for action in ("GetRecords", "GetShardIterator", "DescribeStream", "DescribeStreamSummary", "ListShards"):
                yield f"kinesis:{action}", source
            yield from _key_use(by_arn.get(source), "kmsKeyId", ("kms:Decrypt",))
        targets.append(str(((mapping.inputs.get("destinationConfig") or {}).get("onFailure") or {}).get(
            "destinationArn") or ""))
    for target in filter(None, targets):
        if _service_of(target) == "sqs":
            yield "sqs:SendMessage", target
            yield from _key_use(by_arn.get(target), "kmsMasterKeyId", ("kms:GenerateDataKey", "kms:Decrypt"))
        elif _service_of(target) == "sns":
            yield "sns:Publish", target


def _key_use(resource: Registration | None, key_input: str, actions: Sequence[str]) -> Iterator[tuple[str, str]]:
    key = customer_key(resource.inputs.get(key_input) if resource else None)
    if key is not None:
        for action in actions:
            yield action, key


def missing_grants(run: Run) -> list[str]:
    problems = []
    for function in run.of_type(FUNCTION):
        statements = role_statements(run, function.inputs["role"])
        for action, resource in needs(run, function):
            if not allows(statements, action, resource):
                problems.append(f"{function.name}: its role does not allow {action} on {resource}")
    return problems


def test_the_functions_call_what_the_tests_expect() -> None:
    """The reader of the sources finds the calls the functions make (so the grant check below is not empty)."""
    assert code_calls(ROOT / "functions" / "curation") == {"dynamodb:GetItem", "dynamodb:BatchGetItem",
                                                          "dynamodb:PutItem", "sqs:SendMessage"}
    assert code_calls(ROOT / "functions" / "restore_validation") == {
        "backup:DescribeRestoreJob", "backup:PutRestoreValidationResult", "rds:DescribeDBClusters"}
    assert code_calls(ROOT / "functions" / "slack_notifier") == {"secretsmanager:GetSecretValue"}
    for handler, calls in HANDLER_CALLS.items():
        assert calls <= code_calls(ROOT / "functions" / handler.split(".")[0]), handler


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_function_role_allows_what_aws_authorizes_at_run_time(stack: str, runs: dict[str, Run]) -> None:
    functions = runs[stack].of_type(FUNCTION)
    assert len(functions) >= 6
    assert missing_grants(runs[stack]) == []


def test_a_missing_grant_is_found(dev: Run) -> None:
    """The ingest function's role without its DynamoDB statement: the check names the calls it can no longer make."""
    ingest = next(f for f in dev.of_type(FUNCTION) if f.name.endswith("-curation-ingest"))
    role = next(r for r in dev.of_type(ROLE) if r.outputs.get("arn") == ingest.inputs["role"])
    registrations = []
    for registration in dev.registrations:
        kept = registration
        if registration.type == ROLE_POLICY and role.urn in registration.property_dependencies.get("role", ()):
            document = json.loads(registration.inputs["policy"])
            document["Statement"] = [s for s in document["Statement"]
                                     if not any(str(a).startswith("dynamodb:") for a in
                                                ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))]
            kept = Registration(**{**registration.__dict__,
                                   "inputs": {**registration.inputs, "policy": json.dumps(document)}})
        registrations.append(kept)
    crippled = Run(dev.project, dev.stack, registrations, {}, {})
    found = [p for p in missing_grants(crippled) if p.startswith(ingest.name)]
    assert sorted(found) == [f"{ingest.name}: its role does not allow dynamodb:{op} on *"
                             for op in ("BatchGetItem", "GetItem", "PutItem")]
