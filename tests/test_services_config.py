"""`landing-zone:services` as a config section: optional, safe defaults, cross-checks that speak YAML paths."""

from __future__ import annotations

from typing import Any

import pytest

import config
from config.services import ServicesConfig, WebConfig
from tests.stackfiles import config_sections

CERTIFICATE = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(config.ConfigError) as raised:
        config.validate(raw)
    return [str(problem) for problem in raised.value.problems]


def test_the_section_is_optional_and_everything_is_off_by_default() -> None:
    raw = config_sections("dev")
    del raw["services"]
    assert config.validate(raw).services == {}
    defaults = ServicesConfig()
    assert not (defaults.web.enabled or defaults.email.enabled or defaults.curation.enabled)


def test_both_stack_files_switch_every_service_on_in_dev_and_ops() -> None:
    for stack in ("dev", "prod"):
        services = config.validate(config_sections(stack)).services
        assert set(services) == {"dev", "ops"}
        assert all(s.web.enabled and s.email.enabled and s.curation.enabled for s in services.values())


def test_dev_is_smaller_than_ops_and_the_sandbox_smaller_than_production() -> None:
    sandbox = config.validate(config_sections("dev")).services
    production = config.validate(config_sections("prod")).services
    for services in (sandbox, production):
        assert services["dev"].web.scaling.max_instances < services["ops"].web.scaling.max_instances
        assert services["dev"].curation.log_retention_days <= services["ops"].curation.log_retention_days
    assert sandbox["ops"].web.scaling.max_instances < production["ops"].web.scaling.max_instances
    assert sandbox["ops"].web.log_retention_days < production["ops"].web.log_retention_days


def test_web_without_a_vpc_is_refused() -> None:
    raw = config_sections("dev")
    raw["services"]["payments"] = {"web": {"enabled": True, "certificate_arn": CERTIFICATE}}
    raw["accounts"].append({"name": "payments", "email": "aws-sandbox+payments@shop.example", "ou": "workloads",
                            "purpose": "payments"})
    assert ("landing-zone:services.payments.web.enabled: the web service needs a VPC; add "
            "landing-zone:network.vpcs.payments or disable it") in _problems(raw)


def test_the_load_balancer_group_is_the_vpcs_one_public_group() -> None:
    settings = config.validate(config_sections("dev"))
    groups = settings.network.groups_of("dev")
    web = settings.services["dev"].web
    assert web.load_balancer_group(groups) == "load-balancer"
    assert groups[web.load_balancer_group(groups)].public


@pytest.mark.parametrize(("port", "open_already"), [(80, True), (8080, False), (443, False)])
def test_the_proxy_port_counts_as_open_only_when_both_sides_admit_it(port: int, open_already: bool) -> None:
    settings = config.validate(config_sections("dev"))
    web = WebConfig(enabled=True, certificate_arn=CERTIFICATE, instance_port=port)
    assert web.proxy_port_open(settings.network.groups_of("dev")) is open_already


def test_the_certificate_must_be_an_acm_arn() -> None:
    raw = config_sections("dev")
    raw["services"]["dev"]["web"]["certificate_arn"] = "arn:aws:iam::123456789012:server-certificate/shop"
    [problem] = _problems(raw)
    assert problem.startswith("landing-zone:services.dev.web.certificate_arn: `arn:aws:iam::123456789012:server-"
                              "certificate/shop` is not an ACM certificate ARN")


def test_tuning_reaches_the_ingest_function_as_its_documented_variables() -> None:
    raw = config_sections("dev")
    raw["services"]["dev"]["curation"]["tuning"] = {"purchase_weight": 4, "half_life_hours": 72, "top_neighbours": 30}
    tuning = config.validate(raw).services["dev"].curation.tuning
    assert tuning.environment() == {"PURCHASE_WEIGHT": "4.0", "HALF_LIFE_HOURS": "72.0", "TOP_NEIGHBOURS": "30"}
