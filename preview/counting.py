"""What the preview counts as a resource: one definition for its headline, its report page and the benchmarks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ResourceCount:
    """Resources as `pulumi preview` counts them in its closing `Resources:` line: every resource the engine would
    register, the stack itself aside; split into cloud resources (custom resources, providers included) and
    component resources (which the engine records but no cloud API creates)."""

    cloud: int
    components: int

    @property
    def total(self) -> int:
        return self.cloud + self.components

    @classmethod
    def of(cls, custom: Iterable[bool]) -> ResourceCount:
        """Count from each registered resource's `custom` flag (a Registration's, or an inventory entry's)."""
        flags = list(custom)
        return cls(cloud=sum(flags), components=len(flags) - sum(flags))

    @classmethod
    def of_inventory(cls, document: Mapping[str, Any]) -> ResourceCount:
        """Count the `resources` of an inventory document (docs/inventory.md)."""
        return cls.of(bool(entry.get("custom")) for entry in document.get("resources") or [])
