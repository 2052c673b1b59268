"""Builders for shop events, Kinesis batches and function URL requests, as Lambda delivers them."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from functions.curation.events import Event

STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/shop-events"
T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC).timestamp()
HOUR = 3600.0


def event(kind: str, *items: str, at: float = T0) -> Event:
    """A validated event, for feeding the aggregator directly."""
    return Event(type=kind, session="s-1", user="u-1", items=items, at=at)  # type: ignore[arg-type]


def rfc3339(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def payload(kind: str, *items: str, at: float = T0, **extra: Any) -> dict[str, Any]:
    """The JSON a producer puts on the stream."""
    return {"type": kind, "session": "s-81f2", "user": "u-1042", "items": list(items), "at": rfc3339(at), **extra}


def sequence_number(index: int) -> str:
    return f"4959000000000000000000000000000000000000000000{index:010d}"


def kinesis_record(body: dict[str, Any] | bytes | str, index: int) -> dict[str, Any]:
    """A Kinesis record of a Lambda event; `body` as JSON, raw bytes, or already-encoded data."""
    if isinstance(body, dict):
        data = base64.b64encode(json.dumps(body).encode()).decode()
    elif isinstance(body, bytes):
        data = base64.b64encode(body).decode()
    else:
        data = body
    sequence = sequence_number(index)
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "s-81f2",
            "sequenceNumber": sequence,
            "data": data,
            "approximateArrivalTimestamp": T0,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000000:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/curation-ingest",
        "awsRegion": "eu-west-1",
        "eventSourceARN": STREAM_ARN,
    }


def kinesis_batch(*bodies: dict[str, Any] | bytes | str) -> dict[str, Any]:
    return {"Records": [kinesis_record(body, index) for index, body in enumerate(bodies)]}


def url_request(path: str = "/recommendations", method: str = "GET", **query: str) -> dict[str, Any]:
    """A function URL request (API Gateway HTTP API payload v2)."""
    raw_query = "&".join(f"{name}={value}" for name, value in query.items())
    request: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": {"host": "abc123.lambda-url.eu-west-1.on.aws"},
        "requestContext": {
            "accountId": "123456789012",
            "domainName": "abc123.lambda-url.eu-west-1.on.aws",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1",
                     "userAgent": "test"},
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "routeKey": "$default",
            "stage": "$default",
            "time": "27/Nov/2026:10:00:00 +0000",
            "timeEpoch": int(T0 * 1000),
        },
        "isBase64Encoded": False,
    }
    if query:
        request["queryStringParameters"] = dict(query)
    return request
