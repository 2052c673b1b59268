"""Co-occurrence and popularity aggregation: weights, decay, pruning, fallback and order."""

from __future__ import annotations

import pytest

from functions.curation.aggregate import Aggregator
from functions.curation.settings import Settings

from .shop import HOUR, T0, event

SETTINGS = Settings(purchase_weight=3.0, cart_weight=1.0, click_weight=0.5, half_life_seconds=HOUR, top_neighbours=20)


def aggregate(*events: object, settings: Settings = SETTINGS) -> Aggregator:
    aggregator = Aggregator(settings)
    aggregator.add(events)  # type: ignore[arg-type]
    return aggregator


def test_bought_together_weighs_above_carted_together() -> None:
    aggregator = aggregate(event("cart", "tent", "lantern"), event("purchase", "tent", "stove"))
    assert aggregator.recommend("tent", 10, T0) == [("stove", 3.0), ("lantern", 1.0)]
    assert aggregator.recommend("stove", 10, T0) == [("tent", 3.0)]


def test_clicks_make_items_popular_but_never_neighbours() -> None:
    aggregator = aggregate(event("click", "tent", "stove"))
    assert aggregator.neighbours == {}
    assert aggregator.popularity == {"tent": 0.5, "stove": 0.5}


def test_a_score_halves_after_one_half_life() -> None:
    aggregator = aggregate(event("purchase", "tent", "stove"))
    assert aggregator.recommend("tent", 10, T0 + HOUR) == [("stove", pytest.approx(1.5))]
    assert aggregator.recommend("tent", 10, T0 + 3 * HOUR) == [("stove", pytest.approx(0.375))]


def test_an_older_event_counts_for_less_than_a_newer_one() -> None:
    aggregator = aggregate(event("cart", "tent", "stove", at=T0 + HOUR), event("cart", "tent", "lantern", at=T0))
    assert aggregator.recommend("tent", 10, T0 + HOUR) == [("stove", 1.0), ("lantern", pytest.approx(0.5))]


def test_scores_stay_right_across_many_half_lives() -> None:
    # 200 half-lives apart: forward-decay factors of 2**200 force a revaluation on the way.
    aggregator = aggregate(event("purchase", "tent", "stove"), event("cart", "tent", "stove", at=T0 + 200 * HOUR))
    assert aggregator.recommend("tent", 10, T0 + 200 * HOUR) == [("stove", pytest.approx(1.0))]
    assert aggregator.reference is not None and aggregator.reference > T0


def test_pruning_keeps_the_n_best_neighbours_and_bounds_each_row() -> None:
    settings = Settings(top_neighbours=2, half_life_seconds=HOUR)
    aggregator = Aggregator(settings)
    stream = [event("purchase", "tent", "stove"), event("purchase", "tent", "stove"), event("cart", "tent", "lantern"),
              event("cart", "tent", "lantern"), event("cart", "tent", "mat"), event("cart", "tent", "pegs"),
              event("cart", "tent", "rope")]
    for one in stream:
        aggregator.add([one])
        assert len(aggregator.neighbours["tent"]) <= 2 * settings.top_neighbours
    assert len(aggregator.neighbours["tent"]) == 2  # the fifth neighbour pushed the row over 2N: pruned to N
    aggregator.compact()
    assert aggregator.recommend("tent", 10, T0) == [("stove", 6.0), ("lantern", 2.0)]


def test_compact_prunes_rows_that_have_not_reached_the_prune_threshold() -> None:
    aggregator = aggregate(event("cart", "tent", "stove", "lantern", "mat"), settings=Settings(top_neighbours=2))
    assert len(aggregator.neighbours["tent"]) == 3
    aggregator.compact()
    assert aggregator.neighbours["tent"] == {"lantern": 1.0, "mat": 1.0}


def test_equal_scores_rank_by_item_id() -> None:
    aggregator = aggregate(event("cart", "tent", "zip"), event("cart", "tent", "mat"), event("cart", "tent", "bag"))
    assert [item for item, _ in aggregator.recommend("tent", 10, T0)] == ["bag", "mat", "zip"]
    assert [item for item, _ in aggregator.recommend("tent", 2, T0)] == ["bag", "mat"]


def test_an_item_without_neighbours_falls_back_to_the_most_popular_other_items() -> None:
    aggregator = aggregate(event("purchase", "tent", "stove"), event("cart", "tent", "mat"), event("click", "socks"),
                           event("click", "socks"))
    assert aggregator.recommend("socks", 2, T0) == [("tent", 4.0), ("stove", 3.0)]
    assert aggregator.recommend("unknown", 10, T0) == [("tent", 4.0), ("stove", 3.0), ("mat", 1.0), ("socks", 1.0)]
    assert aggregator.popular(1, T0 + HOUR) == [("tent", pytest.approx(2.0))]


def test_a_camping_stream_recommends_what_was_bought_and_carted_with_the_tent() -> None:
    aggregator = aggregate(
        event("purchase", "tent", "sleeping-bag", "stove"),
        event("purchase", "tent", "sleeping-bag"),
        event("cart", "tent", "lantern"),
        event("cart", "tent", "lantern", "mat"),
        event("cart", "tent", "lantern"),
        event("click", "tent", "kayak"),
        event("purchase", "kayak", "paddle"),
    )
    assert aggregator.recommend("tent", 3, T0) == [("sleeping-bag", 6.0), ("lantern", 3.0), ("stove", 3.0)]
    assert aggregator.recommend("stove", 10, T0) == [("sleeping-bag", 3.0), ("tent", 3.0)]
    assert aggregator.recommend("kayak", 10, T0) == [("paddle", 3.0)]
    assert aggregator.popular(2, T0) == [("tent", 9.5), ("sleeping-bag", 6.0)]
