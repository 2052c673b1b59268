"""Restore testing: AWS Backup restores the latest Aurora recovery point on a schedule into the data subnets, and a
Lambda validates the restored cluster (available, encrypted, restored within the RTO) and reports the verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.data.backup import Backup
from components.data.database import Database
from components.home import Home
from components.policy_document import PolicyDocument, Statement
from config.data import BackupConfig
from config.naming import aws_name

SOURCE = Path(__file__).resolve().parents[2] / "functions" / "restore_validation"
HANDLER = "handler.handle"
RUNTIME = "python3.12"

COMPLETED_RESTORES = {"source": ["aws.backup"], "detail-type": ["Restore Job State Change"],
                      "detail": {"status": ["COMPLETED"]}}


def plan_name(org: str, account: str, purpose: str) -> str:
    """Restore testing names allow letters, digits and underscores only."""
    return aws_name(org, account, purpose, kind="restore-testing").replace("-", "_")


class RestoreTesting(pulumi.ComponentResource):
    """The restore-testing plan and Aurora selection, and the validator that judges each restore."""

    def __init__(self, name: str, spec: BackupConfig, home: Home, *, database: Database, backup: Backup,
                 logs_key: aws.kms.Key, log_retention_days: int, opts: pulumi.ResourceOptions | None = None):
        """Restores `database`'s recovery points from `backup`'s vault as `spec.restore_testing` says, within
        `spec.rto_hours`; `log_retention_days` is the database's."""
        super().__init__("landing-zone:data:RestoreTesting", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        continuous, rto_hours = spec.continuous.enabled, spec.rto_hours
        vault, restore_role, testing = backup.vault, backup.restore_role, spec.restore_testing
        org, account, account_id, region, production = (home.org, home.account, home.account_id, home.region,
                                                         home.production)
        self.plan = aws.backup.RestoreTestingPlan(
            f"{name}-plan",
            name=plan_name(org, account, "aurora-restore"),
            recovery_point_selection=aws.backup.RestoreTestingPlanRecoveryPointSelectionArgs(
                algorithm="LATEST_WITHIN_WINDOW",
                include_vaults=[vault.arn],
                recovery_point_types=["SNAPSHOT", *(["CONTINUOUS"] if continuous else [])],
                selection_window_days=testing.selection_window_days,
            ),
            schedule_expression=f"cron(0 {testing.hour_utc} ? * {testing.day} *)",
            schedule_expression_timezone="Etc/UTC",
            start_window_hours=testing.start_window_hours,
            opts=child,
        )
        self.selection = aws.backup.RestoreTestingSelection(
            f"{name}-aurora",
            name=plan_name(org, account, "aurora"),
            restore_testing_plan_name=self.plan.name,
            protected_resource_type="Aurora",
            protected_resource_arns=[database.cluster_arn],
            iam_role_arn=restore_role.arn,
            # Restore beside the real cluster: same isolated subnets, same app-only security group.
            restore_metadata_overrides={
                "dbsubnetgroupname": database.subnet_group.name,
                "vpcsecuritygroupids": database.security_group.id.apply(lambda group: json.dumps([group])),
            },
            validation_window_hours=testing.validation_window_hours,
            opts=child,
        )
        self.validator = self._validator(name, rto_hours, log_retention_days, logs_key=logs_key, org=org, account=account,
                                         account_id=account_id, region=region, production=production)
        self.register_outputs({"plan_name": self.plan.name, "validator": self.validator.name})

    def _validator(self, name: str, rto_hours: float, log_retention_days: int, *, logs_key: aws.kms.Key, org: str,
                   account: str, account_id: pulumi.Input[str], region: str, production: bool) -> aws.lambda_.Function:
        child = pulumi.ResourceOptions(parent=self)
        function_name = aws_name(org, account, "restore-validation", kind="lambda")
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-validator-logs", name=f"/aws/lambda/{function_name}", retention_in_days=log_retention_days,
            kms_key_id=logs_key.arn, opts=pulumi.ResourceOptions(parent=self, protect=production))
        self.dead_letter_queue_name = aws_name(org, account, "restore-validation-dlq")
        dead_letters = aws.sqs.Queue(
            f"{name}-validator-dlq", name=self.dead_letter_queue_name,
            sqs_managed_sse_enabled=True, message_retention_seconds=14 * 24 * 3600, opts=child)
        trust = PolicyDocument([Statement(
            "Allow", ["sts:AssumeRole"], principals={"Service": ["lambda.amazonaws.com"]},
            conditions={"StringEquals": {"aws:SourceAccount": account_id}}, sid="LambdaAssumes")])
        role = aws.iam.Role(f"{name}-validator-role", name=aws_name(org, account, "restore-validation", kind="iam"),
                            description="Validates Aurora restore tests and reports to AWS Backup",
                            assume_role_policy=trust.to_json(), opts=child)
        policy = aws.iam.RolePolicy(f"{name}-validator-policy", role=role.id,
                                    policy=_validator_policy(log_group.arn, dead_letters.arn, account_id,
                                                             region=region).to_json(), opts=child)
        function = aws.lambda_.Function(
            f"{name}-validator",
            name=function_name,
            description="Judges each Aurora restore test: available, encrypted, within the RTO",
            runtime=RUNTIME,
            handler=HANDLER,
            code=pulumi.FileArchive(str(SOURCE)),
            role=role.arn,
            architectures=["arm64"],
            timeout=60,
            memory_size=128,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables={"RTO_HOURS": f"{rto_hours:g}"}),
            dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=dead_letters.arn),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=log_group.name),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, log_group]),
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-completed", name=aws_name(org, account, "restore-tests-completed"),
            description="Completed restore jobs: the validator judges restore tests among them",
            event_pattern=json.dumps(COMPLETED_RESTORES), opts=child)
        aws.lambda_.Permission(f"{name}-validator-invoke", action="lambda:InvokeFunction", function=function.name,
                               principal="events.amazonaws.com", source_arn=rule.arn, opts=child)
        aws.cloudwatch.EventTarget(f"{name}-completed-to-validator", rule=rule.name, arn=function.arn, opts=child)
        return function


def _validator_policy(log_group_arn: pulumi.Input[str], queue_arn: pulumi.Input[str], account_id: pulumi.Input[str],
                      *, region: str) -> PolicyDocument:
    clusters = pulumi.Output.concat("arn:aws:rds:", region, ":", account_id, ":cluster:*")
    return PolicyDocument([
        # Neither action names a resource type: AWS authorizes them on `*` only.
        Statement("Allow", ["backup:DescribeRestoreJob", "backup:PutRestoreValidationResult"], ["*"],
                  sid="JudgeRestoreJobs"),
        Statement("Allow", ["rds:DescribeDBClusters"], [clusters], sid="InspectRestoredClusters"),
        Statement("Allow", ["logs:CreateLogStream", "logs:PutLogEvents"], [pulumi.Output.concat(log_group_arn, ":*")],
                  sid="WriteOwnLogs"),
        Statement("Allow", ["sqs:SendMessage"], [queue_arn], sid="KeepFailedEvents"),
        # X-Ray has no resource-level permissions for sending traces.
        Statement("Allow", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"], sid="SendTraces"),
    ])
