"""The policy rules as plain functions; the CrossGuard pack (__main__.py) and the offline preview both call them.

A resource rule looks at one resource and yields messages; a stack rule looks at all resources and yields
(urn, message) pairs. Inputs are the camelCase properties as registered with the engine. This module imports
nothing from the program so the pack can load it on its own.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["mandatory", "advisory"]

REQUIRED_TAGS = ("Environment", "Owner", "CostCenter", "ManagedBy")

# What must survive a `pulumi destroy` or a refactor in production (DESIGN.md: stateful resources).
STATEFUL_TYPES = frozenset({
    "aws:organizations/organization:Organization",
    "aws:organizations/account:Account",
    "aws:kms/key:Key",
    "aws:rds/cluster:Cluster",
    "aws:opensearch/domain:Domain",
    "aws:s3/bucket:Bucket",
    "aws:kinesis/stream:Stream",
    "aws:backup/vault:Vault",
    "aws:dynamodb/table:Table",
})


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


def evaluate(resources: Sequence[Resource]) -> list[Violation]:
    """Every violation of every rule over `resources` (custom resources only)."""
    violations: list[Violation] = []
    for resource in resources:
        for rule in RESOURCE_RULES:
            violations.extend(Violation(rule.name, resource.urn, rule.level, message) for message in rule.check(resource))
    for stack_check in STACK_RULES:
        violations.extend(Violation(stack_check.name, urn, stack_check.level, message)
                          for urn, message in stack_check.check(resources))
    return violations


def decode(value: Any) -> Any:
    """Provider inputs arrive JSON-encoded (`defaultTags` is a string); other inputs arrive as objects."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


@functools.cache
def is_taggable(type_token: str) -> bool:
    """Whether a pulumi-aws resource type accepts `tags`, read from the SDK's own signature."""
    package, module_path, class_name = type_token.split(":")
    if package != "aws" or class_name == "Provider":
        return False
    module_name = module_path.split("/")[0]
    with warnings.catch_warnings():  # importing a module announces its deprecated classes
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            module = importlib.import_module("pulumi_aws" if module_name == "index" else f"pulumi_aws.{module_name}")
        except ImportError:
            return False
        resource_class = getattr(module, class_name, None)
    init = getattr(resource_class, "_internal_init", None)
    return init is not None and "tags" in inspect.signature(init).parameters


@resource_rule("required-tags", f"Every taggable AWS resource carries {', '.join(REQUIRED_TAGS)} "
                                "(through its provider's default_tags or its own).")
def required_tags(resource: Resource) -> Iterable[str]:
    if not is_taggable(resource.type):
        return
    missing = [tag for tag in REQUIRED_TAGS if not resource.tags.get(tag)]
    if missing:
        yield f"{resource.type} {resource.name} lacks tags {missing}; set them in the provider's default_tags"


@resource_rule("stateful-protected-in-production", "Stateful resources are protected when Environment=production.")
def stateful_protected(resource: Resource) -> Iterable[str]:
    if resource.type in STATEFUL_TYPES and resource.tags.get("Environment") == "production" and not resource.protect:
        yield f"{resource.type} {resource.name} holds state in production but is not protected; pass protect=True"
