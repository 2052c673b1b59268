"""The architecture read back from the inventory alone, and the SVG drawn from it: every account, each VPC's AZs as
columns with one NAT gateway placed in each, the hub's route tables with dev and prod apart, Direct Connect, the
data tier placed by AZ, the alert path to Slack, and a 100-account organization summarized, not crammed."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from preview import architecture, diagram
from preview.architecture_reader import read
from preview.drawing import fit, wrap
from preview.inventory import Inventory
from preview.run import Run
from tests.pictures import document, member_accounts, organization
from tests.run_view import view_of

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def documents(inventories: dict[str, Inventory]) -> dict[str, dict[str, Any]]:
    return {stack: document(inventory) for stack, inventory in inventories.items()}


@pytest.fixture(scope="module")
def svgs(documents: dict[str, dict[str, Any]]) -> dict[str, ET.Element]:
    return {stack: ET.fromstring(diagram.render(doc)) for stack, doc in documents.items()}


def _texts(element: ET.Element) -> list[ET.Element]:
    return list(element.iter(f"{SVG}text"))


def _text(element: ET.Element) -> str:
    return "\n".join("".join(t.itertext()) for t in _texts(element))


def _with(root: ET.Element, attribute: str, value: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get(attribute) == value]


def _raw_nat_zones(doc: dict[str, Any], account: str) -> list[str]:
    """Each NAT gateway's AZ, traced by hand: NAT -> its subnet's availabilityZone."""
    subnets = {r["id"]: r for r in doc["resources"] if r["type"] == "aws:ec2/subnet:Subnet"}
    return sorted(subnets[r["inputs"]["subnetId"]]["inputs"]["availabilityZone"] for r in doc["resources"]
                  if r["type"] == "aws:ec2/natGateway:NatGateway" and r["account"] == account)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_organization_is_read_from_accounts_and_units(stack: str, documents: dict[str, dict[str, Any]],
                                                         runs: dict[str, Run]) -> None:
    config = view_of(runs[stack]).config
    landscape = read(documents[stack])
    assert list(landscape.accounts) == ["management", *sorted(a.name for a in config.accounts)]
    for account in config.accounts:
        assert account.name in landscape.units[account.ou]
        assert landscape.accounts[account.name].unit == account.ou
    assert landscape.organization_id == documents[stack]["outputs"]["organization_id"]
    assert landscape.resources == sum(1 for r in documents[stack]["resources"] if r["custom"])


def test_each_vpc_has_its_zones_tiers_and_one_nat_per_zone(documents: dict[str, dict[str, Any]],
                                                          runs: dict[str, Run]) -> None:
    config = view_of(runs["prod"]).config
    landscape = read(documents["prod"])
    for name, spec in config.network.vpcs.items():
        vpc = landscape.accounts[name].vpc
        assert vpc is not None and vpc.cidr == str(spec.cidr)
        zones = spec.availability_zones or config.organization.availability_zones
        assert vpc.zones == sorted(zones)
        assert vpc.nat_zones == vpc.zones == _raw_nat_zones(documents["prod"], name)
        for zone in zones:
            assert {s.tier for s in vpc.subnets if s.availability_zone == zone} == {"public", "app", "data"}


def test_the_hub_keeps_dev_and_prod_apart_and_reaches_on_premises(documents: dict[str, dict[str, Any]]) -> None:
    landscape = read(documents["prod"])
    assert landscape.hub is not None and landscape.hub.account == "network"
    tables = {t.segment: t for t in landscape.hub.route_tables}
    assert set(tables) == {"dev", "prod", "shared", "on-premises"}
    assert tables["dev"].associations == ["dev"] and "ops" not in tables["dev"].propagations
    assert tables["prod"].associations == ["ops"] and "dev" not in tables["prod"].propagations
    assert tables["on-premises"].associations == [architecture.DIRECT_CONNECT]
    assert ("172.16.0.0/16", architecture.DIRECT_CONNECT) in tables["prod"].static_routes
    connect = landscape.direct_connect
    assert connect is not None
    assert (connect.on_premises, connect.route_table, connect.vlan) == (["172.16.0.0/16"], "on-premises", 101)
    assert connect.advertised == ["10.20.16.0/20", "10.22.0.0/16"]
    assert read(documents["dev"]).direct_connect is None


def test_the_data_tier_is_placed_by_zone(documents: dict[str, dict[str, Any]]) -> None:
    ops = read(documents["prod"]).accounts["ops"].workloads
    assert ops.database is not None
    assert [(i.role, i.availability_zone) for i in ops.database.instances] == [
        ("writer", "ap-northeast-2a"), ("reader", "ap-northeast-2b"), ("reader", "ap-northeast-2c")]
    assert ops.search is not None and ops.search.zones == ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]
    assert ops.stream is not None and ops.stream.lake_bucket and ops.stream.lake_bucket.startswith("shop-ops-lake")
    assert ops.web is not None and ops.web.instance_zones == ops.search.zones
    assert ops.email_domains == ["shop.example"]
    assert ops.curation == ["shop-ops-curation-api", "shop-ops-curation-ingest"]
    assert not read(documents["prod"]).accounts["build"].workloads


def test_alerts_reach_slack_through_one_notifier_per_environment(documents: dict[str, dict[str, Any]]) -> None:
    landscape = read(documents["prod"])
    notifiers = {n.function: n for n in landscape.notifiers}
    assert set(notifiers) == {"shop-ops-dev-slack-notifier", "shop-ops-prod-slack-notifier"}
    prod = notifiers["shop-ops-prod-slack-notifier"]
    assert (prod.account, prod.sources) == ("ops", ["management", "build", "network", "ops"])
    assert prod.channels == ["alerts-prod-critical", "alerts-prod-security", "alerts-prod-warning"]
    assert landscape.accounts["dev"].notifiers == ["shop-ops-dev-slack-notifier"]
    assert all(a.alert_topics == 3 for a in landscape.accounts.values())


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_account_appears_in_the_diagram(stack: str, svgs: dict[str, ET.Element],
                                             documents: dict[str, dict[str, Any]]) -> None:
    root = svgs[stack]
    assert root.tag == f"{SVG}svg" and float(root.get("width", 0)) > 1000
    shown = {e.get("data-account") for e in root.iter() if e.get("data-account")}
    assert shown == member_accounts(documents[stack])
    panels = {e.get("data-account") for e in _with(root, "class", "account-panel")}
    assert panels == {"network", "build", "dev", "ops"}  # every account with a VPC gets its panel


def test_each_nat_gateway_is_drawn_in_its_own_zone_column(svgs: dict[str, ET.Element],
                                                         documents: dict[str, dict[str, Any]]) -> None:
    for account in ("dev", "ops"):
        (group,) = [e for e in _with(svgs["prod"], "data-account", account) if e.get("class") == "account-panel"]
        columns = {float(t.get("x", 0)): t.text for t in _texts(group) if (t.text or "").startswith("ap-northeast-2")}
        assert len(columns) == 3
        nats = [columns[float(t.get("x", 0))] for t in _texts(group) if t.text == "NAT gateway"]
        assert sorted(nats) == _raw_nat_zones(documents["prod"], account)
        aurora = {columns[float(t.get("x", 0))]: t.text for t in _texts(group) if t.text in ("Aurora writer", "Aurora reader")}
        writer = read(documents["prod"]).accounts[account].workloads.database.instances[0]  # type: ignore[union-attr]
        assert aurora[writer.availability_zone] == "Aurora writer"  # type: ignore[index]


def test_route_tables_direct_connect_and_alerts_are_drawn(svgs: dict[str, ET.Element]) -> None:
    root = svgs["prod"]
    tables = {e.get("data-segment"): _text(e) for e in _with(root, "class", "route-table")}
    assert set(tables) == {"dev", "prod", "shared", "on-premises"}
    assert "no route to: on-premises, prod" in tables["dev"] and "no route to: dev" in tables["prod"]
    (connect,) = _with(root, "class", "direct-connect")
    assert "172.16.0.0/16" in _text(connect) and "VLAN 101" in _text(connect)
    (alerts,) = _with(root, "class", "alerts")
    assert "λ shop-ops-prod-slack-notifier" in _text(alerts)
    assert "#alerts-prod-critical," in _text(alerts)
    assert not _with(svgs["dev"], "class", "direct-connect")


def test_a_hundred_accounts_are_summarized_and_stay_readable() -> None:
    doc = organization(100)
    start = time.perf_counter()
    root = ET.fromstring(diagram.render(doc))
    assert time.perf_counter() - start < 2.0
    panels = _with(root, "class", "account-panel")
    summaries = _with(root, "class", "account-summary")
    assert len(panels) == diagram.PANELS_PER_COLUMN  # all one segment: one column of panels
    assert len(panels) + len(summaries) == 100
    shown = {e.get("data-account") for e in root.iter() if e.get("data-account")}
    assert shown == member_accounts(doc)
    assert float(root.get("width", 0)) <= 1600 and float(root.get("height", 0)) <= 2400
    assert all(float(t.get("font-size", 0)) >= 10 for t in _texts(root))


def test_text_is_fitted_with_its_whole_self_as_tooltip() -> None:
    assert fit("10.22.0.0/16", 11, 200) == "10.22.0.0/16"
    assert fit("a-very-long-account-name", 10, 60).endswith("…")
    assert wrap([f"svc{i:03d}" for i in range(40)], 200, 11, max_lines=2)[-1].endswith("more)")
    svg = ET.fromstring(diagram.render(organization(1) | {"stack": "x" * 400}))
    titles = ["".join(t.itertext()) for t in svg.iter(f"{SVG}title")]
    assert any(t.endswith("x" * 400) for t in titles)
