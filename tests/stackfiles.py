"""The stack files the tests own (tests/stacks/), and variants of them: deep-merge a patch, or set dotted paths.

The program's behaviour is tested on these fixtures, never on the repository's own Pulumi.<stack>.yaml, so a company
that makes those files its own keeps `make test` green; tests/test_repository_stacks.py checks the repository's files.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from config.errors import NAMESPACE
from config.secrets import SECRET_KEYS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "stacks"
STACKS = ("dev", "prod")


def fixture_path(stack: str) -> Path:
    """The test-owned stack file for `stack` (a sandbox `dev` and a production `prod`)."""
    return FIXTURES / f"Pulumi.{stack}.yaml"


def base_config(stack: str) -> dict[str, Any]:
    """The `config:` mapping of the test-owned stack file, a fresh copy each call (tests change it freely)."""
    return copy.deepcopy(_parsed(stack))


@functools.cache
def _parsed(stack: str) -> dict[str, Any]:
    return yaml.safe_load(fixture_path(stack).read_text())["config"]


def config_sections(stack: str, patch: dict[str, Any] | None = None, sets: dict[str, Any] | None = None) -> dict[str, Any]:
    """The stack file's `landing-zone:` sections as the loader hands them to config.validate (secret keys are
    credentials, not sections), after deep-merging `patch` and setting dotted `sets`."""
    config = merge(base_config(stack), patch or {})
    for path, value in (sets or {}).items():
        set_path(config, path, value)
    return _own_sections(config)


def run_sections(values: Mapping[str, str]) -> dict[str, Any]:
    """A run's config (keys as written, objects as JSON strings, as the engine hands them over) as the loader
    hands it to config.validate: JSON decoded, a plain string kept as it is."""
    decoded: dict[str, Any] = {}
    for key, text in values.items():
        try:
            decoded[key] = json.loads(text)
        except ValueError:
            decoded[key] = text
    return _own_sections(decoded)


def _own_sections(config: Mapping[str, Any]) -> dict[str, Any]:
    prefix = f"{NAMESPACE}:"
    return {key[len(prefix):]: value for key, value in config.items()
            if key.startswith(prefix) and key[len(prefix):] not in SECRET_KEYS}


def merge(base: Any, patch: Any) -> Any:
    """Deep-merge `patch` into `base`: mappings merge, `None` deletes a key, anything else replaces."""
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge(merged.get(key), value)
    return merged


def set_path(config: dict[str, Any], path: str, value: Any) -> None:
    """`landing-zone:accounts[1].email` = value; a final `~` value deletes the key."""
    key = re.match(r"[^.\[]+", path).group(0)  # type: ignore[union-attr]
    parts: list[str | int] = [key]
    tail = path[len(key):]
    for match in re.finditer(r"\[(\d+)\]|\.([^.\[]+)", tail):
        parts.append(int(match.group(1)) if match.group(1) is not None else match.group(2))
    target: Any = config
    for part in parts[:-1]:
        target = target[part]
    if value == "~":
        del target[parts[-1]]
    else:
        target[parts[-1]] = value


def write_stack_file(directory: Path, base: str, patch: dict[str, Any] | None = None,
                     sets: dict[str, Any] | None = None, name: str = "variant") -> Path:
    config = merge(base_config(base), patch or {})
    for path, value in (sets or {}).items():
        set_path(config, path, value)
    target = directory / f"Pulumi.{name}.yaml"
    target.write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    return target
