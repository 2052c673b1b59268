"""The offline preview's cost beside its floor: the bare SDK replaying the same registrations (bench/replay.py).

Cases: the repository's dev and prod stacks, and the tests' dev stack grown to 100 accounts with a VPC each. Each
preview is a fresh interpreter (`python -m preview STACK --stack-file FILE --json FILE`); its inventory is then
replayed, preview and replay alternating so both see the same machine. Preview seconds are the whole process's
wall time; replay seconds are what the replay prints (its own clock, as the team has always measured it).

The preview runs with Python's cyclic collector off (its objects live until it exits); the replay, as its method
has it, with the collector on. So the replay is also run with the collector off, for the record: the ratio to that
is the program's own overhead, the collector's share aside.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.cases import many_accounts_stack_file
from bench.goals import Figure
from bench.measure import Measure, measure
from preview.counting import ResourceCount
from tests.stackfiles import ROOT

REPEATS = 3  # for the two stacks; the 100-account case runs once (about a minute, preview and replay together)
RATIO_GOAL = 1.5  # the preview at most 1.5 times its floor
PROD_GOAL_SECONDS = 5.0
HUNDRED_GOAL_SECONDS = 30.0
HUNDRED = "100 accounts"


@dataclass
class Case:
    """One stack file previewed: the inventory it wrote, the preview's best run and the replay's best."""

    stack: str
    stack_file: Path
    inventory: Path
    preview: Measure
    replay_seconds: float  # as the replay prints it
    replay: Measure  # the replay's whole process
    replay_without_collector: float  # printed seconds, the replay run with gc.disable() first
    count: ResourceCount

    @property
    def ratio(self) -> float:
        return self.preview.seconds / self.replay_seconds


def preview_case(stack: str, stack_file: Path, inventory: Path, *, repeats: int) -> Case:
    """Best of `repeats` previews and, alternating with them, best of as many replays of the inventory."""
    previews: list[Measure] = []
    replays: list[Measure] = []
    uncollected: list[Measure] = []
    replay = str(ROOT / "bench" / "replay.py")
    for _ in range(repeats):
        previews.append(measure([sys.executable, "-m", "preview", stack, "--stack-file", str(stack_file),
                                 "--json", str(inventory)], 1))
        replays.append(measure([sys.executable, replay, str(inventory)], 1))
        uncollected.append(measure([sys.executable, "-c", _WITHOUT_COLLECTOR, replay, str(inventory)], 1))
    best_replay = min(replays, key=_printed_seconds)
    count = ResourceCount.of_inventory(json.loads(inventory.read_text()))
    return Case(stack, stack_file, inventory, min(previews, key=lambda m: m.seconds), _printed_seconds(best_replay),
                best_replay, min(map(_printed_seconds, uncollected)), count)


# The replay as it is, run after switching the collector off (argv: the replay's path, then its arguments).
_WITHOUT_COLLECTOR = ("import gc, runpy, sys; gc.disable(); sys.argv = sys.argv[1:]; "
                      "runpy.run_path(sys.argv[0], run_name='__main__')")


def _printed_seconds(replay: Measure) -> float:
    return float(replay.output.strip().splitlines()[-1])


def main(scratch: Path) -> tuple[dict[str, Case], list[Figure]]:
    """Run the cases, print their table; return them (the report benchmark reuses them) with the goals' figures."""
    print("Offline preview beside the bare SDK replaying its registrations (bench/replay.py); best of 3 for the")
    print("stacks, 1 for 100 accounts; resources as the preview counts them (as pulumi preview does: cloud resources,")
    print("providers and components; the replay registers the cloud resources alone);")
    print("peak = max RSS of the process; CPU = user + system seconds")
    print(f"{'case':<14}{'resources':>10}{'cloud':>7}{'preview s':>10}{'CPU s':>7}{'peak MiB':>9}"
          f"{'replay s':>9}{'(whole)':>8}{'peak MiB':>9}{'ratio':>7}{'no-GC replay s':>15}{'ratio':>7}")
    plan = {"dev": ("dev", ROOT / "Pulumi.dev.yaml", REPEATS), "prod": ("prod", ROOT / "Pulumi.prod.yaml", REPEATS),
            HUNDRED: ("dev", many_accounts_stack_file(scratch), 1)}
    cases: dict[str, Case] = {}
    for label, (stack, stack_file, repeats) in plan.items():
        case = preview_case(stack, stack_file, scratch / f"{label.replace(' ', '-')}.json", repeats=repeats)
        cases[label] = case
        print(f"{label:<14}{case.count.total:>10}{case.count.cloud:>7}{case.preview.seconds:>10.2f}"
              f"{case.preview.cpu_seconds:>7.2f}{case.preview.peak_mib:>9.0f}{case.replay_seconds:>9.2f}"
              f"{case.replay.seconds:>8.2f}{case.replay.peak_mib:>9.0f}{case.ratio:>7.2f}"
              f"{case.replay_without_collector:>15.2f}{case.preview.seconds / case.replay_without_collector:>7.2f}")
    hundred = cases[HUNDRED]
    # The floor grows with the resource count: below it no program, however lean, can preview this many.
    print(f"The SDK's floor for {hundred.count.total:,} resources is {hundred.replay_seconds:.1f} s; the "
          f"{HUNDRED_GOAL_SECONDS:.0f} s goal leaves the program {HUNDRED_GOAL_SECONDS / hundred.replay_seconds:.2f}x it "
          f"(prod: {PROD_GOAL_SECONDS / cases['prod'].replay_seconds:.2f}x for {cases['prod'].count.total:,}).")
    figures = [
        Figure("prod preview / bare replay", cases["prod"].ratio, "x", "<=", RATIO_GOAL),
        Figure("prod preview, whole process", cases["prod"].preview.seconds, "s", "<", PROD_GOAL_SECONDS),
        Figure("100-account preview, whole process", hundred.preview.seconds, "s", "<", HUNDRED_GOAL_SECONDS),
    ]
    return cases, figures
