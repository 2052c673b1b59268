"""Alarm thresholds as written in the stack file: a number with its unit (`80%`, `512 MiB`, `30 s`, `degraded`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

# What a threshold measures; the catalogue says which measure each metric takes.
Measure = Literal["percent", "bytes", "duration", "count", "health"]

# unit as written -> (measure, factor to the measure's base unit: percent, bytes, seconds, count)
UNITS: dict[str, tuple[Measure, float]] = {
    "%": ("percent", 1.0),
    "B": ("bytes", 1.0),
    "KB": ("bytes", 1e3),
    "MB": ("bytes", 1e6),
    "GB": ("bytes", 1e9),
    "KiB": ("bytes", 2.0**10),
    "MiB": ("bytes", 2.0**20),
    "GiB": ("bytes", 2.0**30),
    "ms": ("duration", 0.001),
    "s": ("duration", 1.0),
    "min": ("duration", 60.0),
    "h": ("duration", 3600.0),
    "": ("count", 1.0),
}

# Elastic Beanstalk enhanced health as the EnvironmentHealth metric reports it (0 ok .. 25 severe).
HEALTH_LEVELS: dict[str, float] = {"warning": 15.0, "degraded": 20.0, "severe": 25.0}

_QUANTITY = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*([A-Za-z%]*)\s*$")

EXAMPLES = "write it like `80%`, `512 MiB`, `30 s`, `500 ms`, `10` (a count) or `degraded` (a health level)"


@dataclass(frozen=True)
class Quantity:
    """A threshold with its unit; `base` is the value in the measure's base unit (percent, bytes, seconds, count)."""

    value: float
    unit: str
    text: str

    @property
    def measure(self) -> Measure:
        if self.unit == "health":
            return "health"
        return UNITS[self.unit][0]

    @property
    def base(self) -> float:
        if self.unit == "health":
            return self.value
        return self.value * UNITS[self.unit][1]


def parse_quantity(raw: Any) -> Quantity:
    """`"80%"` -> Quantity(80, "%"); a bare number is a count; a health level name is a health threshold."""
    if isinstance(raw, Quantity):
        return raw
    if isinstance(raw, bool):
        raise ValueError(f"`{raw}` is not a threshold; {EXAMPLES}")
    if isinstance(raw, (int, float)):
        quantity = Quantity(float(raw), "", str(raw))
    elif isinstance(raw, str):
        if raw.strip().lower() in HEALTH_LEVELS:
            level = raw.strip().lower()
            return Quantity(HEALTH_LEVELS[level], "health", level)
        match = _QUANTITY.match(raw)
        if not match:
            raise ValueError(f"`{raw}` is not a threshold; {EXAMPLES}")
        number, unit = match.groups()
        if unit not in UNITS:
            raise ValueError(f"`{raw}`: unknown unit `{unit}`; use one of {[u for u in UNITS if u]} or none for a count")
        quantity = Quantity(float(number), unit, raw.strip())
    else:
        raise ValueError(f"`{raw!r}` is not a threshold; {EXAMPLES}")
    if quantity.value < 0:
        raise ValueError(f"`{quantity.text}` is negative; a threshold is a size, a share or a count, never below 0")
    return quantity


Threshold = Annotated[
    Quantity,
    BeforeValidator(parse_quantity),
    PlainSerializer(lambda quantity: quantity.text, return_type=str),
    WithJsonSchema({
        "anyOf": [
            {"type": "number", "minimum": 0},
            {"type": "string", "pattern": r"^\s*\+?\d+(\.\d+)?\s*(%|B|KB|MB|GB|KiB|MiB|GiB|ms|s|min|h)?\s*$"},
            {"type": "string", "enum": sorted(HEALTH_LEVELS)},
        ],
        "description": f"An alarm threshold with its unit; {EXAMPLES}.",
    }),
]
