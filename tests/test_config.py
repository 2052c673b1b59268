"""Config models and helpers on their own: defaults, derived values, subnet carving, naming."""

from __future__ import annotations

import ipaddress
import json

import pytest

from config import ConfigError, validate
from config.naming import LIMITS, aws_name
from config.network import VpcConfig
from config.schema import stack_file_schema
from tests.stackfiles import config_sections


def test_both_stack_files_validate() -> None:
    dev, prod = validate(config_sections("dev")), validate(config_sections("prod"))
    assert not dev.production and prod.production
    assert dev.organization.min_azs == 2 and prod.organization.min_azs == 3
    assert dev.account_names == ["network", "build", "dev", "ops"]
    assert [ou.name for ou in prod.organization.organizational_units] == ["infrastructure", "workloads"]


def test_all_problems_are_reported_together() -> None:
    raw = config_sections("dev")
    raw["organization"] = {**raw["organization"], "region": "mars-1", "bogus": 1}
    raw["accounts"] = raw["accounts"] + [raw["accounts"][0]]
    with pytest.raises(ConfigError) as caught:
        validate(raw)
    paths = [problem.path for problem in caught.value.problems]
    assert "organization.bogus" in paths
    assert "accounts[4].name" in paths and "accounts[4].email" in paths
    assert str(caught.value).startswith("invalid stack config (")


def test_subnet_plan_carves_each_tier_per_zone_without_overlap() -> None:
    vpc = VpcConfig(cidr="10.11.0.0/16")
    plan = vpc.subnet_plan(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"])
    assert [(tier, zone[-1]) for tier, zone, _ in plan] == [
        (tier, letter) for tier in ("public", "app", "data") for letter in "abc"]
    assert [str(cidr) for _, _, cidr in plan] == [
        "10.11.0.0/24", "10.11.1.0/24", "10.11.2.0/24",
        "10.11.16.0/20", "10.11.32.0/20", "10.11.48.0/20",
        "10.11.64.0/24", "10.11.65.0/24", "10.11.66.0/24"]
    networks = [cidr for _, _, cidr in plan]
    assert all(n.subnet_of(ipaddress.IPv4Network("10.11.0.0/16")) for n in networks)
    assert not any(a.overlaps(b) for i, a in enumerate(networks) for b in networks[i + 1:])


def test_subnet_plan_refuses_what_does_not_fit() -> None:
    vpc = VpcConfig(cidr="10.0.0.0/22", subnets={"public": 24, "app": 24, "data": 24})
    with pytest.raises(ValueError, match=r"app /24 subnets in 3 AZs do not fit 10\.0\.0\.0/22"):
        vpc.subnet_plan(["a", "b", "c"])


@pytest.mark.parametrize("kind", sorted(LIMITS))
def test_names_fit_every_kind(kind: str) -> None:
    limit, lowercase = LIMITS[kind]
    name = aws_name("shopcompany1", "verylongacctnm", "product-search-domain-primary", kind=kind)
    assert len(name) <= limit
    if lowercase:
        assert name == name.lower()


def test_shortened_names_stay_unique_and_stable() -> None:
    a = aws_name("shop", "payments-eu", "search-primary-domain", kind="opensearch-domain")
    b = aws_name("shop", "payments-eu", "search-replica-domain", kind="opensearch-domain")
    assert len(a) <= 28 and len(b) <= 28 and a != b
    assert a == aws_name("shop", "payments-eu", "search-primary-domain", kind="opensearch-domain")
    assert aws_name("shop", "dev", "search", kind="opensearch-domain") == "shop-dev-search"


def test_schema_descriptions_exist_for_every_field() -> None:
    definitions = stack_file_schema()["$defs"]
    undocumented = [f"{model}.{field}" for model, body in definitions.items()
                    for field, spec in body.get("properties", {}).items() if "description" not in spec]
    assert undocumented == [], json.dumps(undocumented)
