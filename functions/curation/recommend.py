"""Recommendations for one item from the stored records, decayed to the time of asking. Pure.

An item with neighbours is answered from them (`co-occurrence`); any other item, including
one never seen, gets the most popular items other than itself (`popular`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .records import Leaderboard, ProductRecord
from .scores import ranked

Source = Literal["co-occurrence", "popular"]


@dataclass(frozen=True, slots=True)
class Recommendations:
    """The answer for `item`: other items with their scores now, best first."""

    item: str
    recommendations: list[tuple[str, float]]
    source: Source

    def as_json(self) -> dict[str, object]:
        return {
            "item": self.item,
            "recommendations": [{"item": other, "score": float(f"{score:.6g}")} for other, score in self.recommendations],
            "source": self.source,
        }


def from_neighbours(product: ProductRecord, limit: int, now: float) -> Recommendations:
    """The product's best neighbours, valued now."""
    factor = product.decayed(now)
    best = ranked({other: score for other, score in product.neighbours.items() if other != product.item}, limit)
    return Recommendations(product.item, [(other, score * factor) for other, score in best], "co-occurrence")


def from_popular(item: str, board: Leaderboard | None, limit: int, *, now: float) -> Recommendations:
    """The most popular items other than `item`, valued now (none before the first batch is in)."""
    if board is None:
        return Recommendations(item, [], "popular")
    factor = board.decayed(now)
    best = ranked(((other, s.score) for other, s in board.standings.items() if other != item), limit)
    return Recommendations(item, [(other, score * factor) for other, score in best], "popular")


def recommend(item: str, product: ProductRecord | None, board: Leaderboard | None, *, limit: int,
              now: float) -> Recommendations:
    """Co-occurrence when the item has neighbours, else the popular fallback."""
    if product is not None and product.neighbours:
        return from_neighbours(product, limit, now)
    return from_popular(item, board, limit, now=now)
