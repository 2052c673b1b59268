"""Lambda entry point: each SNS record becomes one Slack message, in the channel for its topic's severity.

Deploy this folder as the package `slack_notifier` (zip path slack_notifier/*.py) with the handler
`slack_notifier.handler.handler`. Any failure to deliver is raised, so the asynchronous invocation is retried
and then lands in the function's dead-letter queue; nothing is dropped silently.

Environment: SLACK_CHANNELS (JSON, severity -> channel ID), SLACK_TOKEN_SECRET_ARN (the bot token's secret),
DEFAULT_SEVERITY (for topics without a -critical/-warning/-security suffix; "warning"), ACCOUNT_NAMES (optional
JSON, account ID -> name), SLACK_API_URL and SECRETS_MANAGER_ENDPOINT (overrides for tests), LOG_LEVEL ("INFO").
"""

from __future__ import annotations

if not __package__:  # loaded as a top-level module: the zip was built without the package folder
    raise ImportError("package this folder as slack_notifier/ and set the handler to slack_notifier.handler.handler")

import json
import logging
import os

from . import formats, logs, slack_api, token_secret
from .notification import Envelope, Notification
from .retry import Budget
from .slack_api import BLOCK_ERRORS, SlackAuthRejectedError, SlackRejectedError

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

SEVERITIES = ("critical", "warning", "security")


class ConfigurationError(RuntimeError):
    """An environment variable is missing or malformed; the message names it and says what is expected."""


class NotDeliveredError(RuntimeError):
    """At least one message could not be posted; raised so the event goes to the dead-letter queue."""


def _json_object(name: str, required: bool) -> dict[str, str]:
    value = os.environ.get(name, "").strip()
    if not value:
        if required:
            raise ConfigurationError(f'{name} is not set: expected JSON like {{"critical": "C0123", "warning": "C0456"}}')
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        raise ConfigurationError(f"{name} is not valid JSON: expected an object of strings") from None
    if not isinstance(parsed, dict) or not all(isinstance(v, str) and v for v in parsed.values()):
        raise ConfigurationError(f"{name} must be a JSON object whose values are non-empty strings")
    return {str(key).lower() if name == "SLACK_CHANNELS" else str(key): v for key, v in parsed.items()}


class Settings:
    """What the environment configures: where each severity goes, and how messages name accounts."""

    __slots__ = ("account_names", "api_url", "channels", "default_severity")

    def __init__(self, channels: dict[str, str], default_severity: str, account_names: dict[str, str], *, api_url: str):
        self.channels = channels  # severity -> Slack channel ID
        self.default_severity = default_severity
        self.account_names = account_names  # AWS account ID -> name shown in messages
        self.api_url = api_url

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(channels=_json_object("SLACK_CHANNELS", required=True),
                   default_severity=(os.environ.get("DEFAULT_SEVERITY") or "warning").strip().lower(),
                   account_names=_json_object("ACCOUNT_NAMES", required=False),
                   api_url=os.environ.get("SLACK_API_URL") or slack_api.DEFAULT_API_URL)

    def severity_of(self, topic_arn: str) -> str:
        """The severity a topic stands for, from its name's suffix (ops-alerts-critical -> critical)."""
        name = topic_arn.rsplit(":", 1)[-1].lower()
        return next((s for s in SEVERITIES if name.endswith(f"-{s}")), self.default_severity)

    def channel_for(self, severity: str) -> str:
        channel = self.channels.get(severity) or self.channels.get(self.default_severity)
        if not channel:
            raise ConfigurationError(f"SLACK_CHANNELS has no channel for {severity!r} nor for DEFAULT_SEVERITY "
                                     f"{self.default_severity!r}; it names {sorted(self.channels)}")
        return channel


def envelopes(event: Any, settings: Settings) -> list[Envelope]:
    """The SNS records of the event; anything else (a direct invocation) is treated as one message."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list) or not records:
        records = [{"Sns": {"Message": json.dumps(event, default=str)}}]
    result = []
    for record in records:
        sns = record.get("Sns") if isinstance(record, dict) else None
        if not isinstance(sns, dict):
            sns = {"Message": json.dumps(record, default=str)}
        message = sns.get("Message")
        topic = str(sns.get("TopicArn") or "")
        attributes = sns.get("MessageAttributes")
        attributes = attributes if isinstance(attributes, dict) else {}
        result.append(Envelope(
            message=message if isinstance(message, str) else json.dumps(message, default=str),
            severity=settings.severity_of(topic), topic_arn=topic, subject=str(sns.get("Subject") or ""),
            timestamp=str(sns.get("Timestamp") or ""), message_id=str(sns.get("MessageId") or ""),
            attributes={k: str(v.get("Value")) for k, v in attributes.items() if isinstance(v, dict)},
            account_names=settings.account_names))
    return result


def deliver(notification: Notification, channel: str, settings: Settings, *, budget: Budget) -> dict[str, Any]:
    """Post with the cached token; fetch the token again once if Slack refuses it; fall back to text if blocks are refused."""
    payload = notification.payload(channel)
    token = token_secret.bot_token(budget)
    try:
        try:
            return slack_api.post_message(settings.api_url, token, payload, budget=budget)
        except SlackAuthRejectedError as refused:
            logs.log(logging.WARNING, "token_refused", error=refused.error, action="fetching the token again")
            token_secret.forget()
            token = token_secret.bot_token(budget)
            return slack_api.post_message(settings.api_url, token, payload, budget=budget)
    except SlackRejectedError as rejected:
        if rejected.error not in BLOCK_ERRORS:
            raise
        logs.log(logging.WARNING, "blocks_rejected", error=rejected.error, action="posting the plain text alone")
        return slack_api.post_message(settings.api_url, token, {"channel": channel, "text": notification.text}, budget=budget)


def handler(event: Any, context: Any) -> dict[str, Any]:
    budget = Budget.from_context(context)
    settings = Settings.from_environment()
    posted: list[dict[str, Any]] = []
    failures: list[Exception] = []
    for envelope in envelopes(event, settings):
        facts = {"severity": envelope.severity, "topic": envelope.topic_arn, "sns_message_id": envelope.message_id}
        try:
            notification = formats.build(envelope)
            facts["kind"] = notification.kind
            channel = settings.channel_for(envelope.severity)
            reply = deliver(notification, channel, settings, budget=budget)
        except Exception as error:  # every failure is logged here and raised below: never swallowed
            logs.log(logging.ERROR, "not_delivered", **facts, error=f"{type(error).__name__}: {error}")
            failures.append(error)
            continue
        logs.log(logging.INFO, "posted", **facts, channel=channel, ts=reply.get("ts"))
        posted.append({"kind": notification.kind, "channel": channel, "ts": reply.get("ts")})
    if failures:
        first = failures[0]
        summary = f"{len(failures)} of {len(failures) + len(posted)} message(s) not delivered"
        raise NotDeliveredError(logs.redact(f"{summary}; first error: {type(first).__name__}: {first}")) from first
    return {"posted": posted}
