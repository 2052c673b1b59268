"""Network: security-group exposure, NACL admin ports, flow logs, NAT per AZ, segment isolation.

References are followed through `property_dependencies` (input -> URNs), known even before ids exist.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .plumbing import Graph, Resource, number, stack_rule
from .resource_types import (
    INTERNET_GATEWAY,
    NAT_GATEWAY,
    ROUTE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    SECURITY_GROUP,
    SUBNET,
    TGW_ATTACHMENTS,
    TGW_ROUTE_TABLE,
    VPC,
)

# References are followed through `property_dependencies` (input -> URNs), known even before ids exist.

PUBLIC_WEB_PORTS = (80, 443)
ADMIN_PORTS = (22, 3389)
# Segments whose networks must never route to each other.
ISOLATED_SEGMENTS = (frozenset({"dev", "prod"}),)


def anywhere(cidr: Any) -> bool:
    try:
        return isinstance(cidr, str) and ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def _overlaps(a: Any, b: Any) -> bool:
    try:
        return ipaddress.ip_network(a, strict=False).overlaps(ipaddress.ip_network(b, strict=False))
    except (TypeError, ValueError):
        return False


def _protocol(value: Any) -> str:
    text = str(value).lower()
    return {"6": "tcp", "17": "udp", "-1": "all"}.get(text, text)


def _covers(protocol: Any, from_port: Any, to_port: Any, *, port: int) -> bool:
    kind = _protocol(protocol)
    if kind == "all":
        return True
    return kind == "tcp" and from_port is not None and int(from_port) <= port <= int(to_port if to_port is not None
                                                                                     else from_port)


def _web_only(public: bool, protocol: Any, from_port: Any, *, to_port: Any) -> bool:
    return (public and _protocol(protocol) == "tcp" and from_port is not None and from_port == to_port
            and int(from_port) in PUBLIC_WEB_PORTS)


@stack_rule("security-group-internet-ingress", "Ingress from 0.0.0.0/0 or ::/0 only on TCP 80/443, and only into "
                                               "a security group tagged Exposure=public (a public load balancer).")
def security_group_internet_ingress(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = Graph(resources)
    for resource in resources:
        rules: list[tuple[Any, Any, Any, list[Any]]] = []
        groups: list[Resource] = []
        if resource.type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            rules = [(resource.inputs.get("ipProtocol"), resource.inputs.get("fromPort"), resource.inputs.get("toPort"),
                      [resource.inputs.get("cidrIpv4"), resource.inputs.get("cidrIpv6")])]
        elif resource.type == "aws:ec2/securityGroupRule:SecurityGroupRule" and resource.inputs.get("type") == "ingress":
            rules = [(resource.inputs.get("protocol"), resource.inputs.get("fromPort"), resource.inputs.get("toPort"),
                      [*(resource.inputs.get("cidrBlocks") or []), *(resource.inputs.get("ipv6CidrBlocks") or [])])]
        elif resource.type in (SECURITY_GROUP, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"):
            rules = [(rule.get("protocol"), rule.get("fromPort"), rule.get("toPort"),
                      [*(rule.get("cidrBlocks") or []), *(rule.get("ipv6CidrBlocks") or [])])
                     for rule in resource.inputs.get("ingress") or []]
            groups = [resource] if resource.type == SECURITY_GROUP else []
        if not rules:
            continue
        if not groups and resource.type != "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
            parent = graph.by_urn.get(resource.parent or "")
            groups = ([parent] if parent is not None and parent.type == SECURITY_GROUP
                      else graph.deps(resource, "securityGroupId", SECURITY_GROUP))
        public = bool(groups) and all(group.tags.get("Exposure") == "public" for group in groups)
        for protocol, from_port, to_port, cidrs in rules:
            for cidr in (c for c in cidrs if anywhere(c)):
                if not _web_only(public, protocol, from_port, to_port=to_port):
                    where = "a public group" if public else "a group not tagged Exposure=public"
                    ports = f"{number(from_port)}-{number(to_port)}"
                    yield resource.urn, (f"{resource.name} admits {cidr} on {_protocol(protocol)} {ports} "
                                         f"into {where}; only a public load balancer group may admit the internet, "
                                         "on TCP 80 or 443")


def _first_anywhere_match(entries: list[Mapping[str, Any]], port: int) -> Mapping[str, Any] | None:
    ordered = sorted(entries, key=lambda e: int(e.get("ruleNo") or e.get("ruleNumber") or 0))
    for entry in ordered:
        if not (anywhere(entry.get("cidrBlock")) or anywhere(entry.get("ipv6CidrBlock"))):
            continue
        if _covers(entry.get("protocol"), entry.get("fromPort"), entry.get("toPort"), port=port):
            return entry if str(entry.get("action") or entry.get("ruleAction")).lower() == "allow" else None
    return None


@stack_rule("nacl-admin-ports-closed", "No network ACL admits TCP 22 or 3389 from 0.0.0.0/0 or ::/0 "
                                       "(the first matching rule for the internet must not allow it).")
def nacl_admin_ports_closed(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = Graph(resources)
    acls: dict[str, tuple[str, list[Mapping[str, Any]]]] = {}
    for acl in graph.of("aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"):
        acls[acl.urn] = (acl.name, list(acl.inputs.get("ingress") or []))
    for rule in graph.of("aws:ec2/networkAclRule:NetworkAclRule"):
        if rule.inputs.get("egress"):
            continue
        owner = next((d.urn for d in graph.deps(rule, "networkAclId", "aws:ec2/networkAcl:NetworkAcl")),
                     str(rule.inputs.get("networkAclId") or rule.urn))
        acls.setdefault(owner, (rule.name, []))[1].append(rule.inputs)
    for urn, (name, entries) in acls.items():
        for port in ADMIN_PORTS:
            opener = _first_anywhere_match(entries, port)
            if opener is not None:
                rule_number = number(opener.get("ruleNo") or opener.get("ruleNumber"))
                yield urn, (f"network ACL {name} rule {rule_number} admits TCP {port} from the internet; deny it or "
                            "narrow the CIDR (use Session Manager for administration)")


@stack_rule("vpc-flow-logs", "Every VPC has a flow log capturing ALL traffic.")
def vpc_flow_logs(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = Graph(resources)
    for vpc in graph.of(VPC):
        logs = graph.dependents(vpc, "vpcId", "aws:ec2/flowLog:FlowLog")
        if not any(log.inputs.get("trafficType") == "ALL" for log in logs):
            yield vpc.urn, f"VPC {vpc.name} has no flow log with traffic_type ALL; add an aws.ec2.FlowLog for it"


def _zone(subnet: Resource) -> Any:
    return subnet.inputs.get("availabilityZone") or subnet.inputs.get("availabilityZoneId")


def _default_targets(graph: Graph, table: Resource) -> list[Resource]:
    """What the route table's 0.0.0.0/0 routes point at (separate routes and inline ones)."""
    targets = []
    for route in graph.dependents(table, "routeTableId", ROUTE):
        if route.inputs.get("destinationCidrBlock") == "0.0.0.0/0":
            targets.extend(graph.deps(route, "natGatewayId", NAT_GATEWAY) + graph.deps(route, "gatewayId", INTERNET_GATEWAY)
                           or [route])
    if any(r.get("cidrBlock") == "0.0.0.0/0" for r in table.inputs.get("routes") or []):
        targets.extend(graph.deps(table, "routes", NAT_GATEWAY, INTERNET_GATEWAY) or [table])
    return targets


def _subnet_defaults(graph: Graph) -> dict[str, tuple[Resource, list[Resource]]]:
    """Subnet URN -> (subnet, targets of its default route)."""
    found: dict[str, tuple[Resource, list[Resource]]] = {s.urn: (s, []) for s in graph.of(SUBNET)}
    for association in graph.of(ROUTE_TABLE_ASSOCIATION):
        for subnet in graph.deps(association, "subnetId", SUBNET):
            for table in graph.deps(association, "routeTableId", ROUTE_TABLE):
                found[subnet.urn][1].extend(_default_targets(graph, table))
    return found


def _is_private(subnet: Resource, targets: list[Resource]) -> bool:
    return subnet.tags.get("Tier") == "app" or any(t.type == NAT_GATEWAY for t in targets)


@stack_rule("private-subnet-nat-same-az", "Every private subnet's default route points to a NAT gateway in the "
                                          "subnet's own AZ.")
def private_subnet_nat_same_az(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = Graph(resources)
    for subnet, targets in _subnet_defaults(graph).values():
        if any(t.type == INTERNET_GATEWAY for t in targets) or not _is_private(subnet, targets):
            continue
        if not targets:
            yield subnet.urn, f"private subnet {subnet.name} has no default route; route 0.0.0.0/0 to its AZ's NAT"
        for target in targets:
            nat_zones = [_zone(s) for s in graph.deps(target, "subnetId", SUBNET)] if target.type == NAT_GATEWAY else []
            if nat_zones != [_zone(subnet)]:
                yield subnet.urn, (f"private subnet {subnet.name} in {_zone(subnet)} sends 0.0.0.0/0 to {target.name}"
                                   f"{f' in {nat_zones[0]}' if nat_zones else ''}; use the NAT gateway of its own AZ")


@stack_rule("nat-gateway-per-az", "A VPC with private subnets has exactly one NAT gateway in every AZ it spans.")
def nat_gateway_per_az(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = Graph(resources)
    defaults = _subnet_defaults(graph)
    for vpc in graph.of(VPC):
        subnets = graph.dependents(vpc, "vpcId", SUBNET)
        if not any(_is_private(s, defaults[s.urn][1]) for s in subnets):
            continue
        zones = sorted({str(_zone(s)) for s in subnets})
        nat_zones = sorted(str(_zone(s)) for s in subnets for _ in graph.dependents(s, "subnetId", NAT_GATEWAY))
        if nat_zones != zones:
            yield vpc.urn, (f"VPC {vpc.name} spans {zones} but has {len(nat_zones)} NAT gateway(s) in {nat_zones}; "
                            "put exactly one NAT gateway in each AZ's public subnet")


def _isolated(a: Any, b: Any) -> bool:
    return frozenset({a, b}) in ISOLATED_SEGMENTS


@stack_rule("transit-segments-isolated", "Dev and production never route to each other: no Transit Gateway route "
                                         "table of one segment associates, learns or routes to the other, and no "
                                         "VPC route sends traffic for the other segment's VPCs to the hub.")
def transit_segments_isolated(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = Graph(resources)
    vpc_ranges = [(vpc.tags.get("Segment"), vpc.inputs.get("cidrBlock"), vpc.name) for vpc in graph.of(VPC)]
    hub_links = ("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
                 "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
                 "aws:ec2transitgateway/route:Route")
    for link in graph.of(*hub_links):
        for table in graph.deps(link, "transitGatewayRouteTableId", TGW_ROUTE_TABLE):
            segment = table.tags.get("Segment")
            for attachment in graph.deps(link, "transitGatewayAttachmentId", *TGW_ATTACHMENTS):
                if _isolated(segment, attachment.tags.get("Segment")):
                    yield link.urn, (f"{link.name} joins the {segment} route table {table.name} to the "
                                     f"{attachment.tags.get('Segment')} attachment {attachment.name}")
            destination = link.inputs.get("destinationCidrBlock")
            for other, cidr, name in vpc_ranges:
                if destination and _isolated(segment, other) and _overlaps(destination, cidr):
                    yield link.urn, f"{link.name} routes {destination} ({other} VPC {name}) in the {segment} table"
    for route in graph.of(ROUTE):
        if "transitGatewayId" not in set(route.inputs):  # the key alone: the hub's id is unknown until it exists
            continue
        destination = route.inputs.get("destinationCidrBlock")
        for table in graph.deps(route, "routeTableId", ROUTE_TABLE):
            for vpc in graph.deps(table, "vpcId", VPC):
                segment = vpc.tags.get("Segment")
                for other, cidr, name in vpc_ranges:
                    if _isolated(segment, other) and _overlaps(destination, cidr):
                        yield route.urn, (f"{route.name} in {segment} VPC {vpc.name} sends {destination} to the hub, "
                                          f"which covers {other} VPC {name} ({cidr})")
