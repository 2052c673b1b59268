"""Monitoring: central observability (OAM), Slack alerting (channels, notifier, subscriptions), alarms and dashboards.

Components are given the monitor and call `monitor.watch(kind, account, dimensions, name=..., section=...)` for what
they create, to get its alarms and dashboard widgets; the kinds are in `config.alarm_catalogue.CATALOGUE`.
"""

from components.monitoring.dashboard import Dashboard
from components.monitoring.datadog import DatadogIntegration
from components.monitoring.findings import SecurityFindings
from components.monitoring.monitor import Monitor, ServiceAlarms
from components.monitoring.notifier import SlackNotifier
from components.monitoring.notifier_secrets import NotifierSecrets
from components.monitoring.observability import ObservabilityLink, ObservabilitySink
from components.monitoring.slack_channels import SlackChannels
from components.monitoring.subscriptions import AlertSubscriptions, EmailSubscriptions

__all__ = [
    "AlertSubscriptions",
    "Dashboard",
    "DatadogIntegration",
    "EmailSubscriptions",
    "Monitor",
    "NotifierSecrets",
    "ObservabilityLink",
    "ObservabilitySink",
    "SecurityFindings",
    "ServiceAlarms",
    "SlackChannels",
    "SlackNotifier",
]
