"""Cross-field checks of `landing-zone:identity`: users, groups, roles and accounts must name each other correctly."""

from __future__ import annotations

from collections.abc import Iterator

from aws_facts.accounts import MANAGEMENT
from config.base import Sections
from config.errors import Problem, join_path
from config.identity import ADMIN_GROUP, ADMIN_ROLE, ADMINISTRATOR, EVERY_ACCOUNT, IdentityConfig

BOUNDED = "create-bounded-roles"


def users(sections: Sections) -> Iterator[Problem]:
    """IAM user names are unique, their groups configured, each user console or programmatic (not both), `pgp_key` only
    for console users; reports `landing-zone:identity.users[i]` or its `.name`, `.groups[j]` or `.pgp_key`."""
    identity: IdentityConfig = sections["identity"]
    groups = sorted(identity.groups)
    seen: dict[str, int] = {}
    for index, user in enumerate(identity.users):
        path = join_path("identity.users", index)
        if user.name.lower() in seen:
            yield Problem(join_path(path, "name"), f"`{user.name}` is already identity.users[{seen[user.name.lower()]}]; "
                                                   "IAM user names are unique (case-insensitively)")
        seen.setdefault(user.name.lower(), index)
        for position, group in enumerate(user.groups):
            if group not in identity.groups:
                yield Problem(join_path(path, "groups", position), f"`{group}` is not a configured group; use one of {groups}")
        if user.console and user.programmatic:
            yield Problem(path, f"`{user.name}` is both console and programmatic; a person and a program are separate "
                                "identities: keep one and configure a second user for the other")
        elif not user.console and not user.programmatic:
            yield Problem(path, f"`{user.name}` is neither console nor programmatic; set `console: true` for a person "
                                "or `programmatic: true` for a program")
        if user.pgp_key is not None and not user.console:
            yield Problem(join_path(path, "pgp_key"), "only console users get a password to encrypt; remove `pgp_key`")


def administrator_is_for_infra_admins(sections: Sections) -> Iterator[Problem]:
    """`administrator` goes only to the `infra-admins` group and the `Admin` role, never to deploy roles; reports its
    `permission_sets[i]` under `landing-zone:identity.groups.<name>`, `.roles.<key>` or `.deploy`."""
    identity: IdentityConfig = sections["identity"]
    for name, group in identity.groups.items():
        if ADMINISTRATOR in group.permission_sets and name != ADMIN_GROUP:
            index = group.permission_sets.index(ADMINISTRATOR)
            yield Problem(f"identity.groups.{name}.permission_sets[{index}]",
                          f"`{ADMINISTRATOR}` is for the `{ADMIN_GROUP}` group alone; grant a narrower set")
    for key, role in identity.roles.items():
        if ADMINISTRATOR in role.permission_sets and key != ADMIN_ROLE:
            index = role.permission_sets.index(ADMINISTRATOR)
            yield Problem(f"identity.roles.{key}.permission_sets[{index}]",
                          f"`{ADMINISTRATOR}` is for the `{ADMIN_ROLE}` role alone; grant a narrower set")
    if ADMINISTRATOR in identity.deploy.permission_sets:
        index = identity.deploy.permission_sets.index(ADMINISTRATOR)
        yield Problem(f"identity.deploy.permission_sets[{index}]",
                      f"deploy roles never get `{ADMINISTRATOR}`; list the services a deploy touches instead")


def bounded_roles_only_in_member_roles(sections: Sections) -> Iterator[Problem]:
    """The `create-bounded-roles` permission set goes only to member-account roles; reports its `permission_sets[i]`
    under `landing-zone:identity.groups.<name>` or `landing-zone:identity.deploy`."""
    identity: IdentityConfig = sections["identity"]
    places = [(f"identity.groups.{name}", group.permission_sets) for name, group in identity.groups.items()]
    places.append(("identity.deploy", identity.deploy.permission_sets))
    for path, permission_sets in places:
        if BOUNDED in permission_sets:
            yield Problem(f"{path}.permission_sets[{permission_sets.index(BOUNDED)}]",
                          f"`{BOUNDED}` needs the developer boundary, which exists only where a member-account role "
                          "holds it; grant it to a role in identity.roles instead")


def roles_and_accounts(sections: Sections) -> Iterator[Problem]:
    """Roles name member accounts; groups map member accounts (or `*`) to roles that exist and are created there.
    Reports `landing-zone:identity.roles.<key>.accounts[i]` or `.groups.<name>.roles.<account>`."""
    identity: IdentityConfig = sections["identity"]
    members = [account.name for account in sections["accounts"]]
    roles = sorted(identity.roles)
    for key, spec in identity.roles.items():
        for index, account in enumerate(spec.accounts or []):
            if account not in members:
                yield Problem(f"identity.roles.{key}.accounts[{index}]", _not_member(account, members))
    for name, group in identity.groups.items():
        for account, mapped in group.roles.items():
            path = f"identity.groups.{name}.roles.{account}"
            if account != EVERY_ACCOUNT and account not in members:
                yield Problem(path, _not_member(account, members))
                continue
            for index, role in enumerate(mapped):
                if role not in identity.roles:
                    yield Problem(join_path(path, index), f"`{role}` is not a configured role; use one of {roles}")
                elif account != EVERY_ACCOUNT and account not in identity.role_accounts(role, members):
                    where = identity.role_accounts(role, members)
                    yield Problem(join_path(path, index),
                                  f"`{role}` is not created in `{account}` (only in {where}); "
                                  f"add `{account}` to identity.roles.{role}.accounts or map another role")


def deploy_accounts(sections: Sections) -> Iterator[Problem]:
    """With OIDC configured, the pipeline and deploy accounts are member accounts, the pipeline's not a deploy target;
    reports `landing-zone:identity.deploy.pipeline_account` or `landing-zone:identity.deploy.accounts[i]`."""
    identity: IdentityConfig = sections["identity"]
    if identity.oidc is None:
        return  # no pipeline, no deploy roles: nothing here is built
    members = [account.name for account in sections["accounts"]]
    deploy = identity.deploy
    if deploy.pipeline_account not in members:
        yield Problem("identity.deploy.pipeline_account", _not_member(deploy.pipeline_account, members))
    for index, account in enumerate(deploy.accounts):
        if account not in members:
            yield Problem(join_path("identity.deploy.accounts", index), _not_member(account, members))
        elif account == deploy.pipeline_account:
            yield Problem(join_path("identity.deploy.accounts", index),
                          f"`{account}` holds the pipeline itself; deploy roles are for the accounts it deploys into")


def _not_member(account: str, members: list[str]) -> str:
    if account == MANAGEMENT:
        return "roles live in member accounts, not in `management`; people there get group permission sets instead"
    return f"`{account}` is not a configured account; use one of {members}"
