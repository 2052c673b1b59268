"""Checks of `baseline.security_hub`: each disabled control once."""

from __future__ import annotations

from collections.abc import Iterator

from config.base import Sections
from config.errors import Problem, join_path
from config.security_hub import SecurityHubConfig


def disabled_once(sections: Sections) -> Iterator[Problem]:
    """Each Security Hub control is disabled once; reports a repeat at
    `landing-zone:baseline.security_hub.disabled_controls[i].id`."""
    hub: SecurityHubConfig = sections["baseline"].security_hub
    seen: set[str] = set()
    for index, control in enumerate(hub.disabled_controls):
        if control.id in seen:
            yield Problem(join_path("baseline.security_hub.disabled_controls", index, "id"),
                          f"`{control.id}` is disabled twice; keep one entry with its reason")
        seen.add(control.id)

