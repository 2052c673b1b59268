"""Checks of `baseline` against the accounts."""

from __future__ import annotations

from collections.abc import Iterator

from config.base import Sections
from config.baseline import BaselineConfig
from config.errors import Problem
from config.organization import AccountConfig


def baseline_accounts(sections: Sections) -> Iterator[Problem]:
    """The audit account and the delegated security administrator are configured accounts; reports
    `landing-zone:baseline.audit_account` or `landing-zone:baseline.security_admin_account` when one is not."""
    accounts: list[AccountConfig] = sections["accounts"]
    baseline: BaselineConfig = sections["baseline"]
    names = [account.name for account in accounts]
    if baseline.audit_account not in names:
        yield Problem("baseline.audit_account", f"`{baseline.audit_account}` is not a configured account; "
                                                f"the audit archive needs a member account, use one of {names}")
    admin = baseline.security_admin_account
    if admin is not None and admin not in names:
        yield Problem("baseline.security_admin_account", f"`{admin}` is not a configured account; "
                                                         f"a delegated administrator is a member account, use one of {names}")

