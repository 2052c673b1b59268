"""The alarm catalogue, kind by kind, through `Monitor.watch` in a probe component with fake dimensions."""

from __future__ import annotations

import json

import pytest

from config.alarm_catalogue import CATALOGUE
from config.monitoring import MonitoringConfig
from config.quantity import parse_quantity
from preview.mocks import Registration
from tests.monitoring_program import ACCOUNT_IDS, Probe, run_with_monitor

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"

# Every kind the platform watches, with what the catalogue must hold for it.
EXPECTED_KINDS = {
    "aurora": {"cpu", "freeable_memory", "replica_lag", "connections"},
    "opensearch": {"cluster_red", "cluster_yellow", "free_storage", "jvm_pressure"},
    "kinesis": {"iterator_age", "write_throttles", "read_throttles"},
    "beanstalk": {"health", "error_rate_5xx"},
    "nat": {"port_allocation_errors", "packets_dropped"},
    "lambda": {"errors", "throttles", "destination_failures", "dead_letter_errors"},
    "firehose": {"s3_freshness", "opensearch_freshness"},
    "ses": {"bounce_rate", "complaint_rate"},
    "backup": {"job_failures", "copy_failures"},
    "dead_letter_queue": {"depth"},
}


def _fake_dimensions(kind: str) -> dict[str, str]:
    return {key: f"fake-{kind}-{key.lower()}" for key in CATALOGUE[kind].dimensions}


@pytest.fixture(scope="module")
def probed() -> list[Registration]:
    def body(monitor) -> None:
        for kind in CATALOGUE:
            Probe(f"probe-{kind.replace('_', '-')}", monitor, kind, "ops", _fake_dimensions(kind))

    return run_with_monitor(MonitoringConfig(), body)


def _alarms_of(registrations: list[Registration], kind: str) -> dict[str, Registration]:
    prefix = f"ops-probe-{kind.replace('_', '-')}-"
    return {r.name[len(prefix):]: r for r in registrations if r.type == ALARM and r.name.startswith(prefix)}


def test_catalogue_holds_every_kind_the_platform_watches() -> None:
    assert {kind: set(service.keys) for kind, service in CATALOGUE.items()} == EXPECTED_KINDS


@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_each_catalogue_entry_becomes_an_alarm_with_actions_to_its_severity_topic(probed: list[Registration],
                                                                                  kind: str) -> None:
    service = CATALOGUE[kind]
    alarms = _alarms_of(probed, kind)
    assert set(alarms) == set(service.keys)
    topics = {r.name.removeprefix("ops-alerts-"): r.outputs["arn"] for r in probed
              if r.type == TOPIC and r.name.startswith("ops-alerts-")}
    for spec in service.alarms:
        inputs = alarms[spec.key].inputs
        assert inputs["alarmActions"] == [topics[spec.severity]] == inputs["okActions"]
        assert inputs["actionsEnabled"] is True
        assert inputs["comparisonOperator"] == spec.comparison
        assert inputs["threshold"] == pytest.approx(spec.metric_value(spec.default_threshold))
        assert inputs["evaluationPeriods"] == spec.evaluation_periods
        assert inputs["name"] == f"shop-ops-probe-{kind.replace('_', '-')}-{spec.key.replace('_', '-')}"
        expected_dimensions = _fake_dimensions(kind)
        if service.account_dimension:
            expected_dimensions[service.account_dimension] = ACCOUNT_IDS["ops"]
        if spec.ratio_of:
            queries = {query["id"]: query for query in inputs["metricQueries"]}
            assert queries["e1"]["returnData"] is True
            assert {queries[i]["metric"]["metricName"] for i in ("m1", "m2")} == set(spec.ratio_of)
            assert all(queries[i]["metric"]["dimensions"] == expected_dimensions for i in ("m1", "m2"))
            assert "namespace" not in inputs
        else:
            assert inputs["namespace"] == service.namespace
            assert inputs["metricName"] == spec.metric_name
            assert inputs["statistic"] == spec.statistic
            assert inputs["period"] == spec.period
            assert inputs.get("dimensions") == (expected_dimensions or None)


def test_thresholds_are_converted_to_the_metric_unit(probed: list[Registration]) -> None:
    threshold = {kind: {key: alarm.inputs["threshold"] for key, alarm in _alarms_of(probed, kind).items()}
                 for kind in CATALOGUE}
    assert threshold["aurora"]["freeable_memory"] == 256 * 2**20  # bytes
    assert threshold["aurora"]["replica_lag"] == 2000  # milliseconds
    assert threshold["opensearch"]["free_storage"] == 20 * 1024  # megabytes
    assert threshold["kinesis"]["iterator_age"] == 300_000  # milliseconds
    assert threshold["firehose"]["s3_freshness"] == 900  # seconds
    assert threshold["ses"]["bounce_rate"] == pytest.approx(0.05)  # a ratio, not a percentage
    assert threshold["beanstalk"]["health"] == 20  # degraded
    assert threshold["beanstalk"]["error_rate_5xx"] == 5  # percent, by metric math


def test_dashboard_holds_one_heading_and_one_graph_per_alarm_of_each_watched_kind(probed: list[Registration]) -> None:
    dashboards = [r for r in probed if r.type == DASHBOARD]
    assert [d.inputs["dashboardName"] for d in dashboards] == ["shop-ops-prod-overview"]  # nothing watched in dev
    widgets = json.loads(dashboards[0].inputs["dashboardBody"])["widgets"]
    headings = [w for w in widgets if w["type"] == "text"]
    graphs = [w for w in widgets if w["type"] == "metric"]
    assert len(headings) == len(CATALOGUE)
    assert len(graphs) == sum(len(service.alarms) for service in CATALOGUE.values())
    for graph in graphs:
        lines = graph["properties"]["metrics"]
        metric_lines = [line for line in lines if "expression" not in line[-1]]
        assert metric_lines and all(line[-1]["accountId"] == ACCOUNT_IDS["ops"] for line in metric_lines)
        assert graph["properties"]["annotations"]["horizontal"][0]["value"] >= 0


def test_environment_threshold_overrides_stack_wide_and_default() -> None:
    spec = MonitoringConfig.model_validate({
        "alarms": {"lambda": {"errors": 3}},
        "environments": {"prod": {"accounts": ["ops"], "alarms": {"lambda": {"errors": 7}}},
                         "dev": {"accounts": ["dev"]}},
    })

    def body(monitor) -> None:
        Probe("fn", monitor, "lambda", "ops", {"FunctionName": "a"})
        Probe("fn", monitor, "lambda", "dev", {"FunctionName": "b"})

    registrations = run_with_monitor(spec, body)
    thresholds = {r.name: r.inputs["threshold"] for r in registrations if r.type == ALARM}
    assert thresholds == {"ops-fn-errors": 7, "ops-fn-throttles": 1, "ops-fn-destination_failures": 1,
                          "ops-fn-dead_letter_errors": 1, "dev-fn-errors": 3, "dev-fn-throttles": 1,
                          "dev-fn-destination_failures": 1, "dev-fn-dead_letter_errors": 1}
    dashboards = {r.inputs["dashboardName"] for r in registrations if r.type == DASHBOARD}
    assert dashboards == {"shop-ops-prod-overview", "shop-ops-dev-overview"}
    # Each alarm lives in the account that holds its metric (the mock ARN names the provider's account).
    for alarm in (r for r in registrations if r.type == ALARM):
        assert f":{ACCOUNT_IDS[alarm.name.split('-')[0]]}:" in alarm.outputs["arn"]


def test_watch_picks_metrics_and_rejects_bad_calls() -> None:
    errors: list[str] = []

    def body(monitor) -> None:
        Probe("stream", monitor, "firehose", "ops", {"DeliveryStreamName": "events"}, metrics=["s3_freshness"])
        for call in (lambda: monitor.watch("auroraa", "ops", {}, name="x"),
                     lambda: monitor.watch("aurora", "ops", {}, name="x"),
                     lambda: monitor.watch("lambda", "ops", {"FunctionName": "f"}, name="x", metrics=["latency"]),
                     lambda: monitor.watch("lambda", "nowhere", {"FunctionName": "f"}, name="x")):
            try:
                call()
            except ValueError as error:
                errors.append(str(error))

    registrations = run_with_monitor(MonitoringConfig(), body)
    assert [r.name for r in registrations if r.type == ALARM] == ["ops-stream-s3_freshness"]
    assert len(errors) == 4
    assert "unknown service kind 'auroraa'" in errors[0]
    assert "needs dimensions ['DBClusterIdentifier']" in errors[1]
    assert "has no alarms ['latency']" in errors[2]
    assert "unknown account 'nowhere'" in errors[3]


def test_watch_after_the_dashboards_rendered_fails_loudly() -> None:
    monitors = []
    run_with_monitor(MonitoringConfig(), monitors.append)
    with pytest.raises(RuntimeError, match="after the dashboards were rendered"):
        monitors[0].watch("lambda", "ops", {"FunctionName": "late"}, name="late")


@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_catalogue_defaults_are_valid_thresholds(kind: str) -> None:
    for spec in CATALOGUE[kind].alarms:
        assert spec.problem(parse_quantity(spec.default)) is None, (kind, spec.key)
