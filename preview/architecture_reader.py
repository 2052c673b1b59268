"""The landing zone's architecture read back from an inventory document (docs/inventory.md) and nothing else.

Every fact comes from a registered resource: its type, its inputs, and the mocked ids that tie one resource's
inputs to another (a subnet's `vpcId` is its VPC's id). A stack that switched a part off simply lacks it here.
Facts about AWS that decide the reading: a NAT gateway lives in its subnet's AZ (Amazon VPC User Guide, "NAT
gateways"); a Transit Gateway attachment is associated with one route table and propagates into any number
(Amazon VPC Transit Gateways, "Transit gateway route tables"); an Aurora replica's failover priority is its
`promotionTier`, 0 first (Amazon Aurora User Guide, "Fault tolerance for an Aurora DB cluster").
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from aws_facts.accounts import MANAGEMENT
from preview.architecture import (
    DIRECT_CONNECT,
    Account,
    Architecture,
    Database,
    DatabaseInstance,
    DirectConnect,
    EventStream,
    Notifier,
    RouteTable,
    SearchDomain,
    Subnet,
    TransitHub,
    Vpc,
    WebService,
    Workloads,
)
from preview.counting import ResourceCount

Resource = dict[str, Any]


def read(document: dict[str, Any]) -> Architecture:
    """The architecture an inventory document describes. Raises nothing for a partial stack: absent parts are None."""
    return _Reader(document).architecture()


class _Reader:
    def __init__(self, document: dict[str, Any]):
        self.document = document
        self.resources: list[Resource] = document.get("resources", [])
        self.by_type: dict[str, list[Resource]] = defaultdict(list)
        self.by_id: dict[str, Resource] = {}
        self.by_urn: dict[str, Resource] = {}
        for resource in self.resources:
            self.by_type[resource["type"]].append(resource)
            self.by_urn[resource["urn"]] = resource
            if resource.get("id"):
                self.by_id[str(resource["id"])] = resource

    def of_type(self, token: str) -> list[Resource]:
        return self.by_type.get(token, [])

    def architecture(self) -> Architecture:
        custom = [r for r in self.resources if r.get("custom")]
        counts = Counter(r.get("account") for r in custom if r.get("account"))
        accounts = self._accounts(counts)
        units = defaultdict(list)
        for account in accounts.values():
            if account.unit is not None:
                units[account.unit].append(account.name)
        for vpc_resource in self.of_type("aws:ec2/vpc:Vpc"):
            owner = accounts.get(vpc_resource.get("account") or "")
            if owner is not None and owner.vpc is None:
                owner.vpc = self._vpc(vpc_resource)
        for name, account in accounts.items():
            account.workloads = self._workloads(name)
        notifiers = self._notifiers(accounts)
        organization = next(iter(self.of_type("aws:organizations/organization:Organization")), None)
        outputs = self.document.get("outputs") or {}
        regions = Counter(r.get("region") for r in custom if r.get("region"))
        return Architecture(
            project=self.document.get("project", ""), stack=self.document.get("stack", ""),
            region=regions.most_common(1)[0][0] if regions else None,
            organization_id=outputs.get("organization_id") or (organization or {}).get("id"),
            units=dict(units), accounts=accounts, hub=self._hub(), direct_connect=self._direct_connect(),
            notifiers=notifiers, resources=ResourceCount.of_inventory(self.document).cloud,
        )

    def _accounts(self, counts: Counter[str | None]) -> dict[str, Account]:
        units = {str(u["id"]): u for u in self.of_type("aws:organizations/organizationalUnit:OrganizationalUnit")}

        def unit_path(parent_id: str | None) -> str:
            names: list[str] = []
            while parent_id in units:
                unit = units[parent_id]
                names.append(unit["inputs"].get("name") or unit["name"])
                parent_id = unit["inputs"].get("parentId")
            return "/".join(reversed(names)) or "Root"

        accounts = {MANAGEMENT: Account(MANAGEMENT, None, "management account", counts.get(MANAGEMENT, 0))}
        for resource in self.of_type("aws:organizations/account:Account"):
            inputs = resource["inputs"]
            accounts[resource["name"]] = Account(
                resource["name"], unit_path(inputs.get("parentId")), (inputs.get("tags") or {}).get("Purpose"),
                counts.get(resource["name"], 0))
        return accounts

    def _vpc(self, vpc: Resource) -> Vpc:
        subnets: dict[str, Subnet] = {}
        for resource in self.of_type("aws:ec2/subnet:Subnet"):
            inputs = resource["inputs"]
            if inputs.get("vpcId") != vpc["id"]:
                continue
            tier = (inputs.get("tags") or {}).get("Tier") or "other"
            subnets[str(resource["id"])] = Subnet(tier, inputs.get("availabilityZone") or "?", inputs.get("cidrBlock", "?"))
        nat_zones = [subnets[nat["inputs"]["subnetId"]].availability_zone
                     for nat in self.of_type("aws:ec2/natGateway:NatGateway")
                     if nat["inputs"].get("subnetId") in subnets]
        tags = vpc["inputs"].get("tags") or {}
        return Vpc(cidr=vpc["inputs"].get("cidrBlock", "?"), name=tags.get("Name") or vpc["name"],
                   segment=tags.get("Segment"), subnets=list(subnets.values()), nat_zones=sorted(nat_zones))

    def _zones_of(self, subnet_ids: Iterable[str]) -> list[str]:
        zones = {self.by_id[s]["inputs"].get("availabilityZone") for s in subnet_ids if s in self.by_id}
        return sorted(z for z in zones if z)

    def _in_account(self, token: str, account: str) -> list[Resource]:
        return [r for r in self.of_type(token) if r.get("account") == account]

    def _workloads(self, account: str) -> Workloads:
        workloads = Workloads()
        cluster = next(iter(self._in_account("aws:rds/cluster:Cluster", account)), None)
        if cluster is not None:
            identifier = cluster["inputs"].get("clusterIdentifier") or cluster["name"]
            members = sorted((i for i in self._in_account("aws:rds/clusterInstance:ClusterInstance", account)
                              if i["inputs"].get("clusterIdentifier") == identifier),
                             key=lambda i: (i["inputs"].get("promotionTier") or 0, i["name"]))
            workloads.database = Database(identifier, cluster["inputs"].get("engine", "aurora"), [
                DatabaseInstance("writer" if index == 0 else "reader", i["inputs"].get("availabilityZone"),
                                 i["inputs"].get("instanceClass", "?"))
                for index, i in enumerate(members)])
        domain = next(iter(self._in_account("aws:opensearch/domain:Domain", account)), None)
        if domain is not None:
            config = domain["inputs"].get("clusterConfig") or {}
            workloads.search = SearchDomain(
                domain["inputs"].get("domainName") or domain["name"], config.get("instanceType", "?"),
                int(config.get("instanceCount") or 1),
                self._zones_of((domain["inputs"].get("vpcOptions") or {}).get("subnetIds") or []),
                int(config.get("dedicatedMasterCount") or 0) if config.get("dedicatedMasterEnabled") else 0)
        stream = next(iter(self._in_account("aws:kinesis/stream:Stream", account)), None)
        if stream is not None:
            name = stream["inputs"].get("name") or stream["name"]
            lake = None
            for delivery in self._in_account("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", account):
                source = (delivery["inputs"].get("kinesisSourceConfiguration") or {}).get("kinesisStreamArn", "")
                if source.endswith(f":stream/{name}"):
                    bucket_arn = (delivery["inputs"].get("extendedS3Configuration") or {}).get("bucketArn") or ""
                    lake = bucket_arn.rsplit(":", 1)[-1] or None
            mode = ((stream["inputs"].get("streamModeDetails") or {}).get("streamMode") or "PROVISIONED").lower()
            workloads.stream = EventStream(name, mode.replace("_", "-"), lake)
        workloads.backup_vaults = [(v["inputs"].get("name") or v["name"], v.get("region"))
                                   for v in self._in_account("aws:backup/vault:Vault", account)]
        environment = next(iter(self._in_account("aws:elasticbeanstalk/environment:Environment", account)), None)
        if environment is not None:
            settings = {s.get("name"): s.get("value", "") for s in environment["inputs"].get("settings") or []}
            workloads.web = WebService(
                environment["inputs"].get("name") or environment["name"], settings.get("InstanceTypes", "?"),
                settings.get("MinSize", "?"), settings.get("MaxSize", "?"),
                self._zones_of(settings.get("Subnets", "").split(",")),
                self._zones_of(settings.get("ELBSubnets", "").split(",")))
        workloads.email_domains = sorted(i["inputs"].get("emailIdentity", "?")
                                         for i in self._in_account("aws:sesv2/emailIdentity:EmailIdentity", account))
        curation = {r["urn"] for r in self.of_type("landing-zone:curation:Curation")}
        workloads.curation = sorted(f["inputs"].get("name") or f["name"]
                                    for f in self._in_account("aws:lambda/function:Function", account)
                                    if f.get("parent") in curation)
        return workloads

    def _hub(self) -> TransitHub | None:
        gateway = next(iter(self.of_type("aws:ec2transitgateway/transitGateway:TransitGateway")), None)
        if gateway is None:
            return None
        attachments = {str(a["id"]): a.get("account") or a["name"]
                       for a in self.of_type("aws:ec2transitgateway/vpcAttachment:VpcAttachment")}

        def target(attachment_id: str) -> str:
            return attachments.get(attachment_id, DIRECT_CONNECT)

        def by_table(token: str) -> dict[str, list[str]]:
            grouped: dict[str, list[str]] = defaultdict(list)
            for link in self.of_type(token):
                inputs = link["inputs"]
                grouped[inputs.get("transitGatewayRouteTableId", "")].append(target(inputs.get("transitGatewayAttachmentId", "")))
            return grouped

        associations = by_table("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")
        propagations = by_table("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation")
        routes: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for route in self.of_type("aws:ec2transitgateway/route:Route"):
            inputs = route["inputs"]
            destination = inputs.get("destinationCidrBlock", "?")
            way = "blackhole" if inputs.get("blackhole") else target(inputs.get("transitGatewayAttachmentId", ""))
            routes[inputs.get("transitGatewayRouteTableId", "")].append((destination, way))
        tables = []
        for table in self.of_type("aws:ec2transitgateway/routeTable:RouteTable"):
            if table["inputs"].get("transitGatewayId") != gateway["id"]:
                continue
            table_id = str(table["id"])
            segment = (table["inputs"].get("tags") or {}).get("Segment") or table["name"]
            tables.append(RouteTable(segment, table["name"], sorted(associations.get(table_id, [])),
                                     sorted(set(propagations.get(table_id, []))), sorted(routes.get(table_id, []))))
        tags = gateway["inputs"].get("tags") or {}
        return TransitHub(tags.get("Name") or gateway["name"], gateway.get("account"),
                          gateway["inputs"].get("amazonSideAsn"), tables)

    def _direct_connect(self) -> DirectConnect | None:
        gateway = next(iter(self.of_type("aws:directconnect/gateway:Gateway")), None)
        if gateway is None:
            return None
        interface: Resource = next((v for v in self.of_type("aws:directconnect/transitVirtualInterface:TransitVirtualInterface")
                          if v["inputs"].get("dxGatewayId") == gateway["id"]), {"inputs": {}})
        association = next((a for a in self.of_type("aws:directconnect/gatewayAssociation:GatewayAssociation")
                            if a["inputs"].get("dxGatewayId") == gateway["id"]), None)
        on_premises: set[str] = set()
        route_table = None
        if association is not None:
            # The association's attachment id is known only after deployment: its routes and table name it by dependency.
            for route in self.of_type("aws:ec2transitgateway/route:Route"):
                if association["urn"] in route.get("dependencies", []):
                    on_premises.add(route["inputs"].get("destinationCidrBlock", "?"))
            for link in self.of_type("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation"):
                if association["urn"] in link.get("dependencies", []):
                    table = self.by_id.get(link["inputs"].get("transitGatewayRouteTableId", ""))
                    route_table = ((table or {}).get("inputs", {}).get("tags") or {}).get("Segment")
        inputs = interface["inputs"]
        return DirectConnect(
            gateway["inputs"].get("name") or gateway["name"], gateway["inputs"].get("amazonSideAsn"),
            inputs.get("connectionId"), inputs.get("vlan"), inputs.get("bgpAsn"), sorted(on_premises),
            list((association or {"inputs": {}})["inputs"].get("allowedPrefixes") or []), route_table)

    def _notifiers(self, accounts: dict[str, Account]) -> list[Notifier]:
        functions = {f["inputs"].get("name") or f["name"]: f for f in self.of_type("aws:lambda/function:Function")}
        topics = {t["inputs"].get("name") or t["name"]: t for t in self.of_type("aws:sns/topic:Topic")}
        sources: dict[str, set[str]] = defaultdict(set)
        emails: Counter[str] = Counter()
        for subscription in self.of_type("aws:sns/topicSubscription:TopicSubscription"):
            inputs = subscription["inputs"]
            topic = topics.get(str(inputs.get("topic", "")).rsplit(":", 1)[-1])
            if inputs.get("protocol") == "lambda":
                target = str(inputs.get("endpoint", "")).rsplit(":", 1)[-1]
                if target in functions and _slack_channel_ids(functions[target]) is not None:
                    account = (topic or subscription).get("account") or "?"
                    sources[target].add(account)
                    if account in accounts:
                        accounts[account].alert_topics += 1
                        if target not in accounts[account].notifiers:
                            accounts[account].notifiers.append(target)
            elif inputs.get("protocol") == "email" and topic is not None:
                emails[topic.get("parent") or ""] += 1
        notifiers = []
        for name in sorted(sources):
            function = functions[name]
            channels = [self.by_id[i]["inputs"].get("name", i) if i in self.by_id else i
                        for i in (_slack_channel_ids(function) or {}).values()]
            notifiers.append(Notifier(name, function.get("account"), sorted(sources[name], key=_account_order(accounts)),
                                      sorted(channels), emails.get(function.get("parent") or "", 0)))
        return notifiers


def _slack_channel_ids(function: Resource) -> dict[str, str] | None:
    """The notifier's severity -> channel id map (its SLACK_CHANNELS variable), None for any other function."""
    variables = ((function["inputs"].get("environment") or {}).get("variables") or {})
    raw = variables.get("SLACK_CHANNELS")
    if raw is None:
        return None
    try:
        channels = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in channels.items()} if isinstance(channels, dict) else {}


def _account_order(accounts: dict[str, Account]) -> Any:
    order = {name: index for index, name in enumerate(accounts)}
    return lambda name: (order.get(name, len(order)), name)
