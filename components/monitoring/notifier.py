"""One environment's Slack notifier: SNS alert topics invoke it, it posts to the environment's Slack channels.

What it cannot deliver after Lambda's retries lands in a KMS-encrypted dead-letter queue, which alarms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.alert_topics import AlertTopics, topic_policy
from components.home import Home
from components.monitoring.monitor import Monitor
from components.monitoring.notifier_secrets import NotifierSecrets
from components.policy_document import PolicyDocument, Statement
from config.alarm_catalogue import LAMBDA_WITH_DESTINATION
from config.monitoring import NotifierConfig
from config.naming import aws_name

# The notifier is a package (relative imports): its files go under slack_notifier/ in the zip.
PACKAGE = "slack_notifier"
HANDLER = f"{PACKAGE}.handler.handler"
SOURCE = "functions/slack_notifier"  # relative to the project directory, where Pulumi runs the program
# Longest SQS retention: time to notice the alarm, fix the cause and redrive.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600


class SlackNotifier(pulumi.ComponentResource):
    """The notifier Lambda with its role, log group, dead-letter queue, alarms, and the topics' permission to invoke it."""

    def __init__(self, name: str, spec: NotifierConfig, home: Home, *, environment: str, secrets: NotifierSecrets,
                 channel_ids: Mapping[str, pulumi.Input[str]], topics: Mapping[str, AlertTopics], monitor: Monitor,
                 opts: pulumi.ResourceOptions | None = None):
        """`home` is the monitoring account; `topics` the alert topics of `environment`'s accounts, which invoke it;
        `channel_ids` the environment's Slack channels. Its code is `functions/slack_notifier` (SOURCE)."""
        super().__init__("landing-zone:monitoring:SlackNotifier", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        org_name, account, source = home.org, home.account, SOURCE
        function_name = aws_name(org_name, account, f"{environment}-slack-notifier", kind="lambda")

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=f"/aws/lambda/{function_name}", retention_in_days=spec.log_retention_days,
            kms_key_id=secrets.key_arn, opts=child)
        self.dead_letters = aws.sqs.Queue(
            f"{name}-dlq",
            name=aws_name(org_name, account, f"{environment}-slack-notifier-dlq", kind="sqs-queue"),
            kms_master_key_id=secrets.key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            opts=child)
        aws.sqs.QueuePolicy(f"{name}-dlq-policy", queue_url=self.dead_letters.url, policy=PolicyDocument([
            Statement("Deny", ["sqs:*"], [self.dead_letters.arn], principals="*",
                      conditions={"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport"),
        ]).to_json(), opts=child)

        trust = PolicyDocument([
            Statement("Allow", ["sts:AssumeRole"], principals={"Service": ["lambda.amazonaws.com"]}, sid="LambdaAssumes"),
        ])
        self.role = aws.iam.Role(f"{name}-role", name=aws_name(org_name, account, f"{environment}-slack-notifier",
                                                                kind="iam"),
                                 assume_role_policy=trust.to_json(), opts=child)
        permissions = PolicyDocument([
            Statement("Allow", ["logs:CreateLogStream", "logs:PutLogEvents"],
                      [pulumi.Output.concat(self.log_group.arn, ":*")], sid="WriteOwnLogs"),
            # X-Ray has no resource-level permissions for sending traces.
            Statement("Allow", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"], sid="SendTraces"),
            *secrets.grant_read_token(),
            *secrets.grant_send_dead_letters(self.dead_letters.arn),
        ])
        role_policy = aws.iam.RolePolicy(f"{name}-role-policy", role=self.role.id, policy=permissions.to_json(),
                                         opts=child)

        channels = pulumi.Output.from_input(dict(channel_ids)).apply(lambda ids: json.dumps(ids, sort_keys=True))
        self.function = aws.lambda_.Function(
            name,
            name=function_name,
            description=f"Posts {environment} alerts to Slack",
            role=self.role.arn,
            runtime=spec.runtime,
            handler=HANDLER,
            code=package_archive(source),
            architectures=["arm64"],
            timeout=spec.timeout_seconds,
            memory_size=spec.memory_mb,
            reserved_concurrent_executions=spec.reserved_concurrency,
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=self.log_group.name),
            environment=aws.lambda_.FunctionEnvironmentArgs(variables={
                "SLACK_CHANNELS": channels,
                "SLACK_TOKEN_SECRET_ARN": secrets.secret_arn,
                "DEFAULT_SEVERITY": spec.default_severity,
                "ACCOUNT_NAMES": _account_names(monitor.homes),
            }),
            # The role must be able to write logs and read the token before the first invocation.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy, self.log_group]),
        )
        self.failure_destination = aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-on-failure",
            function_name=self.function.name,
            maximum_retry_attempts=spec.maximum_retry_attempts,
            maximum_event_age_in_seconds=spec.maximum_event_age_seconds,
            destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
                    destination=self.dead_letters.arn)),
            opts=child)

        # Each alert topic, in whichever account, may invoke the function; the subscription lives with the topic.
        for topic_account, alert_topics in topics.items():
            for severity, topic in alert_topics.topics.items():
                aws.lambda_.Permission(
                    f"{name}-from-{topic_account}-{severity}",
                    statement_id=f"sns-{topic_account}-{severity}",
                    action="lambda:InvokeFunction",
                    function=self.function.name,
                    principal="sns.amazonaws.com",
                    source_arn=topic.arn,  # names the topic and its account: nothing else may invoke
                    opts=child)

        # The notifier's own trouble must not travel through the notifier: with fallback addresses configured, its
        # alarms go to a topic that e-mails them.
        self.health_topic: aws.sns.Topic | None = None
        if spec.fallback_emails:
            home_topics, monitor_home = monitor.alerts[account], monitor.homes[account]
            self.health_topic = aws.sns.Topic(
                f"{name}-health", name=aws_name(org_name, account, f"{environment}-notifier-health", kind="sns-topic"),
                kms_master_key_id=home_topics.key.arn, opts=child)
            aws.sns.TopicPolicy(f"{name}-health-policy", arn=self.health_topic.arn, policy=topic_policy(
                self.health_topic.arn, monitor_home.root_arn, monitor_home.account_id,
                organization_id=home_topics.organization_id).to_json(), opts=child)
            for index, address in enumerate(spec.fallback_emails):
                aws.sns.TopicSubscription(f"{name}-health-email-{index}", topic=self.health_topic.arn,
                                          protocol="email", endpoint=address, opts=child)
        notify = self.health_topic.arn if self.health_topic is not None else None
        monitor.watch(kind="lambda", account=account, dimensions={"FunctionName": self.function.name},
                      name=f"{environment}-slack-notifier", parent=self, notify=notify, metrics=LAMBDA_WITH_DESTINATION,
                      section="alerting")
        monitor.watch(kind="dead_letter_queue", account=account, dimensions={"QueueName": self.dead_letters.name},
                      name=f"{environment}-slack-notifier-dlq", parent=self, notify=notify, section="alerting")

        self.function_arn: pulumi.Output[str] = self.function.arn
        self.register_outputs({"function_arn": self.function_arn, "dead_letter_queue_arn": self.dead_letters.arn})


def package_archive(source: str) -> pulumi.AssetArchive:
    """`source`'s Python files as the zip Lambda imports: slack_notifier/<file>.py, no bytecode caches."""
    files = sorted(Path(source).glob("*.py"))
    if not files:
        raise ValueError(f"no Python sources in {source}; the notifier's code belongs there")
    return pulumi.AssetArchive({f"{PACKAGE}/{file.name}": pulumi.FileAsset(f"{source}/{file.name}") for file in files})


def _account_names(homes: Mapping[str, Home]) -> pulumi.Output[str]:
    """ACCOUNT_NAMES for the messages: account id -> config name, as JSON."""
    names = list(homes)
    return pulumi.Output.all(*(homes[name].account_id for name in names)).apply(
        lambda ids: json.dumps(dict(zip(ids, names, strict=True)), sort_keys=True))
