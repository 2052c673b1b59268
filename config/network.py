"""`landing-zone:network`: one VPC per account, its CIDR and how its subnets are carved per AZ."""

from __future__ import annotations

import ipaddress

from pydantic import Field, field_validator

from config.base import AccountName, Model


class SubnetTiersConfig(Model):
    """Prefix length of each tier's subnet in every AZ; subnets are carved in this order from the VPC CIDR."""

    public: int = Field(24, ge=16, le=28, description="Load balancers and NAT gateways; /24 is 251 usable addresses.")
    app: int = Field(20, ge=16, le=28, description="Private application tier; the largest, it holds instances.")
    data: int = Field(24, ge=16, le=28, description="Isolated data tier (no internet route).")

    def items(self) -> list[tuple[str, int]]:
        return [("public", self.public), ("app", self.app), ("data", self.data)]


class VpcConfig(Model):
    cidr: str = Field(description="IPv4 CIDR of the VPC, /16 to /24, e.g. 10.1.0.0/16.")
    availability_zones: list[str] | None = Field(
        None, description="AZs of this VPC; defaults to the organization's list."
    )
    subnets: SubnetTiersConfig = Field(default_factory=SubnetTiersConfig,
                                       description="Prefix length of each subnet tier in every AZ.")

    @field_validator("cidr")
    @classmethod
    def _cidr_shape(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"`{value}` is not an IPv4 network CIDR ({exc}); write it like 10.1.0.0/16") from None
        if not 16 <= network.prefixlen <= 24:
            raise ValueError(f"a VPC CIDR must be /16 to /24, got /{network.prefixlen}")
        return value

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self.cidr)

    def subnet_plan(self, zones: list[str]) -> list[tuple[str, str, ipaddress.IPv4Network]]:
        """(tier, zone, cidr) for every tier in every zone, carved in order and aligned to each block's size.

        Raises ValueError naming what was needed when the tiers do not fit the VPC.
        """
        base = int(self.network.network_address)
        end = base + self.network.num_addresses
        cursor = base
        plan = []
        for tier, prefix in self.subnets.items():
            size = 2 ** (32 - prefix)
            for zone in zones:
                cursor = -(-cursor // size) * size  # round up to the block boundary
                if prefix < self.network.prefixlen or cursor + size > end:
                    needed = sum(2 ** (32 - p) for _, p in self.subnets.items()) * len(zones)
                    raise ValueError(
                        f"{tier} /{prefix} subnets in {len(zones)} AZs do not fit {self.cidr}: the tiers need "
                        f"{needed} addresses, the VPC has {self.network.num_addresses}; use a larger VPC or "
                        "longer subnet prefixes"
                    )
                plan.append((tier, zone, ipaddress.IPv4Network((cursor, prefix))))
                cursor += size
        return plan


class NetworkConfig(Model):
    vpcs: dict[AccountName, VpcConfig] = Field(
        default_factory=dict, description="One VPC per account that needs a network, keyed by account name."
    )
