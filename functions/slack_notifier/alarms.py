"""CloudWatch alarm state changes, as CloudWatch publishes them to SNS."""

from __future__ import annotations

from .blocks import escape
from .notification import URGENT_SEVERITIES, Envelope, Notification, Origin, compose, console_url, mapping, q, region_of

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

_OPERATORS = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside the band",
    "LessThanLowerThreshold": "below the band",
    "GreaterThanUpperThreshold": "above the band",
}


def _dimensions(dimensions: object) -> str:
    return ", ".join(f"{d.get('name')}={d.get('value')}" for d in dimensions if isinstance(d, dict)) \
        if isinstance(dimensions, list) else ""


def _named_metric(namespace: object, name: object, dimensions: object) -> str:
    metric = f"{namespace or ''} {name}".strip()
    shown = _dimensions(dimensions)
    return f"{metric} ({shown})" if shown else metric


def _metric(trigger: dict[str, Any]) -> str:
    """The metric, or for metric math the expression and the metrics it reads (Trigger.Metrics[].MetricStat)."""
    if trigger.get("MetricName"):
        return escape(_named_metric(trigger.get("Namespace"), trigger["MetricName"], trigger.get("Dimensions")))
    queries = [query for query in trigger.get("Metrics") or [] if isinstance(query, dict)]
    if not queries:
        return "-"
    lines = []
    for query in queries:
        stat = mapping(query.get("MetricStat"))
        metric = mapping(stat.get("Metric"))
        if query.get("Expression"):
            lines.append(f"{query.get('Id')} = {query['Expression']}")
        elif metric:
            named = _named_metric(metric.get("Namespace"), metric.get("MetricName"), metric.get("Dimensions"))
            lines.append(f"{query.get('Id')}: {named} {stat.get('Stat') or ''}".rstrip())
    return escape("\n".join(lines))


def _condition(trigger: dict[str, Any]) -> str:
    statistic = trigger.get("ExtendedStatistic") or trigger.get("Statistic") or ""
    operator = _OPERATORS.get(str(trigger.get("ComparisonOperator")), str(trigger.get("ComparisonOperator", "")))
    threshold = trigger.get("Threshold", trigger.get("ThresholdMetricId", ""))
    periods, period = trigger.get("EvaluationPeriods"), trigger.get("Period")
    window = f" for {periods} x {period}s" if periods and period else ""
    return escape(f"{str(statistic).title()} {operator} {threshold}{window}".strip())


def alarm(body: dict[str, Any], envelope: Envelope) -> Notification:
    name = str(body.get("AlarmName") or "unnamed alarm")
    new, old = str(body.get("NewStateValue") or "UNKNOWN"), str(body.get("OldStateValue") or "UNKNOWN")
    region = region_of(body.get("AlarmArn")) or envelope.region
    urgent = new == "ALARM" and envelope.severity in URGENT_SEVERITIES
    if new == "ALARM":
        title = f"{':rotating_light:' if urgent else ':warning:'} ALARM: {name}"
    elif new == "OK":
        title = f":white_check_mark: Resolved: {name}"
    elif new == "INSUFFICIENT_DATA":
        title = f":grey_question: Insufficient data: {name}"
    else:
        title = f":grey_question: {new}: {name}"
    description = body.get("AlarmDescription")
    reason = escape(body.get("NewStateReason") or "No reason given.")
    summary = f"{escape(description)}\n{reason}" if description else reason
    fields = [("State", f"`{escape(old)}` → `{escape(new)}`")]
    trigger = body.get("Trigger")
    if isinstance(trigger, dict):
        fields += [("Metric", _metric(trigger)), ("Condition", _condition(trigger))]
    if body.get("AlarmRule"):
        fields.append(("Rule", f"`{escape(body['AlarmRule'])}`"))
    return compose("cloudwatch_alarm", envelope, title=title, summary=summary,
                   origin=Origin(source="CloudWatch alarm", account=body.get("AWSAccountId"),
                                 region=region, since=body.get("StateChangeTime")),
                   url=console_url("cloudwatch", region, f"alarmsV2:alarm/{q(name)}"), fields=fields, urgent=urgent)
