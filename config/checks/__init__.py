"""The config's cross-checks, one module per section, listed here in the order they run and report.

Each section first validates on its own (its Pydantic model); then the loader runs CHECKS, each across the sections
it reads, and reports every problem at once. A check is skipped when a section it reads is itself invalid. A new
check goes in its section's module and into CHECKS; no check registers itself on import. (The alarm catalogue's
switches, which say whether a service kind runs in an account, still register through config/switches.py when their
section's module is imported: monitoring.alarm_thresholds reads them.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from config.base import Sections
from config.checks import baseline, data, guardrails, identity, monitoring, network, organization, quotas, security_hub, services
from config.errors import Problem

CheckFn = Callable[[Sections], Iterable[Problem]]


@dataclass(frozen=True)
class Check:
    """One cross-check: `fn` yields the problems it finds across the sections named in `needs`."""

    needs: tuple[str, ...]  # the sections it reads
    fn: CheckFn


CHECKS: tuple[Check, ...] = (
    Check(("organization", "guardrails"), guardrails.allowed_regions),
    Check(("organization", "guardrails"), guardrails.targets),
    Check(("accounts", "guardrails"), guardrails.exempt_roles),
    Check(("monitoring", "accounts"), monitoring.monitoring_accounts),
    Check(("monitoring", "organization", "accounts"), monitoring.slack_channels),
    Check(("monitoring", "organization", "accounts"), monitoring.alarm_thresholds),
    Check(("monitoring",), monitoring.alerts_reach_someone),
    Check(("data",), data.data_values),
    Check(("organization", "data"), data.data_against_organization),
    Check(("accounts", "organization", "network", "data"), data.data_against_network),
    Check(("organization", "guardrails", "data"), data.copy_region_allowed),
    Check(("monitoring", "organization", "accounts", "data"), data.free_storage_below_volume),
    Check(("identity",), identity.users),
    Check(("identity",), identity.administrator_is_for_infra_admins),
    Check(("identity",), identity.bounded_roles_only_in_member_roles),
    Check(("identity", "accounts"), identity.roles_and_accounts),
    Check(("identity", "accounts"), identity.deploy_accounts),
    Check(("network",), network.interface_endpoints),
    Check(("network",), network.security_groups),
    Check(("organization", "network"), network.nacls),
    Check(("network",), network.route_table_size),
    Check(("accounts", "network"), network.hub_and_on_premises_accounts),
    Check(("network",), network.on_premises_and_direct_connect),
    Check(("accounts", "services"), services.service_accounts),
    Check(("network", "services"), services.web_needs_a_vpc),
    Check(("network", "services"), services.web_security_groups),
    Check(("organization", "accounts", "services"), services.certificate_of_the_account),
    Check(("services",), services.no_secrets_in_variables),
    Check(("services",), services.deployable_email_templates),
    Check(("data", "services"), services.services_need_the_data_tier),
    Check(("baseline",), security_hub.disabled_once),
    Check(("accounts", "baseline"), baseline.baseline_accounts),
    Check(("quotas", "accounts"), quotas.requested_accounts),
    Check(("quotas", "organization"), quotas.template),
    Check(("organization",), organization.organization_zones),
    Check(("organization",), organization.organizational_units),
    Check(("accounts",), organization.accounts),
    Check(("organization", "accounts"), organization.account_units),
    Check(("network",), network.vpc_ranges),
    Check(("accounts", "network"), network.vpc_accounts),
    Check(("organization", "network"), network.vpc_zones_and_subnets),
)


def run_checks(sections: Sections, checks: Sequence[Check] = CHECKS) -> list[Problem]:
    """The problems of every check whose sections all validated, in the order of `checks`."""
    problems: list[Problem] = []
    for listed in checks:
        if all(name in sections for name in listed.needs):
            problems.extend(listed.fn(sections))
    return problems
