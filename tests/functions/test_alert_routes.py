"""Every AWS event the program routes to an alert topic has an AWS sample, a formatter that says what happened,
who, where and how urgent with a console link, and reaches a channel once (cases read from both stacks'
inventories; samples from tests/functions/samples/)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from functions.slack_notifier import handler
from preview.inventory import Inventory

from .alert_routes import VAULT_NOTIFICATIONS, Route, Routes, at_each_severity, matches, read
from .published import TOPIC_ACCOUNT, Sample, eventbridge_samples, for_handler
from .slack_stand_in import Context, StandIn, texts

# Types that publish AWS events to alert topics, each read by alert_routes.read and checked below.
KNOWN_PUBLISHERS = {"aws:cloudwatch/eventTarget:EventTarget", "aws:cloudwatch/metricAlarm:MetricAlarm",
                    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination", VAULT_NOTIFICATIONS}


@pytest.fixture(scope="module")
def stacks(inventories: dict[str, Inventory]) -> dict[str, Routes]:
    return {stack: read(inventory.resources_json(), str(inventory.default_region))
            for stack, inventory in inventories.items()}


def _posted(sample: Sample, severity: str, env: StandIn, body: Any = None) -> tuple[str, str]:
    """The kind and the whole text of what the notifier posts for `sample` on the alert topic of `severity`."""
    env.received.clear()
    result = handler.handler(sample.sns_event(severity, body), Context())
    [post] = env.posts
    return result["posted"][0]["kind"], texts(post.json) + "\n" + post.json["text"]


def _assert_says_what_who_where_with_a_link(sample: Sample, kind: str, shown: str) -> None:
    assert kind == sample.kind and kind != "raw", sample.path
    assert [text for text in sample.shows if text not in shown] == [], (sample.path, shown)
    assert TOPIC_ACCOUNT not in shown, sample.path  # the event's own place, not the topic's
    assert "console.aws.amazon.com/" in shown, sample.path


def test_only_known_kinds_of_resource_publish_to_alert_topics(stacks: dict[str, Routes]) -> None:
    for routes in stacks.values():
        assert routes.publishers <= KNOWN_PUBLISHERS
        assert routes.of("rule") and routes.of("alarm") and routes.of("ses")


def test_every_routed_event_pattern_has_a_sample_the_notifier_formats(stacks: dict[str, Routes], env: StandIn) -> None:
    checked: set[tuple[str, str, str]] = set()
    for stack, routes in stacks.items():
        for route in routes.of("rule"):
            matched = [(sample, label, event) for sample in eventbridge_samples()
                       for label, event in at_each_severity(sample.body) if matches(route.pattern, event)]
            assert matched, f"{stack}: rule {route.name} in {route.account} has no AWS sample it routes"
            for detail_type in route.pattern.get("detail-type", []):
                assert any(event.get("detail-type") == detail_type for _, _, event in matched), \
                    f"{stack}: rule {route.name} routes {detail_type!r}, which no AWS sample shows"
            for sample, label, event in matched:
                if (sample.path, str(label), route.severity) in checked:
                    continue
                checked.add((sample.path, str(label), route.severity))
                assert route.severity == sample.topic, (route.name, sample.path)
                kind, shown = _posted(sample, route.severity, env, event)
                if label is None:  # the manifest's text is for the sample as published
                    _assert_says_what_who_where_with_a_link(sample, kind, shown)
                    assert ("<!here>" in shown) is sample.urgent, sample.path
                else:
                    assert kind == sample.kind and "console.aws.amazon.com/" in shown, (sample.path, label)
                    assert ("<!here>" in shown) is (label in {"HIGH", "CRITICAL"}), (sample.path, label)


def test_every_ses_event_type_routed_has_a_sample_the_notifier_formats(stacks: dict[str, Routes],
                                                                       env: StandIn) -> None:
    samples = {sample.body["eventType"].upper(): sample for sample in for_handler("slack_notifier")
               if sample.delivered == "ses"}
    for routes in stacks.values():
        for route in routes.of("ses"):
            for event_type in route.events:
                assert event_type in samples, f"SES {event_type} reaches {route.topic} but has no AWS sample"
                sample = samples[event_type]
                _assert_says_what_who_where_with_a_link(sample, *_posted(sample, route.severity, env))


def test_every_alarm_shape_routed_has_a_sample_the_notifier_formats(stacks: dict[str, Routes], env: StandIn) -> None:
    samples = {"metric math" if "Metrics" in sample.body["Records"][0]["Sns"]["Message"] else "one metric": sample
               for sample in for_handler("slack_notifier") if sample.kind == "cloudwatch_alarm"}
    shapes = {"metric math" if route.inputs.get("metricQueries") else "one metric"
              for routes in stacks.values() for route in routes.of("alarm")}
    assert shapes == {"one metric", "metric math"}
    for shape in shapes:
        _assert_says_what_who_where_with_a_link(samples[shape], *_posted(samples[shape], "critical", env))


def test_every_vault_notification_routed_has_a_sample(stacks: dict[str, Routes]) -> None:
    """AWS Backup's SNS notifications name a job kind and a state (EventType BACKUP_JOB, State FAILED)."""
    published = {(a["EventType"]["Value"], a["State"]["Value"]) for sample in for_handler("slack_notifier")
                 if sample.delivered == "lambda"
                 for a in [sample.body["Records"][0]["Sns"]["MessageAttributes"]] if "EventType" in a}
    for routes in stacks.values():
        for route in routes.of("backup-notification"):
            for event in route.events:
                job, _, state = event.rpartition("_")
                assert any(kind == job and (state == "COMPLETED" or found == state) for kind, found in published), \
                    f"vault notification {event} of {route.name} has no AWS sample"


# --- each AWS event reaches a channel once -------------------------------------------------------------------

# AWS Backup's vault notifications that announce what a Backup/Copy/Restore Job State Change event announces.
VAULT_EVENTS = {"Backup Job State Change": ("BACKUP_JOB_COMPLETED",),
                "Copy Job State Change": ("COPY_JOB_SUCCESSFUL", "COPY_JOB_FAILED"),
                "Restore Job State Change": ("RESTORE_JOB_COMPLETED",)}


def _vault_notifications(routes: Routes, event: dict[str, Any], account: str) -> list[Route]:
    state = str(event["detail"].get("state") or event["detail"].get("status"))
    announced = [name for name in VAULT_EVENTS.get(event.get("detail-type", ""), ())
                 if name.endswith(("_COMPLETED", state))]
    return [route for route in routes.of("backup-notification")
            if route.account == account and set(announced) & set(route.events)]


def test_each_routed_event_reaches_a_channel_at_most_once_and_home_events_exactly_once(
        stacks: dict[str, Routes]) -> None:
    for stack, routes in stacks.items():
        for sample in eventbridge_samples():
            for label, event in at_each_severity(sample.body):
                for account in sorted(routes.accounts):
                    routed_here = any(route.account == account and matches(route.pattern, event)
                                      for route in routes.of("rule"))
                    for region in (routes.home_region, "us-east-1", "eu-west-1"):
                        posted = routes.deliveries(event, account, region)
                        if event.get("source") == "aws.securityhub" and region != routes.home_region:
                            posted += routes.deliveries(event, account, routes.home_region)  # aggregated
                        posted += _vault_notifications(routes, event, account)
                        where = f"{stack}: {sample.path} ({label}) in {account} {region}"
                        assert len(posted) <= 1, f"{where} reaches {[r.name for r in posted]}"
                        if routed_here and region == routes.home_region and event.get("source") not in (
                                "aws.guardduty", "aws.securityhub"):
                            assert len(posted) == 1, f"{where} reaches no alert topic"


def _guardduty_in_security_hub(region: str, label: str) -> dict[str, Any]:
    """The published GuardDuty finding as Security Hub imports it today: with the top-level ProductName and Region
    the ASFF now carries (its aws/securityhub/ProductName and its resource's Region), in `region` at `label`."""
    [sample] = [s for s in eventbridge_samples() if s.path == "securityhub/guardduty-finding-imported.json"]
    event = copy.deepcopy(sample.body)
    for finding in event["detail"]["findings"]:
        finding.update(ProductName=finding["ProductFields"]["aws/securityhub/ProductName"], Region=region)
        finding["Severity"]["Label"] = label
    return event


def test_a_guardduty_finding_reaches_the_channel_once_across_guardduty_and_security_hub(
        stacks: dict[str, Routes]) -> None:
    [guardduty] = [s for s in eventbridge_samples() if s.path == "guardduty/finding.json"]
    for stack, routes in stacks.items():
        [administrator] = routes.finding_administrators
        threshold = {route.name: route for route in routes.of("rule")}
        assert any(name.endswith("guardduty-findings") for name in threshold), stack
        for label, own_event in at_each_severity(guardduty.body)[1:]:
            for region in (routes.home_region, "eu-west-1"):
                member = sorted(routes.accounts - {administrator})[0]
                posted = routes.deliveries(own_event, member, region)
                imported = _guardduty_in_security_hub(region, str(label))
                posted += routes.deliveries(imported, member, region)
                if region != routes.home_region:
                    posted += routes.deliveries(imported, administrator, routes.home_region)
                expected = 1 if label in {"HIGH", "CRITICAL"} else 0  # both stacks keep the default threshold
                assert len(posted) == expected, f"{stack}: GuardDuty {label} in {region}: {[r.name for r in posted]}"


def test_a_control_finding_of_any_account_and_region_reaches_the_channel_once_above_the_threshold(
        stacks: dict[str, Routes]) -> None:
    [control] = [s for s in eventbridge_samples() if s.path == "securityhub/control-finding-imported.json"]
    for stack, routes in stacks.items():
        for label, event in at_each_severity(control.body)[1:]:
            for account in sorted(routes.accounts):
                posted = routes.deliveries(event, account, routes.home_region)
                expected = 1 if label in {"HIGH", "CRITICAL"} else 0
                assert len(posted) == expected, f"{stack}: {label} control finding of {account}: {posted}"
