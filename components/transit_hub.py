"""The transit hub in the network account: a Transit Gateway that accepts nothing by itself, shared to the
organization through RAM, with one route table per segment (and one for on-premises when Direct Connect is on)."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.waits import wait_for
from config.routing import RoutingPlan
from config.transit import TransitGatewayConfig


class TransitHub(pulumi.ComponentResource):
    """`route_tables[segment]` holds each segment's table; `shared` is what member attachments must wait for."""

    def __init__(self, name: str, spec: TransitGatewayConfig, home: Home, *, plan: RoutingPlan,
                 organization_arn: pulumi.Input[str], organization_sharing: Sequence[pulumi.Resource] = (),
                 opts: pulumi.ResourceOptions | None = None):
        """`home` is the hub account (network.transit_gateway.account); `organization_sharing` what RAM's sharing
        with the organization waits for."""
        super().__init__("landing-zone:network:TransitHub", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        production = home.production
        self.account = home.account
        base_name = home.name("hub")
        self.transit_gateway = aws.ec2transitgateway.TransitGateway(
            name,
            description=spec.description,
            amazon_side_asn=spec.amazon_side_asn,
            # Nothing joins or routes by default: every attachment is accepted, associated and propagated on purpose.
            auto_accept_shared_attachments="disable",
            default_route_table_association="disable",
            default_route_table_propagation="disable",
            dns_support="enable",
            vpn_ecmp_support="enable",
            tags={"Name": base_name},
            # Replacing the hub would cut every VPC and on-premises off at once.
            opts=pulumi.ResourceOptions(parent=self, protect=production),
        )
        self.share = aws.ram.ResourceShare(
            f"{name}-share",
            name=home.name("transit-gateway"),
            allow_external_principals=False,
            tags={"Name": home.name("transit-gateway")},
            opts=child,
        )
        shared_resource = aws.ram.ResourceAssociation(f"{name}-share-tgw", resource_arn=self.transit_gateway.arn,
                                                      resource_share_arn=self.share.arn, opts=child)
        shared_principal = aws.ram.PrincipalAssociation(
            f"{name}-share-organization", principal=organization_arn, resource_share_arn=self.share.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(organization_sharing)),
        )
        # Member accounts see the shared gateway only some time after both associations report success.
        self.shared: list[pulumi.Resource] = [
            wait_for(f"{name}-share-ready", "ram-share", after=[shared_resource, shared_principal], opts=child)]
        self.route_tables: dict[str, aws.ec2transitgateway.RouteTable] = {
            table: aws.ec2transitgateway.RouteTable(
                f"{name}-{table}",
                transit_gateway_id=self.transit_gateway.id,
                tags={"Name": f"{base_name}-{table}", "Segment": table},
                opts=child,
            )
            for table in plan.route_tables
        }
        self.register_outputs({
            "transit_gateway_id": self.transit_gateway.id,
            "route_table_ids": {table: rt.id for table, rt in self.route_tables.items()},
            "share_arn": self.share.arn,
        })


def organization_sharing_ready(organization: pulumi.Resource, opts: pulumi.ResourceOptions) -> pulumi.Resource:
    """RAM's sharing with the organization, switched on in the management account (`opts` places it there) once the
    organization exists, and the wait for RAM's onboarding to it: what the hub's organization-wide share waits for."""
    sharing = aws.ram.SharingWithOrganization(
        "ram-sharing-with-organization",
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[organization])))
    return wait_for("ram-sharing-ready", "ram-organization-sharing", after=[sharing])
