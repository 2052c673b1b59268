"""Direct Connect into the hub: a Direct Connect gateway associated with the Transit Gateway (advertising only
the allowed prefixes), a transit virtual interface on the existing connection, and the on-premises routes."""

from __future__ import annotations

import re

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.transit_hub import TransitHub
from config.routing import ON_PREMISES, RoutingPlan
from config.transit import DirectConnectConfig

LARGEST_SHORT_ASN = 2147483646  # above it the provider wants the ASN as a string (bgp_asn_long)


class DirectConnect(pulumi.ComponentResource):
    """Place it with the hub account's provider."""

    def __init__(self, name: str, spec: DirectConnectConfig, home: Home, *, hub: TransitHub, plan: RoutingPlan,
                 opts: pulumi.ResourceOptions | None = None):
        """`home` is the hub account, where the gateway's association lives."""
        production = home.production
        super().__init__("landing-zone:network:DirectConnect", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        kept = pulumi.ResourceOptions(parent=self, protect=production)  # re-provisioning needs the DX partner
        self.gateway = aws.directconnect.Gateway(
            name, name=home.name("dx"), amazon_side_asn=str(spec.amazon_side_asn), opts=kept,
        )
        self.association = aws.directconnect.GatewayAssociation(
            f"{name}-hub", dx_gateway_id=self.gateway.id, associated_gateway_id=hub.transit_gateway.id,
            allowed_prefixes=list(spec.allowed_prefixes), opts=child,
        )
        short_asn = spec.customer_asn <= LARGEST_SHORT_ASN
        self.virtual_interface = aws.directconnect.TransitVirtualInterface(
            f"{name}-vif",
            name=home.name("dx-transit"),
            connection_id=spec.connection_id,
            dx_gateway_id=self.gateway.id,
            vlan=spec.vlan,
            address_family="ipv4",
            mtu=spec.mtu,
            amazon_address=spec.amazon_address,
            customer_address=spec.customer_address,
            bgp_asn=spec.customer_asn if short_asn else None,
            bgp_asn_long=None if short_asn else str(spec.customer_asn),
            tags={"Name": home.name("dx-transit")},
            opts=kept,
        )
        # AWS creates the gateway's attachment to the hub with the association; it joins only the on-premises table.
        attachment_id = self.association.transit_gateway_attachment_id
        aws.ec2transitgateway.RouteTableAssociation(
            f"{name}-association", transit_gateway_attachment_id=attachment_id,
            transit_gateway_route_table_id=hub.route_tables[ON_PREMISES].id, opts=child,
        )
        for table, prefixes in plan.on_premises_routes.items():
            for prefix in prefixes:
                aws.ec2transitgateway.Route(
                    f"{name}-{table}-{re.sub(r'[^0-9]+', '-', prefix)}", destination_cidr_block=prefix,
                    transit_gateway_attachment_id=attachment_id,
                    transit_gateway_route_table_id=hub.route_tables[table].id, opts=child,
                )
        self.register_outputs({"gateway_id": self.gateway.id, "virtual_interface_id": self.virtual_interface.id})
