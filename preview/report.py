"""The one-page report of a preview (`python -m preview STACK --html FILE`): the diagram, per-account resource
counts with each account's component tree folded in `<details>`, the policy verdict, the compliance scorecard and
the diff when the document or the caller has them, and the stack outputs with secrets masked.

One self-contained HTML file: styles inline, the diagram inline SVG, no script and no fetch, so it opens from the
file system. Built from the inventory document alone (docs/inventory.md); text is escaped by Jinja2's autoescape.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from preview import architecture, architecture_reader, diagram
from preview.counting import ResourceCount

SECRET = "[secret]"
MASK = "••••••••"
NOT_AWS = "(not AWS)"
STATUSES = ("passed", "failed", "disabled", "not_applicable", "runtime")
OPERATIONS = {"create": "+", "update": "~", "delete": "-", "replace": "+-"}

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
)


@dataclass
class Node:
    """A component (or the account itself) with the resources directly under it, counted by type."""

    label: str
    types: Counter[str] = field(default_factory=Counter)
    children: dict[str, Node] = field(default_factory=dict)

    def total(self) -> int:
        return sum(self.types.values()) + sum(child.total() for child in self.children.values())


@dataclass
class AccountRow:
    name: str
    unit: str
    region: str | None
    tree: Node


@dataclass
class Standard:
    id: str
    name: str
    counts: dict[str, int]

    @property
    def score(self) -> str:
        judged = self.counts["passed"] + self.counts["failed"]
        return f"{100 * self.counts['passed'] / judged:.0f}%" if judged else "n/a"


def page(document: dict[str, Any], *, diff: dict[str, Any] | None = None) -> str:
    """The report of `document` (an inventory); `diff` is the change against an earlier inventory, when there is one
    (`{"changes": [...], "summary": {...}}`). Returns the whole HTML page."""
    landscape = architecture_reader.read(document)
    count = ResourceCount.of_inventory(document)
    violations = (document.get("policy") or {}).get("violations") or []
    compliance = document.get("compliance")
    return _TEMPLATES.get_template("report.html.j2").render(
        project=document.get("project", ""), stack=document.get("stack", ""),
        resource_count=count.cloud, component_count=count.components,
        diagram=Markup(diagram.svg(landscape)),  # noqa: S704  # drawsvg escapes every text it writes
        accounts=account_rows(document, landscape), account_count=len(landscape.accounts),
        violations=sorted(violations, key=lambda v: (v.get("level") != "mandatory", v.get("policy", ""))),
        mandatory=sum(1 for v in violations if v.get("level") == "mandatory"),
        standards=_standards(compliance) if compliance else None,
        controls=_controls(compliance) if compliance else None,
        diff=diff, operations=OPERATIONS,
        outputs=[(name, *_shown(value)) for name, value in sorted((document.get("outputs") or {}).items())],
        short=_short_urn,
    )


def account_rows(document: dict[str, Any], landscape: architecture.Architecture) -> list[AccountRow]:
    """Per account (management first, then the organization's order), its component tree with resource counts."""
    by_urn = {r["urn"]: r for r in document.get("resources", [])}
    roots: dict[str, Node] = {}
    regions: dict[str, str | None] = {}
    for resource in by_urn.values():
        if not resource.get("custom"):
            continue
        account = resource.get("account") or NOT_AWS
        node = roots.setdefault(account, Node(account))
        regions.setdefault(account, resource.get("region"))
        for ancestor in _ancestors(resource, by_urn):
            node = node.children.setdefault(ancestor["urn"], Node(f"{ancestor['type']} {ancestor['name']}"))
        node.types[resource["type"]] += 1
    order = {name: index for index, name in enumerate(landscape.accounts)}
    rows = []
    for account in sorted(roots, key=lambda a: (a == NOT_AWS, order.get(a, len(order)), a)):
        known = landscape.accounts.get(account)
        unit = (known.unit or "management account") if known else ""
        rows.append(AccountRow(account, unit, regions.get(account), roots[account]))
    return rows


def _ancestors(resource: dict[str, Any], by_urn: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    chain = []
    parent = resource.get("parent")
    while parent in by_urn:
        chain.append(by_urn[parent])
        parent = by_urn[parent].get("parent")
    return list(reversed(chain))


def _standards(compliance: dict[str, Any]) -> list[Standard]:
    controls = compliance.get("controls") or []
    standards = []
    for standard in compliance.get("standards") or []:
        counts = Counter(c.get("status") for c in controls if standard.get("id") in (c.get("standards") or []))
        standards.append(Standard(standard.get("id", ""), standard.get("name") or standard.get("id", ""),
                                  {status: counts.get(status, 0) for status in STATUSES}))
    return standards


def _controls(compliance: dict[str, Any]) -> list[dict[str, Any]]:
    """Every control, failed first, then by id."""
    rank = {status: index for index, status in enumerate(("failed", "runtime", "disabled", "not_applicable", "passed"))}
    return sorted(compliance.get("controls") or [], key=lambda c: (rank.get(c.get("status"), 0), c.get("id", "")))


def _mask(value: Any) -> Any:
    if value == SECRET:
        return MASK
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def _shown(value: Any) -> tuple[str, bool]:
    """An output as the page shows it, and whether it is a secret (shown masked)."""
    if value == SECRET:
        return MASK, True
    if isinstance(value, str):
        return value, False
    return json.dumps(_mask(value), indent=2, ensure_ascii=False), False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preview.report", description="Write the report of an inventory.")
    parser.add_argument("inventory", type=Path, help="an inventory written by `python -m preview STACK --json`")
    parser.add_argument("html", type=Path, help="where to write the page")
    parser.add_argument("--diff", type=Path, help="a diff against an earlier inventory, as JSON")
    args = parser.parse_args(argv)
    diff = json.loads(args.diff.read_text()) if args.diff else None
    args.html.parent.mkdir(parents=True, exist_ok=True)
    args.html.write_text(page(json.loads(args.inventory.read_text()), diff=diff))
    return 0


def _short_urn(urn: str) -> str:
    """`type name` of a URN, as a reader recognises a resource."""
    parts = urn.split("::")
    return f"{parts[-2].rsplit('$', 1)[-1]} {parts[-1]}" if len(parts) >= 4 else urn


if __name__ == "__main__":
    sys.exit(main())
