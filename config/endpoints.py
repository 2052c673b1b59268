"""Interface endpoint services the program knows by short name (com.amazonaws.<region>.<name>)."""

from __future__ import annotations

# Gateway endpoints (free, route-table based) that every VPC gets; they are not interface endpoints here.
GATEWAY_SERVICES = ("s3", "dynamodb")

INTERFACE_SERVICES = frozenset({
    "application-autoscaling", "athena", "autoscaling", "backup", "cloudformation", "codeartifact.api",
    "codeartifact.repositories", "codebuild", "codecommit", "codepipeline", "ebs", "ec2", "ec2messages", "ecr.api",
    "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "elasticbeanstalk", "elasticbeanstalk-health",
    "elasticfilesystem", "elasticloadbalancing", "email-smtp", "events", "execute-api", "firehose",
    "git-codecommit", "glue", "kinesis-firehose", "kinesis-streams", "kms", "lambda", "logs", "monitoring",
    "personalize", "personalize-events", "personalize-runtime", "rds", "rds-data", "sagemaker.api",
    "sagemaker.runtime", "secretsmanager", "sns", "sqs", "ssm", "ssm-contacts", "ssmmessages", "states", "sts",
    "xray",
})


def endpoint_problem(service: str) -> str | None:
    """Why `service` cannot be an interface endpoint here, or None."""
    if service in GATEWAY_SERVICES:
        return f"`{service}` always gets a gateway endpoint (free, no ENIs); remove it from the interface list"
    if service not in INTERFACE_SERVICES:
        close = sorted(name for name in INTERFACE_SERVICES if name[:2] == service[:2])
        hint = f"; did you mean one of {close}?" if close else ""
        return f"`{service}` is not an interface endpoint service this program knows{hint}"
    return None
