"""Which kinds of service are switched on, per account: each config section registers how its config says so.

Alarm thresholds may only be configured for a kind that is switched on somewhere (monitoring checks this), so a
threshold left behind for a service that was turned off is an error, not a silent no-op. A section registers:

    @switched_on("aurora", "data")
    def _aurora(sections: Sections, account: str) -> bool:
        return account in sections["data"].clusters
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from config.base import Sections

SwitchFn = Callable[[Sections, str], bool]


@dataclass(frozen=True)
class Switch:
    needs: tuple[str, ...]
    fn: SwitchFn


SWITCHES: dict[str, Switch] = {}


def switched_on(kind: str, *needs: str) -> Callable[[SwitchFn], SwitchFn]:
    """Register how to tell from the named sections whether `kind` runs in an account (a later one replaces it)."""

    def register(fn: SwitchFn) -> SwitchFn:
        SWITCHES[kind] = Switch(needs, fn)
        return fn

    return register


def is_on(kind: str, sections: Sections, accounts: Iterable[str]) -> bool | None:
    """True when `kind` runs in any of `accounts`; None when a section it depends on is itself invalid."""
    switch = SWITCHES.get(kind)
    if switch is None:
        return False
    if not all(name in sections for name in switch.needs):
        return None
    return any(switch.fn(sections, account) for account in accounts)
