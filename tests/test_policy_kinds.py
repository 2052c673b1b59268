"""Rules accept values in the kinds the CrossGuard runtime hands them: pulumi_policy's proxies for lists and dicts
are Sequences and Mappings, never `list` or `dict`, so a check on a concrete type is false there and the rule quietly
skips what it should inspect."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from google.protobuf import json_format
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from policy import analyzer, rules
from preview.mocks import Registration
from preview.run import Run
from tests.policy_mutations import MUTATIONS, case_for
from tests.running_pack import StackMessages, offline_verdict

POLICY_DIR = Path(__file__).resolve().parent.parent / "policy"
CONCRETE = {"dict", "list", "tuple", "set", "frozenset"}
STACK_RULES = {rule.name for rule in rules.STACK_RULES}


def _concrete_checks(path: Path) -> list[str]:
    """`isinstance(x, dict)` and the like (tuples of types included), and `type(x)` comparisons, by line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id == "isinstance" and len(node.args) == 2:
            kinds = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
            named = {kind.id for kind in kinds if isinstance(kind, ast.Name)}
            if named & CONCRETE:
                found.append(f"{path.name}:{node.lineno} isinstance(..., {sorted(named & CONCRETE)})")
        if node.func.id == "type" and len(node.args) == 1:
            found.append(f"{path.name}:{node.lineno} type(...)")
    return found


def test_no_rule_checks_a_concrete_container_type() -> None:
    """Ask `isinstance(value, Mapping)` / `Sequence` (strings aside) instead."""
    assert [check for path in sorted(POLICY_DIR.glob("*.py")) for check in _concrete_checks(path)] == []


def test_the_concrete_check_finder_finds_them(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("ok = isinstance(v, Mapping)\nbad = isinstance(v, (str, list))\nworse = type(v) is dict\n")
    assert _concrete_checks(sample) == ["sample.py:2 isinstance(..., ['list'])", "sample.py:3 type(...)"]


@pytest.mark.parametrize("rule_name", sorted(MUTATIONS))
def test_each_rule_decides_its_mutation_alike_on_plain_and_proxied_values(rule_name: str,
                                                                         runs: dict[str, Run]) -> None:
    """The verdict on dicts and lists equals the verdict on what pulumi_policy hands the pack."""
    mutation = MUTATIONS[rule_name]
    run = runs[mutation.stack]
    case = case_for(mutation, run)
    mutation.change(case)
    messages = StackMessages(run)
    providers = case.providers_by_urn(messages.inventory)
    stack_rule = rule_name in STACK_RULES
    resources = case.resources if stack_rule else case.resources[:1]
    plain = [rules.Resource(urn=r.urn, type=r.type, name=r.name, inputs=r.inputs, protect=r.protect,
                            provider_inputs=providers[r.urn].inputs if providers[r.urn] else None, parent=r.parent,
                            property_dependencies=r.property_dependencies, dependencies=r.dependencies,
                            ignore_changes=r.ignore_changes)
             for r in resources]
    kind = {rule.name for rule in (rules.STACK_RULES if stack_rule else rules.RESOURCE_RULES)}
    on_plain = sorted((v.policy, v.urn, v.level, v.message) for v in rules.evaluate(plain) if v.policy in kind)
    proxied = sorted((d.policy, d.urn, d.level, d.message)
                     for d in offline_verdict(messages, case.resources, providers, stack_rule))
    assert on_plain == proxied and any(found[0] == rule_name for found in proxied)


def test_secrets_unknowns_and_options_reach_the_rules_as_the_engine_sends_them() -> None:
    registration = Registration(
        urn="urn:pulumi:dev::landing-zone::aws:rds/cluster:Cluster::db", type="aws:rds/cluster:Cluster", name="db",
        custom=True, parent=None, provider=None, providers={}, protect=True, retain_on_delete=False,
        ignore_changes=["masterPassword"], aliases=[], dependencies=[],
        inputs={"masterPassword": "[secret]", "kmsKeyId": "[unknown]", "ports": [5432, "[unknown]"]},
        custom_timeouts={"create": "1h30m"})
    message = analyzer.analyzer_resource(registration, properties=registration.inputs, provider=None)
    sent = json_format.MessageToDict(message.properties)
    assert sent["masterPassword"] == {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": "[secret]"}
    assert sent["kmsKeyId"] == UNKNOWN_STRING_VALUE and sent["ports"][1] == UNKNOWN_STRING_VALUE
    assert (message.options.protect, list(message.options.ignoreChanges), message.options.customTimeouts.create) == (
        True, ["masterPassword"], 5400.0)
    [received] = analyzer.policy_resources([message])
    assert received.props["masterPassword"] == "[secret]" and received.props["ports"][0] == 5432
    for unknown in (lambda: received.props["kmsKeyId"], lambda: received.props["ports"][1]):
        with pytest.raises(UnknownValueError):
            unknown()
