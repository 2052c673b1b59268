"""Composition root: load the stack config, build the organization, then each account's parts."""

import pulumi
import pulumi_slack

import config
from components.alert_topics import AlertTopics
from components.audit_archive import AuditArchive
from components.cis_alarms import CisAlarms
from components.curation import Curation
from components.data.lake import lake_bucket_name
from components.data.tier import DataTier
from components.direct_connect import DirectConnect
from components.email.service import EmailService
from components.home import Home
from components.hub_attachment import HubAttachment
from components.identity.access_roles import AccessRoles
from components.identity.people import People
from components.identity.pipeline import DeployRole, PipelineAccess
from components.monitoring import (
    AlertSubscriptions,
    DatadogIntegration,
    EmailSubscriptions,
    Monitor,
    NotifierSecrets,
    ObservabilityLink,
    ObservabilitySink,
    SecurityFindings,
    SlackChannels,
    SlackNotifier,
)
from components.organization_trail import OrganizationTrail
from components.root_activity import GLOBAL_EVENTS_REGION, RootActivityAlerts
from components.service_quotas import TEMPLATE_REGION, QuotaRequests
from components.transit_hub import TransitHub, organization_sharing_ready
from components.vpc import Vpc
from components.web.access import app_access
from components.web.service import WebService
from config.monitoring import SLACK_BOT_TOKEN, SLACK_PROVIDER_TOKEN, environments_of
from config.routing import routing_plan
from config.secrets import read_secret
from config.security_hub import DISABLED_CONTROLS_OUTPUT
from org.baseline import SecurityBaseline
from org.default_vpc import DefaultVpcLockdown
from org.organization import Organization
from org.providers import backup_copy_provider, management_provider, management_region_provider, member_provider
from org.regional_baseline import RegionalBaseline
from org.security_services import SecurityServices
from org.service_control_policies import ServiceControlPolicies

settings = config.load()
org_name, region = settings.organization.name, settings.organization.region

# --- The organization, one provider per account, and the account each part lives in ------------------------------
management = management_provider(settings)
organization = Organization("organization", settings,
                            template_provider=management_region_provider(settings, TEMPLATE_REGION),
                            opts=pulumi.ResourceOptions(providers=[management]))
account_ids: dict[str, pulumi.Input[str]] = {config.MANAGEMENT: settings.organization.management_account_id}
account_ids |= organization.account_ids
homes = {name: Home(org=org_name, account=name, account_id=account_id, region=region, production=settings.production)
         for name, account_id in account_ids.items()}
providers = {config.MANAGEMENT: management} | {name: member_provider(settings, homes[name]) for name in organization.account_ids}
home = homes[config.MANAGEMENT]


def on(account: str) -> pulumi.ResourceOptions:
    """Options that place a component, and everything in it, in `account`."""
    return pulumi.ResourceOptions(providers=[providers[account]])


# --- Service quotas: what each account requests itself (the organization's template covers the accounts it creates) -
quota_requests = {name: QuotaRequests(f"{name}-quotas", requests, home=homes[name], opts=on(name))
                  for name in providers if (requests := settings.quota_requests(name))}

# --- Alert topics in every account: alarms and rules publish here, the Slack notifier subscribes --------------
alerts = {name: AlertTopics(f"{name}-alerts", homes[name], organization_id=organization.organization.id, opts=on(name))
          for name in providers}

# --- Guardrails: SCPs, organization-wide security services, audit trail, CIS alarms, baselines --------
scps = ServiceControlPolicies(
    "guardrails", settings.guardrails, home=home, deploy_roles=settings.deploy_roles, organization=organization.organization,
    target_ids={"root": organization.root_id} | {ou: unit.id for ou, unit in organization.units.items()},
    opts=on(config.MANAGEMENT))
# The delegated administrator of GuardDuty, Security Hub and Access Analyzer: config's choice, by default `ops`.
security_admin = settings.baseline.admin_account
security = SecurityServices("security-services", settings.baseline, home=home, admin=homes[security_admin],
                            admin_provider=providers[security_admin], linked_regions=settings.other_regions,
                            organization=organization, opts=on(config.MANAGEMENT))
pulumi.export(DISABLED_CONTROLS_OUTPUT, settings.baseline.security_hub.reasons)
audit_account = settings.baseline.audit_account
archive = AuditArchive("audit-archive", settings.baseline, home=homes[audit_account],
                       management_account_id=settings.organization.management_account_id,
                       organization_id=organization.organization.id, opts=on(audit_account))
trail = OrganizationTrail(
    "organization-trail", settings.baseline, home=home, bucket_name=archive.bucket.bucket,
    key_arn=archive.key.arn, ready=[*archive.trail_ready, organization.organization],
    # Primary data's object-level reads and writes (landing-zone:data.<account>.lake.object_logging).
    data_event_buckets=[lake_bucket_name(homes[name]) for name in settings.lakes_with_data_events],
    opts=on(config.MANAGEMENT))
cis_alarms = CisAlarms("cis-alarms", home, log_group_name=trail.log_group.name,
                       topic_arn=alerts[config.MANAGEMENT].security.arn, opts=on(config.MANAGEMENT))
analyzer_after: dict[str, list[pulumi.Resource]] = {config.MANAGEMENT: [organization.organization],
                                                    security_admin: [security.access_analyzer_delegation]}
baselines = {name: SecurityBaseline(f"{name}-baseline", settings.baseline, home=homes[name],
                                    delivery=archive.config_delivery, organization_analyzer=name in analyzer_after,
                                    analyzer_after=analyzer_after.get(name, []), opts=on(name))
             for name in providers}
# Every allowed region of every account: its default VPC closed; outside the home region, the regional baseline.
for name in providers:
    for place in [region, *settings.other_regions]:
        DefaultVpcLockdown(f"{name}-default-vpc-{place}", homes[name], place=place,
                           flow_log_destination=archive.flow_log_destination, ready=[archive.bucket_policy], opts=on(name))
    for place in settings.other_regions:
        RegionalBaseline(f"{name}-baseline-{place}", homes[name], region=place,
                         config_role_arn=baselines[name].config_role_arn, delivery=archive.config_delivery, opts=on(name))

# --- Monitoring: observability links, Slack alerting, and the monitor the parts below watch themselves with --------
monitoring = settings.monitoring
monitoring_account = monitoring.account
environments = environments_of(monitoring, settings.organization, settings.accounts)
monitor = Monitor(monitoring, homes[monitoring_account], environments=environments, alerts=alerts, providers=providers,
                  homes=homes)
observability = ObservabilitySink("observability", homes[monitoring_account], organization_id=organization.organization.id,
                                  opts=on(monitoring_account))
observability_links = {name: ObservabilityLink(f"{name}-observability-link", observability, opts=on(name))
                       for name in providers if name != monitoring_account}
if monitoring.slack.enabled:
    # An explicit provider, its token from the stack secret landing-zone:slack_provider_token (not slack:token).
    slack_provider = pulumi_slack.Provider("slack", token=read_secret(SLACK_PROVIDER_TOKEN))
    slack_channels = SlackChannels("slack", monitoring.slack, environments=list(environments),
                                   opts=pulumi.ResourceOptions(providers=[slack_provider]))
    notifier_secrets = NotifierSecrets("slack-notifier", homes[monitoring_account],
                                       bot_token=read_secret(SLACK_BOT_TOKEN), opts=on(monitoring_account))
    for environment, members in environments.items():
        notifier = SlackNotifier(f"{environment}-slack-notifier", monitoring.notifier, home=homes[monitoring_account],
                                 environment=environment, secrets=notifier_secrets,
                                 channel_ids=slack_channels.ids[environment],
                                 topics={name: alerts[name] for name in members}, monitor=monitor,
                                 opts=on(monitoring_account))
        for name in members:
            AlertSubscriptions(f"{name}-alerts-to-slack", alerts[name], function_arn=notifier.function_arn,
                               opts=pulumi.ResourceOptions.merge(on(name), pulumi.ResourceOptions(depends_on=[notifier])))
if monitoring.email.addresses:
    for name in providers:
        EmailSubscriptions(f"{name}-alerts-by-email", alerts[name], addresses=monitoring.email.addresses,
                           severities=monitoring.email.severities, opts=on(name))
if monitoring.findings.enabled:
    # GuardDuty and Security Hub findings of every account and region gather in the delegated administrator.
    SecurityFindings("security-findings", monitoring.findings, home=homes[security_admin],
                     security_topic_arn=alerts[security_admin].security.arn, opts=on(security_admin))
if monitoring.datadog.enabled:
    datadog = {name: DatadogIntegration(f"{name}-datadog", monitoring.datadog, external_id=external_id, opts=on(name))
               for name, external_id in monitoring.datadog.external_ids.items()}

# --- Identity: roles in member accounts, people in management, keyless deploys, root fast path -------
identity = settings.identity
access_roles = {name: AccessRoles(f"{name}-access-roles", identity, home=homes[name],
                                  management_account_id=settings.organization.management_account_id,
                                  member_accounts=settings.account_names, opts=on(name))
                for name in settings.account_names}
people = People("people", identity, home=home,
                role_arns={(name, key): arn for name, roles in access_roles.items() for key, arn in roles.arns.items()},
                member_accounts=settings.account_names, opts=on(config.MANAGEMENT))
if identity.oidc is not None:
    pipeline = PipelineAccess("pipeline", identity.oidc, home=homes[identity.deploy.pipeline_account],
                              deploy_targets=[homes[name] for name in identity.deploy.accounts],
                              opts=on(identity.deploy.pipeline_account))
    for name in identity.deploy.accounts:
        DeployRole(f"{name}-deploy", identity, home=homes[name], pipeline_role_arn=pipeline.role.arn, opts=on(name))
    pulumi.export("pipeline_role_arn", pipeline.role.arn)

# Sign-in and IAM events land in us-east-1: a twin rule there forwards them home where the stack may deploy there;
# where it may not (prod members), the organization trail's CIS root-usage alarm is the path for those events.
for name in providers:
    RootActivityAlerts(f"{name}-root-activity", homes[name], security_topic_arn=alerts[name].security.arn,
                       forward_global_events=settings.may_deploy_in(name, GLOBAL_EVENTS_REGION), opts=on(name))
pulumi.export("role_arns", {name: roles.arns for name, roles in access_roles.items()})
pulumi.export("initial_console_passwords", pulumi.Output.secret(people.initial_passwords))

pulumi.export("organization_id", organization.organization.id)
pulumi.export("root_id", organization.root_id)
pulumi.export("account_ids", organization.account_ids)

# --- Network: a VPC in every account that has one in network.vpcs ---------------------------------
routing = routing_plan(settings.network)
vpcs = {
    name: Vpc(f"{name}-vpc", spec, home=homes[name], network=settings.network, zones=settings.zones_of_vpc(name),
              peers=routing.peers(name), monitor=monitor, opts=on(name))
    for name, spec in settings.network.vpcs.items()
}
pulumi.export("vpc_ids", {name: vpc.vpc_id for name, vpc in vpcs.items()})

# --- Transit hub: shared to the organization, every VPC attached, Direct Connect when configured ----
if settings.network.transit_gateway is not None and routing.hub_account is not None:
    ram_ready = organization_sharing_ready(organization.organization, on(config.MANAGEMENT))
    hub = TransitHub("transit-hub", settings.network.transit_gateway, home=homes[routing.hub_account], plan=routing,
                     organization_arn=organization.organization.arn, organization_sharing=[ram_ready],
                     opts=on(routing.hub_account))
    hub_attachments = {name: HubAttachment(f"{name}-hub-attachment", routing.spokes[name], home=homes[name], vpc=vpc, hub=hub,
                                           hub_provider=providers[routing.hub_account], opts=on(name))
                       for name, vpc in vpcs.items()}
    if settings.network.direct_connect is not None:
        DirectConnect("direct-connect", settings.network.direct_connect, home=homes[routing.hub_account], hub=hub,
                      plan=routing, opts=on(routing.hub_account))
    pulumi.export("transit_gateway_id", hub.transit_gateway.id)

# --- Data tier: keys, Aurora, OpenSearch, Kinesis to the lake, AWS Backup per workload account -------
data_tiers = {
    name: DataTier(
        f"{name}-data", data_spec, home=homes[name], vpc=vpcs[name], admin_role=settings.account(name).role_name,
        monitor=monitor, copy_provider=backup_copy_provider(settings, homes[name]), opts=on(name))
    for name, data_spec in settings.data.items()
}
pulumi.export("data", {name: {"reader_endpoint": tier.database.reader_endpoint if tier.database else None,
                              "search_endpoint": tier.search.endpoint if tier.search else None,
                              "stream_name": tier.stream.stream_name if tier.stream else None}
                       for name, tier in data_tiers.items()})

# --- Services: SES e-mail, the curation service and the web service per workload account ----------
emails = {name: EmailService(f"{name}-email", services.email, home=homes[name], events_topic_arn=alerts[name].warning.arn,
                             monitor=monitor, opts=on(name))
          for name, services in settings.services.items() if services.email.enabled}
curations = {name: Curation(f"{name}-curation", services.curation, home=homes[name], data=data_tiers[name], monitor=monitor,
                            opts=on(name))
             for name, services in settings.services.items() if services.curation.enabled}
webs = {
    name: WebService(
        f"{name}-web", services.web, home=homes[name], vpc=vpcs[name], app_role=settings.app_role(name), monitor=monitor,
        access=app_access(services.web.search, region=region, data=data_tiers.get(name), email=emails.get(name),
                          curation=curations.get(name)),
        opts=on(name))
    for name, services in settings.services.items() if services.web.enabled
}
pulumi.export("services", {
    name: {"web_endpoint": webs[name].endpoint_url if name in webs else None,
           "recommendations_url": curations[name].api_url if name in curations else None,
           "email_configuration_set": emails[name].configuration_set_name if name in emails else None}
    for name in settings.services
})

# --- Dashboards: one per environment, of what the parts above watched ------------------------------------------
dashboards = monitor.render_dashboards()
pulumi.export("dashboards", {environment: dashboard.dashboard.dashboard_name for environment, dashboard in dashboards.items()})
