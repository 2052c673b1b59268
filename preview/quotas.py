"""The quota table: per account and region, what the inventory needs of each service quota against the quota that
applies (policy.rules.quota_usage), and what the organization's request template files for accounts created later."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policy import rules

COLUMNS = ("account", "region", "quota", "code", "largest in", "need", "quota", "basis")


def template_entries(resources: Sequence[rules.Resource]) -> list[dict[str, Any]]:
    """The template's entries: quota name, `service/quota` code, the region it applies to, the value."""
    by_code = {quota.code: quota for quota in rules.QUOTAS}
    entries = []
    for entry in resources:
        if entry.type != rules.QUOTA_TEMPLATE:
            continue
        code = f"{entry.inputs.get('serviceCode')}/{entry.inputs.get('quotaCode')}"
        quota = by_code.get(code)
        entries.append({"quota": quota.key if quota else code, "title": quota.title if quota else code, "code": code,
                        "region": entry.inputs.get("awsRegion"), "value": rules.number(entry.inputs.get("value"))})
    return sorted(entries, key=lambda e: (str(e["region"]), e["code"]))


def quota_document(resources: Sequence[rules.Resource]) -> dict[str, Any]:
    """The inventory's `quotas` section: `usage` rows and the `template` entries."""
    return {
        "usage": [{"account": use.account, "region": use.region, "quota": use.quota.key, "title": use.quota.title,
                   "code": use.quota.code, "where": use.where, "need": use.need, "quota_value": use.quota_value,
                   "basis": use.basis, "default": use.quota.default, "exceeded": use.exceeded,
                   "source": use.quota.source}
                  for use in rules.quota_usage(resources)],
        "template": template_entries(resources),
    }


def quota_lines(resources: Sequence[rules.Resource]) -> list[str]:
    """The printed block: one row per account, region and quota, `!` before a need the quota does not cover."""
    uses = rules.quota_usage(resources)
    rows = [(use.account, use.region, use.quota.title, use.quota.code, use.where, str(use.need), str(use.quota_value),
             use.basis) for use in uses]
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]

    def line(cells: Sequence[str], mark: str = " ") -> str:
        text = "  ".join(cell.rjust(width) if index in (5, 6) else cell.ljust(width)
                         for index, (cell, width) in enumerate(zip(cells, widths, strict=True)))
        return f" {mark} {text}".rstrip()

    lines = ["Service quotas: what the stack needs against the quota that applies (requested, else the template in an "
             "account the stack creates, else a new account's "
             "start, else AWS's default):", line(COLUMNS)]
    lines.extend(line(row, "!" if use.exceeded else " ") for row, use in zip(rows, uses, strict=True))
    entries = template_entries(resources)
    if entries:
        listed = "; ".join(f"{e['title']} ({e['code']}) {e['value']} in {e['region']}" for e in entries)
        lines.append(f"  Quota request template, filed by AWS in every account the organization creates: {listed}")
    return lines
