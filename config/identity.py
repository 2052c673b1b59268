"""`landing-zone:identity`: groups, users, member-account roles, keyless deploys and the developer boundary."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from config.aws_text import IamDescription
from config.base import IAM_NAME_PATTERN, AccountName, Model

# Named permission sets; components/identity/permission_sets.py builds one typed document per name.
PermissionSetName = Literal[
    "administrator", "read-only", "security-audit", "billing", "developer", "create-bounded-roles", "operator",
    "deploy-services",
]
# The one set equal to AdministratorAccess, and the only group and role allowed to hold it.
ADMINISTRATOR = "administrator"
ADMIN_GROUP = "infra-admins"
ADMIN_ROLE = "Admin"
# A mapping key that means every member account the role is created in.
EVERY_ACCOUNT = "*"

ACTION_SHAPE = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*]+$")


def _action_shape(value: str) -> str:
    if not ACTION_SHAPE.match(value):
        raise ValueError(f"`{value}` is not shaped `service:Action`; write it like `s3:GetObject` "
                         "(`*` may stand for part of the name, e.g. `s3:Get*`)")
    return value


def _resource_shape(value: str) -> str:
    if value != "*" and not value.startswith("arn:"):
        raise ValueError(f"`{value}` is not an ARN; write a full ARN like `arn:aws:s3:::shop-dev-assets/*`, or `*`")
    return value


Action = Annotated[str, AfterValidator(_action_shape)]
ResourceArn = Annotated[str, AfterValidator(_resource_shape)]
GroupName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]*[a-z0-9]$", min_length=2, max_length=32),
    Field(description="Name of a group (2-32 chars, a-z 0-9 -); the AWS name is `<org>-<group>`."),
]
RoleKey = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]*$", min_length=2, max_length=32),
    Field(description="Name of a member-account role, CamelCase (e.g. `ReadOnly`); the AWS name is `<org>-<account>-<role>`."),
]
MappedAccount = Annotated[
    str,
    StringConstraints(pattern=r"^(\*|[a-z][a-z0-9-]*[a-z0-9])$", max_length=16),
    Field(description="An account name, or `*` for every member account the role exists in."),
]
UserName = Annotated[
    str,
    StringConstraints(pattern=IAM_NAME_PATTERN, min_length=1, max_length=64),
    Field(description="IAM user name, e.g. `mina.kim` (1-64 chars of A-Z a-z 0-9 + = , . @ _ -)."),
]


class PolicyStatementConfig(Model):
    """One extra statement of an identity policy, for what no named permission set covers."""

    sid: str | None = Field(None, pattern=r"^[A-Za-z0-9]+$", description="Statement id (letters and digits).")
    effect: Literal["Allow", "Deny"] = Field("Allow", description="`Allow` or `Deny`.")
    actions: list[Action] = Field(min_length=1, description="Actions shaped `service:Action`, e.g. `s3:GetObject`.")
    resources: list[ResourceArn] = Field(min_length=1, description="ARNs the statement applies to (or `*`).")
    conditions: dict[str, dict[str, str | list[str]]] = Field(
        default_factory=dict, description="Condition operator -> key -> value(s), e.g. {Bool: {aws:SecureTransport: 'true'}}."
    )


class GroupConfig(Model):
    """An IAM group in the management account: its own documents and the member-account roles it may assume."""

    description: str = Field("", max_length=200, description="Who belongs in the group.")
    permission_sets: list[PermissionSetName] = Field(
        default_factory=list, description="Named permission sets granted in the management account itself."
    )
    statements: list[PolicyStatementConfig] = Field(default_factory=list, description="Extra statements for the group.")
    roles: dict[MappedAccount, list[RoleKey]] = Field(
        default_factory=dict, description="Account (or `*`) -> roles members may assume there; nothing else is assumable."
    )


class RoleConfig(Model):
    """A role people assume in member accounts: trusts only the management account, and only with MFA."""

    description: IamDescription = Field("", description="What the role is for (the IAM role description).")
    accounts: list[AccountName] | None = Field(
        None, description="Member accounts the role is created in; none means every member account."
    )
    permission_sets: list[PermissionSetName] = Field(min_length=1, description="Named permission sets of the role.")
    statements: list[PolicyStatementConfig] = Field(default_factory=list, description="Extra statements for the role.")
    max_session_hours: int = Field(1, ge=1, le=12, description="Longest session an assumption may ask for (1-12 h).")


class UserConfig(Model):
    """A person (console) or a program (programmatic) in the management account; never both."""

    name: UserName
    groups: list[GroupName] = Field(min_length=1, description="Groups the user belongs to.")
    console: bool = Field(False, description="Signs in to the console (gets a login profile, must reset the password).")
    programmatic: bool = Field(False, description="Uses the API only: no login profile, and creating one is denied.")
    pgp_key: str | None = Field(
        None, description="`keybase:<name>` or a base64 PGP public key; encrypts the initial console password."
    )


class OidcConfig(Model):
    """The CI system's OpenID Connect issuer that the pipeline role in the build account trusts."""

    url: str = Field(description="Issuer URL, https, e.g. `https://token.actions.githubusercontent.com`.")
    audiences: list[str] = Field(
        default_factory=lambda: ["sts.amazonaws.com"], min_length=1, description="Accepted `aud` claims (client ids)."
    )
    subjects: list[str] = Field(
        min_length=1, description="Accepted `sub` claims (StringLike), e.g. `repo:shop/storefront:ref:refs/heads/main`."
    )
    thumbprints: list[Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{40}$")]] = Field(
        default_factory=list, description="Server certificate thumbprints; AWS verifies well-known issuers itself."
    )

    @field_validator("url")
    @classmethod
    def _https_issuer(cls, value: str) -> str:
        if not re.fullmatch(r"https://[a-z0-9.-]+(/[A-Za-z0-9._~/-]*)?", value) or value.endswith("/"):
            raise ValueError(f"`{value}` is not an https issuer URL; write it like `https://token.actions.githubusercontent.com`")
        return value

    @field_validator("subjects")
    @classmethod
    def _subjects_are_specific(cls, value: list[str]) -> list[str]:
        loose = [subject for subject in value if subject.startswith("*") or not subject.strip("*")]
        if loose:
            raise ValueError(f"{loose} would let any pipeline of the issuer in; start each subject with a literal, "
                             "e.g. `repo:shop/storefront:*`")
        return value

    @property
    def host(self) -> str:
        """The issuer without the scheme; IAM names the token's condition keys after it (`<host>:sub`)."""
        return self.url.removeprefix("https://")


class DeployConfig(Model):
    """Deploy roles that only the build account's pipeline role may assume (built when `oidc` is set)."""

    pipeline_account: AccountName = Field("build", description="Account holding the OIDC provider and the pipeline role.")
    accounts: list[AccountName] = Field(
        default_factory=lambda: ["dev", "ops"], description="Accounts that get a deploy role."
    )
    permission_sets: list[PermissionSetName] = Field(
        default_factory=lambda: list[PermissionSetName](["deploy-services"]),
        description="Named permission sets of the deploy roles.",
    )
    statements: list[PolicyStatementConfig] = Field(default_factory=list, description="Extra statements for the deploy roles.")
    max_session_hours: int = Field(1, ge=1, le=12, description="Longest deploy session (1-12 h).")


# What roles developers create may do at most: the shop's application services, nothing of IAM or the organization.
DEFAULT_BOUNDARY_ACTIONS = [
    "cloudwatch:*", "dynamodb:*", "es:ESHttp*", "events:PutEvents", "firehose:*", "kinesis:*", "kms:Decrypt",
    "kms:GenerateDataKey*", "lambda:InvokeFunction", "logs:*", "personalize:*", "s3:*", "secretsmanager:GetSecretValue",
    "ses:SendEmail", "ses:SendTemplatedEmail", "sns:Publish", "sqs:*", "ssm:GetParameter*", "states:*", "xray:*",
]


class DeveloperBoundaryConfig(Model):
    """The permissions boundary every role created through the `create-bounded-roles` set must carry."""

    role_path: str = Field(
        "/app/", pattern=r"^/([A-Za-z0-9_+=,.@-]+/)+$", description="IAM path developers' roles and policies live under."
    )
    allowed_actions: list[Action] = Field(
        default_factory=lambda: list(DEFAULT_BOUNDARY_ACTIONS), min_length=1,
        description="The most a bounded role may ever do.",
    )


def _default_groups() -> dict[str, GroupConfig]:
    return {
        "infra-admins": GroupConfig(description="Platform team: runs the stack, administers every account.",
                                    permission_sets=["administrator"], roles={EVERY_ACCOUNT: ["Admin"]}),
        "developers": GroupConfig(description="Application developers.",
                                  roles={"dev": ["Developer"], "ops": ["ReadOnly"]}),
        "operators": GroupConfig(description="On-call operators of the production environment.",
                                 roles={"ops": ["Operator"], EVERY_ACCOUNT: ["ReadOnly"]}),
        "data-analysts": GroupConfig(description="Analysts of shop data.", roles={"ops": ["ReadOnly"]}),
        "security-auditors": GroupConfig(description="Security and compliance reviewers.",
                                         permission_sets=["security-audit"], roles={EVERY_ACCOUNT: ["SecurityAudit"]}),
        "billing": GroupConfig(description="Finance: bills, cost reports and budgets.", permission_sets=["billing"]),
    }


def _default_roles() -> dict[str, RoleConfig]:
    # Admin sessions stay short; reading and auditing sessions may last a working half-day.
    return {
        "Admin": RoleConfig(description="Full administration of the account.", permission_sets=["administrator"]),
        "Developer": RoleConfig(description="Builds and runs the shop's services; creates only bounded roles.",
                                accounts=["dev"], permission_sets=["developer", "create-bounded-roles"],
                                max_session_hours=4),
        "Operator": RoleConfig(description="Reads everything and performs day-to-day operations.", accounts=["ops"],
                               permission_sets=["read-only", "operator"], max_session_hours=2),
        "ReadOnly": RoleConfig(description="Reads configuration, never data.", permission_sets=["read-only"],
                               max_session_hours=4),
        "SecurityAudit": RoleConfig(description="Reads security configuration and logs.",
                                    permission_sets=["security-audit"], max_session_hours=4),
    }


class IdentityConfig(Model):
    """Who may do what: people in the management account, roles in member accounts, deploys without keys."""

    groups: dict[GroupName, GroupConfig] = Field(
        default_factory=_default_groups, description="Groups by name; listing groups replaces the default six."
    )
    users: list[UserConfig] = Field(default_factory=list, description="IAM users of the management account.")
    roles: dict[RoleKey, RoleConfig] = Field(
        default_factory=_default_roles, description="Member-account roles by name; listing roles replaces the defaults."
    )
    # 32 characters is well above any password policy's minimum; the user replaces it at first sign-in.
    console_password_length: int = Field(32, ge=20, le=128, description="Length of generated initial console passwords.")
    oidc: OidcConfig | None = Field(None, description="CI issuer trusted by the pipeline role; none builds no deploy path.")
    deploy: DeployConfig = Field(default_factory=DeployConfig, description="Deploy roles the build pipeline assumes.")
    developer_boundary: DeveloperBoundaryConfig = Field(
        default_factory=DeveloperBoundaryConfig, description="Boundary of the roles developers create."
    )

    def role_accounts(self, role: str, member_accounts: list[str]) -> list[str]:
        """The member accounts `role` is created in."""
        chosen = self.roles[role].accounts
        return [account for account in member_accounts if chosen is None or account in chosen]

    def assumable(self, group: str, member_accounts: list[str]) -> list[tuple[str, str]]:
        """(account, role) pairs members of `group` may assume, `*` expanded to where each role exists."""
        pairs: list[tuple[str, str]] = []
        for account, roles in self.groups[group].roles.items():
            for role in roles:
                if role not in self.roles:
                    continue
                targets = self.role_accounts(role, member_accounts) if account == EVERY_ACCOUNT else [account]
                pairs.extend((target, role) for target in targets if (target, role) not in pairs)
        return sorted(pairs)
