"""Cross-field checks of `landing-zone:network` beyond CIDRs and AZs: endpoints, NACLs, security groups, the hub,
on-premises and Direct Connect. Each names the YAML path and says what would be right."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from aws_facts.accounts import MANAGEMENT
from config.base import Sections
from config.checks.organization import zone_problems
from config.endpoints import GATEWAY_SERVICES, endpoint_problem
from config.errors import Problem, join_path
from config.nacls import ADMIN_PORTS, TIERS, Direction, NaclEntry, NaclRuleConfig, admits_from_anywhere, expand
from config.network import NetworkConfig
from config.organization import OrganizationConfig
from config.routing import routing_plan
from config.security_groups import internet_exposure_problem

DIRECTIONS: tuple[Direction, ...] = ("inbound", "outbound")


def interface_endpoints(sections: Sections) -> Iterator[Problem]:
    """Interface endpoint services are known interface services, each listed once; reports
    `landing-zone:network.interface_endpoints[i]` or `landing-zone:network.vpcs.<account>.interface_endpoints[i]`."""
    network: NetworkConfig = sections["network"]
    lists = [("network.interface_endpoints", network.interface_endpoints)]
    lists += [(f"network.vpcs.{name}.interface_endpoints", vpc.interface_endpoints)
              for name, vpc in network.vpcs.items() if vpc.interface_endpoints is not None]
    for path, services in lists:
        for index, service in enumerate(services):
            problem = endpoint_problem(service)
            if problem:
                yield Problem(join_path(path, index), problem)
            elif services.index(service) != index:
                yield Problem(join_path(path, index), f"`{service}` is listed twice; list each service once")


def security_groups(sections: Sections) -> Iterator[Problem]:
    """Security group rules name groups present in their segments; only public groups admit the internet (TCP 80/443).
    Reports a rule's `.group` or `.cidr` under `landing-zone:network.security_groups.<name>.ingress` or `.egress`."""
    network: NetworkConfig = sections["network"]
    groups = network.security_groups
    for name, group in groups.items():
        where = set(group.segments) if group.segments is not None else None
        for direction in ("ingress", "egress"):
            for index, rule in enumerate(getattr(group, direction)):
                path = join_path(f"network.security_groups.{name}.{direction}", index)
                if rule.group is not None:
                    other = groups.get(rule.group)
                    if other is None:
                        yield Problem(f"{path}.group", f"`{rule.group}` is not a configured security group; use one "
                                                       f"of {sorted(groups)}")
                    elif other.segments is not None and (where is None or not where <= set(other.segments)):
                        yield Problem(f"{path}.group", f"`{rule.group}` exists only in segments {other.segments}, "
                                                       f"but `{name}` is created in {group.segments or 'every VPC'}; "
                                                       "widen its segments or narrow this group's")
                if direction == "ingress" and rule.cidr is not None:
                    problem = internet_exposure_problem(group.public, rule.protocol, rule.ports, cidr=rule.cidr)
                    if problem:
                        yield Problem(f"{path}.cidr", problem)


def nacls(sections: Sections) -> Iterator[Problem]:
    """Each tier's NACL rules number uniquely and, expanded per VPC, fit 32766 and the quota and open no admin port to
    0.0.0.0/0; reports `landing-zone:network.nacls.<tier>.<direction>` or a rule's `[i].number`, once per rule."""
    org: OrganizationConfig = sections["organization"]
    network: NetworkConfig = sections["network"]
    found: dict[str, str] = {}  # path -> first message: one problem per rule, not one per VPC
    plan = routing_plan(network)
    for tier in TIERS:
        for direction in DIRECTIONS:
            rules = getattr(network.nacls.tier(tier), direction)
            path = f"network.nacls.{tier}.{direction}"
            numbers: dict[int, int] = {}
            for index, rule in enumerate(rules):
                if rule.number in numbers:
                    found.setdefault(join_path(path, index, "number"),
                                     f"{rule.number} is already {path}[{numbers[rule.number]}]; number rules uniquely")
                numbers.setdefault(rule.number, index)
            for account, vpc in network.vpcs.items():
                try:
                    subnet_plan = vpc.subnet_plan(vpc.availability_zones or org.availability_zones)
                except ValueError:
                    continue  # reported at network.vpcs.<account>.subnets
                tier_cidrs: dict[str, list[str]] = {name: [str(cidr) for t, _, cidr in subnet_plan if t == name]
                                                    for name in TIERS}
                entries = expand(rules, vpc.cidr, tier_cidrs, peers=plan.peers(account))
                for problem_path, message in _entry_problems(path, account, rules, entries=entries,
                                                             quota=network.nacl_rules_quota, direction=direction):
                    found.setdefault(problem_path, message)
    for problem_path, message in found.items():
        yield Problem(problem_path, message)


def _entry_problems(path: str, account: str, rules: list[NaclRuleConfig], *, entries: list[NaclEntry], quota: int,
                    direction: Direction) -> Iterator[tuple[str, str]]:
    spans: dict[int, list[int]] = {}
    for entry in entries:
        spans.setdefault(entry.rule, []).append(entry.number)
    seen: dict[int, NaclEntry] = {}
    for entry in entries:
        rule_path = join_path(path, entry.rule, "number")
        if entry.number > 32766:
            yield rule_path, (f"expands to rule numbers up to {entry.number} in {account}'s VPC; NACL rule numbers "
                              "end at 32766; lower it")
        elif entry.number in seen and seen[entry.number].rule != entry.rule:
            first = seen[entry.number].rule
            wide = first if len(spans[first]) > 1 else entry.rule
            numbers = spans[wide]
            yield rule_path, (f"{entry.number} is also taken in {account}'s VPC: {path}[{wide}] (peer "
                              f"`{rules[wide].peer}`) expands to {len(numbers)} CIDRs, numbers {min(numbers)}-"
                              f"{max(numbers)}; space the rule numbers further apart")
        seen.setdefault(entry.number, entry)
    if len(entries) > quota:
        yield path, (f"expands to {len(entries)} rules in {account}'s VPC, over the quota of {quota} per NACL "
                     "direction; allocate each segment's VPCs from one range so `peers` summarizes, write a summary "
                     "CIDR instead of `peers`, or raise network.nacl_rules_quota after AWS raised it")
    if direction == "inbound":
        for port in ADMIN_PORTS:
            opener = admits_from_anywhere(entries, port)
            if opener is not None:
                protocol = "UDP" if opener.protocol == "udp" else "TCP"
                yield join_path(path, opener.rule), (
                    f"admits {protocol} {port} from {opener.cidr}; remote administration never comes "
                    "from the internet (use Session Manager), and Security Hub (EC2.21) flags any rule that allows it, "
                    "even behind a deny: narrow the peer, or split the range around the port (e.g. 1024-3388, "
                    "3390-65535)")


def route_table_size(sections: Sections) -> Iterator[Problem]:
    """Each VPC's app route tables fit the route table quota (hub routes, the default route, gateway endpoints);
    reports `landing-zone:network.vpcs.<account>.segment` when they would not."""
    network: NetworkConfig = sections["network"]
    plan = routing_plan(network)
    for account in network.vpcs:
        routes = len(plan.peers(account)) + 1 + len(GATEWAY_SERVICES)  # hub routes, 0.0.0.0/0, endpoint prefix lists
        if routes > network.route_table_quota:
            yield Problem(f"network.vpcs.{account}.segment",
                          f"{account}'s app route tables would need {routes} routes ({routes - 3} ranges reachable over "
                          f"the hub), over the quota of {network.route_table_quota}; allocate each segment's VPCs "
                          "from one range so they summarize, or raise network.route_table_quota after AWS raised it")


def hub_and_on_premises_accounts(sections: Sections) -> Iterator[Problem]:
    """The transit hub lives in a member account and on-premises reaches only accounts with a VPC; reports
    `landing-zone:network.transit_gateway.account` or `landing-zone:network.on_premises.reach[i]`."""
    network: NetworkConfig = sections["network"]
    accounts = [account.name for account in sections["accounts"]]
    hub = network.transit_gateway
    if hub is not None and hub.account not in accounts:
        yield Problem("network.transit_gateway.account",
                      f"`{hub.account}` is not a member account; the hub belongs in one of {accounts}")
    for index, name in enumerate(network.on_premises.reach):
        if name not in network.vpcs:
            yield Problem(join_path("network.on_premises.reach", index),
                          f"`{name}` has no VPC to reach; use one of {sorted(network.vpcs)}")


def on_premises_and_direct_connect(sections: Sections) -> Iterator[Problem]:
    """On-premises ranges miss the VPCs; Direct Connect comes with the hub, its own ASNs, prefixes and reach, and
    advertises only reached VPCs; reports under `landing-zone:network.on_premises` or `.direct_connect`."""
    network: NetworkConfig = sections["network"]
    on_premises = network.on_premises
    vpc_ranges = {name: vpc.network for name, vpc in network.vpcs.items()}
    for index, prefix in enumerate(on_premises.prefixes):
        for name, cidr in vpc_ranges.items():
            if ipaddress.IPv4Network(prefix).overlaps(cidr):
                yield Problem(join_path("network.on_premises.prefixes", index),
                              f"{prefix} overlaps the VPC of {name} ({cidr}); on-premises and VPC ranges must differ")
    dx = network.direct_connect
    if dx is None:
        if on_premises.prefixes or on_premises.reach:
            yield Problem("network.on_premises", "on-premises networks are reached through Direct Connect; "
                                                 "configure network.direct_connect or empty prefixes and reach")
        return
    if network.transit_gateway is None:
        yield Problem("network.direct_connect", "Direct Connect attaches to the transit hub; configure "
                                                "network.transit_gateway too")
    else:
        hub_asn = network.transit_gateway.amazon_side_asn
        if dx.amazon_side_asn == hub_asn:
            yield Problem("network.direct_connect.amazon_side_asn",
                          f"{hub_asn} is also the Transit Gateway's ASN; the two gateways need different ASNs")
    amazon_asns = {dx.amazon_side_asn} | ({network.transit_gateway.amazon_side_asn} if network.transit_gateway else set())
    if dx.customer_asn in amazon_asns:
        yield Problem("network.direct_connect.customer_asn",
                      f"{dx.customer_asn} is also an Amazon-side ASN; the on-premises router needs its own ASN")
    if not on_premises.prefixes or not on_premises.reach:
        yield Problem("network.on_premises", "Direct Connect is configured but on_premises lists no prefixes or no "
                                             "accounts to reach; list both")
    for index, prefix in enumerate(dx.allowed_prefixes):
        for name, cidr in vpc_ranges.items():
            if name not in on_premises.reach and ipaddress.IPv4Network(prefix).overlaps(cidr):
                yield Problem(join_path("network.direct_connect.allowed_prefixes", index),
                              f"{prefix} would advertise the VPC of {name} ({cidr}) to on-premises, but {name} is not "
                              "in on_premises.reach; narrow the prefix or add the account")


def vpc_ranges(sections: Sections) -> Iterator[Problem]:
    """No two VPC ranges overlap; reports `landing-zone:network.vpcs.<account>.cidr` of the later VPC."""
    network: NetworkConfig = sections["network"]
    claimed: list[tuple[str, ipaddress.IPv4Network]] = []
    for name, vpc in network.vpcs.items():
        for other, other_network in claimed:
            if vpc.network.overlaps(other_network):
                yield Problem(f"network.vpcs.{name}.cidr", f"overlaps {other} ({other_network}); give each VPC its own range")
        claimed.append((name, vpc.network))


def vpc_accounts(sections: Sections) -> Iterator[Problem]:
    """Each VPC belongs to a configured account or `management`; reports `landing-zone:network.vpcs.<name>`
    otherwise."""
    accounts = [account.name for account in sections["accounts"]]
    for name in sections["network"].vpcs:
        if name not in accounts and name != MANAGEMENT:
            yield Problem(f"network.vpcs.{name}", f"`{name}` is not a configured account; use one of {accounts}")


def vpc_zones_and_subnets(sections: Sections) -> Iterator[Problem]:
    """A VPC's own AZs suit the region and its subnets fit its range in its AZs; reports
    `landing-zone:network.vpcs.<account>.availability_zones` or `landing-zone:network.vpcs.<account>.subnets`."""
    org: OrganizationConfig = sections["organization"]
    network: NetworkConfig = sections["network"]
    for name, vpc in network.vpcs.items():
        path = f"network.vpcs.{name}"
        zones = vpc.availability_zones or org.availability_zones
        if vpc.availability_zones is not None:
            yield from zone_problems(f"{path}.availability_zones", zones, org.region, minimum=org.min_azs,
                                         production=org.production)
        try:
            vpc.subnet_plan(zones)
        except ValueError as exc:
            yield Problem(f"{path}.subnets", str(exc))

