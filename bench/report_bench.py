"""What the report (`--html`: diagram and page) adds to the preview: prod previewed with and without it, runs
alternating so both see the same machine, and the report of the 100-account inventory written on its own beside
that preview's time. Goal: at most 20% more. CPU seconds decide: wall time swings with other work on the machine."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.goals import Figure
from bench.measure import Measure, measure
from bench.preview_bench import HUNDRED, Case
from preview import report

GOAL = 0.20


def main(cases: dict[str, Case], repeats: int) -> list[Figure]:
    """Print the table; return the goal's figure (prod's added CPU, in percent)."""
    python = sys.executable
    print("Report (--html: the diagram and the page) on top of the preview; fresh interpreter each run,")
    print("best of each; CPU = user + system seconds of the process")
    print(f"{'case':<36}{'without s':>10}{'with s':>8}{'CPU without':>13}{'CPU with':>10}{'added':>7}{'page KiB':>10}")
    prod = cases["prod"]
    page = prod.inventory.with_suffix(".html")
    plain = [python, "-m", "preview", prod.stack, "--stack-file", str(prod.stack_file), "--json", str(prod.inventory)]
    without: list[Measure] = []
    with_report: list[Measure] = []
    for _ in range(repeats):
        without.append(measure(plain, 1))
        with_report.append(measure([*plain, "--html", str(page)], 1))
    added = _row("prod: --json, then --json --html", _best(without), _best(with_report), page=page)
    hundred = cases[HUNDRED]
    page = hundred.inventory.with_suffix(".html")
    alone = measure([python, "-m", "preview.report", str(hundred.inventory), str(page)], 1)
    # Alone, the report also starts an interpreter and parses the JSON the preview holds in memory: an upper bound.
    _row(f"{HUNDRED}: preview, + report", hundred.preview,
         Measure(hundred.preview.seconds + alone.seconds, alone.peak_mib,
                 hundred.preview.cpu_seconds + alone.cpu_seconds), page=page)
    print("The page alone, in this process (CPU seconds, best of 3; what --html adds once the inventory is built):")
    for label in ("prod", HUNDRED):
        document = json.loads(cases[label].inventory.read_text())
        seconds = min(_cpu(document) for _ in range(3))
        print(f"  {label:<34}{seconds:>8.3f} s = {seconds / cases[label].preview.cpu_seconds:.1%} of its preview")
    return [Figure("report added to the prod preview (CPU)", 100 * added, "%", "<=", 100 * GOAL)]


def _cpu(document: dict[str, object]) -> float:
    start = time.process_time()
    report.page(document)
    return time.process_time() - start


def _best(measures: list[Measure]) -> Measure:
    return Measure(min(m.seconds for m in measures), max(m.peak_mib for m in measures),
                   min(m.cpu_seconds for m in measures))


def _row(label: str, without: Measure, with_report: Measure, *, page: Path) -> float:
    added = (with_report.cpu_seconds - without.cpu_seconds) / without.cpu_seconds
    print(f"{label:<36}{without.seconds:>10.2f}{with_report.seconds:>8.2f}{without.cpu_seconds:>13.2f}"
          f"{with_report.cpu_seconds:>10.2f}{added:>7.0%}{page.stat().st_size / 1024:>10.0f}")
    return added
