"""`make bench`: every benchmark in one run, each printing its figures beside its goal."""

from __future__ import annotations

import importlib

from bench import preview_bench

# Benchmarks of the Lambda functions live beside this one when their code exists.
OPTIONAL = ("bench.notifier", "bench.curation")

if __name__ == "__main__":
    preview_bench.main()
    for name in OPTIONAL:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        print()
        module.main()
