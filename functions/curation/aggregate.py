"""In-memory aggregation of shop events: item-to-item co-occurrence and item popularity.

Pure computation, no AWS. Items bought together gain `purchase_weight` towards each other,
items carted together `cart_weight`; clicks only add `click_weight` to popularity.

Decay uses forward decay: an event at time `t` adds `weight * 2 ** ((t - reference) / half_life)`,
so every score is valued at the one `reference` time, stays comparable with every other, and
no stored score has to be touched when time moves on. When events run far past the reference
(which would overflow floats) all scores are revalued at a later reference once.

Memory is bounded by items x N: a neighbour row may grow to 2N entries before it is pruned
back to its N best, which costs an amortised sort of 2N entries every N insertions.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import exp2, inf

from .events import Event
from .scores import decay_factor, ranked, rescaled
from .settings import Settings

# Revalue when forward-decay factors reach 2**64: far from float overflow, rare in practice.
MAX_EXPONENT = 64.0


class Aggregator:
    """Co-occurrence and popularity scores of a stream of events, all valued at `reference`."""

    __slots__ = ("_half_life", "_pair_weights", "_pop_weights", "_prune_at", "latest", "neighbours", "popularity",
                 "reference", "top")

    def __init__(self, settings: Settings, reference: float | None = None) -> None:
        self.top = settings.top_neighbours
        self._half_life = settings.half_life_seconds
        self._prune_at = 2 * settings.top_neighbours
        self._pair_weights = {"purchase": settings.purchase_weight, "cart": settings.cart_weight, "click": 0.0}
        self._pop_weights = {"purchase": settings.purchase_weight, "cart": settings.cart_weight,
                             "click": settings.click_weight}
        self.reference: float | None = reference
        self.latest: float | None = None
        self.neighbours: dict[str, dict[str, float]] = {}
        self.popularity: dict[str, float] = {}

    def add(self, events: Iterable[Event]) -> None:
        """Count every event in; the hot path, so it keeps everything in local names."""
        neighbours, popularity = self.neighbours, self.popularity
        pair_weights, pop_weights = self._pair_weights, self._pop_weights
        rate, prune_at, top = 1.0 / self._half_life, self._prune_at, self.top
        reference = self.reference
        latest = -inf if self.latest is None else self.latest
        for event in events:
            at = event.at
            if reference is None:
                reference = at
            if at > latest:
                latest = at
                if (at - reference) * rate > MAX_EXPONENT:
                    self.reference = reference
                    self.revalue(at)
                    reference = at
            boost = exp2((at - reference) * rate)
            items = event.items
            pop = pop_weights[event.type] * boost
            for item in items:
                popularity[item] = popularity.get(item, 0.0) + pop
            pair = pair_weights[event.type] * boost
            if not pair or len(items) < 2:
                continue
            for item in items:
                row = neighbours.get(item)
                if row is None:
                    row = neighbours[item] = {}
                for other in items:
                    if other != item:
                        row[other] = row.get(other, 0.0) + pair
                if len(row) > prune_at:
                    _keep_best(row, top)
        self.reference = reference
        self.latest = None if latest == -inf else latest

    def revalue(self, reference: float) -> None:
        """Value every score at `reference` instead (for storage, or to keep factors small)."""
        if self.reference is None:
            self.reference = reference
            return
        factor = decay_factor(reference - self.reference, self._half_life)
        for row in self.neighbours.values():  # in place: `add` holds references to these dicts
            kept = rescaled(row, factor)
            row.clear()
            row.update(kept)
        for item in self.popularity:
            self.popularity[item] *= factor
        self.reference = reference

    def compact(self) -> None:
        """Prune every neighbour row to its N best now (rows may hold up to 2N between prunes)."""
        for row in self.neighbours.values():
            if len(row) > self.top:
                _keep_best(row, self.top)

    def recommend(self, item: str, limit: int, at: float) -> list[tuple[str, float]]:
        """Best neighbours of `item` valued at time `at`; the most popular other items if it has none."""
        row = self.neighbours.get(item)
        scores = row if row else {other: score for other, score in self.popularity.items() if other != item}
        factor = self._factor_at(at)
        return [(other, score * factor) for other, score in ranked(scores, limit)]

    def popular(self, limit: int, at: float) -> list[tuple[str, float]]:
        """The `limit` most popular items valued at time `at`."""
        factor = self._factor_at(at)
        return [(item, score * factor) for item, score in ranked(self.popularity, limit)]

    def _factor_at(self, at: float) -> float:
        return 1.0 if self.reference is None else decay_factor(at - self.reference, self._half_life)


def _keep_best(row: dict[str, float], top: int) -> None:
    best = ranked(row, top)
    row.clear()
    row.update(best)
