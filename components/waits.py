"""Waits where AWS finishes something eventually and offers nothing to wait on.

Each wait is a pulumiverse-time `Sleep` that runs once, when it is created, after what it follows; what needs the
result depends on the Sleep. Later `pulumi up`s pass through it at once (a Sleep only waits again when its
`triggers` change). The durations are in one table so README's first-deployment section can quote them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumiverse_time as time


@dataclass(frozen=True)
class Readiness:
    """How long to wait for one thing AWS does eventually, and why (with the source of the fact)."""

    seconds: int
    why: str


WAITS: dict[str, Readiness] = {
    "account": Readiness(180, "CreateAccount reports SUCCEEDED before OrganizationAccountAccessRole can be assumed "
                              "and before the new account's services are activated (SubscriptionRequiredException, "
                              "OptInRequired); AWS publishes no figure, reports show one to three minutes"),
    "ram-organization-sharing": Readiness(120, "EnableSharingWithAwsOrganization returns while RAM's onboarding "
                                               "to the organization is still in progress (RAM user guide, "
                                               "'Enable resource sharing within AWS Organizations')"),
    "ram-share": Readiness(60, "a resource share associated with the organization reaches member accounts "
                               "eventually; until then CreateTransitGatewayVpcAttachment says "
                               "InvalidTransitGatewayID.NotFound"),
    "delegated-administrator": Readiness(60, "a newly registered delegated administrator is not yet recognised "
                                             "by the service in its own account ('is not an administrator for "
                                             "this organization')"),
    "cross-account-policy": Readiness(60, "a resource policy that admits another account (a bucket policy for the "
                                          "organization trail, an OAM sink policy for the accounts' links) reaches "
                                          "that account's requests eventually (InsufficientS3BucketPolicyException, "
                                          "AccessDenied on CreateLink)"),
    "service-linked-role": Readiness(90, "a new service-linked role is not yet usable by the service that owns it "
                                         "(OpenSearch: 'Before you can proceed, you must enable a service-linked "
                                         "role'; AWS Config: the recorder's role cannot be assumed yet)"),
}


def wait_for(name: str, reason: str, *, after: Sequence[pulumi.Resource],
             triggers: Mapping[str, pulumi.Input[str]] | None = None,
             opts: pulumi.ResourceOptions | None = None) -> time.Sleep:
    """A Sleep of WAITS[reason] after every resource in `after`; pass it to `depends_on` of what needs it.

    `triggers` pass values through the Sleep (`sleep.triggers[key]`), so whatever reads them waits too.
    Raises KeyError for a reason not in WAITS.
    """
    readiness = WAITS[reason]
    return time.Sleep(
        name,
        create_duration=f"{readiness.seconds}s",
        triggers=triggers,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=list(after))),
    )


def passed_through(sleep: time.Sleep, key: str) -> pulumi.Output[str]:
    """A value given to `wait_for(triggers=...)`, known only once the Sleep is over."""
    return sleep.triggers.apply(lambda values: (values or {})[key])


def usable_arn(role: pulumi.Resource, arn: pulumi.Input[str], *policies: pulumi.Resource) -> pulumi.Output[str]:
    """The role's ARN, known only once the role and its `policies` exist.

    A service handed a role at creation (Config recorders, flow logs, Backup selections, EventBridge targets)
    checks that it may assume it and what it may do; whatever reads this value waits for the policies too.
    """
    return pulumi.Output.all(arn, *(policy.urn for policy in (role, *policies))).apply(lambda values: values[0])
