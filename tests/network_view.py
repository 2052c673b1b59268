"""The network tests' conveniences over a run (tests/run_view.py): the VPC of an account, its subnets by tier,
route tables and routes; the resource types they look at; variants of the dev stack with more accounts."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from preview.mocks import Registration
from tests.run_view import RunView
from tests.stackfiles import base_config
from tests.variants import Variant

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
NACL = "aws:ec2/networkAcl:NetworkAcl"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
TGW = "aws:ec2transitgateway/transitGateway:TransitGateway"
TGW_ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
TGW_ACCEPTER = "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter"
TGW_ROUTE_TABLE = "aws:ec2transitgateway/routeTable:RouteTable"
TGW_ASSOCIATION = "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation"
TGW_PROPAGATION = "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation"
TGW_ROUTE = "aws:ec2transitgateway/route:Route"


def vpc_of(view: RunView, account: str) -> Registration:
    (vpc,) = view.of(VPC, account)
    return vpc


def in_vpc(view: RunView, token: str, account: str) -> list[Registration]:
    """Resources of type `token` in the account's VPC (those whose `vpcId` names it)."""
    vpc_id = vpc_of(view, account).id
    return [r for r in view.of(token, account) if r.inputs.get("vpcId") == vpc_id]


def subnets_of(view: RunView, account: str, tier: str) -> list[Registration]:
    return [s for s in in_vpc(view, SUBNET, account) if s.inputs["tags"]["Tier"] == tier]


def route_table_of(view: RunView, subnet: Registration) -> Registration:
    (association,) = [a for a in view.of(ASSOCIATION) if a.inputs.get("subnetId") == subnet.id]
    return view.ref(association, "routeTableId")


def routes_of(view: RunView, table: Registration) -> Iterator[Registration]:
    return (r for r in view.of(ROUTE) if r.inputs.get("routeTableId") == table.id)


def many_accounts(count: int, interleaved: bool = False) -> dict[str, Any]:
    """A patch of the dev stack with `count` more service accounts, dev-like and production ones from separate
    ranges (or interleaved, which cannot summarize)."""
    config = base_config("dev")
    accounts = copy.deepcopy(config["landing-zone:accounts"])
    vpcs = copy.deepcopy(config["landing-zone:network"]["vpcs"])
    for index in range(count):
        name = f"svc{index:03d}"
        accounts.append({"name": name, "email": f"aws-sandbox+{name}@shop.example", "ou": "workloads"})
        production = index % 2 == 1 if interleaved else index >= count // 2
        vpcs[name] = {"cidr": f"10.{100 + index}.0.0/16", "segment": "prod" if production else "dev",
                      "interface_endpoints": []}
    return {"landing-zone:accounts": accounts, "landing-zone:network": {"vpcs": vpcs}}


# Direct Connect in the sandbox, reaching dev, with a router ASN above 2147483646.
SANDBOX_DIRECT_CONNECT = {"on_premises": {"prefixes": ["172.17.0.0/16"], "reach": ["dev"]},
                          "direct_connect": {"connection_id": "dxcon-sandbox01", "vlan": 200, "customer_asn": 4200000001,
                                             "allowed_prefixes": ["10.11.0.0/16"]}}


def _with_direct_connect(patch: dict[str, Any]) -> dict[str, Any]:
    patch["landing-zone:network"] |= SANDBOX_DIRECT_CONNECT
    return patch


# The dev stack with two more service accounts and Direct Connect: the `sandbox_direct_connect` fixture runs it once.
SANDBOX_WITH_DIRECT_CONNECT = Variant("dev", patch=_with_direct_connect(many_accounts(2)))
