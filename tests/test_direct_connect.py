"""Direct Connect in prod: gateway, association with the allowed prefixes, transit VIF, on-premises routes; and
the validation of its settings (ASNs differ, VLAN 1-4094, well-formed prefixes, nothing advertised by mistake)."""

from __future__ import annotations

from typing import Any

import pytest

from config import validate
from config.errors import ConfigError
from preview.run import Run
from tests.network_view import ROUTE, TGW, TGW_ACCEPTER, TGW_ATTACHMENT, TGW_PROPAGATION, TGW_ROUTE_TABLE
from tests.run_view import RunView, view_of
from tests.stackfiles import config_sections

NET = "landing-zone:network"


@pytest.fixture(scope="module")
def net(prod: Run) -> RunView:
    return view_of(prod)


def test_gateway_association_and_virtual_interface(net: RunView) -> None:
    dx = net.config.network.direct_connect
    assert dx is not None
    (gateway,) = net.of("aws:directconnect/gateway:Gateway")
    (association,) = net.of("aws:directconnect/gatewayAssociation:GatewayAssociation")
    (vif,) = net.of("aws:directconnect/transitVirtualInterface:TransitVirtualInterface")
    (hub,) = net.of(TGW)
    assert {net.account(r) for r in (gateway, association, vif)} == {"network"}
    assert gateway.inputs["amazonSideAsn"] == str(dx.amazon_side_asn) != str(hub.inputs["amazonSideAsn"])
    assert association.inputs["dxGatewayId"] == gateway.id
    assert association.inputs["associatedGatewayId"] == hub.id
    assert association.inputs["allowedPrefixes"] == dx.allowed_prefixes
    assert (vif.inputs["connectionId"], vif.inputs["vlan"], vif.inputs["bgpAsn"]) == (
        dx.connection_id, dx.vlan, dx.customer_asn)
    assert vif.inputs["dxGatewayId"] == gateway.id and vif.inputs["addressFamily"] == "ipv4"
    assert gateway.protect and vif.protect


def test_on_premises_reaches_only_the_accounts_config_allows(net: RunView) -> None:
    (association,) = net.of("aws:directconnect/gatewayAssociation:GatewayAssociation")
    dx_attachment = association.outputs["transitGatewayAttachmentId"]
    tables = {t.id: t.inputs["tags"]["Segment"] for t in net.of(TGW_ROUTE_TABLE)}
    (joined,) = [a for a in net.of("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")
                 if a.inputs["transitGatewayAttachmentId"] == dx_attachment]
    assert tables[joined.inputs["transitGatewayRouteTableId"]] == "on-premises"
    accounts = {a.id: net.account(a) for a in net.of(TGW_ATTACHMENT)}
    accounts |= {a.id: accounts[a.inputs["transitGatewayAttachmentId"]] for a in net.of(TGW_ACCEPTER)}
    learned = {accounts[p.inputs["transitGatewayAttachmentId"]] for p in net.of(TGW_PROPAGATION)
               if tables[p.inputs["transitGatewayRouteTableId"]] == "on-premises"}
    assert learned == set(net.config.network.on_premises.reach) == {"build", "ops"}
    static = {(tables[r.inputs["transitGatewayRouteTableId"]], r.inputs["destinationCidrBlock"])
              for r in net.of("aws:ec2transitgateway/route:Route")}
    assert static == {("prod", "172.16.0.0/16"), ("shared", "172.16.0.0/16")}
    assert all(r.inputs["transitGatewayAttachmentId"] == dx_attachment
               for r in net.of("aws:ec2transitgateway/route:Route"))
    for account in net.config.network.vpcs:
        to_office = [r for r in net.of(ROUTE, account) if r.inputs["destinationCidrBlock"] == "172.16.0.0/16"]
        expected = len(net.config.zones_of_vpc(account)) if account in ("build", "ops") else 0
        assert len(to_office) == expected, account


def _validate(sets: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        validate(config_sections("prod", sets=sets))
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(("sets", "expected"), [
    ({f"{NET}.direct_connect.amazon_side_asn": 64512},
     f"{NET}.direct_connect.amazon_side_asn: 64512 is also the Transit Gateway's ASN"),
    ({f"{NET}.direct_connect.customer_asn": 64513},
     f"{NET}.direct_connect.customer_asn: 64513 is also an Amazon-side ASN"),
    ({f"{NET}.direct_connect.vlan": 0}, f"{NET}.direct_connect.vlan: Input should be greater than or equal to 1"),
    ({f"{NET}.direct_connect.vlan": 4095}, f"{NET}.direct_connect.vlan: Input should be less than or equal to 4094"),
    ({f"{NET}.direct_connect.allowed_prefixes": ["10.22.0.0/33"]},
     f"{NET}.direct_connect.allowed_prefixes[0]: `10.22.0.0/33` is not an IPv4 network CIDR"),
    ({f"{NET}.direct_connect.allowed_prefixes": ["10.22.0.1/16"]},
     f"{NET}.direct_connect.allowed_prefixes[0]: `10.22.0.1/16` is not an IPv4 network CIDR"),
    ({f"{NET}.on_premises.prefixes": ["172.16.0.0/12", "nope"]},
     f"{NET}.on_premises.prefixes[1]: `nope` is not an IPv4 network CIDR"),
    ({f"{NET}.direct_connect.amazon_side_asn": 65535}, f"{NET}.direct_connect.amazon_side_asn: 65535 is not a private ASN"),
    ({f"{NET}.direct_connect.connection_id": "conn-1"}, f"{NET}.direct_connect.connection_id: `conn-1` has characters"),
    ({f"{NET}.direct_connect.mtu": 9001}, f"{NET}.direct_connect.mtu: 9001 is not an MTU"),
    ({f"{NET}.direct_connect.customer_address": "~"}, f"{NET}.direct_connect: give both amazon_address and"),
    ({f"{NET}.direct_connect.customer_address": "169.254.101.2/30"},
     f"{NET}.direct_connect: amazon_address 169.254.100.1/30 and customer_address 169.254.101.2/30 must be"),
    ({f"{NET}.direct_connect.customer_address": "169.254.100.2"}, f"{NET}.direct_connect.customer_address: "
                                                                   "`169.254.100.2` needs its link prefix"),
    ({f"{NET}.direct_connect.allowed_prefixes": ["10.20.0.0/14"]},
     f"{NET}.direct_connect.allowed_prefixes[0]: 10.20.0.0/14 would advertise the VPC of dev"),
    ({f"{NET}.transit_gateway": "~"}, f"{NET}.direct_connect: Direct Connect attaches to the transit hub"),
    ({f"{NET}.on_premises.reach": []}, f"{NET}.on_premises: Direct Connect is configured but on_premises lists no"),
    ({f"{NET}.on_premises.reach": ["build", "payments"]}, f"{NET}.on_premises.reach[1]: `payments` has no VPC"),
])
def test_direct_connect_settings_are_validated(sets: dict[str, Any], expected: str) -> None:
    problems = _validate(sets)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_direct_connect_in_a_sandbox_with_a_32_bit_router_asn(sandbox_direct_connect: Run) -> None:
    """Dev may enable it too; an ASN above 2147483646 goes to the provider as bgp_asn_long."""
    net = view_of(sandbox_direct_connect)
    (vif,) = net.of("aws:directconnect/transitVirtualInterface:TransitVirtualInterface")
    assert vif.inputs["bgpAsnLong"] == "4200000001" and "bgpAsn" not in vif.inputs
    assert not vif.protect  # a sandbox protects nothing
    static = net.of("aws:ec2transitgateway/route:Route")
    tables = {t.id: t.inputs["tags"]["Segment"] for t in net.of(TGW_ROUTE_TABLE)}
    assert {tables[r.inputs["transitGatewayRouteTableId"]] for r in static} == {"dev"}
    assert len([r for r in net.of(ROUTE, "dev") if r.inputs["destinationCidrBlock"] == "172.17.0.0/16"]) == 2
    assert [r for r in net.of(ROUTE, "ops") if r.inputs["destinationCidrBlock"] == "172.17.0.0/16"] == []
