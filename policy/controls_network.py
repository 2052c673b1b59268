"""Network controls: default VPCs and security groups, flow logs, endpoints, subnets, NACLs, security groups open to
the internet, the transit gateway.

Every account has a default VPC in every region until someone deletes it, so where no aws.ec2.DefaultVpc of the
account and region is registered, the default VPC Security Hub finds there is AWS's own: a default security group
that admits itself and sends anywhere, a network ACL that allows everything, subnets that hand out public IPs and
no flow logs. Rule semantics follow the controls' AWS Config rules (Security Hub user guide, ec2-controls.html).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

if __package__:  # imported as policy.controls_network by the preview and the tests
    from . import rules
    from .security_hub import Estate, Finding, evaluates, label
else:  # the CrossGuard pack imports its modules from the pack directory
    import rules  # type: ignore[no-redef]
    from security_hub import Estate, Finding, evaluates, label  # type: ignore[no-redef]

REMOTE_ADMINISTRATION_PORTS = (22, 3389)
# EC2.18's default authorizedTcpPorts.
AUTHORIZED_PUBLIC_PORTS = (80, 443)
# EC2.19's high-risk ports.
HIGH_RISK_PORTS = (20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601,
                   8080, 8088, 8888, 9200, 9300)

Rule = tuple[str, int, int, str]  # (protocol: tcp | udp | all | icmp..., from port, to port, source CIDR)


def _vpcs(estate: Estate) -> list[rules.Resource]:
    return estate.of(rules.VPC, rules.DEFAULT_VPC)


def unmanaged_default_vpcs(estate: Estate) -> list[tuple[str, rules.Resource, str]]:
    """(account, its resource, region) where the program leaves AWS's default VPC as AWS made it."""
    return [(name, account, region) for name, account, region in estate.places()
            if not estate.where(name, region, rules.DEFAULT_VPC)]


def _left_alone(estate: Estate, what: str) -> Iterator[Finding]:
    for name, account, region in unmanaged_default_vpcs(estate):
        yield Finding(account.urn, False, f"{name} in {region}: the default VPC is not managed, so {what}; adopt it "
                                          "with aws.ec2.DefaultVpc and lock it down")


def _of_vpc(estate: Estate, vpc: rules.Resource, key: str, *types: str) -> list[rules.Resource]:
    return estate.graph.dependents(vpc, key, *types)


@evaluates("EC2.2")
def default_security_groups_closed(estate: Estate) -> Iterator[Finding]:
    """EC2.2: every VPC's default security group is adopted with no rules (aws.ec2.DefaultSecurityGroup)."""
    for vpc in _vpcs(estate):
        groups = _of_vpc(estate, vpc, "vpcId", rules.DEFAULT_SECURITY_GROUP)
        if not groups:
            yield Finding(vpc.urn, False, f"VPC {label(vpc)}: its default security group keeps AWS's rules (self "
                                          "ingress, all egress); adopt it with aws.ec2.DefaultSecurityGroup, no rules")
        for group in groups:
            open_rules = [*rules.as_list(group.inputs.get("ingress")), *rules.as_list(group.inputs.get("egress"))]
            yield Finding(group.urn, not open_rules, f"default security group of {label(vpc)} "
                          + ("has no rules" if not open_rules else f"has {len(open_rules)} rule(s); remove them"))
    yield from _left_alone(estate, "its default security group admits itself and sends anywhere")


@evaluates("EC2.6")
def flow_logs(estate: Estate) -> Iterator[Finding]:
    """EC2.6: a flow log on every VPC."""
    for vpc in _vpcs(estate):
        logs = _of_vpc(estate, vpc, "vpcId", rules.FLOW_LOG)
        yield Finding(vpc.urn, bool(logs), f"VPC {label(vpc)} " + ("has a flow log" if logs else "has no flow log"))
    yield from _left_alone(estate, "it has no flow log")


@evaluates("EC2.10")
def ec2_endpoint(estate: Estate) -> Iterator[Finding]:
    """EC2.10: every VPC has an interface endpoint for the EC2 API (com.amazonaws.<region>.ec2)."""
    for vpc in _vpcs(estate):
        endpoints = [e for e in _of_vpc(estate, vpc, "vpcId", rules.VPC_ENDPOINT)
                     if str(e.inputs.get("serviceName", "")).endswith(".ec2")]
        yield Finding(vpc.urn, bool(endpoints), f"VPC {label(vpc)} "
                      + ("reaches EC2 through an endpoint" if endpoints else "has no ec2 interface endpoint"))
    yield from _left_alone(estate, "it has no ec2 endpoint")


@evaluates("EC2.15")
def subnets_without_public_ips(estate: Estate) -> Iterator[Finding]:
    """EC2.15: no subnet assigns public IPv4 addresses on launch."""
    for subnet in estate.of(rules.SUBNET, rules.DEFAULT_SUBNET):
        public = subnet.inputs.get("mapPublicIpOnLaunch") is True
        yield Finding(subnet.urn, not public, f"subnet {label(subnet)} "
                      + ("assigns public IPs on launch" if public else "assigns no public IPs"))
    yield from _left_alone(estate, "its default subnets assign public IPs")


@evaluates("EC2.16")
def network_acls_in_use(estate: Estate) -> Iterator[Finding]:
    """EC2.16: every network ACL is associated with a subnet. A VPC's default ACL, which AWS keeps for the VPC's
    lifetime and which takes any subnet that loses its own, is not counted."""
    associated = {urn for a in estate.of(rules.NETWORK_ACL_ASSOCIATION)
                  for urn in a.property_dependencies.get("networkAclId", ())}
    for acl in estate.of(rules.NETWORK_ACL):
        used = bool(rules.as_list(acl.inputs.get("subnetIds"))) or acl.urn in associated
        yield Finding(acl.urn, used, f"network ACL {label(acl)} " + ("serves subnets" if used else "serves no subnet"))


def _nacl_ingress(estate: Estate) -> dict[str, tuple[rules.Resource, list[Mapping[str, Any]]]]:
    """Every network ACL with its inbound entries (inline ones and separate aws.ec2.NetworkAclRule resources)."""
    acls = {acl.urn: (acl, list(rules.as_list(acl.inputs.get("ingress"))))
            for acl in estate.of(rules.NETWORK_ACL, rules.DEFAULT_NETWORK_ACL)}
    for entry in estate.of(rules.NETWORK_ACL_RULE):
        if entry.inputs.get("egress"):
            continue
        for acl in estate.graph.deps(entry, "networkAclId", rules.NETWORK_ACL):
            acls[acl.urn][1].append(entry.inputs)
    return acls


def _protocol(value: Any) -> str:
    return {"6": "tcp", "17": "udp", "-1": "all"}.get(str(value).lower(), str(value).lower())


def nacl_entry_admits(entry: Mapping[str, Any], port: int) -> bool:
    """Whether an inbound entry allows TCP or UDP `port` from 0.0.0.0/0 or ::/0. Like nacl-no-unrestricted-ssh-rdp,
    every allowing entry counts, whatever denies come before it."""
    action = str(entry.get("action") or entry.get("ruleAction") or "").lower()
    source = entry.get("cidrBlock") or entry.get("ipv6CidrBlock")
    if action != "allow" or not rules.anywhere(source):
        return False
    protocol = _protocol(entry.get("protocol"))
    if protocol == "all":
        return True
    low, high = int(entry.get("fromPort") or 0), int(entry.get("toPort") or entry.get("fromPort") or 0)
    return protocol in ("tcp", "udp") and low <= port <= high


@evaluates("EC2.21")
def nacl_remote_administration(estate: Estate) -> Iterator[Finding]:
    """EC2.21: no network ACL entry allows 0.0.0.0/0 or ::/0 to port 22 or 3389 (TCP or UDP)."""
    for acl, entries in _nacl_ingress(estate).values():
        opened = sorted({(port, int(e.get("ruleNo") or e.get("ruleNumber") or 0)) for e in entries
                         for port in REMOTE_ADMINISTRATION_PORTS if nacl_entry_admits(e, port)})
        yield Finding(acl.urn, not opened, f"network ACL {label(acl)} " + (
            "admits neither 22 nor 3389 from anywhere" if not opened else
            "; ".join(f"rule {number} admits port {port} from anywhere" for port, number in opened)))
    yield from _left_alone(estate, "its default network ACL allows everything in")


def security_group_ingress(estate: Estate) -> dict[str, tuple[rules.Resource, list[Rule]]]:
    """Every security group (default ones included) with its inbound rules from CIDR ranges."""
    groups: dict[str, tuple[rules.Resource, list[Rule]]] = {
        g.urn: (g, [(_protocol(r.get("protocol")), int(r.get("fromPort") or 0), int(r.get("toPort") or 0), cidr)
                    for r in rules.as_list(g.inputs.get("ingress"))
                    for cidr in [*rules.as_list(r.get("cidrBlocks")), *rules.as_list(r.get("ipv6CidrBlocks"))]])
        for g in estate.of(rules.SECURITY_GROUP, rules.DEFAULT_SECURITY_GROUP)}
    for rule in estate.of(rules.SECURITY_GROUP_INGRESS_RULE, rules.SECURITY_GROUP_RULE):
        inputs = rule.inputs
        if rule.type == rules.SECURITY_GROUP_RULE and inputs.get("type") != "ingress":
            continue
        protocol = _protocol(inputs.get("ipProtocol") or inputs.get("protocol"))
        cidrs = [inputs.get("cidrIpv4"), inputs.get("cidrIpv6"), *rules.as_list(inputs.get("cidrBlocks")),
                 *rules.as_list(inputs.get("ipv6CidrBlocks"))]
        owners = [urn for urn in rule.property_dependencies.get("securityGroupId", ()) if urn in groups]
        if not owners and rule.parent in groups:
            owners = [rule.parent]
        for urn in owners:
            groups[urn][1].extend((protocol, int(inputs.get("fromPort") or 0), int(inputs.get("toPort") or 0), str(c))
                                  for c in cidrs if c)
    return groups


def _open_ports(rules_: Sequence[Rule], ports: Sequence[int], ipv6: bool | None) -> list[int]:
    """Which of `ports` the rules open to the whole internet (IPv4, IPv6, or either when `ipv6` is None)."""
    opened: set[int] = set()
    for protocol, low, high, cidr in rules_:
        if not rules.anywhere(cidr):
            continue
        if ipv6 is not None and (ipaddress.ip_network(cidr, strict=False).version == 6) != ipv6:
            continue
        opened.update(p for p in ports if protocol == "all" or (protocol in ("tcp", "udp") and low <= p <= high))
    return sorted(opened)


def _group_findings(estate: Estate, ports: Sequence[int], ipv6: bool | None, *, what: str) -> Iterator[Finding]:
    for group, group_rules in security_group_ingress(estate).values():
        opened = _open_ports(group_rules, ports, ipv6)
        yield Finding(group.urn, not opened, f"security group {label(group)} "
                      + (f"opens {opened} to {what}" if opened else f"opens none of them to {what}"))


@evaluates("EC2.53")
def admin_ports_ipv4(estate: Estate) -> Iterator[Finding]:
    """EC2.53: no security group admits 0.0.0.0/0 to 22 or 3389."""
    yield from _group_findings(estate, REMOTE_ADMINISTRATION_PORTS, False, what="0.0.0.0/0")


@evaluates("EC2.54")
def admin_ports_ipv6(estate: Estate) -> Iterator[Finding]:
    """EC2.54: no security group admits ::/0 to 22 or 3389."""
    yield from _group_findings(estate, REMOTE_ADMINISTRATION_PORTS, True, what="::/0")


@evaluates("EC2.19")
def high_risk_ports(estate: Estate) -> Iterator[Finding]:
    """EC2.19: no security group opens a high-risk port to the internet."""
    yield from _group_findings(estate, HIGH_RISK_PORTS, None, what="the internet")


@evaluates("EC2.18")
def authorized_ports_only(estate: Estate) -> Iterator[Finding]:
    """EC2.18: the internet reaches a security group only on the authorized TCP ports (80 and 443)."""
    for group, group_rules in security_group_ingress(estate).values():
        bad = [f"{protocol} {low}-{high}" for protocol, low, high, cidr in group_rules if rules.anywhere(cidr)
               and not (protocol == "tcp" and low == high and low in AUTHORIZED_PUBLIC_PORTS)]
        yield Finding(group.urn, not bad, f"security group {label(group)} "
                      + (f"admits the internet on {bad}" if bad else "admits the internet on 80/443 at most"))


@evaluates("EC2.23")
def transit_gateway_manual_acceptance(estate: Estate) -> Iterator[Finding]:
    """EC2.23: the transit gateway does not accept shared VPC attachments on its own."""
    for gateway in estate.of(rules.TRANSIT_GATEWAY):
        auto = gateway.inputs.get("autoAcceptSharedAttachments") == "enable"
        yield Finding(gateway.urn, not auto, f"transit gateway {label(gateway)} "
                      + ("accepts attachments automatically" if auto else "accepts attachments only when told"))
