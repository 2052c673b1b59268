"""chat.postMessage: Slack's `ok: false` and HTTP failures sorted into retry-later and give-up."""

from __future__ import annotations

import json
import logging
from email.message import Message

from . import logs, retry, transport
from .retry import Budget, TransientError

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

DEFAULT_API_URL = "https://slack.com/api"
# Slack-side trouble that a later attempt can outlast.
RETRYABLE_ERRORS = frozenset({"ratelimited", "rate_limited", "internal_error", "fatal_error",
                              "service_unavailable", "request_timeout"})
# The token itself is refused: fetching it again may help once (it may have been rotated).
AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"})
# The blocks were refused: the plain text alone may still get through.
BLOCK_ERRORS = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long",
                          "too_many_blocks"})


class SlackRejectedError(RuntimeError):
    """Slack refused the message for a reason that waiting will not fix (channel_not_found, not_in_channel, ...)."""

    def __init__(self, error: str, channel: str):
        self.error = error
        super().__init__(f"Slack chat.postMessage to channel {channel} failed: {error}")


class SlackAuthRejectedError(SlackRejectedError):
    """Slack refused the bot token."""


def retry_after(headers: Message) -> float | None:
    """Seconds from a Retry-After header; None when it is absent or not a number."""
    value = headers.get("Retry-After")
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return max(0.0, seconds) if seconds is not None else None


def post_message(api_url: str, token: str, payload: dict[str, Any], *, budget: Budget) -> dict[str, Any]:
    """Post `payload` (channel, text, blocks) and return Slack's reply; raise SlackRejectedError or RetriesExhaustedError."""
    url = api_url.rstrip("/") + "/chat.postMessage"
    channel = str(payload.get("channel"))
    # The blocks are cleaned text already; "replace" is the last guard that no character can stop delivery.
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "replace")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"}

    def attempt(timeout: float) -> dict[str, Any]:
        response = transport.post(url, body, headers, timeout=timeout)
        if response.status == 429:
            raise TransientError("HTTP 429 rate limited", after=retry_after(response.headers))
        if response.status >= 500:
            raise TransientError(f"HTTP {response.status}")
        if response.status != 200:
            raise SlackRejectedError(f"http_{response.status}", channel)
        try:
            reply = json.loads(response.body)
        except ValueError:
            raise TransientError("HTTP 200 with a body that is not JSON") from None
        if not isinstance(reply, dict):
            raise TransientError("HTTP 200 with a body that is not a JSON object")
        if reply.get("ok") is True:
            if reply.get("warning"):
                logs.log(logging.WARNING, "slack_warning", channel=channel, warning=reply.get("warning"))
            return reply
        error = logs.redact(str(reply.get("error") or "unknown_error"))[:100]
        if error in RETRYABLE_ERRORS:
            raise TransientError(f"Slack error {error}", after=retry_after(response.headers))
        if error in AUTH_ERRORS:
            raise SlackAuthRejectedError(error, channel)
        raise SlackRejectedError(error, channel)

    return retry.with_retries(f"Slack chat.postMessage to {channel}", attempt, budget)
