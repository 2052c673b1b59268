"""Whole-program runs made once per test session and shared by every pytest-xdist worker.

A run costs seconds; its result is plain data. The first worker to ask for a run makes it and leaves it pickled in
the session's shared temporary directory; a worker that asks later (or while it is being made) loads that file.
This follows pytest-xdist's documented way to run a session fixture once ("Making session-scoped fixtures execute
only once", with `filelock`).
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from preview.run import Run, run
from tests.variants import Variant


def shared_run(directory: Path | None, key: str, make: Callable[[], Run]) -> Run:
    """The run `make()` returns, made once for all workers that share `directory` (None: not shared, just made).

    `key` names the run; it must differ for runs that differ (a stack file's text, say).
    """
    if directory is None:
        return make()
    target = directory / f"run-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pickle"
    with FileLock(f"{target}.lock"):
        if target.exists():
            collecting = gc.isenabled()
            gc.disable()  # a run unpickles into a million objects; collecting meanwhile would take 50 times as long
            try:
                return pickle.loads(target.read_bytes())  # written by this session's own workers
            finally:
                if collecting:
                    gc.enable()
        result = make()
        partial = target.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(target)
        return result


def shared_variant_run(directory: Path | None, scratch: Path, variant: Variant) -> Run:
    """The whole program on `variant` (its stack file written under `scratch`), made once for all workers."""
    path = variant.write(scratch, "variant")
    key = f"{variant.base}\n{path.read_text()}\n{sorted(variant.overrides.items())}"
    return shared_run(directory, key, lambda: run(variant.base, stack_file=path, overrides=variant.overrides))
