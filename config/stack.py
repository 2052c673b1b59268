"""The whole stack config: one field per `landing-zone:<section>` key, plus the checks that span sections."""

from __future__ import annotations

from pydantic import Field

from aws_facts.accounts import MANAGEMENT
from config.base import AccountName, Model
from config.baseline import BaselineConfig
from config.data import DataConfig
from config.guardrails import GuardrailsConfig
from config.identity import IdentityConfig
from config.monitoring import MonitoringConfig
from config.network import NetworkConfig
from config.organization import AccountConfig, OrganizationConfig
from config.quotas import QuotaRequest, QuotasConfig
from config.services import ServicesConfig


class StackConfig(Model):
    """Everything under `landing-zone:` in Pulumi.<stack>.yaml."""

    organization: OrganizationConfig
    accounts: list[AccountConfig] = Field(min_length=1, description="Member accounts, one entry each.")
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    guardrails: GuardrailsConfig = Field(default_factory=GuardrailsConfig)
    baseline: BaselineConfig = Field(default_factory=BaselineConfig)
    monitoring: MonitoringConfig = Field(default_factory=MonitoringConfig)
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    data: DataConfig = Field(default_factory=dict, description="The data tier per workload account, keyed by account.")
    services: dict[AccountName, ServicesConfig] = Field(
        default_factory=dict, description="Application services (web, e-mail, curation) per workload account.")
    quotas: QuotasConfig = Field(default_factory=QuotasConfig,
                                 description="Service quota values requested per account, and the template for new ones.")

    @property
    def production(self) -> bool:
        return self.organization.production

    def account(self, name: str) -> AccountConfig:
        for account in self.accounts:
            if account.name == name:
                return account
        raise KeyError(name)

    @property
    def account_names(self) -> list[str]:
        return [account.name for account in self.accounts]

    def quota_requests(self, account: str) -> list[QuotaRequest]:
        """What `account` requests itself: all of its values where it exists already (management, an adopted
        account), only those above the organization's template in an account the stack creates after it."""
        templated = account != MANAGEMENT and self.account(account).id is None and bool(self.quotas.template)
        return self.quotas.requests_for(account, self.organization.region, templated=templated)

    def zones_of_vpc(self, account: str) -> list[str]:
        vpc = self.network.vpcs[account]
        return vpc.availability_zones or self.organization.availability_zones
