"""Alerts reach someone: every alert topic has a subscriber."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .plumbing import Resource, stack_rule
from .resource_types import SNS_SUBSCRIPTION, SNS_TOPIC

ALERT_SEVERITY_TAG = "AlertSeverity"  # components.alert_topics tags each alert topic with its severity


@stack_rule("alert-topics-have-subscribers",
            "Every alert topic (an SNS topic tagged AlertSeverity) has at least one subscription: the Slack notifier, "
            "e-mail addresses, or both. A topic nobody subscribes to takes every alarm and tells no one.")
def alert_topics_have_subscribers(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    subscribed: set[str] = set()
    by_arn: dict[str, str] = {}
    for topic in resources:
        if topic.type == SNS_TOPIC and isinstance(topic.inputs.get("name"), str):
            by_arn[str(topic.inputs["name"])] = topic.urn
    for subscription in resources:
        if subscription.type != SNS_SUBSCRIPTION:
            continue
        subscribed.update(subscription.property_dependencies.get("topic", ()))
        named = str(subscription.inputs.get("topic") or "").rsplit(":", 1)[-1]
        if named in by_arn:
            subscribed.add(by_arn[named])
    for topic in resources:
        if topic.type == SNS_TOPIC and ALERT_SEVERITY_TAG in (topic.inputs.get("tags") or {}) \
                and topic.urn not in subscribed:
            yield topic.urn, (f"alert topic {topic.inputs.get('name') or topic.name} has no subscriber, so its alerts "
                              "reach no one; switch Slack on or add monitoring.email.addresses")
