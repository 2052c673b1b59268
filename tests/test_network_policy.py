"""The network policy rules: each holds on both stacks' real inventories and catches a violating variant."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from policy import rules
from preview.inventory import Inventory
from tests.rule_resources import changed, resource, urn_of

NETWORK_RULES = ("security-group-internet-ingress", "nacl-admin-ports-closed", "vpc-flow-logs",
                 "private-subnet-nat-same-az", "nat-gateway-per-az", "transit-segments-isolated")
Resources = list[rules.Resource]


def _violations(resources: Resources, rule: str) -> list[rules.Violation]:
    """The violations of one stack rule (run alone: the others have their own tests)."""
    (found,) = [r for r in rules.STACK_RULES if r.name == rule]
    return [rules.Violation(rule, urn, found.level, message) for urn, message in found.check(resources)]


def _find(resources: Resources, type_suffix: str, name: str) -> rules.Resource:
    (found,) = [r for r in resources if r.type.endswith(type_suffix) and r.name == name]
    return found


@pytest.mark.parametrize("rule", NETWORK_RULES)
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_rule_holds_on_the_real_stack(inventories: dict[str, Inventory], stack: str, rule: str) -> None:
    assert rule in {r.name for r in rules.STACK_RULES}
    assert _violations(inventories[stack].policy_resources(), rule) == []


@pytest.fixture
def prod_resources(inventories: dict[str, Inventory]) -> Resources:
    return inventories["prod"].policy_resources()


INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def _ingress(name: str, parent: rules.Resource, cidr: str, port: int, protocol: str = "tcp") -> rules.Resource:
    return resource(INGRESS, name, {"cidrIpv4": cidr, "fromPort": port, "toPort": port, "ipProtocol": protocol},
                    parent=parent, sources={"securityGroupId": [parent]})


def test_internet_ingress_only_into_public_groups_on_web_ports(prod_resources: Resources) -> None:
    lb = _find(prod_resources, ":SecurityGroup", "ops-vpc-load-balancer-sg")
    app = _find(prod_resources, ":SecurityGroup", "ops-vpc-app-sg")
    rule = "security-group-internet-ingress"
    assert _violations([*prod_resources, _ingress("lb-https", lb, "0.0.0.0/0", 443)], rule) == []
    ssh = _violations([*prod_resources, _ingress("lb-ssh", lb, "0.0.0.0/0", 22)], rule)
    assert [v.urn for v in ssh] == [urn_of(INGRESS, "lb-ssh")] and "on tcp 22-22" in ssh[0].message
    assert len(_violations([*prod_resources, _ingress("app-https", app, "0.0.0.0/0", 443)], rule)) == 1
    assert len(_violations([*prod_resources, _ingress("lb-all", lb, "0.0.0.0/0", -1, "-1")], rule)) == 1
    unparented = dataclasses.replace(_ingress("loose", lb, "::/0", 443), parent=None, property_dependencies={})
    assert len(_violations([*prod_resources, unparented], rule)) == 1  # no group to vouch for it
    inline = dataclasses.replace(app, inputs={**app.inputs, "ingress": [
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]})
    assert len(_violations(changed(prod_resources, app, inputs=inline.inputs), rule)) == 1
    flagged = dataclasses.replace(lb, inputs={**lb.inputs, "tags": {"Exposure": "internal"}})
    with_https = changed(prod_resources, lb, inputs=flagged.inputs)
    assert len(_violations(with_https, rule)) == 2  # the configured 80 and 443 rules lose their public group


def test_nacl_admin_ports_first_match_from_anywhere(prod_resources: Resources) -> None:
    acl = _find(prod_resources, ":NetworkAcl", "ops-vpc-app-nacl")
    rule = "nacl-admin-ports-closed"
    # One return-traffic rule over the whole ephemeral range, and no deny in front of it.
    whole_range = [{**e, "fromPort": 1024, "toPort": 65535} if e["ruleNo"] == 400 else e for e in acl.inputs["ingress"]
                   if e["fromPort"] != 3389]
    violations = _violations(changed(prod_resources, acl, inputs={**acl.inputs, "ingress": whole_range}), rule)
    assert len(violations) == 1 and "rule 400 admits TCP 3389" in violations[0].message
    ssh_first = [*acl.inputs["ingress"], {"ruleNo": 50, "action": "allow", "protocol": "tcp", "fromPort": 22,
                                          "toPort": 22, "cidrBlock": "0.0.0.0/0"}]
    violations = _violations(changed(prod_resources, acl, inputs={**acl.inputs, "ingress": ssh_first}), rule)
    assert len(violations) == 1 and "TCP 22" in violations[0].message
    ssh_after_deny = [*acl.inputs["ingress"], {"ruleNo": 350, "action": "allow", "protocol": "tcp", "fromPort": 22,
                                               "toPort": 22, "cidrBlock": "0.0.0.0/0"}]
    assert _violations(changed(prod_resources, acl, inputs={**acl.inputs, "ingress": ssh_after_deny}), rule) == []
    standalone = resource("aws:ec2/networkAclRule:NetworkAclRule", "open",
                          {"networkAclId": "acl-x", "ruleNumber": 10, "egress": False, "protocol": "-1",
                           "ruleAction": "allow", "cidrBlock": "0.0.0.0/0"})
    assert len(_violations([*prod_resources, standalone], rule)) == 2  # 22 and 3389


def test_every_vpc_needs_an_all_traffic_flow_log(prod_resources: Resources) -> None:
    flow_log = _find(prod_resources, ":FlowLog", "dev-vpc-flow-logs")
    violations = _violations([r for r in prod_resources if r is not flow_log], "vpc-flow-logs")
    assert [v.urn for v in violations] == [_find(prod_resources, ":Vpc", "dev-vpc").urn]
    rejected_only = changed(prod_resources, flow_log, inputs={**flow_log.inputs, "trafficType": "REJECT"})
    assert len(_violations(rejected_only, "vpc-flow-logs")) == 1


def _nat_route(resources: Resources, zone: str) -> rules.Resource:
    return _find(resources, ":Route", f"ops-vpc-app-{zone}-default")


def test_private_default_route_must_use_the_nat_of_its_own_az(prod_resources: Resources) -> None:
    rule = "private-subnet-nat-same-az"
    route_a = _nat_route(prod_resources, "ap-northeast-2a")
    nat_c = _find(prod_resources, ":NatGateway", "ops-vpc-nat-ap-northeast-2c")
    crossed = {**route_a.property_dependencies, "natGatewayId": [nat_c.urn]}
    violations = _violations(changed(prod_resources, route_a, property_dependencies=crossed), rule)
    assert len(violations) == 1 and "in ap-northeast-2a sends 0.0.0.0/0 to ops-vpc-nat-ap-northeast-2c" in (
        violations[0].message)
    violations = _violations([r for r in prod_resources if r is not route_a], rule)
    assert len(violations) == 1 and "has no default route" in violations[0].message
    igw = _find(prod_resources, ":InternetGateway", "ops-vpc-igw")
    to_igw = changed(prod_resources, route_a, property_dependencies={
        "routeTableId": route_a.property_dependencies["routeTableId"], "gatewayId": [igw.urn]})
    assert _violations(to_igw, rule) == []  # a subnet whose default route is the IGW is public, not private


def test_a_nat_gateway_in_every_az(prod_resources: Resources) -> None:
    nat_b = _find(prod_resources, ":NatGateway", "build-vpc-nat-ap-northeast-2b")
    violations = _violations([r for r in prod_resources if r is not nat_b], "nat-gateway-per-az")
    assert [v.urn for v in violations] == [_find(prod_resources, ":Vpc", "build-vpc").urn]
    assert "has 2 NAT gateway(s)" in violations[0].message
    public_a = _find(prod_resources, ":Subnet", "build-vpc-public-ap-northeast-2a")
    doubled = dataclasses.replace(nat_b, urn="urn:test::extra-nat", name="extra",
                                  property_dependencies={"subnetId": [public_a.urn]})
    assert len(_violations([*prod_resources, doubled], "nat-gateway-per-az")) == 1


Mutation = Callable[[Resources], rules.Resource]


def _ops_into_dev_table(resources: Resources) -> rules.Resource:
    dev_table = _find(resources, "routeTable:RouteTable", "transit-hub-dev")
    accepter = _find(resources, ":VpcAttachmentAccepter", "ops-hub-attachment-accept")
    return resource("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation", "leak",
                    sources={"transitGatewayAttachmentId": [accepter], "transitGatewayRouteTableId": [dev_table]})


def _dev_vpc_route_to_ops(resources: Resources) -> rules.Resource:
    table = _find(resources, ":RouteTable", "dev-vpc-app-ap-northeast-2a")
    return resource("aws:ec2/route:Route", "leak", {"destinationCidrBlock": "10.22.0.0/16", "transitGatewayId": "tgw-1"},
                    sources={"routeTableId": [table]})


def _static_prod_route_in_dev_table(resources: Resources) -> rules.Resource:
    dev_table = _find(resources, "routeTable:RouteTable", "transit-hub-dev")
    return resource("aws:ec2transitgateway/route:Route", "leak", {"destinationCidrBlock": "10.0.0.0/8"},
                    sources={"transitGatewayRouteTableId": [dev_table]})


def _dev_associated_with_prod_table(resources: Resources) -> rules.Resource:
    prod_table = _find(resources, "routeTable:RouteTable", "transit-hub-prod")
    accepter = _find(resources, ":VpcAttachmentAccepter", "dev-hub-attachment-accept")
    return resource("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation", "leak",
                    sources={"transitGatewayAttachmentId": [accepter], "transitGatewayRouteTableId": [prod_table]})


@pytest.mark.parametrize("leak", [_ops_into_dev_table, _dev_vpc_route_to_ops, _static_prod_route_in_dev_table,
                                  _dev_associated_with_prod_table])
def test_dev_and_ops_never_route_to_each_other(prod_resources: Resources, leak: Mutation) -> None:
    leaked = leak(prod_resources)
    violations = _violations([*prod_resources, leaked], "transit-segments-isolated")
    assert violations and {v.urn for v in violations} == {leaked.urn}
