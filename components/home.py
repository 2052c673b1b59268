"""The account a component lives in, as one frozen value, and the ARNs of its well-known principals.

Every component that lives in one account takes `(name, its config section if it has one, home: Home, *,
dependencies, opts)`; the few that only wire other parts together (subscriptions, observability links, Slack
channels) take what they wire, by keyword past the first. `__main__.py` builds one
`Home` per account from the stack config (organization name, home region, production) and the organization's
account ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from config.naming import aws_name


def account_root_arn(account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """`arn:aws:iam::<id>:root`: the account itself as a principal (its IAM policies then decide)."""
    return pulumi.Output.concat("arn:aws:iam::", account_id, ":root")


def role_arn(account_id: pulumi.Input[str], role_name: pulumi.Input[str]) -> pulumi.Output[str]:
    """`arn:aws:iam::<id>:role/<name>`, known before the role exists (a role a policy admits by name)."""
    return pulumi.Output.concat("arn:aws:iam::", account_id, ":role/", role_name)


@dataclass(frozen=True, kw_only=True)
class Home:
    """The account a component lives in.

    `org` is `landing-zone:organization.name`, `account` the config name of the account (`management` or an entry
    of `landing-zone:accounts`), `account_id` its id (an Output for the accounts the stack creates), `region` the
    organization's home region (`landing-zone:organization.region`), `production` `organization.production`.
    """

    org: str
    account: str
    account_id: pulumi.Input[str]
    region: str
    production: bool

    def name(self, purpose: str = "", kind: str = "default") -> str:
        """`<org>-<account>-<purpose>`, fitted to AWS's limit for `kind` (config.naming.aws_name)."""
        return aws_name(self.org, self.account, purpose, kind=kind)

    @property
    def root_arn(self) -> pulumi.Output[str]:
        """The account as a principal: `arn:aws:iam::<account_id>:root`."""
        return account_root_arn(self.account_id)

    def role_arn(self, role_name: pulumi.Input[str]) -> pulumi.Output[str]:
        """The ARN of the role `role_name` in this account."""
        return role_arn(self.account_id, role_name)
