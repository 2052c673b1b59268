"""Security findings from EventBridge: GuardDuty's own events and Security Hub's imported findings (ASFF).

GuardDuty: "GuardDuty Finding", `detail` the finding as GetFindings returns it
(docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html); severity bands from
docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html.
Security Hub: "Security Hub Findings - Imported", `detail.findings` a list of ASFF findings
(docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html).
"""

from __future__ import annotations

from .blocks import escape, when
from .notification import Envelope, Notification, Origin, compose, console_url, mapping, q, region_of

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

URGENT_LABELS = frozenset({"HIGH", "CRITICAL"})
LABEL_EMOJI = {"CRITICAL": ":red_circle:", "HIGH": ":red_circle:", "MEDIUM": ":large_orange_circle:",
               "LOW": ":large_blue_circle:", "INFORMATIONAL": ":white_circle:"}
OTHERS_SHOWN = 5  # further findings of one event, listed by title
# The Security Hub console's filter for one finding id (Id EQUALS <id>), as the console writes it in its URL.
_SECURITY_HUB_ID_FILTER = "/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A"


def guardduty_label(score: float) -> str:
    """GuardDuty's severity band of a score: 9.0-10 CRITICAL, 7.0-8.9 HIGH, 4.0-6.9 MEDIUM, below LOW."""
    if score >= 9:
        return "CRITICAL"
    if score >= 7:
        return "HIGH"
    return "MEDIUM" if score >= 4 else "LOW"


def _guardduty_resource(resource: dict[str, Any]) -> str:
    kind = str(resource.get("resourceType") or "unknown resource")
    instance = mapping(resource.get("instanceDetails")).get("instanceId")
    user = mapping(resource.get("accessKeyDetails")).get("userName")
    buckets = resource.get("s3BucketDetails")
    bucket = mapping(buckets[0]).get("name") if isinstance(buckets, list) and buckets else None
    cluster = mapping(resource.get("eksClusterDetails")).get("name")
    name = instance or user or bucket or cluster
    return escape(f"{kind} {name}" if name else kind)


def _guardduty_action(service: dict[str, Any]) -> str:
    """What was seen: the action type, the API or port, and the remote address with its place."""
    action = mapping(service.get("action"))
    kind = str(action.get("actionType") or "")
    if not kind:
        return "-"
    details = next((mapping(value) for key, value in action.items() if key.endswith("Action")), {})
    remote = mapping(details.get("remoteIpDetails"))
    place = ", ".join(str(part) for part in (mapping(remote.get("city")).get("cityName"),
                                             mapping(remote.get("country")).get("countryName")) if part)
    what = details.get("api") or mapping(details.get("localPortDetails")).get("port") or details.get("domain") or ""
    source = f" from {remote.get('ipAddressV4')}" if remote.get("ipAddressV4") else ""
    return escape(f"{kind} {what}{source}{f' ({place})' if place else ''}".replace("  ", " ").strip())


def guardduty(event: dict[str, Any], envelope: Envelope) -> Notification:
    finding = mapping(event.get("detail"))
    try:
        score = float(finding.get("severity") or 0)
    except (TypeError, ValueError):
        score = 0.0
    label = guardduty_label(score)
    service = mapping(finding.get("service"))
    region = str(finding.get("region") or event.get("region") or "")
    title = (f"{LABEL_EMOJI[label]} GuardDuty {label.title()} ({score:g}): "
             f"{finding.get('title') or finding.get('type') or 'finding'}")
    fields = [("Finding type", f"`{escape(finding.get('type') or '-')}`"), ("Severity", f"{label.title()} ({score:g})"),
              ("Resource", _guardduty_resource(mapping(finding.get("resource")))),
              ("Count", escape(service.get("count") or 1)), ("Action", _guardduty_action(service)),
              ("First seen", when(service.get("eventFirstSeen"))), ("Last seen", when(service.get("eventLastSeen")))]
    finding_id = finding.get("id") or ""
    return compose("guardduty_finding", envelope, title=title,
                   summary=escape(finding.get("description") or "No description."),
                   origin=Origin(source="GuardDuty finding", account=finding.get("accountId") or event.get("account"),
                                 region=region,
                                 since=service.get("eventFirstSeen") or finding.get("createdAt") or event.get("time")),
                   url=console_url("guardduty", region, f"/findings?macros=current&fId={q(finding_id)}"),
                   fields=fields, urgent=label in URGENT_LABELS)


_LABEL_ORDER = ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL")


def _label(finding: dict[str, Any]) -> str:
    label = str(mapping(finding.get("Severity")).get("Label") or "").upper()
    return label if label in _LABEL_ORDER else "INFORMATIONAL"


def _product(finding: dict[str, Any]) -> str:
    return str(finding.get("ProductName") or mapping(finding.get("ProductFields")).get("aws/securityhub/ProductName")
               or "Security Hub")


def _region(finding: dict[str, Any], event: dict[str, Any]) -> str:
    resources = finding.get("Resources")
    first = mapping(resources[0]) if isinstance(resources, list) and resources else {}
    return str(finding.get("Region") or first.get("Region") or region_of(finding.get("ProductArn"))
               or event.get("region") or "")


def _asff_resource(finding: dict[str, Any]) -> str:
    resources = [mapping(r) for r in finding.get("Resources") or [] if isinstance(r, dict)]
    if not resources:
        return "-"
    shown = f"{resources[0].get('Type') or 'resource'} `{resources[0].get('Id') or '-'}`"
    return escape(shown) + (f" and {len(resources) - 1} more" if len(resources) > 1 else "")


def _finding_link(finding: dict[str, Any], region: str) -> str:
    source = str(finding.get("SourceUrl") or "")
    if source.startswith("https://") and ".console.aws.amazon.com/" in source:
        return source
    return console_url("securityhub", region, _SECURITY_HUB_ID_FILTER + q(q(finding.get("Id") or "")))


def security_hub(event: dict[str, Any], envelope: Envelope) -> Notification:
    """The most severe finding of the event in full; any others by title."""
    findings = [mapping(f) for f in mapping(event.get("detail")).get("findings") or [] if isinstance(f, dict)]
    if not findings:
        raise ValueError("Security Hub event without findings")
    findings.sort(key=lambda f: _LABEL_ORDER.index(_label(f)), reverse=True)
    finding, others = findings[0], findings[1:]
    label, product = _label(finding), _product(finding)
    region = _region(finding, event)
    title = f"{LABEL_EMOJI[label]} {product} {label.title()}: {finding.get('Title') or 'finding'}"
    compliance = mapping(finding.get("Compliance"))
    control = compliance.get("SecurityControlId") or mapping(finding.get("ProductFields")).get("ControlId")
    types = finding.get("Types")
    kind = f"control {control} {compliance.get('Status') or ''}".strip() if control else \
        (types[0] if isinstance(types, list) and types else "-")
    fields = [("Severity", escape(label.title())), ("Product", escape(product)), ("Resource", _asff_resource(finding)),
              ("Type", f"`{escape(kind)}`"),
              ("Account", escape(" ".join(str(p) for p in (finding.get("AwsAccountName"), finding.get("AwsAccountId"))
                                          if p) or "-")),
              ("Workflow", escape(mapping(finding.get("Workflow")).get("Status") or finding.get("WorkflowState") or "-")),
              ("First seen", when(finding.get("FirstObservedAt") or finding.get("CreatedAt")))]
    if others:
        listed = "\n".join(f"• {escape(_label(o).title())}: {escape(o.get('Title') or '-')}" for o in others[:OTHERS_SHOWN])
        more = f"\n…and {len(others) - OTHERS_SHOWN} more" if len(others) > OTHERS_SHOWN else ""
        fields.append((f"{len(others)} more finding(s)", listed + more))
    summary = escape(finding.get("Description") or "No description.")
    remedy = mapping(mapping(finding.get("Remediation")).get("Recommendation"))
    if remedy.get("Url"):
        summary += f"\nRemediation: {escape(remedy['Url'])}"
    return compose("security_hub_finding", envelope, title=title, summary=summary,
                   origin=Origin(source="Security Hub finding", account=finding.get("AwsAccountId") or event.get("account"),
                                 region=region,
                                 since=finding.get("FirstObservedAt") or finding.get("CreatedAt") or event.get("time")),
                   url=_finding_link(finding, region), fields=fields, urgent=label in URGENT_LABELS)
