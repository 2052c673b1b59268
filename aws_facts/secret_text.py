"""Text that looks like a secret: what the config refuses in environment variables and the policy rule
no-secret-literals-in-environment reports.
"""

from __future__ import annotations

import re
from typing import Any

# Values that are secrets whatever the variable is called.
SECRET_VALUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("an AWS secret access key",
     re.compile(r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[0-9])"
                r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("an API secret key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+")),
    ("a password inside a URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
)
# Names that promise a secret; their value must then be a reference (an ARN or a parameter path), not the secret.
SECRET_NAME = re.compile(r"(?i)(password|passwd|passphrase|secret|token|api_?key|private_?key|credential)")
_REFERENCE = re.compile(r"^(?:arn:|/|\[secret\]$|\[unknown\]$)")


def looks_like_secret(name: str, value: Any) -> str | None:
    """Why an environment variable's literal looks like a secret, or None."""
    if not isinstance(value, str) or not value or _REFERENCE.match(value):
        return None
    for what, pattern in SECRET_VALUES:
        if pattern.search(value):
            return f"its value looks like {what}"
    plain_value = value.lower() in ("true", "false") or value.replace(".", "", 1).isdigit()
    if SECRET_NAME.search(name) and len(value) >= 8 and not plain_value:
        return "its name promises a secret and its value is a literal, not an ARN or parameter path"
    return None
