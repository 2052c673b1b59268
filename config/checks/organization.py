"""Checks of `organization` and `accounts` together: zones per region, the OU tree, account names and units."""

from __future__ import annotations

from collections.abc import Iterator

from aws_facts.accounts import MANAGEMENT
from config.base import Sections
from config.errors import Problem, join_path
from config.organization import AccountConfig, OrganizationConfig
from config.regions import AZ_LETTERS, REGIONS, zones_of


def zone_problems(path: str, zones: list[str], region: str, *, minimum: int, production: bool) -> Iterator[Problem]:
    """The problems of the AZs listed at `path`: each an AZ of `region`, each once, at least `minimum` of them;
    reported at `path` or one entry of it."""
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


def organization_zones(sections: Sections) -> Iterator[Problem]:
    """The home region is an AWS region, production asks for 3+ AZs, and the AZs suit the region; reports
    `landing-zone:organization.region`, `.minimum_availability_zones` or `.availability_zones`."""
    org: OrganizationConfig = sections["organization"]
    if org.region not in AZ_LETTERS:
        yield Problem("organization.region", f"`{org.region}` is not an AWS region; use one of {list(REGIONS)}")
        return
    if org.minimum_availability_zones is not None and org.production and org.minimum_availability_zones < 3:
        yield Problem("organization.minimum_availability_zones", "production needs at least 3; remove it or set 3+")
    yield from zone_problems("organization.availability_zones", org.availability_zones, org.region, minimum=org.min_azs,
                              production=org.production)


def organizational_units(sections: Sections) -> Iterator[Problem]:
    """OU names are unique, parents are configured OUs, and no OU is its own ancestor; reports
    `landing-zone:organization.organizational_units[i].name` or `.parent`, or the list for a cycle."""
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


def accounts(sections: Sections) -> Iterator[Problem]:
    """Member account names are unique and not `management`, root e-mails unique (case-insensitively); reports
    `landing-zone:accounts[i].name` or `landing-zone:accounts[i].email`."""
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


def account_units(sections: Sections) -> Iterator[Problem]:
    """Each account's OU is a configured OU; reports `landing-zone:accounts[i].ou` otherwise."""
    ous = [ou.name for ou in sections["organization"].organizational_units]
    for index, account in enumerate(sections["accounts"]):
        if account.ou not in ous:
            yield Problem(join_path("accounts", index, "ou"), f"`{account.ou}` is not a configured OU; use one of {ous}")

