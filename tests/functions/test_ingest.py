"""The ingest handler: partial batch responses, quarantine of malformed records, safe merges."""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from functions.curation import ingest
from functions.curation.ingest import Ingest, ingest_batch
from functions.curation.quarantine import SQS_MESSAGE_LIMIT, Quarantine, quarantine_message
from functions.curation.records import Standing
from functions.curation.settings import Settings
from functions.curation.store import CurationTable

from .shop import HOUR, T0, kinesis_batch, kinesis_record, payload, sequence_number

SETTINGS = Settings(half_life_seconds=HOUR)
NOW = T0 + 60


def received(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while answer := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        messages.extend(answer)
    return messages


def failures(*indexes: int) -> list[str]:
    return [sequence_number(index) for index in indexes]


class FailingPuts:
    """A DynamoDB client whose writes of one item are throttled."""

    def __init__(self, client: Any, item: str) -> None:
        self.client, self.item = client, item

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def put_item(self, **request: Any) -> Any:
        if request["Item"]["item"]["S"] == self.item:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                              "PutItem")
        return self.client.put_item(**request)


class Rival:
    """A DynamoDB client that lets another batch write `item` just before its own first write of it."""

    def __init__(self, client: Any, item: str, rival: Any) -> None:
        self.client, self.item, self.rival = client, item, rival
        self.conflicts = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def put_item(self, **request: Any) -> Any:
        if request["Item"]["item"]["S"] == self.item and self.rival:
            rival, self.rival = self.rival, None
            rival()
        try:
            return self.client.put_item(**request)
        except ClientError as error:
            self.conflicts += error.response["Error"]["Code"] == "ConditionalCheckFailedException"
            raise


def test_a_malformed_record_mid_batch_is_quarantined_and_the_rest_of_the_batch_counts(
        dynamodb: Any, sqs: Any, table_name: str, queue_url: str) -> None:
    at = time.time() - 60
    batch = kinesis_batch(
        payload("purchase", "tent", "stove", at=at),
        "not base64!",
        payload("cart", "tent", "lantern", at=at),
        payload("view", "tent", at=at),
        payload("purchase", "tent", "stove", at=at),
    )
    assert ingest.handler(batch, None) == {"batchItemFailures": []}

    messages = sorted((json.loads(m["Body"]) for m in received(sqs, queue_url)),
                      key=lambda body: body["record"]["kinesis"]["sequenceNumber"])
    assert [m["record"] for m in messages] == [batch["Records"][1], batch["Records"][3]]
    assert messages[0]["reason"] == "kinesis.data is not valid base64"
    assert messages[1]["reason"] == "type must be one of cart, click, purchase, got 'view'"

    table = CurationTable(dynamodb, table_name)
    tent = table.product("tent")
    assert tent is not None
    assert (tent.neighbours, tent.popularity, tent.version) == ({"stove": 6.0, "lantern": 1.0}, 7.0, 1)
    assert table.product("stove").neighbours == {"tent": 6.0}  # type: ignore[union-attr]
    board = table.leaderboard()
    assert board is not None
    assert board.standings == {"tent": Standing(7.0, 1), "stove": Standing(6.0, 1), "lantern": Standing(1.0, 1)}


def test_without_a_queue_a_malformed_record_is_logged_whole(table_name: str, caplog: pytest.LogCaptureFixture) -> None:
    batch = kinesis_batch(b'{"type": "purchase"', payload("cart", "tent", "lantern", at=time.time()))
    with caplog.at_level(logging.WARNING):
        assert ingest.handler(batch, None) == {"batchItemFailures": []}
    assert base64.b64encode(b'{"type": "purchase"').decode() in caplog.text
    assert "event is not JSON" in caplog.text


def test_a_queue_that_cannot_take_a_malformed_record_fails_the_batch_from_that_record(
        dynamodb: Any, sqs: Any, table_name: str) -> None:
    gone = Quarantine(sqs, sqs.create_queue(QueueName="deleted")["QueueUrl"])
    sqs.delete_queue(QueueUrl=gone.queue_url)
    batch = kinesis_batch(payload("purchase", "tent", "stove"), payload("cart"), payload("cart", "mat", "pegs"))
    failed = ingest_batch(batch["Records"], Ingest(CurationTable(dynamodb, table_name), gone, SETTINGS), NOW)
    assert failed == failures(1, 2)
    table = CurationTable(dynamodb, table_name)
    assert table.product("tent").neighbours == {"stove": 3.0}  # type: ignore[union-attr]
    assert table.product("mat") is None  # after the failure: left for the retry


def test_a_dynamodb_failure_fails_the_batch_from_the_first_record_that_touched_the_product(
        dynamodb: Any, sqs: Any, table_name: str, queue_url: str) -> None:
    records = kinesis_batch(
        payload("purchase", "tent", "stove"),
        "not base64!",
        payload("cart", "mat", "pegs"),
        payload("purchase", "tent", "lantern"),
    )["Records"]
    quarantine = Quarantine(sqs, queue_url)
    throttled = Ingest(CurationTable(FailingPuts(dynamodb, "mat"), table_name), quarantine, SETTINGS)
    assert ingest_batch(records, throttled, NOW) == failures(2, 3)

    table = CurationTable(dynamodb, table_name)
    assert table.product("tent").neighbours == {"stove": 3.0, "lantern": 3.0}  # type: ignore[union-attr]
    assert table.product("mat") is None
    assert table.product("lantern") is None  # first touched after the failure: not written
    assert set(table.leaderboard().standings) == {"tent", "stove"}  # type: ignore[union-attr]

    # Lambda retries from the first failed sequence number; now DynamoDB answers.
    healthy = Ingest(CurationTable(dynamodb, table_name), quarantine, SETTINGS)
    assert ingest_batch(records[2:], healthy, NOW) == []
    assert table.product("mat").neighbours == {"pegs": 1.0}  # type: ignore[union-attr]
    assert table.product("lantern").neighbours == {"tent": 3.0}  # type: ignore[union-attr]
    # At least once: tent was written before the failure, so the retried record counts for it twice.
    assert table.product("tent").neighbours == {"lantern": 6.0, "stove": 3.0}  # type: ignore[union-attr]
    assert [m["Body"] for m in received(sqs, queue_url)].count(json.dumps(
        {"reason": "kinesis.data is not valid base64", "record": records[1]})) == 1


def test_two_batches_writing_one_product_at_once_both_count(dynamodb: Any, sqs: Any, table_name: str) -> None:
    quarantine = Quarantine(sqs, None)
    cart = kinesis_batch(payload("cart", "tent", "stove"))["Records"]
    purchase = kinesis_batch(payload("purchase", "tent", "stove"))["Records"]
    plain = Ingest(CurationTable(dynamodb, table_name), quarantine, SETTINGS)
    racing = Rival(dynamodb, "tent", lambda: ingest_batch(cart, plain, NOW))
    assert ingest_batch(purchase, Ingest(CurationTable(racing, table_name), quarantine, SETTINGS), NOW) == []

    assert racing.conflicts >= 2  # both tent and stove were written by the rival after this batch read them
    table = CurationTable(dynamodb, table_name)
    for item, other in (("tent", "stove"), ("stove", "tent")):
        record = table.product(item)
        assert record is not None
        assert (record.neighbours, record.popularity, record.version) == ({other: 4.0}, 4.0, 2)
    assert table.leaderboard().standings == {"stove": Standing(4.0, 2), "tent": Standing(4.0, 2)}  # type: ignore[union-attr]


def test_later_batches_add_to_decayed_scores(dynamodb: Any, table_name: str) -> None:
    plain = Ingest(CurationTable(dynamodb, table_name), Quarantine(None, None), SETTINGS)
    assert ingest_batch(kinesis_batch(payload("purchase", "tent", "stove", at=T0))["Records"], plain, NOW) == []
    later = kinesis_batch(payload("cart", "tent", "stove", at=T0 + HOUR), payload("cart", "tent", "mat", at=T0 + HOUR))
    assert ingest_batch(later["Records"], plain, NOW + HOUR) == []
    tent = CurationTable(dynamodb, table_name).product("tent")
    assert tent is not None
    assert (tent.reference, tent.neighbours, tent.popularity) == (T0 + HOUR, {"stove": 2.5, "mat": 1.0}, 3.5)


def test_a_record_too_big_for_sqs_is_quarantined_without_its_data_but_with_its_address() -> None:
    record = kinesis_record(b"x" * 300_000, 7)
    body = quarantine_message(record, "event is 300000 bytes, more than 32768")
    assert len(body.encode()) <= SQS_MESSAGE_LIMIT
    message = json.loads(body)
    assert message["dataOmitted"].startswith("400000 characters of base64 too big for SQS")
    assert "data" not in message["record"]["kinesis"]
    assert message["record"]["kinesis"]["sequenceNumber"] == sequence_number(7)
    assert message["record"]["eventSourceARN"] == record["eventSourceARN"]
    assert record["kinesis"]["data"]  # the record as delivered is left alone
