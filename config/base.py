"""Shared building blocks of the stack config models: the strict base model and common field types."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints


class Model(BaseModel):
    """Every config model: unknown keys are errors, values are checked on assignment too."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


# Short names become the middle of AWS names (`<org>-<account>-<purpose>`), so they stay short and DNS-safe.
NAME_PATTERN = r"^[a-z][a-z0-9-]*[a-z0-9]$"

OrgName = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN, min_length=2, max_length=12),
    Field(description="Short lowercase name of the company; the first part of every AWS name (2-12 chars, a-z 0-9 -)."),
]

AccountName = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN, min_length=2, max_length=16),
    Field(description="Config name of an account (2-16 chars, a-z 0-9 -), e.g. `dev`, `ops`."),
]

def _quoted_account_id(value: Any) -> Any:
    """YAML reads an unquoted id as a number (and one with a leading 0 as octal): say to quote it."""
    if isinstance(value, int) and not isinstance(value, bool):
        octal = f"0{value:o}"
        if len(str(value)) != 12 and len(octal) == 12:
            raise ValueError(f"YAML read the unquoted id {octal} as the octal number {value}; quote it: "
                             f'"{octal}"')
        raise ValueError(f'`{value}` is a number; account ids are strings of 12 digits: quote it, "{value}"')
    return value


AccountId = Annotated[
    str,
    BeforeValidator(_quoted_account_id),
    StringConstraints(pattern=r"^\d{12}$"),
    Field(description="A 12-digit AWS account id, quoted (`\"012345678901\"`): unquoted, YAML reads it as a number."),
]

# AWS Organizations accepts 6-64 characters; we also insist on one @ and a dotted domain.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+$")

# The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                      3288, 3653)

IAM_NAME_PATTERN = r"^[A-Za-z0-9+=,.@_-]+$"

IamRoleName = Annotated[
    str,
    StringConstraints(pattern=IAM_NAME_PATTERN, min_length=1, max_length=64),
    Field(description="An IAM role name (1-64 chars of A-Z a-z 0-9 + = , . @ _ -)."),
]

# The validated sections by name (`organization`, `network`, ...), as the cross-checks (config/checks/) read them.
Sections = dict[str, Any]
