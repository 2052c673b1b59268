"""Stack secrets: top-level `landing-zone:` keys that hold credentials; always `secure:`, read only as secret Outputs.

They are not sections (no model holds their value); a section registers the key, says when it is needed,
and the loader reports a missing one, or one written in clear text, with the other config problems.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pulumi

from config.base import Sections
from config.errors import NAMESPACE, Problem


@dataclass(frozen=True)
class SecretKey:
    key: str
    description: str
    needs: tuple[str, ...]
    required: Callable[[Sections], bool]


SECRET_KEYS: dict[str, SecretKey] = {}


def secret_key(key: str, description: str, needs: tuple[str, ...] = (),
               *, required: Callable[[Sections], bool] = lambda _: True) -> str:
    """Register `landing-zone:<key>` as a secret, needed when `required(sections)`; returns the key."""
    SECRET_KEYS[key] = SecretKey(key, description, needs, required)
    return key


def read_secret(key: str) -> pulumi.Output[str]:
    """The secret's value as a secret Output; it never becomes a plain string in the program."""
    if key not in SECRET_KEYS:
        raise KeyError(f"{key} is not a registered secret key")
    return pulumi.Config(NAMESPACE).require_secret(key)


def secret_problems(sections: Sections, present: Mapping[str, bool]) -> list[Problem]:
    """Problems with the secret keys; `present` maps each key in the stack file to whether it is `secure:`."""
    problems: list[Problem] = []
    for key, spec in SECRET_KEYS.items():
        how = f"`pulumi config set --secret {NAMESPACE}:{key} <value>`"
        if key in present and not present[key]:
            problems.append(Problem(key, f"is in clear text in the stack file; remove it and set it with {how}"))
        elif key not in present and all(name in sections for name in spec.needs) and spec.required(sections):
            problems.append(Problem(key, f"missing: {spec.description}; set it with {how}"))
    return problems
