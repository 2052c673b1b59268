"""Tuning of the curation service, read once per Lambda container from its environment.

Every setting has a default that suits the shop; the environment only overrides it.

| variable          | default | meaning                                                          |
| ----------------- | ------- | ---------------------------------------------------------------- |
| `PURCHASE_WEIGHT` | 3.0     | co-occurrence and popularity added per pair bought together      |
| `CART_WEIGHT`     | 1.0     | the same for items carted together                               |
| `CLICK_WEIGHT`    | 0.2     | popularity added per click (clicks never make neighbours)        |
| `HALF_LIFE_HOURS` | 168     | time after which a score counts half (one week)                  |
| `TOP_NEIGHBOURS`  | 20      | neighbours kept per item (N): memory and storage are items x N   |
| `POPULAR_SIZE`    | 100     | items kept on the popularity leaderboard (K) for the fallback    |
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class Settings:
    """Weights per event type, the half-life of every score, and how many scores are kept."""

    purchase_weight: float = 3.0
    cart_weight: float = 1.0
    click_weight: float = 0.2
    half_life_seconds: float = 168 * HOUR
    top_neighbours: int = 20
    popular_size: int = 100

    def __post_init__(self) -> None:
        for name in ("purchase_weight", "cart_weight", "click_weight", "half_life_seconds"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive finite number, got {value!r}")
        for name in ("top_neighbours", "popular_size"):
            value = getattr(self, name)
            if not 1 <= value <= 1000:
                raise ValueError(f"{name} must be between 1 and 1000, got {value!r}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """The defaults, overridden by whichever variables of the table above are set."""
        defaults = cls()
        return cls(
            purchase_weight=_number(env, "PURCHASE_WEIGHT", defaults.purchase_weight),
            cart_weight=_number(env, "CART_WEIGHT", defaults.cart_weight),
            click_weight=_number(env, "CLICK_WEIGHT", defaults.click_weight),
            half_life_seconds=_number(env, "HALF_LIFE_HOURS", defaults.half_life_seconds / HOUR) * HOUR,
            top_neighbours=_whole(env, "TOP_NEIGHBOURS", defaults.top_neighbours),
            popular_size=_whole(env, "POPULAR_SIZE", defaults.popular_size),
        )


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"environment variable {name} must be a positive number, got {raw!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"environment variable {name} must be a positive number, got {raw!r}")
    return value


def _whole(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 1000:
        raise ValueError(f"environment variable {name} must be a whole number from 1 to 1000, got {raw!r}")
    return int(raw)
