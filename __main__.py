"""Composition root: load the stack config, build the organization, then each account's parts."""

import pulumi

import config
from org.organization import Organization
from org.providers import management_provider, member_provider

settings = config.load()

management = management_provider(settings)
organization = Organization("organization", settings, opts=pulumi.ResourceOptions(providers=[management]))
providers = {
    name: member_provider(settings, name, account_id) for name, account_id in organization.account_ids.items()
}

pulumi.export("organization_id", organization.organization.id)
pulumi.export("root_id", organization.root_id)
pulumi.export("account_ids", organization.account_ids)
