"""The alarm catalogue: per kind of service, the CloudWatch metrics we alarm on, how, and in which unit.

Config overrides a metric's threshold per environment (`landing-zone:monitoring`); components call
`Monitor.watch(kind=...)` and get one alarm per metric below plus the matching dashboard widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from config.quantity import HEALTH_LEVELS, Measure, Quantity, parse_quantity

Severity = Literal["critical", "warning"]
Comparison = Literal["GreaterThanOrEqualToThreshold", "LessThanOrEqualToThreshold"]
Statistic = Literal["Average", "Maximum", "Minimum", "Sum"]
MissingData = Literal["missing", "notBreaching", "breaching", "ignore"]
# The unit CloudWatch reports the metric in; thresholds from config are converted into it.
MetricUnit = Literal["Percent", "Ratio", "Bytes", "Megabytes", "Seconds", "Milliseconds", "Count", "Health"]

MEASURE_OF: dict[MetricUnit, Measure] = {
    "Percent": "percent", "Ratio": "percent", "Bytes": "bytes", "Megabytes": "bytes",
    "Seconds": "duration", "Milliseconds": "duration", "Count": "count", "Health": "health",
}
# base unit (percent, bytes, seconds, count) -> metric unit; CloudWatch's "Megabytes" for storage are MiB.
_FROM_BASE: dict[MetricUnit, float] = {
    "Percent": 1.0, "Ratio": 0.01, "Bytes": 1.0, "Megabytes": 2.0**-20,
    "Seconds": 1.0, "Milliseconds": 1000.0, "Count": 1.0, "Health": 1.0,
}
_MEASURE_HINT: dict[Measure, str] = {
    "percent": "a percentage such as `80%`",
    "bytes": "a size such as `512 MiB` or `20 GiB`",
    "duration": "a duration such as `30 s`, `500 ms` or `5 min`",
    "count": "a plain count such as `10`",
    "health": f"a health level: one of {sorted(HEALTH_LEVELS)}",
}


@dataclass(frozen=True)
class Publisher:
    """What makes a service publish a metric to CloudWatch: an alarm on a metric nobody publishes never fires."""

    key: str
    description: str
    source: str


PUBLISHERS: dict[str, Publisher] = {publisher.key: publisher for publisher in (
    Publisher("default", "the service publishes it for every resource, with no setting",
              "the service's 'Monitoring with Amazon CloudWatch' page in its user guide"),
    Publisher("beanstalk-enhanced-health", "Elastic Beanstalk publishes EnvironmentHealth once enhanced health "
              "reporting is on (aws:elasticbeanstalk:healthreporting:system SystemType=enhanced)",
              "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/health-enhanced-cloudwatch.html"),
    Publisher("beanstalk-config-document", "Elastic Beanstalk publishes other environment metrics only when the "
              "health ConfigDocument lists them under CloudWatchMetrics.Environment (billed as custom metrics)",
              "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/health-enhanced-cloudwatch.html"),
    Publisher("lambda-destination", "Lambda publishes DestinationDeliveryFailures for a function with an "
              "asynchronous or event source mapping on-failure destination",
              "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html"),
)}


@dataclass(frozen=True)
class MetricAlarmSpec:
    """One alarm of a service kind: `key` is the name config uses, e.g. `cpu` in `alarms.aurora.cpu`."""

    key: str
    title: str
    metric_name: str
    statistic: Statistic
    comparison: Comparison
    metric_unit: MetricUnit
    default: str | float
    severity: Severity
    published_by: str  # a key of PUBLISHERS: what makes the service publish the metric
    period: int = 300
    evaluation_periods: int = 3
    missing_data: MissingData = "notBreaching"
    # When set, the alarm watches 100 * numerator / denominator (both summed) instead of `metric_name`.
    ratio_of: tuple[str, str] | None = None

    @property
    def measure(self) -> Measure:
        return MEASURE_OF[self.metric_unit]

    @property
    def default_threshold(self) -> Quantity:
        return parse_quantity(self.default)

    def metric_value(self, threshold: Quantity) -> float:
        """The threshold in the unit CloudWatch reports the metric in."""
        return threshold.base * _FROM_BASE[self.metric_unit]

    def problem(self, threshold: Quantity) -> str | None:
        """What is wrong with `threshold` for this metric, or None."""
        if threshold.measure != self.measure:
            return (f"`{threshold.text}` is a {threshold.measure} but {self.title} is measured as "
                    f"{_MEASURE_HINT[self.measure]}")
        if self.measure == "percent" and not 0 < threshold.base <= 100:
            return f"`{threshold.text}` is outside 0-100%; write a share above 0% and at most 100%"
        if self.measure in ("bytes", "duration") and threshold.base <= 0:
            return f"`{threshold.text}` must be above zero; write {_MEASURE_HINT[self.measure]}"
        return None


@dataclass(frozen=True)
class ServiceKind:
    """A kind of service: its metric namespace, the dimensions a caller supplies, and its alarms."""

    kind: str
    title: str
    namespace: str
    dimensions: tuple[str, ...]
    alarms: tuple[MetricAlarmSpec, ...]
    # A dimension the monitor fills with the watched account's id (OpenSearch's ClientId).
    account_dimension: str | None = None

    def alarm(self, key: str) -> MetricAlarmSpec:
        for spec in self.alarms:
            if spec.key == key:
                return spec
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [spec.key for spec in self.alarms]


_GE: Comparison = "GreaterThanOrEqualToThreshold"
_LE: Comparison = "LessThanOrEqualToThreshold"

_ALWAYS, _HEALTH, _DOCUMENT, _DESTINATION = "default", "beanstalk-enhanced-health", "beanstalk-config-document", \
    "lambda-destination"

CATALOGUE: dict[str, ServiceKind] = {kind.kind: kind for kind in (
    ServiceKind("aurora", "Aurora cluster", "AWS/RDS", ("DBClusterIdentifier",), (
        MetricAlarmSpec("cpu", "CPU utilization", "CPUUtilization", "Average", _GE, "Percent", "80%", "warning",
                        _ALWAYS),
        MetricAlarmSpec("freeable_memory", "freeable memory", "FreeableMemory", "Minimum", _LE, "Bytes", "256 MiB",
                        "critical", _ALWAYS),
        MetricAlarmSpec("replica_lag", "replica lag", "AuroraReplicaLagMaximum", "Maximum", _GE, "Milliseconds", "2 s",
                        "warning", _ALWAYS),
        MetricAlarmSpec("connections", "connections", "DatabaseConnections", "Maximum", _GE, "Count", 400, "warning",
                        _ALWAYS),
    )),
    ServiceKind("opensearch", "OpenSearch domain", "AWS/ES", ("DomainName",), (
        MetricAlarmSpec("cluster_red", "cluster status red", "ClusterStatus.red", "Maximum", _GE, "Count", 1, "critical",
                        _ALWAYS, period=60, evaluation_periods=1),
        MetricAlarmSpec("cluster_yellow", "cluster status yellow", "ClusterStatus.yellow", "Maximum", _GE, "Count", 1,
                        "warning", _ALWAYS, period=60, evaluation_periods=5),
        # The default is the watcher's: a quarter of each node's volume (AWS's recommended alarms for OpenSearch).
        MetricAlarmSpec("free_storage", "free storage", "FreeStorageSpace", "Minimum", _LE, "Megabytes", "20 GiB",
                        "warning", _ALWAYS, evaluation_periods=1),
        MetricAlarmSpec("jvm_pressure", "JVM memory pressure", "JVMMemoryPressure", "Maximum", _GE, "Percent", "85%",
                        "warning", _ALWAYS),
    ), account_dimension="ClientId"),
    ServiceKind("kinesis", "Kinesis stream", "AWS/Kinesis", ("StreamName",), (
        MetricAlarmSpec("iterator_age", "iterator age", "GetRecords.IteratorAgeMilliseconds", "Maximum", _GE,
                        "Milliseconds", "5 min", "critical", _ALWAYS),
        MetricAlarmSpec("write_throttles", "write throttles", "WriteProvisionedThroughputExceeded", "Sum", _GE, "Count",
                        10, "warning", _ALWAYS),
        MetricAlarmSpec("read_throttles", "read throttles", "ReadProvisionedThroughputExceeded", "Sum", _GE, "Count", 10,
                        "warning", _ALWAYS),
    )),
    ServiceKind("beanstalk", "Elastic Beanstalk environment", "AWS/ElasticBeanstalk", ("EnvironmentName",), (
        MetricAlarmSpec("health", "environment health", "EnvironmentHealth", "Maximum", _GE, "Health", "degraded",
                        "critical", _HEALTH, period=60, evaluation_periods=5),
        MetricAlarmSpec("error_rate_5xx", "5xx rate", "ApplicationRequests5xx", "Sum", _GE, "Percent", "5%", "critical",
                        _DOCUMENT, evaluation_periods=2,
                        ratio_of=("ApplicationRequests5xx", "ApplicationRequestsTotal")),
    )),
    ServiceKind("nat", "NAT gateway", "AWS/NATGateway", ("NatGatewayId",), (
        MetricAlarmSpec("port_allocation_errors", "port allocation errors", "ErrorPortAllocation", "Sum", _GE, "Count", 1,
                        "warning", _ALWAYS, evaluation_periods=1),
        MetricAlarmSpec("packets_dropped", "packets dropped", "PacketsDropCount", "Sum", _GE, "Count", 100, "warning",
                        _ALWAYS),
    )),
    ServiceKind("lambda", "Lambda function", "AWS/Lambda", ("FunctionName",), (
        MetricAlarmSpec("errors", "errors", "Errors", "Sum", _GE, "Count", 1, "warning", _ALWAYS, evaluation_periods=1),
        MetricAlarmSpec("throttles", "throttles", "Throttles", "Sum", _GE, "Count", 1, "warning", _ALWAYS,
                        evaluation_periods=1),
        # A failure that cannot reach its failure queue is lost without a trace in the queue's own alarm.
        MetricAlarmSpec("destination_failures", "on-failure delivery failures", "DestinationDeliveryFailures", "Sum",
                        _GE, "Count", 1, "critical", _DESTINATION, evaluation_periods=1),
    )),
    ServiceKind("dead_letter_queue", "dead-letter queue", "AWS/SQS", ("QueueName",), (
        MetricAlarmSpec("depth", "messages waiting", "ApproximateNumberOfMessagesVisible", "Maximum", _GE, "Count", 1,
                        "critical", _ALWAYS, period=60, evaluation_periods=1),
    )),
    ServiceKind("firehose", "Firehose delivery stream", "AWS/Firehose", ("DeliveryStreamName",), (
        MetricAlarmSpec("s3_freshness", "S3 delivery freshness", "DeliveryToS3.DataFreshness", "Maximum", _GE, "Seconds",
                        "15 min", "warning", _ALWAYS),
        MetricAlarmSpec("opensearch_freshness", "OpenSearch delivery freshness",
                        "DeliveryToAmazonOpenSearchService.DataFreshness", "Maximum", _GE, "Seconds", "15 min", "warning",
                        _ALWAYS),
    )),
    ServiceKind("ses", "SES sending", "AWS/SES", (), (
        MetricAlarmSpec("bounce_rate", "bounce rate", "Reputation.BounceRate", "Maximum", _GE, "Ratio", "5%", "warning",
                        _ALWAYS, period=900, evaluation_periods=1),
        MetricAlarmSpec("complaint_rate", "complaint rate", "Reputation.ComplaintRate", "Maximum", _GE, "Ratio", "0.1%",
                        "warning", _ALWAYS, period=900, evaluation_periods=1),
    )),
    ServiceKind("backup", "Backup vault", "AWS/Backup", ("BackupVaultName",), (
        MetricAlarmSpec("job_failures", "backup job failures", "NumberOfBackupJobsFailed", "Sum", _GE, "Count", 1,
                        "critical", _ALWAYS, evaluation_periods=1),
        MetricAlarmSpec("copy_failures", "copy job failures", "NumberOfCopyJobsFailed", "Sum", _GE, "Count", 1, "warning",
                        _ALWAYS, evaluation_periods=1),
    )),
)}
