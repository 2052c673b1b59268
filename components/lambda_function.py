"""A Lambda function the way this house runs them: its own role with a typed least-privilege policy, its own
log group (KMS-encrypted, with retention), X-Ray tracing, a supported Python runtime, and an on-failure
destination for asynchronous invocations (the role's statements must let it send there).

    ingest = LambdaFunction("dev-curation-ingest", FunctionSpec(...), code=archive, statements=[...],
                            log_key_arn=key.arn, account_id=..., failure_queue_arn=queue.arn, parent=self)
    ingest.function, ingest.role, ingest.log_group, ingest.name

Not a component of its own: its resources are children of the component that builds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.policy_document import PolicyDocument, Statement


@dataclass(frozen=True)
class FunctionSpec:
    """What differs between our functions; everything else is the house default."""

    function_name: str
    role_name: str
    description: str
    handler: str
    runtime: str
    memory_mb: int
    timeout_seconds: int
    log_retention_days: int
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


class LambdaFunction:
    """The function, its role and inline policy, and its log group; all children of `parent`."""

    def __init__(self, name: str, spec: FunctionSpec, *, code: pulumi.Archive, statements: Sequence[Statement],
                 log_key_arn: pulumi.Input[str], account_id: pulumi.Input[str], failure_queue_arn: pulumi.Input[str],
                 parent: pulumi.Resource):
        child = pulumi.ResourceOptions(parent=parent)
        self.name = spec.function_name
        trust = PolicyDocument([Statement(
            "Allow", ["sts:AssumeRole"], principals={"Service": ["lambda.amazonaws.com"]},
            conditions={"StringEquals": {"aws:SourceAccount": account_id}}, sid="LambdaAssumes",
        )])
        self.role = aws.iam.Role(f"{name}-role", name=spec.role_name, description=spec.description,
                                 assume_role_policy=trust.to_json(), opts=child)
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/lambda/{spec.function_name}",
            retention_in_days=spec.log_retention_days,
            kms_key_id=log_key_arn,
            opts=child,
        )
        self.statements: tuple[Statement, ...] = (
            Statement("Allow", ["logs:CreateLogStream", "logs:PutLogEvents"],
                      [pulumi.Output.concat(self.log_group.arn, ":*")], sid="WriteOwnLogs"),
            # X-Ray's trace APIs have no resource type: "*" is the only resource they accept.
            Statement("Allow", ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], ["*"], sid="WriteTraces"),
            *statements,
        )
        self.policy = aws.iam.RolePolicy(f"{name}-policy", role=self.role.id,
                                         policy=PolicyDocument(self.statements).to_json(), opts=child)
        self.function = aws.lambda_.Function(
            name,
            name=spec.function_name,
            description=spec.description,
            role=self.role.arn,
            runtime=spec.runtime,
            architectures=["arm64"],  # pure Python: Graviton is cheaper for the same work
            handler=spec.handler,
            code=code,
            memory_size=spec.memory_mb,
            timeout=spec.timeout_seconds,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(spec.environment)),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=self.log_group.name),
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[self.policy, self.log_group]),
        )
        self.arn: pulumi.Output[str] = self.function.arn
        # Whatever invokes it asynchronously, a failed event lands in the queue (its role may send there).
        self.invoke_config = aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-async",
            function_name=self.function.name,
            maximum_retry_attempts=2,
            maximum_event_age_in_seconds=3600,
            destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
                    destination=failure_queue_arn)),
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[self.policy]),
        )
