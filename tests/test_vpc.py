"""The Vpc component as registered on both stacks: counts per VPC and per AZ, routes, NAT, flow logs, endpoints."""

from __future__ import annotations

import pytest

from config.nacls import ADMIN_PORTS, NaclEntry, admits_from_anywhere
from preview.run import Run
from tests.network_view import (
    ASSOCIATION,
    EIP,
    ENDPOINT,
    FLOW_LOG,
    GROUP,
    INGRESS,
    NACL,
    NAT,
    ROUTE,
    ROUTE_TABLE,
    SUBNET,
    VPC,
    in_vpc,
    route_table_of,
    routes_of,
    subnets_of,
    vpc_of,
)
from tests.run_view import RunView, view_of

TIERS = ("public", "app", "data")


@pytest.fixture(scope="module", params=["dev", "prod"])
def net(request: pytest.FixtureRequest, runs: dict[str, Run]) -> RunView:
    return view_of(runs[request.param])


def _accounts(net: RunView) -> list[str]:
    return list(net.config.network.vpcs)


def test_one_vpc_per_configured_account_with_its_cidr_and_segment(net: RunView) -> None:
    assert sorted(net.account(v) for v in net.of(VPC)) == sorted(_accounts(net))
    for account, spec in net.config.network.vpcs.items():
        vpc = vpc_of(net, account)
        assert vpc.inputs["cidrBlock"] == spec.cidr
        assert vpc.inputs["enableDnsSupport"] is True and vpc.inputs["enableDnsHostnames"] is True
        assert vpc.inputs["tags"]["Segment"] == spec.segment


def test_subnets_one_per_tier_per_az_carved_as_planned(net: RunView) -> None:
    for account, spec in net.config.network.vpcs.items():
        zones = net.config.zones_of_vpc(account)
        planned = {(tier, zone): str(cidr) for tier, zone, cidr in spec.subnet_plan(zones)}
        subnets = in_vpc(net, SUBNET, account)
        assert len(subnets) == 3 * len(zones)
        for tier in TIERS:
            in_tier = subnets_of(net, account, tier)
            assert [s.inputs["availabilityZone"] for s in in_tier] == zones, (account, tier)
            for subnet in in_tier:
                assert subnet.inputs["cidrBlock"] == planned[(tier, subnet.inputs["availabilityZone"])]


def test_prod_spans_three_azs_and_dev_two(runs: dict[str, Run]) -> None:
    assert {len(subnets_of(view_of(runs["prod"]), a, "app")) for a in ("dev", "ops", "build", "network")} == {3}
    assert {len(subnets_of(view_of(runs["dev"]), a, "app")) for a in ("dev", "ops", "build", "network")} == {2}


def test_no_subnet_assigns_public_ips(net: RunView) -> None:
    subnets = net.of(SUBNET)
    assert subnets
    assert all(s.inputs.get("mapPublicIpOnLaunch") is False for s in subnets)


def test_one_nat_per_az_each_with_its_own_eip_in_its_public_subnet(net: RunView) -> None:
    for account in _accounts(net):
        zones = net.config.zones_of_vpc(account)
        public_ids = {s.id: s.inputs["availabilityZone"] for s in subnets_of(net, account, "public")}
        nats = [n for n in net.of(NAT, account) if n.inputs["subnetId"] in public_ids]
        assert len(nats) == len(zones) == len(net.of(NAT, account))
        assert sorted(public_ids[n.inputs["subnetId"]] for n in nats) == sorted(zones)
        eips = net.of(EIP, account)
        assert len(eips) == len(nats)
        assert sorted(n.inputs["allocationId"] for n in nats) == sorted(e.outputs["allocationId"] for e in eips)
        assert all(e.inputs["domain"] == "vpc" for e in eips)


def test_each_app_subnet_leaves_through_the_nat_of_its_own_az(net: RunView) -> None:
    for account in _accounts(net):
        tables = set()
        for subnet in subnets_of(net, account, "app"):
            table = route_table_of(net, subnet)
            tables.add(table.id)
            (default,) = [r for r in routes_of(net, table) if r.inputs.get("destinationCidrBlock") == "0.0.0.0/0"]
            nat = net.ref(default, "natGatewayId")
            assert net.ref(nat, "subnetId").inputs["availabilityZone"] == subnet.inputs["availabilityZone"]
            assert "gatewayId" not in default.inputs
        assert len(tables) == len(net.config.zones_of_vpc(account)), "one private route table per AZ"


def test_data_subnets_have_no_internet_route_and_public_ones_use_the_igw(net: RunView) -> None:
    for account in _accounts(net):
        for subnet in subnets_of(net, account, "data"):
            table = route_table_of(net, subnet)
            assert table.inputs["tags"]["Tier"] == "data"
            assert [r for r in routes_of(net, table) if r.inputs.get("destinationCidrBlock") == "0.0.0.0/0"] == []
            assert all("natGatewayId" not in r.inputs and "gatewayId" not in r.inputs for r in routes_of(net, table))
        for subnet in subnets_of(net, account, "public"):
            (default,) = [r for r in routes_of(net, route_table_of(net, subnet))
                          if r.inputs.get("destinationCidrBlock") == "0.0.0.0/0"]
            assert net.ref(default, "gatewayId").type == "aws:ec2/internetGateway:InternetGateway"
        tables = in_vpc(net, ROUTE_TABLE, account)
        assert len(tables) == 2 + len(net.config.zones_of_vpc(account))  # public, data, one app table per AZ
        assert len([a for a in net.of(ASSOCIATION, account)]) == 3 * len(net.config.zones_of_vpc(account))


def test_default_security_group_and_nacl_are_stripped(net: RunView) -> None:
    for account in _accounts(net):
        vpc = vpc_of(net, account)
        (default_sg,) = [g for g in net.of("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", account)
                         if g.inputs["vpcId"] == vpc.id]
        assert "ingress" not in default_sg.inputs and "egress" not in default_sg.inputs
        (default_acl,) = [a for a in net.of("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", account)
                          if a.inputs["defaultNetworkAclId"] == vpc.outputs["defaultNetworkAclId"]]
        assert "ingress" not in default_acl.inputs and "egress" not in default_acl.inputs


def _entries(rules: list[dict]) -> list[NaclEntry]:
    return [NaclEntry(r["ruleNo"], r["action"], "all" if r["protocol"] == "-1" else r["protocol"],
                      r["fromPort"], r["toPort"] if r["protocol"] != "-1" else 65535, r["cidrBlock"], 0) for r in rules]


def test_nacls_one_per_tier_both_directions_on_every_subnet(net: RunView) -> None:
    for account in _accounts(net):
        acls = {a.inputs["tags"]["Tier"]: a for a in in_vpc(net, NACL, account)}
        assert sorted(acls) == sorted(TIERS)
        cidr = net.config.network.vpcs[account].cidr
        for tier, acl in acls.items():
            assert sorted(acl.inputs["subnetIds"]) == sorted(s.id for s in subnets_of(net, account, tier))
            assert acl.inputs["ingress"] and acl.inputs["egress"], (account, tier)
            for direction in ("ingress", "egress"):
                numbers = [rule["ruleNo"] for rule in acl.inputs[direction]]
                assert len(numbers) == len(set(numbers)) and all(1 <= n <= 32766 for n in numbers)
                assert len(numbers) <= net.config.network.nacl_rules_quota
            for port in ADMIN_PORTS:
                assert admits_from_anywhere(_entries(acl.inputs["ingress"]), port) is None, (account, tier, port)
        public_in = {(r["fromPort"], r["cidrBlock"], r["action"]) for r in acls["public"].inputs["ingress"]}
        assert {(80, "0.0.0.0/0", "allow"), (443, "0.0.0.0/0", "allow"), (1024, "0.0.0.0/0", "allow")} <= public_in
        public_out = {(r["fromPort"], r["cidrBlock"]) for r in acls["public"].inputs["egress"]}
        assert {(80, "0.0.0.0/0"), (443, "0.0.0.0/0"), (1024, "0.0.0.0/0")} <= public_out
        app_in = acls["app"].inputs["ingress"]
        assert {r["cidrBlock"] for r in app_in if r["action"] == "allow" and r["protocol"] == "-1"} == {cidr}
        app_cidrs = sorted(s.inputs["cidrBlock"] for s in subnets_of(net, account, "app"))
        data_in = acls["data"].inputs["ingress"]
        assert {r["fromPort"] for r in data_in} == {5432, 443}
        assert sorted(r["cidrBlock"] for r in data_in if r["fromPort"] == 5432) == app_cidrs
        data_out = acls["data"].inputs["egress"]
        assert sorted(r["cidrBlock"] for r in data_out) == app_cidrs
        assert {(r["fromPort"], r["toPort"]) for r in data_out} == {(1024, 65535)}


def test_flow_logs_capture_all_traffic_into_an_encrypted_log_group(net: RunView) -> None:
    production = net.config.production
    for account in _accounts(net):
        (flow_log,) = [f for f in net.of(FLOW_LOG, account) if f.inputs.get("vpcId") == vpc_of(net, account).id]
        assert flow_log.inputs["trafficType"] == "ALL"
        assert flow_log.inputs["logDestinationType"] == "cloud-watch-logs"
        log_group = next(r for r in net.run.registrations if r.outputs.get("arn") == flow_log.inputs["logDestination"])
        assert log_group.inputs["retentionInDays"] == net.config.network.flow_logs.retention_days
        key = next(r for r in net.run.registrations if r.outputs.get("arn") == log_group.inputs["kmsKeyId"])
        assert key.type == "aws:kms/key:Key" and key.inputs["enableKeyRotation"] is True
        assert net.account(key) == net.account(log_group) == account
        assert key.protect is production and log_group.protect is production
        assert f"log-group:{log_group.inputs['name']}" in key.inputs["policy"]
        role = next(r for r in net.run.registrations if r.outputs.get("arn") == flow_log.inputs["iamRoleArn"])
        assert '"Service":"vpc-flow-logs.amazonaws.com"' in role.inputs["assumeRolePolicy"]


def test_gateway_and_interface_endpoints(net: RunView) -> None:
    region = net.config.organization.region
    for account in _accounts(net):
        endpoints = in_vpc(net, ENDPOINT, account)
        gateways = {e.inputs["serviceName"]: e for e in endpoints if e.inputs["vpcEndpointType"] == "Gateway"}
        assert sorted(gateways) == [f"com.amazonaws.{region}.dynamodb", f"com.amazonaws.{region}.s3"]
        private_tables = {route_table_of(net, s).id for s in subnets_of(net, account, "app") + subnets_of(net, account, "data")}
        for gateway in gateways.values():
            assert set(gateway.inputs["routeTableIds"]) == private_tables
        interfaces = [e for e in endpoints if e.inputs["vpcEndpointType"] == "Interface"]
        wanted = net.config.network.endpoints_of(account)
        assert sorted(e.inputs["serviceName"] for e in interfaces) == sorted(f"com.amazonaws.{region}.{s}" for s in wanted)
        app_ids = sorted(s.id for s in subnets_of(net, account, "app"))
        for endpoint in interfaces:
            assert sorted(endpoint.inputs["subnetIds"]) == app_ids and endpoint.inputs["privateDnsEnabled"] is True
            (group_id,) = endpoint.inputs["securityGroupIds"]
            group = net.by_id(group_id)
            (rule,) = net.children(group, INGRESS)
            assert (rule.inputs["cidrIpv4"], rule.inputs["fromPort"], rule.inputs["toPort"]) == (
                net.config.network.vpcs[account].cidr, 443, 443)
            assert net.children(group, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") == []


def test_interface_endpoint_counts(runs: dict[str, Run]) -> None:
    def count(stack: str, account: str) -> int:
        net = view_of(runs[stack])
        return len([e for e in in_vpc(net, ENDPOINT, account) if e.inputs["vpcEndpointType"] == "Interface"])

    assert (count("dev", "dev"), count("prod", "ops"), count("prod", "network")) == (5, 8, 0)


def test_every_vpc_resource_uses_its_accounts_provider(net: RunView) -> None:
    for account in _accounts(net):
        vpc = vpc_of(net, account)
        inside = [r for r in net.under(net.parent(vpc)) if r.custom]
        assert len(inside) > 30
        assert {net.account(r) for r in inside} == {account}


def test_vpc_resources_in_prod_stay_protected_only_where_stateful(prod: Run) -> None:
    net = view_of(prod)
    protected = {r.type for r in net.under(net.parent(vpc_of(net, "ops"))) if r.protect}
    assert protected == {"aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"}


def test_groups_are_never_default_allow_all(net: RunView) -> None:
    for group in net.of(GROUP):
        assert "ingress" not in group.inputs and "egress" not in group.inputs
        assert group.inputs["revokeRulesOnDelete"] is True


def test_routes_target_exactly_one_thing(net: RunView) -> None:
    targets = ("gatewayId", "natGatewayId", "transitGatewayId", "vpcEndpointId")
    for route in net.of(ROUTE):
        assert len([t for t in targets if t in route.inputs]) == 1, route.name


def test_every_nat_gateway_is_watched_in_its_account(net: RunView) -> None:
    alarms = net.of("aws:cloudwatch/metricAlarm:MetricAlarm")
    for account in _accounts(net):
        for nat in net.of(NAT, account):
            watching = [a for a in alarms if (a.inputs.get("dimensions") or {}).get("NatGatewayId") == nat.id]
            assert {a.inputs["metricName"] for a in watching} == {"ErrorPortAllocation", "PacketsDropCount"}
            assert {net.account(a) for a in watching} == {account}
