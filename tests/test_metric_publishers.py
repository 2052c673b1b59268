"""No alarm waits on a metric nobody publishes: every catalogue metric names what makes its service publish it, and
wherever the program watches a metric, the watched resource turns that publisher on.

With `treat_missing_data: notBreaching`, an alarm on a metric that never arrives stays OK forever; nothing else
would ever show it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pytest

from config.alarm_catalogue import CATALOGUE, PUBLISHERS, MetricAlarmSpec
from preview.mocks import Registration
from preview.run import Run

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
HEALTH = "aws:elasticbeanstalk:healthreporting:system"


def _settings(environment: Registration) -> dict[tuple[str, str], str]:
    return {(s["namespace"], s["name"]): s["value"] for s in environment.inputs.get("settings") or []}


def _environment(run: Run, dimensions: Mapping[str, Any]) -> Registration | None:
    return next((e for e in run.of_type(ENVIRONMENT) if e.inputs.get("name") == dimensions.get("EnvironmentName")),
                None)


def _enhanced_health(run: Run, spec: MetricAlarmSpec, dimensions: Mapping[str, Any]) -> str | None:
    environment = _environment(run, dimensions)
    if environment is None or _settings(environment).get((HEALTH, "SystemType")) != "enhanced":
        return "enhanced health reporting is off"
    return None


def _config_document(run: Run, spec: MetricAlarmSpec, dimensions: Mapping[str, Any]) -> str | None:
    environment = _environment(run, dimensions)
    if environment is None:
        return "no such environment"
    document = json.loads(_settings(environment).get((HEALTH, "ConfigDocument"), "{}"))
    published = set((document.get("CloudWatchMetrics") or {}).get("Environment") or {})
    missing = sorted(set(spec.ratio_of or (spec.metric_name,)) - published)
    return f"the health ConfigDocument does not publish {missing}" if missing else None


def _on_failure(inputs: Mapping[str, Any]) -> bool:
    return bool(((inputs.get("destinationConfig") or {}).get("onFailure") or {}).get("destination")
                or ((inputs.get("destinationConfig") or {}).get("onFailure") or {}).get("destinationArn"))


def _function(run: Run, dimensions: Mapping[str, Any]) -> Registration | None:
    name = dimensions.get("FunctionName")
    return next((f for f in run.of_type("aws:lambda/function:Function") if f.inputs.get("name") == name), None)


def _dead_letter_queue(run: Run, spec: MetricAlarmSpec, dimensions: Mapping[str, Any]) -> str | None:
    function = _function(run, dimensions)
    if function is None or not (function.inputs.get("deadLetterConfig") or {}).get("targetArn"):
        return "the function has no dead-letter queue"
    return None


def _destination(run: Run, spec: MetricAlarmSpec, dimensions: Mapping[str, Any]) -> str | None:
    name = dimensions.get("FunctionName")
    function = _function(run, dimensions)
    if function is None:
        return "no such function"
    configs = [*run.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"),
               *run.of_type("aws:lambda/eventSourceMapping:EventSourceMapping")]
    if not any(c.inputs.get("functionName") in (name, function.outputs.get("arn")) and _on_failure(c.inputs)
               for c in configs):
        return "the function has no on-failure destination"
    return None


Verifier = Callable[[Run, MetricAlarmSpec, Mapping[str, Any]], "str | None"]
# Publisher -> how to check, from the inventory, that the watched resource turns it on.
VERIFIERS: dict[str, Verifier] = {
    "default": lambda run, spec, dimensions: None,
    "beanstalk-enhanced-health": _enhanced_health,
    "beanstalk-config-document": _config_document,
    "lambda-destination": _destination,
    "lambda-dead-letter-queue": _dead_letter_queue,
}


def _watched(alarm: Registration) -> tuple[str, set[str], Mapping[str, Any]]:
    """(namespace, metric names, dimensions) an alarm reads, directly or through metric math."""
    if alarm.inputs.get("metricName"):
        return alarm.inputs["namespace"], {alarm.inputs["metricName"]}, alarm.inputs.get("dimensions") or {}
    metrics = [q["metric"] for q in alarm.inputs.get("metricQueries") or [] if q.get("metric")]
    return metrics[0]["namespace"], {m["metricName"] for m in metrics}, metrics[0].get("dimensions") or {}


def _spec(namespace: str, metric_names: set[str]) -> MetricAlarmSpec | None:
    for service in CATALOGUE.values():
        if service.namespace != namespace:
            continue
        for spec in service.alarms:
            if set(spec.ratio_of or (spec.metric_name,)) == metric_names:
                return spec
    return None


def _filtered_metrics(run: Run) -> set[tuple[str, str]]:
    """(namespace, metric) the stack's log metric filters publish."""
    found = set()
    for metric_filter in run.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter"):
        transformation = metric_filter.inputs.get("metricTransformation") or {}
        found.add((transformation.get("namespace"), transformation.get("name")))
    return found


def unpublished(run: Run, alarms: Sequence[Registration] | None = None) -> Iterator[str]:
    """Alarms whose metric the watched resource does not have published, or that nothing publishes at all."""
    filtered = _filtered_metrics(run)
    for alarm in alarms if alarms is not None else run.of_type(ALARM):
        namespace, names, dimensions = _watched(alarm)
        spec = _spec(namespace, names)
        if spec is None:  # not a catalogue alarm: a log metric filter of the stack must publish it (the CIS alarms)
            missing = sorted(name for name in names if (namespace, name) not in filtered)
            if missing:
                yield f"{alarm.name} ({namespace} {missing}): neither the catalogue nor a log metric filter publishes it"
            continue
        problem = VERIFIERS[spec.published_by](run, spec, dimensions)
        if problem:
            yield f"{alarm.name} ({namespace} {sorted(names)}): {problem}"


def test_every_catalogue_metric_names_a_known_publisher_with_a_source() -> None:
    for service in CATALOGUE.values():
        for spec in service.alarms:
            assert spec.published_by in PUBLISHERS, f"{service.kind}.{spec.key}: what publishes {spec.metric_name}?"
    assert set(VERIFIERS) == set(PUBLISHERS), "each publisher needs a verifier here"
    assert all(publisher.source for publisher in PUBLISHERS.values())


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_watched_metric_is_published(stack: str, runs: dict[str, Run]) -> None:
    run = runs[stack]
    watched = [a for a in run.of_type(ALARM) if _spec(*_watched(a)[:2]) is not None]
    assert len(watched) > 50
    assert list(unpublished(run)) == []


def test_an_alarm_on_an_unpublished_metric_is_found(dev: Run) -> None:
    """The 5xx alarm of an environment whose ConfigDocument is gone: the metric never arrives."""
    environment = dev.of_type(ENVIRONMENT)[0]
    settings = [s for s in environment.inputs["settings"] if s["name"] != "ConfigDocument"]
    stripped = Registration(**{**environment.__dict__, "inputs": {**environment.inputs, "settings": settings}})
    run = Run(dev.project, dev.stack, [stripped if r is environment else r for r in dev.registrations], {}, {})
    found = list(unpublished(run))
    assert len(found) == 1 and "ApplicationRequests5xx" in found[0] and "error_rate_5xx" in found[0]


def test_an_alarm_outside_the_catalogue_needs_a_metric_filter(dev: Run) -> None:
    """A CIS alarm whose metric filter is gone reads a metric nothing publishes."""
    cis = next(a for a in dev.of_type(ALARM) if _spec(*_watched(a)[:2]) is None)
    namespace, names, _ = _watched(cis)
    kept = [r for r in dev.registrations if not (r.type == "aws:cloudwatch/logMetricFilter:LogMetricFilter" and (
        (r.inputs.get("metricTransformation") or {}).get("name") in names))]
    found = list(unpublished(Run(dev.project, dev.stack, kept, {}, {}), [cis]))
    assert found == [f"{cis.name} ({namespace} {sorted(names)}): neither the catalogue nor a log metric filter "
                     "publishes it"]
