"""People in the management account: groups with their own documents and the MFA guard, and users in them."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.identity.mfa_guard import mfa_guard
from components.identity.permission_sets import BUILDERS, PermissionContext, from_config
from components.policy_document import PolicyDocument, Statement
from config.identity import IdentityConfig, UserConfig
from config.naming import aws_name

CONSOLE = "console"
PROGRAMMATIC = "programmatic"


# The group every programmatic user joins besides its configured ones: it holds the no-console deny.
PROGRAMS_GROUP = "programmatic-users"


def group_name(org_name: str, group: str) -> str:
    return aws_name(org_name, "", group, kind="iam")


class People(pulumi.ComponentResource):
    """Groups and users of the management account; member-account access only through the mapped roles."""

    def __init__(self, name: str, identity: IdentityConfig, home: Home, *,
                 role_arns: Mapping[tuple[str, str], pulumi.Input[str]], member_accounts: list[str],
                 opts: pulumi.ResourceOptions | None = None):
        """`home` is the management account; `role_arns` are the member accounts' access roles by (account, key)."""
        super().__init__("landing-zone:identity:People", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        org_name, management_account_id = home.org, home.account_id
        context = PermissionContext(management_account_id, home.region)
        guard = aws.iam.Policy(
            f"{name}-mfa-guard",
            name=aws_name(org_name, "", "mfa-guard", kind="iam"),
            description="Without MFA, nothing but enrolling MFA and changing one's own password",
            policy=mfa_guard(management_account_id).to_json(),
            opts=child,
        )

        self.groups: dict[str, aws.iam.Group] = {}
        for key, spec in identity.groups.items():
            group = aws.iam.Group(f"{name}-{key}", name=group_name(org_name, key), opts=child)
            aws.iam.GroupPolicyAttachment(f"{name}-{key}-mfa-guard", group=group.name, policy_arn=guard.arn, opts=child)
            documents: dict[str, PolicyDocument] = {permission_set: PolicyDocument(BUILDERS[permission_set](context))
                         for permission_set in spec.permission_sets}
            if spec.statements:
                documents["custom"] = PolicyDocument(from_config(spec.statements))
            pairs = identity.assumable(key, member_accounts)
            if pairs:
                documents["assume-roles"] = PolicyDocument([
                    Statement("Allow", ["sts:AssumeRole"], [role_arns[pair] for pair in pairs], sid="AssumeMappedRoles"),
                ])
            for document_name, document in documents.items():
                aws.iam.GroupPolicy(f"{name}-{key}-{document_name}", group=group.name, name=document_name,
                                    policy=document.to_json(), opts=child)
            self.groups[key] = group

        self.users: dict[str, aws.iam.User] = {}
        self.initial_passwords: dict[str, pulumi.Output[str]] = {}
        for spec_user in identity.users:
            self.users[spec_user.name] = self._user(name, spec_user, identity.console_password_length, child=child)
        programs = [self.users[user.name].name for user in identity.users if not user.console]
        if programs:
            self._no_console(name, org_name, programs, guard=guard, child=child)
        for key, group in self.groups.items():
            members = [self.users[user.name].name for user in identity.users if key in user.groups]
            if members:
                # Exclusive: a member added by hand outside the program is removed on the next update.
                aws.iam.GroupMembership(f"{name}-{key}-members", name=f"{group_name(org_name, key)}-members",
                                        group=group.name, users=members, opts=child)
        self.register_outputs({"groups": {key: group.name for key, group in self.groups.items()},
                               "users": {key: user.name for key, user in self.users.items()}})

    def _no_console(self, name: str, org_name: str, programs: list[pulumi.Output[str]], *, guard: aws.iam.Policy,
                    child: pulumi.ResourceOptions) -> None:
        """No console for programs, ever (access keys are never created by this program either). Through a group of
        their own: users hold no policies themselves (Security Hub IAM.2, CIS 1.14)."""
        group_name_ = group_name(org_name, PROGRAMS_GROUP)
        group = aws.iam.Group(f"{name}-{PROGRAMS_GROUP}", name=group_name_, opts=child)
        aws.iam.GroupPolicyAttachment(f"{name}-{PROGRAMS_GROUP}-mfa-guard", group=group.name, policy_arn=guard.arn,
                                      opts=child)  # every group carries it
        aws.iam.GroupPolicy(f"{name}-{PROGRAMS_GROUP}-no-console", group=group.name, name="no-console", opts=child,
                            policy=PolicyDocument([
                                Statement("Deny", ["iam:CreateLoginProfile", "iam:UpdateLoginProfile"], ["*"],
                                          sid="NeverConsole"),
                            ]).to_json())
        aws.iam.GroupMembership(f"{name}-{PROGRAMS_GROUP}-members", name=f"{group_name_}-members", group=group.name,
                                users=programs, opts=child)

    def _user(self, name: str, spec: UserConfig, password_length: int, *, child: pulumi.ResourceOptions) -> aws.iam.User:
        access = CONSOLE if spec.console else PROGRAMMATIC
        # People enrol MFA devices and signing keys themselves; deleting the user must not stop at them.
        user = aws.iam.User(f"{name}-user-{spec.name}", name=spec.name, tags={"Access": access}, force_destroy=True,
                            opts=child)
        if spec.console:
            login = aws.iam.UserLoginProfile(
                f"{name}-user-{spec.name}-login",
                user=user.name,
                password_reset_required=True,
                password_length=password_length,
                pgp_key=spec.pgp_key,
                opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(
                    additional_secret_outputs=["password"],
                    # AWS never returns these; the user changes the password at first sign-in anyway.
                    ignore_changes=["passwordLength", "passwordResetRequired", "pgpKey"],
                )),
            )
            initial = login.encrypted_password if spec.pgp_key else login.password
            self.initial_passwords[spec.name] = pulumi.Output.secret(initial)
        return user
