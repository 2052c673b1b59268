"""The curation records as DynamoDB attribute maps (low-level client format), and back.

Product record (partition key `item`, a string; no sort key):

    {"item": "sku-1", "version": 7, "reference": 1795773600.0, "halfLife": 604800,
     "popularity": 12.5, "neighbours": {"sku-2": 9.0, "sku-7": 3.25}, "asOf": "2026-11-27T10:00:00Z"}

Leaderboard record (`item` = `#popular`):

    {"item": "#popular", "version": 42, "reference": ..., "halfLife": ...,
     "standings": {"sku-1": {"score": 12.5, "version": 7}}, "asOf": ...}

`reference` is the time (epoch seconds) the scores are valued at, the newest event merged in;
`asOf` repeats it in RFC 3339 for people reading the table. Numbers are written in plain
decimal notation with every digit Python needs to read the same float back (at most 17
significant digits, DynamoDB keeps 38), so a stored score or reference time is exactly the
one computed; scores below `scores.NEGLIGIBLE` are never stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .records import LEADERBOARD_KEY, Leaderboard, ProductRecord, Standing

Attributes = dict[str, Any]


def number(value: float) -> dict[str, str]:
    """A DynamoDB number attribute in plain decimal notation that reads back as the same float."""
    return {"N": format(Decimal(repr(value)).normalize(), "f")}


def _stamp(reference: float) -> dict[str, str]:
    return {"S": datetime.fromtimestamp(reference, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def key(item: str) -> Attributes:
    """The primary key of the record for `item`."""
    return {"item": {"S": item}}


def product_to_attributes(record: ProductRecord) -> Attributes:
    return {
        "item": {"S": record.item},
        "version": {"N": str(record.version)},
        "reference": number(record.reference),
        "halfLife": number(record.half_life),
        "popularity": number(record.popularity),
        "neighbours": {"M": {other: number(score) for other, score in record.neighbours.items()}},
        "asOf": _stamp(record.reference),
    }


def product_from_attributes(attributes: Attributes) -> ProductRecord:
    return ProductRecord(
        item=attributes["item"]["S"],
        version=int(attributes["version"]["N"]),
        reference=float(attributes["reference"]["N"]),
        half_life=float(attributes["halfLife"]["N"]),
        popularity=float(attributes["popularity"]["N"]),
        neighbours={other: float(score["N"]) for other, score in attributes["neighbours"]["M"].items()},
    )


def leaderboard_to_attributes(board: Leaderboard) -> Attributes:
    standings = {item: {"M": {"score": number(s.score), "version": {"N": str(s.version)}}}
                 for item, s in board.standings.items()}
    return {
        "item": {"S": LEADERBOARD_KEY},
        "version": {"N": str(board.version)},
        "reference": number(board.reference),
        "halfLife": number(board.half_life),
        "standings": {"M": standings},
        "asOf": _stamp(board.reference),
    }


def leaderboard_from_attributes(attributes: Attributes) -> Leaderboard:
    standings = {item: Standing(float(s["M"]["score"]["N"]), int(s["M"]["version"]["N"]))
                 for item, s in attributes["standings"]["M"].items()}
    return Leaderboard(
        version=int(attributes["version"]["N"]),
        reference=float(attributes["reference"]["N"]),
        half_life=float(attributes["halfLife"]["N"]),
        standings=standings,
    )
