"""Log groups of the data tier, created before a service would create them unencrypted and kept for a set time."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws


def log_groups(name: str, group_names: Sequence[str], retention_days: int, *, key: aws.kms.Key, production: bool,
               parent: pulumi.Resource) -> list[aws.cloudwatch.LogGroup]:
    """One KMS-encrypted group per name, with the configured retention."""
    return [
        aws.cloudwatch.LogGroup(
            f"{name}-log-{group.strip('/').replace('/', '-').lower()}",
            name=group,
            retention_in_days=retention_days,
            kms_key_id=key.arn,
            opts=pulumi.ResourceOptions(parent=parent, protect=production),
        )
        for group in group_names
    ]
