"""The typed security-group model, the Vpc interface other components build on, and the shared groups."""

from __future__ import annotations

import pulumi
import pytest
from pulumi.runtime import settings

from components.home import Home
from components.security_groups import ALL_TRAFFIC, Cidr, Ports, SecurityGroup, connect, tcp, udp
from components.vpc import Vpc
from config.network import NetworkConfig
from preview.mocks import LandingZoneMocks, RecordingMonitor
from preview.run import Run
from tests.network_view import EGRESS, GROUP, INGRESS, in_vpc
from tests.run_view import view_of


@pytest.fixture
def monitor() -> RecordingMonitor:
    mocks = LandingZoneMocks(region="ap-northeast-2", management_account_id="111111111111")
    recording = RecordingMonitor(mocks)
    settings.set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(mocks, project="landing-zone", stack="unit", preview=False, monitor=recording)
    return recording


def _group(name: str, public: bool = False) -> SecurityGroup:
    return SecurityGroup(name, vpc_id="vpc-1", group_name=name, description=name, public=public)


@pytest.mark.parametrize(("public", "peer", "ports"), [
    (False, "0.0.0.0/0", tcp(443)),
    (False, "::/0", tcp(80)),
    (True, "0.0.0.0/0", tcp(22)),
    (True, "0.0.0.0/0", tcp(3389)),
    (True, "0.0.0.0/0", tcp(80, 443)),
    (True, "::/0", udp(443)),
    (True, "0.0.0.0/0", ALL_TRAFFIC),
])
def test_the_internet_is_refused_unless_public_and_80_or_443(monitor: RecordingMonitor, public: bool, peer: str,
                                                             ports: Ports) -> None:
    group = _group("refuses", public)
    with pytest.raises(ValueError, match="refuses"):
        group.allow_from(Cidr(peer), ports, "nope")


@pulumi.runtime.test
def test_a_public_group_admits_80_and_443_from_anywhere_as_separate_rules(monitor: RecordingMonitor):
    group = _group("lb", public=True)
    created = [group.allow_from(Cidr("0.0.0.0/0"), tcp(443), "https"), group.allow_from(Cidr("::/0"), tcp(80), "http"),
               group.allow_to(Cidr("10.0.0.0/16"), tcp(8080), "targets")]

    def check(_: object) -> None:
        rules = {r.name: r for r in monitor.registrations if r.type in (INGRESS, EGRESS)}
        assert rules["lb-in-tcp443-0-0-0-0-0"].inputs["cidrIpv4"] == "0.0.0.0/0"
        assert rules["lb-in-tcp80-0"].inputs["cidrIpv6"] == "::/0"
        assert rules["lb-out-tcp8080-10-0-0-0-16"].type == EGRESS
        (group_registration,) = [r for r in monitor.registrations if r.type == GROUP]
        assert group_registration.inputs["tags"]["Exposure"] == "public"
        assert all(rule.parent == group_registration.urn for rule in rules.values())

    return pulumi.Output.all(group.id, *[rule.id for rule in created]).apply(check)


@pulumi.runtime.test
def test_connect_writes_egress_on_the_source_and_ingress_on_the_target(monitor: RecordingMonitor):
    app, database = _group("app"), _group("db")
    egress_rule, ingress_rule = connect(app, database, tcp(5432), description="app to Aurora")

    def check(ids: list[str]) -> None:
        app_id, database_id = ids[:2]
        (egress,) = [r for r in monitor.registrations if r.type == EGRESS]
        (ingress,) = [r for r in monitor.registrations if r.type == INGRESS]
        assert (egress.inputs["securityGroupId"], egress.inputs["referencedSecurityGroupId"]) == (app_id, database_id)
        assert (ingress.inputs["securityGroupId"], ingress.inputs["referencedSecurityGroupId"]) == (database_id, app_id)
        assert (ingress.inputs["ipProtocol"], ingress.inputs["fromPort"], ingress.inputs["toPort"]) == ("tcp", 5432, 5432)
        assert "cidrIpv4" not in ingress.inputs

    return pulumi.Output.all(app.id, database.id, egress_rule.id, ingress_rule.id).apply(check)


def test_the_same_rule_twice_is_one_rule_and_bad_ports_are_refused(monitor: RecordingMonitor) -> None:
    group = _group("twice")
    first = group.allow_to(Cidr("10.0.0.0/8"), tcp(443), "once")
    assert group.allow_to(Cidr("10.0.0.0/8"), tcp(443), "twice") is first
    assert group.allow_from(Cidr("10.0.0.0/8"), tcp(443), "inbound") is not first  # the other direction is its own
    with pytest.raises(ValueError):
        tcp(443, 80)
    with pytest.raises(ValueError):
        Ports("all", 1, 2)
    with pytest.raises(ValueError):
        Cidr("10.0.0.1/8")


@pulumi.runtime.test
def test_vpc_interface_is_typed_and_in_zone_order(monitor: RecordingMonitor):
    zones = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]
    app = {"description": "app", "ingress": [], "egress": []}
    network = NetworkConfig.model_validate({"vpcs": {"dev": {"cidr": "10.11.0.0/16"}}, "security_groups": {"app": app}})
    home = Home(org="shop", account="dev", account_id="123456789012", region="ap-northeast-2", production=False)
    vpc = Vpc("unit-vpc", network.vpcs["dev"], home, network=network, zones=zones, peers=["10.10.0.0/19"])
    assert vpc.cidr == "10.11.0.0/16" and vpc.zones == zones and vpc.segment == "dev"
    assert {tier: len(subnets) for tier, subnets in vpc.subnets.items()} == {"public": 3, "app": 3, "data": 3}
    assert {tier: len(tables) for tier, tables in vpc.route_tables.items()} == {"public": 1, "app": 3, "data": 1}
    assert len(vpc.nat_gateways) == len(vpc.elastic_ips) == 3
    assert set(vpc.network_acls) == {"public", "app", "data"}
    assert vpc.endpoint_security_group is not None
    database = vpc.new_security_group("aurora", "Aurora PostgreSQL", parent=vpc)
    egress, ingress = connect(vpc.security_groups["app"], database, tcp(5432), description="app tier to Aurora")
    assert database.name == "unit-vpc-aurora-sg" and not database.public

    def check(args: list) -> None:
        subnet_ids, zones_seen = args[:2]
        registrations = {r.id: r for r in monitor.registrations}
        assert [registrations[i].inputs["availabilityZone"] for i in subnet_ids] == zones
        assert zones_seen == zones
        (group,) = [r for r in monitor.registrations if r.name == "unit-vpc-aurora-sg"]
        assert group.inputs["name"] == "shop-dev-aurora" and group.inputs["vpcId"] == registrations[args[2]].id
        (rule,) = [r for r in monitor.registrations if r.type == INGRESS and r.parent == group.urn]
        assert rule.inputs["fromPort"] == 5432 and rule.inputs["referencedSecurityGroupId"] == args[3]

    return pulumi.Output.all(pulumi.Output.all(*vpc.subnet_ids("data")),
                             pulumi.Output.all(*[s.availability_zone for s in vpc.subnets["app"]]),
                             vpc.vpc_id, vpc.security_groups["app"].id, egress.id, ingress.id).apply(check)


def test_shared_groups_exist_where_their_segments_say_with_explicit_egress(runs: dict[str, Run]) -> None:
    for run in runs.values():
        net = view_of(run)
        for account, spec in net.config.network.vpcs.items():
            # The VPC's own shared groups; the data tier and services add theirs beside them.
            groups = {g.inputs["tags"]["Name"]: g for g in in_vpc(net, GROUP, account)
                      if "landing-zone:network:Vpc$aws:ec2/securityGroup:SecurityGroup::" in g.urn}
            names = {name.removeprefix(f"shop-{account}-") for name in groups}
            expected = {"load-balancer", "app"} if spec.segment in ("dev", "prod") else set()
            expected |= {"endpoints"} if net.config.network.endpoints_of(account) else set()
            assert names == expected, account
            if "load-balancer" in names:
                lb, app = groups[f"shop-{account}-load-balancer"], groups[f"shop-{account}-app"]
                assert lb.inputs["tags"]["Exposure"] == "public" and app.inputs["tags"]["Exposure"] == "internal"
                (app_in,) = net.children(app, INGRESS)
                assert app_in.inputs["referencedSecurityGroupId"] == lb.id and app_in.inputs["fromPort"] == 80
                assert {r.inputs["fromPort"] for r in net.children(lb, INGRESS)} == {80, 443}
                (lb_out,) = net.children(lb, EGRESS)
                assert lb_out.inputs["referencedSecurityGroupId"] == app.id
