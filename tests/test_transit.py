"""The transit hub as registered: gateway settings, RAM sharing, one attachment per VPC in its app subnets,
acceptance in the hub account, segment route tables that keep dev and ops apart, and the VPC routes."""

from __future__ import annotations

import ipaddress

import pytest

from config.routing import routing_plan
from preview.run import Run
from tests.network_view import (
    ROUTE,
    TGW,
    TGW_ACCEPTER,
    TGW_ASSOCIATION,
    TGW_ATTACHMENT,
    TGW_PROPAGATION,
    TGW_ROUTE_TABLE,
    route_table_of,
    routes_of,
    subnets_of,
    vpc_of,
)
from tests.run_view import RunView, view_of


@pytest.fixture(scope="module", params=["dev", "prod"])
def net(request: pytest.FixtureRequest, runs: dict[str, Run]) -> RunView:
    return view_of(runs[request.param])


def _hub_id(net: RunView) -> str:
    (hub,) = net.of(TGW)
    return hub.id


def test_one_gateway_in_the_network_account_that_accepts_and_routes_nothing_by_itself(net: RunView) -> None:
    (hub,) = net.of(TGW)
    assert net.account(hub) == "network"
    assert hub.inputs["autoAcceptSharedAttachments"] == "disable"
    assert hub.inputs["defaultRouteTableAssociation"] == "disable"
    assert hub.inputs["defaultRouteTablePropagation"] == "disable"
    assert hub.inputs["amazonSideAsn"] == net.config.network.transit_gateway.amazon_side_asn  # type: ignore[union-attr]
    assert hub.protect is net.config.production


def test_shared_to_the_organization_through_ram(net: RunView) -> None:
    (hub,) = net.of(TGW)
    (share,) = net.of("aws:ram/resourceShare:ResourceShare")
    assert net.account(share) == "network" and share.inputs["allowExternalPrincipals"] is False
    (resource,) = net.of("aws:ram/resourceAssociation:ResourceAssociation")
    assert resource.inputs["resourceArn"] == hub.outputs["arn"]
    assert resource.inputs["resourceShareArn"] == share.outputs["arn"]
    (principal,) = net.of("aws:ram/principalAssociation:PrincipalAssociation")
    (organization,) = net.of("aws:organizations/organization:Organization")
    assert principal.inputs["principal"] == organization.outputs["arn"]
    assert principal.inputs["resourceShareArn"] == share.outputs["arn"]
    (sharing,) = net.of("aws:ram/sharingWithOrganization:SharingWithOrganization")
    assert net.account(sharing) == "management" and organization.urn in sharing.dependencies
    # The share waits for RAM's onboarding to the organization to finish (a Sleep after enabling it).
    (onboarded,) = [r for r in net.of("time:index/sleep:Sleep") if r.urn in principal.dependencies]
    assert sharing.urn in onboarded.dependencies and onboarded.inputs["createDuration"] == "120s"


def test_every_vpc_attaches_from_its_own_account_in_its_app_subnets(net: RunView) -> None:
    ram = {r.urn for r in net.of("aws:ram/principalAssociation:PrincipalAssociation",
                                 "aws:ram/resourceAssociation:ResourceAssociation")}
    attachments = net.of(TGW_ATTACHMENT)
    assert sorted(net.account(a) for a in attachments) == sorted(net.config.network.vpcs)
    for attachment in attachments:
        account = net.account(attachment)
        assert account is not None
        app_subnets = subnets_of(net, account, "app")
        assert len(attachment.inputs["subnetIds"]) == len(net.config.zones_of_vpc(account))
        assert sorted(attachment.inputs["subnetIds"]) == sorted(s.id for s in app_subnets)
        assert attachment.inputs["vpcId"] == vpc_of(net, account).id
        assert attachment.inputs["transitGatewayId"] == _hub_id(net)
        assert ram <= set(attachment.dependencies)
        assert attachment.inputs["tags"]["Segment"] == net.config.network.vpcs[account].segment


def test_member_attachments_are_accepted_in_the_hub_account(net: RunView) -> None:
    accepters = {net.ref(a, "transitGatewayAttachmentId").urn: a for a in net.of(TGW_ACCEPTER)}
    for attachment in net.of(TGW_ATTACHMENT):
        if net.account(attachment) == "network":
            assert attachment.urn not in accepters  # same account: nothing to accept
            assert attachment.inputs["transitGatewayDefaultRouteTableAssociation"] is False
            continue
        accepter = accepters[attachment.urn]
        assert net.account(accepter) == "network"
        assert accepter.inputs["transitGatewayDefaultRouteTableAssociation"] is False
        assert accepter.inputs["transitGatewayDefaultRouteTablePropagation"] is False
        assert "transitGatewayDefaultRouteTableAssociation" not in attachment.inputs
    assert len(accepters) == len(net.config.network.vpcs) - 1


def _tables(net: RunView) -> dict[str, str]:
    """TGW route table id -> its segment."""
    return {t.id: t.inputs["tags"]["Segment"] for t in net.of(TGW_ROUTE_TABLE)}


def _attachment_accounts(net: RunView) -> dict[str, str]:
    """Id used in hub-side resources (attachment or accepter) -> account of the VPC."""
    found = {a.id: str(net.account(a)) for a in net.of(TGW_ATTACHMENT)}
    found |= {a.id: found[a.inputs["transitGatewayAttachmentId"]] for a in net.of(TGW_ACCEPTER)}
    return found


def _learned(net: RunView) -> dict[str, set[str]]:
    """Segment route table -> accounts whose VPC ranges it learns."""
    tables, accounts = _tables(net), _attachment_accounts(net)
    learned: dict[str, set[str]] = {segment: set() for segment in tables.values()}
    for propagation in net.of(TGW_PROPAGATION):
        attachment = propagation.inputs["transitGatewayAttachmentId"]
        learned[tables[propagation.inputs["transitGatewayRouteTableId"]]].add(accounts[attachment])
    return learned


def test_route_tables_keep_dev_and_ops_apart(net: RunView) -> None:
    learned = _learned(net)
    assert learned["dev"] == {"network", "build", "dev"}
    assert learned["prod"] == {"network", "build", "ops"}
    assert learned["shared"] == {"network", "build", "dev", "ops"}
    assert "ops" not in learned["dev"] and "dev" not in learned["prod"]
    tables, accounts = _tables(net), _attachment_accounts(net)
    associated = {accounts[a.inputs["transitGatewayAttachmentId"]]: tables[a.inputs["transitGatewayRouteTableId"]]
                  for a in net.of(TGW_ASSOCIATION) if a.inputs["transitGatewayAttachmentId"] in accounts}
    assert associated == {name: vpc.segment for name, vpc in net.config.network.vpcs.items()}
    assert {net.account(r) for r in net.of(TGW_PROPAGATION, None) + net.of(TGW_ASSOCIATION)} == {"network"}


def test_segment_tables_hold_no_static_route_to_the_other_segment(net: RunView) -> None:
    tables = _tables(net)
    dev, ops = (ipaddress.ip_network(net.config.network.vpcs[a].cidr) for a in ("dev", "ops"))
    for route in net.of("aws:ec2transitgateway/route:Route"):
        destination = ipaddress.ip_network(route.inputs["destinationCidrBlock"])
        segment = tables[route.inputs["transitGatewayRouteTableId"]]
        assert not (segment == "dev" and destination.overlaps(ops))
        assert not (segment == "prod" and destination.overlaps(dev))


def test_vpc_routes_to_the_hub_only_for_allowed_destinations_in_every_app_table(net: RunView) -> None:
    plan = routing_plan(net.config.network)
    hub_id = _hub_id(net)
    for account in net.config.network.vpcs:
        wanted = sorted(plan.peers(account))
        for subnet in subnets_of(net, account, "app"):
            table = route_table_of(net, subnet)
            to_hub = sorted(r.inputs["destinationCidrBlock"] for r in routes_of(net, table)
                            if r.inputs.get("transitGatewayId") == hub_id)
            assert to_hub == wanted, (account, subnet.inputs["availabilityZone"])
        for tier in ("public", "data"):
            for subnet in subnets_of(net, account, tier):
                assert all("transitGatewayId" not in r.inputs for r in routes_of(net, route_table_of(net, subnet)))
    other = {"dev": "ops", "ops": "dev"}
    for account, forbidden in other.items():
        cidr = ipaddress.ip_network(net.config.network.vpcs[forbidden].cidr)
        assert not any(ipaddress.ip_network(d).overlaps(cidr) for d in plan.peers(account))
        build = ipaddress.ip_network(net.config.network.vpcs["build"].cidr)
        assert any(ipaddress.ip_network(d).overlaps(build) for d in plan.peers(account))


def test_hub_routes_wait_for_acceptance_and_count_per_az(net: RunView) -> None:
    plan = routing_plan(net.config.network)
    accepters = {a.inputs["transitGatewayAttachmentId"]: a.urn for a in net.of(TGW_ACCEPTER)}
    attachments = {str(net.account(a)): a for a in net.of(TGW_ATTACHMENT)}
    for account, attachment in attachments.items():
        routes = [r for r in net.of(ROUTE, account) if "transitGatewayId" in r.inputs]
        assert len(routes) == len(net.config.zones_of_vpc(account)) * len(plan.peers(account))
        ready = accepters.get(attachment.id, attachment.urn)
        assert all(ready in r.dependencies for r in routes)


def test_no_direct_connect_in_dev(dev: Run) -> None:
    net = view_of(dev)
    assert not [r for r in dev.registrations if r.type.startswith("aws:directconnect/")]
    assert sorted(_tables(net).values()) == ["dev", "prod", "shared"]
    assert net.of("aws:ec2transitgateway/route:Route") == []
