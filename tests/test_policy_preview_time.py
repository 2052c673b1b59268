"""Which rules a first `pulumi preview` cannot decide: fed as the engine feeds the pack when every value another
resource computes is still unknown (tests/preview_unknowns.py), through the offline path the pack shares."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policy import analyzer, pack, rules
from preview.run import Run
from tests.preview_unknowns import at_first_preview
from tests.running_pack import StackMessages

README = Path(__file__).resolve().parent.parent / "README.md"
RESOURCE_RULES = {rule.name for rule in rules.RESOURCE_RULES}
STACK_RULES = {rule.name for rule in rules.STACK_RULES}


def _first_preview_verdict(run: Run) -> list[rules.Violation]:
    """Resource rules on inputs (Analyze), stack rules on outputs (AnalyzeStack), unknowns as a first preview has."""
    messages = StackMessages(run)
    previewed = {r.urn: r for r in at_first_preview(run)}
    custom = [r for r in previewed.values() if r.custom and not r.type.startswith("pulumi:providers:")]

    def provider(registration):
        found = messages.inventory.provider_of(registration)
        return previewed[found.urn] if found else None

    def seen(properties: str) -> list[rules.Resource]:
        sent = [analyzer.analyzer_resource(r, properties=getattr(r, properties), provider=provider(r)) for r in custom]
        return [pack.rule_resource(resource) for resource in analyzer.policy_resources(sent)]

    return ([v for v in rules.evaluate(seen("inputs")) if v.policy in RESOURCE_RULES]
            + [v for v in rules.evaluate(seen("outputs")) if v.policy in STACK_RULES])


@pytest.fixture(scope="module")
def first_previews(runs: dict[str, Run]) -> dict[str, list[rules.Violation]]:
    return {stack: _first_preview_verdict(run) for stack, run in runs.items()}


def test_a_first_preview_fails_no_rule_it_passes_at_up(first_previews: dict[str, list[rules.Violation]]) -> None:
    """Unknown values make rules skip (advisory), never fail: the clean stacks stay clean."""
    assert {stack: [v for v in found if v.level == "mandatory"] for stack, found in first_previews.items()} == {
        "dev": [], "prod": []}
    assert all(v.message.startswith("can't decide before deployment") for found in first_previews.values()
               for v in found)


def test_readme_names_the_rules_that_decide_only_at_pulumi_up(first_previews: dict[str, list[rules.Violation]]) -> None:
    skipped = {v.policy for found in first_previews.values() for v in found}
    paragraph = re.search(r"^[^\n]*decide only at `pulumi up`.*?(?:\n\n|\Z)", README.read_text(), re.DOTALL | re.MULTILINE)
    assert paragraph, "README has a paragraph naming the rules that decide only at `pulumi up`"
    named = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", paragraph.group(0)))
    assert named == skipped
