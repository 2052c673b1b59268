"""Findings routing: GuardDuty and Security Hub rules in the delegated administrator, to its security topic, at the
configured severity (the patterns' behaviour on AWS's sample events is in tests/functions/test_alert_routes.py)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from components.monitoring.findings import GUARDDUTY_FLOOR, guardduty_pattern, security_hub_pattern
from config.monitoring import FINDING_SEVERITIES, FindingsConfig
from preview.inventory import Inventory

RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"


def test_the_threshold_defaults_to_high_and_reads_any_case() -> None:
    assert FindingsConfig().min_severity == "HIGH"
    assert FindingsConfig().severities == ["HIGH", "CRITICAL"]
    assert FindingsConfig(min_severity="medium").severities == ["MEDIUM", "HIGH", "CRITICAL"]  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Input should be 'LOW', 'MEDIUM', 'HIGH' or 'CRITICAL'"):
        FindingsConfig(min_severity="INFORMATIONAL")  # type: ignore[arg-type]


@pytest.mark.parametrize("label", FINDING_SEVERITIES)
def test_each_threshold_is_guarddutys_band_floor_and_security_hubs_labels_from_it(label: str) -> None:
    spec = FindingsConfig(min_severity=label)  # type: ignore[arg-type]
    assert guardduty_pattern(spec)["detail"] == {"severity": [{"numeric": [">=", GUARDDUTY_FLOOR[label]]}]}
    labels = security_hub_pattern(spec, "ap-northeast-2")["detail"]["findings"]["Severity"]["Label"]
    assert labels == list(FINDING_SEVERITIES[FINDING_SEVERITIES.index(label):])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_both_rules_live_in_the_administrators_home_region_and_post_to_its_security_topic(
        stack: str, inventories: dict[str, Inventory]) -> None:
    inventory = inventories[stack]
    resources = inventory.resources_json()
    baseline = json.loads(inventory.run.config["landing-zone:baseline"])
    admin_account = baseline.get("security_admin_account") or baseline.get("audit_account", "ops")
    spec = FindingsConfig(**json.loads(inventory.run.config["landing-zone:monitoring"]).get("findings", {}))
    [component] = [r for r in resources if r["type"] == "landing-zone:monitoring:SecurityFindings"]
    rules = {r["name"]: r for r in resources if r["type"] == RULE and r["parent"] == component["urn"]}
    targets = [r for r in resources if r["type"] == TARGET and r["parent"] == component["urn"]]
    assert sorted(rules) == ["security-findings-guardduty", "security-findings-security-hub"]
    assert {(r["account"], r["region"]) for r in [*rules.values(), *targets]} == {
        (admin_account, inventory.default_region)}
    assert {t["inputs"]["arn"].rsplit(":", 1)[-1] for t in targets} == {f"shop-{admin_account}-alerts-security"}
    assert json.loads(rules["security-findings-guardduty"]["inputs"]["eventPattern"]) == guardduty_pattern(spec)
    assert json.loads(rules["security-findings-security-hub"]["inputs"]["eventPattern"]) == security_hub_pattern(
        spec, str(inventory.default_region))
