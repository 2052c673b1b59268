"""Read Pulumi.<stack>.yaml and turn it into config the way the engine hands it to a program."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

# What a `secure:` value reads as offline; the real value never leaves the engine.
SECRET_PLACEHOLDER = "offline-preview-secret"


class StackFileError(Exception):
    """The stack file itself cannot be read (missing, not YAML, no `config:` mapping)."""


def load(path: Path, project: str) -> tuple[dict[str, str], list[str]]:
    """(config, secret keys): keys fully qualified, objects as JSON strings, secure values replaced."""
    if not path.is_file():
        raise StackFileError(f"{path.name}: no such stack file; create it or pick another stack")
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise StackFileError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("config", {}), dict):
        raise StackFileError(f"{path.name}: expected a mapping with a `config:` mapping inside")
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, raw in (document.get("config") or {}).items():
        full_key = key if ":" in str(key) else f"{project}:{key}"
        value, secret = _replace_secure(raw)
        if secret:
            secret_keys.append(full_key)
        values[full_key] = _as_engine_string(value)
    return values, secret_keys


def _replace_secure(value: Any) -> tuple[Any, bool]:
    """Swap every `{secure: ...}` for the placeholder; report whether any was found."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        found = False
        out = {}
        for key, item in value.items():
            out[key], secret = _replace_secure(item)
            found = found or secret
        return out, found
    if isinstance(value, list):
        pairs = [_replace_secure(item) for item in value]
        return [item for item, _ in pairs], any(secret for _, secret in pairs)
    return value, False


def _as_engine_string(value: Any) -> str:
    """Objects and lists become JSON, booleans lowercase, everything else its text, as the engine does."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
