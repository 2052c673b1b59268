"""Merging a batch into stored records, and their DynamoDB encoding."""

from __future__ import annotations

import pytest

from functions.curation import codec
from functions.curation.records import Leaderboard, ProductDelta, ProductRecord, Standing, merge_leaderboard, merge_product

from .shop import HOUR, T0


def test_a_first_batch_creates_the_record_at_version_one() -> None:
    record = merge_product(None, "tent", ProductDelta(4.0, {"stove": 3.0, "mat": 1.0}, T0), half_life=HOUR, top=20)
    assert record == ProductRecord("tent", T0, HOUR, 4.0, {"stove": 3.0, "mat": 1.0}, version=1)
    assert list(record.neighbours) == ["stove", "mat"]


def test_merging_values_both_sides_at_the_later_time_and_keeps_the_n_best() -> None:
    stored = ProductRecord("tent", T0, HOUR, popularity=8.0, neighbours={"stove": 4.0, "mat": 2.0, "pegs": 0.5},
                           version=3)
    delta = ProductDelta(1.0, {"lantern": 2.5, "mat": 1.0}, T0 + HOUR)
    merged = merge_product(stored, "tent", delta, half_life=HOUR, top=3)
    assert merged.reference == T0 + HOUR
    assert merged.popularity == 5.0
    assert merged.neighbours == {"lantern": 2.5, "mat": 2.0, "stove": 2.0}
    assert list(merged.neighbours) == ["lantern", "mat", "stove"]
    assert merged.version == 4


def test_a_late_batch_decays_to_the_stored_reference() -> None:
    stored = ProductRecord("tent", T0 + HOUR, HOUR, 1.0, {"stove": 1.0}, version=1)
    merged = merge_product(stored, "tent", ProductDelta(2.0, {"stove": 2.0}, T0), half_life=HOUR, top=20)
    assert (merged.reference, merged.popularity, merged.neighbours) == (T0 + HOUR, 2.0, {"stove": 2.0})


def test_the_leaderboard_takes_current_popularity_and_ignores_older_versions() -> None:
    board = Leaderboard(T0, HOUR, {"tent": Standing(8.0, 5), "stove": Standing(4.0, 2)}, version=9)
    products = [ProductRecord("tent", T0, HOUR, popularity=1.0, version=4),  # older than the standing: ignored
                ProductRecord("stove", T0 + HOUR, HOUR, popularity=6.0, version=3),
                ProductRecord("mat", T0 + HOUR, HOUR, popularity=1.0, version=1)]
    merged = merge_leaderboard(board, products, HOUR, size=2)
    assert merged.reference == T0 + HOUR
    assert merged.standings == {"stove": Standing(6.0, 3), "tent": Standing(4.0, 5)}
    assert merged.version == 10


def test_records_survive_the_round_trip_through_dynamodb_attributes() -> None:
    product = ProductRecord("tent", T0 + 0.25, 7 * 24 * HOUR, 12.5, {"stove": 3.0, "mat": 1.0e-6}, version=7)
    attributes = codec.product_to_attributes(product)
    assert attributes["neighbours"]["M"]["mat"] == {"N": "0.000001"}
    assert attributes["asOf"] == {"S": "2026-11-27T10:00:00Z"}
    assert codec.product_from_attributes(attributes) == product
    board = Leaderboard(T0, HOUR, {"tent": Standing(12.5, 7)}, version=2)
    assert codec.leaderboard_from_attributes(codec.leaderboard_to_attributes(board)) == board
    assert codec.leaderboard_to_attributes(board)["item"] == {"S": "#popular"}


@pytest.mark.parametrize(("value", "text"), [(0.0, "0"), (3.0, "3"), (1795773600.25, "1795773600.25"),
                                             (1.0 / 3.0, "0.3333333333333333"), (1.5e-9, "0.0000000015"),
                                             (2.0**70, "1180591620717411300000")])
def test_numbers_are_written_in_plain_decimal_notation_and_read_back_exactly(value: float, text: str) -> None:
    assert codec.number(value) == {"N": text}
    assert float(text) == value
