"""Checks of `quotas` against the organization and the accounts."""

from __future__ import annotations

from collections.abc import Iterator

from aws_facts.accounts import MANAGEMENT
from aws_facts.quotas import QUOTAS_BY_KEY, Quota
from config.base import Sections
from config.errors import Problem
from config.organization import AccountConfig, OrganizationConfig
from config.quotas import ORGANIZATION_QUOTAS, SERVICE_QUOTAS_PRINCIPAL, QuotasConfig


def requested_accounts(sections: Sections) -> Iterator[Problem]:
    """Quotas are requested for configured accounts, organization quotas from `management` only, none below an
    account's start; reports `landing-zone:quotas.accounts.<account>` or a `<quota>` below it."""
    quotas: QuotasConfig = sections["quotas"]
    accounts: list[AccountConfig] = sections["accounts"]
    known = [MANAGEMENT, *(account.name for account in accounts)]
    for account, values in quotas.accounts.items():
        path = f"quotas.accounts.{account}"
        if account not in known:
            yield Problem(path, f"`{account}` is not a configured account; use one of {known}")
        for name, value in values.items():
            quota = QUOTAS_BY_KEY[name]
            if name in ORGANIZATION_QUOTAS and account != MANAGEMENT:
                yield Problem(f"{path}.{name}", f"{quota.title} is the organization's quota, requested from the "
                                                f"management account; move it to quotas.accounts.{MANAGEMENT}.{name}")
            if value is not None:
                yield from _value_problems(f"{path}.{name}", quota, value)


def template(sections: Sections) -> Iterator[Problem]:
    """The new-account template holds no organization quota or too-low value, and needs the Service Quotas principal;
    reports `landing-zone:quotas.template.<quota>` or `landing-zone:organization.service_access_principals`."""
    quotas: QuotasConfig = sections["quotas"]
    organization: OrganizationConfig = sections["organization"]
    for name, value in quotas.template.items():
        quota = QUOTAS_BY_KEY[name]
        if name in ORGANIZATION_QUOTAS:
            yield Problem(f"quotas.template.{name}", f"{quota.title} is the organization's, not a new account's; "
                                                     f"request it under quotas.accounts.{MANAGEMENT}")
        yield from _value_problems(f"quotas.template.{name}", quota, value)
    if quotas.template and SERVICE_QUOTAS_PRINCIPAL not in organization.service_access_principals:
        yield Problem("organization.service_access_principals",
                      f"lacks {SERVICE_QUOTAS_PRINCIPAL}, which the quota request template (quotas.template) needs; "
                      "add it, or set quotas.template to {}")


def _value_problems(path: str, quota: Quota, value: int) -> Iterator[Problem]:
    # The provider refuses a value below the one applied; below a new account's start it can only be refused.
    if value < quota.starts_at:
        yield Problem(path, f"{value} is below what an account starts with ({quota.starts_at}; AWS default "
                            f"{quota.default}), so there is nothing to request; ask for more or remove it")

