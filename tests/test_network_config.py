"""The network section on its own: the routing plan, NACL expansion and checks, group checks, and scale."""

from __future__ import annotations

import time
from typing import Any

import pytest

from config import ConfigError, StackConfig, validate
from config.nacls import NaclRuleConfig, admits_from_anywhere, expand
from config.network import NetworkConfig, VpcConfig
from config.routing import ON_PREMISES, routing_plan
from config.segments import can_reach
from tests.network_view import many_accounts
from tests.run_view import RunView, view_of
from tests.stackfiles import config_sections

NET = "landing-zone:network"


def _problems(stack: str, patch: dict[str, Any] | None = None, sets: dict[str, Any] | None = None) -> list[str]:
    try:
        validate(config_sections(stack, patch, sets))
    except ConfigError as error:
        return [str(problem) for problem in error.problems]
    return []


def test_segments_reach_themselves_and_shared_never_each_other() -> None:
    assert can_reach("dev", "shared") and can_reach("shared", "prod") and can_reach("dev", "dev")
    assert not can_reach("dev", "prod") and not can_reach("prod", "dev")


def test_routing_plan_of_prod() -> None:
    plan = routing_plan(validate(config_sections("prod")).network)
    assert plan.hub_account == "network"
    assert plan.route_tables == ("dev", "prod", "shared", ON_PREMISES)
    assert plan.spokes["dev"].propagate_to == ("dev", "shared")
    assert plan.spokes["ops"].propagate_to == ("prod", "shared", ON_PREMISES)
    assert plan.spokes["dev"].destinations == ("10.20.0.0/19",)  # network + build, summarized
    assert plan.spokes["ops"].destinations == ("10.20.0.0/19", "172.16.0.0/16")
    assert plan.on_premises_routes == {"prod": ("172.16.0.0/16",), "shared": ("172.16.0.0/16",)}


def test_without_a_hub_there_are_no_peers() -> None:
    network = NetworkConfig(vpcs={"dev": VpcConfig(cidr="10.1.0.0/16")})
    assert routing_plan(network).peers("dev") == [] and routing_plan(network).spokes == {}
    assert network.vpcs["dev"].segment == "dev"  # the isolating default


def test_nacl_expansion_numbers_peer_and_tier_lists_consecutively() -> None:
    rules = [NaclRuleConfig(number=100, from_port=5432, peer="app"),
             NaclRuleConfig(number=200, from_port=443, peer="peers"),
             NaclRuleConfig(number=300, protocol="all", peer="vpc")]
    entries = expand(rules, "10.1.0.0/16", {"app": ["10.1.16.0/20", "10.1.32.0/20"]}, peers=["10.0.0.0/16", "10.9.0.0/16"])
    assert [(e.number, e.cidr, e.rule) for e in entries] == [
        (100, "10.1.16.0/20", 0), (101, "10.1.32.0/20", 0), (200, "10.0.0.0/16", 1), (201, "10.9.0.0/16", 1),
        (300, "10.1.0.0/16", 2)]


def test_admin_ports_count_every_allowing_rule_from_anywhere_as_security_hub_does() -> None:
    def entries(*rules: NaclRuleConfig) -> list:
        return expand(list(rules), "10.1.0.0/16", {}, peers=[])

    ephemeral = NaclRuleConfig(number=400, from_port=1024, to_port=65535, peer="0.0.0.0/0")
    deny = NaclRuleConfig(number=310, from_port=3389, peer="0.0.0.0/0", action="deny")
    split = [NaclRuleConfig(number=400, from_port=1024, to_port=3388, peer="0.0.0.0/0"),
             NaclRuleConfig(number=410, from_port=3390, to_port=65535, peer="0.0.0.0/0")]
    udp = NaclRuleConfig(number=420, protocol="udp", from_port=3389, peer="0.0.0.0/0")
    assert admits_from_anywhere(entries(ephemeral), 3389) is not None
    # A deny in front does not help: EC2.21 reads every allowing entry.
    assert admits_from_anywhere(entries(deny, ephemeral), 3389) is not None
    assert admits_from_anywhere(entries(deny, *split), 3389) is None
    assert admits_from_anywhere(entries(*split), 22) is None
    assert admits_from_anywhere(entries(udp), 3389) is not None
    assert admits_from_anywhere(entries(NaclRuleConfig(number=1, protocol="all", peer="10.0.0.0/8")), 22) is None
    assert admits_from_anywhere(entries(NaclRuleConfig(number=1, protocol="all", peer="0.0.0.0/0")), 22) is not None


@pytest.mark.parametrize(("sets", "expected"), [
    ({f"{NET}.nacls": {"app": {"inbound": [{"number": 100, "protocol": "all", "peer": "vpc"},
                                           {"number": 100, "from_port": 443, "peer": "peers"}]}}},
     f"{NET}.nacls.app.inbound[1].number: 100 is already network.nacls.app.inbound[0]"),
    ({f"{NET}.nacls": {"data": {"inbound": [{"number": 32766, "from_port": 5432, "peer": "app"}]}}},
     f"{NET}.nacls.data.inbound[0].number: expands to rule numbers up to 32767"),
    ({f"{NET}.nacls": {"public": {"inbound": [{"number": 1, "protocol": "all", "peer": "0.0.0.0/0"}]}}},
     f"{NET}.nacls.public.inbound[0]: admits TCP 22 from 0.0.0.0/0"),
    ({f"{NET}.nacls": {"app": {"inbound": [{"number": 1, "from_port": 22, "peer": "everywhere"}]}}},
     f"{NET}.nacls.app.inbound[0].peer: `everywhere` is neither an IPv4 CIDR nor one of"),
    ({f"{NET}.nacls": {"app": {"inbound": [{"number": 1, "protocol": "all", "from_port": 22, "peer": "vpc"}]}}},
     f"{NET}.nacls.app.inbound[0]: protocol `all` covers every port"),
    ({f"{NET}.nacls": {"app": {"inbound": [{"number": i, "from_port": 443, "peer": "10.0.0.0/8"}
                                           for i in range(1, 22)]}}},
     f"{NET}.nacls.app.inbound: expands to 21 rules in network's VPC, over the quota of 20"),
    ({f"{NET}.security_groups.database": {"description": "db", "segments": ["prod"],
                                          "ingress": [{"from_port": 5432, "group": "app"}]},
      f"{NET}.security_groups.app.egress[0]": {"from_port": 5432, "group": "database"}},
     f"{NET}.security_groups.app.egress[0].group: `database` exists only in segments ['prod']"),
    ({f"{NET}.security_groups.app.ingress[0]": {"from_port": 8080, "group": "load-balancer", "cidr": "10.0.0.0/8"}},
     f"{NET}.security_groups.app.ingress[0]: give exactly one peer"),
    ({f"{NET}.vpcs.build.interface_endpoints": ["logs", "logs"]},
     f"{NET}.vpcs.build.interface_endpoints[1]: `logs` is listed twice"),
    ({f"{NET}.transit_gateway.amazon_side_asn": 100}, f"{NET}.transit_gateway.amazon_side_asn: 100 is not a private"),
])
def test_network_checks_name_the_path(sets: dict[str, Any], expected: str) -> None:
    problems = _problems("dev", sets=sets)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_one_problem_per_rule_not_one_per_vpc() -> None:
    problems = _problems("dev", sets={f"{NET}.nacls": {"public": {"inbound": [
        {"number": 1, "from_port": 3389, "peer": "0.0.0.0/0"}]}}})
    assert len([p for p in problems if "admits TCP 3389" in p]) == 1


def test_a_hundred_accounts_validate_fast_with_bounded_routes_and_nacls() -> None:
    started = time.perf_counter()
    settings = validate(config_sections("dev", patch=many_accounts(100)))
    plan = routing_plan(settings.network)
    assert time.perf_counter() - started < 5
    assert len(settings.network.vpcs) == 104
    assert max(len(spoke.destinations) for spoke in plan.spokes.values()) <= 16  # summaries, not 100 ranges
    assert max(len(spoke.propagate_to) for spoke in plan.spokes.values()) <= 3


def test_interleaved_segments_that_cannot_summarize_are_refused_with_advice() -> None:
    problems = _problems("dev", patch=many_accounts(100, interleaved=True))
    assert any("over the quota of 20 per NACL direction; allocate each segment's VPCs from one range" in p
               for p in problems), problems[:3]


def test_per_vpc_resource_counts_do_not_grow_with_the_number_of_accounts(dev: Any, sandbox_direct_connect: Any) -> None:
    """Per VPC: a fixed set of resources plus one hub route per AZ and summarized destination, nothing per account."""
    bigger = view_of(sandbox_direct_connect)
    smaller = view_of(dev)

    def fixed_part(view: RunView, account: str) -> int:
        network = {r.urn for r in view.run.registrations if r.type.startswith("landing-zone:network:")}
        own = [r for r in view.run.registrations if r.custom and view.account(r) == account
               and {a.urn for a in view.ancestors(r)} & network]
        hub_routes = len(view.config.zones_of_vpc(account)) * len(routing_plan(view.config.network).peers(account))
        return len(own) - hub_routes

    for account in ("dev", "ops", "build"):
        assert fixed_part(bigger, account) == fixed_part(smaller, account), account
    # 2 AZs: 6 subnets, 4 route tables, 3 routes, 6 associations, 2 EIP + 2 NAT, 3 NACLs, the VPC, IGW, default SG and
    # NACL, 6 flow-log resources, 2 gateway endpoints, 2 groups with 5 rules, the hub attachment; 2 alarms per NAT.
    assert {fixed_part(bigger, f"svc{index:03d}") for index in range(2)} == {50}
    assert isinstance(bigger.config, StackConfig)


def test_destinations_summarize_around_the_vpcs_own_range() -> None:
    vpcs = {"aa": VpcConfig(cidr="10.0.0.0/16"), "bb": VpcConfig(cidr="10.1.0.0/16"),
            "cc": VpcConfig(cidr="10.2.0.0/16"), "dd": VpcConfig(cidr="10.3.0.0/16"),
            "hub": VpcConfig(cidr="10.9.0.0/16", segment="shared"), "pp": VpcConfig(cidr="10.4.0.0/16", segment="prod")}
    plan = routing_plan(NetworkConfig.model_validate({"vpcs": vpcs, "transit_gateway": {"account": "hub"}}))
    assert plan.peers("bb") == ["10.0.0.0/14", "10.9.0.0/16"]  # one route covers aa, cc, dd (bb stays local)
    assert plan.peers("pp") == ["10.9.0.0/16"]  # alone in its segment: its own range is never a hub route
    assert plan.peers("hub") == ["10.0.0.0/14", "10.4.0.0/16"]
