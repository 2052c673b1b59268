"""The roles people assume in one member account, and the permissions boundary of roles developers create there."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.home import Home, account_root_arn
from components.identity.permission_sets import (
    NEEDS_BOUNDARY,
    PermissionContext,
    keep_platform_resources,
    platform_prefix,
    statements_for,
)
from components.policy_document import PolicyDocument, Statement
from config.identity import DeveloperBoundaryConfig, IdentityConfig
from config.naming import aws_name

HUMAN = "human"


def human_trust(management_account_id: str) -> PolicyDocument:
    """Only IAM users of the management account, signed in with MFA; their group policies pick the roles."""
    return PolicyDocument([
        Statement("Allow", ["sts:AssumeRole"], principals={"AWS": [account_root_arn(management_account_id)]},
                  conditions={"Bool": {"aws:MultiFactorAuthPresent": "true"},
                              "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{management_account_id}:user/*"}},
                  sid="ManagementUsersWithMfa"),
    ])


def boundary_document(boundary: DeveloperBoundaryConfig, ctx: PermissionContext) -> PolicyDocument:
    return PolicyDocument([
        Statement("Allow", list(boundary.allowed_actions), ["*"], sid="MostABoundedRoleMayDo"),
        # Whatever the allow list says, a bounded role never changes identities or the organization...
        Statement("Deny", ["account:*", "iam:*", "organizations:*"], ["*"], sid="NeverIdentityOrOrganization"),
        # ... nor what the platform manages in the account.
        *keep_platform_resources(ctx),
    ])


class AccessRoles(pulumi.ComponentResource):
    """Every configured role that belongs in `account`, trusting the management account's MFA-signed-in users."""

    def __init__(self, name: str, identity: IdentityConfig, home: Home, *, management_account_id: str,
                 member_accounts: list[str], opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:identity:AccessRoles", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        org_name, account, account_id, region = home.org, home.account, home.account_id, home.region
        keys = [key for key in identity.roles if account in identity.role_accounts(key, member_accounts)]
        platform = PermissionContext(account_id, region, platform_prefix=platform_prefix(org_name, account))
        self.boundary: aws.iam.Policy | None = None
        if any(NEEDS_BOUNDARY & set(identity.roles[key].permission_sets) for key in keys):
            self.boundary = aws.iam.Policy(
                f"{name}-developer-boundary",
                name=aws_name(org_name, account, "developer-boundary", kind="iam"),
                description="Permissions boundary of every role developers create",
                policy=boundary_document(identity.developer_boundary, platform).to_json(),
                opts=child,
            )
        context = PermissionContext(account_id, region, identity.developer_boundary.role_path,
                                    self.boundary.arn if self.boundary else None, platform.platform_prefix)
        trust = human_trust(management_account_id).to_json()

        self.roles: dict[str, aws.iam.Role] = {}
        for key in keys:
            spec = identity.roles[key]
            role = aws.iam.Role(
                f"{name}-{key}",
                name=aws_name(org_name, account, key, kind="iam"),
                description=spec.description or f"{key} for people of the management account",
                assume_role_policy=trust,
                max_session_duration=spec.max_session_hours * 3600,
                tags={"Access": HUMAN},
                opts=child,
            )
            aws.iam.RolePolicy(
                f"{name}-{key}-policy",
                role=role.name,
                name=key,
                policy=PolicyDocument(statements_for(spec.permission_sets, spec.statements, context)).to_json(),
                opts=child,
            )
            self.roles[key] = role
        self.arns: dict[str, pulumi.Output[str]] = {key: role.arn for key, role in self.roles.items()}
        self.register_outputs({"role_arns": self.arns,
                               "boundary_arn": self.boundary.arn if self.boundary else None})
