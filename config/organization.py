"""`landing-zone:organization` and `landing-zone:accounts`: the organization, its OUs and its member accounts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from config.aws_text import TagKey, TagValue
from config.base import EMAIL_PATTERN, AccountId, AccountName, IamRoleName, Model, OrgName

OuName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", min_length=2, max_length=32),
    Field(description="Name of an organizational unit (lowercase, 2-32 chars)."),
]

RequiredTagValue = Annotated[TagValue, StringConstraints(min_length=1)]


OrganizationId = Annotated[str, StringConstraints(pattern=r"^o-[a-z0-9]{10,32}$"),
                           Field(description="An organization id, `o-` and 10-32 lowercase letters or digits.")]
OuId = Annotated[str, StringConstraints(pattern=r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$"),
                 Field(description="An organizational unit id, like `ou-ab12-cdef3456`.")]


class OrganizationalUnitConfig(Model):
    name: OuName
    parent: OuName | None = Field(None, description="Name of the parent OU; none means directly under the root.")
    id: OuId | None = Field(None, description="The id of this OU when it exists already (a previous deployment left "
                                              "it, or it was made by hand): the program adopts it (pulumi import).")


class TagsConfig(Model):
    """Tags every resource carries through its account provider's default_tags."""

    owner: RequiredTagValue = Field(description="Team that owns the platform, e.g. `platform-team`.")
    cost_center: RequiredTagValue = Field(description="Cost center the bill is charged to.")
    extra: dict[TagKey, TagValue] = Field(
        default_factory=dict, description="More tags for every resource (at most 40 so resources keep room for their own)."
    )


def _default_ous() -> list[OrganizationalUnitConfig]:
    return [OrganizationalUnitConfig(name="infrastructure"), OrganizationalUnitConfig(name="workloads")]


# Services later parts of the platform need trusted access for (trail, config, security hub, ...).
DEFAULT_SERVICE_PRINCIPALS = [
    "access-analyzer.amazonaws.com",
    "account.amazonaws.com",
    "backup.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "guardduty.amazonaws.com",
    "malware-protection.guardduty.amazonaws.com",
    "ram.amazonaws.com",
    "securityhub.amazonaws.com",
    "servicequotas.amazonaws.com",
    "sso.amazonaws.com",
]


class OrganizationConfig(Model):
    name: OrgName
    environment: Literal["sandbox", "production"] = Field(
        description="`production` protects stateful resources and turns on deletion protection; `sandbox` rehearses changes."
    )
    region: str = Field("ap-northeast-2", description="Home region of every account's resources.")
    availability_zones: list[str] = Field(
        description="Availability zone names to spread networks over, e.g. [ap-northeast-2a, ap-northeast-2c]."
    )
    minimum_availability_zones: int | None = Field(
        None, ge=2, le=6, description="Fewest AZs allowed; defaults to 3 in production and 2 in a sandbox."
    )
    management_account_id: AccountId = Field(description="Id of the management account the stack runs in.")
    id: OrganizationId | None = Field(
        None, description="The id of the organization when it exists already (the company's own, or one a "
                          "`pulumi destroy` left on purpose): the program adopts it (pulumi import) instead of "
                          "creating one.")
    organizational_units: list[OrganizationalUnitConfig] = Field(
        default_factory=_default_ous, description="OUs to create; accounts name the one they belong to."
    )
    service_access_principals: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SERVICE_PRINCIPALS),
        description="Services granted trusted access to the organization.",
    )
    tags: TagsConfig = Field(description="Owner, cost center and extra tags every resource carries.")

    @field_validator("service_access_principals")
    @classmethod
    def _principals_are_service_names(cls, value: list[str]) -> list[str]:
        bad = [p for p in value if not p.endswith(".amazonaws.com")]
        if bad:
            raise ValueError(f"{bad} are not service principals; use names like `config.amazonaws.com`")
        return value

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def min_azs(self) -> int:
        if self.minimum_availability_zones is not None:
            return self.minimum_availability_zones
        return 3 if self.production else 2


class AccountConfig(Model):
    name: AccountName
    email: str = Field(min_length=6, max_length=64, description="Root e-mail of the account (unique, 6-64 chars).")
    ou: OuName = Field(description="Organizational unit the account sits in.")
    role_name: IamRoleName = Field(
        "OrganizationAccountAccessRole",
        description="Role Organizations creates in the account; the stack's provider for the account assumes it.",
    )
    # Sent as the account's `Purpose` tag, so it takes what an Organizations tag value takes.
    id: AccountId | None = Field(
        None, description="The account's id when it exists already (a `pulumi destroy` never closes an account): "
                          "the program adopts it (pulumi import), and its provider knows the id at preview time.")
    purpose: TagValue = Field("", description="One line on what the account holds, e.g. `Transit Gateway hub and "
                                              "Direct Connect` (a tag value: no commas or parentheses).")

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str) -> str:
        if not EMAIL_PATTERN.match(value):
            raise ValueError(f"`{value}` is not an e-mail address; write it like `aws+dev@example.com`")
        return value
