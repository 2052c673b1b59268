"""CIDR field types shared by the network models: written like 10.1.0.0/16, host bits clear."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import AfterValidator, Field


def _ipv4_network(value: str) -> str:
    try:
        ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"`{value}` is not an IPv4 network CIDR ({exc}); write it like 10.1.0.0/16") from None
    return value


def _ip_network(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"`{value}` is not an IPv4 or IPv6 network CIDR ({exc}); write it like 10.1.0.0/16") from None
    return value


Ipv4Cidr = Annotated[str, AfterValidator(_ipv4_network),
                     Field(description="An IPv4 network in CIDR notation with host bits clear, e.g. 10.1.0.0/16.")]
IpCidr = Annotated[str, AfterValidator(_ip_network),
                   Field(description="An IPv4 or IPv6 network in CIDR notation, e.g. 10.1.0.0/16 or ::/0.")]


def is_anywhere(cidr: str) -> bool:
    """0.0.0.0/0 or ::/0: every address of the family, i.e. the internet."""
    return ipaddress.ip_network(cidr, strict=False).prefixlen == 0


def collapse(cidrs: list[str]) -> list[str]:
    """The fewest IPv4 networks that cover exactly `cidrs` (adjacent VPC ranges merge), sorted."""
    networks = [ipaddress.IPv4Network(cidr) for cidr in cidrs]
    return [str(network) for network in ipaddress.collapse_addresses(networks)]
