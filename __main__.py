"""Composition root: load the stack config, build the organization, then each account's parts."""

import pulumi
import pulumi_slack

import config
from components.alert_topics import AlertTopics
from components.monitoring import (
    AlertSubscriptions,
    DatadogIntegration,
    Monitor,
    NotifierSecrets,
    ObservabilityLink,
    ObservabilitySink,
    SlackChannels,
    SlackNotifier,
)
from config.monitoring import SLACK_BOT_TOKEN, SLACK_PROVIDER_TOKEN, environments_of
from config.secrets import read_secret
from org.organization import Organization
from org.providers import management_provider, member_provider

settings = config.load()
org_name = settings.organization.name

# --- The organization and one provider per account ------------------------------------------------------------
management = management_provider(settings)
organization = Organization("organization", settings, opts=pulumi.ResourceOptions(providers=[management]))
providers = {config.MANAGEMENT: management} | {
    name: member_provider(settings, name, account_id) for name, account_id in organization.account_ids.items()
}
account_ids: dict[str, pulumi.Input[str]] = {config.MANAGEMENT: settings.organization.management_account_id}
account_ids |= organization.account_ids


def on(account: str) -> pulumi.ResourceOptions:
    """Options that place a component, and everything in it, in `account`."""
    return pulumi.ResourceOptions(providers=[providers[account]])


# --- Alert topics in every account: alarms and rules publish here, the Slack notifier subscribes --------------
alerts = {
    name: AlertTopics(f"{name}-alerts", org_name, name, account_ids[name], organization.organization.id,
                      settings.production, opts=on(name))
    for name in providers
}

# --- Monitoring (issue 8): observability links, Slack alerting, and `monitor.watch(...)` for the blocks below --
monitoring = settings.monitoring
monitoring_account = monitoring.account
environments = environments_of(monitoring, settings.organization, settings.accounts)
monitor = Monitor(org_name, settings.organization.region, monitoring, environments, alerts, providers, account_ids)
observability = ObservabilitySink("observability", org_name, monitoring_account, organization.organization.id,
                                  opts=on(monitoring_account))
observability_links = {name: ObservabilityLink(f"{name}-observability-link", observability, opts=on(name))
                       for name in providers if name != monitoring_account}
if monitoring.slack.enabled:
    # An explicit provider, its token from the stack secret landing-zone:slack_provider_token (not slack:token).
    slack_provider = pulumi_slack.Provider("slack", token=read_secret(SLACK_PROVIDER_TOKEN))
    slack_channels = SlackChannels("slack", monitoring.slack, list(environments),
                                   opts=pulumi.ResourceOptions(providers=[slack_provider]))
    notifier_secrets = NotifierSecrets("slack-notifier", org_name, monitoring_account, account_ids[monitoring_account],
                                       settings.organization.region, read_secret(SLACK_BOT_TOKEN), settings.production,
                                       opts=on(monitoring_account))
    for environment, members in environments.items():
        notifier = SlackNotifier(f"{environment}-slack-notifier", org_name, monitoring_account, environment,
                                 monitoring.notifier, "functions/slack_notifier", notifier_secrets,
                                 slack_channels.ids[environment], {name: alerts[name] for name in members}, account_ids,
                                 monitor, opts=on(monitoring_account))
        for name in members:
            AlertSubscriptions(f"{name}-alerts-to-slack", alerts[name], notifier.function_arn,
                               opts=pulumi.ResourceOptions.merge(on(name), pulumi.ResourceOptions(depends_on=[notifier])))
if monitoring.datadog.enabled:
    datadog = {name: DatadogIntegration(f"{name}-datadog", monitoring.datadog, external_id, opts=on(name))
               for name, external_id in monitoring.datadog.external_ids.items()}

pulumi.export("organization_id", organization.organization.id)
pulumi.export("root_id", organization.root_id)
pulumi.export("account_ids", organization.account_ids)

# --- Dashboards (issue 8): keep this block LAST; it renders what every block above registered with monitor.watch --
dashboards = monitor.render_dashboards(monitoring_account)
pulumi.export("dashboards", {environment: dashboard.dashboard.dashboard_name for environment, dashboard in dashboards.items()})
