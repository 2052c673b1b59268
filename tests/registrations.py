"""Helpers to read the recorded registrations of a run: per account, by name, policy documents."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run


def by_account(run: Run, token: str) -> dict[str | None, list[Registration]]:
    """Registrations of type `token`, grouped by the config name of the account whose provider they use."""
    inventory = Inventory(run)
    grouped: dict[str | None, list[Registration]] = defaultdict(list)
    for registration in run.of_type(token):
        grouped[inventory.account(registration)].append(registration)
    return dict(grouped)


def account_of(run: Run, registration: Registration) -> str | None:
    return Inventory(run).account(registration)


def named(run: Run, token: str, name: str) -> Registration:
    matches = [r for r in run.of_type(token) if r.name == name]
    assert len(matches) == 1, f"{len(matches)} {token} named {name}"
    return matches[0]


def document(value: Any) -> dict[str, Any]:
    """A policy input (JSON text as registered) as a dict."""
    return json.loads(value) if isinstance(value, str) else value


def statements_by_sid(value: Any) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in document(value)["Statement"]}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def children_of(run: Run, component: Registration) -> list[Registration]:
    """Every resource under `component`, at any depth."""
    below = {component.urn}
    found: list[Registration] = []
    changed = True
    while changed:
        changed = False
        for registration in run.registrations:
            if registration.parent in below and registration.urn not in below:
                below.add(registration.urn)
                found.append(registration)
                changed = True
    return found
