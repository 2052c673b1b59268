"""VPC endpoints: S3 and DynamoDB gateways on the private route tables, interface endpoints in the app subnets
behind a security group that admits only the VPC's own CIDR on 443."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.security_groups import Cidr, SecurityGroup, tcp
from config.endpoints import GATEWAY_SERVICES


def gateway_endpoints(name: str, vpc_id: pulumi.Input[str], region: str, *, route_table_ids: Sequence[pulumi.Input[str]],
                      name_of: str, parent: pulumi.Resource) -> dict[str, aws.ec2.VpcEndpoint]:
    return {
        service: aws.ec2.VpcEndpoint(
            f"{name}-{service}-endpoint",
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{region}.{service}",
            vpc_endpoint_type="Gateway",
            route_table_ids=list(route_table_ids),
            tags={"Name": f"{name_of}-{service}"},
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for service in GATEWAY_SERVICES
    }


def interface_endpoints(name: str, vpc_id: pulumi.Input[str], region: str, *, services: Sequence[str], vpc_cidr: str,
                        subnet_ids: Sequence[pulumi.Input[str]], name_of: str,
                        parent: pulumi.Resource) -> tuple[SecurityGroup | None, dict[str, aws.ec2.VpcEndpoint]]:
    """The endpoints' security group (443 from the VPC only, no egress) and one endpoint per service."""
    if not services:
        return None, {}
    group = SecurityGroup(f"{name}-endpoints-sg", vpc_id=vpc_id, group_name=f"{name_of}-endpoints",
                          description="Interface endpoints: HTTPS from inside the VPC only",
                          opts=pulumi.ResourceOptions(parent=parent))
    group.allow_from(Cidr(vpc_cidr), tcp(443), "HTTPS from the VPC to AWS service endpoints")
    endpoints = {
        service: aws.ec2.VpcEndpoint(
            f"{name}-{service.replace('.', '-')}-endpoint",
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{region}.{service}",
            vpc_endpoint_type="Interface",
            private_dns_enabled=True,
            subnet_ids=list(subnet_ids),
            security_group_ids=[group.id],
            tags={"Name": f"{name_of}-{service}"},
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for service in services
    }
    return group, endpoints
