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
    """(config, secret keys): keys as written (`<namespace>:<name>`), objects as JSON strings, secure values replaced.

    Raises StackFileError for a file that is missing, not UTF-8, not YAML, not shaped `config: {...}`, or has keys
    without a namespace (the engine refuses them too).
    """
    if not path.is_file():
        raise StackFileError(f"{path.name}: no such stack file; create it or pick another stack")
    document = _parse(path)
    if not isinstance(document, dict) or not isinstance(document.get("config", {}), dict):
        raise StackFileError(f"{path.name}: expected a mapping with a `config:` mapping inside")
    config = document.get("config") or {}
    bare = [str(key) for key in config if ":" not in str(key)]
    if bare:
        raise StackFileError(f"{path.name}: config keys need a namespace, as Pulumi reads them (`<namespace>:<name>`): "
                             + "; ".join(f"write `{project}:{key}` for `{key}`" for key in bare))
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, raw in config.items():
        full_key = str(key)
        value, secret = _replace_secure(raw)
        if secret:
            secret_keys.append(full_key)
        values[full_key] = _as_engine_string(value)
    return values, secret_keys


# What a byte-order mark says the file is (PowerShell's `>` and Out-File write UTF-16 LE with a BOM).
_BOMS = {b"\xff\xfe": "UTF-16 (little-endian)", b"\xfe\xff": "UTF-16 (big-endian)"}


def _parse(path: Path) -> Any:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        kind = next((name for bom, name in _BOMS.items() if data.startswith(bom)), None)
        if kind is None and b"\x00" in data[:4096]:
            kind = "binary or UTF-16 without a byte-order mark"
        line = data[:error.start].count(b"\n") + 1
        found = f" (it looks like {kind})" if kind else f" (byte 0x{data[error.start]:02x} on line {line})"
        raise StackFileError(f"{path.name}: not UTF-8{found}; Pulumi reads stack files as UTF-8: save it as UTF-8 "
                             "(PowerShell: Set-Content -Encoding utf8)") from None
    try:
        return yaml.safe_load(text.removeprefix("\ufeff")) or {}
    except yaml.YAMLError as exc:
        raise StackFileError(f"{path.name}: not valid YAML: {exc}") from None


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
