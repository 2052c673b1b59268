"""`make bench`: one resource count shared with the preview, and every goal's verdict printed and exited by."""

from __future__ import annotations

import pytest

from bench import __main__ as bench_main
from bench.goals import Figure, verdict
from policy import compliance
from preview.counting import ResourceCount
from preview.inventory import Inventory
from preview.render import render


def test_the_bench_counts_what_the_preview_prints(inventories: dict[str, Inventory]) -> None:
    for inventory in inventories.values():
        from_inventory = ResourceCount.of_inventory({"resources": inventory.resources_json()})
        assert from_inventory == ResourceCount.of(r.custom for r in inventory.run.registrations)
        assert from_inventory.cloud == sum(1 for r in inventory.run.registrations if r.custom) > 0
        assert from_inventory.components == sum(1 for r in inventory.run.registrations if not r.custom) > 0
        assert from_inventory.total == len(inventory.run.registrations)  # the stack itself is not registered
        headline = render(inventory, [], compliance.scorecard(inventory.policy_resources())).splitlines()[0]
        assert headline.endswith(f": {from_inventory.total} resources to create ({from_inventory.cloud} cloud "
                                 f"resources and providers, {from_inventory.components} components)")


@pytest.mark.parametrize(("relation", "measured", "limit", "met"), [
    ("<", 4.99, 5.0, True), ("<", 5.0, 5.0, False), ("<=", 1.5, 1.5, True), ("<=", 1.51, 1.5, False),
    (">=", 50_000, 50_000, True), (">=", 49_999, 50_000, False),
])
def test_a_figure_is_met_only_on_the_right_side_of_its_goal(relation: str, measured: float, limit: float,
                                                            met: bool) -> None:
    figure = Figure("prod preview, whole process", measured, "s", relation, limit)
    assert figure.met is met
    assert figure.line().endswith(" met" if met else " NOT MET")
    assert f"goal {relation} " in figure.line()


def test_the_verdict_names_every_goal_not_met() -> None:
    figures = [Figure("prod preview / bare replay", 1.4, "x", "<=", 1.5),
               Figure("100-account preview, whole process", 31.0, "s", "<", 30.0),
               Figure("notifier deployment package", 60.0, "KB", "<", 50.0)]
    lines = verdict(figures)
    assert lines[0] == "Goals:" and len(lines) == 5
    assert lines[-1] == ("1 of 3 goals met; NOT MET: 100-account preview, whole process, "
                         "notifier deployment package")
    assert verdict(figures[:1])[-1] == "1 of 1 goals met"


@pytest.mark.parametrize("package_kb", [40.0, 60.0])
def test_make_bench_exits_1_when_a_goal_is_not_met(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                   package_kb: float) -> None:
    fast = Figure("prod preview, whole process", 4.0, "s", "<", 5.0)
    monkeypatch.setattr(bench_main.preview_bench, "main", lambda scratch: ({}, [fast]))
    monkeypatch.setattr(bench_main.report_bench, "main", lambda cases, repeats: [])
    monkeypatch.setattr(bench_main.notifier, "figures",
                        lambda: [Figure("notifier deployment package", package_kb, "KB", "<", 50.0)])
    monkeypatch.setattr(bench_main.curation, "figures", lambda argv: [])
    status = bench_main.main()
    printed = capsys.readouterr().out
    assert status == (0 if package_kb < 50 else 1)
    assert ("NOT MET: notifier deployment package" in printed) is (package_kb >= 50)
    assert "make bench took" in printed
