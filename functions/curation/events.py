"""Shop events as they arrive on the Kinesis stream, and their strict validation.

One event per Kinesis record; `kinesis.data` is the base64 of a UTF-8 JSON object:

    {"type": "purchase", "session": "s-81f2", "user": "u-1042",
     "items": ["sku-1", "sku-2"], "at": "2026-11-27T10:00:00Z"}

| field     | rule                                                                                 |
| --------- | ------------------------------------------------------------------------------------ |
| `type`    | `purchase` (bought together), `cart` (in one cart) or `click` (viewed)               |
| `session` | non-empty string, at most 256 characters                                             |
| `user`    | non-empty string, at most 256 characters                                             |
| `items`   | 1 to 100 item ids; an id is 1-128 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit; repeats count once |
| `at`      | RFC 3339 time with a zone (`Z` or `+01:00`), at most 15 minutes ahead of the reader's clock |

No other field is allowed: a producer that adds one must land the consumer change first. The
decoded JSON may be at most 32 KiB. Anything else is malformed (`MalformedEventError`, with the
reason), and is quarantined by the ingest handler rather than retried.

Producers put one event per record and must not aggregate records with the Kinesis Producer Library
(`AggregationEnabled=false`): an aggregated record is a protobuf message behind the magic bytes
F3 89 9A C2 (github.com/awslabs/amazon-kinesis-producer, aggregation-format.md) and is quarantined
with a reason that says so.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

EventType = Literal["purchase", "cart", "click"]

EVENT_TYPES: frozenset[str] = frozenset(("purchase", "cart", "click"))
FIELDS: frozenset[str] = frozenset(("type", "session", "user", "items", "at"))
ITEM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
MAX_ITEMS = 100
MAX_TEXT = 256
MAX_EVENT_BYTES = 32 * 1024
MAX_CLOCK_SKEW_SECONDS = 15 * 60
KPL_MAGIC = b"\xf3\x89\x9a\xc2"  # the first bytes of a KPL-aggregated record


class MalformedEventError(ValueError):
    """A record that can never be processed; the message says why."""


@dataclass(frozen=True, slots=True)
class Event:
    """One validated shop event; `at` is seconds since the Unix epoch."""

    type: EventType
    session: str
    user: str
    items: tuple[str, ...]
    at: float


def parse_record(record: Mapping[str, Any], now: float) -> Event:
    """The event carried by one Kinesis record of a Lambda batch."""
    kinesis = record.get("kinesis")
    data = kinesis.get("data") if isinstance(kinesis, Mapping) else None
    if not isinstance(data, str):
        raise MalformedEventError("record has no kinesis.data string")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedEventError("kinesis.data is not valid base64") from None
    return parse_event(raw, now)


def parse_event(raw: bytes, now: float) -> Event:
    """The event encoded in `raw` (UTF-8 JSON), checked against the schema above."""
    if raw.startswith(KPL_MAGIC):
        raise MalformedEventError("record is KPL-aggregated (it starts with the KPL magic bytes F3 89 9A C2); producers "
                                  "must put one JSON event per record with KPL aggregation off (AggregationEnabled=false)")
    if len(raw) > MAX_EVENT_BYTES:
        raise MalformedEventError(f"event is {len(raw)} bytes, more than {MAX_EVENT_BYTES}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedEventError(f"event is not UTF-8 text (byte {error.start} is not)") from None
    try:
        body = json.loads(text)
    except ValueError as error:
        raise MalformedEventError(f"event is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise MalformedEventError("event is not a JSON object")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise MalformedEventError(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(FIELDS))}")
    kind = body.get("type")
    if kind not in EVENT_TYPES:
        raise MalformedEventError(f"type must be one of {', '.join(sorted(EVENT_TYPES))}, got {kind!r}")
    return Event(
        type=kind,
        session=_text(body, "session"),
        user=_text(body, "user"),
        items=_items(body.get("items")),
        at=_timestamp(body.get("at"), now),
    )


def _text(body: Mapping[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_TEXT:
        raise MalformedEventError(f"{field} must be a non-empty string of at most {MAX_TEXT} characters")
    return value


def _items(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise MalformedEventError("items must be a non-empty list of item ids")
    if len(value) > MAX_ITEMS:
        raise MalformedEventError(f"items has {len(value)} entries, more than {MAX_ITEMS}")
    for item in value:
        if not isinstance(item, str) or not ITEM_ID.fullmatch(item):
            raise MalformedEventError(f"item id {item!r} is not 1-128 of A-Z a-z 0-9 . _ - starting with a letter or digit")
    return tuple(dict.fromkeys(value))


def _timestamp(value: object, now: float) -> float:
    if not isinstance(value, str) or not TIMESTAMP.fullmatch(value):
        raise MalformedEventError(f"at must be an RFC 3339 time with a zone such as 2026-11-27T10:00:00Z, got {value!r}")
    try:
        at = datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise MalformedEventError(f"at is not a real time: {value!r}") from None
    if at > now + MAX_CLOCK_SKEW_SECONDS:
        raise MalformedEventError(f"at {value} is more than {MAX_CLOCK_SKEW_SECONDS // 60} minutes in the future")
    return at


def is_item_id(value: str) -> bool:
    """Whether `value` is a well-formed item id (the API checks query parameters with it)."""
    return ITEM_ID.fullmatch(value) is not None
