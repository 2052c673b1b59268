"""What each guardrail denies: the SCP statements, built from config and nothing else (no Outputs).

Every exemption is a condition on `aws:PrincipalArn`, so who is exempt can be read in the document itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from components.policy_document import Conditions, Statement

# The usual NotAction list of services with a single global endpoint (mostly us-east-1): never region-denied.
GLOBAL_SERVICE_ACTIONS = (
    "account:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*", "budgets:*", "ce:*",
    "chime:*", "cloudfront:*", "config:*", "cur:*", "directconnect:*", "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways", "fms:*", "globalaccelerator:*", "health:*", "iam:*",
    "kms:*", "networkmanager:*", "organizations:*", "pricing:*", "route53:*", "route53domains:*",
    "route53-recovery-cluster:*", "route53-recovery-control-config:*", "route53-recovery-readiness:*",
    "s3:GetAccountPublic*", "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints", "s3:PutAccountPublic*",
    "shield:*", "sts:*", "support:*", "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*", "wellarchitected:*",
)

SECURITY_SERVICE_ACTIONS = (
    "cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
    "guardduty:DeleteDetector", "guardduty:DeleteMembers", "guardduty:DisassociateFromAdministratorAccount",
    "guardduty:DisassociateFromMasterAccount", "guardduty:DisassociateMembers", "guardduty:StopMonitoringMembers",
    "guardduty:UpdateDetector",
    "securityhub:BatchDisableStandards", "securityhub:DeleteMembers", "securityhub:DisableSecurityHub",
    "securityhub:DisassociateFromAdministratorAccount", "securityhub:DisassociateFromMasterAccount",
    "securityhub:DisassociateMembers",
    "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "config:PutConfigurationRecorder",
    "config:PutDeliveryChannel", "config:StopConfigurationRecorder",
    "access-analyzer:DeleteAnalyzer",
    "ec2:DeleteFlowLogs",
)

ACCOUNT_SETTING_ACTIONS = (
    "ec2:DisableEbsEncryptionByDefault", "ec2:ModifyEbsDefaultKmsKeyId", "ec2:ResetEbsDefaultKmsKeyId",
    "s3:PutAccountPublicAccessBlock",
)


@dataclass(frozen=True)
class GuardrailContext:
    """What the statements of one guardrail depend on."""

    deploy_roles: Sequence[str]  # the account access roles the stack deploys through
    break_glass_roles: Sequence[str]
    allowed_regions: Sequence[str]
    exempt_roles: Sequence[str] = ()  # extra exemptions from config, per guardrail


def role_arn_pattern(role: str) -> str:
    """The role of that name in any account; SCPs cannot name account ids they do not know yet."""
    return f"arn:aws:iam::*:role/{role}"


def _unless(*role_groups: Sequence[str]) -> Conditions:
    roles = sorted({role for group in role_groups for role in group})
    return {"ArnNotLike": {"aws:PrincipalArn": [role_arn_pattern(role) for role in roles]}} if roles else {}


def _conditions(*parts: Conditions) -> Conditions | None:
    merged: dict[str, dict[str, Any]] = {}
    for part in parts:
        for operator, values in part.items():
            merged.setdefault(operator, {}).update(values)
    return merged or None


def deny_root_user(ctx: GuardrailContext) -> list[Statement]:
    return [Statement("Deny", ["*"], ["*"], sid="DenyRootUser", conditions=_conditions(
        {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}, _unless(ctx.exempt_roles)))]


def deny_leave_organization(ctx: GuardrailContext) -> list[Statement]:
    return [Statement("Deny", ["organizations:LeaveOrganization"], ["*"], sid="DenyLeaveOrganization",
                      conditions=_conditions(_unless(ctx.exempt_roles)))]


def protect_security_services(ctx: GuardrailContext) -> list[Statement]:
    # The deploy role configures these services, so it alone may change them.
    return [Statement("Deny", SECURITY_SERVICE_ACTIONS, ["*"], sid="ProtectSecurityServices",
                      conditions=_conditions(_unless(ctx.deploy_roles, ctx.exempt_roles)))]


def protect_account_settings(ctx: GuardrailContext) -> list[Statement]:
    # The deploy role sets the EBS default key and the account public access block.
    return [Statement("Deny", ACCOUNT_SETTING_ACTIONS, ["*"], sid="ProtectAccountSettings",
                      conditions=_conditions(_unless(ctx.deploy_roles, ctx.exempt_roles)))]


def deny_iam_users(ctx: GuardrailContext) -> list[Statement]:
    # People come in through roles; only break-glass (and roles config names) may mint long-lived credentials.
    return [Statement("Deny", ["iam:CreateAccessKey", "iam:CreateUser"], ["*"], sid="DenyIamUsers",
                      conditions=_conditions(_unless(ctx.break_glass_roles, ctx.exempt_roles)))]


def deny_other_regions(ctx: GuardrailContext) -> list[Statement]:
    return [Statement("Deny", not_actions=GLOBAL_SERVICE_ACTIONS, resources=["*"], sid="DenyOtherRegions",
                      conditions=_conditions({"StringNotEquals": {"aws:RequestedRegion": sorted(ctx.allowed_regions)}},
                                             _unless(ctx.exempt_roles)))]


def deny_unencrypted_storage(ctx: GuardrailContext) -> list[Statement]:
    unless = _unless(ctx.exempt_roles)
    return [
        Statement("Deny", ["rds:CreateDBCluster", "rds:CreateDBInstance"], ["*"], sid="DenyUnencryptedRds",
                  conditions=_conditions({"Bool": {"rds:StorageEncrypted": "false"}}, unless)),
        Statement("Deny", ["ec2:CreateVolume", "ec2:RunInstances"], ["arn:aws:ec2:*:*:volume/*"],
                  sid="DenyUnencryptedEbs", conditions=_conditions({"Bool": {"ec2:Encrypted": "false"}}, unless)),
    ]


def deny_default_vpc(ctx: GuardrailContext) -> list[Statement]:
    return [Statement("Deny", ["ec2:CreateDefaultSubnet", "ec2:CreateDefaultVpc"], ["*"], sid="DenyDefaultVpc",
                      conditions=_conditions(_unless(ctx.exempt_roles)))]


# Config key (ServiceControlPoliciesConfig field) -> statements.
GUARDRAILS: dict[str, Callable[[GuardrailContext], list[Statement]]] = {
    "deny_root_user": deny_root_user,
    "deny_leave_organization": deny_leave_organization,
    "protect_security_services": protect_security_services,
    "protect_account_settings": protect_account_settings,
    "deny_iam_users": deny_iam_users,
    "deny_other_regions": deny_other_regions,
    "deny_unencrypted_storage": deny_unencrypted_storage,
    "deny_default_vpc": deny_default_vpc,
}
