"""Security events from EventBridge: console sign-ins (root above all) and GuardDuty findings."""

from __future__ import annotations

from .blocks import escape, truncate, when
from .notification import Envelope, Notification, compose, console_url, mapping, q

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any


def sign_in(event: dict[str, Any], envelope: Envelope) -> Notification:
    detail = mapping(event.get("detail"))
    identity = mapping(detail.get("userIdentity"))
    root = identity.get("type") == "Root"
    result = str(mapping(detail.get("responseElements")).get("ConsoleLogin") or "unknown")
    mfa = str(mapping(detail.get("additionalEventData")).get("MFAUsed") or "unknown")
    account = event.get("account") or identity.get("accountId")
    region = event.get("region") or detail.get("awsRegion")
    ip = escape(detail.get("sourceIPAddress") or "unknown")
    who = "the root user" if root else escape(identity.get("arn") or identity.get("userName") or "unknown principal")
    succeeded = result == "Success"
    if root:
        title = (":rotating_light: Root user signed in to the AWS console" if succeeded
                 else ":no_entry: Failed root sign-in to the AWS console")
    else:
        title = f":bust_in_silhouette: Console sign-in ({result}): {identity.get('arn') or 'unknown principal'}"
    summary = f"{'Sign-in' if succeeded else 'A failed sign-in'} by {who} from `{ip}`, MFA used: *{escape(mfa)}*."
    if detail.get("errorMessage"):
        summary += f"\nError: {escape(detail['errorMessage'])}"
    fields = [("Result", escape(result)), ("MFA used", escape(mfa)), ("Source IP", f"`{ip}`"),
              ("User agent", escape(truncate(str(detail.get("userAgent") or "-"), 200)))]
    event_id = detail.get("eventID")
    fragment = f"/events/{q(event_id)}" if event_id else "/events"
    return compose("console_sign_in", envelope, title=title, summary=summary, source="CloudTrail console sign-in",
                   account=account, region=region, since=detail.get("eventTime") or event.get("time"),
                   url=console_url("cloudtrail", str(region or ""), fragment), fields=fields, urgent=root)


def _severity_label(score: float) -> tuple[str, str]:
    # GuardDuty's own bands: 9.0-10 Critical, 7.0-8.9 High, 4.0-6.9 Medium, 1.0-3.9 Low.
    if score >= 9:
        return "Critical", ":red_circle:"
    if score >= 7:
        return "High", ":red_circle:"
    if score >= 4:
        return "Medium", ":large_orange_circle:"
    return "Low", ":large_blue_circle:"


def _resource(resource: dict[str, Any]) -> str:
    kind = str(resource.get("resourceType") or "unknown resource")
    instance = mapping(resource.get("instanceDetails")).get("instanceId")
    user = mapping(resource.get("accessKeyDetails")).get("userName")
    buckets = resource.get("s3BucketDetails")
    bucket = mapping(buckets[0]).get("name") if isinstance(buckets, list) and buckets else None
    cluster = mapping(resource.get("eksClusterDetails")).get("name")
    name = instance or user or bucket or cluster
    return escape(f"{kind} {name}" if name else kind)


def guardduty(event: dict[str, Any], envelope: Envelope) -> Notification:
    finding = mapping(event.get("detail"))
    try:
        score = float(finding.get("severity") or 0)
    except (TypeError, ValueError):
        score = 0.0
    label, emoji = _severity_label(score)
    service = mapping(finding.get("service"))
    region = finding.get("region") or event.get("region")
    title = f"{emoji} GuardDuty {label} ({score:g}): {finding.get('title') or finding.get('type') or 'finding'}"
    fields = [("Finding type", f"`{escape(finding.get('type') or '-')}`"), ("Severity", f"{label} ({score:g})"),
              ("Resource", _resource(mapping(finding.get("resource")))), ("Count", escape(service.get("count") or 1)),
              ("First seen", when(service.get("eventFirstSeen"))), ("Last seen", when(service.get("eventLastSeen")))]
    finding_id = finding.get("id") or ""
    return compose("guardduty_finding", envelope, title=title,
                   summary=escape(finding.get("description") or "No description."), source="GuardDuty finding",
                   account=finding.get("accountId") or event.get("account"), region=region,
                   since=service.get("eventFirstSeen") or finding.get("createdAt") or event.get("time"),
                   url=console_url("guardduty", str(region or ""), f"/findings?macros=current&fId={q(finding_id)}"),
                   fields=fields, urgent=score >= 7)
