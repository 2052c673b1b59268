"""Benchmark of the curation aggregation: events per second on one core, and bounded memory.

    python -m bench.curation [--events 200000] [--items 5000] [--top 20] [--repeat 3]

The synthetic stream is shaped like a shop's: item popularity follows a Zipf law, items sit
in small families (a tent, its pegs, its footprint) that are mostly bought and carted
together, most events are clicks, and each event names 2-4 items with timestamps spread over
a week, slightly out of order. Timing covers `Aggregator.add` only (events already parsed);
parsing is timed separately for the record, as the ingest handler pays for it too.
Exit status 0 when the target rate is met and no neighbour row outgrew its bound, else 1.
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime

from bench.goals import Figure
from functions.curation.aggregate import Aggregator
from functions.curation.events import Event, EventType, parse_record
from functions.curation.settings import Settings

TARGET_EVENTS_PER_SECOND = 50_000
FAMILY_SIZE = 8
START = datetime(2026, 11, 20, tzinfo=UTC).timestamp()
WEEK = 7 * 24 * 3600.0
TYPES: tuple[EventType, ...] = ("click", "cart", "purchase")
TYPE_WEIGHTS = (60, 30, 10)


def synthetic_stream(events: int, items: int, seed: int = 7, *, zipf: float = 1.1) -> list[Event]:
    """A week of shop events over `items` products, reproducible from `seed`."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible synthetic stream, not secrets)
    catalogue = [f"sku-{n:05d}" for n in range(items)]
    ranks = list(range(items))
    rng.shuffle(ranks)  # popularity rank independent of family, as in a real catalogue
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) ** zipf for rank in ranks))
    stream: list[Event] = []
    for n in range(events):
        size = rng.choice((2, 2, 3, 3, 4))
        anchor = rng.choices(range(items), cum_weights=cumulative)[0]
        family = anchor - anchor % FAMILY_SIZE
        chosen = {anchor}
        while len(chosen) < size:
            if rng.random() < 0.7:  # mostly the anchor's own family, else anything popular
                chosen.add(min(family + rng.randrange(FAMILY_SIZE), items - 1))
            else:
                chosen.add(rng.choices(range(items), cum_weights=cumulative)[0])
        at = START + WEEK * n / events + rng.uniform(-60.0, 0.0)
        kind = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        stream.append(Event(kind, f"s-{n // 5}", f"u-{n // 20}", tuple(catalogue[i] for i in chosen), at))
    return stream


def events_per_second(stream: Sequence[Event], settings: Settings, repeat: int) -> list[float]:
    """Aggregation rate of each of `repeat` runs over the whole stream, each into a fresh aggregate."""
    rates = []
    for _ in range(repeat):
        aggregator = Aggregator(settings)
        began = time.perf_counter()
        aggregator.add(stream)
        rates.append(len(stream) / (time.perf_counter() - began))
    return rates


def memory_profile(stream: Sequence[Event], settings: Settings, chunk: int = 10_000) -> dict[str, int]:
    """Memory held by the aggregate at half and full stream, its peak, and the longest neighbour row seen
    between chunks of `chunk` events."""
    half = len(stream) // 2
    aggregator = Aggregator(settings)
    longest = at_half = 0
    tracemalloc.start()
    try:
        for start in range(0, len(stream), chunk):
            aggregator.add(stream[start:start + chunk])
            longest = max(longest, *(len(row) for row in aggregator.neighbours.values()))
            if start < half <= start + chunk:
                at_half, _ = tracemalloc.get_traced_memory()
        at_end, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    entries = sum(len(row) for row in aggregator.neighbours.values())
    aggregator.compact()
    return {
        "bytes_at_half": at_half,
        "bytes_at_end": at_end,
        "peak_bytes": peak,
        "items": len(aggregator.neighbours),
        "entries": entries,
        "longest_row": longest,
        "longest_row_compacted": max(len(row) for row in aggregator.neighbours.values()),
    }


def parse_rate(stream: Sequence[Event], count: int) -> float:
    """Records per second through `parse_record`: base64, JSON and validation, as the handler does."""
    records = []
    for event in stream[:count]:
        body = {"type": event.type, "session": event.session, "user": event.user, "items": list(event.items),
                "at": datetime.fromtimestamp(event.at, UTC).isoformat().replace("+00:00", "Z")}
        records.append({"kinesis": {"data": base64.b64encode(json.dumps(body).encode()).decode()}})
    now = START + 2 * WEEK
    began = time.perf_counter()
    for record in records:
        parse_record(record, now)
    return len(records) / (time.perf_counter() - began)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures; 0 when every goal is met, else 1."""
    return 0 if all(figure.met for figure in figures(argv)) else 1


def figures(argv: Sequence[str] | None = None) -> list[Figure]:
    """Measure and print; return the goals' figures (the rate, and the neighbour rows within their bound)."""
    parser = argparse.ArgumentParser(prog="python -m bench.curation", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--top", type=int, default=20, help="neighbours kept per item (N)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    settings = Settings(top_neighbours=args.top)

    began = time.perf_counter()
    stream = synthetic_stream(args.events, args.items, args.seed)
    made = time.perf_counter() - began
    rates = events_per_second(stream, settings, args.repeat)
    memory = memory_profile(stream, settings)
    parsed = parse_rate(stream, min(len(stream), 50_000))

    best, median = max(rates), statistics.median(rates)
    bound = 2 * args.top
    per_item = memory["bytes_at_end"] / max(memory["items"], 1)
    fast = median >= TARGET_EVENTS_PER_SECOND
    mib = 1024 * 1024
    print(f"curation aggregation: {len(stream):,} events over {args.items:,} items (Zipf 1.1, families of "
          f"{FAMILY_SIZE}), N={args.top}, one core; stream made in {made:.1f} s")
    print(f"  {'figure':44} {'measured':>16}   target")
    print(f"  {'events/s, median of ' + str(args.repeat):44} {median:16,.0f}   >= {TARGET_EVENTS_PER_SECOND:,}  "
          f"{'met' if fast else 'NOT MET'}")
    print(f"  {'events/s, best':44} {best:16,.0f}")
    print(f"  {'records/s parsed (base64, JSON, validation)':44} {parsed:16,.0f}   (ingest handler path)")
    print(f"  {'longest neighbour row (sampled per 10k)':44} {memory['longest_row']:16,}   <= 2N = {bound}  "
          f"{'met' if memory['longest_row'] <= bound else 'NOT MET'}")
    print(f"  {'longest neighbour row after compaction':44} {memory['longest_row_compacted']:16,}   <= N = {args.top}")
    print(f"  {'items with neighbours':44} {memory['items']:16,}")
    print(f"  {'neighbour entries':44} {memory['entries']:16,}   <= items x 2N = {memory['items'] * bound:,}")
    print(f"  {'aggregate memory at half the stream (MiB)':44} {memory['bytes_at_half'] / mib:16.1f}")
    print(f"  {'aggregate memory at the end (MiB)':44} {memory['bytes_at_end'] / mib:16.1f}   "
          f"({per_item:,.0f} bytes per item)")
    print(f"  {'peak traced memory (MiB)':44} {memory['peak_bytes'] / mib:16.1f}")
    return [Figure("curation aggregation, events/s (median)", median, "events/s", ">=", TARGET_EVENTS_PER_SECOND),
            Figure("curation: longest neighbour row", memory["longest_row"], "entries", "<=", bound),
            Figure("curation: longest row after compaction", memory["longest_row_compacted"], "entries", "<=",
                   args.top)]


if __name__ == "__main__":
    raise SystemExit(main())
