"""The whole stack config: one field per `landing-zone:<section>` key, plus the checks that span sections."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from pydantic import Field

import config.data_checks
import config.identity_checks
import config.network_checks  # noqa: F401  (registers the network section's checks)
from config import services_checks  # noqa: F401  (registers the services section's checks)
from config.base import AccountName, Model
from config.baseline import BaselineConfig
from config.checks import Sections, check
from config.data import DataConfig
from config.errors import Problem, join_path
from config.guardrails import GuardrailsConfig
from config.identity import IdentityConfig
from config.monitoring import MonitoringConfig
from config.network import NetworkConfig
from config.organization import AccountConfig, OrganizationConfig
from config.quotas import QuotaRequest, QuotasConfig
from config.regions import AZ_LETTERS, REGIONS, zones_of
from config.services import ServicesConfig

MANAGEMENT = "management"


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


def _zone_problems(path: str, zones: list[str], region: str, *, minimum: int, production: bool) -> Iterator[Problem]:
    valid = zones_of(region)
    for index, zone in enumerate(zones):
        if zone not in valid:
            yield Problem(join_path(path, index), f"`{zone}` is not an availability zone of {region}; use one of {valid}")
    duplicates = sorted({zone for zone in zones if zones.count(zone) > 1})
    if duplicates:
        yield Problem(path, f"lists {duplicates} more than once; each AZ once")
    if len(set(zones)) < minimum:
        where = "production" if production else "this stack"
        yield Problem(path, f"has {len(set(zones))} AZ(s); {where} needs at least {minimum} (one NAT gateway per AZ)")


@check("organization")
def _organization_zones(sections: Sections) -> Iterator[Problem]:
    org: OrganizationConfig = sections["organization"]
    if org.region not in AZ_LETTERS:
        yield Problem("organization.region", f"`{org.region}` is not an AWS region; use one of {list(REGIONS)}")
        return
    if org.minimum_availability_zones is not None and org.production and org.minimum_availability_zones < 3:
        yield Problem("organization.minimum_availability_zones", "production needs at least 3; remove it or set 3+")
    yield from _zone_problems("organization.availability_zones", org.availability_zones, org.region, minimum=org.min_azs,
                              production=org.production)


@check("organization")
def _organizational_units(sections: Sections) -> Iterator[Problem]:
    org: OrganizationConfig = sections["organization"]
    names = [ou.name for ou in org.organizational_units]
    for index, ou in enumerate(org.organizational_units):
        if names.count(ou.name) > 1 and names.index(ou.name) != index:
            yield Problem(join_path("organization.organizational_units", index, "name"), f"`{ou.name}` is used twice")
        if ou.parent is not None and ou.parent not in names:
            yield Problem(join_path("organization.organizational_units", index, "parent"),
                          f"`{ou.parent}` is not a configured OU; use one of {names}")
    parents = {ou.name: ou.parent for ou in org.organizational_units}
    for name in names:
        seen: set[str] = set()
        current: str | None = name
        while current is not None and current in parents:
            if current in seen:
                yield Problem("organization.organizational_units", f"`{name}` is its own ancestor; break the cycle")
                break
            seen.add(current)
            current = parents[current]


@check("accounts")
def _accounts(sections: Sections) -> Iterator[Problem]:
    accounts: list[AccountConfig] = sections["accounts"]
    seen_names: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for index, account in enumerate(accounts):
        if account.name == MANAGEMENT:
            yield Problem(join_path("accounts", index, "name"),
                          "`management` is the account the stack runs in, not a member; choose another name")
        if account.name in seen_names:
            yield Problem(join_path("accounts", index, "name"),
                          f"`{account.name}` is already accounts[{seen_names[account.name]}]; account names are unique")
        seen_names.setdefault(account.name, index)
        email = account.email.lower()
        if email in seen_emails:
            yield Problem(join_path("accounts", index, "email"),
                          f"`{account.email}` is already used by accounts[{seen_emails[email]}]; "
                          "every account needs its own root e-mail")
        seen_emails.setdefault(email, index)


@check("organization", "accounts")
def _account_units(sections: Sections) -> Iterator[Problem]:
    ous = [ou.name for ou in sections["organization"].organizational_units]
    for index, account in enumerate(sections["accounts"]):
        if account.ou not in ous:
            yield Problem(join_path("accounts", index, "ou"), f"`{account.ou}` is not a configured OU; use one of {ous}")


@check("network")
def _vpc_ranges(sections: Sections) -> Iterator[Problem]:
    network: NetworkConfig = sections["network"]
    claimed: list[tuple[str, ipaddress.IPv4Network]] = []
    for name, vpc in network.vpcs.items():
        for other, other_network in claimed:
            if vpc.network.overlaps(other_network):
                yield Problem(f"network.vpcs.{name}.cidr", f"overlaps {other} ({other_network}); give each VPC its own range")
        claimed.append((name, vpc.network))


@check("accounts", "network")
def _vpc_accounts(sections: Sections) -> Iterator[Problem]:
    accounts = [account.name for account in sections["accounts"]]
    for name in sections["network"].vpcs:
        if name not in accounts and name != MANAGEMENT:
            yield Problem(f"network.vpcs.{name}", f"`{name}` is not a configured account; use one of {accounts}")


@check("organization", "network")
def _vpc_zones_and_subnets(sections: Sections) -> Iterator[Problem]:
    org: OrganizationConfig = sections["organization"]
    network: NetworkConfig = sections["network"]
    for name, vpc in network.vpcs.items():
        path = f"network.vpcs.{name}"
        zones = vpc.availability_zones or org.availability_zones
        if vpc.availability_zones is not None:
            yield from _zone_problems(f"{path}.availability_zones", zones, org.region, minimum=org.min_azs,
                                      production=org.production)
        try:
            vpc.subnet_plan(zones)
        except ValueError as exc:
            yield Problem(f"{path}.subnets", str(exc))
