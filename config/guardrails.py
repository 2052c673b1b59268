"""`landing-zone:guardrails`: which service control policies apply, where they attach, and who is exempt."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from config.base import IamRoleName, Model
from config.checks import Sections, check
from config.errors import Problem, join_path
from config.organization import AccountConfig, OrganizationConfig
from config.regions import REGIONS

ROOT = "root"

# AWS allows 5 SCPs per root, OU or account, and FullAWSAccess (attached everywhere by default) is one of them.
MAX_POLICIES_PER_TARGET = 5
FULL_AWS_ACCESS = 1


class GuardrailConfig(Model):
    """One guardrail: on or off, where it attaches, and which extra roles it does not apply to."""

    enabled: bool = Field(True, description="Whether the guardrail is in force.")
    # The root reaches every member account; SCPs never bind the management account anyway.
    targets: list[str] = Field(
        default_factory=lambda: [ROOT], min_length=1,
        description="Where it attaches: `root` (every member account) or OU names.",
    )
    exempt_roles: list[IamRoleName] = Field(
        default_factory=list,
        description="Extra roles the guardrail does not apply to: break-glass roles or an account's access role.",
    )


class ServiceControlPoliciesConfig(Model):
    """Every guardrail the landing zone knows; all on and attached to the root unless said otherwise."""

    deny_root_user: GuardrailConfig = Field(
        default_factory=GuardrailConfig, description="Deny every action by the root user of member accounts.")
    deny_leave_organization: GuardrailConfig = Field(
        default_factory=GuardrailConfig, description="Deny organizations:LeaveOrganization.")
    protect_security_services: GuardrailConfig = Field(
        default_factory=GuardrailConfig,
        description="Deny stopping or deleting CloudTrail, GuardDuty, Security Hub, Config, Access Analyzer, flow logs.")
    protect_account_settings: GuardrailConfig = Field(
        default_factory=GuardrailConfig,
        description="Deny disabling EBS default encryption and changing the account's S3 public access block.")
    deny_iam_users: GuardrailConfig = Field(
        default_factory=GuardrailConfig,
        description="Deny iam:CreateUser and iam:CreateAccessKey; break-glass roles are always exempt.")
    deny_other_regions: GuardrailConfig = Field(
        default_factory=GuardrailConfig,
        description="Deny regional actions outside `allowed_regions`; global services are exempt.")
    deny_unencrypted_storage: GuardrailConfig = Field(
        default_factory=GuardrailConfig, description="Deny creating unencrypted RDS/Aurora storage and EBS volumes.")
    deny_default_vpc: GuardrailConfig = Field(
        default_factory=GuardrailConfig, description="Deny ec2:CreateDefaultVpc and ec2:CreateDefaultSubnet.")

    def items(self) -> list[tuple[str, GuardrailConfig]]:
        return [(name, getattr(self, name)) for name in type(self).model_fields]


class GuardrailsConfig(Model):
    # Unset means the home region alone: the smallest surface, and always consistent with the organization.
    allowed_regions: list[str] | None = Field(
        None, description="Regions member accounts may use; none means only landing-zone:organization.region.")
    break_glass_roles: list[IamRoleName] = Field(
        default_factory=list,
        description="Emergency roles (same name in every account) exempt from the IAM user deny.",
    )
    policies: ServiceControlPoliciesConfig = Field(default_factory=ServiceControlPoliciesConfig,
                                                   description="Each guardrail SCP: enabled, targets, exempt roles.")

    def regions(self, home_region: str) -> list[str]:
        return list(self.allowed_regions) if self.allowed_regions is not None else [home_region]


@check("organization", "guardrails")
def _allowed_regions(sections: Sections) -> Iterator[Problem]:
    org: OrganizationConfig = sections["organization"]
    guardrails: GuardrailsConfig = sections["guardrails"]
    if guardrails.allowed_regions is None:
        return
    path = "guardrails.allowed_regions"
    for index, region in enumerate(guardrails.allowed_regions):
        if region not in REGIONS:
            yield Problem(join_path(path, index), f"`{region}` is not an AWS region; use one of {list(REGIONS)}")
    if org.region not in guardrails.allowed_regions:
        yield Problem(path, f"does not include the stack's own region {org.region}; the landing zone lives there, "
                            f"so add `{org.region}`")
    duplicates = sorted({r for r in guardrails.allowed_regions if guardrails.allowed_regions.count(r) > 1})
    if duplicates:
        yield Problem(path, f"lists {duplicates} more than once; each region once")


@check("organization", "guardrails")
def _targets(sections: Sections) -> Iterator[Problem]:
    org: OrganizationConfig = sections["organization"]
    guardrails: GuardrailsConfig = sections["guardrails"]
    known = [ROOT, *(ou.name for ou in org.organizational_units)]
    target_sets: dict[str, set[tuple[str, ...]]] = {}
    for name, guardrail in guardrails.policies.items():
        for index, target in enumerate(guardrail.targets):
            if target not in known:
                yield Problem(join_path("guardrails.policies", name, "targets", index),
                              f"`{target}` is neither `root` nor a configured OU; use one of {known}")
        if guardrail.enabled:
            for target in guardrail.targets:
                target_sets.setdefault(target, set()).add(tuple(sorted(set(guardrail.targets))))
    # Guardrails with the same targets share one SCP document, so each distinct target list costs one policy.
    room = MAX_POLICIES_PER_TARGET - FULL_AWS_ACCESS
    for target, sets in target_sets.items():
        if len(sets) > room:
            yield Problem("guardrails.policies",
                          f"`{target}` would carry {len(sets)} SCPs plus FullAWSAccess, AWS allows "
                          f"{MAX_POLICIES_PER_TARGET} per target; give more guardrails the same `targets`")


@check("accounts", "guardrails")
def _exempt_roles(sections: Sections) -> Iterator[Problem]:
    accounts: list[AccountConfig] = sections["accounts"]
    guardrails: GuardrailsConfig = sections["guardrails"]
    access_roles = sorted({account.role_name for account in accounts})
    for name, guardrail in guardrails.policies.items():
        for index, role in enumerate(guardrail.exempt_roles):
            if role not in guardrails.break_glass_roles and role not in access_roles:
                yield Problem(join_path("guardrails.policies", name, "exempt_roles", index),
                              f"`{role}` is not a known role; name a break-glass role (guardrails.break_glass_roles: "
                              f"{guardrails.break_glass_roles}) or an account access role ({access_roles})")
    duplicates = sorted({r for r in guardrails.break_glass_roles if guardrails.break_glass_roles.count(r) > 1})
    if duplicates:
        yield Problem("guardrails.break_glass_roles", f"lists {duplicates} more than once; each role once")
    for index, role in enumerate(guardrails.break_glass_roles):
        if role in access_roles:
            yield Problem(join_path("guardrails.break_glass_roles", index),
                          f"`{role}` is the role the stack deploys through, not a break-glass role; name another role")
