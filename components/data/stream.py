"""The event stream: purchase, cart and click events on Kinesis (stream key), landed by Firehose in the lake by date."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components import grants
from components.data.keys import DataKeys
from components.data.lake import ERRORS_PREFIX, EVENTS_PREFIX, DataLake
from components.home import Home
from components.policy_document import PolicyDocument, Statement
from config.data import StreamConfig
from config.naming import aws_name

_DATE = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
EVENTS_PARTITIONS = f"{EVENTS_PREFIX}{_DATE}"
ERRORS_PARTITIONS = f"{ERRORS_PREFIX}!{{firehose:error-output-type}}/{_DATE}"
LOG_STREAM = "DestinationDelivery"


class EventStream(pulumi.ComponentResource):
    """Kinesis stream (KMS, on-demand or provisioned) and the Firehose that writes it to `lake`, partitioned by date."""

    def __init__(self, name: str, spec: StreamConfig, home: Home, *, keys: DataKeys, lake: DataLake,
                 opts: pulumi.ResourceOptions | None = None):
        """Kinesis (the stream key) delivered by Firehose into `lake`; `keys` gives the stream and logs keys."""
        super().__init__("landing-zone:data:EventStream", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        key, logs_key = keys["stream"], keys["logs"]
        org, account, account_id, region, production = (home.org, home.account, home.account_id, home.region,
                                                         home.production)
        self.key = key
        self.stream_name = aws_name(org, account, "events", kind="kinesis")
        provisioned = spec.mode == "provisioned"
        self.stream = aws.kinesis.Stream(
            name,
            name=self.stream_name,
            stream_mode_details=aws.kinesis.StreamStreamModeDetailsArgs(
                stream_mode="PROVISIONED" if provisioned else "ON_DEMAND"),
            shard_count=spec.shards if provisioned else None,
            retention_period=spec.retention_hours,
            encryption_type="KMS",
            kms_key_id=key.arn,
            shard_level_metrics=["IncomingRecords", "OutgoingRecords", "ReadProvisionedThroughputExceeded",
                                 "WriteProvisionedThroughputExceeded", "IteratorAgeMilliseconds"],
            opts=pulumi.ResourceOptions(parent=self, protect=production),
        )
        self.stream_arn: pulumi.Output[str] = self.stream.arn

        self.delivery_stream_name = aws_name(org, account, "events-lake", kind="firehose")
        log_group_name = f"/aws/kinesisfirehose/{self.delivery_stream_name}"
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-delivery-logs", name=log_group_name, retention_in_days=spec.log_retention_days,
            kms_key_id=logs_key.arn, opts=pulumi.ResourceOptions(parent=self, protect=production))
        aws.cloudwatch.LogStream(f"{name}-delivery-log-stream", name=LOG_STREAM, log_group_name=self.log_group.name,
                                 opts=child)
        role = aws.iam.Role(
            f"{name}-delivery-role",
            name=aws_name(org, account, "events-delivery", kind="iam"),
            description=f"Firehose reads {self.stream_name} and writes the {account} data lake",
            assume_role_policy=_trust_policy(account_id).to_json(),
            opts=child,
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-delivery-policy", role=role.id,
            policy=_delivery_policy(self.stream.arn, key.arn, lake, log_group_arn=self.log_group.arn,
                                    region=region).to_json(), opts=child)
        self.delivery_stream = aws.kinesis.FirehoseDeliveryStream(
            f"{name}-delivery",
            name=self.delivery_stream_name,
            destination="extended_s3",
            kinesis_source_configuration=aws.kinesis.FirehoseDeliveryStreamKinesisSourceConfigurationArgs(
                kinesis_stream_arn=self.stream.arn, role_arn=role.arn),
            extended_s3_configuration=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs(
                role_arn=role.arn,
                bucket_arn=lake.bucket_arn,
                prefix=EVENTS_PARTITIONS,
                error_output_prefix=ERRORS_PARTITIONS,
                buffering_size=spec.buffer_mib,
                buffering_interval=spec.buffer_seconds,
                compression_format="GZIP",
                kms_key_arn=lake.key.arn,
                cloudwatch_logging_options=aws.kinesis.
                FirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptionsArgs(
                    enabled=True, log_group_name=self.log_group.name, log_stream_name=LOG_STREAM),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy]),
        )
        self.delivery_stream_arn: pulumi.Output[str] = self.delivery_stream.arn
        self.register_outputs({"stream_name": self.stream_name, "stream_arn": self.stream.arn,
                               "delivery_stream_name": self.delivery_stream_name})

    def grant_write(self) -> list[Statement]:
        """Put events on the stream, encrypting with the stream key through Kinesis only."""
        return grants.grant_write_stream(self.stream_arn, self.key.arn)

    def grant_read(self) -> list[Statement]:
        """Consume the stream (e.g. a Lambda event source), decrypting with the stream key through Kinesis only."""
        return grants.grant_read_stream(self.stream_arn, self.key.arn)


def _trust_policy(account_id: pulumi.Input[str]) -> PolicyDocument:
    return PolicyDocument([
        Statement("Allow", ["sts:AssumeRole"], principals={"Service": ["firehose.amazonaws.com"]},
                  conditions={"StringEquals": {"sts:ExternalId": account_id}}, sid="FirehoseDelivers"),
    ])


def _delivery_policy(stream_arn: pulumi.Input[str], stream_key_arn: pulumi.Input[str], lake: DataLake,
                     *, log_group_arn: pulumi.Input[str], region: str) -> PolicyDocument:
    objects = pulumi.Output.concat(lake.bucket_arn, "/*")
    return PolicyDocument([
        Statement("Allow", ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator",
                            "kinesis:GetRecords", "kinesis:ListShards"], [stream_arn], sid="ReadTheStream"),
        Statement("Allow", ["kms:Decrypt"], [stream_key_arn], sid="DecryptTheStream",
                  conditions={"StringEquals": {"kms:ViaService": f"kinesis.{region}.amazonaws.com"}}),
        Statement("Allow", ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
                            "s3:ListBucketMultipartUploads", "s3:PutObject"], [lake.bucket_arn, objects],
                  sid="WriteTheLake"),
        Statement("Allow", ["kms:GenerateDataKey", "kms:Decrypt"], [lake.key.arn], sid="EncryptLakeObjects",
                  conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                              "StringLike": {"kms:EncryptionContext:aws:s3:arn": pulumi.Output.concat(
                                  lake.bucket_arn, "*")}}),
        Statement("Allow", ["logs:PutLogEvents"], [pulumi.Output.concat(log_group_arn, ":log-stream:*")],
                  sid="ReportDeliveryErrors"),
    ])
