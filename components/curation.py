"""The curation (recommendation) service of one account: the Kinesis consumer that keeps item-to-item scores in
DynamoDB, the recommendations API behind an IAM-authenticated function URL, and the failure queue where
malformed records and failed batches end up. The code is `functions/curation/`.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components import grants
from components.data.backup import BACKUP_TAGS
from components.data.keys import ADMIN_ACTIONS, GRANT_ACTIONS, USE_ACTIONS
from components.data.tier import DataTier
from components.home import Home, account_root_arn
from components.kms import rotating_key
from components.lambda_function import FunctionSpec, LambdaFunction
from components.monitoring.monitor import Monitor
from components.policy_document import PolicyDocument, Statement
from config.alarm_catalogue import LAMBDA_WITH_DESTINATION
from config.naming import aws_name
from config.services import CurationConfig

# Relative to the project directory, where the engine runs the program; the package must be named `curation`.
SOURCE = "functions/curation"
INGEST_HANDLER = "curation.ingest.handler"
API_HANDLER = "curation.api.handler"
# What the event source mapping needs of the stream (ListStreams has no resource type; it only lists names).
STREAM_READ_ACTIONS = ("kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                       "kinesis:GetShardIterator", "kinesis:ListShards")
DAY = 86400


def source_archive() -> pulumi.AssetArchive:
    """The deployment package: the `curation` package at the root of the zip."""
    return pulumi.AssetArchive({"curation": pulumi.FileArchive(SOURCE)})


class Curation(pulumi.ComponentResource):
    """Reads `stream_arn` (encrypted with `stream_key_arn`); `table_tags` put the table in a backup selection.
    Attributes for alarms and callers:

    table_name, failure_queue_name, failure_queue_url, ingest_function_name, api_function_name,
    api_url, api_function_arn   Output[str]   (a caller needs lambda:InvokeFunctionUrl on api_function_arn)
    """

    def __init__(self, name: str, spec: CurationConfig, home: Home, *, data: DataTier, monitor: Monitor,
                 opts: pulumi.ResourceOptions | None = None):
        """`data` is the account's data tier: its event stream feeds the scores, and where it has a backup plan the
        plan keeps the score table too (the scores take days of events to rebuild)."""
        super().__init__("landing-zone:curation:Curation", name, None, opts)
        stream = data.stream
        assert stream is not None, "config checks that curation has the account's event stream"
        stream_arn, stream_key_arn = stream.stream_arn, stream.key.arn
        table_tags = BACKUP_TAGS if data.backup is not None else None
        org, account, account_id, region, production = (home.org, home.account, home.account_id, home.region,
                                                         home.production)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=production)

        self.key = rotating_key(f"{name}-key", f"{account} curation: table, failure queue and logs",
                                _key_policy(account_id, region), alias=aws_name(org, account, "curation"),
                                production=production, opts=child)

        self.table = aws.dynamodb.Table(
            f"{name}-table",
            name=aws_name(org, account, "curation", kind="dynamodb-table"),
            billing_mode="PAY_PER_REQUEST",
            hash_key="item",
            attributes=[aws.dynamodb.TableAttributeArgs(name="item", type="S")],
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True, kms_key_arn=self.key.arn),
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            deletion_protection_enabled=production,
            tags=dict(table_tags or {}),
            opts=stateful,
        )
        self.failure_queue = aws.sqs.Queue(
            f"{name}-failures",
            name=aws_name(org, account, "curation-failures", kind="sqs-queue"),
            kms_master_key_id=self.key.arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=spec.failure_retention_days * DAY,
            opts=child,
        )
        aws.sqs.QueuePolicy(f"{name}-failures-policy", queue_url=self.failure_queue.url,
                            policy=_queue_policy(self.failure_queue.arn).to_json(), opts=child)

        use_key = Statement(
            "Allow", ["kms:Decrypt", "kms:GenerateDataKey"], [self.key.arn],
            conditions={"StringEquals": {"kms:ViaService": [f"dynamodb.{region}.amazonaws.com",
                                                            f"sqs.{region}.amazonaws.com"]}},
            sid="CurationKeyThroughTableAndQueue",
        )
        send_failures = Statement("Allow", ["sqs:SendMessage"], [self.failure_queue.arn], sid="SendToFailureQueue")
        code = source_archive()

        self.ingest = LambdaFunction(
            f"{name}-ingest",
            FunctionSpec(
                function_name=aws_name(org, account, "curation-ingest", kind="lambda"),
                role_name=aws_name(org, account, "curation-ingest", kind="iam"),
                description="Merges the shop's event stream into item-to-item recommendation scores",
                handler=INGEST_HANDLER, runtime=spec.runtime, memory_mb=spec.ingest_memory_mb,
                timeout_seconds=spec.ingest_timeout_seconds, log_retention_days=spec.log_retention_days,
                environment={"TABLE_NAME": self.table.name, "MALFORMED_QUEUE_URL": self.failure_queue.url,
                             **spec.tuning.environment()},
            ),
            code=code,
            statements=[
                Statement("Allow", ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem"], [self.table.arn],
                          sid="ReadAndWriteScores"),
                send_failures,
                use_key,
                Statement("Allow", list(STREAM_READ_ACTIONS), [stream_arn], sid="ReadEventStream"),
                Statement("Allow", ["kinesis:ListStreams"], ["*"], sid="ListStreams"),
                Statement("Allow", ["kms:Decrypt"], [stream_key_arn],
                          conditions={"StringEquals": {"kms:ViaService": f"kinesis.{region}.amazonaws.com"}},
                          sid="DecryptEventStream"),
            ],
            log_key_arn=self.key.arn, account_id=account_id, failure_queue_arn=self.failure_queue.arn, parent=self,
        )
        # Kinesis invokes it synchronously: failed batches leave through the mapping's on-failure destination.
        self.event_source_mapping = aws.lambda_.EventSourceMapping(
            f"{name}-ingest-stream",
            event_source_arn=stream_arn,
            function_name=self.ingest.function.name,
            starting_position=spec.starting_position,
            batch_size=spec.batch_size,
            maximum_batching_window_in_seconds=spec.batching_window_seconds,
            parallelization_factor=spec.parallelization_factor,
            function_response_types=["ReportBatchItemFailures"],
            bisect_batch_on_function_error=True,
            maximum_retry_attempts=spec.maximum_retry_attempts,
            maximum_record_age_in_seconds=spec.maximum_record_age_seconds,
            destination_config=aws.lambda_.EventSourceMappingDestinationConfigArgs(
                on_failure=aws.lambda_.EventSourceMappingDestinationConfigOnFailureArgs(
                    destination_arn=self.failure_queue.arn)),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.ingest.policy]),
        )

        self.api = LambdaFunction(
            f"{name}-api",
            FunctionSpec(
                function_name=aws_name(org, account, "curation-api", kind="lambda"),
                role_name=aws_name(org, account, "curation-api", kind="iam"),
                description="GET /recommendations?item=ID&limit=N",
                handler=API_HANDLER, runtime=spec.runtime, memory_mb=spec.api_memory_mb,
                timeout_seconds=spec.api_timeout_seconds, log_retention_days=spec.log_retention_days,
                environment={"TABLE_NAME": self.table.name},
            ),
            code=code,
            statements=[
                Statement("Allow", ["dynamodb:GetItem"], [self.table.arn], sid="ReadScores"),
                send_failures,
                use_key,
            ],
            log_key_arn=self.key.arn, account_id=account_id, failure_queue_arn=self.failure_queue.arn, parent=self,
        )
        self.api_url_resource = aws.lambda_.FunctionUrl(
            f"{name}-api-url", function_name=self.api.function.name, authorization_type="AWS_IAM", opts=child)

        self.table_name: pulumi.Output[str] = self.table.name
        self.failure_queue_name: pulumi.Output[str] = self.failure_queue.name
        self.failure_queue_url: pulumi.Output[str] = self.failure_queue.url
        self.ingest_function_name: pulumi.Output[str] = self.ingest.function.name
        self.api_function_name: pulumi.Output[str] = self.api.function.name
        self.api_function_arn: pulumi.Output[str] = self.api.function.arn
        self.api_url: pulumi.Output[str] = self.api_url_resource.function_url
        monitor.watch("lambda", account, {"FunctionName": self.ingest_function_name}, name="curation-ingest",
                      metrics=LAMBDA_WITH_DESTINATION, section="curation")
        monitor.watch("lambda", account, {"FunctionName": self.api_function_name}, name="curation-api",
                      metrics=LAMBDA_WITH_DESTINATION, section="curation")
        monitor.watch("dead_letter_queue", account, {"QueueName": self.failure_queue_name}, name="curation-failures",
                      section="curation")
        self.register_outputs({
            "table_name": self.table_name,
            "failure_queue_url": self.failure_queue_url,
            "ingest_function_name": self.ingest_function_name,
            "api_function_name": self.api_function_name,
            "api_url": self.api_url,
        })

    def grant_invoke_api(self) -> list[Statement]:
        """Call `GET /recommendations` through the function URL (IAM-signed), and nothing else of the service."""
        return grants.grant_invoke_function_url(self.api_function_arn)


def _key_policy(account_id: pulumi.Input[str], region: str) -> PolicyDocument:
    """Root administers (never reads); the account's principals use the key only through DynamoDB and SQS; the
    account's log groups encrypt with it."""
    root = account_root_arn(account_id)
    via = {"kms:CallerAccount": account_id,
           "kms:ViaService": [f"dynamodb.{region}.amazonaws.com", f"sqs.{region}.amazonaws.com"]}
    log_groups = pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":log-group:*")
    return PolicyDocument([
        Statement("Allow", list(ADMIN_ACTIONS), ["*"], principals={"AWS": [root]}, sid="AccountAdministers"),
        Statement("Allow", list(USE_ACTIONS), ["*"], principals={"AWS": [root]}, conditions={"StringEquals": via},
                  sid="UseThroughTableAndQueue"),
        Statement("Allow", list(GRANT_ACTIONS), ["*"], principals={"AWS": [root]},
                  conditions={"StringEquals": via, "Bool": {"kms:GrantIsForAWSResource": "true"}},
                  sid="TableHoldsGrants"),
        Statement("Allow", ["kms:Decrypt*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"], ["*"],
                  principals={"Service": [f"logs.{region}.amazonaws.com"]},
                  conditions={"StringLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}}, sid="LogsEncrypt"),
    ])


def _queue_policy(queue_arn: pulumi.Input[str]) -> PolicyDocument:
    return PolicyDocument([
        Statement("Deny", ["sqs:*"], [queue_arn], principals="*",
                  conditions={"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport"),
    ])
