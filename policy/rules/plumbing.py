"""What every rule shares: the Resource a rule sees, its Violations, the rule registries and `evaluate`, and the
helpers that read inputs as the engine hands them.

A resource rule looks at one resource and yields messages; a stack rule looks at all resources and yields
(urn, message) pairs. Inputs are the camelCase properties as registered with the engine.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal, TypeVar

from pulumi_policy.proxy import UnknownValueError

_T = TypeVar("_T")

Level = Literal["mandatory", "advisory"]


@dataclass(frozen=True)
class Resource:
    """What a rule sees of one resource."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    protect: bool = False
    provider_inputs: Mapping[str, Any] | None = None
    parent: str | None = None
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)  # input -> URNs it came from
    dependencies: Sequence[str] = ()  # URNs it waits for: explicit depends_on and those its inputs came from
    ignore_changes: Sequence[str] = ()  # input names the engine leaves alone after creation

    @property
    def tags(self) -> dict[str, str]:
        """The resource's effective tags: its provider's default_tags overlaid with its own."""
        merged: dict[str, str] = {}
        if self.provider_inputs:
            default_tags = decode(self.provider_inputs.get("defaultTags")) or {}
            merged.update(default_tags.get("tags") or {})
        merged.update(self.inputs.get("tags") or {})
        return merged


@dataclass(frozen=True)
class Violation:
    policy: str
    urn: str
    level: Level
    message: str


@dataclass(frozen=True)
class ResourceRule:
    name: str
    description: str
    level: Level
    check: Callable[[Resource], Iterable[str]]


@dataclass(frozen=True)
class StackRule:
    name: str
    description: str
    level: Level
    check: Callable[[Sequence[Resource]], Iterable[tuple[str, str]]]


RESOURCE_RULES: list[ResourceRule] = []
STACK_RULES: list[StackRule] = []


def resource_rule(name: str, description: str, level: Level = "mandatory") -> Callable[..., Any]:
    def register(fn: Callable[[Resource], Iterable[str]]) -> Callable[[Resource], Iterable[str]]:
        RESOURCE_RULES.append(ResourceRule(name, description, level, fn))
        return fn

    return register


def stack_rule(name: str, description: str, level: Level = "mandatory") -> Callable[..., Any]:
    def register(fn: Callable[[Sequence[Resource]], Iterable[tuple[str, str]]]) -> Callable[..., Any]:
        STACK_RULES.append(StackRule(name, description, level, fn))
        return fn

    return register


def in_subject_order(subjects: Sequence[ModuleType]) -> None:
    """Order the registries by subject as `subjects` lists the modules, each module's rules as it defines them: the
    order the pack and the preview report rules in. A rule registered later (the scorecard's) stays last."""
    rank = {module.__name__: index for index, module in enumerate(subjects)}
    RESOURCE_RULES.sort(key=lambda rule: rank.get(rule.check.__module__, len(rank)))
    STACK_RULES.sort(key=lambda rule: rank.get(rule.check.__module__, len(rank)))

def once_per_resources(compute: Callable[[Sequence[Resource]], _T]) -> Callable[[Sequence[Resource]], _T]:
    """`compute` over a resource list, computed again only for other resource objects than last time: a preview asks
    for the same verdicts several times (its rules, its printed tables, its inventory). Callers must not change
    what it returns."""
    last: list[tuple[tuple[Resource, ...], _T]] = []

    @functools.wraps(compute)
    def computed(resources: Sequence[Resource]) -> _T:
        if last and len(last[0][0]) == len(resources) and all(a is b for a, b in zip(last[0][0], resources, strict=True)):
            return last[0][1]
        result = compute(resources)
        last[:] = [(tuple(resources), result)]
        return result

    return computed


def evaluate_rules(resources: Sequence[Resource], resource_rules: Sequence[ResourceRule],
                   stack_rules: Sequence[StackRule]) -> list[Violation]:
    """Every violation of `resource_rules` and `stack_rules` over `resources` (custom resources only), as the
    CrossGuard analyzer reports them.

    A rule that meets a value not known until deployment (pulumi_policy's proxies raise UnknownValueError) is skipped,
    for that resource or (a stack rule) for the stack, and says so in an advisory violation; what it reported before
    stands. pulumi_policy's analyzer does the same (pulumi_policy/policy.py, Analyze and AnalyzeStack).
    """
    violations: list[Violation] = []
    for resource in resources:
        for rule in resource_rules:  # every resource meets every rule: kept lean (a hundred accounts, 400,000 checks)
            try:
                for message in rule.check(resource):
                    violations.append(Violation(rule.name, resource.urn, rule.level, message))
            except UnknownValueError as unknown:
                violations.append(_undecided(rule.name, resource.urn, unknown))
    for stack_check in stack_rules:
        violations.extend(_checked(stack_check.name, stack_check.level, "", found=stack_check.check(resources)))
    return violations


def _checked(policy: str, level: Level, urn: str, *, found: Iterable[tuple[str, str]]) -> list[Violation]:
    violations: list[Violation] = []
    try:
        violations.extend(Violation(policy, where, level, message) for where, message in found)
    except UnknownValueError as unknown:
        violations.append(_undecided(policy, urn, unknown))
    return violations


def _undecided(policy: str, urn: str, unknown: UnknownValueError) -> Violation:
    return Violation(policy, urn, "advisory", f"can't decide before deployment: {unknown.message}")


def decode(value: Any) -> Any:
    """Provider inputs arrive JSON-encoded (`defaultTags` is a string); other inputs arrive as objects."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def number(value: Any) -> Any:
    """A number for a message, as people write it: the engine carries every number as a double (port 22 is 22.0)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def as_list(value: Any) -> list[Any]:
    """A field that holds one value or a list of them (IAM's Action, Resource, Principal.AWS) as a list.

    A list may be any Sequence: pulumi_policy hands the pack its own proxies for lists and dicts, not `list`/`dict`.
    """
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return list(value)
    return [value]

class Graph:
    """Resources by URN, and references between them through the input that holds each one."""

    def __init__(self, resources: Sequence[Resource]):
        self.by_urn = {r.urn: r for r in resources}
        self.by_type: dict[str, list[Resource]] = {}
        self.referrers: dict[str, list[tuple[str, Resource]]] = {}  # urn -> (input, resource that references it)
        for resource in resources:
            self.by_type.setdefault(resource.type, []).append(resource)
            for key, urns in resource.property_dependencies.items():
                for urn in set(urns):
                    self.referrers.setdefault(urn, []).append((key, resource))

    def of(self, *types: str) -> list[Resource]:
        return [r for token in types for r in self.by_type.get(token, [])]

    def deps(self, resource: Resource, key: str, *types: str) -> list[Resource]:
        """The resources of `types` that `resource.inputs[key]` was built from."""
        found = [self.by_urn[urn] for urn in resource.property_dependencies.get(key, ()) if urn in self.by_urn]
        return [r for r in found if r.type in types]

    def dependents(self, resource: Resource, key: str, *types: str) -> list[Resource]:
        """The resources of `types` whose input `key` references `resource`."""
        return [r for k, r in self.referrers.get(resource.urn, []) if k == key and r.type in types]

def is_everyone(principal: Any) -> bool:
    """A policy principal of everyone: `*`, or `{"AWS": "*"}`."""
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return "*" in as_list(principal.get("AWS"))
    return False
