"""Programmatic access without keys: the CI issuer's tokens become the build pipeline role, which alone may assume
the deploy roles of the accounts it ships to."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.identity.permission_sets import PermissionContext, platform_prefix, statements_for
from components.policy_document import PolicyDocument, Statement
from config.identity import IdentityConfig, OidcConfig
from config.naming import aws_name

MACHINE = "machine"


def deploy_role_name(org_name: str, account: str) -> str:
    return aws_name(org_name, account, "deploy", kind="iam")


def pipeline_trust(oidc: OidcConfig, provider_arn: pulumi.Input[str]) -> PolicyDocument:
    """Tokens of the configured issuer, for the configured audiences and subjects only."""
    return PolicyDocument([
        Statement("Allow", ["sts:AssumeRoleWithWebIdentity"], principals={"Federated": [provider_arn]},
                  conditions={"StringEquals": {f"{oidc.host}:aud": list(oidc.audiences)},
                              "StringLike": {f"{oidc.host}:sub": list(oidc.subjects)}},
                  sid="ConfiguredPipelinesOnly"),
    ])


class PipelineAccess(pulumi.ComponentResource):
    """In the build account: the OIDC provider, and the pipeline role whose only power is assuming deploy roles."""

    def __init__(self, name: str, oidc: OidcConfig, home: Home, *, deploy_targets: Sequence[Home],
                 opts: pulumi.ResourceOptions | None = None):
        """`home` is the pipeline account; `deploy_targets` the accounts whose deploy role the pipeline may assume."""
        super().__init__("landing-zone:identity:PipelineAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        org_name, account = home.org, home.account
        self.provider = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc",
            url=oidc.url,
            client_id_lists=list(oidc.audiences),
            thumbprint_lists=list(oidc.thumbprints) or None,
            opts=child,
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=aws_name(org_name, account, "pipeline", kind="iam"),
            description="CI pipeline runs; may only assume the deploy roles",
            assume_role_policy=pipeline_trust(oidc, self.provider.arn).to_json(),
            max_session_duration=3600,
            tags={"Access": MACHINE},
            opts=child,
        )
        # The deploy roles' ARNs by name: they trust this role, so they are created after it.
        targets = [target.role_arn(deploy_role_name(org_name, target.account))
                   for target in sorted(deploy_targets, key=lambda target: target.account)]
        if targets:
            aws.iam.RolePolicy(
                f"{name}-assume-deploy",
                role=self.role.name,
                name="assume-deploy-roles",
                policy=PolicyDocument([Statement("Allow", ["sts:AssumeRole"], targets, sid="AssumeDeployRoles")]).to_json(),
                opts=child,
            )
        self.register_outputs({"role_arn": self.role.arn, "oidc_provider_arn": self.provider.arn})


class DeployRole(pulumi.ComponentResource):
    """In an account the pipeline ships to: a role only the build account's pipeline role may assume."""

    def __init__(self, name: str, identity: IdentityConfig, home: Home, *, pipeline_role_arn: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        """`identity` gives the deploy role's permissions (`identity.deploy`) and the developers' role path."""
        super().__init__("landing-zone:identity:DeployRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        org_name, account, account_id, region = home.org, home.account, home.account_id, home.region
        deploy, role_path = identity.deploy, identity.developer_boundary.role_path
        trust = PolicyDocument([
            Statement("Allow", ["sts:AssumeRole"], principals={"AWS": [pipeline_role_arn]}, sid="BuildPipelineOnly"),
        ])
        self.role = aws.iam.Role(
            f"{name}-role",
            name=deploy_role_name(org_name, account),
            description="Deploys the shop's services; assumed by the build account's pipeline only",
            assume_role_policy=trust.to_json(),
            max_session_duration=deploy.max_session_hours * 3600,
            tags={"Access": MACHINE},
            opts=child,
        )
        context = PermissionContext(account_id, region, role_path, platform_prefix=platform_prefix(org_name, account))
        aws.iam.RolePolicy(
            f"{name}-policy",
            role=self.role.name,
            name="deploy",
            policy=PolicyDocument(statements_for(deploy.permission_sets, deploy.statements, context)).to_json(),
            opts=child,
        )
        self.register_outputs({"role_arn": self.role.arn})
