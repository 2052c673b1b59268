"""One VPC on the transit hub: attached in its app subnets (one per AZ) from its own account, accepted,
associated with its segment's route table and propagated where the plan allows, in the hub account; and the
VPC's app route tables send to the hub only the destinations the plan lets it reach."""

from __future__ import annotations

import re

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.transit_hub import TransitHub
from components.vpc import Vpc
from config.routing import Spoke


class HubAttachment(pulumi.ComponentResource):
    """Place it with the VPC account's provider; `hub_provider` is the hub account's, for the hub-side resources."""

    def __init__(self, name: str, spoke: Spoke, home: Home, *, vpc: Vpc, hub: TransitHub,
                 hub_provider: pulumi.ProviderResource, opts: pulumi.ResourceOptions | None = None):
        """`spoke` is the VPC's place in the routing plan; `home` the VPC's account."""
        super().__init__("landing-zone:network:HubAttachment", name, None, opts)
        same_account = spoke.account == hub.account
        label = home.name("hub")
        tags = {"Name": label, "Segment": spoke.segment}
        # A RAM-shared gateway's default-table flags can only be set on the accepter, in the hub account.
        own_flags = {"transit_gateway_default_route_table_association": False,
                     "transit_gateway_default_route_table_propagation": False}
        self.attachment = aws.ec2transitgateway.VpcAttachment(
            name,
            transit_gateway_id=hub.transit_gateway.id,
            vpc_id=vpc.vpc_id,
            subnet_ids=vpc.subnet_ids("app"),
            dns_support="enable",
            tags=tags,
            **(own_flags if same_account else {}),
            opts=pulumi.ResourceOptions(parent=self, depends_on=hub.shared),
        )
        hub_side = pulumi.ResourceOptions(parent=self, provider=hub_provider)
        ready: pulumi.Resource = self.attachment
        attachment_id: pulumi.Output[str] = self.attachment.id
        if not same_account:
            accepter = aws.ec2transitgateway.VpcAttachmentAccepter(
                f"{name}-accept", transit_gateway_attachment_id=self.attachment.id, tags=tags, **own_flags,
                opts=hub_side,
            )
            ready, attachment_id = accepter, accepter.transit_gateway_attachment_id
        self.attachment_id = attachment_id

        aws.ec2transitgateway.RouteTableAssociation(
            f"{name}-association", transit_gateway_attachment_id=attachment_id,
            transit_gateway_route_table_id=hub.route_tables[spoke.segment].id, opts=hub_side,
        )
        for table in spoke.propagate_to:
            aws.ec2transitgateway.RouteTablePropagation(
                f"{name}-propagates-to-{table}", transit_gateway_attachment_id=attachment_id,
                transit_gateway_route_table_id=hub.route_tables[table].id, opts=hub_side,
            )
        after_acceptance = pulumi.ResourceOptions(parent=self, depends_on=[ready])
        for zone, table in zip(vpc.zones, vpc.route_tables["app"], strict=True):
            for destination in spoke.destinations:
                aws.ec2.Route(f"{name}-{zone}-{_key(destination)}", route_table_id=table.id,
                              destination_cidr_block=destination, transit_gateway_id=hub.transit_gateway.id,
                              opts=after_acceptance)
        self.register_outputs({"attachment_id": attachment_id, "destinations": list(spoke.destinations)})


def _key(cidr: str) -> str:
    return re.sub(r"[^0-9]+", "-", cidr)
