"""One CloudWatch dashboard per environment, in the monitoring account, built from the widgets registered for it."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.monitoring.widgets import Widget


class Dashboard(pulumi.ComponentResource):
    """The environment's dashboard: exactly the widgets `Monitor.watch` registered, in registration order."""

    def __init__(self, name: str, home: Home, *, environment: str, widgets: Sequence[Widget],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:Dashboard", name, None, opts)
        self.widget_count = len(widgets)
        # The body is data, not a policy: built as a dict, serialized once when every dimension value is known.
        body = pulumi.Output.from_input({"widgets": [widget.as_input() for widget in widgets]})
        self.dashboard = aws.cloudwatch.Dashboard(
            name,
            dashboard_name=home.name(f"{environment}-overview", kind="dashboard"),
            dashboard_body=body.apply(lambda document: json.dumps(document, separators=(",", ":"))),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"name": self.dashboard.dashboard_name, "widgets": self.widget_count})
