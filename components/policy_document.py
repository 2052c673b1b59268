"""Typed IAM policy documents, serialized once. Every policy the program emits is built from these.

ARNs may be Outputs; `to_json()` waits for them and returns the document as an Output[str].
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi

ACTION_PATTERN = re.compile(r"^([a-z0-9-]+:[A-Za-z0-9*]+|\*)$")

Effect = Literal["Allow", "Deny"]
# {"Service": [...]} / {"AWS": [...]} / {"Federated": [...]}, or "*" for anyone (only with conditions).
Principals = Mapping[str, Sequence[pulumi.Input[str]]] | Literal["*"]
# {"Bool": {"aws:MultiFactorAuthPresent": "true"}}: operator -> key -> value(s)
Conditions = Mapping[str, Mapping[str, pulumi.Input[str] | Sequence[pulumi.Input[str]]]]


@dataclass(frozen=True)
class Statement:
    """One statement. Give `actions` or `not_actions`, and `resources` or `not_resources` (none in trust policies)."""

    effect: Effect
    actions: Sequence[str] = ()
    resources: Sequence[pulumi.Input[str]] = ()
    principals: Principals | None = None
    conditions: Conditions | None = None
    not_actions: Sequence[str] = ()
    not_resources: Sequence[pulumi.Input[str]] = ()
    not_principals: Principals | None = None
    sid: str | None = None

    def __post_init__(self) -> None:
        if bool(self.actions) == bool(self.not_actions):
            raise ValueError(f"statement {self.sid or ''}: give exactly one of actions / not_actions")
        bad = [a for a in (*self.actions, *self.not_actions) if not ACTION_PATTERN.match(a)]
        if bad:
            raise ValueError(f"statement {self.sid or ''}: actions must look like `service:Action`, got {bad}")
        if self.sid is not None and not re.fullmatch(r"[A-Za-z0-9]+", self.sid):
            raise ValueError(f"statement sid `{self.sid}` may hold only letters and digits")

    def as_input(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.sid:
            body["Sid"] = self.sid
        body["Effect"] = self.effect
        if self.principals is not None:
            body["Principal"] = _principal(self.principals)
        if self.not_principals is not None:
            body["NotPrincipal"] = _principal(self.not_principals)
        if self.actions:
            body["Action"] = _one_or_many(sorted(set(self.actions)))
        if self.not_actions:
            body["NotAction"] = _one_or_many(sorted(set(self.not_actions)))
        if self.resources:
            body["Resource"] = _one_or_many(list(self.resources))
        if self.not_resources:
            body["NotResource"] = _one_or_many(list(self.not_resources))
        if self.conditions:
            body["Condition"] = {op: {k: _one_or_many(v) if isinstance(v, (list, tuple)) else v
                                      for k, v in values.items()}
                                 for op, values in self.conditions.items()}
        return body


@dataclass(frozen=True)
class PolicyDocument:
    statements: Sequence[Statement] = field(default_factory=tuple)

    def __add__(self, other: PolicyDocument) -> PolicyDocument:
        return PolicyDocument((*self.statements, *other.statements))

    def as_input(self) -> dict[str, Any]:
        return {"Version": "2012-10-17", "Statement": [statement.as_input() for statement in self.statements]}

    def to_json(self) -> pulumi.Output[str]:
        """The document as JSON once every ARN in it is known (secret if any is, depending on their resources)."""
        document = self.as_input()
        outputs: list[pulumi.Output[Any]] = []
        _collect_outputs(document, outputs)
        # Waiting on the Outputs alone, not on an Output per node of the document: a statement has dozens of nodes.
        return pulumi.Output.all(*outputs).apply(lambda values: _serialize(_filled(document, iter(values))))

    def to_static_json(self) -> str:
        """The same JSON text now, for documents made of plain strings only (SCPs, whose size AWS limits)."""
        document = self.as_input()
        outputs: list[pulumi.Output[Any]] = []
        _collect_outputs(document, outputs)
        if outputs:
            raise ValueError("the document holds Outputs; use to_json()")
        return _serialize(document)


def _serialize(document: Any) -> str:
    return json.dumps(document, separators=(",", ":"))


def _collect_outputs(value: Any, found: list[pulumi.Output[Any]]) -> None:
    """Append the Outputs in `value` to `found`, depth first, in the order `_filled` puts their values back."""
    if isinstance(value, dict):
        for item in value.values():
            _collect_outputs(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_outputs(item, found)
    elif isinstance(value, pulumi.Output):
        found.append(value)


def _filled(value: Any, values: Iterator[Any]) -> Any:
    """`value` with each Output replaced by the next of `values` (tuples become lists, as in JSON)."""
    if isinstance(value, dict):
        return {key: _filled(item, values) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_filled(item, values) for item in value]
    if isinstance(value, pulumi.Output):
        return next(values)
    return value


def _principal(principals: Principals) -> Any:
    if principals == "*":
        return "*"
    assert not isinstance(principals, str)
    return {kind: _one_or_many(list(values)) for kind, values in principals.items()}


def _one_or_many(values: Sequence[Any]) -> Any:
    return values[0] if len(values) == 1 else list(values)
