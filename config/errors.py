"""The one error bad config raises: every problem at once, each with its YAML path."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

NAMESPACE = "landing-zone"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the stack config. `path` is dotted below the namespace, e.g. `network.vpcs.ops.cidr`."""

    path: str
    message: str
    namespace: str = NAMESPACE

    def __str__(self) -> str:
        return f"{self.namespace}:{self.path}: {self.message}"


def join_path(*parts: str | int) -> str:
    """`("accounts", 2, "email")` -> `accounts[2].email`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class ConfigError(pulumi.RunError):
    """Raised before any resource is built; pulumi prints RunError messages without a traceback."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"invalid stack config ({len(problems)} {noun}):\n{lines}")
