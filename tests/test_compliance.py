"""The Security Hub scorecard of both stacks: CIS v5.0.0 and FSBP enabled, no control failing, every exception
disabled in the configuration policy with its reason, the inventory's compliance section, the preview's table, and
a failing control as a mandatory violation through the rules the pack wraps."""

from __future__ import annotations

import dataclasses
import json

import pytest

from config.security_hub import DISABLED_CONTROLS_OUTPUT
from policy import compliance, pack, rules
from preview.inventory import Inventory
from preview.render import scorecard_table
from preview.run import Run
from tests.run_view import view_of

POLICY = "aws:securityhub/configurationPolicy:ConfigurationPolicy"
STANDARDS = {"aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/5.0.0"}


def _card(inventory: Inventory) -> compliance.Scorecard:
    return compliance.scorecard(inventory.policy_resources(), inventory.run.outputs[DISABLED_CONTROLS_OUTPUT])


def _configured(run: Run) -> dict[str, str]:
    """The disabled controls of the stack file the run read, with their reasons."""
    baseline = json.loads(run.config["landing-zone:baseline"])
    return {item["id"]: item["reason"] for item in baseline["security_hub"]["disabled_controls"]}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_control_fails_and_every_exception_is_disabled_with_its_reason(inventories: dict[str, Inventory],
                                                                          stack: str) -> None:
    inventory = inventories[stack]
    card = _card(inventory)
    assert {s.id for s in card.standards} == STANDARDS
    assert [o.control.id for o in card.outcomes if o.status == "failed"] == []
    disabled = {o.control.id: o.reason for o in card.outcomes if o.status == "disabled"}
    configured = _configured(inventory.run)
    assert disabled == {key: " ".join(reason.split()) for key, reason in configured.items()}
    policy = view_of(inventory.run).named("security-services-securityhub-policy", POLICY).inputs["configurationPolicy"]
    assert policy["securityControlsConfiguration"]["disabledControlIdentifiers"] == sorted(configured)
    for standard in card.standards:
        counts = card.counts(standard)
        assert counts["passed"] > 20 and counts["failed"] == 0 and sum(counts.values()) == len(card.of_standard(standard))


def test_the_configuration_policy_enables_cis_v5_and_fsbp(dev: Run) -> None:
    body = view_of(dev).named("security-services-securityhub-policy", POLICY).inputs["configurationPolicy"]
    assert body["enabledStandardArns"] == [
        "arn:aws:securityhub:ap-northeast-2::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:ap-northeast-2::standards/cis-aws-foundations-benchmark/v/5.0.0"]


def test_controls_the_program_decides_are_passed_and_runtime_ones_say_why(inventories: dict[str, Inventory]) -> None:
    outcomes = {o.control.id: o for o in _card(inventories["prod"]).outcomes}
    for control in ("EC2.21", "EC2.2", "EC2.6", "Config.1", "IAM.28", "GuardDuty.9", "RDS.37", "KMS.2", "IAM.2"):
        assert outcomes[control].status == "passed", (control, outcomes[control].reason)
        assert outcomes[control].resources
    assert outcomes["IAM.9"].status == "runtime" and "root" in outcomes["IAM.9"].reason
    assert outcomes["APIGateway.1"].status == "not_applicable"


def test_the_inventory_carries_the_compliance_section(inventories: dict[str, Inventory]) -> None:
    inventory = inventories["dev"]
    card = _card(inventory)
    section = inventory.document([], card)["compliance"]
    assert [s["arn"] for s in section["standards"]] == [
        f"arn:aws:securityhub:ap-northeast-2::standards/{s}" for s in sorted(STANDARDS)]
    urns = {r.urn for r in inventory.run.registrations}
    for control in section["controls"]:
        assert set(control) == {"id", "title", "standards", "status", "resources", "reason"}
        assert control["status"] in compliance.STATUSES and set(control["standards"]) <= STANDARDS
        assert set(control["resources"]) <= urns and control["reason"]
    nacl = next(c for c in section["controls"] if c["id"] == "EC2.21")
    assert nacl["status"] == "passed" and nacl["standards"] == sorted(STANDARDS)


def test_the_preview_prints_counts_per_standard_and_each_disabled_control(inventories: dict[str, Inventory]) -> None:
    lines = scorecard_table(_card(inventories["dev"]))
    assert any(line.startswith("  CIS AWS Foundations Benchmark v5.0.0: ") and " 0 failed" in line for line in lines)
    assert any(line.strip().startswith("[disabled] S3.20 ") and "root user" in line for line in lines)


def test_a_failing_control_is_a_mandatory_violation(inventories: dict[str, Inventory]) -> None:
    resources = inventories["dev"].policy_resources()
    mutated = [dataclasses.replace(r, inputs={**r.inputs, "enableKeyRotation": False})
               if r.type == rules.KMS_KEY and r.name == "audit-archive-key" else r for r in resources]
    card = compliance.scorecard(mutated)
    [outcome] = [o for o in card.outcomes if o.control.id == "KMS.4"]
    assert outcome.status == "failed" and outcome.resources == (next(r.urn for r in mutated if r.name == "audit-archive-key"),)
    violations = [v for v in rules.evaluate(mutated) if v.policy == compliance.RULE]
    assert [(v.level, v.message.split(":")[0]) for v in violations] == [
        ("mandatory", "KMS.4 AWS KMS key rotation should be enabled")]
    table = scorecard_table(card)
    assert "    [failed] KMS.4 AWS KMS key rotation should be enabled" in table
    assert any(line.strip().startswith("audit-archive-key: key ") for line in table)


def test_the_pack_wraps_the_security_hub_rule() -> None:
    names = {policy.name for policy in pack.policies()}
    assert compliance.RULE in names and "aurora-statement-logging" in names
