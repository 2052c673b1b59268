"""Composition root: load the stack config, build the organization, then each account's parts."""

import pulumi

import config
from components.alert_topics import AlertTopics
from components.email.service import EmailService
from components.identity.access_roles import AccessRoles
from components.identity.people import People
from components.identity.pipeline import DeployRole, PipelineAccess
from components.policy_document import Statement
from components.root_activity import RootActivityAlerts
from components.vpc import Vpc
from components.web.service import WebService
from config.routing import routing_plan
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

# --- Identity (issue 5): roles in member accounts, people in management, keyless deploys, root fast path -------
identity = settings.identity
access_roles = {
    name: AccessRoles(f"{name}-access-roles", org_name, name, account_ids[name],
                      settings.organization.management_account_id, settings.organization.region, identity,
                      settings.account_names, opts=on(name))
    for name in settings.account_names
}
people = People("people", org_name, identity, settings.organization.management_account_id, settings.organization.region,
                {(name, key): arn for name, roles in access_roles.items() for key, arn in roles.arns.items()},
                settings.account_names, opts=on(config.MANAGEMENT))
if identity.oidc is not None:
    pipeline = PipelineAccess("pipeline", org_name, identity.deploy.pipeline_account, identity.oidc,
                              {name: account_ids[name] for name in identity.deploy.accounts},
                              opts=on(identity.deploy.pipeline_account))
    for name in identity.deploy.accounts:
        DeployRole(f"{name}-deploy", org_name, name, account_ids[name], settings.organization.region, identity.deploy,
                   identity.developer_boundary.role_path, pipeline.role.arn, opts=on(name))
    pulumi.export("pipeline_role_arn", pipeline.role.arn)
# Every account, management included; a us-east-1 twin rule forwards global sign-in and IAM events to the home region.
for name in providers:
    RootActivityAlerts(f"{name}-root-activity", org_name, name, account_ids[name], settings.organization.region,
                       alerts[name].security.arn, opts=on(name))
pulumi.export("role_arns", {name: roles.arns for name, roles in access_roles.items()})
pulumi.export("initial_console_passwords", pulumi.Output.secret(people.initial_passwords))

pulumi.export("organization_id", organization.organization.id)
pulumi.export("root_id", organization.root_id)
pulumi.export("account_ids", organization.account_ids)

# --- Network (issue #4): a VPC in every account that has one in network.vpcs ---------------------------------
routing = routing_plan(settings.network)
vpcs = {
    name: Vpc(f"{name}-vpc", spec, settings.network, org=org_name, account=name, account_id=account_ids[name],
              region=settings.organization.region, zones=settings.zones_of_vpc(name), peers=routing.peers(name),
              production=settings.production, opts=on(name))
    for name, spec in settings.network.vpcs.items()
}
pulumi.export("vpc_ids", {name: vpc.vpc_id for name, vpc in vpcs.items()})

# --- Services (issue #7): SES e-mail, the curation service and the web service per workload account ----------
emails = {
    name: EmailService(f"{name}-email", services.email, org=org_name, account=name,
                       region=settings.organization.region, events_topic_arn=alerts[name].warning.arn, opts=on(name))
    for name, services in settings.services.items() if services.email.enabled
}


def web_access(account: str) -> tuple[list[Statement], dict[str, pulumi.Input[str]]]:
    """What the account's web app may do (only other components' grants) and the names it is told (no secrets)."""
    statements: list[Statement] = []
    environment: dict[str, pulumi.Input[str]] = {"AWS_REGION": settings.organization.region}
    if account in emails:
        statements += emails[account].grant_send_templated_email()
        environment |= emails[account].app_environment()
    return statements, environment | settings.services[account].web.variables


webs: dict[str, WebService] = {}
for name, services in settings.services.items():
    if not services.web.enabled:
        continue
    groups = settings.network.groups_of(name)
    app_statements, app_environment = web_access(name)
    webs[name] = WebService(
        f"{name}-web", services.web, org=org_name, account=name,
        vpc_id=vpcs[name].vpc_id, instance_subnet_ids=vpcs[name].subnet_ids("app"),
        load_balancer_subnet_ids=vpcs[name].subnet_ids("public"),
        instance_group=vpcs[name].security_groups[services.web.instance_security_group],
        load_balancer_group=vpcs[name].security_groups[services.web.load_balancer_group(groups)],
        open_proxy_port=not services.web.proxy_port_open(groups),
        app_statements=app_statements, environment=app_environment, opts=on(name),
    )
pulumi.export("web_endpoints", {name: web.endpoint_url for name, web in webs.items()})
