"""Wall time, CPU time and peak memory of a command run in a fresh process."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass

from tests.stackfiles import ROOT


@dataclass
class Measure:
    seconds: float
    peak_mib: float
    cpu_seconds: float = 0.0  # user + system: steadier than wall time on a machine others share
    output: str = ""  # what the process printed


def measure(argv: list[str], repeats: int) -> Measure:
    """Best of `repeats` runs of a fresh interpreter (by wall seconds), with its CPU seconds and its own peak RSS.

    Exit status 0 and 1 (the preview's policy verdict) count as runs; anything else raises SystemExit.
    """
    best: Measure | None = None
    for _ in range(repeats):
        with tempfile.TemporaryFile() as printed:
            start = time.perf_counter()
            process = subprocess.Popen(argv, cwd=ROOT, stdout=printed, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - start
            if os.waitstatus_to_exitcode(status) not in (0, 1):
                raise SystemExit(f"{' '.join(argv)} failed: {process.stderr.read().decode() if process.stderr else ''}")
            printed.seek(0)
            result = Measure(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime,
                             printed.read().decode())
        if best is None or result.seconds < best.seconds:
            best = result
    assert best is not None
    return best
