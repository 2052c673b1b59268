"""Alerts always reach someone: Slack, e-mail addresses, or both; a topic nobody subscribes to is a violation.

Alerts by e-mail without Slack are traced through a whole program in tests/test_monitoring_wiring.py."""

from __future__ import annotations

from policy import rules
from preview.inventory import Inventory

SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def test_a_topic_without_subscribers_is_a_violation(inventories: dict[str, Inventory]) -> None:
    resources = [r for r in inventories["dev"].policy_resources() if r.type != SUBSCRIPTION]
    found = list(rules.alert_topics_have_subscribers(resources))
    assert len(found) == 15 and all("has no subscriber" in message for _, message in found)
    assert list(rules.alert_topics_have_subscribers(inventories["dev"].policy_resources())) == []
