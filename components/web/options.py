"""The Elastic Beanstalk option settings of the web environment, one function per concern, from the config model.

Every value is a string (or an Output of one), as Beanstalk takes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from config.alarm_catalogue import CATALOGUE
from config.services import WebConfig

Option = tuple[str, str, pulumi.Input[str]]  # (namespace, option name, value)

# Beanstalk's own naming of the HTTPS listener and the proxy process the load balancer forwards to.
HTTPS_LISTENER = "aws:elbv2:listener:443"
DEFAULT_LISTENER = "aws:elbv2:listener:default"
APP_ENVIRONMENT = "aws:elasticbeanstalk:application:environment"
MANAGED_UPDATES_ROLE = "AWSServiceRoleForElasticBeanstalkManagedUpdates"


@dataclass(frozen=True)
class EnvironmentPlacement:
    """Where the environment runs and as whom."""

    vpc_id: pulumi.Input[str]
    instance_subnet_ids: Sequence[pulumi.Input[str]]
    load_balancer_subnet_ids: Sequence[pulumi.Input[str]]
    instance_security_group_id: pulumi.Input[str]
    load_balancer_security_group_id: pulumi.Input[str]
    instance_profile_name: pulumi.Input[str]


def _joined(values: Sequence[pulumi.Input[str]]) -> pulumi.Output[str]:
    return pulumi.Output.all(*values).apply(",".join)


def network(placement: EnvironmentPlacement) -> list[Option]:
    """Instances in the private app subnets of every AZ; the load balancer public, in the public subnets."""
    vpc = "aws:ec2:vpc"
    return [
        (vpc, "VPCId", placement.vpc_id),
        (vpc, "Subnets", _joined(placement.instance_subnet_ids)),
        (vpc, "ELBSubnets", _joined(placement.load_balancer_subnet_ids)),
        (vpc, "ELBScheme", "public"),
        (vpc, "AssociatePublicIpAddress", "false"),
    ]


def instances(spec: WebConfig, placement: EnvironmentPlacement) -> list[Option]:
    """Instance types, profile and group; IMDSv2 only (Beanstalk then launches from a launch template)."""
    launch = "aws:autoscaling:launchconfiguration"
    return [
        ("aws:ec2:instances", "InstanceTypes", ",".join(spec.instance_types)),
        (launch, "IamInstanceProfile", placement.instance_profile_name),
        (launch, "SecurityGroups", placement.instance_security_group_id),
        (launch, "DisableIMDSv1", "true"),
        # Only our least-privilege group: Beanstalk's own default group would allow all egress.
        (launch, "DisableDefaultEC2SecurityGroup", "true"),
    ]


def scaling(spec: WebConfig) -> list[Option]:
    asg, trigger = "aws:autoscaling:asg", "aws:autoscaling:trigger"
    rule = spec.scaling.trigger
    return [
        (asg, "MinSize", str(spec.scaling.min_instances)),
        (asg, "MaxSize", str(spec.scaling.max_instances)),
        (trigger, "MeasureName", rule.measure),
        (trigger, "Statistic", rule.statistic),
        (trigger, "Unit", rule.unit),
        (trigger, "LowerThreshold", f"{rule.lower_threshold:g}"),
        (trigger, "UpperThreshold", f"{rule.upper_threshold:g}"),
        (trigger, "Period", str(rule.period_minutes)),
        (trigger, "BreachDuration", str(rule.breach_duration_minutes)),
    ]


def load_balancer(spec: WebConfig, placement: EnvironmentPlacement) -> list[Option]:
    """An application load balancer serving HTTPS only; HTTP gets a redirect listener outside Beanstalk."""
    assert spec.certificate_arn is not None  # the config model requires it when the service is enabled
    environment, balancer = "aws:elasticbeanstalk:environment", "aws:elbv2:loadbalancer"
    process = "aws:elasticbeanstalk:environment:process:default"
    return [
        (environment, "EnvironmentType", "LoadBalanced"),
        (environment, "LoadBalancerType", "application"),
        (balancer, "SecurityGroups", placement.load_balancer_security_group_id),
        (balancer, "ManagedSecurityGroup", placement.load_balancer_security_group_id),
        (DEFAULT_LISTENER, "ListenerEnabled", "false"),
        (HTTPS_LISTENER, "ListenerEnabled", "true"),
        (HTTPS_LISTENER, "Protocol", "HTTPS"),
        (HTTPS_LISTENER, "SSLCertificateArns", spec.certificate_arn),
        (HTTPS_LISTENER, "SSLPolicy", spec.ssl_policy),
        (process, "Port", str(spec.instance_port)),
        (process, "Protocol", "HTTP"),
        (process, "HealthCheckPath", spec.health_check_path),
    ]


def deployments(spec: WebConfig) -> list[Option]:
    """New versions roll out with an extra batch (full capacity throughout); config changes roll by health."""
    command, rolling = "aws:elasticbeanstalk:command", "aws:autoscaling:updatepolicy:rollingupdate"
    return [
        (command, "DeploymentPolicy", "RollingWithAdditionalBatch"),
        (command, "BatchSizeType", "Percentage"),
        (command, "BatchSize", str(spec.deployment_batch_percent)),
        (rolling, "RollingUpdateEnabled", "true"),
        (rolling, "RollingUpdateType", "Health"),
    ]


# Environment metrics Beanstalk publishes each minute only when the health ConfigDocument asks (the alarms need them).
PUBLISH_PERIOD_SECONDS = 60


def health_config_document() -> str:
    """The health ConfigDocument that makes Beanstalk publish every environment metric the catalogue alarms on.

    Shape from the Elastic Beanstalk developer guide, 'Publishing Amazon CloudWatch custom metrics for an
    environment': {"Version": 1, "CloudWatchMetrics": {"Environment": {metric: period in seconds}}}.
    """
    metrics = sorted({name for spec in CATALOGUE["beanstalk"].alarms if spec.published_by == "beanstalk-config-document"
                      for name in (spec.ratio_of or (spec.metric_name,))})
    return json.dumps({"Version": 1, "CloudWatchMetrics": {"Environment": dict.fromkeys(metrics, PUBLISH_PERIOD_SECONDS)}},
                      sort_keys=True, separators=(",", ":"))


def health_and_updates(spec: WebConfig) -> list[Option]:
    """Enhanced health (with the metrics the alarms read) and weekly managed platform updates, through Beanstalk's
    service-linked roles (no ServiceRole option: created through the API, the environment then uses the monitoring
    service-linked role)."""
    actions = "aws:elasticbeanstalk:managedactions"
    return [
        ("aws:elasticbeanstalk:healthreporting:system", "SystemType", "enhanced"),
        ("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument", health_config_document()),
        (actions, "ManagedActionsEnabled", "true"),
        (actions, "PreferredStartTime", spec.managed_updates.preferred_start_time),
        (actions, "ServiceRoleForManagedUpdates", MANAGED_UPDATES_ROLE),
        (f"{actions}:platformupdate", "UpdateLevel", spec.managed_updates.update_level),
        (f"{actions}:platformupdate", "InstanceRefreshEnabled", "true"),
    ]


def logs(spec: WebConfig, keep: bool) -> list[Option]:
    """Instance and health logs streamed to CloudWatch; `keep` keeps them after the environment is gone (production).

    Beanstalk creates these log groups itself, outside the program: in the sandbox they go with the environment,
    so a destroyed and rebuilt sandbox leaves none behind."""
    instance_logs, health_logs = "aws:elasticbeanstalk:cloudwatch:logs", "aws:elasticbeanstalk:cloudwatch:logs:health"
    delete = "false" if keep else "true"
    return [
        (instance_logs, "StreamLogs", "true"),
        (instance_logs, "DeleteOnTerminate", delete),
        (instance_logs, "RetentionInDays", str(spec.log_retention_days)),
        (health_logs, "HealthStreamingEnabled", "true"),
        (health_logs, "DeleteOnTerminate", delete),
        (health_logs, "RetentionInDays", str(spec.log_retention_days)),
    ]


def variables(values: Mapping[str, pulumi.Input[str]]) -> list[Option]:
    """The app's environment: endpoints, names and secret ARNs (never secret values)."""
    return [(APP_ENVIRONMENT, name, value) for name, value in sorted(values.items())]


def option_settings(spec: WebConfig, placement: EnvironmentPlacement, environment: Mapping[str, pulumi.Input[str]], *,
                    keep_logs: bool) -> list[Option]:
    return [
        *network(placement),
        *instances(spec, placement),
        *scaling(spec),
        *load_balancer(spec, placement),
        *deployments(spec),
        *health_and_updates(spec),
        *logs(spec, keep_logs),
        *variables(environment),
    ]
