"""`landing-zone:monitoring`: thresholds with units, the switch registry, environments, Slack names, secrets."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml

import config
from components.alert_topics import SEVERITIES as TOPIC_SEVERITIES
from config.alarm_catalogue import CATALOGUE
from config.errors import NAMESPACE, ConfigError
from config.monitoring import SEVERITIES, environments_of, slack_channel_problem
from config.quantity import Quantity, parse_quantity
from config.schema import stack_file_schema
from config.switches import SWITCHES, Switch, is_on
from tests.stackfiles import config_sections, fixture_path

SECRETS_SET = {"slack_bot_token": True, "slack_provider_token": True}


def _problems(raw: dict[str, Any], secrets: dict[str, bool] | None = None) -> list[str]:
    try:
        config.validate(raw, secrets=SECRETS_SET if secrets is None else secrets)
    except ConfigError as error:
        return [str(problem) for problem in error.problems]
    return []


def _with_monitoring(stack: str, **changes: Any) -> dict[str, Any]:
    raw = config_sections(stack)
    raw["monitoring"].update(changes)
    return raw


@pytest.mark.parametrize(("text", "value", "unit", "base"), [
    ("80%", 80, "%", 80), ("512 MiB", 512, "MiB", 512 * 2**20), ("20GB", 20, "GB", 20e9), ("30 s", 30, "s", 30),
    ("500 ms", 500, "ms", 0.5), ("5 min", 5, "min", 300), (10, 10, "", 10), ("0.1%", 0.1, "%", 0.1),
])
def test_thresholds_parse_with_their_units(text: Any, value: float, unit: str, base: float) -> None:
    quantity = parse_quantity(text)
    assert (quantity.value, quantity.unit) == (value, unit)
    assert quantity.base == pytest.approx(base)


def test_health_levels_parse_by_name() -> None:
    assert parse_quantity("Degraded") == Quantity(20.0, "health", "degraded")


@pytest.mark.parametrize(("text", "message"), [
    ("-5%", "is negative"), (-1, "is negative"), ("80 percent", "unknown unit `percent`"), ("lots", "not a threshold"),
    (True, "not a threshold"), ([80], "not a threshold"),
])
def test_bad_thresholds_are_refused(text: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_quantity(text)


def test_a_threshold_must_have_the_metric_unit_and_range() -> None:
    aurora = CATALOGUE["aurora"]
    assert "is a percent but replica lag is measured as a duration" in str(aurora.alarm("replica_lag").problem(
        parse_quantity("80%")))
    assert "outside 0-100%" in str(aurora.alarm("cpu").problem(parse_quantity("120%")))
    assert "must be above zero" in str(aurora.alarm("freeable_memory").problem(parse_quantity("0 MiB")))
    assert "health level" in str(CATALOGUE["beanstalk"].alarm("health").problem(parse_quantity(20)))
    assert aurora.alarm("cpu").problem(parse_quantity("75%")) is None


def test_severities_match_the_alert_topics() -> None:
    assert SEVERITIES == TOPIC_SEVERITIES


def test_the_stack_files_validate() -> None:
    for stack in ("dev", "prod"):
        assert _problems(config_sections(stack)) == []


def test_switch_registry_is_seeded_with_what_runs_on_this_branch() -> None:
    sections = {"network": config.validate(config_sections("dev")).network}
    assert is_on("lambda", sections, ["dev"]) is True
    assert is_on("dead_letter_queue", sections, ["management"]) is True
    assert is_on("nat", sections, ["ops"]) is True  # ops has a VPC
    assert is_on("nat", sections, ["management"]) is False  # no VPC there
    assert is_on("nat", {}, ["ops"]) is None  # the network section itself is invalid: cannot tell
    assert is_on("aurora", sections, ["ops"]) is None  # the data tier registers aurora and needs its own section
    assert is_on("aurora", {"data": {}}, ["ops"]) is False  # a stack without a data tier runs no Aurora


def test_threshold_for_a_switched_off_service_is_refused() -> None:
    raw = _with_monitoring("dev", alarms={"aurora": {"cpu": "70%"}})
    raw["data"] = {}  # no data tier, so no Aurora anywhere (the data tier switches aurora on where data.<account> has it)
    assert any("monitoring.alarms.aurora: Aurora cluster is switched off in this stack" in p for p in _problems(raw))


def test_a_section_registering_its_switch_admits_thresholds_where_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SWITCHES, "aurora", Switch((), lambda sections, account: account == "ops"))
    raw = config_sections("dev")
    raw["monitoring"]["environments"]["prod"]["alarms"]["aurora"] = {"cpu": "70%"}
    assert _problems(raw) == []
    raw["monitoring"]["environments"]["dev"]["alarms"]["aurora"] = {"cpu": "90%"}
    assert _problems(raw) == [f"{NAMESPACE}:monitoring.environments.dev.alarms.aurora: Aurora cluster is switched off "
                              "in environment dev (no account of it runs one), so it has no alarms; remove these "
                              "thresholds or switch aurora on"]


def test_nat_thresholds_need_a_vpc_in_the_environment() -> None:
    raw = config_sections("prod")
    del raw["network"]["vpcs"]["dev"]
    assert any("monitoring.environments.dev.alarms.nat: NAT gateway is switched off in environment dev" in p
               for p in _problems(raw))


def test_unknown_kinds_and_metrics_and_wrong_units_are_named_by_path() -> None:
    raw = _with_monitoring("dev", alarms={"lamda": {"errors": 1}, "lambda": {"latency": 1, "errors": "5 s"}})
    problems = _problems(raw)
    assert any(p.startswith(f"{NAMESPACE}:monitoring.alarms.lamda: unknown service kind") for p in problems)
    assert any(p.startswith(f"{NAMESPACE}:monitoring.alarms.lambda.latency: lambda has no alarm `latency`")
               for p in problems)
    assert any(p.startswith(f"{NAMESPACE}:monitoring.alarms.lambda.errors: `5 s` is a duration but errors is measured "
                            "as a plain count") for p in problems)


def test_every_account_belongs_to_exactly_one_environment() -> None:
    raw = config_sections("prod")
    raw["monitoring"]["environments"]["prod"]["accounts"] = ["management", "network", "ops", "dev", "nope"]
    problems = _problems(raw)
    assert any(p.startswith(f"{NAMESPACE}:monitoring.environments.prod.accounts[4]: `nope` is not a configured account")
               for p in problems)
    assert any(p.startswith(f"{NAMESPACE}:monitoring.environments.dev.accounts[0]: `dev` is already in environment prod")
               for p in problems)


def test_an_unlisted_account_joins_the_monitoring_accounts_environment() -> None:
    raw = config_sections("prod")
    raw["monitoring"]["environments"]["prod"]["accounts"] = ["management", "ops"]
    settings = config.validate(raw)
    assert environments_of(settings.monitoring, settings.organization, settings.accounts) == {
        "prod": ["management", "ops", "network", "build"], "dev": ["dev"]}
    raw["monitoring"]["environments"] = {"dev": {"accounts": ["dev"]}, "edge": {"accounts": ["network"]}}
    settings = config.validate(raw)
    assert environments_of(settings.monitoring, settings.organization, settings.accounts) == {
        "dev": ["dev", "management", "build", "ops"], "edge": ["network"]}


def test_without_environments_one_holds_every_account() -> None:
    settings = config.validate(_with_monitoring("prod", environments={}, alarms={}))
    assert environments_of(settings.monitoring, settings.organization, settings.accounts) == {
        "prod": ["management", "network", "build", "dev", "ops"]}


def test_monitoring_account_must_be_a_member() -> None:
    assert any(p.startswith(f"{NAMESPACE}:monitoring.account: `management` is not a member account")
               for p in _problems(_with_monitoring("dev", account="management")))


@pytest.mark.parametrize(("name", "accepted"), [
    ("alerts-prod-critical", True), ("alerts_prod", True), ("Alerts-prod", False), ("alerts prod", False),
    ("alerts.prod", False), ("a" * 80, True), ("a" * 81, False), ("alerts-prod-#1", False),
])
def test_slack_channel_names_follow_slack_rules(name: str, accepted: bool) -> None:
    assert (slack_channel_problem(name) is None) is accepted


def test_a_channel_prefix_slack_would_refuse_is_reported_once() -> None:
    raw = _with_monitoring("dev", slack={"channel_prefix": "Alerts"})
    assert [p for p in _problems(raw) if "channel" in p] == [
        f"{NAMESPACE}:monitoring.slack.channel_prefix: Slack refuses channel name `Alerts-prod-critical`: use only "
        "lowercase letters, digits, hyphens and underscores, no spaces or periods"]
    raw = _with_monitoring("dev", slack={"channel_prefix": "a" * 70})
    assert any("monitoring.slack.channel_prefix: Slack refuses channel name" in p and "at most 80 characters" in p
               for p in _problems(raw))


def test_tokens_must_be_secret_and_present_while_slack_is_on() -> None:
    raw = config_sections("dev")
    problems = _problems(raw, secrets={"slack_bot_token": False})
    assert f"{NAMESPACE}:slack_bot_token: is in clear text in the stack file; remove it and set it with " \
           f"`pulumi config set --secret {NAMESPACE}:slack_bot_token <value>`" in problems
    assert any(p.startswith(f"{NAMESPACE}:slack_provider_token: missing:") for p in problems)
    slack_off = _with_monitoring("dev", slack={"enabled": False}, email={"addresses": ["oncall@shop.example"]})
    assert _problems(slack_off, secrets={}) == []


def test_datadog_needs_an_external_id_per_known_account() -> None:
    assert any(p.startswith(f"{NAMESPACE}:monitoring.datadog.external_ids: Datadog is enabled but no account")
               for p in _problems(_with_monitoring("dev", datadog={"enabled": True})))
    raw = _with_monitoring("dev", datadog={"enabled": True, "external_ids": {"opz": "abc123"}})
    assert any(p.startswith(f"{NAMESPACE}:monitoring.datadog.external_ids.opz: `opz` is not a configured account")
               for p in _problems(raw))


def test_schema_demands_secure_tokens() -> None:
    document = yaml.safe_load(fixture_path("dev").read_text())
    jsonschema.validate(document, stack_file_schema())
    document["config"]["landing-zone:slack_bot_token"] = "xoxb-in-clear"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, stack_file_schema())
