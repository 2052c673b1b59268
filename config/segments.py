"""Network segments: which VPCs may talk over the transit hub. Dev and production never reach each other."""

from __future__ import annotations

from typing import Literal

Segment = Literal["dev", "prod", "shared"]
SEGMENTS: tuple[Segment, ...] = ("dev", "prod", "shared")
# Pairs of segments that must never route to each other, whatever else the config says.
ISOLATED: frozenset[frozenset[str]] = frozenset({frozenset({"dev", "prod"})})


def can_reach(source: str, target: str) -> bool:
    """A segment reaches itself and the shared services (build, network hub); shared reaches every segment."""
    if frozenset({source, target}) in ISOLATED:
        return False
    return source == target or "shared" in (source, target)
