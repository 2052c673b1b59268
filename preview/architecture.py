"""The landing zone's architecture as the diagram and the report draw it: the organization, each account's VPC,
data tier and services, the Transit Gateway hub, Direct Connect and the alert path. `preview.architecture_reader`
reads it from an inventory document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TIERS = ("public", "app", "data")
DIRECT_CONNECT = "Direct Connect"

@dataclass
class Subnet:
    tier: str
    availability_zone: str
    cidr: str


@dataclass
class Vpc:
    cidr: str
    name: str
    segment: str | None
    subnets: list[Subnet]
    nat_zones: list[str]  # the AZ of each NAT gateway, one entry per gateway

    @property
    def zones(self) -> list[str]:
        return sorted({s.availability_zone for s in self.subnets} | set(self.nat_zones))

    def subnet(self, tier: str, zone: str) -> Subnet | None:
        return next((s for s in self.subnets if s.tier == tier and s.availability_zone == zone), None)


@dataclass
class DatabaseInstance:
    role: str  # writer | reader
    availability_zone: str | None
    instance_class: str


@dataclass
class Database:
    identifier: str
    engine: str
    instances: list[DatabaseInstance]


@dataclass
class SearchDomain:
    name: str
    instance_type: str
    instance_count: int
    zones: list[str]
    dedicated_masters: int


@dataclass
class EventStream:
    name: str
    mode: str
    lake_bucket: str | None  # where Firehose lands the stream, when it does


@dataclass
class WebService:
    name: str
    instance_types: str
    min_instances: str
    max_instances: str
    instance_zones: list[str]
    load_balancer_zones: list[str]


@dataclass
class Workloads:
    """The data tier and services of one account; each part None when the stack did not build it."""

    database: Database | None = None
    search: SearchDomain | None = None
    stream: EventStream | None = None
    backup_vaults: list[tuple[str, str | None]] = field(default_factory=list)  # (name, region)
    web: WebService | None = None
    email_domains: list[str] = field(default_factory=list)
    curation: list[str] = field(default_factory=list)  # the curation functions' names

    def __bool__(self) -> bool:
        return any((self.database, self.search, self.stream, self.backup_vaults, self.web, self.email_domains,
                    self.curation))


@dataclass
class Account:
    name: str
    unit: str | None  # the organizational unit's path; None for the management account
    purpose: str | None
    resources: int
    vpc: Vpc | None = None
    workloads: Workloads = field(default_factory=Workloads)
    alert_topics: int = 0
    notifiers: list[str] = field(default_factory=list)  # names of the notifier functions its topics feed


@dataclass
class RouteTable:
    segment: str
    name: str
    associations: list[str]  # account names, or DIRECT_CONNECT
    propagations: list[str]
    static_routes: list[tuple[str, str]]  # (destination CIDR, target)


@dataclass
class TransitHub:
    name: str
    account: str | None
    asn: Any
    route_tables: list[RouteTable]


@dataclass
class DirectConnect:
    gateway: str
    asn: Any
    connection: str | None
    vlan: Any
    customer_asn: Any
    on_premises: list[str]  # prefixes routed to on-premises
    advertised: list[str]  # prefixes the gateway association allows towards on-premises
    route_table: str | None  # the segment of the route table its attachment is associated with


@dataclass
class Notifier:
    function: str
    account: str | None
    sources: list[str]  # accounts whose alert topics it receives
    channels: list[str]  # Slack channel names
    fallback_emails: int


@dataclass
class Architecture:
    project: str
    stack: str
    region: str | None
    organization_id: str | None
    units: dict[str, list[str]]  # organizational unit -> member account names, in registration order
    accounts: dict[str, Account]
    hub: TransitHub | None
    direct_connect: DirectConnect | None
    notifiers: list[Notifier]
    resources: int
