"""`landing-zone:guardrails`: which service control policies apply, where they attach, and who is exempt."""

from __future__ import annotations

from pydantic import Field

from config.base import IamRoleName, Model

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
