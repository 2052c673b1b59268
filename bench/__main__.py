"""`make bench`: every benchmark in one run, then every figure beside its goal with a verdict.

Exit status 0 when every goal is met, 1 when any is not. Takes about four minutes on the project's 2-core machines.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench import curation, notifier, preview_bench, report_bench
from bench.goals import verdict


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        cases, figures = preview_bench.main(Path(scratch))
        print()
        figures += report_bench.main(cases, preview_bench.REPEATS)
    print()
    figures += notifier.figures()
    print()
    figures += curation.figures([])
    print()
    print("\n".join(verdict(figures)))
    print(f"make bench took {time.perf_counter() - started:.0f} s")
    return 0 if all(figure.met for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
