"""Small readers of registered values the tests share, standard library only (the functions' tests import it too)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any


def strings(value: Any) -> Iterator[str]:
    """Every string inside `value`, however deeply nested in mappings and sequences."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, Sequence):
        for item in value:
            yield from strings(item)


def customer_key(reference: object) -> str | None:
    """`reference` when it is a customer managed key's ARN (what a grant must name); None for AWS managed keys and
    empty references, which need no grant."""
    text = str(reference or "")
    return text if text.startswith("arn:aws:kms:") else None
