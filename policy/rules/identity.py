"""Identity: administrator only for infra-admins, no keys, one kind of user, named trust, MFA."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .plumbing import Resource, as_list, decode, resource_rule, stack_rule

ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
# The only holders of administrator documents: the `infra-admins` group (`<org>-infra-admins`) and `Admin` roles.
ADMIN_GROUP_NAME = re.compile(r"(^|-)infra-admins$")
ADMIN_ROLE_NAME = re.compile(r"(^|-)Admin$")
ACCESS_KINDS = ("console", "programmatic")
MFA_KEY = "aws:multifactorauthpresent"


def policy_statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document given as JSON text or as an object."""
    document = decode(document)
    if not isinstance(document, Mapping):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]


def grants_everything(statement: Mapping[str, Any]) -> bool:
    """An Allow of every action (`*`, `*:*`), or an Allow of everything but a few (NotAction)."""
    if statement.get("Effect") != "Allow":
        return False
    return "NotAction" in statement or any(action in ("*", "*:*") for action in as_list(statement.get("Action")))


def _admin_holder(resource: Resource) -> tuple[str, bool]:
    """Who holds the policy `resource` carries, and whether that holder may hold administrator documents."""
    inputs = resource.inputs
    if resource.type in ("aws:iam/groupPolicy:GroupPolicy", "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"):
        group = str(inputs.get("group") or "")
        return f"group {group}", bool(ADMIN_GROUP_NAME.search(group))
    if resource.type in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        role = str(inputs.get("role") or "")
        return f"role {role}", bool(ADMIN_ROLE_NAME.search(role))
    if resource.type == "aws:iam/role:Role":
        role = str(inputs.get("name") or resource.name)
        return f"role {role}", bool(ADMIN_ROLE_NAME.search(role))
    if resource.type == "aws:iam/policyAttachment:PolicyAttachment":
        groups, roles = as_list(inputs.get("groups")), as_list(inputs.get("roles"))
        allowed = not inputs.get("users") and all(ADMIN_GROUP_NAME.search(str(g)) for g in groups) and all(
            ADMIN_ROLE_NAME.search(str(r)) for r in roles)
        return f"{resource.type} {resource.name}", allowed
    # Users never; a managed policy can be attached to anyone, so it never holds administrator statements.
    return f"{resource.type} {resource.name}", False


@resource_rule("administrator-only-for-infra-admins",
               "No identity policy outside the infra-admins group and Admin roles grants `*:*` (or Allow+NotAction) "
               "or attaches AdministratorAccess.")
def administrator_only_for_infra_admins(resource: Resource) -> Iterable[str]:
    documents: list[Any] = []
    if resource.type in ("aws:iam/policy:Policy", "aws:iam/groupPolicy:GroupPolicy", "aws:iam/rolePolicy:RolePolicy",
                         "aws:iam/userPolicy:UserPolicy"):
        documents.append(resource.inputs.get("policy"))
    if resource.type == "aws:iam/role:Role":
        documents.extend(item.get("policy") for item in as_list(resource.inputs.get("inlinePolicies"))
                         if isinstance(item, Mapping))
    attached = [*as_list(resource.inputs.get("policyArn")), *as_list(resource.inputs.get("managedPolicyArns"))]
    if not documents and not attached:
        return
    holder, allowed = _admin_holder(resource)
    if allowed:
        return
    for document in documents:
        for statement in policy_statements(document):
            if grants_everything(statement):
                yield (f"{resource.type} {resource.name} grants every action to {holder}; only the infra-admins group "
                       "and Admin roles hold administrator documents: list the actions this principal needs")
                break
    if any(str(arn).endswith(":policy/AdministratorAccess") for arn in attached):
        yield (f"{resource.type} {resource.name} attaches AdministratorAccess to {holder}; only the infra-admins group "
               "and Admin roles administer, and with their own document")


@resource_rule("no-iam-user-access-keys", "No IAM user has an access key resource: programs use roles.")
def no_iam_user_access_keys(resource: Resource) -> Iterable[str]:
    if resource.type == "aws:iam/accessKey:AccessKey":
        yield (f"access key {resource.name} for user {resource.inputs.get('user')}: long-lived keys are not issued; "
               "give the program a role (the build pipeline assumes deploy roles through OIDC)")


@stack_rule("user-console-or-programmatic",
            "Every IAM user is tagged Access=console or Access=programmatic, and no user is both.")
def user_console_or_programmatic(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    logins = {str(r.inputs.get("user")) for r in resources if r.type == "aws:iam/userLoginProfile:UserLoginProfile"}
    keys = {str(r.inputs.get("user")) for r in resources if r.type == "aws:iam/accessKey:AccessKey"}
    for user in (r for r in resources if r.type == "aws:iam/user:User"):
        name = str(user.inputs.get("name") or user.name)
        access = (user.inputs.get("tags") or {}).get("Access")
        if access not in ACCESS_KINDS:
            yield user.urn, f"IAM user {name} is tagged Access={access!r}; tag it `console` (a person) or `programmatic`"
        if name in logins and (access == "programmatic" or name in keys):
            yield user.urn, (f"IAM user {name} has a console login profile and is programmatic; a person and a program "
                             "are separate identities: split it into two users")


def _trust_statements(resource: Resource) -> list[Mapping[str, Any]]:
    return [s for s in policy_statements(resource.inputs.get("assumeRolePolicy")) if s.get("Effect") == "Allow"]


def _aws_principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, Mapping):
        return [str(p) for p in as_list(principal.get("AWS"))]
    return []


@resource_rule("role-trust-names-principals", "Every role trust policy names its principals: no `*`, no NotPrincipal.")
def role_trust_names_principals(resource: Resource) -> Iterable[str]:
    if resource.type != "aws:iam/role:Role":
        return
    for statement in _trust_statements(resource):
        principal = statement.get("Principal")
        values = [principal] if isinstance(principal, str) else [
            value for values in (principal or {}).values() for value in as_list(values)]
        if "NotPrincipal" in statement or principal is None or "*" in values:
            yield (f"role {resource.inputs.get('name') or resource.name} may be assumed by anyone; name the account, "
                   "role, service or identity provider that may assume it")


def _is_human_principal(principal: str) -> bool:
    """A whole account (its root, or a bare id) or an IAM user: principals that stand for people signing in."""
    return bool(re.fullmatch(r"\d{12}", principal)) or principal.endswith(":root") or ":user/" in principal


def _requires_mfa(statement: Mapping[str, Any]) -> bool:
    for operator, block in (statement.get("Condition") or {}).items():
        if operator.lower() in ("bool", "boolifexists") and isinstance(block, Mapping):
            if any(key.lower() == MFA_KEY and "true" in [str(v).lower() for v in as_list(value)]
                   for key, value in block.items()):
                return operator.lower() == "bool"
    return False


def _names_only_roles(statement: Mapping[str, Any]) -> bool:
    """The statement narrows an account principal to named roles (aws:PrincipalArn ... :role/...)."""
    for operator, block in (statement.get("Condition") or {}).items():
        if operator.lower().startswith(("arn", "string")) and not operator.lower().endswith("ifexists"):
            for key, value in (block or {}).items():
                values = [str(v) for v in as_list(value)]
                if key.lower() == "aws:principalarn" and values and all(":role/" in v for v in values):
                    return True
    return False


@resource_rule("human-roles-require-mfa",
               "A role people assume (tagged Access=human, or trusting an account or IAM user, unless tagged "
               "machine/service and narrowed to named roles by aws:PrincipalArn) requires MFA "
               "(Bool aws:MultiFactorAuthPresent = true).")
def human_roles_require_mfa(resource: Resource) -> Iterable[str]:
    if resource.type != "aws:iam/role:Role":
        return
    access = (resource.inputs.get("tags") or {}).get("Access")
    for statement in _trust_statements(resource):
        principals = _aws_principals(statement)
        automation = access in ("machine", "service") and _names_only_roles(statement)
        human = access == "human" or (any(_is_human_principal(p) for p in principals) and not automation)
        if human and principals and not _requires_mfa(statement):
            yield (f"role {resource.inputs.get('name') or resource.name} lets people of {principals} in without MFA; "
                   'add "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}')


