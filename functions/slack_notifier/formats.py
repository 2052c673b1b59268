"""Which message is this? Recognise the shape and build its Slack message; anything else is posted raw."""

from __future__ import annotations

import importlib
import json
import logging

from . import blocks, logs
from .blocks import escape
from .notification import Envelope, Notification, Origin, compose, console_url

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

RAW_PREVIEW_CHARS = 500  # of an unrecognised message, in the plain fallback text
SES_TYPES = ("Bounce", "Complaint")
# shape -> (module, function). A module is imported when its shape first arrives: a container that only
# ever sees alarms never compiles the rest, which keeps the cold start short.
BUILDERS = {
    "alarm": ("alarms", "alarm"),
    "console_sign_in": ("security_events", "sign_in"),
    "cloudtrail_api_call": ("security_events", "api_call"),
    "guardduty_finding": ("findings", "guardduty"),
    "security_hub_findings": ("findings", "security_hub"),
    "backup_event": ("service_events", "backup_event"),
    "backup_notification": ("service_events", "backup_notification"),
    "ses": ("service_events", "ses"),
}


def parse(message: str) -> Any:
    """The message as JSON when it is JSON, else None."""
    if message.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return json.loads(message)
    except ValueError:
        return None


def shape_of(body: Any, envelope: Envelope) -> str | None:
    """Which of the known shapes a message has (a key of BUILDERS), or None."""
    if isinstance(body, dict):
        if "AlarmName" in body and "NewStateValue" in body:
            return "alarm"
        detail_type = str(body.get("detail-type") or "")
        if detail_type == "AWS Console Sign In via CloudTrail":
            return "console_sign_in"
        if detail_type == "AWS API Call via CloudTrail":
            return "cloudtrail_api_call"
        if detail_type == "GuardDuty Finding":
            return "guardduty_finding"
        if detail_type == "Security Hub Findings - Imported":
            return "security_hub_findings"
        if body.get("source") == "aws.backup" and detail_type.endswith(" Job State Change"):
            return "backup_event"
        if (body.get("notificationType") or body.get("eventType")) in SES_TYPES and isinstance(body.get("mail"), dict):
            return "ses"
    if envelope.attributes.get("EventType", "").endswith("_JOB"):  # AWS Backup's own notification
        return "backup_notification"
    return None


def build(envelope: Envelope) -> Notification:
    body = parse(envelope.message)
    shape = shape_of(body, envelope)
    if shape is not None:
        module, function = BUILDERS[shape]
        try:
            notification: Notification = getattr(importlib.import_module(f"{__package__}.{module}"), function)(body, envelope)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            # A known shape with surprising contents is still worth a message: post it raw.
            logs.log(logging.WARNING, "format_failed", shape=shape, topic=envelope.topic_arn,
                     error=f"{type(error).__name__}: {error}")
        else:
            return notification
    return raw(envelope, body)


def raw(envelope: Envelope, body: Any) -> Notification:
    """An unrecognised message, as it came (pretty JSON in a code block), cut to fit a section.

    An EventBridge event is named by its source and detail-type, and placed in its own account and region.
    """
    content = json.dumps(body, indent=2, ensure_ascii=False) if body is not None else envelope.message
    fences = 6 if body is not None else 0
    note = ""
    if blocks.slack_length(escape(content)) + fences > blocks.SECTION_MAX:
        note = f"\n_Truncated: the message has {len(content):,} characters._"
    room = blocks.SECTION_MAX - len(note)
    shown = blocks.code(content, room) if body is not None else blocks.truncate(escape(content), room)
    event = body if isinstance(body, dict) and body.get("detail-type") and body.get("source") else None
    if event is not None:
        title = f":grey_question: {event['detail-type']} from {event['source']}"
    else:
        title = f":grey_question: {envelope.subject or 'Unrecognised message'}"
    preview = blocks.truncate(escape(" ".join(content.split())), RAW_PREVIEW_CHARS)
    topic = envelope.topic_name or "direct invocation"
    account = event.get("account") if event else None
    region = str(event.get("region") or "") if event else ""
    return compose("raw", envelope, title=title, summary=shown + note,
                   origin=Origin(source=f"SNS topic {topic}", account=account or envelope.account,
                                 region=region or envelope.region,
                                 since=(event.get("time") if event else None) or envelope.timestamp),
                   url=console_url("sns/v3", envelope.region, f"/topic/{envelope.topic_arn}"), text=preview)
