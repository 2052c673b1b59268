"""The recommendations API: routing, validation, co-occurrence answers and the popular fallback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.curation.api import answer
from functions.curation.records import Leaderboard, ProductRecord, Standing

from .shop import HOUR, T0, url_request

TENT = ProductRecord("tent", T0, HOUR, 9.0, {"stove": 3.0, "sleeping-bag": 6.0, "lantern": 3.0}, version=4)
SOCKS = ProductRecord("socks", T0, HOUR, 1.0, {}, version=1)
BOARD = Leaderboard(T0, HOUR, {"tent": Standing(9.0, 4), "sleeping-bag": Standing(6.0, 2), "socks": Standing(1.0, 1)},
                    version=6)


class StoredRecords:
    """Stands in for the table: the API only reads."""

    name = "shop-dev-curation"

    def __init__(self, board: Leaderboard | None = BOARD) -> None:
        self.board = board

    def product(self, item: str, consistent: bool = False) -> ProductRecord | None:
        return {"tent": TENT, "socks": SOCKS}.get(item)

    def leaderboard(self, consistent: bool = False) -> Leaderboard | None:
        return self.board


def ask(request: dict[str, Any], now: float = T0, board: Leaderboard | None = BOARD) -> tuple[int, dict[str, Any]]:
    response = answer(request, StoredRecords(board), now)  # type: ignore[arg-type]
    assert response["headers"]["content-type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


def test_an_item_with_neighbours_gets_them_best_first_ties_by_id() -> None:
    assert ask(url_request(item="tent")) == (200, {
        "item": "tent",
        "recommendations": [{"item": "sleeping-bag", "score": 6.0}, {"item": "lantern", "score": 3.0},
                            {"item": "stove", "score": 3.0}],
        "source": "co-occurrence",
    })


def test_scores_are_decayed_to_the_time_of_asking_and_limited() -> None:
    status, body = ask(url_request(item="tent", limit="2"), now=T0 + 2 * HOUR)
    assert status == 200
    assert body["recommendations"] == [{"item": "sleeping-bag", "score": 1.5}, {"item": "lantern", "score": 0.75}]


def test_an_unknown_item_gets_the_most_popular_items() -> None:
    assert ask(url_request(item="kayak", limit="2")) == (200, {
        "item": "kayak",
        "recommendations": [{"item": "tent", "score": 9.0}, {"item": "sleeping-bag", "score": 6.0}],
        "source": "popular",
    })


def test_an_item_without_neighbours_gets_popular_items_other_than_itself() -> None:
    _, body = ask(url_request(item="socks"))
    assert body["source"] == "popular"
    assert [r["item"] for r in body["recommendations"]] == ["tent", "sleeping-bag"]


def test_before_any_event_the_fallback_is_empty() -> None:
    assert ask(url_request(item="kayak"), board=None) == (200, {"item": "kayak", "recommendations": [],
                                                               "source": "popular"})


def test_the_default_limit_is_ten() -> None:
    board = Leaderboard(T0, HOUR, {f"sku-{n:02d}": Standing(float(n), 1) for n in range(30)}, version=1)
    _, body = ask(url_request(item="kayak"), board=board)
    assert [r["item"] for r in body["recommendations"]] == [f"sku-{n:02d}" for n in range(29, 19, -1)]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "query parameter item is required, e.g. /recommendations?item=sku-1"),
        ({"item": ""}, "query parameter item is required"),
        ({"item": "tent,stove"}, "item must be one item id"),
        ({"item": "tent", "limit": "0"}, "limit must be a whole number from 1 to 50, got '0'"),
        ({"item": "tent", "limit": "51"}, "limit must be a whole number from 1 to 50, got '51'"),
        ({"item": "tent", "limit": "ten"}, "limit must be a whole number from 1 to 50, got 'ten'"),
        ({"item": "tent", "limit": "-3"}, "limit must be a whole number from 1 to 50"),
        ({"item": "tent", "limit": ""}, "limit must be a whole number from 1 to 50"),
    ],
)
def test_bad_queries_are_400_with_what_to_fix(query: dict[str, str], message: str) -> None:
    status, body = ask(url_request(**query))
    assert status == 400
    assert body["error"].startswith(message)


def test_limits_at_the_bounds_are_accepted() -> None:
    assert len(ask(url_request(item="kayak", limit="1"))[1]["recommendations"]) == 1
    assert len(ask(url_request(item="kayak", limit="50"))[1]["recommendations"]) == 3


def test_other_paths_are_404() -> None:
    status, body = ask(url_request(path="/recommend", item="tent"))
    assert (status, body) == (404, {"error": "no such path /recommend; ask GET /recommendations?item=ID&limit=N"})
    assert ask(url_request(path="/"))[0] == 404


def test_other_methods_are_405_with_allow() -> None:
    response = answer(url_request(method="POST", item="tent"), StoredRecords(), T0)  # type: ignore[arg-type]
    assert response["statusCode"] == 405
    assert response["headers"]["allow"] == "GET"
    assert json.loads(response["body"]) == {"error": "/recommendations only answers GET"}
