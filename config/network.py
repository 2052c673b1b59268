"""`landing-zone:network`: one VPC per account, its CIDR and how its subnets are carved per AZ, its segment,
endpoints, flow logs, NACLs and shared security groups, and the transit hub that connects the VPCs."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, field_validator

from config.base import LOG_RETENTION_DAYS, AccountName, Model
from config.nacls import NaclsConfig
from config.security_groups import GroupName, SecurityGroupConfig
from config.segments import Segment
from config.transit import DirectConnectConfig, OnPremisesConfig, TransitGatewayConfig

# What Session Manager and the agents on instances need without NAT: SSM, its messages, logs and KMS.
DEFAULT_INTERFACE_ENDPOINTS = ["ssm", "ssmmessages", "ec2messages", "logs", "kms"]


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
    # dev is the safe default: a VPC that forgot its segment can reach shared services, never production.
    segment: Segment = Field("dev", description="Routing segment: dev and prod never reach each other; shared "
                             "(build, network hub) reaches and is reached by both.")
    interface_endpoints: list[str] | None = Field(
        None, description="Interface endpoints of this VPC; defaults to network.interface_endpoints."
    )

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


class FlowLogsConfig(Model):
    """VPC flow logs (all traffic) into a KMS-encrypted CloudWatch log group per VPC."""

    retention_days: int = Field(365, description="Days CloudWatch keeps flow logs; one of the values it accepts.")
    aggregation_seconds: Literal[60, 600] = Field(600, description="Capture window: 60 (finer, costlier) or 600.")

    @field_validator("retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            nearest = min(LOG_RETENTION_DAYS, key=lambda days: abs(days - value))
            raise ValueError(f"CloudWatch Logs cannot keep logs {value} days; use one of {list(LOG_RETENTION_DAYS)} "
                             f"(nearest: {nearest})")
        return value


class NetworkConfig(Model):
    vpcs: dict[AccountName, VpcConfig] = Field(
        default_factory=dict, description="One VPC per account that needs a network, keyed by account name."
    )
    interface_endpoints: list[str] = Field(
        default_factory=lambda: list(DEFAULT_INTERFACE_ENDPOINTS),
        description="Interface endpoints (service short names, e.g. ssm, logs, kms) in every VPC's app subnets; "
                    "S3 and DynamoDB always get gateway endpoints.",
    )
    flow_logs: FlowLogsConfig = Field(default_factory=FlowLogsConfig, description="Flow logs of every VPC.")
    nacls: NaclsConfig = Field(default_factory=NaclsConfig, description="Rules of each subnet tier's network ACL.")
    # AWS's default quota of rules per NACL direction; raise it with AWS first (at most 40), then here.
    nacl_rules_quota: int = Field(20, ge=20, le=40, description="Rules allowed per NACL and direction.")
    # AWS's default quota of routes per VPC route table (gateway endpoint prefix lists count too).
    route_table_quota: int = Field(50, ge=50, le=1000, description="Routes allowed per VPC route table.")
    security_groups: dict[GroupName, SecurityGroupConfig] = Field(
        default_factory=dict, description="Shared security groups created in every VPC of their segments."
    )
    transit_gateway: TransitGatewayConfig | None = Field(
        None, description="The transit hub; without it every VPC stands alone."
    )
    on_premises: OnPremisesConfig = Field(default_factory=OnPremisesConfig,
                                          description="On-premises ranges and the accounts they reach.")
    direct_connect: DirectConnectConfig | None = Field(
        None, description="Direct Connect to on-premises through the hub; none means no on-premises path."
    )

    def endpoints_of(self, account: str) -> list[str]:
        chosen = self.vpcs[account].interface_endpoints
        return list(self.interface_endpoints if chosen is None else chosen)

    def groups_of(self, account: str) -> dict[str, SecurityGroupConfig]:
        """The shared security groups the VPC of `account` gets, in config order."""
        segment = self.vpcs[account].segment
        return {name: group for name, group in self.security_groups.items()
                if group.segments is None or segment in group.segments}
