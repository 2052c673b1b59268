"""Decayed scores: how a score fades with time, and the one order every reader ranks them in.

A score is always stored together with the reference time it is valued at. Worth `s` at
time `t0`, it is worth `s * 2 ** (-(t - t0) / half_life)` at time `t`. Scores valued at the
same reference time can be compared and added as they are.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from math import exp2

# A score this small is noise; dropping it keeps records small and DynamoDB numbers in range.
NEGLIGIBLE = 1e-9


def decay_factor(elapsed_seconds: float, half_life_seconds: float) -> float:
    """What one unit of score is worth `elapsed_seconds` later (more than 1 for negative time)."""
    return exp2(-elapsed_seconds / half_life_seconds)


def _rank(entry: tuple[str, float]) -> tuple[float, str]:
    return (-entry[1], entry[0])


def ranked(scores: Mapping[str, float] | Iterable[tuple[str, float]], limit: int | None = None) -> list[tuple[str, float]]:
    """Highest score first; equal scores by item id, so every reader sees the same order."""
    entries = scores.items() if isinstance(scores, Mapping) else scores
    if limit is None:
        return sorted(entries, key=_rank)
    return heapq.nsmallest(limit, entries, key=_rank)


def rescaled(scores: Mapping[str, float], factor: float) -> dict[str, float]:
    """Every score multiplied by `factor`, without the ones that became negligible."""
    return {item: score * factor for item, score in scores.items() if score * factor >= NEGLIGIBLE}
