"""The event schema: what parses, and every way a record is malformed."""

from __future__ import annotations

import pytest

from functions.curation.events import KPL_MAGIC, MalformedEventError, parse_record
from functions.curation.settings import Settings

from .shop import HOUR, T0, kinesis_record, payload

NOW = T0 + HOUR


def test_a_purchase_parses_with_its_items_in_order_and_repeats_counted_once() -> None:
    record = kinesis_record(payload("purchase", "sku-2", "sku-1", "sku-2", at=T0), 0)
    event = parse_record(record, NOW)
    assert (event.type, event.session, event.user) == ("purchase", "s-81f2", "u-1042")
    assert event.items == ("sku-2", "sku-1")
    assert event.at == T0


def test_timestamps_with_an_offset_are_the_same_instant() -> None:
    body = payload("cart", "sku-1") | {"at": "2026-11-27T11:00:00+01:00"}
    assert parse_record(kinesis_record(body, 0), NOW).at == T0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not base64!", "not valid base64"),
        (b"\xff\xfe not utf-8", "event is not UTF-8 text (byte 0 is not)"),
        (b"{\"type\": ", "event is not JSON: Expecting value: line 1 column 10"),
        # A KPL-aggregated record: magic bytes, a protobuf AggregatedRecord, its MD5 (16 bytes).
        (KPL_MAGIC + b"\x0a\x01k\x1a\x04\x08\x00\x1a\x00" + bytes(16), "record is KPL-aggregated"),
        (b"[1, 2]", "not a JSON object"),
        (payload("view", "sku-1"), "type must be one of cart, click, purchase, got 'view'"),
        ({k: v for k, v in payload("cart", "sku-1").items() if k != "type"}, "type must be one of"),
        (payload("cart"), "items must be a non-empty list"),
        (payload("cart") | {"items": "sku-1"}, "items must be a non-empty list"),
        (payload("cart", "sku 1"), "item id 'sku 1' is not"),
        (payload("cart", "#popular"), "item id '#popular' is not"),
        (payload("cart", *[f"sku-{n}" for n in range(101)]), "items has 101 entries"),
        (payload("cart", "sku-1") | {"at": "2026-11-27T10:00:00"}, "RFC 3339 time with a zone"),
        (payload("cart", "sku-1") | {"at": "2026-11-27"}, "RFC 3339 time with a zone"),
        (payload("cart", "sku-1") | {"at": 1795773600}, "RFC 3339 time with a zone"),
        (payload("cart", "sku-1") | {"at": "2026-13-27T10:00:00Z"}, "not a real time"),
        (payload("cart", "sku-1", at=NOW + HOUR), "more than 15 minutes in the future"),
        (payload("cart", "sku-1") | {"session": ""}, "session must be a non-empty string"),
        (payload("cart", "sku-1") | {"user": None}, "user must be a non-empty string"),
        (payload("cart", "sku-1") | {"price": 10}, "unknown field(s) price"),
    ],
)
def test_malformed_records_say_why(body: dict[str, object] | bytes | str, reason: str) -> None:
    with pytest.raises(MalformedEventError) as caught:
        parse_record(kinesis_record(body, 0), NOW)
    assert reason in str(caught.value)


def test_a_record_without_data_is_malformed() -> None:
    with pytest.raises(MalformedEventError, match=r"no kinesis\.data"):
        parse_record({"kinesis": {"sequenceNumber": "1"}}, NOW)


def test_settings_come_from_the_environment_with_defaults_for_the_rest() -> None:
    settings = Settings.from_env({"PURCHASE_WEIGHT": "5", "HALF_LIFE_HOURS": "24", "TOP_NEIGHBOURS": "8"})
    assert settings == Settings(purchase_weight=5.0, half_life_seconds=24 * HOUR, top_neighbours=8)


@pytest.mark.parametrize(("name", "value"), [("CART_WEIGHT", "-1"), ("HALF_LIFE_HOURS", "nan"), ("TOP_NEIGHBOURS", "0"),
                                             ("POPULAR_SIZE", "ten")])
def test_bad_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: value})
