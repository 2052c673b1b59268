"""Lambda handler for the Kinesis stream of shop events: aggregate each batch, merge it into DynamoDB.

Entry point: `curation.ingest.handler`, invoked by a Kinesis event source mapping with
`FunctionResponseTypes: ["ReportBatchItemFailures"]`.

Environment: `TABLE_NAME` (required), `MALFORMED_QUEUE_URL` (optional), and the tuning
variables of `settings`.

A batch is handled in three steps:

1. Parse every record (`events`). A malformed record is quarantined (`quarantine`) and skipped;
   it is not a failure. If the queue cannot take it, that record and all after it are failed.
2. Aggregate the good records in memory (`aggregate`): one delta per product touched.
3. Merge each product's delta into its record, in the order the batch first touched them,
   with optimistic locking (`store`); then merge the products' new popularity into the
   leaderboard. On a DynamoDB failure the writes stop, and the batch is failed from the
   first record that touched the product that failed (from the first good record when it
   is the leaderboard), since Kinesis checkpoints by sequence number.

The response is the partial batch response: `{"batchItemFailures": [{"itemIdentifier": seq}, ...]}`.
Delivery is at least once: when a retried range overlaps products already written, those
products count the overlap twice. It is bounded by the failed range and fades with decay.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .aggregate import Aggregator
from .events import Event, MalformedEventError, parse_record
from .quarantine import Quarantine
from .records import ProductDelta, ProductRecord, merge_leaderboard, merge_product
from .settings import Settings
from .store import UNREAD, ContentionError, CurationTable

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)

TRANSIENT = (BotoCoreError, ClientError, ContentionError)


@dataclass(frozen=True, slots=True)
class Ingest:
    """What the handler works with: the table, the quarantine and the tuning."""

    table: CurationTable
    quarantine: Quarantine
    settings: Settings


@functools.cache
def ingest_from_env() -> Ingest:
    """Built once per Lambda container from its environment."""
    config = Config(retries={"mode": "standard", "max_attempts": 3})
    queue_url = os.environ.get("MALFORMED_QUEUE_URL") or None
    return Ingest(
        table=CurationTable(boto3.client("dynamodb", config=config), os.environ["TABLE_NAME"]),
        quarantine=Quarantine(boto3.client("sqs", config=config) if queue_url else None, queue_url),
        settings=Settings.from_env(),
    )


def handler(event: Mapping[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    """Lambda entry point for a Kinesis batch; answers with the partial batch response."""
    records = event.get("Records", [])
    failed = ingest_batch(records, ingest_from_env(), time.time())
    if failed:
        logger.warning("failing %d of %d records from sequence number %s", len(failed), len(records), failed[0])
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in failed]}


def ingest_batch(records: Sequence[Mapping[str, Any]], ingest: Ingest, now: float) -> list[str]:
    """Process a batch; the sequence numbers to report as failed (a suffix of the batch)."""
    events, cut = _parse(records, ingest.quarantine, now)
    if events:
        failed_at = _merge(events, ingest)
        if failed_at is not None:
            cut = min(cut, failed_at)
    return [record["kinesis"]["sequenceNumber"] for record in records[cut:]]


def _parse(records: Sequence[Mapping[str, Any]], quarantine: Quarantine,
           now: float) -> tuple[list[tuple[int, Event]], int]:
    """The good events with their index in the batch, and the index processing stops at."""
    events: list[tuple[int, Event]] = []
    for index, record in enumerate(records):
        try:
            events.append((index, parse_record(record, now)))
        except MalformedEventError as error:
            if not quarantine.hold(record, str(error)):
                return events, index
    return events, len(records)


def _merge(events: list[tuple[int, Event]], ingest: Ingest) -> int | None:
    """Write the batch's aggregate; the index of the first record to fail, or None."""
    settings, table = ingest.settings, ingest.table
    first_seen: dict[str, int] = {}  # in order of first touch, which is the order of writing
    for index, event in events:
        for item in event.items:
            first_seen.setdefault(item, index)
    aggregate = Aggregator(settings)
    aggregate.add(event for _, event in events)
    aggregate.compact()
    if aggregate.latest is not None:
        aggregate.revalue(aggregate.latest)  # stored scores are then true scores at the newest event
    reference = aggregate.reference if aggregate.reference is not None else 0.0
    try:
        known: Mapping[str, ProductRecord | None] = table.products(first_seen)
    except TRANSIENT:
        logger.exception("could not read %d products from %s", len(first_seen), table.name)
        return events[0][0]
    written: list[ProductRecord] = []
    failed_at: int | None = None
    for item, index in first_seen.items():
        delta = ProductDelta(aggregate.popularity.get(item, 0.0), aggregate.neighbours.get(item, {}), reference)
        try:
            written.append(table.update_product(item, _product_change(item, delta, settings), known.get(item, UNREAD)))
        except TRANSIENT:
            logger.exception("could not update product %s; failing the batch from record %d", item, index)
            failed_at = index
            break
    if written and not _update_leaderboard(written, ingest):
        failed_at = events[0][0]
    return failed_at


def _update_leaderboard(written: list[ProductRecord], ingest: Ingest) -> bool:
    """Merge the written products' popularity into the leaderboard; False if that failed."""
    settings = ingest.settings
    try:
        ingest.table.update_leaderboard(
            lambda board: merge_leaderboard(board, written, settings.half_life_seconds, size=settings.popular_size))
    except TRANSIENT:
        logger.exception("could not update the leaderboard; failing the batch from its first good record")
        return False
    return True


def _product_change(item: str, delta: ProductDelta, settings: Settings) -> Callable[[ProductRecord | None], ProductRecord]:
    def change(stored: ProductRecord | None) -> ProductRecord:
        return merge_product(stored, item, delta, half_life=settings.half_life_seconds, top=settings.top_neighbours)
    return change
