"""The stack as a first `pulumi preview` sees it: every value another resource computes is unknown.

Under the mocks every output is known. In a real preview of new resources, an input built from another resource's
computed output (its id, ARN, endpoint: what it did not take as an input) is unknown, and so is each computed output
of the resource itself (pulumi/pulumi sdk/go/common/resource/plugin: unknowns kept when marshalled for analyzers).
The mocks give every computed value a form unique to its resource, so a value built from one contains it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from policy.analyzer import UNKNOWN_SHOWN
from preview.mocks import Registration
from preview.run import Run
from tests.values import strings


def computed_values(registration: Registration) -> set[str]:
    """What the resource computes: its id and the outputs it did not take as inputs."""
    computed = {registration.id} if registration.id else set()
    for key, value in registration.outputs.items():
        if key not in registration.inputs:
            computed.update(strings(value))
    return {value for value in computed if len(value) >= 8}  # short words ("Root", "active") name nothing


def _unknown_where(value: Any, computed: set[str]) -> Any:
    if isinstance(value, str):
        return UNKNOWN_SHOWN if any(part in value for part in computed) else value
    if isinstance(value, Mapping):
        return {key: _unknown_where(item, computed) for key, item in value.items()}
    if isinstance(value, list):
        return [_unknown_where(item, computed) for item in value]
    return value


def at_first_preview(run: Run) -> list[Registration]:
    """The registrations with inputs as a first preview sends them to Analyze, and outputs as to AnalyzeStack."""
    computed = {r.urn: computed_values(r) for r in run.registrations if r.custom}
    previewed = []
    for registration in run.registrations:
        inputs = {}
        for key, value in registration.inputs.items():
            sources = set().union(*(computed.get(urn, set()) for urn in registration.property_dependencies.get(key, ())))
            inputs[key] = _unknown_where(value, sources) if sources else value
        outputs = {**{key: UNKNOWN_SHOWN for key in registration.outputs if key not in registration.inputs}, **inputs}
        previewed.append(dataclasses.replace(registration, inputs=inputs, outputs=outputs))
    return previewed
