"""The curation service as registered in both stacks: table, key, failure queue, functions, roles, stream mapping.

The behaviour behind it is proven by the handler tests in tests/functions/: a malformed event on the stream goes to
the failure queue and the rest of the batch is processed (test_ingest.py,
`test_a_malformed_record_mid_batch_is_quarantined_and_the_rest_of_the_batch_counts`), a failure reports the batch
from the failing record on (`test_a_dynamodb_failure_fails_the_batch_from_the_first_record_that_touched_the_product`),
and both handlers run against DynamoDB and SQS over HTTP in moto's server mode (test_integration.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from preview.mocks import Registration
from preview.run import Run
from tests.run_view import view_of
from tests.services_view import (
    FUNCTION,
    FUNCTION_URL,
    INVOKE_CONFIG,
    KEY,
    LOG_GROUP,
    MAPPING,
    QUEUE,
    QUEUE_POLICY,
    ROLE,
    ROLE_POLICY,
    TABLE,
    WORKLOADS,
)

STREAM = "aws:kinesis/stream:Stream"
DAY = 86400


def _statements(policy: Registration) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in json.loads(policy.inputs["policy"])["Statement"]}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.fixture(params=WORKLOADS)
def account(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_table_is_on_demand_encrypted_recoverable_and_protected_in_production(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    production = view.config.production
    table = view.one(TABLE, account)
    assert table.inputs["name"] == f"shop-{account}-curation"
    assert table.inputs["hashKey"] == "item" and "rangeKey" not in table.inputs
    assert table.inputs["attributes"] == [{"name": "item", "type": "S"}]
    assert table.inputs["billingMode"] == "PAY_PER_REQUEST"
    assert table.inputs["pointInTimeRecovery"] == {"enabled": True}
    assert table.inputs["deletionProtectionEnabled"] is production
    assert table.protect is production
    encryption = table.inputs["serverSideEncryption"]
    assert encryption["enabled"] is True
    assert view.by_reference(encryption["kmsKeyArn"]).name == f"{account}-curation-key"


def test_the_curation_key_rotates_is_protected_in_production_and_serves_only_table_queue_and_logs(
        stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    key = view.one(KEY, account, "-curation-key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.protect is view.config.production
    statements = _statements(key)
    assert set(statements) == {"AccountAdministers", "UseThroughTableAndQueue", "TableHoldsGrants", "LogsEncrypt"}
    assert "kms:Decrypt" not in statements["AccountAdministers"]["Action"]
    region = view.config.organization.region
    assert statements["UseThroughTableAndQueue"]["Condition"]["StringEquals"]["kms:ViaService"] == [
        f"dynamodb.{region}.amazonaws.com", f"sqs.{region}.amazonaws.com"]
    assert statements["LogsEncrypt"]["Principal"] == {"Service": f"logs.{region}.amazonaws.com"}


def test_failure_queue_is_encrypted_keeps_messages_and_refuses_plain_http(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    spec = view.config.services[account].curation
    queue = view.one(QUEUE, account, "-curation-failures")
    assert queue.inputs["name"] == f"shop-{account}-curation-failures"
    assert view.by_reference(queue.inputs["kmsMasterKeyId"]).name == f"{account}-curation-key"
    assert queue.inputs["messageRetentionSeconds"] == spec.failure_retention_days * DAY
    (policy,) = [p for p in view.of(QUEUE_POLICY, account) if p.inputs["queueUrl"] == queue.outputs["url"]]
    (deny,) = json.loads(policy.inputs["policy"])["Statement"]
    assert deny["Effect"] == "Deny" and deny["Resource"] == queue.outputs["arn"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize(("part", "handler"), [("ingest", "curation.ingest.handler"), ("api", "curation.api.handler")])
def test_functions_run_the_curation_package_traced_with_their_own_encrypted_logs(
        stack_run: Run, account: str, part: str, handler: str) -> None:
    view = view_of(stack_run)
    spec = view.config.services[account].curation
    function = view.one(FUNCTION, account, f"-curation-{part}")
    assert function.inputs["name"] == f"shop-{account}-curation-{part}"
    assert function.inputs["handler"] == handler
    assert function.inputs["runtime"] == spec.runtime in ("python3.12", "python3.13")
    assert function.inputs["tracingConfig"] == {"mode": "Active"}
    assert function.inputs["code"] == {"assets": {"curation": {"path": "functions/curation"}}}
    memory, timeout = ((spec.ingest_memory_mb, spec.ingest_timeout_seconds) if part == "ingest"
                       else (spec.api_memory_mb, spec.api_timeout_seconds))
    assert (function.inputs["memorySize"], function.inputs["timeout"]) == (memory, timeout)
    log_group = view.one(LOG_GROUP, account, f"-curation-{part}-logs")
    assert log_group.inputs["name"] == f"/aws/lambda/shop-{account}-curation-{part}"
    assert function.inputs["loggingConfig"]["logGroup"] == log_group.inputs["name"]
    assert log_group.inputs["retentionInDays"] == spec.log_retention_days
    assert view.by_reference(log_group.inputs["kmsKeyId"]).name == f"{account}-curation-key"
    role = view.by_reference(function.inputs["role"])
    assert role.type == ROLE and role.inputs["name"] == f"shop-{account}-curation-{part}"
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"} and trust["Action"] == "sts:AssumeRole"


def test_environment_names_the_table_and_queue_and_holds_no_secret(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    table = view.one(TABLE, account)
    queue = view.one(QUEUE, account, "-curation-failures")
    tuning = view.config.services[account].curation.tuning.environment()
    ingest = view.one(FUNCTION, account, "-curation-ingest").inputs["environment"]["variables"]
    assert ingest == {"TABLE_NAME": table.inputs["name"], "MALFORMED_QUEUE_URL": queue.outputs["url"], **tuning}
    api = view.one(FUNCTION, account, "-curation-api").inputs["environment"]["variables"]
    assert api == {"TABLE_NAME": table.inputs["name"]}


def test_ingest_role_may_do_exactly_what_the_consumer_needs(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    region = view.config.organization.region
    policy = view.one(ROLE_POLICY, account, "-curation-ingest-policy")
    statements = _statements(policy)
    table, queue = view.one(TABLE, account), view.one(QUEUE, account, "-curation-failures")
    stream = view.one(STREAM, account)
    assert set(statements) == {"WriteOwnLogs", "WriteTraces", "ReadAndWriteScores", "SendToFailureQueue",
                               "CurationKeyThroughTableAndQueue", "ReadEventStream", "ListStreams", "DecryptEventStream"}
    assert statements["ReadAndWriteScores"]["Action"] == ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem"]
    assert statements["ReadAndWriteScores"]["Resource"] == table.outputs["arn"]
    assert statements["SendToFailureQueue"] == {"Sid": "SendToFailureQueue", "Effect": "Allow",
                                                "Action": "sqs:SendMessage", "Resource": queue.outputs["arn"]}
    assert statements["ReadEventStream"]["Action"] == [
        "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
        "kinesis:ListShards"]
    assert statements["ReadEventStream"]["Resource"] == stream.outputs["arn"]
    assert statements["ListStreams"]["Action"] == "kinesis:ListStreams"  # no resource type: "*" is all it takes
    decrypt = statements["DecryptEventStream"]
    assert decrypt["Action"] == "kms:Decrypt"
    assert view.by_reference(decrypt["Resource"]).name == f"{account}-data-keys-stream"
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": f"kinesis.{region}.amazonaws.com"}}
    logs = view.one(LOG_GROUP, account, "-curation-ingest-logs")
    assert statements["WriteOwnLogs"]["Resource"] == f"{logs.outputs['arn']}:*"
    assert statements["WriteTraces"]["Resource"] == "*"
    assert all(resource == "*" or view.account(view.by_reference(resource.removesuffix(":*"))) == account
               for statement in statements.values() for resource in _as_list(statement["Resource"]))


def test_api_role_reads_scores_and_nothing_of_the_stream(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    statements = _statements(view.one(ROLE_POLICY, account, "-curation-api-policy"))
    assert set(statements) == {"WriteOwnLogs", "WriteTraces", "ReadScores", "SendToFailureQueue",
                               "CurationKeyThroughTableAndQueue"}
    assert statements["ReadScores"]["Action"] == "dynamodb:GetItem"
    assert statements["ReadScores"]["Resource"] == view.one(TABLE, account).outputs["arn"]


def test_stream_mapping_reports_partial_failures_bisects_and_gives_up_into_the_queue(
        stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    spec = view.config.services[account].curation
    mapping = view.one(MAPPING, account)
    stream = view.by_reference(mapping.inputs["eventSourceArn"])
    assert stream.type == STREAM and stream.inputs["name"] == f"shop-{account}-events"
    assert mapping.inputs["functionName"] == f"shop-{account}-curation-ingest"
    assert mapping.inputs["functionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping.inputs["bisectBatchOnFunctionError"] is True
    assert 0 <= mapping.inputs["maximumRetryAttempts"] == spec.maximum_retry_attempts
    assert 0 < mapping.inputs["maximumRecordAgeInSeconds"] == spec.maximum_record_age_seconds
    assert mapping.inputs["startingPosition"] == spec.starting_position
    assert mapping.inputs["batchSize"] == spec.batch_size
    assert mapping.inputs["parallelizationFactor"] == spec.parallelization_factor
    destination = view.by_reference(mapping.inputs["destinationConfig"]["onFailure"]["destinationArn"])
    assert destination.name == f"{account}-curation-failures"
    ingest_policy = view.one(ROLE_POLICY, account, "-curation-ingest-policy")
    assert ingest_policy.urn in mapping.dependencies  # the role may read the stream before the mapping exists


def test_api_answers_behind_an_iam_function_url(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    url = view.one(FUNCTION_URL, account)
    assert url.inputs == {"functionName": f"shop-{account}-curation-api", "authorizationType": "AWS_IAM"}


def test_asynchronous_failures_of_either_function_land_in_the_queue(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    configs = {config.inputs["functionName"]: config.inputs for config in view.of(INVOKE_CONFIG, account)
               if "curation" in config.name}
    assert set(configs) == {f"shop-{account}-curation-ingest", f"shop-{account}-curation-api"}
    for config in configs.values():
        destination = config["destinationConfig"]["onFailure"]["destination"]
        assert view.by_reference(destination).name == f"{account}-curation-failures"
        assert config["maximumRetryAttempts"] == 2 and config["maximumEventAgeInSeconds"] == 3600


def test_everything_sits_in_the_accounts_curation_component(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    component = view.named(f"{account}-curation")
    assert component.type == "landing-zone:curation:Curation"
    children = [r for r in stack_run.registrations if r.parent == component.urn]
    assert {r.type for r in children} == {KEY, "aws:kms/alias:Alias", TABLE, QUEUE, QUEUE_POLICY, ROLE, ROLE_POLICY,
                                          LOG_GROUP, FUNCTION, MAPPING, INVOKE_CONFIG, FUNCTION_URL}
    assert all(view.account(child) == account for child in children)
