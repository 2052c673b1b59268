"""The MFA guard every group carries: without MFA a user may only set up MFA and change their own password."""

from __future__ import annotations

import pulumi

from components.policy_document import PolicyDocument, Statement

# What a signed-in user may do before MFA: enough to enrol a device, change the first password, get an MFA session.
ALLOWED_WITHOUT_MFA = [
    "iam:ChangePassword", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetAccountPasswordPolicy",
    "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken",
]


def mfa_guard(account_id: pulumi.Input[str]) -> PolicyDocument:
    """Self-service on one's own credentials, and a deny of everything else while MFA is absent."""
    own_user = pulumi.Output.concat("arn:aws:iam::", account_id, ":user/${aws:username}")
    mfa_devices = pulumi.Output.concat("arn:aws:iam::", account_id, ":mfa/*")
    return PolicyDocument([
        Statement("Allow", ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"], ["*"], sid="ViewAccountBasics"),
        Statement("Allow", ["iam:ChangePassword", "iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:GetLoginProfile",
                            "iam:GetUser", "iam:ListMFADevices", "iam:ResyncMFADevice"], [own_user],
                  sid="ManageOwnCredentials"),
        Statement("Allow", ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"], [mfa_devices],
                  sid="ManageVirtualMfaDevices"),
        # BoolIfExists: long-term keys carry no MFA key at all, and must be denied as well.
        Statement("Deny", not_actions=ALLOWED_WITHOUT_MFA, resources=["*"],
                  conditions={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, sid="DenyAllElseWithoutMfa"),
    ])
