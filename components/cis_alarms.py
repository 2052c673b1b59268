"""The 15 CIS metric filters on the organization trail's log group, each with an alarm to the security topic."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.cis_benchmark import CONTROLS, NAMESPACE
from components.home import Home


class CisAlarms(pulumi.ComponentResource):
    """One metric filter and one alarm per CIS monitoring control; any matching event in 5 minutes alarms."""

    def __init__(self, name: str, home: Home, *, log_group_name: pulumi.Input[str], topic_arn: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:audit:CisAlarms", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        for control in CONTROLS:
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{control.slug}",
                name=f"cis-{control.control}-{control.slug}",
                log_group_name=log_group_name,
                pattern=control.pattern,
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=control.metric, namespace=NAMESPACE, value="1"),
                opts=child,
            )
            self.alarms[control.control] = aws.cloudwatch.MetricAlarm(
                f"{name}-{control.slug}-alarm",
                name=home.name(f"cis-{control.control}-{control.slug}"),
                alarm_description=f"CIS {control.control}: {control.title}",
                namespace=NAMESPACE,
                metric_name=control.metric,
                statistic="Sum",
                period=300,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[topic_arn],
                opts=child,
            )
        self.register_outputs({"alarms": {control: alarm.arn for control, alarm in self.alarms.items()}})
