"""Identity as registered: groups, users, member-account roles and their trust, exactly as each stack's config says."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, get_args

import pytest

import config
from components.identity.permission_sets import BUILDERS
from config.identity import IdentityConfig, PermissionSetName
from org.providers import MANAGED_BY
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run
from tests.stackfiles import config_sections

MEMBERS = ["network", "build", "dev", "ops"]


def settings_of(stack: str) -> config.StackConfig:
    return config.validate(config_sections(stack))


def doc(registration: Registration, field: str = "policy") -> dict[str, Any]:
    return json.loads(registration.inputs[field])


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def of(result: Run, token: str, **inputs: Any) -> list[Registration]:
    return [r for r in result.of_type(token) if all(r.inputs.get(k) == v for k, v in inputs.items())]


def roles_by_account(inventory: Inventory, result: Run) -> dict[str, dict[str, Registration]]:
    """account -> role name -> Role registration, for the human roles."""
    found: dict[str, dict[str, Registration]] = {}
    for role in result.of_type("aws:iam/role:Role"):
        if role.inputs.get("tags", {}).get("Access") == "human":
            account = inventory.account(role)
            assert account is not None
            found.setdefault(account, {})[role.inputs["name"]] = role
    return found


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest, runs: dict[str, Run], inventories: dict[str, Inventory]):
    return request.param, runs[request.param], inventories[request.param], settings_of(request.param)


def test_groups_from_config_each_with_the_mfa_guard(stack) -> None:
    _, result, inventory, settings = stack
    groups = result.of_type("aws:iam/group:Group")
    programs = ["programmatic-users"] if any(not user.console for user in settings.identity.users) else []
    assert sorted(g.inputs["name"] for g in groups) == sorted(f"shop-{key}" for key in [*settings.identity.groups, *programs])
    assert {inventory.account(g) for g in groups} == {"management"}
    [guard] = [p for p in result.of_type("aws:iam/policy:Policy") if p.inputs["name"] == "shop-mfa-guard"]
    attached = {a.inputs["group"] for a in result.of_type("aws:iam/groupPolicyAttachment:GroupPolicyAttachment")
                if a.inputs["policyArn"] == guard.outputs["arn"]}
    assert attached == {g.inputs["name"] for g in groups}
    deny = [s for s in doc(guard)["Statement"] if s["Effect"] == "Deny"]
    assert deny == [{"Sid": "DenyAllElseWithoutMfa", "Effect": "Deny", "NotAction": deny[0]["NotAction"], "Resource": "*",
                     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]
    assert set(deny[0]["NotAction"]) == {"iam:ChangePassword", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice",
                                         "iam:GetAccountPasswordPolicy", "iam:GetUser", "iam:ListMFADevices",
                                         "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"}


def test_no_aws_managed_policy_is_attached_to_people_or_their_roles(stack) -> None:
    _, result, _, _ = stack
    identity_roles = {r.inputs["name"] for r in result.of_type("aws:iam/role:Role")
                      if r.inputs.get("tags", {}).get("Access") in ("human", "machine")}
    assert len(identity_roles) > 10
    for token in ("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
                  "aws:iam/policyAttachment:PolicyAttachment"):
        assert not [a for a in result.of_type(token) if ":aws:policy/" in str(a.inputs.get("policyArn"))]
    assert not [a for a in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if a.inputs["role"] in identity_roles]
    assert not [r for r in result.of_type("aws:iam/role:Role") if r.inputs.get("managedPolicyArns")]


def _administers(statement: dict) -> bool:
    """Every action (`*`), or every action but a few (Allow with NotAction: the administrator keeps decryption apart)."""
    return statement["Effect"] == "Allow" and ("*" in as_list(statement.get("Action")) or "NotAction" in statement)


def test_only_infra_admins_hold_the_administrator_document(stack) -> None:
    _, result, _, _ = stack
    holders = {p.inputs["group"] for p in result.of_type("aws:iam/groupPolicy:GroupPolicy")
               if any(_administers(s) for s in doc(p)["Statement"])}
    assert holders == {"shop-infra-admins"}
    role_holders = {p.inputs["role"] for p in result.of_type("aws:iam/rolePolicy:RolePolicy")
                    if any(_administers(s) for s in doc(p)["Statement"])}
    assert role_holders == {f"shop-{account}-Admin" for account in MEMBERS}


def test_group_policies_allow_assuming_exactly_the_mapped_roles(stack) -> None:
    _, result, inventory, settings = stack
    roles = roles_by_account(inventory, result)
    arn_to_role = {role.outputs["arn"]: (account, name) for account, named in roles.items() for name, role in named.items()}
    assumable: dict[str, set[tuple[str, str]]] = {}
    for policy in result.of_type("aws:iam/groupPolicy:GroupPolicy"):
        for statement in doc(policy)["Statement"]:
            if "sts:AssumeRole" in as_list(statement.get("Action")):
                assumable.setdefault(policy.inputs["group"], set()).update(
                    arn_to_role[arn] for arn in as_list(statement["Resource"]))
    assert assumable["shop-developers"] == {("dev", "shop-dev-Developer"), ("ops", "shop-ops-ReadOnly")}
    assert assumable["shop-infra-admins"] == {(account, f"shop-{account}-Admin") for account in MEMBERS}
    assert "shop-billing" not in assumable
    admin_holders = {group for group, pairs in assumable.items() if any(name.endswith("-Admin") for _, name in pairs)}
    assert admin_holders == {"shop-infra-admins"}
    for group in settings.identity.groups:
        expected = {(account, f"shop-{account}-{role}") for account, role in settings.identity.assumable(group, MEMBERS)}
        assert assumable.get(f"shop-{group}", set()) == expected


def test_roles_in_each_account_trust_only_management_users_with_mfa(stack) -> None:
    name, result, inventory, settings = stack
    roles = roles_by_account(inventory, result)
    expected = {account: {f"shop-{account}-{key}" for key in settings.identity.roles
                          if account in settings.identity.role_accounts(key, MEMBERS)} for account in MEMBERS}
    assert {account: set(named) for account, named in roles.items()} == expected
    assert "shop-dev-Developer" in roles["dev"] and "shop-ops-Operator" in roles["ops"]
    management = settings.organization.management_account_id
    for account, named in roles.items():
        for role_name, role in named.items():
            key = role_name.split("-")[-1]
            assert role.inputs["maxSessionDuration"] == settings.identity.roles[key].max_session_hours * 3600
            [statement] = doc(role, "assumeRolePolicy")["Statement"]
            assert statement == {
                "Sid": "ManagementUsersWithMfa", "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": f"arn:aws:iam::{management}:root"},
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                              "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{management}:user/*"}},
            }, (name, account, role_name)


def test_developers_create_roles_only_with_the_dev_boundary(stack) -> None:
    _, result, inventory, _ = stack
    boundaries = [p for p in result.of_type("aws:iam/policy:Policy") if p.inputs["name"].endswith("developer-boundary")]
    assert [inventory.account(b) for b in boundaries] == ["dev"]
    boundary_statements = doc(boundaries[0])["Statement"]
    never = next(s for s in boundary_statements if s["Sid"] == "NeverIdentityOrOrganization")
    assert {"account:*", "iam:*", "organizations:*"} <= set(as_list(never["Action"]))
    assert boundary_statements[-1]["Effect"] == "Deny"
    [developer] = of(result, "aws:iam/rolePolicy:RolePolicy", role="shop-dev-Developer")
    statements = {s["Sid"]: s for s in doc(developer)["Statement"]}
    create = statements["CreateRolesWithBoundary"]
    assert "iam:CreateRole" in create["Action"] and "iam:PutRolePermissionsBoundary" in create["Action"]
    assert create["Condition"] == {"ArnEquals": {"iam:PermissionsBoundary": boundaries[0].outputs["arn"]}}
    assert create["Resource"].endswith(":role/app/*")
    # No other statement lets the Developer create or re-bound a role.
    for sid, statement in statements.items():
        if sid != "CreateRolesWithBoundary" and statement["Effect"] == "Allow":
            assert not {"iam:CreateRole", "iam:PutRolePermissionsBoundary"} & set(as_list(statement["Action"]))
    assert statements["KeepBoundaryAttached"]["Effect"] == "Deny"
    assert statements["KeepBoundaryPolicy"]["Resource"] == boundaries[0].outputs["arn"]


def test_users_are_console_or_programmatic_and_never_get_keys(stack) -> None:
    _, result, inventory, settings = stack
    users = {u.inputs["name"]: u for u in result.of_type("aws:iam/user:User")}
    assert sorted(users) == sorted(user.name for user in settings.identity.users)
    assert {inventory.account(u) for u in users.values()} == {"management"}
    logins = {p.inputs["user"]: p for p in result.of_type("aws:iam/userLoginProfile:UserLoginProfile")}
    # Programs are kept off the console by a group of their own; no user holds a policy itself.
    assert result.of_type("aws:iam/userPolicy:UserPolicy") == []
    no_console = [p for p in result.of_type("aws:iam/groupPolicy:GroupPolicy") if p.inputs["name"] == "no-console"]
    members = [m.inputs["users"] for p in no_console for m in result.of_type("aws:iam/groupMembership:GroupMembership")
               if m.inputs["group"] == p.inputs["group"]]
    for policy in no_console:
        [statement] = doc(policy)["Statement"]
        assert statement["Effect"] == "Deny" and "iam:CreateLoginProfile" in statement["Action"]
    programs = {name for users in members for name in users}
    for user in settings.identity.users:
        assert users[user.name].inputs["tags"] == {"Access": "console" if user.console else "programmatic"}
        if user.console:
            assert logins[user.name].inputs["passwordResetRequired"] is True
            assert user.name not in programs
        else:
            assert user.name not in logins
            assert user.name in programs
    assert result.of_type("aws:iam/accessKey:AccessKey") == []
    assert result.outputs["initial_console_passwords"] == "[secret]"


def test_group_members_as_config_says(stack) -> None:
    _, result, _, settings = stack
    members = {m.inputs["group"]: sorted(m.inputs["users"]) for m in result.of_type("aws:iam/groupMembership:GroupMembership")}
    expected: dict[str, list[str]] = {}
    for user in settings.identity.users:
        for group in [*user.groups, *([] if user.console else ["programmatic-users"])]:
            expected.setdefault(f"shop-{group}", []).append(user.name)
    assert members == {group: sorted(names) for group, names in expected.items()}


def test_deploy_roles_trust_only_the_build_pipeline_which_trusts_only_the_oidc_subjects(stack) -> None:
    _, result, inventory, settings = stack
    oidc = settings.identity.oidc
    assert oidc is not None
    [provider] = result.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert inventory.account(provider) == "build"
    assert provider.inputs["url"] == oidc.url and provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    [pipeline] = of(result, "aws:iam/role:Role", name="shop-build-pipeline")
    assert inventory.account(pipeline) == "build"
    [trust] = doc(pipeline, "assumeRolePolicy")["Statement"]
    assert trust["Principal"] == {"Federated": provider.outputs["arn"]}
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    host = "token.actions.githubusercontent.com"
    assert trust["Condition"]["StringLike"] == {f"{host}:sub": oidc.subjects if len(oidc.subjects) > 1 else oidc.subjects[0]}
    assert trust["Condition"]["StringEquals"] == {f"{host}:aud": "sts.amazonaws.com"}

    deploy_roles = [r for r in result.of_type("aws:iam/role:Role") if r.inputs["name"].endswith("-deploy")]
    assert sorted(inventory.account(r) or "" for r in deploy_roles) == ["dev", "ops"]
    account_ids = result.outputs["account_ids"]
    for role in deploy_roles:
        [statement] = doc(role, "assumeRolePolicy")["Statement"]
        assert statement["Principal"] == {"AWS": pipeline.outputs["arn"]} and "Condition" not in statement
        assert role.inputs["tags"] == {"Access": "machine"}
    [allowed] = doc(of(result, "aws:iam/rolePolicy:RolePolicy", role="shop-build-pipeline")[0])["Statement"]
    assert allowed["Action"] == "sts:AssumeRole"
    assert sorted(allowed["Resource"]) == sorted(f"arn:aws:iam::{account_ids[inventory.account(r)]}:role/{r.inputs['name']}"
                                                 for r in deploy_roles)


def test_inline_documents_fit_iam_size_limits(stack) -> None:
    _, result, _, _ = stack

    def size(text: str) -> int:
        return len("".join(text.split()))

    per_group = Counter[str]()
    for policy in result.of_type("aws:iam/groupPolicy:GroupPolicy"):
        per_group[policy.inputs["group"]] += size(policy.inputs["policy"])
    per_role = Counter[str]()
    for policy in result.of_type("aws:iam/rolePolicy:RolePolicy"):
        per_role[policy.inputs["role"]] += size(policy.inputs["policy"])
    assert max(per_group.values()) <= 5120
    assert max(per_role.values()) <= 10240
    assert max(size(p.inputs["policy"]) for p in result.of_type("aws:iam/policy:Policy")) <= 6144


def test_without_oidc_there_is_no_deploy_path(sandbox_reorganized: Run) -> None:
    result = sandbox_reorganized  # tests/variants.py: identity.oidc removed
    assert result.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider") == []
    assert not [r for r in result.of_type("aws:iam/role:Role") if r.inputs["name"].endswith(("-deploy", "-pipeline"))]
    assert "pipeline_role_arn" not in result.outputs


def test_defaults_are_the_seed_groups_and_roles() -> None:
    identity = IdentityConfig()
    assert sorted(identity.groups) == sorted(["infra-admins", "developers", "operators", "data-analysts",
                                              "security-auditors", "billing"])
    assert sorted(identity.roles) == ["Admin", "Developer", "Operator", "ReadOnly", "SecurityAudit"]
    assert identity.users == [] and identity.oidc is None
    assert identity.assumable("developers", MEMBERS) == [("dev", "Developer"), ("ops", "ReadOnly")]


def test_every_named_permission_set_has_a_builder() -> None:
    assert sorted(BUILDERS) == sorted(get_args(PermissionSetName))


def test_developers_and_deploys_cannot_change_what_the_platform_manages(stack) -> None:
    _, result, _, _ = stack
    for role in ("shop-dev-Developer", "shop-dev-deploy", "shop-ops-deploy"):
        [policy] = of(result, "aws:iam/rolePolicy:RolePolicy", role=role)
        [keep] = [s for s in doc(policy)["Statement"] if s.get("Sid") == "KeepPlatformResources"]
        assert keep["Effect"] == "Deny" and keep["Resource"] == "*"
        assert keep["Condition"] == {"StringEquals": {"aws:ResourceTag/ManagedBy": MANAGED_BY}}
        assert {"events:DisableRule", "sns:DeleteTopic", "lambda:UpdateFunctionCode"} <= set(keep["Action"])
        # Re-tagging ManagedBy would end the deny's reach, so tagging is denied as well as untagging.
        assert {"sns:TagResource", "sns:UntagResource", "lambda:TagResource", "events:TagResource"} <= set(keep["Action"])
