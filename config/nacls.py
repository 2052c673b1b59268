"""`landing-zone:network.nacls`: one stateless network ACL per subnet tier, both directions written out.

A rule's `peer` is a CIDR or a name the program expands per VPC: `vpc` (the VPC's CIDR), `public` / `app` /
`data` (that tier's subnet in every AZ) or `peers` (the ranges the transit hub lets this VPC reach). A rule that
expands to several CIDRs takes consecutive rule numbers from its own, so rules are spaced 100 apart by default.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator, model_validator

from config.base import Model
from config.cidrs import is_anywhere
from config.ports import check_ports, port_range

Tier = Literal["public", "app", "data"]
TIERS: tuple[Tier, ...] = ("public", "app", "data")
Direction = Literal["inbound", "outbound"]
PEER_NAMES = ("vpc", "public", "app", "data", "peers")
ANYWHERE = "0.0.0.0/0"
# Remote administration never comes from the internet: Session Manager through the VPC endpoints replaces it.
ADMIN_PORTS = (22, 3389)
EPHEMERAL = (1024, 65535)  # NAT gateways and load balancers use the whole range for their source ports
# Return traffic from the internet: the ephemeral range around 3389, which no rule may allow from anywhere
# (Security Hub EC2.21). A NAT connection that draws source port 3389 (1 in 64,512) gets no answer and is retried.
EPHEMERAL_FROM_INTERNET = ((1024, 3388), (3390, 65535))


class NaclRuleConfig(Model):
    number: int = Field(ge=1, le=32766, description="Rule number 1-32766; the lowest matching number decides.")
    action: Literal["allow", "deny"] = Field("allow", description="Allow or deny matching traffic.")
    protocol: Literal["tcp", "udp", "all"] = Field("tcp", description="tcp, udp, or all (every protocol and port).")
    from_port: int | None = Field(None, ge=0, le=65535, description="First port; required for tcp and udp.")
    to_port: int | None = Field(None, ge=0, le=65535, description="Last port; defaults to from_port.")
    peer: str = Field(description="A CIDR (0.0.0.0/0 for anywhere), or `vpc`, `public`, `app`, `data`, `peers`.")
    comment: str = Field("", max_length=200, description="Why the rule exists (not sent to AWS).")

    @field_validator("peer")
    @classmethod
    def _peer_shape(cls, value: str) -> str:
        if value in PEER_NAMES:
            return value
        try:
            ipaddress.IPv4Network(value, strict=True)
        except ValueError:
            raise ValueError(f"`{value}` is neither an IPv4 CIDR nor one of {list(PEER_NAMES)}") from None
        return value

    @model_validator(mode="after")
    def _ports(self) -> NaclRuleConfig:
        check_ports(self.protocol, self.from_port, self.to_port)
        return self

    @property
    def ports(self) -> tuple[int, int]:
        return port_range(self.from_port, self.to_port)


class NaclConfig(Model):
    inbound: list[NaclRuleConfig] = Field(default_factory=list, description="Rules for traffic entering the tier.")
    outbound: list[NaclRuleConfig] = Field(default_factory=list, description="Rules for traffic leaving the tier.")


def _rule(number: int, peer: str, protocol: Literal["tcp", "udp", "all"] = "tcp", *, ports: tuple[int, int] | None = None,
          action: Literal["allow", "deny"] = "allow", comment: str = "") -> NaclRuleConfig:
    first, last = ports if ports else (None, None)
    return NaclRuleConfig(number=number, action=action, protocol=protocol, from_port=first, to_port=last, peer=peer,
                          comment=comment)


def _return_traffic(comment: str) -> list[NaclRuleConfig]:
    """Rules 400 and 410: answers from the internet to connections made from inside, 3389 left out."""
    return [_rule(400 + 10 * index, ANYWHERE, ports=ports, comment=f"{comment} (not {ADMIN_PORTS[1]})")
            for index, ports in enumerate(EPHEMERAL_FROM_INTERNET)]


def _public() -> NaclConfig:
    return NaclConfig(
        inbound=[
            _rule(100, ANYWHERE, ports=(80, 80), comment="HTTP to the public load balancer"),
            _rule(110, ANYWHERE, ports=(443, 443), comment="HTTPS to the public load balancer"),
            _rule(200, "vpc", "all", comment="the VPC: targets answering the load balancer, egress through NAT"),
            _rule(300, ANYWHERE, ports=(22, 22), action="deny", comment="never SSH from the internet"),
            _rule(310, ANYWHERE, ports=(3389, 3389), action="deny", comment="never RDP, though inside ephemeral"),
            *_return_traffic("return traffic of NAT and load balancer connections"),
        ],
        outbound=[
            _rule(100, ANYWHERE, ports=(80, 80), comment="NAT forwards HTTP"),
            _rule(110, ANYWHERE, ports=(443, 443), comment="NAT forwards HTTPS"),
            _rule(200, "vpc", "all", comment="load balancer to targets, NAT answers to the VPC"),
            _rule(400, ANYWHERE, ports=EPHEMERAL, comment="answers to internet clients"),
        ],
    )


def _app() -> NaclConfig:
    return NaclConfig(
        inbound=[
            _rule(100, "vpc", "all", comment="the public tier (load balancer) and the rest of the VPC"),
            _rule(200, "peers", ports=(443, 443), comment="services called over the transit hub"),
            _rule(300, ANYWHERE, ports=(22, 22), action="deny", comment="never SSH from outside the VPC"),
            _rule(310, ANYWHERE, ports=(3389, 3389), action="deny", comment="never RDP from outside the VPC"),
            *_return_traffic("return traffic through NAT and the transit hub"),
        ],
        outbound=[
            _rule(100, "vpc", "all", comment="the VPC, its endpoints and the data tier"),
            _rule(200, ANYWHERE, ports=(80, 80), comment="package mirrors through NAT"),
            _rule(210, ANYWHERE, ports=(443, 443), comment="AWS APIs and HTTPS through NAT or the hub"),
            _rule(400, "peers", ports=EPHEMERAL, comment="answers to callers over the transit hub"),
        ],
    )


def _data() -> NaclConfig:
    return NaclConfig(
        inbound=[
            _rule(100, "app", ports=(5432, 5432), comment="Aurora PostgreSQL from the app tier"),
            _rule(200, "app", ports=(443, 443), comment="OpenSearch HTTPS from the app tier"),
        ],
        outbound=[
            _rule(100, "app", ports=EPHEMERAL, comment="answers to the app tier"),
        ],
    )


class NaclsConfig(Model):
    """The rules of each tier's NACL; set a tier to replace its defaults."""

    public: NaclConfig = Field(default_factory=_public, description="Load balancers and NAT gateways.")
    app: NaclConfig = Field(default_factory=_app, description="Private application subnets.")
    data: NaclConfig = Field(default_factory=_data, description="Isolated data subnets: only database ports from app.")

    def tier(self, tier: Tier) -> NaclConfig:
        config: NaclConfig = getattr(self, tier)
        return config


@dataclass(frozen=True)
class NaclEntry:
    """One rule as AWS stores it; `rule` is the index of the config rule it came from."""

    number: int
    action: Literal["allow", "deny"]
    protocol: Literal["tcp", "udp", "all"]
    from_port: int
    to_port: int
    cidr: str
    rule: int


def expand(rules: list[NaclRuleConfig], vpc_cidr: str, tier_cidrs: Mapping[str, list[str]],
           *, peers: list[str]) -> list[NaclEntry]:
    """The entries of one direction of one NACL in one VPC, in rule-number order."""
    entries: list[NaclEntry] = []
    for index, rule in enumerate(rules):
        if rule.peer == "vpc":
            cidrs = [vpc_cidr]
        elif rule.peer == "peers":
            cidrs = peers
        elif rule.peer in TIERS:
            cidrs = tier_cidrs[rule.peer]
        else:
            cidrs = [rule.peer]
        first, last = rule.ports
        entries.extend(NaclEntry(rule.number + offset, rule.action, rule.protocol, first, last, cidr, index)
                       for offset, cidr in enumerate(cidrs))
    return sorted(entries, key=lambda entry: entry.number)


def admits_from_anywhere(entries: list[NaclEntry], port: int) -> NaclEntry | None:
    """The first entry that allows `port` (TCP, UDP or all traffic) from 0.0.0.0/0, whatever denies come before it:
    Security Hub's EC2.21 (AWS Config rule nacl-no-unrestricted-ssh-rdp) counts every allowing entry."""
    for entry in sorted(entries, key=lambda e: e.number):
        if entry.action != "allow" or not is_anywhere(entry.cidr):
            continue
        if entry.protocol == "all" or entry.from_port <= port <= entry.to_port:
            return entry
    return None
