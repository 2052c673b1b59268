"""Checks of `monitoring` against the organization and the accounts: who is monitored, Slack channels, alarm
thresholds, alerts that reach someone."""

from __future__ import annotations

import re
from collections.abc import Iterator

from config.alarm_catalogue import CATALOGUE
from config.base import NAME_PATTERN, Sections
from config.errors import Problem
from config.monitoring import (
    MANAGEMENT,
    SEVERITIES,
    AlarmThresholds,
    MonitoringConfig,
    channel_names,
    environments_of,
    slack_channel_problem,
)
from config.switches import is_on


def _is_environment_name(name: str) -> bool:
    """Environment names go into channel, dashboard and function names: short, lowercase, Slack- and DNS-safe."""
    return bool(re.match(NAME_PATTERN, name)) and len(name) <= 16


def monitoring_accounts(sections: Sections) -> Iterator[Problem]:
    """Monitoring, its environments (valid names, one per account) and Datadog (IDs when on) name configured accounts;
    reports `landing-zone:monitoring.account`, `.environments.<name>[.accounts[i]]` or `.datadog.external_ids`."""
    monitoring: MonitoringConfig = sections["monitoring"]
    members = [account.name for account in sections["accounts"]]
    known = [MANAGEMENT, *members]
    if monitoring.account not in members:
        yield Problem("monitoring.account", f"`{monitoring.account}` is not a member account; use one of {members}")
    placed: dict[str, str] = {}
    for name, environment in monitoring.environments.items():
        path = f"monitoring.environments.{name}"
        if not _is_environment_name(name):
            yield Problem(path, f"`{name}` is not an environment name; use 2-16 lowercase letters, digits and -")
        for index, account in enumerate(environment.accounts):
            if account not in known:
                yield Problem(f"{path}.accounts[{index}]", f"`{account}` is not a configured account; use one of {known}")
            elif account in placed:
                yield Problem(f"{path}.accounts[{index}]",
                              f"`{account}` is already in environment {placed[account]}; an account belongs to one")
            placed.setdefault(account, name)
    for account in monitoring.datadog.external_ids:
        if account not in known:
            yield Problem(f"monitoring.datadog.external_ids.{account}",
                          f"`{account}` is not a configured account; use one of {known}")
    if monitoring.datadog.enabled and not monitoring.datadog.external_ids:
        yield Problem("monitoring.datadog.external_ids", "Datadog is enabled but no account has an external ID; add "
                                                         "`<account>: <AWS External ID from Datadog's AWS integration page>`")


def slack_channels(sections: Sections) -> Iterator[Problem]:
    """With Slack on, every environment's channel names are ones Slack accepts; reports the first refusal at
    `landing-zone:monitoring.slack.channel_prefix`, the part that makes a name unacceptable."""
    monitoring: MonitoringConfig = sections["monitoring"]
    if not monitoring.slack.enabled:
        return
    prefix = monitoring.slack.channel_prefix
    for environment in environments_of(monitoring, sections["organization"], sections["accounts"]):
        if not _is_environment_name(environment):
            continue  # reported at monitoring.environments.<name>
        for name in channel_names(prefix, environment).values():
            problem = slack_channel_problem(name)
            if problem:
                # Environment names are short and Slack-safe, so the prefix is what makes a name unacceptable.
                yield Problem("monitoring.slack.channel_prefix", problem)
                return


def alarm_thresholds(sections: Sections) -> Iterator[Problem]:
    """Alarm thresholds name catalogue kinds switched on where they apply, and alarms those kinds have, with valid
    values; reports `landing-zone:monitoring.alarms.<kind>` or `.environments.<name>.alarms.<kind>`, or a key below."""
    monitoring: MonitoringConfig = sections["monitoring"]
    environments = environments_of(monitoring, sections["organization"], sections["accounts"])
    every_account = [account for accounts in environments.values() for account in accounts]
    yield from _threshold_problems("monitoring.alarms", monitoring.alarms, every_account, where="this stack", sections=sections)
    for name, environment in monitoring.environments.items():
        yield from _threshold_problems(f"monitoring.environments.{name}.alarms", environment.alarms,
                                       environments[name], where=f"environment {name}", sections=sections)


def _threshold_problems(path: str, alarms: AlarmThresholds, accounts: list[str], *, where: str,
                        sections: Sections) -> Iterator[Problem]:
    for kind, thresholds in alarms.items():
        service = CATALOGUE.get(kind)
        if service is None:
            yield Problem(f"{path}.{kind}", f"unknown service kind; the catalogue has {sorted(CATALOGUE)}")
            continue
        if is_on(kind, sections, accounts) is False:
            yield Problem(f"{path}.{kind}", f"{service.title} is switched off in {where} (no account of it runs one), "
                                            f"so it has no alarms; remove these thresholds or switch {kind} on")
        for key, threshold in thresholds.items():
            if key not in service.keys:
                yield Problem(f"{path}.{kind}.{key}", f"{kind} has no alarm `{key}`; use one of {service.keys}")
                continue
            problem = service.alarm(key).problem(threshold)
            if problem:
                yield Problem(f"{path}.{kind}.{key}", problem)


def alerts_reach_someone(sections: Sections) -> Iterator[Problem]:
    """With Slack off, e-mail addresses receive alerts of every severity; reports
    `landing-zone:monitoring.email.addresses` when there are none, `.email.severities` when some are left out."""
    monitoring: MonitoringConfig = sections["monitoring"]
    if not monitoring.slack.enabled and not monitoring.email.addresses:
        yield Problem("monitoring.email.addresses",
                      "Slack is off and no address receives alerts by e-mail, so every alarm and finding would reach "
                      "no one; add addresses here (each confirms its subscription once) or switch Slack on")
    uncovered = sorted(set(SEVERITIES) - set(monitoring.email.severities))
    if not monitoring.slack.enabled and monitoring.email.addresses and uncovered:
        yield Problem("monitoring.email.severities",
                      f"Slack is off, so the {uncovered} alerts would reach no one; subscribe the addresses to them too")

