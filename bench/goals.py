"""A benchmark's figure beside its goal, with the verdict `make bench` prints and exits by."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure and its goal: `measured` compared with `limit` by `relation` ("<", "<=" or ">=")."""

    what: str
    measured: float
    unit: str
    relation: str
    limit: float

    @property
    def met(self) -> bool:
        return _RELATIONS[self.relation](self.measured, self.limit)

    def line(self) -> str:
        goal = f"{self.relation} {_number(self.limit)} {self.unit}"
        return (f"  {self.what:<46} {_number(self.measured):>10} {self.unit:<9} goal {goal:<20} "
                f"{'met' if self.met else 'NOT MET'}")


_RELATIONS: dict[str, Callable[[float, float], bool]] = {"<": operator.lt, "<=": operator.le, ">=": operator.ge}


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.2f}".rstrip("0").rstrip(".")


def verdict(figures: Sequence[Figure]) -> list[str]:
    """Every figure beside its goal, then the count of goals not met."""
    missed = [f for f in figures if not f.met]
    return ["Goals:", *(f.line() for f in figures),
            f"{len(figures) - len(missed)} of {len(figures)} goals met" + (f"; NOT MET: {', '.join(f.what for f in missed)}"
                                                                        if missed else "")]
