"""The routes by which AWS events reach the program's alert topics, read from an inventory (docs/inventory.md),
and EventBridge's matching of an event against a rule's pattern (moto's implementation of it).

A route is an EventBridge rule targeting an alert topic, a CloudWatch alarm acting on one, an SES event destination
or an AWS Backup vault notification naming one. A forward is a rule that hands events to another region's bus,
where that bus's rules see them again.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from moto.events.models import EventPattern

from tests.values import strings

ALERT_TOPICS = "landing-zone:monitoring:AlertTopics"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
SES_DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
VAULT_NOTIFICATIONS = "aws:backup/vaultNotifications:VaultNotifications"
# Resources that name an alert topic without sending it AWS events.
NOT_PUBLISHERS = frozenset({"aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy",
                            "aws:sns/topicSubscription:TopicSubscription", "aws:lambda/permission:Permission",
                            "aws:iam/rolePolicy:RolePolicy", "aws:kms/key:Key"})
FINDING_SOURCES = frozenset({"aws.guardduty", "aws.securityhub"})


@dataclass(frozen=True)
class Route:
    kind: str  # rule, alarm, ses or backup-notification
    account: str
    region: str
    name: str
    topic: str  # the alert topic's name; its severity is its suffix
    pattern: dict[str, Any] = field(default_factory=dict, compare=False)
    events: tuple[str, ...] = ()  # SES event types or vault events
    inputs: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def severity(self) -> str:
        return self.topic.rsplit("-", 1)[-1]


@dataclass(frozen=True)
class Forward:
    account: str
    region: str
    name: str
    pattern: dict[str, Any] = field(compare=False)
    to_region: str = ""


@dataclass
class Routes:
    """What the inventory of one stack sends to its alert topics."""

    home_region: str
    accounts: set[str]
    routes: list[Route]
    forwards: list[Forward]
    finding_administrators: set[str]  # accounts whose buses also receive their members' findings
    publishers: set[str]  # types of resources that name an alert topic

    def of(self, kind: str) -> list[Route]:
        return [route for route in self.routes if route.kind == kind]

    def deliveries(self, event: dict[str, Any], account: str, region: str) -> list[Route]:
        """The rules that post `event`, occurring in `account` and `region`, to an alert topic: those on the buses
        it reaches (its account's; the administrator's for findings), and those behind a forward."""
        receivers = {account} | (self.finding_administrators if event.get("source") in FINDING_SOURCES else set())
        posted: list[Route] = []
        for receiver in sorted(receivers):
            posted += self._on_bus(event, receiver, region)
            for forward in self.forwards:
                if (forward.account, forward.region) == (receiver, region) and matches(forward.pattern, event):
                    posted += self._on_bus(event, receiver, forward.to_region)
        return posted

    def _on_bus(self, event: dict[str, Any], account: str, region: str) -> list[Route]:
        return [route for route in self.of("rule")
                if (route.account, route.region) == (account, region) and matches(route.pattern, event)]


def _arn_name(arn: object) -> str:
    return str(arn).rsplit(":", 1)[-1]


def read(resources: list[dict[str, Any]], home_region: str) -> Routes:
    """The routes and forwards of an inventory's resources."""
    by_urn = {r["urn"]: r for r in resources}
    topics = {r["inputs"]["name"] for r in resources if r["type"] == "aws:sns/topic:Topic"
              and by_urn.get(r["parent"] or "", {}).get("type") == ALERT_TOPICS}

    def topic_of(value: object) -> str | None:
        return _arn_name(value) if isinstance(value, str) and value.startswith("arn:aws:sns:") \
            and _arn_name(value) in topics else None

    rules = {(r["account"], r["region"], r["inputs"]["name"]): r for r in resources if r["type"] == RULE}
    routes: list[Route] = []
    forwards: list[Forward] = []
    publishers: set[str] = set()
    for r in resources:
        inputs, place = r["inputs"], (r["account"] or "", r["region"] or "")
        named = {topic for value in strings(inputs) if (topic := topic_of(value))}
        if named and r["type"] not in NOT_PUBLISHERS:
            publishers.add(r["type"])
        if r["type"] == TARGET:
            rule = rules[(*place, inputs["rule"])]
            pattern = json.loads(rule["inputs"]["eventPattern"])
            if topic := topic_of(inputs["arn"]):
                routes.append(Route("rule", *place, rule["inputs"]["name"], topic, pattern))
            elif str(inputs["arn"]).startswith("arn:aws:events:") and ":event-bus/" in inputs["arn"]:
                forwards.append(Forward(*place, rule["inputs"]["name"], pattern, inputs["arn"].split(":")[3]))
        elif r["type"] in (ALARM, COMPOSITE_ALARM):
            for topic in sorted({t for a in inputs.get("alarmActions") or [] if (t := topic_of(a))}):
                routes.append(Route("alarm", *place, inputs["name"], topic, inputs=inputs))
        elif r["type"] == SES_DESTINATION:
            destination = inputs["eventDestination"]
            if topic := topic_of((destination.get("snsDestination") or {}).get("topicArn")):
                routes.append(Route("ses", *place, inputs["configurationSetName"], topic,
                                    events=tuple(destination.get("matchingEventTypes") or ())))
        elif r["type"] == VAULT_NOTIFICATIONS and (topic := topic_of(inputs["snsTopicArn"])):
            routes.append(Route("backup-notification", *place, inputs["backupVaultName"], topic,
                                events=tuple(inputs["backupVaultEvents"])))
    administrators = {r["account"] for r in resources if r["type"] == "aws:guardduty/detector:Detector"}
    accounts = {r["account"] for r in resources if r["account"]}
    return Routes(home_region, accounts, routes, forwards, administrators, publishers)


def _one_element_each(value: Any) -> Iterator[Any]:
    """`value` with every list of objects replaced by one of its elements, in every combination: EventBridge
    matches an array of objects when one element matches all the pattern's fields under it."""
    if isinstance(value, dict):
        keys = list(value)
        for combination in itertools.product(*(list(_one_element_each(value[key])) for key in keys)):
            yield dict(zip(keys, combination, strict=True))
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for item in value:
            yield from _one_element_each(item)
    else:
        yield value


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether EventBridge would match `event` against `pattern` (moto's implementation of the rules)."""
    compiled = EventPattern.load(json.dumps(pattern))
    return any(compiled.matches_event(choice) for choice in _one_element_each(event))


SEVERITY_LABELS = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
GUARDDUTY_SCORES = {"LOW": 2.0, "MEDIUM": 5.0, "HIGH": 8.0, "CRITICAL": 9.5}


def at_each_severity(event: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    """A finding event as published and at each severity label (a score in each GuardDuty band); other events as
    published. The severity of a finding is the producer's, not its shape: routes must be right at every one."""
    variants: list[tuple[str | None, dict[str, Any]]] = [(None, event)]
    for label in SEVERITY_LABELS:
        variant = copy.deepcopy(event)
        if event.get("source") == "aws.guardduty":
            variant["detail"]["severity"] = GUARDDUTY_SCORES[label]
        elif event.get("source") == "aws.securityhub":
            for finding in variant["detail"]["findings"]:
                finding["Severity"]["Label"] = label
        else:
            return variants
        variants.append((label, variant))
    return variants
