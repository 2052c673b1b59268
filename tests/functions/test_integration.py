"""Both handlers end to end against DynamoDB and SQS served over HTTP by moto's server mode."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from functions.curation import api, ingest

from .shop import kinesis_batch, payload, url_request


def recommendations(**query: str) -> dict[str, Any]:
    response = api.handler(url_request(**query), None)
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "application/json"
    body: dict[str, Any] = json.loads(response["body"])
    return body


def test_events_in_recommendations_out(sqs: Any, table_name: str, queue_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A long half-life, so the seconds between these events and the queries below (five, plus however long a
    # loaded machine takes to run the test) cost far less than the 0.1 % the scores are compared with.
    monkeypatch.setenv("HALF_LIFE_HOURS", "1000")
    at = time.time() - 5
    first = kinesis_batch(
        payload("purchase", "tent", "sleeping-bag", "stove", at=at),
        payload("purchase", "tent", "sleeping-bag", at=at),
        payload("cart", "tent", "lantern", at=at),
        b"\x00\x01 not json",
        payload("cart", "tent", "lantern", "mat", at=at),
        payload("click", "tent", "kayak", "socks", at=at),
    )
    second = kinesis_batch(
        payload("cart", "tent", "lantern", at=at),
        payload("purchase", "kayak", "paddle", at=at),
        payload("click", "socks", at=at),
    )
    assert ingest.handler(first, None) == {"batchItemFailures": []}
    assert ingest.handler(second, None) == {"batchItemFailures": []}
    quarantined = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["record"]["kinesis"]["sequenceNumber"] for m in quarantined] == [
        first["Records"][3]["kinesis"]["sequenceNumber"]]

    tent = recommendations(item="tent", limit="3")
    assert tent["source"] == "co-occurrence"
    assert [(r["item"], r["score"]) for r in tent["recommendations"]] == [
        ("sleeping-bag", pytest.approx(6.0, rel=1e-3)),
        ("lantern", pytest.approx(3.0, rel=1e-3)),
        ("stove", pytest.approx(3.0, rel=1e-3)),
    ]
    assert [r["item"] for r in recommendations(item="kayak")["recommendations"]] == ["paddle"]

    # Never seen: the most popular items. tent 3+3+1+1+1+0.2, sleeping-bag 6, paddle 3, stove 3, ...
    unknown = recommendations(item="snowboard", limit="4")
    assert unknown["source"] == "popular"
    assert [(r["item"], r["score"]) for r in unknown["recommendations"]] == [
        ("tent", pytest.approx(9.2, rel=1e-3)),
        ("sleeping-bag", pytest.approx(6.0, rel=1e-3)),
        ("kayak", pytest.approx(3.2, rel=1e-3)),
        ("lantern", pytest.approx(3.0, rel=1e-3)),
    ]
    # Only ever clicked: popular too, without itself.
    socks = recommendations(item="socks", limit="2")
    assert (socks["source"], [r["item"] for r in socks["recommendations"]]) == ("popular", ["tent", "sleeping-bag"])
