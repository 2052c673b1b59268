"""Identity controls: what customer managed and inline IAM policies allow, and policies attached to users.

AWS Config rules as in the Security Hub user guide (iam-controls.html, kms-controls.html):
iam-policy-no-statements-with-admin-access (IAM.1), iam-user-no-policies-check (IAM.2),
iam-policy-no-statements-with-full-access (IAM.21), iam-policy-blacklisted-check (IAM.27),
iam-customer-policy-blocked-kms-actions (KMS.1) and iam-inline-policy-blocked-kms-actions (KMS.2). Security Hub
runs IAM.21 and KMS.1 with excludePermissionBoundaryPolicy: a policy the program uses as a permissions boundary
caps what others grant and is not judged as a grant.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping
from typing import Any

if __package__:  # imported as policy.controls_identity by the preview and the tests
    from . import rules
    from .security_hub import Estate, Finding, decided_at_runtime, evaluates, label
else:  # the CrossGuard pack imports its modules from the pack directory
    import rules  # type: ignore[no-redef]
    from security_hub import Estate, Finding, decided_at_runtime, evaluates, label  # type: ignore[no-redef]

USER_POLICIES = ("aws:iam/userPolicy:UserPolicy", "aws:iam/userPolicyAttachment:UserPolicyAttachment")
INLINE_POLICIES = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/groupPolicy:GroupPolicy", "aws:iam/userPolicy:UserPolicy")
ATTACHMENTS = ("aws:iam/rolePolicyAttachment:RolePolicyAttachment",
               "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
               "aws:iam/userPolicyAttachment:UserPolicyAttachment")
CLOUDSHELL_FULL_ACCESS = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
# KMS.1/KMS.2's blockedActionsPatterns: an allowed action (wildcards included) that covers one of these counts.
BLOCKED_KMS_ACTIONS = ("kms:decrypt", "kms:reencryptfrom")
SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$")

decided_at_runtime("access keys, MFA devices and sign-ins are the users' own, after the program created them; the "
                   "MFA guard keeps users without MFA from doing anything else", "IAM.3", "IAM.5", "IAM.8", "IAM.22")


def _allows(document: Any) -> list[Mapping[str, Any]]:
    return [s for s in rules.policy_statements(document) if s.get("Effect") == "Allow"]


def _resources(statement: Mapping[str, Any]) -> list[str]:
    return [str(r) for r in rules.as_list(statement.get("Resource"))]


def boundaries(estate: Estate) -> set[str]:
    """URNs of customer managed policies the program uses as permissions boundaries: set on a role, or required
    (iam:PermissionsBoundary) of the roles a policy lets someone create."""
    found = {urn for role in estate.of(rules.IAM_ROLE) for urn in role.property_dependencies.get("permissionsBoundary", ())}
    for holder in estate.of(rules.IAM_POLICY, *INLINE_POLICIES):
        if "iam:PermissionsBoundary" in str(holder.inputs.get("policy")):
            found.update(urn for urn in holder.property_dependencies.get("policy", ()) if estate.by_urn.get(urn)
                         and estate.by_urn[urn].type == rules.IAM_POLICY)
    return found


@evaluates("IAM.1")
def no_full_administrator_policies(estate: Estate) -> Iterator[Finding]:
    """IAM.1: no customer managed policy allows "*" on "*"."""
    for policy in estate.of(rules.IAM_POLICY):
        full = [s for s in _allows(policy.inputs.get("policy"))
                if "*" in [str(a) for a in rules.as_list(s.get("Action"))] and "*" in _resources(s)]
        yield Finding(policy.urn, not full, f"policy {label(policy)} "
                      + ("allows * on *" if full else "allows no full administration"))


@evaluates("IAM.2")
def no_user_policies(estate: Estate) -> Iterator[Finding]:
    """IAM.2: users get permissions only through groups: no inline or managed policy attached to a user."""
    for user in estate.of(rules.IAM_USER):
        name = user.inputs.get("name") or user.name
        attached = [p.name for p in estate.of(*USER_POLICIES) if p.inputs.get("user") == name
                    or user.urn in p.property_dependencies.get("user", ())]
        attached += [p.name for p in estate.of(rules.IAM_POLICY_ATTACHMENT)
                     if name in [str(u) for u in rules.as_list(p.inputs.get("users"))]]
        yield Finding(user.urn, not attached, f"user {name} " + (
            f"has policies of its own: {attached}" if attached else "gets permissions through groups only"))


@evaluates("IAM.21")
def no_service_wildcards(estate: Estate) -> Iterator[Finding]:
    """IAM.21: customer managed policies (boundaries aside) allow no `service:*` action."""
    skip = boundaries(estate)
    for policy in estate.of(rules.IAM_POLICY):
        if policy.urn in skip:
            yield Finding(policy.urn, True, f"policy {label(policy)} is a permissions boundary")
            continue
        wild = sorted({str(a) for s in _allows(policy.inputs.get("policy")) for a in rules.as_list(s.get("Action"))
                       if SERVICE_WILDCARD.match(str(a))})
        yield Finding(policy.urn, not wild, f"policy {label(policy)} "
                      + (f"allows every action of {wild}" if wild else "names its actions"))


def _decrypts_every_key(document: Any) -> bool:
    return any("*" in _resources(s) and any(fnmatch.fnmatchcase(blocked, str(action).lower())
                                             for action in rules.as_list(s.get("Action")) for blocked in BLOCKED_KMS_ACTIONS)
               for s in _allows(document))


@evaluates("KMS.1")
def managed_policies_scope_decrypt(estate: Estate) -> Iterator[Finding]:
    """KMS.1: no customer managed policy (boundaries aside) allows kms:Decrypt or kms:ReEncryptFrom on every key."""
    skip = boundaries(estate)
    for policy in estate.of(rules.IAM_POLICY):
        bad = policy.urn not in skip and _decrypts_every_key(policy.inputs.get("policy"))
        yield Finding(policy.urn, not bad, f"policy {label(policy)} "
                      + ("decrypts with every key" if bad else "decrypts with named keys at most"))


@evaluates("KMS.2")
def inline_policies_scope_decrypt(estate: Estate) -> Iterator[Finding]:
    """KMS.2: no inline policy of a role, group or user allows kms:Decrypt or kms:ReEncryptFrom on every key."""
    for policy in estate.of(*INLINE_POLICIES):
        bad = _decrypts_every_key(policy.inputs.get("policy"))
        yield Finding(policy.urn, not bad, f"inline policy {policy.name} "
                      + ("decrypts with every key" if bad else "decrypts with named keys at most"))
    for role in estate.of(rules.IAM_ROLE):
        inline = [item.get("policy") for item in rules.as_list(role.inputs.get("inlinePolicies"))
                  if isinstance(item, Mapping)]
        if inline:
            bad = any(_decrypts_every_key(document) for document in inline)
            yield Finding(role.urn, not bad, f"role {label(role)} "
                          + ("decrypts with every key" if bad else "decrypts with named keys at most"))


@evaluates("IAM.27")
def no_cloudshell_full_access(estate: Estate) -> Iterator[Finding]:
    """IAM.27: no user, group or role holds AWSCloudShellFullAccess."""
    holders = [*estate.of(rules.IAM_ROLE), *estate.of(rules.IAM_USER), *estate.of("aws:iam/group:Group")]
    attached = [a for a in estate.of(*ATTACHMENTS, rules.IAM_POLICY_ATTACHMENT)
                if a.inputs.get("policyArn") == CLOUDSHELL_FULL_ACCESS]
    for holder in holders:
        name = holder.inputs.get("name") or holder.name
        held = [a for a in attached if name in (a.inputs.get("role"), a.inputs.get("group"), a.inputs.get("user"))]
        held_inline = CLOUDSHELL_FULL_ACCESS in [str(p) for p in rules.as_list(holder.inputs.get("managedPolicyArns"))]
        yield Finding(holder.urn, not (held or held_inline), f"{name} "
                      + ("holds AWSCloudShellFullAccess" if held or held_inline else "does not hold AWSCloudShellFullAccess"))
