"""Which value a rule reads first: inputs wrapped in Mappings and Sequences that log every read, as pulumi_policy's
proxies are the place a read meets an unknown value (pulumi_policy/proxy.py raises from `__getitem__`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policy import rules

Path = tuple[Any, ...]  # (URN, "inputs" or "provider", key or index, ...)


class _ReadMapping(Mapping[str, Any]):
    def __init__(self, target: Mapping[str, Any], path: Path, log: list[Path]):
        self._target, self._path, self._log = target, path, log

    def __getitem__(self, key: str) -> Any:
        self._log.append((*self._path, key))
        return _reading(self._target[key], (*self._path, key), self._log)

    def __iter__(self) -> Iterator[str]:
        return iter(self._target)

    def __len__(self) -> int:
        return len(self._target)


class _ReadSequence(Sequence[Any]):
    def __init__(self, target: Sequence[Any], path: Path, log: list[Path]):
        self._target, self._path, self._log = target, path, log

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._target)))]
        self._log.append((*self._path, index))
        return _reading(self._target[index], (*self._path, index), self._log)

    def __len__(self) -> int:
        return len(self._target)


def _reading(value: Any, path: Path, log: list[Path]) -> Any:
    if isinstance(value, Mapping):
        return _ReadMapping(value, path, log)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return _ReadSequence(value, path, log)
    return value


def reads(rule: rules.ResourceRule | rules.StackRule, resources: Sequence[rules.Resource],
          plain_inputs: Mapping[str, Mapping[str, Any]],
          plain_provider_inputs: Mapping[str, Mapping[str, Any] | None]) -> list[Path]:
    """Every value `rule` reads, in order, checking `resources` (a resource rule: the first alone) with the given
    plain inputs by URN."""
    log: list[Path] = []
    logged = [dataclasses.replace(
        resource, inputs=_ReadMapping(plain_inputs[resource.urn], (resource.urn, "inputs"), log),
        provider_inputs=(None if plain_provider_inputs[resource.urn] is None else
                         _ReadMapping(plain_provider_inputs[resource.urn] or {}, (resource.urn, "provider"), log)))
        for resource in resources]
    if isinstance(rule, rules.ResourceRule):
        list(rule.check(logged[0]))
    else:
        list(rule.check(logged))
    return log


def set_at(target: Any, path: Sequence[Any], value: Any) -> None:
    """Put `value` at `path` inside nested dicts and lists."""
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
