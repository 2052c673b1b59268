"""Structured log lines (one JSON object each) with every known secret redacted before it is written."""

from __future__ import annotations

import json
import logging
import os
import re

from .blocks import clean

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

logger = logging.getLogger("slack_notifier")
_level = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
logger.setLevel(_level if _level in logging.getLevelNamesMapping() else logging.INFO)

# Slack tokens look like this whether or not we fetched them, so they are masked on sight.
_SLACK_TOKEN = re.compile(r"xox[a-z]-[A-Za-z0-9-]+")
_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Remember a secret so that `redact` masks it wherever it appears."""
    if len(value) >= 8:  # a very short "secret" would mask ordinary words
        _secrets.add(value)


def redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, "[redacted]")
    return _SLACK_TOKEN.sub("[redacted]", text)


def log(level: int, event: str, **fields: Any) -> None:
    if logger.isEnabledFor(level):
        # Cleaned: a lone surrogate from an event would make the log handler fail to write the line.
        logger.log(level, redact(clean(json.dumps({"event": event, **fields}, default=str, ensure_ascii=False))))
