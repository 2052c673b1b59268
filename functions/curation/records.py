"""What the curation table stores per product and for the leaderboard, and how a batch merges in.

Pure: no AWS. Every record values its scores at its own `reference` time and carries the
half-life they decay with, so a reader needs no settings to decay them to now. `version`
counts successful writes (0: not stored yet) and guards the optimistic-locking write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .scores import NEGLIGIBLE, decay_factor, ranked, rescaled

# Partition key of the leaderboard record; `#` cannot start an item id, so it never collides.
LEADERBOARD_KEY = "#popular"


@dataclass(slots=True)
class ProductRecord:
    """One product: its best neighbours and its popularity, valued at `reference`."""

    item: str
    reference: float
    half_life: float
    popularity: float = 0.0
    neighbours: dict[str, float] = field(default_factory=dict)
    version: int = 0

    def decayed(self, at: float) -> float:
        """What one unit of this record's scores is worth at time `at`."""
        return decay_factor(at - self.reference, self.half_life)


@dataclass(slots=True)
class Standing:
    """A product's popularity on the leaderboard and the product record version it came from."""

    score: float
    version: int


@dataclass(slots=True)
class Leaderboard:
    """The K most popular products, valued at `reference`; the fallback for unknown items."""

    reference: float
    half_life: float
    standings: dict[str, Standing] = field(default_factory=dict)
    version: int = 0

    def decayed(self, at: float) -> float:
        """What one unit of this leaderboard's scores is worth at time `at`."""
        return decay_factor(at - self.reference, self.half_life)


@dataclass(frozen=True, slots=True)
class ProductDelta:
    """What one batch adds to a product, valued at the batch's `reference` time."""

    popularity: float
    neighbours: Mapping[str, float]
    reference: float


def merge_product(stored: ProductRecord | None, item: str, delta: ProductDelta, *, half_life: float,
                  top: int) -> ProductRecord:
    """The record after adding `delta`: both valued at the later reference, then the `top` best kept."""
    if stored is None:
        stored = ProductRecord(item=item, reference=delta.reference, half_life=half_life)
    reference = max(stored.reference, delta.reference)
    old = decay_factor(reference - stored.reference, stored.half_life)
    new = decay_factor(reference - delta.reference, half_life)
    scores = rescaled(stored.neighbours, old)
    for other, score in delta.neighbours.items():
        scores[other] = scores.get(other, 0.0) + score * new
    popularity = stored.popularity * old + delta.popularity * new
    return ProductRecord(
        item=item,
        reference=reference,
        half_life=half_life,
        popularity=popularity if popularity >= NEGLIGIBLE else 0.0,
        neighbours=dict(ranked(scores, top)),
        version=stored.version + 1,
    )


def merge_leaderboard(stored: Leaderboard | None, products: Iterable[ProductRecord], half_life: float,
                      *, size: int) -> Leaderboard:
    """The leaderboard after taking in the products' current popularity, keeping the `size` best.

    Products carry absolute popularity, not increments, and a standing is only replaced by one
    from a newer product version: two batches writing in either order end in the same board.
    """
    products = list(products)
    references = [p.reference for p in products] + ([stored.reference] if stored else [])
    reference = max(references, default=0.0)
    standings: dict[str, Standing] = {}
    if stored is not None:
        factor = decay_factor(reference - stored.reference, stored.half_life)
        standings = {item: Standing(s.score * factor, s.version) for item, s in stored.standings.items()}
    for product in products:
        current = standings.get(product.item)
        if current is None or product.version > current.version:
            score = product.popularity * product.decayed(reference)
            standings[product.item] = Standing(score, product.version)
    best = ranked(((item, s.score) for item, s in standings.items() if s.score >= NEGLIGIBLE), size)
    return Leaderboard(
        reference=reference,
        half_life=half_life,
        standings={item: standings[item] for item, _ in best},
        version=(stored.version if stored else 0) + 1,
    )
