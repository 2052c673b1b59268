"""Wall time and peak memory of the offline preview for dev, prod and a generated 100-account organization,
beside the bare SDK registering as many plain resources under the same mocks."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench import report_bench
from bench.cases import many_accounts_stack_file
from bench.measure import measure
from tests.stackfiles import ROOT

REPEATS = 3  # for the two stacks; the 100-account cases run once each (a minute or more apiece)


def main() -> None:
    python = sys.executable
    print("Offline preview (fresh interpreter each run, best of 3 for the stacks, 1 for the 100-account cases;")
    print("peak = max RSS of that process; bare SDK = as many plain resources registered under the same mocks)")
    print(f"{'case':<22}{'resources':>10}{'preview s':>11}{'peak MiB':>10}{'bare SDK s':>12}{'bare MiB':>10}"
          f"{'ratio':>8}")
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        cases = {"dev": (ROOT / "Pulumi.dev.yaml", REPEATS), "prod": (ROOT / "Pulumi.prod.yaml", REPEATS),
                 "100 accounts, no VPCs": (many_accounts_stack_file(directory, with_vpcs=False), 1),
                 "100 accounts, 100 VPCs": (many_accounts_stack_file(directory), 1)}
        previewed: dict[str, report_bench.Previewed] = {}
        for number, (label, (path, repeats)) in enumerate(cases.items()):
            inventory = directory / f"inventory-{number}.json"
            stack = "prod" if label == "prod" else "dev"
            preview = measure([python, "-m", "preview", stack, "--stack-file", str(path), "--json", str(inventory)],
                               repeats)
            count = sum(1 for r in json.loads(inventory.read_text())["resources"])
            bare = measure([python, "-m", "bench.bare", str(count)], repeats)
            print(f"{label:<22}{count:>10}{preview.seconds:>11.2f}{preview.peak_mib:>10.0f}"
                  f"{bare.seconds:>12.2f}{bare.peak_mib:>10.0f}{preview.seconds / bare.seconds:>8.2f}")
            previewed[label] = report_bench.Previewed(stack, path, inventory, preview)
        print("Goals: ratio <= 1.5 (program overhead over the bare SDK), 100-account preview < 30 s on 2 cores.")
        print()
        report_bench.main(previewed, REPEATS)
