"""One aws.Provider per account: the management account's own, and one that assumes each member's role."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.home import Home, role_arn
from config import MANAGEMENT, StackConfig

MANAGED_BY = "pulumi/landing-zone"


def account_tags(config: StackConfig, account: str) -> dict[str, str]:
    """The tags every resource in `account` carries through its provider's default_tags."""
    org = config.organization
    return {
        "Organization": org.name,
        "Environment": org.environment,
        "Account": account,
        "Owner": org.tags.owner,
        "CostCenter": org.tags.cost_center,
        "ManagedBy": MANAGED_BY,
        **org.tags.extra,
    }


def management_provider(config: StackConfig) -> aws.Provider:
    """The management account's provider; pinned to its id so a wrong credential cannot touch another account."""
    return aws.Provider(
        MANAGEMENT,
        region=config.organization.region,
        allowed_account_ids=[config.organization.management_account_id],
        default_tags=aws.ProviderDefaultTagsArgs(tags=account_tags(config, MANAGEMENT)),
    )


def member_provider(config: StackConfig, home: Home) -> aws.Provider:
    """A provider that assumes `home`'s organization access role from the management account."""
    account, account_id = home.account, home.account_id
    role_name = config.account(account).role_name
    assumed = role_arn(account_id, role_name)
    return aws.Provider(
        account,
        region=config.organization.region,
        allowed_account_ids=[account_id],
        assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=assumed, session_name=f"landing-zone-{pulumi.get_stack()}")],
        default_tags=aws.ProviderDefaultTagsArgs(tags=account_tags(config, account)),
    )


def member_region_provider(config: StackConfig, home: Home, region: str) -> aws.Provider:
    """`home`'s provider in another region (backup copies): the same role, tags and account pin."""
    account, account_id = home.account, home.account_id
    role_name = config.account(account).role_name
    assumed = role_arn(account_id, role_name)
    return aws.Provider(
        f"{account}-{region}",
        region=region,
        allowed_account_ids=[account_id],
        assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=assumed, session_name=f"landing-zone-{pulumi.get_stack()}")],
        default_tags=aws.ProviderDefaultTagsArgs(tags=account_tags(config, account)),
    )


def backup_copy_provider(config: StackConfig, home: Home) -> aws.Provider | None:
    """`home`'s provider in its backup copy region (data.<account>.backup.copy_to.region), None when not copied."""
    copy_region = config.backup_copy_region(home.account)
    return member_region_provider(config, home, copy_region) if copy_region else None


def management_region_provider(config: StackConfig, region: str) -> aws.Provider:
    """The management account's provider in another region (Service Quotas templates live in us-east-1)."""
    return aws.Provider(
        f"{MANAGEMENT}-{region}",
        region=region,
        allowed_account_ids=[config.organization.management_account_id],
        default_tags=aws.ProviderDefaultTagsArgs(tags=account_tags(config, MANAGEMENT)),
    )
