"""CloudTrail events from EventBridge: console sign-ins and API calls, the root user's above all.

Shapes: "AWS Console Sign In via CloudTrail" and "AWS API Call via CloudTrail" events, whose `detail` is the
CloudTrail record (docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
"""

from __future__ import annotations

import json

from .blocks import escape, truncate
from .notification import Envelope, Notification, Origin, compose, console_url, mapping, q

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

REQUEST_SHOWN = 300  # characters of the request parameters in the message


def _who(identity: dict[str, Any]) -> str:
    """The principal as a person reads it: 'the root user', an ARN, a user name or the service acting."""
    if identity.get("type") == "Root":
        return "the root user"
    return str(identity.get("arn") or identity.get("userName") or identity.get("invokedBy")
               or identity.get("principalId") or "unknown principal")


def _event_link(detail: dict[str, Any], region: str) -> str:
    event_id = detail.get("eventID")
    return console_url("cloudtrail", region, f"/events/{q(event_id)}" if event_id else "/events")


def sign_in(event: dict[str, Any], envelope: Envelope) -> Notification:
    detail = mapping(event.get("detail"))
    identity = mapping(detail.get("userIdentity"))
    root = identity.get("type") == "Root"
    result = str(mapping(detail.get("responseElements")).get("ConsoleLogin") or "unknown")
    mfa = str(mapping(detail.get("additionalEventData")).get("MFAUsed") or "unknown")
    account = event.get("account") or identity.get("accountId")
    region = str(event.get("region") or detail.get("awsRegion") or "")
    ip = escape(detail.get("sourceIPAddress") or "unknown")
    who = _who(identity)
    succeeded = result == "Success"
    if root:
        title = (":rotating_light: Root user signed in to the AWS console" if succeeded
                 else ":no_entry: Failed root sign-in to the AWS console")
    else:
        title = f":bust_in_silhouette: Console sign-in ({result}): {who}"
    summary = f"{'Sign-in' if succeeded else 'A failed sign-in'} by {escape(who)} from `{ip}`, MFA used: *{escape(mfa)}*."
    if detail.get("errorMessage"):
        summary += f"\nError: {escape(detail['errorMessage'])}"
    fields = [("Result", escape(result)), ("MFA used", escape(mfa)), ("Source IP", f"`{ip}`"),
              ("User agent", escape(truncate(str(detail.get("userAgent") or "-"), 200)))]
    return compose("console_sign_in", envelope, title=title, summary=summary,
                   origin=Origin(source="CloudTrail console sign-in", account=account,
                                 region=region, since=detail.get("eventTime") or event.get("time")),
                   url=_event_link(detail, region), fields=fields, urgent=root)


def api_call(event: dict[str, Any], envelope: Envelope) -> Notification:
    """An API call CloudTrail recorded: who called what, from where, and whether AWS refused it."""
    detail = mapping(event.get("detail"))
    identity = mapping(detail.get("userIdentity"))
    root = identity.get("type") == "Root"
    service = str(detail.get("eventSource") or event.get("source") or "unknown").split(".", 1)[0].removeprefix("aws.")
    action = f"{service}:{detail.get('eventName') or 'unknown'}"
    who = _who(identity)
    account = event.get("account") or detail.get("recipientAccountId") or identity.get("accountId")
    region = str(event.get("region") or detail.get("awsRegion") or "")
    ip = escape(detail.get("sourceIPAddress") or "unknown")
    error = detail.get("errorCode")
    verb = "tried to call" if error else "called"
    if root:
        title = f":rotating_light: Root user {verb} {action}"
    else:
        title = f":bust_in_silhouette: {who} {verb} {action}"
    mfa = mapping(mapping(identity.get("sessionContext")).get("attributes")).get("mfaAuthenticated")
    summary = f"{'The root user' if root else escape(who)} {verb} `{escape(action)}` from `{ip}`"
    summary += f" ({escape(truncate(str(detail.get('userAgent')), 120))})." if detail.get("userAgent") else "."
    if error:
        summary += f"\nAWS refused it: `{escape(error)}` {escape(detail.get('errorMessage') or '')}".rstrip()
    request = detail.get("requestParameters")
    if request:
        summary += "\nRequest: `" + escape(truncate(json.dumps(request, separators=(",", ":"), default=str),
                                                    REQUEST_SHOWN)) + "`"
    fields = [("Action", f"`{escape(action)}`"), ("Principal", escape(identity.get("arn") or who)),
              ("Source IP", f"`{ip}`"), ("MFA", escape(mfa or "unknown"))]
    if error:
        fields.append(("Error", f"`{escape(error)}`"))
    return compose("cloudtrail_api_call", envelope, title=title, summary=summary,
                   origin=Origin(source="CloudTrail API call", account=account,
                                 region=region, since=detail.get("eventTime") or event.get("time")),
                   url=_event_link(detail, region), fields=fields, urgent=root or envelope.severity == "critical")
