"""Queries over one offline run for the network tests: resources per account, and references followed by id."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from config.loader import validate
from config.stack import StackConfig
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run
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


class NetworkView:
    def __init__(self, run: Run):
        self.run = run
        self.inventory = Inventory(run)
        self.by_id = {r.id: r for r in run.registrations if r.custom and r.id}

    @cached_property
    def config(self) -> StackConfig:
        sections = {f"landing-zone:{name}" for name in StackConfig.model_fields}
        return validate({key.split(":", 1)[1]: json.loads(value) for key, value in self.run.config.items()
                         if key in sections})

    def account(self, registration: Registration) -> str | None:
        return self.inventory.account(registration)

    def of(self, token: str, account: str | None = None) -> list[Registration]:
        return [r for r in self.run.of_type(token) if account is None or self.account(r) == account]

    def ref(self, registration: Registration, key: str) -> Registration:
        """The resource whose id `registration.inputs[key]` holds."""
        return self.by_id[registration.inputs[key]]

    def vpc(self, account: str) -> Registration:
        (vpc,) = self.of(VPC, account)
        return vpc

    def in_vpc(self, token: str, account: str) -> list[Registration]:
        vpc_id = self.vpc(account).id
        return [r for r in self.of(token, account) if r.inputs.get("vpcId") == vpc_id]

    def subnets(self, account: str, tier: str) -> list[Registration]:
        return [s for s in self.in_vpc(SUBNET, account) if s.inputs["tags"]["Tier"] == tier]

    def route_table_of(self, subnet: Registration) -> Registration:
        (association,) = [a for a in self.run.of_type(ASSOCIATION) if a.inputs.get("subnetId") == subnet.id]
        return self.ref(association, "routeTableId")

    def routes(self, table: Registration) -> Iterator[Registration]:
        return (r for r in self.run.of_type(ROUTE) if r.inputs.get("routeTableId") == table.id)

    def children(self, parent: Registration, token: str) -> list[Registration]:
        return [r for r in self.run.of_type(token) if r.parent == parent.urn]


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
