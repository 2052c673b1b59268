"""The policy pack as `pulumi preview --policy-pack policy` runs it: its own process, driven over gRPC.

One pack process serves the module (tests/running_pack.py). Both stacks go through Remediate, Analyze and
AnalyzeStack and the verdict must equal the offline preview's. Every rule's violating input must come back with the
rule's name, and with the first value the rule reads made unknown, as a preview of new resources makes it, the rule
must be skipped.

A new rule fails `test_every_rule_has_a_violating_mutation` until it has a mutation: add
`"rule-name": Mutation("prod", "<type token of the resource to break>", <change>)` to MUTATIONS in
tests/policy_mutations.py (its docstring shows the Case a change edits).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.proto import analyzer_pb2

from policy import analyzer, pack, rules
from policy.analyzer import UNKNOWN_SHOWN
from preview.run import Run
from tests.policy_mutations import MUTATIONS, Case, case_for, copy_of
from tests.rule_reads import reads, set_at
from tests.running_pack import (
    LEVEL_VALUES,
    Diagnostic,
    RunningPack,
    StackMessages,
    offline_verdict,
    pack_verdict,
    violations_as_diagnostics,
)

RESOURCE_RULES = {rule.name: rule for rule in rules.RESOURCE_RULES}
STACK_RULES = {rule.name: rule for rule in rules.STACK_RULES}
ALL_RULES = {**RESOURCE_RULES, **STACK_RULES}
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def running_pack() -> Iterator[RunningPack]:
    started = RunningPack()
    try:
        yield started
        assert "Traceback" not in started.stderr(), started.stderr()
    finally:
        started.close()


def test_the_pack_describes_every_rule_at_its_level(running_pack: RunningPack, dev: Run) -> None:
    info = running_pack.load(dev)
    described = {policy.name: (policy.description, policy.enforcementLevel, policy.policy_type)
                 for policy in info.policies}
    assert info.name == "landing-zone" and info.supportsConfig
    assert described == {
        **{rule.name: (rule.description, LEVEL_VALUES[rule.level], analyzer_pb2.POLICY_TYPE_RESOURCE)
           for rule in RESOURCE_RULES.values()},
        **{rule.name: (rule.description, LEVEL_VALUES[rule.level], analyzer_pb2.POLICY_TYPE_STACK)
           for rule in STACK_RULES.values()},
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_pack_passes_each_stack_as_the_offline_preview_does(stack: str, running_pack: RunningPack,
                                                                 runs: dict[str, Run]) -> None:
    """Every resource through Remediate and Analyze (inputs), then all of them through AnalyzeStack (outputs)."""
    run = runs[stack]
    messages = StackMessages(run)
    running_pack.load(run)
    with ThreadPoolExecutor(max_workers=4) as pool:  # the engine registers resources concurrently as well
        found = [d for diagnostics in pool.map(running_pack.analyze, map(messages.request, run.registrations))
                 for d in diagnostics]
    found += running_pack.analyze_stack(messages.stack_resource(r) for r in run.registrations)
    offline = violations_as_diagnostics(rules.evaluate(messages.inventory.policy_resources()))
    assert sorted(found, key=repr) == sorted(offline, key=repr) == []


def test_every_rule_has_a_violating_mutation() -> None:
    missing = sorted(ALL_RULES.keys() - MUTATIONS.keys())
    stale = sorted(MUTATIONS.keys() - ALL_RULES.keys())
    assert (missing, stale) == ([], []), "add a Mutation to tests/policy_mutations.py for each rule listed first"


def _verdicts(running_pack: RunningPack, run: Run, case: Case, rule_name: str) -> tuple[list[Diagnostic], ...]:
    """The pack's verdict on the case and the offline preview's, each sorted."""
    messages = StackMessages(run)
    providers = case.providers_by_urn(messages.inventory)
    stack_rule = rule_name in STACK_RULES
    found = pack_verdict(running_pack, messages, case.resources, providers, stack_rule)
    offline = offline_verdict(messages, case.resources, providers, stack_rule)
    return sorted(found, key=repr), sorted(offline, key=repr)


@pytest.mark.parametrize("rule_name", sorted(MUTATIONS))
def test_each_rule_reports_its_mutation_through_the_pack(rule_name: str, running_pack: RunningPack,
                                                         runs: dict[str, Run]) -> None:
    mutation = MUTATIONS[rule_name]
    run = runs[mutation.stack]
    running_pack.load(run)
    case = case_for(mutation, run)
    clean, _ = _verdicts(running_pack, run, case, rule_name)
    mutation.change(case)
    broken, offline = _verdicts(running_pack, run, case, rule_name)
    assert [d for d in clean if d.policy == rule_name] == [], "the unmutated input already breaks the rule"
    assert {d.level for d in broken if d.policy == rule_name} == {ALL_RULES[rule_name].level}, broken
    assert broken == offline


def _with_first_read_unknown(case: Case, run: Run, rule_name: str) -> tuple[Any, ...] | None:
    """Make the first value the rule reads in the case unknown, in the case itself; returns where it was, or None
    when the rule reads no value there (it decides from references alone)."""
    messages = StackMessages(run)
    for resource in case.others:  # the rule may read another resource's provider: each gets a copy of its own
        if resource.urn not in case.providers:
            provider = messages.inventory.provider_of(resource)
            case.providers[resource.urn] = copy_of(provider) if provider else None
    providers = case.providers_by_urn(messages.inventory)
    resources = case.resources if rule_name in STACK_RULES else case.resources[:1]
    seen = [pack.rule_resource(r) for r in analyzer.policy_resources(
        [messages.offline_resource(r, providers[r.urn]) for r in resources])]
    provider_inputs = {r.urn: providers[r.urn].inputs if providers[r.urn] else None for r in resources}
    found = reads(ALL_RULES[rule_name], seen, {r.urn: r.inputs for r in resources}, provider_inputs)
    if not found:
        return None
    first = found[0]
    urn, where, *path = first
    owner = providers[urn] if where == "provider" else next(r for r in resources if r.urn == urn)
    assert owner is not None
    set_at(owner.inputs, path, UNKNOWN_SHOWN)
    return first


@pytest.mark.parametrize("rule_name", sorted(MUTATIONS))
def test_a_rule_meeting_an_unknown_value_is_skipped(rule_name: str, running_pack: RunningPack,
                                                    runs: dict[str, Run]) -> None:
    """Not passed and not failed: the pack says it cannot run the rule during preview, and reports nothing else of it,
    though the input breaks the rule once the value is known (or, where the rule decides that input from references
    alone, on the unmutated input)."""
    mutation = MUTATIONS[rule_name]
    run = runs[mutation.stack]
    running_pack.load(run)
    case = case_for(mutation, run)
    mutation.change(case)
    where = _with_first_read_unknown(case, run, rule_name)
    if where is None:
        case = case_for(mutation, run)
        where = _with_first_read_unknown(case, run, rule_name)
    found, offline = _verdicts(running_pack, run, case, rule_name)
    mine = [d for d in found if d.policy == rule_name]
    assert [(d.level, d.message.startswith(f"can't run policy '{rule_name}'")) for d in mine] == [
        ("advisory", True)], (where, mine)
    assert "can't be known during preview" in mine[0].message
    assert [(d.policy, d.level) for d in offline if d.policy == rule_name] == [(rule_name, "advisory")]


def _readme_policy_config() -> dict[str, Any]:
    """The example policy config README gives for `--policy-pack-config` (the ```json block after it is named)."""
    text = README.read_text()
    match = re.search(r"--policy-pack-config.*?```json\n(.*?)```", text, re.DOTALL)
    assert match, "README shows a --policy-pack-config file as a ```json block"
    return json.loads(match.group(1))


def _policy_config(document: dict[str, Any]) -> dict[str, analyzer_pb2.PolicyConfig]:
    """A policy config file as the engine hands it to Configure: a level, or an object with `enforcementLevel`."""
    configured = {}
    for name, value in document.items():
        settings = {"enforcementLevel": value} if isinstance(value, str) else dict(value)
        config = analyzer_pb2.PolicyConfig(enforcementLevel=LEVEL_VALUES[settings.pop("enforcementLevel")])
        config.properties.update(settings)
        configured[name] = config
    return configured


def test_the_readme_policy_config_makes_its_rule_advisory_for_that_stack(running_pack: RunningPack,
                                                                          runs: dict[str, Run]) -> None:
    document = _readme_policy_config()
    assert document and document.keys() <= ALL_RULES.keys()
    for rule_name, setting in document.items():
        level = setting if isinstance(setting, str) else setting["enforcementLevel"]
        mutation = MUTATIONS[rule_name]
        run = runs[mutation.stack]
        case = case_for(mutation, run)
        mutation.change(case)
        running_pack.load(run, _policy_config(document))
        configured, _ = _verdicts(running_pack, run, case, rule_name)
        running_pack.load(run)  # the next stack's preview: no config
        default, _ = _verdicts(running_pack, run, case, rule_name)
        assert {d.level for d in configured if d.policy == rule_name} == {level}
        assert {d.level for d in default if d.policy == rule_name} == {ALL_RULES[rule_name].level}
