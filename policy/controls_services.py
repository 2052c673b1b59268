"""Application-service controls: DynamoDB, Kinesis, SNS, SQS, Secrets Manager and Lambda. AWS Config rules as in the
Security Hub user guide (dynamodb-, kinesis-, sns-, sqs-, secretsmanager- and lambda-controls).
"""

from __future__ import annotations

from collections.abc import Iterator

if __package__:  # imported as policy.controls_services by the preview and the tests
    from . import rules
    from .security_hub import Estate, Finding, decided_at_runtime, each, evaluates, label
else:  # the CrossGuard pack imports its modules from the pack directory
    import rules  # type: ignore[no-redef]
    from security_hub import Estate, Finding, decided_at_runtime, each, evaluates, label  # type: ignore[no-redef]

# Lambda.1: conditions that keep a resource policy statement for `*` to one source.
SOURCE_KEYS = ("sourceArn", "sourceAccount", "principalOrgId")

decided_at_runtime("whether a rotation succeeded, and whether a secret is still read, show only at run time",
                   "SecretsManager.2", "SecretsManager.3")


@evaluates("DynamoDB.1")
def table_capacity_scales(estate: Estate) -> Iterator[Finding]:
    """DynamoDB.1: on-demand tables scale on their own (provisioned ones would need auto scaling targets)."""
    yield from each(estate.of(rules.DYNAMODB_TABLE), lambda t: t.inputs.get("billingMode") == "PAY_PER_REQUEST",
                    "table {name} is on demand", failed="table {name} has fixed provisioned capacity")


@evaluates("DynamoDB.2")
def table_point_in_time_recovery(estate: Estate) -> Iterator[Finding]:
    """DynamoDB.2: point-in-time recovery is on."""
    yield from each(estate.of(rules.DYNAMODB_TABLE), lambda t: (t.inputs.get("pointInTimeRecovery") or {}).get("enabled") is True,
                    "table {name} has point-in-time recovery", failed="table {name} has no point-in-time recovery")


@evaluates("Kinesis.1")
def stream_encrypted(estate: Estate) -> Iterator[Finding]:
    """Kinesis.1: the stream encrypts records with KMS."""
    yield from each(estate.of(rules.KINESIS_STREAM), lambda s: s.inputs.get("encryptionType") == "KMS",
                    "stream {name} encrypts with KMS", failed="stream {name} is not encrypted")


@evaluates("SNS.1")
def topic_encrypted(estate: Estate) -> Iterator[Finding]:
    """SNS.1: the topic is encrypted with a KMS key."""
    yield from each(estate.of(rules.SNS_TOPIC), lambda t: bool(t.inputs.get("kmsMasterKeyId")),
                    "topic {name} is KMS-encrypted", failed="topic {name} is not encrypted")


FEEDBACK_ROLES = ("applicationSuccessFeedbackRoleArn", "applicationFailureFeedbackRoleArn",
                  "firehoseSuccessFeedbackRoleArn", "firehoseFailureFeedbackRoleArn", "httpSuccessFeedbackRoleArn",
                  "httpFailureFeedbackRoleArn", "lambdaSuccessFeedbackRoleArn", "lambdaFailureFeedbackRoleArn",
                  "sqsSuccessFeedbackRoleArn", "sqsFailureFeedbackRoleArn")


@evaluates("SNS.2")
def topic_delivery_status(estate: Estate) -> Iterator[Finding]:
    """SNS.2: the topic logs the delivery status of its messages (a feedback role for some protocol)."""
    yield from each(estate.of(rules.SNS_TOPIC), lambda t: any(t.inputs.get(key) for key in FEEDBACK_ROLES),
                    "topic {name} logs delivery status", failed="topic {name} logs no delivery status")


@evaluates("SNS.4")
def topic_not_public(estate: Estate) -> Iterator[Finding]:
    """SNS.4: no topic policy lets anyone outside the organization or account publish or subscribe."""
    policies = estate.of(rules.SNS_TOPIC_POLICY)
    for topic in estate.of(rules.SNS_TOPIC):
        documents = [topic.inputs.get("policy"), *(p.inputs.get("policy") for p in policies
                                                   if topic.urn in p.property_dependencies.get("arn", ()))]
        public = [sid for document in documents for sid in rules.public_statements(document)]
        yield Finding(topic.urn, not public, f"topic {label(topic)} "
                      + (f"is public through {public}" if public else "admits the organization's principals only"))


@evaluates("SQS.1")
def queue_encrypted(estate: Estate) -> Iterator[Finding]:
    """SQS.1: the queue is encrypted (a KMS key, or SQS-managed encryption, on by default for new queues)."""
    yield from each(estate.of(rules.SQS_QUEUE), lambda q: bool(q.inputs.get("kmsMasterKeyId"))
                    or q.inputs.get("sqsManagedSseEnabled") is not False,
                    "queue {name} is encrypted", failed="queue {name} is not encrypted")


def _rotation_days(estate: Estate, secret: rules.Resource) -> int | None:
    for rotation in estate.graph.dependents(secret, "secretId", rules.SECRETS_MANAGER_ROTATION):
        rule = rotation.inputs.get("rotationRules") or {}
        return int(rule.get("automaticallyAfterDays") or 0) or 90  # a schedule expression stays within 90 days here
    return None


@evaluates("SecretsManager.1")
def secret_rotates(estate: Estate) -> Iterator[Finding]:
    """SecretsManager.1: the secret has automatic rotation (RDS-managed master secrets rotate on their own)."""
    yield from each(estate.of(rules.SECRETS_MANAGER_SECRET), lambda s: _rotation_days(estate, s) is not None,
                    "secret {name} rotates automatically", failed="secret {name} never rotates")


@evaluates("SecretsManager.4")
def secret_rotates_often(estate: Estate) -> Iterator[Finding]:
    """SecretsManager.4: rotation at most every 90 days."""
    yield from each(estate.of(rules.SECRETS_MANAGER_SECRET), lambda s: (_rotation_days(estate, s) or 10**6) <= 90,
                    "secret {name} rotates within 90 days", failed="secret {name} is not rotated within 90 days")


@evaluates("Lambda.1")
def function_not_public(estate: Estate) -> Iterator[Finding]:
    """Lambda.1: no resource policy statement lets anyone invoke the function (Principal * without a source
    condition), and no function URL is open without IAM authentication."""
    functions = estate.of(rules.LAMBDA_FUNCTION)
    for function in functions:
        public = [p.name for p in estate.of(rules.LAMBDA_PERMISSION)
                  if rules.names_function(p.inputs.get("function") or p.inputs.get("functionName"), function)
                  and p.inputs.get("principal") == "*" and not any(p.inputs.get(k) for k in SOURCE_KEYS)]
        public += [u.name for u in estate.of(rules.LAMBDA_URL)
                   if rules.names_function(u.inputs.get("functionName"), function)
                   and u.inputs.get("authorizationType") == "NONE"]
        yield Finding(function.urn, not public, f"function {label(function)} "
                      + (f"is public through {public}" if public else "is invoked by named principals only"))


@evaluates("Lambda.2")
def function_runtime_supported(estate: Estate) -> Iterator[Finding]:
    """Lambda.2: the function runs on a runtime AWS supports (rules/services.py's list)."""
    zipped = [f for f in estate.of(rules.LAMBDA_FUNCTION) if f.inputs.get("packageType", "Zip") == "Zip"]
    yield from each(zipped, lambda f: f.inputs.get("runtime") in rules.SUPPORTED_LAMBDA_RUNTIMES,
                    "function {name} runs on a supported runtime", failed="function {name} runs on an unsupported runtime")


@evaluates("Lambda.5")
def function_multi_az(estate: Estate) -> Iterator[Finding]:
    """Lambda.5: a function in a VPC has subnets in more than one AZ (functions outside a VPC are not evaluated)."""
    in_vpc = [f for f in estate.of(rules.LAMBDA_FUNCTION) if (f.inputs.get("vpcConfig") or {}).get("subnetIds")]
    yield from each(in_vpc, lambda f: len(rules.as_list((f.inputs.get("vpcConfig") or {}).get("subnetIds"))) >= 2,
                    "function {name} runs in several AZs", failed="function {name} runs in one subnet")
