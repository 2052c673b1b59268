"""The guardrails as service control policies: packed into as few documents as AWS's limits allow, then attached.

Guardrails that attach to the same targets share documents, each at most 5,120 characters; a target carries at most
five SCPs, FullAWSAccess included. Both limits are checked here before anything is registered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.policy_document import PolicyDocument, Statement
from config.errors import ConfigError, Problem
from config.guardrails import FULL_AWS_ACCESS, MAX_POLICIES_PER_TARGET, ROOT, GuardrailsConfig
from config.naming import aws_name
from org.guardrail_statements import GUARDRAILS, GuardrailContext

SCP_MAX_CHARACTERS = 5120


@dataclass
class PlannedPolicy:
    """One SCP document: the guardrails it holds, its text, and where it attaches."""

    targets: tuple[str, ...]
    guardrails: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)

    @property
    def document(self) -> PolicyDocument:
        return PolicyDocument(tuple(self.statements))

    @property
    def text(self) -> str:
        return self.document.to_static_json()


def plan_policies(config: GuardrailsConfig, home_region: str, deploy_roles: Sequence[str]) -> list[PlannedPolicy]:
    """Enabled guardrails grouped by target list, each group filled into documents under the size limit.

    Raises ConfigError when a guardrail alone is too large or a target would carry too many policies.
    """
    groups: dict[tuple[str, ...], list[PlannedPolicy]] = {}
    problems: list[Problem] = []
    for name, guardrail in config.policies.items():
        if not guardrail.enabled:
            continue
        targets = tuple(sorted(set(guardrail.targets), key=lambda t: (t != ROOT, t)))
        context = GuardrailContext(deploy_roles=sorted(set(deploy_roles)), break_glass_roles=config.break_glass_roles,
                                   allowed_regions=config.regions(home_region), exempt_roles=guardrail.exempt_roles)
        statements = GUARDRAILS[name](context)
        alone = len(PolicyDocument(tuple(statements)).to_static_json())
        if alone > SCP_MAX_CHARACTERS:
            problems.append(Problem(f"guardrails.policies.{name}", f"its SCP would be {alone} characters, AWS allows "
                                    f"{SCP_MAX_CHARACTERS}; shorten allowed_regions or exempt_roles"))
            continue
        documents = groups.setdefault(targets, [PlannedPolicy(targets)])
        current = documents[-1]
        if current.statements and len(PolicyDocument((*current.statements, *statements)).to_static_json()) \
                > SCP_MAX_CHARACTERS:
            current = PlannedPolicy(targets)
            documents.append(current)
        current.guardrails.append(name)
        current.statements.extend(statements)
    planned = [policy for documents in groups.values() for policy in documents]
    for target in sorted({t for policy in planned for t in policy.targets}):
        count = sum(target in policy.targets for policy in planned) + FULL_AWS_ACCESS
        if count > MAX_POLICIES_PER_TARGET:
            problems.append(Problem("guardrails.policies", f"`{target}` would carry {count} SCPs (FullAWSAccess "
                                    f"included), AWS allows {MAX_POLICIES_PER_TARGET}; give more guardrails the same targets"))
    if problems:
        raise ConfigError(problems)
    return planned


class ServiceControlPolicies(pulumi.ComponentResource):
    """The planned SCPs, each created once and attached to the root or the OUs config names.

    `target_ids` maps `root` and each OU name to its id; `deploy_roles` are the account access role names.
    """

    def __init__(self, name: str, config: GuardrailsConfig, home: Home, *, deploy_roles: Sequence[str],
                 target_ids: Mapping[str, pulumi.Input[str]], organization: pulumi.Resource,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:org:ServiceControlPolicies", name, None, opts)
        self.planned = plan_policies(config, home.region, deploy_roles)
        self.policies: list[aws.organizations.Policy] = []
        self.attachments: list[aws.organizations.PolicyAttachment] = []
        for planned in self.planned:
            label = "-".join(planned.targets)
            siblings = [p for p in self.planned if p.targets == planned.targets]
            if len(siblings) > 1:
                label += f"-{siblings.index(planned) + 1}"
            policy = aws.organizations.Policy(
                f"scp-{label}",
                name=aws_name(home.org, "guardrails", label),
                type="SERVICE_CONTROL_POLICY",
                description=f"landing-zone guardrails: {', '.join(planned.guardrails)}"[:512],
                content=planned.text,
                # SCPs exist only once the organization has all features and the SCP policy type on.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[organization]),
            )
            self.policies.append(policy)
            for target in planned.targets:
                self.attachments.append(aws.organizations.PolicyAttachment(
                    f"scp-{label}-on-{target}",
                    policy_id=policy.id,
                    target_id=target_ids[target],
                    opts=pulumi.ResourceOptions(parent=self),
                ))
        self.register_outputs({"policy_ids": [policy.id for policy in self.policies]})
