"""`landing-zone:network.transit_gateway`, `.on_premises` and `.direct_connect`: the hub and the way to the office."""

from __future__ import annotations

import ipaddress

from pydantic import Field, field_validator, model_validator

from config.base import AccountName, Model
from config.cidrs import Ipv4Cidr

# BGP ASNs AWS accepts for its own side of a transit or Direct Connect gateway (the private ranges).
PRIVATE_ASN_RANGES = ((64512, 65534), (4200000000, 4294967294))


def _private_asn(value: int) -> int:
    if not any(low <= value <= high for low, high in PRIVATE_ASN_RANGES):
        raise ValueError(f"{value} is not a private ASN; use 64512-65534 or 4200000000-4294967294")
    return value


class TransitGatewayConfig(Model):
    """The hub: one Transit Gateway, shared to the organization, one route table per segment in use."""

    account: AccountName = Field("network", description="Account that owns the Transit Gateway.")
    amazon_side_asn: int = Field(64512, description="BGP ASN of the Transit Gateway (private range).")
    description: str = Field("landing zone hub", max_length=255, description="Shown in the AWS console.")

    @field_validator("amazon_side_asn")
    @classmethod
    def _asn(cls, value: int) -> int:
        return _private_asn(value)


class OnPremisesConfig(Model):
    """The company's own networks and the accounts whose VPCs they may reach (through Direct Connect)."""

    prefixes: list[Ipv4Cidr] = Field(default_factory=list, description="Address ranges of the on-premises networks.")
    reach: list[AccountName] = Field(
        default_factory=list, description="Accounts whose VPCs exchange traffic with on-premises; none means none."
    )


class DirectConnectConfig(Model):
    """A Direct Connect gateway associated with the hub, and a transit virtual interface on an existing connection."""

    connection_id: str = Field(pattern=r"^dx(con|lag)-[0-9a-z]{8,}$",
                               description="Direct Connect connection or LAG id, e.g. dxcon-ffabc123.")
    vlan: int = Field(ge=1, le=4094, description="VLAN of the transit virtual interface (1-4094).")
    customer_asn: int = Field(ge=1, le=4294967294, description="BGP ASN of the on-premises router.")
    amazon_side_asn: int = Field(64513, description="BGP ASN of the Direct Connect gateway; differs from the hub's.")
    allowed_prefixes: list[Ipv4Cidr] = Field(
        min_length=1, max_length=20,
        description="VPC ranges advertised to on-premises (only accounts in on_premises.reach), at most 20.",
    )
    mtu: int = Field(1500, description="MTU of the virtual interface: 1500, or 8500 (jumbo frames).")
    amazon_address: str | None = Field(None, description="BGP peer address on the AWS side, e.g. 169.254.100.1/30; "
                                       "AWS assigns one when empty.")
    customer_address: str | None = Field(None, description="BGP peer address on the router, e.g. 169.254.100.2/30.")

    @field_validator("amazon_side_asn")
    @classmethod
    def _asn(cls, value: int) -> int:
        return _private_asn(value)

    @field_validator("mtu")
    @classmethod
    def _mtu(cls, value: int) -> int:
        if value not in (1500, 8500):
            raise ValueError(f"{value} is not an MTU a transit virtual interface supports; use 1500 or 8500")
        return value

    @field_validator("amazon_address", "customer_address")
    @classmethod
    def _peer_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            interface = ipaddress.IPv4Interface(value)
        except ValueError:
            raise ValueError(f"`{value}` is not a BGP peer address; write it like 169.254.100.1/30") from None
        if "/" not in value or interface.network.prefixlen < 29:
            raise ValueError(f"`{value}` needs its link prefix (/29 to /31), e.g. 169.254.100.1/30")
        return value

    @model_validator(mode="after")
    def _addresses_together(self) -> DirectConnectConfig:
        if (self.amazon_address is None) != (self.customer_address is None):
            raise ValueError("give both amazon_address and customer_address, or neither (AWS assigns both)")
        return self
