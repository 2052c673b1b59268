"""Every AWS call in functions/ meets each error its API documents (as botocore's models list them) through
botocore's Stubber, and each ends in a verdict: a partial batch failure, an HTTP status, a dead letter."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.stub import Stubber

from functions.curation.api import answer
from functions.curation.ingest import Ingest, ingest_batch
from functions.curation.quarantine import Quarantine
from functions.curation.settings import Settings
from functions.curation.store import CurationTable
from functions.slack_notifier import handler, token_secret

from .notifier_samples import ALARM, sns_event
from .shop import HOUR, T0, kinesis_batch, payload, sequence_number, url_request
from .slack_stand_in import Context, Reply, StandIn

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
TABLE = "shop-dev-curation"
QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-curation-malformed"
SETTINGS = Settings(half_life_seconds=HOUR)
NOW = T0 + 60
SESSION = botocore.session.get_session()

# Every AWS operation the functions call, by service; the test below proves the list complete.
CALLED = {
    "backup": {"DescribeRestoreJob", "PutRestoreValidationResult"},  # tests/test_restore_validation.py
    "rds": {"DescribeDBClusters"},  # tests/test_restore_validation.py
    "dynamodb": {"GetItem", "BatchGetItem", "PutItem"},
    "sqs": {"SendMessage"},
    "secretsmanager": {"GetSecretValue"},  # signed by hand in the notifier, not through boto3
}


def errors(service: str, operation: str) -> list[str]:
    return [shape.name for shape in SESSION.get_service_model(service).operation_model(operation).error_shapes]


def test_every_aws_call_in_the_functions_is_listed_here() -> None:
    """A boto3 client method called anywhere in functions/ must be in CALLED, so its errors are tested."""
    operations = {xform_name(name): (service, name) for service in CALLED
                  for name in SESSION.get_service_model(service).operation_names}
    found: set[tuple[str, str]] = set()
    for source in FUNCTIONS.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in operations:
                found.add(operations[node.func.attr])
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("secretsmanager."):
                found.add(("secretsmanager", node.value.split(".", 1)[1]))
    assert found == {(service, name) for service, names in CALLED.items() for name in names}


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber, Any, Stubber]]:
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    sqs = boto3.client("sqs", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(dynamodb) as dynamodb_stub, Stubber(sqs) as sqs_stub:
        yield dynamodb, dynamodb_stub, sqs, sqs_stub
        dynamodb_stub.assert_no_pending_responses()
        sqs_stub.assert_no_pending_responses()


def _ingest(dynamodb: Any, sqs: Any) -> Ingest:
    return Ingest(CurationTable(dynamodb, TABLE, attempts=2, pause_seconds=0), Quarantine(sqs, QUEUE_URL), SETTINGS)


def _nothing_stored(keys: list[str]) -> dict[str, Any]:
    return {"Responses": {TABLE: []}, "UnprocessedKeys": {}}


@pytest.mark.parametrize("code", errors("dynamodb", "BatchGetItem"))
def test_products_that_cannot_be_read_fail_the_batch_from_its_first_good_record(
        code: str, stubbed: tuple[Any, Stubber, Any, Stubber]) -> None:
    dynamodb, dynamodb_stub, sqs, _ = stubbed
    dynamodb_stub.add_client_error("batch_get_item", service_error_code=code, service_message="no")
    batch = kinesis_batch(payload("purchase", "tent", "stove", at=NOW - 10), payload("cart", "mat", at=NOW - 5))
    assert ingest_batch(batch["Records"], _ingest(dynamodb, sqs), NOW) == [sequence_number(0), sequence_number(1)]


@pytest.mark.parametrize("code", errors("dynamodb", "PutItem"))
def test_a_product_that_cannot_be_written_fails_the_batch_from_its_first_record(
        code: str, stubbed: tuple[Any, Stubber, Any, Stubber]) -> None:
    dynamodb, dynamodb_stub, sqs, _ = stubbed
    dynamodb_stub.add_response("batch_get_item", _nothing_stored(["mat"]))
    # A lost race (ConditionalCheckFailedException) is read again and retried; losing every time is a failure too.
    for attempt in range(2 if code == "ConditionalCheckFailedException" else 1):
        dynamodb_stub.add_client_error("put_item", service_error_code=code, service_message="no")
        if code == "ConditionalCheckFailedException" and attempt == 0:
            dynamodb_stub.add_response("get_item", {})
    batch = kinesis_batch(payload("cart", "mat", at=NOW - 5))
    assert ingest_batch(batch["Records"], _ingest(dynamodb, sqs), NOW) == [sequence_number(0)]


@pytest.mark.parametrize("code", errors("dynamodb", "GetItem"))
def test_a_leaderboard_that_cannot_be_read_fails_the_batch(code: str, stubbed: tuple[Any, Stubber, Any, Stubber]) -> None:
    dynamodb, dynamodb_stub, sqs, _ = stubbed
    dynamodb_stub.add_response("batch_get_item", _nothing_stored(["mat"]))
    dynamodb_stub.add_response("put_item", {})
    dynamodb_stub.add_client_error("get_item", service_error_code=code, service_message="no")  # the leaderboard
    batch = kinesis_batch(payload("cart", "mat", at=NOW - 5))
    assert ingest_batch(batch["Records"], _ingest(dynamodb, sqs), NOW) == [sequence_number(0)]


@pytest.mark.parametrize("code", errors("sqs", "SendMessage"))
def test_a_malformed_record_the_queue_refuses_fails_the_batch_from_it(
        code: str, stubbed: tuple[Any, Stubber, Any, Stubber]) -> None:
    dynamodb, dynamodb_stub, sqs, sqs_stub = stubbed
    sqs_stub.add_client_error("send_message", service_error_code=code, service_message="no")
    dynamodb_stub.add_response("batch_get_item", _nothing_stored(["mat"]))
    dynamodb_stub.add_response("put_item", {})
    dynamodb_stub.add_response("get_item", {})
    dynamodb_stub.add_response("put_item", {})  # the leaderboard
    batch = kinesis_batch(payload("cart", "mat", at=NOW - 5), b"not json", payload("cart", "pegs", at=NOW - 1))
    assert ingest_batch(batch["Records"], _ingest(dynamodb, sqs), NOW) == [sequence_number(1), sequence_number(2)]


@pytest.mark.parametrize("code", errors("dynamodb", "GetItem"))
def test_recommendations_that_cannot_be_read_answer_503(code: str, stubbed: tuple[Any, Stubber, Any, Stubber]) -> None:
    dynamodb, dynamodb_stub, _, _ = stubbed
    dynamodb_stub.add_client_error("get_item", service_error_code=code, service_message="no")
    response = answer(url_request(item="tent"), CurationTable(dynamodb, TABLE), NOW)
    assert (response["statusCode"], json.loads(response["body"])) == (
        503, {"error": "recommendations are unavailable for the moment; try again"})


@pytest.mark.parametrize("code", errors("secretsmanager", "GetSecretValue"))
def test_a_token_secrets_manager_refuses_is_not_delivered_and_says_why(code: str, env: StandIn) -> None:
    """The notifier's verdict on an unreadable token: raised, so Lambda retries and then dead-letters the event."""
    transient = code in token_secret._TRANSIENT
    for _ in range(20 if transient else 1):
        env.secret_script.append(Reply(400, {"__type": code, "Message": "refused"}))
    with pytest.raises(handler.NotDeliveredError) as raised:
        handler.handler(sns_event(ALARM), Context())
    assert ("RetriesExhaustedError" if transient else f"HTTP 400 {code}: refused") in str(raised.value)
    assert env.posts == []
