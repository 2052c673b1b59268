"""Checks of `guardrails` against the organization and the accounts: allowed regions, SCP targets, exempt roles."""

from __future__ import annotations

from collections.abc import Iterator

from config.base import Sections
from config.errors import Problem, join_path
from config.guardrails import FULL_AWS_ACCESS, MAX_POLICIES_PER_TARGET, ROOT, GuardrailsConfig
from config.organization import AccountConfig, OrganizationConfig
from config.regions import REGIONS


def allowed_regions(sections: Sections) -> Iterator[Problem]:
    """Allowed regions are AWS regions, each listed once, and include the stack's own region; reports
    `landing-zone:guardrails.allowed_regions` or one entry of it."""
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


def targets(sections: Sections) -> Iterator[Problem]:
    """Guardrails target `root` or configured OUs, and no target carries more SCPs than AWS allows; reports
    `landing-zone:guardrails.policies.<name>.targets[i]` or `landing-zone:guardrails.policies`."""
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


def exempt_roles(sections: Sections) -> Iterator[Problem]:
    """Exempt roles are break-glass or account access roles; break-glass roles are listed once, none an access role.
    Reports `landing-zone:guardrails.policies.<name>.exempt_roles[i]` or `.break_glass_roles`."""
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

