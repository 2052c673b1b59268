"""`landing-zone:quotas`: defaults derived from what the program builds, overrides, regions of requests."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config.quotas import MEMBER_DEFAULTS, QuotaRequest, QuotasConfig
from policy import rules

HOME = "ap-northeast-2"


def test_members_ask_for_lambdas_documented_concurrency_and_management_for_nothing() -> None:
    quotas = QuotasConfig()
    assert MEMBER_DEFAULTS == {"lambda_concurrent_executions": 1000}
    assert quotas.values_for("dev") == {"lambda_concurrent_executions": 1000}
    assert quotas.values_for("management") == {}
    assert quotas.template == {"lambda_concurrent_executions": 1000}


def test_an_account_overrides_or_drops_a_default_and_adds_its_own() -> None:
    quotas = QuotasConfig.model_validate({"accounts": {
        "ops": {"lambda_concurrent_executions": 2000, "elastic_ips": 8},
        "build": {"lambda_concurrent_executions": None},
    }})
    assert quotas.values_for("ops") == {"lambda_concurrent_executions": 2000, "elastic_ips": 8}
    assert quotas.values_for("build") == {}
    assert quotas.values_for("dev") == {"lambda_concurrent_executions": 1000}


def test_requests_go_to_the_home_region_and_organizations_to_us_east_1() -> None:
    quotas = QuotasConfig.model_validate({"accounts": {"management": {"organization_accounts": 120, "vpcs": 10}}})
    requests = {(r.quota.key, r.region, r.value) for r in quotas.requests_for("management", HOME)}
    assert requests == {("organization_accounts", "us-east-1", 120), ("vpcs", HOME, 10)}
    [entry] = quotas.template_requests(HOME)
    assert (entry.service_code, entry.quota_code, entry.region, entry.value) == ("lambda", "L-B99A9384", HOME, 1000)
    assert QuotasConfig(template={}).template_requests(HOME) == []


def test_a_fixed_quota_cannot_become_a_request() -> None:
    with pytest.raises(ValidationError, match="not a quota the program requests"):
        QuotasConfig.model_validate({"accounts": {"dev": {"scps_per_target": 6}}})
    with pytest.raises(ValueError, match="AWS cannot raise it"):
        QuotaRequest(rules.QUOTAS_BY_KEY["scps_per_target"], 6, HOME)
