"""One account's VPC: public, app and data subnets in every AZ, a NAT gateway per AZ, tier NACLs, flow logs,
endpoints and the shared security groups. Other components build on its typed attributes:

    vpc.vpc_id                    Output[str]
    vpc.cidr                      str, e.g. "10.11.0.0/16"
    vpc.zones                     list[str], AZ names in order
    vpc.account, vpc.segment      str: the account's config name; "dev" | "prod" | "shared"
    vpc.subnets[tier]             list[aws.ec2.Subnet] in zone order, tier in "public" | "app" | "data"
    vpc.subnet_ids(tier)          list[Output[str]] in zone order
    vpc.route_tables[tier]        list[aws.ec2.RouteTable]: public [1], app [one per zone, zone order], data [1]
    vpc.route_table_ids(tier)     list[Output[str]], same order
    vpc.nat_gateways              list[aws.ec2.NatGateway] in zone order (vpc.elastic_ips beside them)
    vpc.network_acls[tier]        aws.ec2.NetworkAcl
    vpc.security_groups[name]     SecurityGroup, from network.security_groups (e.g. "load-balancer", "app")
    vpc.endpoint_security_group   SecurityGroup | None (None when the VPC has no interface endpoints)
    vpc.new_security_group(...)   a new least-privilege SecurityGroup in this VPC, under the caller's component
    vpc.flow_logs                 FlowLogs (.key, .log_group, .role, .flow_log)
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.endpoints import gateway_endpoints, interface_endpoints
from components.flow_logs import FlowLogs
from components.home import Home
from components.monitoring.monitor import Monitor
from components.network_acls import network_acls
from components.security_groups import ALL_TRAFFIC, Cidr, Ports, SecurityGroup, tcp, udp
from config.nacls import TIERS, Tier
from config.network import NetworkConfig, VpcConfig
from config.security_groups import SecurityGroupRuleConfig

ANYWHERE = "0.0.0.0/0"


class Vpc(pulumi.ComponentResource):
    """The VPC of `account`, carved by `spec.subnet_plan(zones)`. `peers` are the ranges the hub lets it reach."""

    def __init__(self, name: str, spec: VpcConfig, home: Home, *, network: NetworkConfig, zones: list[str],
                 peers: list[str], monitor: Monitor | None = None, opts: pulumi.ResourceOptions | None = None):
        """`network` is the whole network section (flow logs, NACLs, groups, endpoints); `monitor` watches the NAT
        gateways (None: nothing watched)."""
        super().__init__("landing-zone:network:Vpc", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account, region = home.account, home.region
        self.account = account
        self.segment: str = spec.segment
        self.cidr: str = spec.cidr
        self.zones: list[str] = list(zones)
        self.peers: list[str] = list(peers)
        self.group_configs = network.groups_of(account)  # the segment's configured security groups, by name
        base_name = home.name()
        self._name, self._base_name = name, base_name

        self.vpc = aws.ec2.Vpc(
            name,
            cidr_block=spec.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,  # private DNS of interface endpoints needs both
            tags={"Name": base_name, "Segment": spec.segment},
            opts=child,
        )
        self.vpc_id: pulumi.Output[str] = self.vpc.id
        # The default group and NACL allow too much; nothing may use them, so strip every rule.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=self.vpc.id,
                                     tags={"Name": f"{base_name}-default-unused"}, opts=child)
        aws.ec2.DefaultNetworkAcl(f"{name}-default-nacl", default_network_acl_id=self.vpc.default_network_acl_id,
                                  tags={"Name": f"{base_name}-default-unused"},
                                  opts=pulumi.ResourceOptions(parent=self, ignore_changes=["subnetIds"]))
        self.internet_gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id,
                                                        tags={"Name": base_name}, opts=child)

        self.subnets: dict[str, list[aws.ec2.Subnet]] = {tier: [] for tier in TIERS}
        tier_cidrs: dict[str, list[str]] = {tier: [] for tier in TIERS}
        for tier, zone, cidr in spec.subnet_plan(self.zones):
            self.subnets[tier].append(aws.ec2.Subnet(
                f"{name}-{tier}-{zone}",
                vpc_id=self.vpc.id,
                cidr_block=str(cidr),
                availability_zone=zone,
                map_public_ip_on_launch=False,  # load balancers and NAT get their addresses explicitly
                tags={"Name": f"{base_name}-{tier}-{zone}", "Tier": tier},
                opts=child,
            ))
            tier_cidrs[tier].append(str(cidr))

        self.route_tables: dict[str, list[aws.ec2.RouteTable]] = {}
        public = self._route_table(f"{name}-public", base_name, "public", zone=None)
        aws.ec2.Route(f"{name}-public-default", route_table_id=public.id, destination_cidr_block=ANYWHERE,
                      gateway_id=self.internet_gateway.id, opts=child)
        self.route_tables["public"] = [public]

        self.elastic_ips: list[aws.ec2.Eip] = []
        self.nat_gateways: list[aws.ec2.NatGateway] = []
        self.route_tables["app"] = []
        for index, zone in enumerate(self.zones):
            eip = aws.ec2.Eip(f"{name}-nat-{zone}", domain="vpc", tags={"Name": f"{base_name}-nat-{zone}"}, opts=child)
            nat = aws.ec2.NatGateway(
                f"{name}-nat-{zone}",
                allocation_id=eip.allocation_id,
                subnet_id=self.subnets["public"][index].id,
                connectivity_type="public",
                tags={"Name": f"{base_name}-nat-{zone}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.internet_gateway]),
            )
            table = self._route_table(f"{name}-app-{zone}", f"{base_name}-app-{zone}", "app", zone=zone)
            # Each AZ leaves through its own NAT: losing one AZ never cuts the others off.
            aws.ec2.Route(f"{name}-app-{zone}-default", route_table_id=table.id, destination_cidr_block=ANYWHERE,
                          nat_gateway_id=nat.id, opts=child)
            self.elastic_ips.append(eip)
            self.nat_gateways.append(nat)
            self.route_tables["app"].append(table)
        # The data tier never reaches the internet: its table holds only the local route and gateway endpoints.
        self.route_tables["data"] = [self._route_table(f"{name}-data", f"{base_name}-data", "data", zone=None)]
        for tier in TIERS:
            tables = self.route_tables[tier]
            for index, (zone, subnet) in enumerate(zip(self.zones, self.subnets[tier], strict=True)):
                aws.ec2.RouteTableAssociation(f"{name}-{tier}-{zone}-rta", subnet_id=subnet.id,
                                              route_table_id=tables[index if len(tables) > 1 else 0].id, opts=child)

        self.network_acls = network_acls(
            name, self.vpc.id, network.nacls, vpc_cidr=spec.cidr, tier_cidrs=tier_cidrs, peers=self.peers,
            subnets=self.subnets, name_of={tier: f"{base_name}-{tier}" for tier in TIERS}, parent=self,
        )
        self.flow_logs = FlowLogs(f"{name}-flow-logs", network.flow_logs, home, vpc_id=self.vpc.id, opts=child)
        private_tables = [table.id for table in self.route_tables["app"] + self.route_tables["data"]]
        self.gateway_endpoints = gateway_endpoints(name, self.vpc.id, region, route_table_ids=private_tables,
                                                   name_of=base_name, parent=self)
        self.endpoint_security_group, self.interface_endpoints = interface_endpoints(
            name, self.vpc.id, region, services=network.endpoints_of(account), vpc_cidr=spec.cidr,
            subnet_ids=self.subnet_ids("app"), name_of=base_name, parent=self,
        )
        self.security_groups = self._shared_groups(name, network, base_name)
        if monitor is not None:
            for zone, nat in zip(self.zones, self.nat_gateways, strict=True):
                monitor.watch("nat", account, {"NatGatewayId": nat.id}, name=f"nat-{zone}", parent=self, section="network")

        self.register_outputs({
            "vpc_id": self.vpc.id,
            "cidr": self.cidr,
            "zones": self.zones,
            "subnet_ids": {tier: self.subnet_ids(tier) for tier in TIERS},
            "nat_gateway_ids": [nat.id for nat in self.nat_gateways],
        })

    def subnet_ids(self, tier: Tier | str) -> list[pulumi.Output[str]]:
        """Ids of the tier's subnets in zone order."""
        return [subnet.id for subnet in self.subnets[tier]]

    def route_table_ids(self, tier: Tier | str) -> list[pulumi.Output[str]]:
        return [table.id for table in self.route_tables[tier]]

    def new_security_group(self, purpose: str, description: str, *, parent: pulumi.Resource,
                           public: bool = False) -> SecurityGroup:
        """A group with no rules yet, named `<org>-<account>-<purpose>`; `parent` (the caller's component, placed
        in this VPC's account) owns it. Add rules with `allow_from` / `allow_to` / `connect`."""
        return SecurityGroup(f"{self._name}-{purpose}-sg", vpc_id=self.vpc.id,
                             group_name=f"{self._base_name}-{purpose}", description=description, public=public,
                             opts=pulumi.ResourceOptions(parent=parent))

    def _route_table(self, name: str, aws_label: str, tier: str, *, zone: str | None) -> aws.ec2.RouteTable:
        tags = {"Name": aws_label, "Tier": tier} | ({"Zone": zone} if zone else {})
        return aws.ec2.RouteTable(name, vpc_id=self.vpc.id, tags=tags, opts=pulumi.ResourceOptions(parent=self))

    def _shared_groups(self, name: str, network: NetworkConfig, base_name: str) -> dict[str, SecurityGroup]:
        """The configured groups of this VPC's segment; groups first, then rules, so rules may reference any."""
        configs = self.group_configs
        groups = {
            group_name: SecurityGroup(f"{name}-{group_name}-sg", vpc_id=self.vpc.id,
                                      group_name=f"{base_name}-{group_name}", description=config.description,
                                      public=config.public, opts=pulumi.ResourceOptions(parent=self))
            for group_name, config in configs.items()
        }
        for group_name, config in configs.items():
            group = groups[group_name]
            for rule in config.ingress:
                group.allow_from(_peer(rule, groups), _ports(rule), rule.description or f"{group_name} ingress")
            for rule in config.egress:
                group.allow_to(_peer(rule, groups), _ports(rule), rule.description or f"{group_name} egress")
        return groups


def _peer(rule: SecurityGroupRuleConfig, groups: dict[str, SecurityGroup]) -> SecurityGroup | Cidr:
    if rule.group is not None:
        return groups[rule.group]
    assert rule.cidr is not None  # the config model requires one of the two
    return Cidr(rule.cidr)


def _ports(rule: SecurityGroupRuleConfig) -> Ports:
    if rule.protocol == "all":
        return ALL_TRAFFIC
    first, last = rule.ports
    return tcp(first, last) if rule.protocol == "tcp" else udp(first, last)
