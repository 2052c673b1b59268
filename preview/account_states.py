"""Account states a first deployment waits for or sets by hand, read from the inventory, in the order to do them.

pulumi-aws 7 has no resource for SES production access (sesv2 offers only account-level VDM and suppression
attributes; `PutAccountDetails` is outside the provider), and no resource waits for AWS to approve a quota request.
So the preview lists, per account and region:

1. before the full `pulumi up`: every quota request the stack depends on (its need is above what the account has
   without the request), filed alone first and then awaited;
2. after the first `pulumi up`: SES production access wherever an e-mail identity is (a new account's SES is in the
   sandbox: it sends only to verified addresses, at most 200 messages a day; SES developer guide, "Request
   production access").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from policy import rules

SES_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"


@dataclass(frozen=True)
class AccountState:
    """One state to reach by hand: `when` relative to the full `pulumi up`, where, what and why, the exact `steps`
    (CLI, run with the account's credentials), how to `check` it, and the `console` path that does the same."""

    when: str
    account: str
    region: str
    state: str
    why: str
    steps: tuple[str, ...]
    check: str
    console: str


def _quota_waits(resources: Sequence[rules.Resource]) -> Iterator[AccountState]:
    created = {r.name for r in resources if r.type == rules.ORGANIZATIONS_ACCOUNT}
    requests = [r for r in resources if r.type == rules.SERVICE_QUOTA]
    for use in rules.quota_usage(resources):
        start = use.quota.starts_at if use.account in created else use.quota.default
        if use.basis != "requested" or use.need <= start:
            continue
        quota = use.quota
        urns = [r.urn for r in requests if (rules.account_of(r), rules.region_of(r)) == (use.account, use.region)
                and r.inputs.get("quotaCode") == quota.quota_code]
        yield AccountState(
            "before", use.account, use.region, f"{quota.title} raised to {use.quota_value}",
            f"the stack needs {use.need} ({use.where}); without the request the account has {start}",
            (*(f"pulumi up --target '{urn}'" for urn in urns),
             f"aws service-quotas list-requested-service-quota-change-history-by-quota --service-code "
             f"{quota.service_code} --quota-code {quota.quota_code} --region {use.region}  # until APPROVED"),
            f"aws service-quotas get-service-quota --service-code {quota.service_code} --quota-code "
            f"{quota.quota_code} --region {use.region} --query Quota.Value",
            f"Service Quotas ({use.region}) > Quota request history")


def _ses_production_access(resources: Sequence[rules.Resource]) -> Iterator[AccountState]:
    domains: dict[tuple[str, str], list[str]] = {}
    for identity in resources:
        if identity.type == SES_IDENTITY:
            key = (rules.account_of(identity), rules.region_of(identity))
            domains.setdefault(key, []).append(str(identity.inputs.get("emailIdentity")))
    for (account, region), names in sorted(domains.items()):
        domain = sorted(names)[0]
        yield AccountState(
            "after", account, region, "SES production access",
            "a new account's SES sends only to verified addresses, so customer sign-up, welcome and coupon mail "
            "would not arrive",
            (f"aws sesv2 put-account-details --region {region} --production-access-enabled --mail-type TRANSACTIONAL "
             f"--website-url https://{domain} --contact-language EN --use-case-description \"Transactional mail "
             f"from {domain} to customers who signed up: sign-up verification, welcome and coupon messages. Bounces "
             "and complaints are suppressed by the configuration set and reported to the operators.\"",),
            f"aws sesv2 get-account --region {region} --query ProductionAccessEnabled",
            f"Amazon SES ({region}) > Account dashboard > Request production access")


def account_states(resources: Sequence[rules.Resource]) -> list[AccountState]:
    """Every state to reach by hand, in order: quota waits before the full `pulumi up`, the rest after it."""
    return [*_quota_waits(resources), *_ses_production_access(resources)]


def account_state_document(resources: Sequence[rules.Resource]) -> list[dict[str, object]]:
    """The inventory's `account_states` section."""
    return [asdict(state) for state in account_states(resources)]


def account_state_lines(resources: Sequence[rules.Resource]) -> list[str]:
    states = account_states(resources)
    if not states:
        return ["Account states to set by hand: none."]
    lines = ["Account states to set by hand, in order (pulumi-aws cannot set them; run each step with the account's "
             "credentials):"]
    for number, state in enumerate(states, start=1):
        lines.append(f"  {number}. {state.when} the full `pulumi up`: {state.account} ({state.region}): {state.state}; "
                     f"{state.why}")
        lines.extend(f"       $ {step}" for step in state.steps)
        lines.append(f"       check: {state.check}")
        lines.append(f"       console: {state.console}")
    return lines
