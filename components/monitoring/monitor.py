"""The one way components get alarms and dashboard widgets: `monitor.watch(kind, account, dimensions, name=...)`.

`watch` creates, in the account that holds the metric, one CloudWatch alarm per catalogue entry of the kind
(thresholds from config per environment, else the catalogue default), each with ALARM and OK actions to that
account's alert topic of the entry's severity; and it registers the graphs with the account's environment's
dashboard. Components watch what they create themselves (they are given the monitor); dashboards render once,
after every part exists, from what was registered, so a service that is switched off (never watched) has no alarms
and no widgets. A dashboard reads top-down in SECTIONS order (alerting, network, data, web, e-mail, curation),
whichever order the parts were built in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.alert_topics import AlertTopics
from components.home import Home
from components.monitoring.dashboard import Dashboard
from components.monitoring.widgets import ExpressionLine, MetricLine, MetricWidget, TextWidget, WidgetGroup
from config.alarm_catalogue import CATALOGUE, MetricAlarmSpec, ServiceKind
from config.monitoring import MonitoringConfig
from config.naming import aws_name
from config.quantity import Quantity

# The order of a dashboard's sections; within a section, the order things were watched in.
SECTIONS = ("alerting", "network", "data", "web", "email", "curation", "other")
_OPERATORS = {"GreaterThanOrEqualToThreshold": ">=", "LessThanOrEqualToThreshold": "<="}


class Monitor:
    """Alarms and dashboard widgets for whatever the program asks to watch, per account and environment."""

    def __init__(self, spec: MonitoringConfig, home: Home, *, environments: Mapping[str, Sequence[str]],
                 alerts: Mapping[str, AlertTopics], providers: Mapping[str, aws.Provider], homes: Mapping[str, Home]):
        """`home` is the monitoring account (the dashboards'); `homes`, `providers` and `alerts` cover every account."""
        self.home = home
        self.org_name = home.org
        self.region = home.region
        self.spec = spec
        self.environments = {name: list(accounts) for name, accounts in environments.items()}
        self.alerts = alerts
        self.providers = providers
        self.homes = homes
        self.groups: dict[str, list[tuple[int, WidgetGroup]]] = {name: [] for name in self.environments}
        self.dashboards: dict[str, Dashboard] | None = None

    def environment_of(self, account: str) -> str:
        for name, accounts in self.environments.items():
            if account in accounts:
                return name
        raise KeyError(f"account {account} belongs to no monitoring environment")

    def threshold(self, account: str, kind: str, key: str, *, defaults: Mapping[str, Quantity] | None = None) -> Quantity:
        """The environment's threshold, else the stack-wide one, else the watcher's default, else the catalogue's."""
        environment = self.spec.environments.get(self.environment_of(account))
        for alarms in (environment.alarms if environment else {}, self.spec.alarms):
            if key in alarms.get(kind, {}):
                return alarms[kind][key]
        if defaults and key in defaults:
            return defaults[key]
        return CATALOGUE[kind].alarm(key).default_threshold

    def watch(self, kind: str, account: str, dimensions: Mapping[str, pulumi.Input[str]], *, name: str,
              parent: pulumi.Resource | None = None, metrics: Sequence[str] | None = None,
              notify: pulumi.Input[str] | None = None, defaults: Mapping[str, Quantity] | None = None,
              section: str = "other") -> ServiceAlarms:
        """Alarm on `kind`'s catalogue metrics for the resource `dimensions` name, in `account`; graph them.

        `name` is short and unique per account (it goes into alarm names); `metrics` picks catalogue keys
        (default: all of the kind); `parent` nests the alarms under the caller's component; `notify` sends every
        one of them to that topic instead of the account's topic of the alarm's severity; `defaults` are
        thresholds that depend on the watched resource (its size), used where config sets none; `section` places
        the graphs on the dashboard (one of SECTIONS).
        """
        if self.dashboards is not None:
            raise RuntimeError(f"watch({kind!r}, {name!r}) after the dashboards were rendered; build the part before "
                               "monitor.render_dashboards() in __main__.py")
        service = CATALOGUE.get(kind)
        if service is None:
            raise ValueError(f"unknown service kind {kind!r}; the catalogue has {sorted(CATALOGUE)}")
        missing = [key for key in service.dimensions if key not in dimensions]
        if missing:
            raise ValueError(f"watch({kind!r}, {name!r}) needs dimensions {missing}")
        chosen = list(metrics) if metrics is not None else service.keys
        unknown = [key for key in chosen if key not in service.keys]
        if unknown:
            raise ValueError(f"{kind} has no alarms {unknown}; use some of {service.keys}")
        if account not in self.providers:
            raise ValueError(f"unknown account {account!r}")
        dims: dict[str, pulumi.Input[str]] = dict(dimensions)
        if service.account_dimension:
            dims[service.account_dimension] = self.homes[account].account_id
        specs = [(spec, self.threshold(account, kind, spec.key, defaults=defaults)) for spec in service.alarms
                 if spec.key in chosen]
        alarms = ServiceAlarms(f"{account}-{name}", self, service, account=account, name=name, dimensions=dims,
                               specs=specs, notify=notify,
                               opts=pulumi.ResourceOptions(parent=parent, providers=[self.providers[account]]))
        group = WidgetGroup(kind, name, account, [TextWidget(f"### {service.title} `{name}` in {account}")])
        group.widgets += [self._graph(service, spec, account, name=name, dims=dims, threshold=threshold)
                          for spec, threshold in specs]
        self.groups[self.environment_of(account)].append((SECTIONS.index(section), group))
        return alarms

    def _graph(self, service: ServiceKind, spec: MetricAlarmSpec, account: str, *, name: str,
               dims: Mapping[str, pulumi.Input[str]], threshold: Quantity) -> MetricWidget:
        account_id = self.homes[account].account_id
        lines: list[MetricLine | ExpressionLine]
        if spec.ratio_of:
            numerator, denominator = spec.ratio_of
            lines = [ExpressionLine(_RATIO, "e1", spec.title),
                     MetricLine(service.namespace, numerator, dims, account_id, "Sum", id="m1", visible=False),
                     MetricLine(service.namespace, denominator, dims, account_id, "Sum", id="m2", visible=False)]
        else:
            lines = [MetricLine(service.namespace, spec.metric_name, dims, account_id, spec.statistic, label=spec.title)]
        return MetricWidget(f"{name}: {spec.title} ({threshold.text} -> {spec.severity})", self.region, spec.period,
                            lines, threshold=spec.metric_value(threshold))

    def render_dashboards(self) -> dict[str, Dashboard]:
        """One dashboard per environment that has something watched, in the monitoring account; call once, after
        every part that watches something exists."""
        if self.dashboards is not None:
            raise RuntimeError("the dashboards are already rendered")
        account = self.home.account
        self.dashboards = {
            environment: Dashboard(f"{environment}-dashboard", self.home, environment=environment,
                                   widgets=[widget for _, group in sorted(groups, key=lambda placed: placed[0])
                                            for widget in group.widgets],
                                   opts=pulumi.ResourceOptions(providers=[self.providers[account]]))
            for environment, groups in self.groups.items() if groups
        }
        return self.dashboards


# 5xx share of all requests; no requests is 0%, not "no data".
_RATIO = "IF(m2 > 0, 100 * m1 / m2, 0)"


class ServiceAlarms(pulumi.ComponentResource):
    """The alarms of one watched resource, in the account that holds its metrics."""

    def __init__(self, resource_name: str, monitor: Monitor, service: ServiceKind, *, account: str, name: str,
                 dimensions: Mapping[str, pulumi.Input[str]], specs: Sequence[tuple[MetricAlarmSpec, Quantity]],
                 notify: pulumi.Input[str] | None = None, opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:ServiceAlarms", resource_name, None, opts)
        topics = monitor.alerts[account]
        self.alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        for spec, threshold in specs:
            topic_arn = notify if notify is not None else topics.topics[spec.severity].arn
            operator = _OPERATORS[spec.comparison]
            metric: dict[str, object]
            if spec.ratio_of:
                metric = {"metric_queries": _ratio_queries(service, spec, dimensions)}
            else:
                metric = {"namespace": service.namespace, "metric_name": spec.metric_name,
                          "statistic": spec.statistic, "period": spec.period, "dimensions": dict(dimensions) or None}
            self.alarms[spec.key] = aws.cloudwatch.MetricAlarm(
                f"{resource_name}-{spec.key}",
                name=aws_name(monitor.org_name, account, f"{name}-{spec.key.replace('_', '-')}", kind="alarm"),
                alarm_description=f"{service.title} {name}: {spec.title} {operator} {threshold.text} ({spec.severity})",
                comparison_operator=spec.comparison,
                threshold=spec.metric_value(threshold),
                evaluation_periods=spec.evaluation_periods,
                datapoints_to_alarm=spec.evaluation_periods,
                treat_missing_data=spec.missing_data,
                actions_enabled=True,
                alarm_actions=[topic_arn],
                ok_actions=[topic_arn],
                opts=pulumi.ResourceOptions(parent=self),
                **metric,
            )
        self.register_outputs({"alarms": {key: alarm.arn for key, alarm in self.alarms.items()}})


def _ratio_queries(service: ServiceKind, spec: MetricAlarmSpec,
                   dimensions: Mapping[str, pulumi.Input[str]]) -> list[aws.cloudwatch.MetricAlarmMetricQueryArgs]:
    assert spec.ratio_of is not None
    numerator, denominator = spec.ratio_of
    queries = [aws.cloudwatch.MetricAlarmMetricQueryArgs(id="e1", expression=_RATIO, label=spec.title, return_data=True)]
    for query_id, metric_name in (("m1", numerator), ("m2", denominator)):
        queries.append(aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=query_id, return_data=False,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=service.namespace, metric_name=metric_name, stat="Sum", period=spec.period,
                dimensions=dict(dimensions) or None),
        ))
    return queries
