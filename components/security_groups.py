"""A small typed model of least-privilege security groups.

Every rule names its peer: another `SecurityGroup` or a `Cidr`. Only a group created with `public=True` may
admit the internet (0.0.0.0/0 or ::/0), and only on TCP 80 or 443; anything else raises ValueError before a
resource exists. Rules are separate `aws.vpc.SecurityGroupIngressRule` / `SecurityGroupEgressRule` resources
(never inline), each parented to the group it belongs to, so egress is exactly what was written: the group
starts with none (the provider removes AWS's allow-all egress).

    db = SecurityGroup("dev-db", vpc_id=vpc.vpc_id, group_name="shop-dev-db", description="Aurora",
                       opts=pulumi.ResourceOptions(parent=self))
    connect(vpc.security_groups["app"], db, tcp(5432), "app tier to Aurora")   # app egress + db ingress
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from config.security_groups import internet_exposure_problem

# The tag the policy rules read to tell a public load balancer's group from every other group.
EXPOSURE_TAG = "Exposure"


@dataclass(frozen=True)
class Ports:
    """A protocol and an inclusive port range; `all` means every protocol and port."""

    protocol: Literal["tcp", "udp", "all"]
    from_port: int = 0
    to_port: int = 65535

    def __post_init__(self) -> None:
        if not 0 <= self.from_port <= self.to_port <= 65535:
            raise ValueError(f"ports {self.from_port}-{self.to_port} are not a range within 0-65535")
        if self.protocol == "all" and (self.from_port, self.to_port) != (0, 65535):
            raise ValueError("protocol `all` covers every port; give no range")

    @property
    def key(self) -> str:
        if self.protocol == "all":
            return "all"
        span = str(self.from_port) if self.from_port == self.to_port else f"{self.from_port}-{self.to_port}"
        return f"{self.protocol}{span}"


def tcp(port: int, to_port: int | None = None) -> Ports:
    return Ports("tcp", port, port if to_port is None else to_port)


def udp(port: int, to_port: int | None = None) -> Ports:
    return Ports("udp", port, port if to_port is None else to_port)


ALL_TRAFFIC = Ports("all")


@dataclass(frozen=True)
class Cidr:
    """A peer named by address range (IPv4 or IPv6, host bits clear)."""

    block: str

    def __post_init__(self) -> None:
        ipaddress.ip_network(self.block, strict=True)

    @property
    def ipv6(self) -> bool:
        return ipaddress.ip_network(self.block).version == 6

    @property
    def key(self) -> str:
        return re.sub(r"[^0-9a-z]+", "-", self.block.lower()).strip("-")


class SecurityGroup:
    """An `aws.ec2.SecurityGroup` with no rules but those added through `allow_from` / `allow_to` / `connect`.

    `name` is the logical name (unique in the stack); `group_name` the AWS name. Give `opts` with the parent
    (and so the account's provider); the rules become children of the group.
    """

    def __init__(self, name: str, *, vpc_id: pulumi.Input[str], group_name: str, description: str,
                 public: bool = False, opts: pulumi.ResourceOptions | None = None):
        self.name = name
        self.public = public
        self.group = aws.ec2.SecurityGroup(
            name,
            name=group_name,
            description=description,
            vpc_id=vpc_id,
            revoke_rules_on_delete=True,
            tags={"Name": group_name, EXPOSURE_TAG: "public" if public else "internal"},
            opts=opts,
        )
        self.id: pulumi.Output[str] = self.group.id
        self._rules: dict[str, aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule] = {}

    def allow_from(self, peer: SecurityGroup | Cidr, ports: Ports, description: str) -> aws.vpc.SecurityGroupIngressRule:
        """Admit `ports` from `peer`. The internet only into a public group, only on TCP 80/443."""
        if isinstance(peer, Cidr):
            problem = internet_exposure_problem(self.public, ports.protocol, (ports.from_port, ports.to_port),
                                                cidr=peer.block)
            if problem:
                raise ValueError(f"security group {self.name}: {problem}")
        rule = self._rule("in", peer, ports, description=description)
        assert isinstance(rule, aws.vpc.SecurityGroupIngressRule)
        return rule

    def allow_to(self, peer: SecurityGroup | Cidr, ports: Ports, description: str) -> aws.vpc.SecurityGroupEgressRule:
        """Let members open connections to `peer` on `ports` (answers to admitted traffic need no rule)."""
        rule = self._rule("out", peer, ports, description=description)
        assert isinstance(rule, aws.vpc.SecurityGroupEgressRule)
        return rule

    def _rule(self, direction: str, peer: SecurityGroup | Cidr, ports: Ports,
              *, description: str) -> aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule:
        """One rule per direction, peer and ports: asking twice returns the first."""
        peer_key = peer.name if isinstance(peer, SecurityGroup) else peer.key
        name = f"{self.name}-{direction}-{ports.key}-{peer_key}"
        if name not in self._rules:
            kind = aws.vpc.SecurityGroupIngressRule if direction == "in" else aws.vpc.SecurityGroupEgressRule
            self._rules[name] = kind(
                name, security_group_id=self.id, description=description,
                **_peer_args(peer), **_port_args(ports), opts=pulumi.ResourceOptions(parent=self.group),
            )
        return self._rules[name]


Peer = SecurityGroup | Cidr


def connect(source: SecurityGroup, target: SecurityGroup, ports: Ports,
            *, description: str) -> tuple[aws.vpc.SecurityGroupEgressRule, aws.vpc.SecurityGroupIngressRule]:
    """`source` may open connections to `target` on `ports`: egress on the source, ingress on the target."""
    return source.allow_to(target, ports, description), target.allow_from(source, ports, description)


def _peer_args(peer: SecurityGroup | Cidr) -> dict[str, pulumi.Input[str]]:
    if isinstance(peer, SecurityGroup):
        return {"referenced_security_group_id": peer.id}
    return {"cidr_ipv6": peer.block} if peer.ipv6 else {"cidr_ipv4": peer.block}


def _port_args(ports: Ports) -> dict[str, pulumi.Input[str] | int]:
    if ports.protocol == "all":
        return {"ip_protocol": "-1"}
    return {"ip_protocol": ports.protocol, "from_port": ports.from_port, "to_port": ports.to_port}
