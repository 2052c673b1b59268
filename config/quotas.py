"""`landing-zone:quotas`: the service quota values each account needs, requested as code, and the organization's
quota request template for the accounts it creates later.

    landing-zone:quotas:
      accounts:
        management: {organization_accounts: 120}   # Organizations' quota lives in management (us-east-1)
        ops: {lambda_concurrent_executions: 2000}
        build: {lambda_concurrent_executions: null} # null drops a default request
      template: {lambda_concurrent_executions: 1000}

A request is a value in the account's home region (a global quota: the region it lives in). Unless config says
otherwise every member account asks for Lambda's documented 1,000 concurrent executions, because a new account
starts far below it, and the template asks the same for accounts created later. The quotas, their codes and
defaults are aws_facts.quotas.QUOTAS, the one table the policy rule, the preview and these models share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema

from aws_facts.accounts import MANAGEMENT
from aws_facts.quotas import QUOTAS, QUOTAS_BY_KEY, Quota
from config.base import AccountName, Model

# Service Quotas applies the template only with trusted access in the organization (AssociateServiceQuotaTemplate
# fails with AWSServiceAccessNotEnabledException otherwise; Service Quotas API reference).
SERVICE_QUOTAS_PRINCIPAL = "servicequotas.amazonaws.com"
REQUESTABLE = tuple(quota.key for quota in QUOTAS if quota.adjustable)
# What every member account asks for unless config says otherwise: new accounts start below AWS's documented value.
MEMBER_DEFAULTS: dict[str, int] = {"lambda_concurrent_executions": QUOTAS_BY_KEY["lambda_concurrent_executions"].default}
# Quotas that belong to the organization, requested from the management account only.
ORGANIZATION_QUOTAS = tuple(quota.key for quota in QUOTAS if quota.scope == "organization")


def _requestable(name: str) -> str:
    if name not in REQUESTABLE:
        fixed = [quota.key for quota in QUOTAS if not quota.adjustable]
        hint = f"; {fixed} cannot be raised" if fixed else ""
        raise ValueError(f"not a quota the program requests; use one of {list(REQUESTABLE)}{hint}")
    return name


QuotaName = Annotated[
    str,
    AfterValidator(_requestable),
    WithJsonSchema({"type": "string", "enum": list(REQUESTABLE),
                    "description": "A service quota by its name here (aws_facts.quotas.QUOTAS)."}),
]
QuotaValue = Annotated[int, Field(ge=1, le=10_000_000_000, description="The value to request.")]


@dataclass(frozen=True)
class QuotaRequest:
    """One value to request: `quota` (with its Service Quotas codes), `value`, and the `region` it applies to."""

    quota: Quota
    value: int
    region: str

    def __post_init__(self) -> None:
        if not self.quota.adjustable:
            raise ValueError(f"{self.quota.title} is not in Service Quotas; AWS cannot raise it")

    @property
    def service_code(self) -> str:
        return str(self.quota.service_code)

    @property
    def quota_code(self) -> str:
        return str(self.quota.quota_code)


class QuotasConfig(Model):
    """Quota values requested as code; AWS approves each request later (minutes to days), not at once."""

    accounts: dict[AccountName, dict[QuotaName, QuotaValue | None]] = Field(
        default_factory=dict,
        description="Per account (`management` or a member), quota values to request in it; they override the "
                    f"defaults every member asks for ({MEMBER_DEFAULTS}); null drops a default.")
    template: dict[QuotaName, QuotaValue] = Field(
        default_factory=lambda: dict(MEMBER_DEFAULTS),
        description="The organization's quota request template: AWS files these requests in the home region of every "
                    "account created after the template is associated; {} means no template.")

    def values_for(self, account: str) -> dict[str, int]:
        """Quota name -> value to request in `account`: the member defaults under the account's own entries."""
        values: dict[str, int | None] = dict(MEMBER_DEFAULTS) if account != MANAGEMENT else {}
        values.update(self.accounts.get(account, {}))
        return {name: value for name, value in values.items() if value is not None}

    def requests_for(self, account: str, home_region: str, *, templated: bool = False) -> list[QuotaRequest]:
        """What to request in `account`, each in its region (a global quota's own, else `home_region`).

        A `templated` account (one the stack creates after the organization's template is associated) gets the
        template's requests from AWS when it is created; it files its own only for values above the template's,
        because Service Quotas keeps one open request per quota."""
        values = self.values_for(account)
        if templated:
            values = {name: value for name, value in values.items() if value > self.template.get(name, 0)}
        return _requests(values, home_region)

    def template_requests(self, home_region: str) -> list[QuotaRequest]:
        """The template's entries, each for `home_region` (a global quota's own region)."""
        return _requests(self.template, home_region)


def _requests(values: Mapping[str, int], home_region: str) -> list[QuotaRequest]:
    return [QuotaRequest(QUOTAS_BY_KEY[name], value, QUOTAS_BY_KEY[name].home or home_region)
            for name, value in sorted(values.items())]
