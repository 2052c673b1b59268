"""The one way the platform makes a customer-managed key: rotating, 30 days to cancel a deletion, protected in
production, with an alias that says what it is for."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.policy_document import PolicyDocument


def rotating_key(name: str, description: str, policy: PolicyDocument, *, alias: str, production: bool,
                 opts: pulumi.ResourceOptions, tags: Mapping[str, str] | None = None) -> aws.kms.Key:
    """The key `name` (and its alias `<name>-alias`, `alias/<alias>`); `opts` names the parent and any provider."""
    key = aws.kms.Key(
        name,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=policy.to_json(),
        tags=tags,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=production)),
    )
    aws.kms.Alias(f"{name}-alias", name=f"alias/{alias}", target_key_id=key.key_id, opts=opts)
    return key
