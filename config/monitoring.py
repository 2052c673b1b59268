"""`landing-zone:monitoring`: the monitoring account, environments, alarm thresholds, Slack, the notifier, Datadog."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from aws_facts.accounts import MANAGEMENT
from config.base import EMAIL_PATTERN, LOG_RETENTION_DAYS, AccountId, AccountName, IamRoleName, Model, Sections
from config.organization import AccountConfig, OrganizationConfig
from config.quantity import Threshold
from config.secrets import secret_key
from config.switches import switched_on

# The alert topics' severities (components.alert_topics.SEVERITIES); one Slack channel each.
SEVERITIES = ("critical", "warning", "security")


# Slack's rule for channel names: lowercase letters, digits, hyphens and underscores, at most 80 characters.
SLACK_CHANNEL_PATTERN = re.compile(r"^[a-z0-9_-]+$")
SLACK_CHANNEL_MAX = 80


def _email_addresses(value: list[str]) -> list[str]:
    bad = [address for address in value if not EMAIL_PATTERN.match(address)]
    if bad:
        raise ValueError(f"{bad} are not e-mail addresses; write them like `oncall@example.com`")
    return value


EmailAddresses = Annotated[list[str], AfterValidator(_email_addresses)]

SlackUserId = Annotated[
    str,
    StringConstraints(pattern=r"^[UW][A-Z0-9]{2,20}$"),
    Field(description="A Slack user id such as U024BE7LH (profile -> ... -> Copy member ID)."),
]

ExternalId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9+=,.@:/_-]+$", min_length=2, max_length=1224),
    Field(description="An STS external ID (2-1224 chars of A-Z a-z 0-9 + = , . @ : / _ -)."),
]

# `alarms.<kind>.<metric>: <threshold>`, e.g. `alarms: {aurora: {cpu: 75%, freeable_memory: 512 MiB}}`.
AlarmThresholds = dict[str, dict[str, Threshold]]


class NotifierConfig(Model):
    """The Slack notifier Lambda (one per environment, in the monitoring account)."""

    runtime: Literal["python3.11", "python3.12", "python3.13"] = Field("python3.12", description="Lambda runtime.")
    memory_mb: int = Field(256, ge=128, le=10240, description="Memory (MB); CPU grows with it.")
    # Slack retries (429 Retry-After, 5xx backoff) happen inside one invocation, so leave them room.
    timeout_seconds: int = Field(30, ge=5, le=900, description="Lambda timeout in seconds.")
    # Off by default: a new account's concurrency quota (often 10) refuses any reservation; set it once raised.
    reserved_concurrency: int | None = Field(
        None, ge=1, le=100, description="Reserved concurrent executions; null to draw from the account's unreserved pool."
    )
    log_retention_days: int = Field(90, description="Retention of the notifier's log group, in days.")
    fallback_emails: EmailAddresses = Field(
        default_factory=list, max_length=10,
        description="Addresses e-mailed when a notifier itself fails (errors, throttles, dead letters): Slack cannot "
                    "carry news of its own outage. Empty: those alarms use the alert topics like any other.")
    default_severity: Literal["critical", "warning", "security"] = Field(
        "warning", description="Channel for a message whose severity the notifier cannot tell."
    )
    maximum_retry_attempts: int = Field(2, ge=0, le=2, description="Lambda's own retries of a failed async invoke.")
    maximum_event_age_seconds: int = Field(
        3600, ge=60, le=21600, description="An event older than this goes to the dead-letter queue unprocessed."
    )

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(f"CloudWatch Logs keeps logs for one of {list(LOG_RETENTION_DAYS)} days, not {value}")
        return value


class OnCallConfig(Model):
    name: str = Field("On-call", min_length=1, max_length=80, description="Display name of the on-call user group.")
    handle: str = Field("oncall", pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$",
                        description="Mention handle (@oncall): lowercase letters, digits, . _ -; unique in the workspace.")
    users: list[SlackUserId] = Field(default_factory=list, description="Members of the on-call rotation.")


class SlackConfig(Model):
    enabled: bool = Field(True, description="Post alerts to Slack; needs slack_bot_token and slack_provider_token.")
    channel_prefix: str = Field(
        "alerts", min_length=1, description="Channels are `<prefix>-<environment>-<severity>`, e.g. alerts-prod-critical."
    )
    private_channels: bool = Field(False, description="Create the alert channels as private channels.")
    bot_user_id: SlackUserId | None = Field(
        None, description="The notifier bot's user id, kept a member of every alert channel (else grant chat:write.public)."
    )
    oncall: OnCallConfig = Field(default_factory=OnCallConfig, description="The on-call user group.")


Severity = Literal["critical", "warning", "security"]


def _every_severity() -> list[Severity]:
    return ["critical", "warning", "security"]


class EmailAlertsConfig(Model):
    """Alerts by e-mail: each address subscribes to the alert topics of every account (SNS e-mail subscriptions)."""

    addresses: EmailAddresses = Field(
        default_factory=list, max_length=20,
        description="Addresses that receive alerts by e-mail. Each must confirm its subscription once (SNS sends the "
                    "link); until then nothing reaches it. Slack off and no address here is a config error.")
    severities: list[Severity] = Field(
        default_factory=_every_severity, min_length=1,
        description="Which alert topics the addresses subscribe to (all three by default).")


class DatadogConfig(Model):
    enabled: bool = Field(False, description="Create Datadog's AWS integration role in the accounts below.")
    external_ids: dict[AccountName, ExternalId] = Field(
        default_factory=dict,
        description="Per account, the AWS External ID Datadog's AWS integration page shows for it.",
    )
    role_name: IamRoleName = Field("DatadogIntegrationRole", description="Name of the integration role.")
    # Datadog's own AWS account for its commercial sites, as its integration docs give it.
    principal_account_id: AccountId = Field("464622532012", description="The AWS account Datadog assumes the role from.")


class EnvironmentConfig(Model):
    accounts: list[AccountName] = Field(min_length=1, description="Accounts whose alerts and dashboards belong here.")
    alarms: AlarmThresholds = Field(
        default_factory=dict, description="Thresholds for this environment, over the stack-wide `alarms`."
    )


# Security Hub's severity labels (ASFF Severity.Label); GuardDuty's scores fall into the same bands.
FindingSeverity = Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]
FINDING_SEVERITIES: tuple[str, ...] = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


class FindingsConfig(Model):
    """GuardDuty and Security Hub findings of every account and region, posted from the delegated administrator."""

    enabled: bool = Field(True, description="Post findings to the administrator's security alert topic (and Slack).")
    # HIGH: what needs a person today; MEDIUM would post most control findings of a young organization.
    min_severity: FindingSeverity = Field(
        "HIGH", description="Lowest severity posted: LOW, MEDIUM, HIGH or CRITICAL (Security Hub's labels; "
                            "GuardDuty scores 1-3.9 are LOW, 4-6.9 MEDIUM, 7-8.9 HIGH, 9-10 CRITICAL).")

    @field_validator("min_severity", mode="before")
    @classmethod
    def _upper_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @property
    def severities(self) -> list[str]:
        """The labels at or above `min_severity`, lowest first."""
        return list(FINDING_SEVERITIES[FINDING_SEVERITIES.index(self.min_severity):])


class MonitoringConfig(Model):
    account: AccountName = Field("ops", description="The central monitoring account: OAM sink, notifier, dashboards.")
    environments: dict[str, EnvironmentConfig] = Field(
        default_factory=dict,
        description="Environments (Slack channels, notifier, dashboard each). An account listed in none joins the "
                    "monitoring account's environment; none at all means one environment holding every account.",
    )
    alarms: AlarmThresholds = Field(
        default_factory=dict,
        description="Stack-wide alarm thresholds per service kind and metric, over the catalogue's defaults.",
    )
    notifier: NotifierConfig = Field(default_factory=NotifierConfig, description="The Slack notifier Lambda.")
    slack: SlackConfig = Field(default_factory=SlackConfig, description="Slack channels, on-call group and bot.")
    email: EmailAlertsConfig = Field(default_factory=EmailAlertsConfig,
                                     description="Alerts by e-mail, beside Slack or instead of it.")
    datadog: DatadogConfig = Field(default_factory=DatadogConfig, description="Datadog's AWS integration role.")
    findings: FindingsConfig = Field(default_factory=FindingsConfig,
                                     description="GuardDuty and Security Hub findings posted to the security channel.")


def _slack_on(sections: Sections) -> bool:
    return bool(sections["monitoring"].slack.enabled)


SLACK_BOT_TOKEN = secret_key("slack_bot_token", "the Slack bot token (xoxb-...) the notifier posts with",
                             needs=("monitoring",), required=_slack_on)
SLACK_PROVIDER_TOKEN = secret_key("slack_provider_token", "the Slack token pulumi-slack creates channels and the "
                                  "on-call group with", needs=("monitoring",), required=_slack_on)


def default_environment(organization: OrganizationConfig) -> str:
    return "prod" if organization.production else "sandbox"


def environments_of(monitoring: MonitoringConfig, organization: OrganizationConfig,
                    accounts: list[AccountConfig]) -> dict[str, list[str]]:
    """Environment name -> its accounts. Unlisted accounts join the monitoring account's environment (else the
    first one), so a new account is alerted on before anyone files it; with none configured, one holds them all."""
    every = [MANAGEMENT, *(account.name for account in accounts)]
    if not monitoring.environments:
        return {default_environment(organization): every}
    environments = {name: list(env.accounts) for name, env in monitoring.environments.items()}
    home = next((name for name, members in environments.items() if monitoring.account in members), next(iter(environments)))
    listed = {account for members in environments.values() for account in members}
    environments[home] += [account for account in every if account not in listed]
    return environments


def channel_names(prefix: str, environment: str) -> dict[str, str]:
    return {severity: f"{prefix}-{environment}-{severity}" for severity in SEVERITIES}


def slack_channel_problem(name: str) -> str | None:
    if len(name) > SLACK_CHANNEL_MAX:
        return f"Slack refuses channel name `{name}` ({len(name)} chars): at most {SLACK_CHANNEL_MAX} characters"
    if not SLACK_CHANNEL_PATTERN.match(name):
        return (f"Slack refuses channel name `{name}`: use only lowercase letters, digits, hyphens and underscores, "
                "no spaces or periods")
    return None


# --- What runs on this branch: every Lambda and its dead-letter queue, and NAT gateways where a VPC is ---------
@switched_on("lambda")
def _lambda_on(sections: Sections, account: str) -> bool:
    return True


@switched_on("dead_letter_queue")
def _dlq_on(sections: Sections, account: str) -> bool:
    return True


@switched_on("nat", "network")
def _nat_on(sections: Sections, account: str) -> bool:
    return account in sections["network"].vpcs
