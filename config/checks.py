"""Registry of cross-field checks: each runs once the sections it reads have validated on their own."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from config.errors import Problem

Sections = dict[str, Any]
CheckFn = Callable[[Sections], Iterable[Problem]]


@dataclass(frozen=True)
class Check:
    needs: tuple[str, ...]
    fn: CheckFn


CHECKS: list[Check] = []


def check(*needs: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check that reads the named sections; it is skipped when one of them is itself invalid."""

    def register(fn: CheckFn) -> CheckFn:
        CHECKS.append(Check(needs, fn))
        return fn

    return register


def run_checks(sections: Sections) -> list[Problem]:
    problems: list[Problem] = []
    for registered in CHECKS:
        if all(name in sections for name in registered.needs):
            problems.extend(registered.fn(sections))
    return problems
