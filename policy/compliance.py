"""The Security Hub scorecard: what Security Hub CSPM will say of every control of the standards the program enables,
decided offline from the registered resources, and the stack rule that makes a failed control a mandatory violation.

Each control gets a status:

- passed / failed: an offline evaluation (controls_*.py) looked at every resource, or account and region, it
  covers; failed names the resources that fail.
- disabled: the Security Hub configuration policy disables it (landing-zone:baseline.security_hub.disabled_controls,
  each with its reason); the reasons come from the stack output `security_hub_disabled_controls`.
- not_applicable: the program creates nothing the control evaluates.
- runtime: only live AWS can tell (root credentials, credential age, pending updates).

Importing this module registers the evaluations and the rule `security-hub-controls` with the rules (rules/).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

if __package__:  # imported as policy.compliance by the preview and the tests
    from . import (
        controls_accounts,
        controls_compute,
        controls_data,
        controls_identity,
        controls_network,
        controls_services,
        controls_storage,
        rules,
    )
    from .security_hub import EVALUATIONS, RUNTIME, Control, Estate, Finding, Standard, catalog
else:  # the CrossGuard pack imports its modules from the pack directory
    import controls_accounts  # type: ignore[no-redef]  # noqa: F401
    import controls_compute  # type: ignore[no-redef]  # noqa: F401
    import controls_data  # type: ignore[no-redef]  # noqa: F401
    import controls_identity  # type: ignore[no-redef]  # noqa: F401
    import controls_network  # type: ignore[no-redef]  # noqa: F401
    import controls_services  # type: ignore[no-redef]  # noqa: F401
    import controls_storage  # type: ignore[no-redef]  # noqa: F401
    import rules  # type: ignore[no-redef]
    from security_hub import (  # type: ignore[no-redef]
        EVALUATIONS,
        RUNTIME,
        Control,
        Estate,
        Finding,
        Standard,
        catalog,
    )

Status = Literal["passed", "failed", "disabled", "not_applicable", "runtime"]
STATUSES: tuple[Status, ...] = ("passed", "failed", "disabled", "not_applicable", "runtime")
RULE = "security-hub-controls"


@dataclass(frozen=True)
class Outcome:
    """One control's verdict: `resources` are the failing URNs when failed, else every URN it looked at."""

    control: Control
    standards: tuple[str, ...]  # the enabled standards it belongs to
    status: Status
    resources: tuple[str, ...]
    reason: str
    findings: tuple[Finding, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"id": self.control.id, "title": self.control.title, "standards": list(self.standards),
                "status": self.status, "resources": list(self.resources), "reason": self.reason}


@dataclass(frozen=True)
class Scorecard:
    standards: tuple[Standard, ...]  # the enabled ones
    region: str  # Security Hub's home region
    outcomes: tuple[Outcome, ...]

    def of_standard(self, standard: Standard) -> list[Outcome]:
        return [o for o in self.outcomes if standard.id in o.standards]

    def counts(self, standard: Standard) -> dict[Status, int]:
        outcomes = self.of_standard(standard)
        return {status: sum(1 for o in outcomes if o.status == status) for status in STATUSES}

    def as_json(self) -> dict[str, Any]:
        """The inventory's `compliance` section (docs/inventory.md)."""
        return {"standards": [{"id": s.id, "name": s.name, "arn": s.arn(self.region)} for s in self.standards],
                "controls": [o.as_json() for o in self.outcomes]}


def scorecard(resources: Sequence[rules.Resource], reasons: Mapping[str, str] | None = None) -> Scorecard:
    """Every control of the enabled standards, judged over `resources`; `reasons` explain disabled controls."""
    estate = _estate(resources)
    enabled = tuple(estate.enabled_standards)
    disabled = set(estate.disabled_controls)
    outcomes = []
    for control in catalog().controls:
        standards = tuple(s.id for s in enabled if s.id in control.standards)
        if standards:
            outcomes.append(_judge(control, standards, estate, disabled=disabled, reasons=reasons or {}))
    return Scorecard(enabled, estate.home_region, tuple(outcomes))


# The stack rule judges the estate, then the preview prints its scorecard: one Estate, its findings evaluated once.
_estate = rules.once_per_resources(Estate)


def _judge(control: Control, standards: tuple[str, ...], estate: Estate, *, disabled: set[str],
           reasons: Mapping[str, str]) -> Outcome:
    evaluation = EVALUATIONS.get(control.id)
    findings = estate.findings(control.id, evaluation) if evaluation is not None else ()
    looked_at = tuple(dict.fromkeys(f.urn for f in findings))
    if control.id in disabled:
        reason = reasons.get(control.id) or "disabled in the Security Hub configuration policy"
        return Outcome(control, standards, "disabled", looked_at, reason, findings)
    if evaluation is not None:
        if not findings:
            reason = (f"its AWS Config rule skips what the program creates of {', '.join(control.resource_types)}"
                      if estate.applies(control) else _nothing_to_judge(control))
            return Outcome(control, standards, "not_applicable", (), reason)
        failed = tuple(f for f in findings if not f.passed)
        if failed:
            return Outcome(control, standards, "failed", tuple(dict.fromkeys(f.urn for f in failed)),
                           "; ".join(f.message for f in failed), findings)
        return Outcome(control, standards, "passed", looked_at, _summary(findings), findings)
    if not estate.applies(control):
        return Outcome(control, standards, "not_applicable", (), _nothing_to_judge(control))
    return Outcome(control, standards, "runtime", (), RUNTIME.get(control.id, "no offline evaluation: only Security "
                                                                                   "Hub's own check decides it"))


def _nothing_to_judge(control: Control) -> str:
    return f"the program creates no {', '.join(control.resource_types)}"


def _summary(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    return findings[0].message if len(findings) == 1 else f"{len(findings)} checked, all pass ({findings[0].message}; ...)"


@rules.stack_rule(RULE, "Every Security Hub control of the enabled standards (CIS AWS Foundations Benchmark v5.0.0, "
                        "AWS Foundational Security Best Practices) that the registered resources decide passes, "
                        "unless the configuration policy disables it.")
def security_hub_controls(resources: Sequence[rules.Resource]) -> Iterable[tuple[str, str]]:
    for outcome in scorecard(resources).outcomes:
        if outcome.status == "failed":
            for finding in outcome.findings:
                if not finding.passed:
                    yield finding.urn, f"{outcome.control.id} {outcome.control.title}: {finding.message}"
