"""The curation table in DynamoDB: reads, and writes made safe by optimistic locking.

A write is read-modify-write: read the record (consistently), compute the new one, and put
it on condition that `version` is still the one read (or that the record still does not
exist). When another writer got there first the condition fails, and the change is computed
again from a fresh read, a few times with jittered pauses. Errors other than a lost race
(throttling, a service error, access denied) are raised to the caller.
"""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from botocore.exceptions import ClientError

from . import codec
from .records import LEADERBOARD_KEY, Leaderboard, ProductRecord

BATCH_GET_LIMIT = 100  # keys per BatchGetItem call, as DynamoDB allows


class Versioned(Protocol):
    version: int


Record = TypeVar("Record", bound=Versioned)


class Unread(enum.Enum):
    """Marks a record the caller has not read yet (None means: read, and there is none)."""

    UNREAD = "unread"


UNREAD = Unread.UNREAD


class ContentionError(RuntimeError):
    """Other writers kept winning the race for one record."""


class CurationTable:
    """Typed access to the curation table through a low-level boto3 DynamoDB client."""

    def __init__(self, client: Any, name: str, attempts: int = 6, *, pause_seconds: float = 0.02) -> None:
        self.client = client
        self.name = name
        self.attempts = attempts
        self.pause_seconds = pause_seconds

    def product(self, item: str, consistent: bool = False) -> ProductRecord | None:
        attributes = self._get(item, consistent)
        return None if attributes is None else codec.product_from_attributes(attributes)

    def leaderboard(self, consistent: bool = False) -> Leaderboard | None:
        attributes = self._get(LEADERBOARD_KEY, consistent)
        return None if attributes is None else codec.leaderboard_from_attributes(attributes)

    def products(self, items: Iterable[str]) -> dict[str, ProductRecord | None]:
        """Consistent reads of many products; an item missing from the answer was not read (None: no record)."""
        found: dict[str, ProductRecord | None] = {}
        wanted = list(dict.fromkeys(items))
        for start in range(0, len(wanted), BATCH_GET_LIMIT):
            chunk = wanted[start:start + BATCH_GET_LIMIT]
            request: dict[str, Any] = {self.name: {"Keys": [codec.key(item) for item in chunk], "ConsistentRead": True}}
            for attempt in range(self.attempts):
                answer = self.client.batch_get_item(RequestItems=request)
                for attributes in answer.get("Responses", {}).get(self.name, []):
                    record = codec.product_from_attributes(attributes)
                    found[record.item] = record
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
                self._pause(attempt)
            unread = {key["item"]["S"] for key in request.get(self.name, {}).get("Keys", [])}
            found.update({item: None for item in chunk if item not in found and item not in unread})
        return found

    def update_product(self, item: str, change: Callable[[ProductRecord | None], ProductRecord],
                       known: ProductRecord | Unread | None = UNREAD) -> ProductRecord:
        """Apply `change` to the product's record; a `known` record spares the first read."""
        return self._update(item, lambda consistent: self.product(item, consistent), codec.product_to_attributes,
                            change=change, known=known)

    def update_leaderboard(self, change: Callable[[Leaderboard | None], Leaderboard]) -> Leaderboard:
        """Apply `change` to the leaderboard record."""
        return self._update(LEADERBOARD_KEY, self.leaderboard, codec.leaderboard_to_attributes, change=change, known=UNREAD)

    def _update(self, item: str, read: Callable[[bool], Record | None], encode: Callable[[Record], codec.Attributes],
                *, change: Callable[[Record | None], Record], known: Record | Unread | None) -> Record:
        current = read(True) if isinstance(known, Unread) else known
        for attempt in range(self.attempts):
            updated = change(current)
            if self._put_if_unchanged(encode(updated), current):
                return updated
            self._pause(attempt)
            current = read(True)
        raise ContentionError(f"record {item!r} changed under every one of {self.attempts} attempts to update it")

    def _put_if_unchanged(self, attributes: codec.Attributes, current: Versioned | None) -> bool:
        if current is None:
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(#item)",
                                         "ExpressionAttributeNames": {"#item": "item"}}
        else:
            condition = {"ConditionExpression": "#version = :version",
                         "ExpressionAttributeNames": {"#version": "version"},
                         "ExpressionAttributeValues": {":version": {"N": str(current.version)}}}
        try:
            self.client.put_item(TableName=self.name, Item=attributes, **condition)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _get(self, item: str, consistent: bool) -> codec.Attributes | None:
        answer = self.client.get_item(TableName=self.name, Key=codec.key(item), ConsistentRead=consistent)
        attributes: codec.Attributes | None = answer.get("Item")
        return attributes

    def _pause(self, attempt: int) -> None:
        # Full jitter: concurrent writers that collided do not collide again in step.
        time.sleep(random.uniform(0, self.pause_seconds * 2**attempt))  # noqa: S311 (jitter, not secrets)
