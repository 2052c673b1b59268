"""The text a person reads: per account, the component tree with resource counts, then the policy verdict."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from aws_facts.accounts import MANAGEMENT
from policy import compliance, rules
from preview.counting import ResourceCount
from preview.inventory import Inventory
from preview.mocks import Registration

STACK_TYPE = "pulumi:pulumi:Stack"


class _Node:
    def __init__(self, label: str):
        self.label = label
        self.children: dict[str, _Node] = {}
        self.types: Counter[str] = Counter()

    def total(self) -> int:
        return sum(self.types.values()) + sum(child.total() for child in self.children.values())


def render(inventory: Inventory, violations: list[rules.Violation], scorecard: compliance.Scorecard | None = None,
           *, blocks: Sequence[list[str]] = ()) -> str:
    """The tree per account, the compliance scorecard, then each of `blocks` (lines), then the policy verdict."""
    run = inventory.run
    custom = [r for r in run.registrations if r.custom]
    count = ResourceCount.of(r.custom for r in run.registrations)
    lines = [f"Previewing {run.project}/{run.stack} offline: {count.total} resources to create "
             f"({count.cloud} cloud resources and providers, {count.components} components)", ""]
    per_account: dict[str | None, _Node] = {}
    for registration in custom:
        account = inventory.account(registration)
        node = per_account.setdefault(account, _Node(account or "(not AWS)"))
        for ancestor in _component_ancestors(inventory, registration):
            node = node.children.setdefault(ancestor.urn, _Node(f"{ancestor.type} {ancestor.name}"))
        node.types[registration.type] += 1
    order = sorted(per_account, key=lambda a: (a != MANAGEMENT, a is None, a or ""))
    regions: dict[str | None, Counter[str | None]] = {}
    for registration in custom:
        regions.setdefault(inventory.account(registration), Counter())[inventory.region(registration)] += 1
    for account in order:
        root = per_account[account]
        # The account's home: where most of its resources live (some sit in the other allowed regions).
        region = regions[account].most_common(1)[0][0]
        heading = f"account {root.label}" + (f" ({region})" if region and account else "")
        lines.append(f"{heading}: {root.total()} resources")
        lines.extend(_render_node(root, depth=1))
        lines.append("")
    if scorecard is not None:
        lines.extend(scorecard_table(scorecard))
        lines.append("")
    for block in blocks:
        lines.extend([*block, ""])
    lines.extend(_verdict(violations))
    return "\n".join(lines)


def scorecard_table(scorecard: compliance.Scorecard) -> list[str]:
    """Per enabled standard: the count of controls per status, then each failed and disabled control with the
    resources it names (failed) or why it is off (disabled)."""
    lines = [f"Security Hub, as the preview sees it ({scorecard.region} and its linked regions):"]
    for standard in scorecard.standards:
        counts = scorecard.counts(standard)
        lines.append(f"  {standard.name}: " + ", ".join(f"{counts[status]} {status.replace('_', ' ')}"
                                                         for status in compliance.STATUSES))
        for outcome in scorecard.of_standard(standard):
            if outcome.status == "failed":
                lines.append(f"    [failed] {outcome.control.id} {outcome.control.title}")
                lines.extend(f"        {_short(urn)}: {finding.message}" for finding in outcome.findings
                             if not finding.passed for urn in [finding.urn])
            elif outcome.status == "disabled":
                lines.append(f"    [disabled] {outcome.control.id} {outcome.control.title} "
                             f"({len(outcome.resources)} resources): {outcome.reason}")
    return lines


def _short(urn: str) -> str:
    """A resource's logical name, from its URN."""
    return urn.rsplit("::", 1)[-1]


def _component_ancestors(inventory: Inventory, registration: Registration) -> list[Registration]:
    chain = []
    parent = registration.parent
    while parent and parent in inventory.by_urn:
        ancestor = inventory.by_urn[parent]
        if ancestor.type == STACK_TYPE:
            break
        chain.append(ancestor)
        parent = ancestor.parent
    return list(reversed(chain))


def _render_node(node: _Node, depth: int) -> list[str]:
    pad = "  " * depth
    lines = [f"{pad}{count:>4} x {token}" for token, count in sorted(node.types.items())]
    for child in node.children.values():
        lines.append(f"{pad}{child.label}  [{child.total()}]")
        lines.extend(_render_node(child, depth + 1))
    return lines


def _verdict(violations: list[rules.Violation]) -> list[str]:
    mandatory = [v for v in violations if v.level == "mandatory"]
    advisory = [v for v in violations if v.level == "advisory"]
    total_rules = len(rules.RESOURCE_RULES) + len(rules.STACK_RULES)
    if not violations:
        return [f"Policy: {total_rules} rules, no violations."]
    lines = [f"Policy: {total_rules} rules, {len(mandatory)} mandatory and {len(advisory)} advisory violations."]
    for violation in mandatory + advisory:
        lines.append(f"  [{violation.level}] {violation.policy}: {violation.message}")
        lines.append(f"      {violation.urn}")
    return lines
