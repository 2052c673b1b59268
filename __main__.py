"""Composition root: load the stack config, build the organization, then each account's parts."""

import pulumi

import config
from components.alert_topics import AlertTopics
from components.email.service import EmailService
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

pulumi.export("organization_id", organization.organization.id)
pulumi.export("root_id", organization.root_id)
pulumi.export("account_ids", organization.account_ids)

# --- Services (issue #7): SES e-mail, the curation service and the web service per workload account ----------
emails = {
    name: EmailService(f"{name}-email", services.email, org=org_name, account=name,
                       region=settings.organization.region, events_topic_arn=alerts[name].warning.arn, opts=on(name))
    for name, services in settings.services.items() if services.email.enabled
}
