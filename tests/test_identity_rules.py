"""The identity policy rules hold on both stacks and catch what they are for."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from policy import rules
from preview.inventory import Inventory
from tests.rule_resources import resource

IDENTITY_RULES = ["administrator-only-for-infra-admins", "no-iam-user-access-keys", "user-console-or-programmatic",
                  "role-trust-names-principals", "human-roles-require-mfa"]
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
MANAGEMENT_ROOT = "arn:aws:iam::111111111111:root"


def violations(*resources: rules.Resource) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for violation in rules.evaluate(list(resources)):
        found.setdefault(violation.policy, []).append(violation.message)
    return found


def trust(principal: Any, condition: dict | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_the_rules_are_registered_and_mandatory() -> None:
    registered = {rule.name: rule.level for rule in [*rules.RESOURCE_RULES, *rules.STACK_RULES]}
    assert {name: registered.get(name) for name in IDENTITY_RULES} == dict.fromkeys(IDENTITY_RULES, "mandatory")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_both_stacks_keep_every_identity_rule(stack: str, inventories: dict[str, Inventory]) -> None:
    resources = inventories[stack].policy_resources()
    assert [v for v in rules.evaluate(resources) if v.policy in IDENTITY_RULES] == []
    # ... and the stacks hold what the rules look at, so the passing case means something.
    types = {r.type for r in resources}
    assert {"aws:iam/groupPolicy:GroupPolicy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/role:Role",
            "aws:iam/user:User", "aws:iam/userLoginProfile:UserLoginProfile"} <= types


@pytest.mark.parametrize("holder", [
    resource("aws:iam/groupPolicy:GroupPolicy", group="shop-developers", policy=json.dumps(ADMIN)),
    resource("aws:iam/rolePolicy:RolePolicy", role="shop-dev-Developer", policy=json.dumps(ADMIN)),
    resource("aws:iam/userPolicy:UserPolicy", user="mina.kim", policy=json.dumps(ADMIN)),
    resource("aws:iam/policy:Policy", name="everything", policy=json.dumps(ADMIN)),
    resource("aws:iam/role:Role", name="shop-dev-Tool", assumeRolePolicy=trust({"Service": "lambda.amazonaws.com"}),
             inlinePolicies=[{"name": "all", "policy": json.dumps(ADMIN)}]),
    resource("aws:iam/groupPolicy:GroupPolicy", group="shop-operators", policy=json.dumps(
        {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})),
    resource("aws:iam/groupPolicy:GroupPolicy", group="shop-operators", policy={"Statement": {"Effect": "Allow",
                                                                                              "Action": "*:*",
                                                                                              "Resource": "*"}}),
])
def test_administrator_documents_outside_infra_admins_fail(holder: rules.Resource) -> None:
    assert "grants every action" in violations(holder)["administrator-only-for-infra-admins"][0]


@pytest.mark.parametrize("attachment", [
    resource("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", group="shop-developers",
             policyArn=rules.ADMINISTRATOR_ACCESS),
    resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", role="shop-ops-Operator",
             policyArn=rules.ADMINISTRATOR_ACCESS),
    resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", user="mina.kim", policyArn=rules.ADMINISTRATOR_ACCESS),
    resource("aws:iam/policyAttachment:PolicyAttachment", groups=["shop-infra-admins"], users=["mina.kim"],
             policyArn=rules.ADMINISTRATOR_ACCESS),
    resource("aws:iam/role:Role", name="shop-dev-Tool", assumeRolePolicy=trust({"Service": "lambda.amazonaws.com"}),
             managedPolicyArns=[rules.ADMINISTRATOR_ACCESS]),
])
def test_administrator_access_outside_infra_admins_fails(attachment: rules.Resource) -> None:
    assert "attaches AdministratorAccess" in violations(attachment)["administrator-only-for-infra-admins"][0]


def test_infra_admins_and_admin_roles_may_hold_administrator_documents() -> None:
    allowed = [
        resource("aws:iam/groupPolicy:GroupPolicy", group="shop-infra-admins", policy=json.dumps(ADMIN)),
        resource("aws:iam/rolePolicy:RolePolicy", role="shop-ops-Admin", policy=json.dumps(ADMIN)),
        resource("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", group="shop-infra-admins",
                 policyArn=rules.ADMINISTRATOR_ACCESS),
        resource("aws:iam/groupPolicy:GroupPolicy", group="shop-developers", policy=json.dumps(
            {"Statement": [{"Effect": "Deny", "NotAction": "iam:ChangePassword", "Resource": "*"},
                           {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})),
    ]
    assert "administrator-only-for-infra-admins" not in violations(*allowed)


def test_an_access_key_fails() -> None:
    key = resource("aws:iam/accessKey:AccessKey", "cost-report-key", user="cost-report")
    assert "give the program a role" in violations(key)["no-iam-user-access-keys"][0]


def test_a_user_both_console_and_programmatic_fails_and_so_does_an_untagged_user() -> None:
    both = resource("aws:iam/user:User", "p1", name="cost-report", tags={"Access": "programmatic"})
    login = resource("aws:iam/userLoginProfile:UserLoginProfile", "p1-login", user="cost-report")
    keyed_person = resource("aws:iam/user:User", "p2", name="mina.kim", tags={"Access": "console"})
    key = resource("aws:iam/accessKey:AccessKey", "p2-key", user="mina.kim")
    person_login = resource("aws:iam/userLoginProfile:UserLoginProfile", "p2-login", user="mina.kim")
    untagged = resource("aws:iam/user:User", "p3", name="someone")
    found = violations(both, login, keyed_person, key, person_login, untagged)["user-console-or-programmatic"]
    assert sum("cost-report" in m and "separate identities" in m for m in found) == 1
    assert sum("mina.kim" in m and "separate identities" in m for m in found) == 1
    assert sum("someone" in m and "tag it" in m for m in found) == 1


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::111111111111:root", "*"]}])
def test_a_trust_policy_open_to_anyone_fails(principal: Any) -> None:
    role = resource("aws:iam/role:Role", name="open", assumeRolePolicy=trust(principal))
    assert "may be assumed by anyone" in violations(role)["role-trust-names-principals"][0]


def test_not_principal_in_a_trust_policy_fails() -> None:
    document = {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                               "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"}}]}
    role = resource("aws:iam/role:Role", name="inverted", assumeRolePolicy=json.dumps(document))
    assert violations(role)["role-trust-names-principals"]


@pytest.mark.parametrize(("principal", "condition", "tags"), [
    ({"AWS": MANAGEMENT_ROOT}, None, None),
    ({"AWS": "111111111111"}, None, None),
    ({"AWS": "arn:aws:iam::111111111111:user/mina.kim"}, None, None),
    ({"AWS": MANAGEMENT_ROOT}, {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}, None),
    ({"AWS": MANAGEMENT_ROOT}, {"Bool": {"aws:MultiFactorAuthPresent": "false"}}, None),
    ({"AWS": "arn:aws:iam::111111111111:role/shop-build-pipeline"}, None, {"Access": "human"}),
])
def test_a_human_role_without_mfa_fails(principal: Any, condition: dict | None, tags: dict | None) -> None:
    role = resource("aws:iam/role:Role", name="people", assumeRolePolicy=trust(principal, condition), tags=tags)
    assert "without MFA" in violations(role)["human-roles-require-mfa"][0]


def test_an_account_trusted_for_automation_must_name_its_roles() -> None:
    narrowed = {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/shop-ops-collector"}}
    passing = resource("aws:iam/role:Role", name="a", assumeRolePolicy=trust({"AWS": "arn:aws:iam::222222222222:root"},
                                                                              narrowed), tags={"Access": "machine"})
    untagged = resource("aws:iam/role:Role", name="b", assumeRolePolicy=trust({"AWS": "arn:aws:iam::222222222222:root"},
                                                                               narrowed))
    open_to_users = resource("aws:iam/role:Role", name="c", tags={"Access": "machine"}, assumeRolePolicy=trust(
        {"AWS": "arn:aws:iam::222222222222:root"}, {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::222222222222:user/*"}}))
    found = violations(passing, untagged, open_to_users)["human-roles-require-mfa"]
    assert len(found) == 2 and not any("role a " in message for message in found)


def test_machine_and_service_roles_need_no_mfa_and_human_roles_with_mfa_pass() -> None:
    passing = [
        resource("aws:iam/role:Role", name="a", assumeRolePolicy=trust({"AWS": MANAGEMENT_ROOT},
                                                                        {"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
        resource("aws:iam/role:Role", name="b", assumeRolePolicy=trust({"Service": "events.amazonaws.com"})),
        resource("aws:iam/role:Role", name="c", assumeRolePolicy=trust(
            {"AWS": "arn:aws:iam::222222222222:role/shop-build-pipeline"}), tags={"Access": "machine"}),
    ]
    found = violations(*passing)
    assert "human-roles-require-mfa" not in found and "role-trust-names-principals" not in found


def test_a_mutated_inventory_fails(inventories: dict[str, Inventory]) -> None:
    """The real dev inventory with its Developer role's trust stripped of MFA, and its developers made admins."""
    resources = inventories["dev"].policy_resources()
    mutated = []
    for original in resources:
        item = original
        if item.type == "aws:iam/role:Role" and item.inputs.get("name") == "shop-dev-Developer":
            document = json.loads(item.inputs["assumeRolePolicy"])
            del document["Statement"][0]["Condition"]
            item = dataclasses.replace(item, inputs={**item.inputs, "assumeRolePolicy": json.dumps(document)})
        if item.type == "aws:iam/groupPolicy:GroupPolicy" and item.inputs.get("group") == "shop-developers":
            item = dataclasses.replace(item, inputs={**item.inputs, "policy": json.dumps(ADMIN)})
        mutated.append(item)
    found = violations(*mutated)
    assert len(found["human-roles-require-mfa"]) == 1
    assert len(found["administrator-only-for-infra-admins"]) == 1
