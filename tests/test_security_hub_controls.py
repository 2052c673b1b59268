"""Every offline Security Hub evaluation passes a small compliant set of resources and fails a small non-compliant
one; the catalog is the one the data file names; every control the stacks create something for is judged."""

from __future__ import annotations

import pytest

from policy import compliance
from policy.security_hub import EVALUATIONS, RUNTIME, Estate, Finding, catalog
from preview.inventory import Inventory
from tests.security_hub_cases import CASES, Build
from tests.security_hub_cases_services import COMPUTE_CASES, DATA_CASES, IDENTITY_CASES

ALL_CASES: dict[str, tuple[Build, Build]] = CASES | DATA_CASES | COMPUTE_CASES | IDENTITY_CASES
FSBP = "aws-foundational-security-best-practices/v/1.0.0"
CIS = "cis-aws-foundations-benchmark/v/5.0.0"


def _findings(control: str, build: Build) -> list[Finding]:
    return list(EVALUATIONS[control](Estate(build())))


def test_every_evaluation_has_a_passing_and_a_failing_case() -> None:
    assert sorted(EVALUATIONS) == sorted(ALL_CASES)


@pytest.mark.parametrize("control", sorted(ALL_CASES))
def test_evaluation_passes_compliant_and_fails_non_compliant_resources(control: str) -> None:
    good, bad = ALL_CASES[control]
    passed = _findings(control, good)
    assert passed and all(f.passed for f in passed), [f.message for f in passed if not f.passed]
    failed = _findings(control, bad)
    assert any(not f.passed for f in failed), [f.message for f in failed]


def test_catalog_holds_both_standards_and_cis_numbers() -> None:
    data = catalog()
    assert [s.id for s in data.standards] == [FSBP, CIS]
    cis = [c for c in data.controls if CIS in c.standards]
    assert len(cis) == 40 and all(c.requirements.get(CIS) for c in cis)
    assert len([c for c in data.controls if FSBP in c.standards]) > 250
    assert len({c.id for c in data.controls}) == len(data.controls)
    assert data.control("EC2.21").requirements[CIS] == "5.2"
    assert data.standards[1].arn("ap-northeast-2") == (
        "arn:aws:securityhub:ap-northeast-2::standards/cis-aws-foundations-benchmark/v/5.0.0")
    known = {c.id for c in data.controls}
    assert set(EVALUATIONS) <= known and set(RUNTIME) <= known


def test_every_control_the_stacks_create_something_for_is_judged(inventories: dict[str, Inventory]) -> None:
    for stack, inventory in inventories.items():
        card = compliance.scorecard(inventory.policy_resources())
        guessed = [o.control.id for o in card.outcomes if o.status == "runtime" and o.control.id not in RUNTIME]
        assert guessed == [], (stack, guessed)
        assert {o.status for o in card.outcomes} <= set(compliance.STATUSES)
