"""The Security Hub CSPM catalogue: the standards the program can enable and every control of them, read from
security_hub_controls.json beside this module (its sources are named in it). The config checks disabled control ids
against it; the policy pack's scorecard evaluates its controls."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

CATALOG = Path(__file__).with_name("security_hub_controls.json")


@dataclass(frozen=True)
class Standard:
    id: str  # e.g. cis-aws-foundations-benchmark/v/5.0.0, the tail of the standard's ARN
    name: str

    def arn(self, region: str) -> str:
        """The standard's ARN as Security Hub's EnableStandards and configuration policies take it."""
        return f"arn:aws:securityhub:{region}::standards/{self.id}"


@dataclass(frozen=True)
class Control:
    id: str  # Security Hub's control id, e.g. EC2.21
    title: str
    standards: tuple[str, ...]  # Standard ids
    resource_types: tuple[str, ...]  # AWS Config types; AWS::::Account for account-level controls
    requirements: Mapping[str, str]  # standard id -> the standard's own number (CIS recommendations)


@dataclass(frozen=True)
class Catalog:
    standards: tuple[Standard, ...]
    controls: tuple[Control, ...]

    def control(self, control_id: str) -> Control:
        for control in self.controls:
            if control.id == control_id:
                return control
        raise KeyError(control_id)

    def standard_of_arn(self, arn: str) -> Standard | None:
        return next((s for s in self.standards if str(arn).endswith(f":standards/{s.id}")), None)


@functools.cache
def catalog() -> Catalog:
    """The controls of security_hub_controls.json."""
    data = json.loads(CATALOG.read_text())
    return Catalog(
        standards=tuple(Standard(s["id"], s["name"]) for s in data["standards"]),
        controls=tuple(Control(c["id"], c["title"], tuple(c["standards"]), tuple(c["resourceTypes"]),
                               dict(c.get("requirements", {}))) for c in data["controls"]),
    )
