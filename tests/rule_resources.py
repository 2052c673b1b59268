"""Resources as the policy rules see them (`rules.Resource`), built by hand or changed from an inventory's, for the
rule tests: one builder, so every rule test hands the rules the same shape the inventory does."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from policy import rules

STACK = "urn:pulumi:test::landing-zone::"


def urn_of(token: str, name: str) -> str:
    """The URN `resource(token, name)` gets."""
    return f"{STACK}{token}::{name}"


def provider_inputs(account: str | None = None, region: str | None = None, environment: str | None = None,
             **tags: str) -> dict[str, Any]:
    """An AWS provider's inputs as registered: its `region` and its `defaultTags` (JSON text), which give a resource
    its account (`Account`), environment (`Environment`) and other tags."""
    default_tags = {**({"Account": account} if account else {}),
                    **({"Environment": environment} if environment else {}), **tags}
    inputs: dict[str, Any] = {}
    if region:
        inputs["region"] = region
    if default_tags:
        inputs["defaultTags"] = json.dumps({"tags": default_tags})
    return inputs


Sources = Mapping[str, Iterable["str | rules.Resource"]]


def resource(token: str, name: str = "r", inputs: Mapping[str, Any] | None = None, /, *,
             provider: Mapping[str, Any] | None = None, protect: bool = False, parent: str | rules.Resource | None = None,
             sources: Sources | None = None, depends_on: Iterable[str | rules.Resource] = (),
             ignore: Sequence[str] = (), urn: str | None = None, **more_inputs: Any) -> rules.Resource:
    """One resource of type `token` named `name`: its inputs are `inputs` and the other keyword arguments (so `name=`
    is the AWS name); `provider` its provider's inputs (see `provider_inputs()`); `sources` maps an input to the resources
    (or URNs) it was built from; `depends_on` what it waits for (the engine's dependencies, as given); `ignore` its
    ignore_changes."""
    property_dependencies = {key: [_urn(found) for found in items] for key, items in (sources or {}).items()}
    return rules.Resource(
        urn=urn or urn_of(token, name), type=token, name=name, inputs={**(inputs or {}), **more_inputs},
        protect=protect, provider_inputs=provider, parent=_urn(parent) if parent is not None else None,
        property_dependencies=property_dependencies, dependencies=tuple(_urn(found) for found in depends_on),
        ignore_changes=tuple(ignore))


def _urn(item: str | rules.Resource) -> str:
    return item if isinstance(item, str) else item.urn


def plain(value: Any) -> Any:
    """A copy of inputs as dicts and lists (the pack's rules receive pulumi_policy's read-only proxies)."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(item) for item in value]
    return value


def _picker(pick: str | rules.Resource | Callable[[rules.Resource], bool]) -> Callable[[rules.Resource], bool]:
    if isinstance(pick, str):
        return lambda r: r.name == pick
    if isinstance(pick, rules.Resource):
        return lambda r: r is pick
    return pick


def changed(resources: Sequence[rules.Resource], pick: str | rules.Resource | Callable[[rules.Resource], bool],
            change: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
            **fields: Any) -> list[rules.Resource]:
    """`resources` with those picked (by name, the resource itself, or a predicate) changed: `change` gets a deep copy
    of their inputs and returns the new ones (or changes them in place and returns None); `fields` replace fields
    (inputs, protect, property_dependencies, ...). A name or a resource picks exactly one; a predicate at least one."""
    chosen = _picker(pick)
    result, found = [], 0
    for original in resources:
        if not chosen(original):
            result.append(original)
            continue
        found += 1
        updates = dict(fields)
        if change is not None:
            copied = copy.deepcopy(plain(original.inputs))
            returned = change(copied)
            updates["inputs"] = copied if returned is None else returned
        result.append(dataclasses.replace(original, **updates))
    assert found == 1 or (found and callable(pick) and not isinstance(pick, rules.Resource)), \
        f"{found} resources picked by {pick}"
    return result


def without(resources: Sequence[rules.Resource],
            pick: str | rules.Resource | Callable[[rules.Resource], bool]) -> list[rules.Resource]:
    """`resources` without those picked (by name, the resource itself, or a predicate); at least one must be."""
    chosen = _picker(pick)
    kept = [r for r in resources if not chosen(r)]
    assert len(kept) < len(resources), f"nothing picked by {pick}"
    return kept


def violations_of(resources: Sequence[rules.Resource], policy: str | None = None) -> list[rules.Violation]:
    """What the rules find in `resources` (only `policy`'s when given)."""
    return [v for v in rules.evaluate(list(resources)) if policy is None or v.policy == policy]
