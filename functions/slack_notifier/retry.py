"""Retries within the invocation's time budget: Retry-After when the server names a wait, else backoff with jitter."""

from __future__ import annotations

import logging
import random
import time

from . import logs

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")

SAFETY_MARGIN_S = 2.0  # kept back so the failure can be logged and raised before Lambda's own timeout
DEFAULT_BUDGET_S = 30.0  # without a Lambda context (local runs, the benchmark)
MIN_ATTEMPT_S = 0.5  # an attempt with less time than this cannot complete a TLS handshake
REQUEST_TIMEOUT_S = 10.0  # one HTTP attempt; Slack and Secrets Manager answer in well under a second
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 8.0
MAX_ATTEMPTS = 8

# Seams for tests: the clock and the sleep are looked up at call time.
now: Callable[[], float] = time.monotonic
sleep: Callable[[float], None] = time.sleep


class TransientError(Exception):
    """A transient failure of one attempt; `after` is the wait the server asked for (Retry-After), if any."""

    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.after = after


class RetriesExhaustedError(RuntimeError):
    """Transient failures outlasted the attempts or the time this invocation has left."""


class Budget:
    """The time this invocation may still spend on network calls."""

    def __init__(self, seconds: float):
        self.deadline = now() + seconds

    @classmethod
    def from_context(cls, context: Any) -> Budget:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        seconds = remaining() / 1000 if callable(remaining) else DEFAULT_BUDGET_S
        return cls(seconds - SAFETY_MARGIN_S)

    def remaining(self) -> float:
        return self.deadline - now()


def backoff(attempt: int) -> float:
    """Delay before retry number `attempt` (0-based): doubling, with the upper half jittered."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**attempt)
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not cryptography


def with_retries(what: str, call: Callable[[float], T], budget: Budget) -> T:
    """Run `call(timeout)` until it returns, raises anything but TransientError, or time or attempts run out."""
    attempt = 0
    last = "no attempt made"
    while attempt < MAX_ATTEMPTS:
        remaining = budget.remaining()
        if remaining < MIN_ATTEMPT_S:
            break
        try:
            return call(min(REQUEST_TIMEOUT_S, remaining))
        except TransientError as failure:
            last = failure.reason
            attempt += 1
            delay = failure.after if failure.after is not None else backoff(attempt - 1)
            if attempt >= MAX_ATTEMPTS or budget.remaining() - delay < MIN_ATTEMPT_S:
                break
            logs.log(logging.WARNING, "retrying", call=what, attempt=attempt, reason=last, delay_s=round(delay, 3))
            sleep(delay)
    raise RetriesExhaustedError(f"{what} failed after {attempt} attempt(s) within the time left; last error: {logs.redact(last)}")
