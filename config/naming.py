"""The one naming helper: `<org>-<account>-<purpose>`, fitted to the AWS limit of the kind of name."""

from __future__ import annotations

import hashlib
import re

# Longest name AWS accepts per kind, and whether the kind must be lowercase (DNS-style).
LIMITS: dict[str, tuple[int, bool]] = {
    "default": (63, False),
    "s3-bucket": (63, True),
    "iam": (64, False),
    "opensearch-domain": (28, True),
    "load-balancer": (32, False),
    "target-group": (32, False),
    "beanstalk-environment": (40, False),
    "rds": (63, True),
    "lambda": (64, False),
    "log-group": (512, False),
    "sns-topic": (256, False),
    "account": (50, False),
    "alarm": (255, False),
    "dashboard": (255, False),
    "sqs-queue": (80, False),
    "oam-sink": (255, False),
    "secret": (512, False),
    # Data tier
    "s3-bucket-prefix": (50, True),  # a bucket name that gets `-<account id>` appended (63 in all)
    "backup-vault": (50, False),
    "backup-plan": (50, False),
    "restore-testing": (50, False),  # and only letters, digits and underscores: see components/data/restore_testing
    "kinesis": (128, False),
    "firehose": (64, False),
    # Services
    "ses-configuration-set": (64, False),
    "dynamodb-table": (255, False),
    "beanstalk-application": (100, False),
}


def aws_name(org: str, account: str, purpose: str = "", *, kind: str = "default") -> str:
    """`shop-dev-search`; when too long for `kind`, cut and end with a short stable hash so names stay unique."""
    limit, lowercase = LIMITS[kind]
    name = "-".join(part for part in (org, account, purpose) if part)
    if lowercase:
        name = re.sub(r"[^a-z0-9-]", "-", name.lower())
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:6]
    return f"{name[: limit - 7].rstrip('-')}-{digest}"
