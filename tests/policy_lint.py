"""Parliament over policy documents: find every document in an inventory, lint each distinct one once.

Importing parliament loads its bundled IAM definitions (a few hundred ms); it happens once per test session,
and each distinct document text is analysed once (`functools.cache`), however many accounts and stacks carry it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from preview.mocks import Registration

SEVERITIES = ("MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL")
BLOCKING = "MEDIUM"


@dataclass(frozen=True)
class Document:
    """One policy document found in a registration's inputs: where it sits and its JSON text."""

    resource_type: str
    resource_name: str
    field: str
    text: str


@dataclass(frozen=True)
class Finding:
    issue: str
    severity: str
    detail: str


@dataclass(frozen=True)
class AcceptedFinding:
    """A finding we accept: the issue, a pattern its detail matches, and why it is not a problem."""

    issue: str
    detail: str
    reason: str

    def covers(self, finding: Finding) -> bool:
        return finding.issue == self.issue and re.search(self.detail, finding.detail) is not None


def _as_policy(value: Any) -> dict[str, Any] | None:
    """The value as a fresh policy object (never the registration's own), or None when it is not a policy."""
    if isinstance(value, str) and value[:1] == "{":
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    elif isinstance(value, dict):
        value = json.loads(json.dumps(value))
    if isinstance(value, dict) and "Statement" in value:
        return value
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    policy = _as_policy(value)
    if policy is not None:
        yield path, policy
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def documents(registrations: list[Registration]) -> Iterator[Document]:
    """Every input of every resource that parses as an IAM policy (policy, assumeRolePolicy, content, ...).

    A trust policy is the role's own resource policy, so it is linted with the role's ARN as its Resource.
    """
    for registration in registrations:
        for field, policy in _walk(registration.inputs, ""):
            if field == "assumeRolePolicy":
                statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
                arn = registration.outputs.get("arn")
                for statement in statements:
                    if "Resource" not in statement and "NotResource" not in statement:
                        statement["Resource"] = arn
            yield Document(registration.type, registration.name, field, json.dumps(policy, sort_keys=True))


@functools.cache
def _parliament() -> Any:
    import parliament  # noqa: PLC0415  (loaded once, on first use)

    return parliament


@functools.cache
def lint(text: str) -> tuple[Finding, ...]:
    """Parliament's findings for one document, with its default auditors (what the `parliament` command runs)."""
    parliament = _parliament()
    policy = parliament.analyze_policy_string(text)
    findings = []
    for finding in policy.findings:
        enhanced = parliament.enhance_finding(finding)
        findings.append(Finding(enhanced.issue, enhanced.severity, json.dumps(enhanced.detail, default=str)))
    return tuple(findings)


def blocking(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    return [f for f in findings if SEVERITIES.index(f.severity) >= SEVERITIES.index(BLOCKING)]
