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

    @property
    def other_regions(self) -> list[str]:
        """The allowed regions (guardrails.allowed_regions) besides the home region, where the regional baseline goes."""
        home = self.organization.region
        return [region for region in self.guardrails.regions(home) if region != home]

    def may_deploy_in(self, account: str, region: str) -> bool:
        """SCPs never bind management; the region guardrail binds a member unless off, allowing, or exempting its role."""
        guard = self.guardrails.policies.deny_other_regions
        return (account == MANAGEMENT or not guard.enabled or self.account(account).role_name in guard.exempt_roles
                or region in self.guardrails.regions(self.organization.region))

    @property
    def deploy_roles(self) -> list[str]:
        """The access role of every member account, by which the stack deploys there (the SCPs exempt them)."""
        return [account.role_name for account in self.accounts]

    @property
    def lakes_with_data_events(self) -> list[str]:
        """Accounts whose lake's object reads and writes the organization trail records (lake.object_logging)."""
        return [name for name, spec in self.data.items()
                if spec.lake.enabled and spec.lake.object_logging == "data-events"]

    def app_role(self, account: str) -> str:
        """Purpose of `account`'s app role (`<org>-<account>-<app_role>`): data.<account>.search.app_role, else `app`."""
        return self.data[account].search.app_role if account in self.data else "app"

    def backup_copy_region(self, account: str) -> str | None:
        """Where `account`'s backups are copied to (data.<account>.backup.copy_to.region), None when not copied."""
        backup = self.data[account].backup
        return backup.copy_to.region if backup.enabled else None
