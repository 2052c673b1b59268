"""A small program for monitoring tests: two accounts with alert topics, a Monitor, and a probe component that
watches one service kind with fake dimensions, built alone under the preview's mocks (tests/component_runs.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pulumi
import pulumi_aws as aws

from components.alert_topics import AlertTopics
from components.home import Home
from components.monitoring import Monitor
from config.monitoring import MonitoringConfig
from preview.mocks import Registration
from tests.component_runs import run_components

REGION = "ap-northeast-2"
ACCOUNT_IDS = {"ops": "333333333333", "dev": "444444444444"}
ENVIRONMENTS = {"prod": ["ops"], "dev": ["dev"]}


class Probe(pulumi.ComponentResource):
    """Stands in for a service component: it asks the monitor to watch a resource of `kind`."""

    def __init__(self, name: str, monitor: Monitor, kind: str, account: str, dimensions: Mapping[str, str],
                 metrics: list[str] | None = None):
        super().__init__("landing-zone:test:Probe", name, None, None)
        self.alarms = monitor.watch(kind=kind, account=account, dimensions=dimensions, name=name, parent=self,
                                    metrics=metrics)
        self.register_outputs({})


def run_with_monitor(spec: MonitoringConfig, body: Callable[[Monitor], None]) -> list[Registration]:
    """Build the accounts and a Monitor, let `body` watch things, render the dashboards; return the registrations."""
    def program() -> None:
        providers = {name: aws.Provider(name, region=REGION, allowed_account_ids=[account_id],
                                        default_tags=aws.ProviderDefaultTagsArgs(tags={"Account": name}))
                     for name, account_id in ACCOUNT_IDS.items()}
        homes = {name: Home(org="shop", account=name, account_id=account_id, region=REGION, production=False)
                 for name, account_id in ACCOUNT_IDS.items()}
        alerts = {name: AlertTopics(f"{name}-alerts", homes[name], organization_id="o-probe",
                                    opts=pulumi.ResourceOptions(providers=[providers[name]]))
                  for name in providers}
        monitor = Monitor(spec, homes["ops"], environments=ENVIRONMENTS, alerts=alerts, providers=providers, homes=homes)
        body(monitor)
        monitor.render_dashboards()

    return run_components(program, {"aws:region": REGION}, stack="probe").registrations
