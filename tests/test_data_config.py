"""`landing-zone:data` on its own (defaults, windows, the RPO a plan achieves) and variants run through the program."""

from __future__ import annotations

import pytest

from config import ConfigError, validate
from config.checks.data import achieved_rpo_hours, retentions
from config.data import AccountDataConfig, BackupConfig, DatabaseConfig, window_minutes
from config.data_limits import AURORA_INSTANCE_CLASSES, OPENSEARCH_INSTANCE_TYPES
from preview.run import Run
from tests.data_view import CLUSTER, DOMAIN, KEY, in_tier
from tests.run_view import RunView, view_of
from tests.stackfiles import config_sections


def test_defaults_are_safe() -> None:
    spec = AccountDataConfig()
    assert spec.database.engine == "aurora-postgresql" and spec.database.readers == 1
    assert spec.database.instance_class in AURORA_INSTANCE_CLASSES["aurora-postgresql"]
    assert spec.search.instance_type in OPENSEARCH_INSTANCE_TYPES
    assert spec.search.zone_count(production=True) == 3 and spec.search.zone_count(production=False) == 2
    assert spec.search.masters_enabled(True) and not spec.search.masters_enabled(False)
    assert spec.backup.locked(True) and not spec.backup.locked(False)
    assert spec.stream.mode == "on-demand" and spec.stream.retention_hours == 24
    assert achieved_rpo_hours(spec.backup) == (25.0, "the daily rule (every 24 h, up to 1 h late to start)")
    assert spec.backup.rpo_hours == 25  # the default plan meets its own default objective


def test_engine_details_follow_the_engine() -> None:
    postgres, mysql = DatabaseConfig(), DatabaseConfig(engine="aurora-mysql")
    assert (postgres.version, postgres.port, postgres.parameter_family) == ("16.6", 5432, "aurora-postgresql16")
    assert (mysql.version, mysql.port, mysql.parameter_family) == ("8.0.mysql_aurora.3.08.0", 3306, "aurora-mysql8.0")
    assert "db.t3.small" in AURORA_INSTANCE_CLASSES["aurora-mysql"]
    assert "db.t3.small" not in AURORA_INSTANCE_CLASSES["aurora-postgresql"]


def test_windows_are_read_in_minutes_across_midnight_and_the_week() -> None:
    assert window_minutes("17:00-18:00") == (1020, 1080)
    assert window_minutes("23:30-00:30") == (1410, 1470)
    assert window_minutes("sun:23:00-mon:01:00") == (6 * 1440 + 1380, 7 * 1440 + 60)


@pytest.mark.parametrize(("settings", "expected"), [
    ({"continuous": {"enabled": True}}, 5 / 60),
    ({"hourly": {"enabled": True, "every_hours": 4}}, 5.0),
    ({"daily": {"enabled": False}}, 169.0),
    ({"daily": {"enabled": False}, "weekly": {"enabled": False}, "start_window_minutes": 120}, 746.0),
])
def test_the_plan_achieves_the_interval_of_its_most_frequent_rule(settings: dict, expected: float) -> None:
    achieved = achieved_rpo_hours(BackupConfig(**settings))
    assert achieved is not None and achieved[0] == pytest.approx(expected)


def test_a_plan_without_rules_achieves_nothing_and_retentions_list_every_rule() -> None:
    off = {"enabled": False}
    assert achieved_rpo_hours(BackupConfig(daily=off, weekly=off, monthly=off)) is None
    backup = BackupConfig(continuous={"enabled": True}, copy_to={"region": "ap-northeast-1"})
    assert retentions(backup) == [("daily.retention_days", 35), ("weekly.retention_days", 90),
                                  ("monthly.retention_days", 365), ("continuous.retention_days", 35),
                                  ("copy_to.retention_days", 35)]


@pytest.fixture(scope="session")
def switched(sandbox_reorganized: Run) -> RunView:
    """tests/variants.py: dev on Aurora MySQL (the data NACL opened on 3306); ops without Aurora and search."""
    return view_of(sandbox_reorganized)


def test_mysql_forces_tls_its_own_way_on_its_own_port(switched: RunView) -> None:
    view = switched
    cluster = view.one(CLUSTER, "dev").inputs
    assert (cluster["engine"], cluster["port"]) == ("aurora-mysql", 3306)
    assert cluster["enabledCloudwatchLogsExports"] == ["audit", "error", "general", "slowquery"]
    parameters = view.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "dev").inputs
    assert parameters["family"] == "aurora-mysql8.0"
    assert parameters["parameters"][0] == {"name": "require_secure_transport", "value": "ON"}
    assert {p["name"] for p in parameters["parameters"][1:]} == {"server_audit_logging", "server_audit_events",
                                                                  "slow_query_log", "long_query_time", "log_output"}
    groups = {g.id: g.inputs["tags"]["Name"] for g in view.of("aws:ec2/securityGroup:SecurityGroup", "dev")}
    ingress = [r.inputs["fromPort"] for r in view.of("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "dev")
               if groups.get(r.inputs["securityGroupId"]) == "shop-dev-aurora"]
    assert ingress == [3306]


def test_parts_switch_off_one_by_one(switched: RunView) -> None:
    view = switched
    assert view.of(CLUSTER, "ops") == [] and view.of(DOMAIN, "ops") == []
    assert view.of("aws:backup/restoreTestingPlan:RestoreTestingPlan", "ops") == []
    purposes = {k.inputs["tags"]["Purpose"] for k in in_tier(view, "ops") if k.type == KEY}
    assert purposes == {"stream", "lake", "logs", "backup"}
    assert len(view.of(CLUSTER, "dev")) == 1 and len(view.of(DOMAIN, "dev")) == 1
    assert view.run.outputs["data"]["ops"]["reader_endpoint"] is None


def test_without_a_data_section_nothing_is_configured() -> None:
    raw = config_sections("dev", patch={"landing-zone:data": None, "landing-zone:services": None})
    assert validate(raw).data == {}


def test_alarm_thresholds_for_data_services_need_the_service_switched_on() -> None:
    raw = config_sections("dev")
    raw["monitoring"] = {**raw["monitoring"], "alarms": {**raw["monitoring"].get("alarms", {}), "aurora": {"cpu": "75%"}}}
    assert validate(raw).data["dev"].database.enabled
    for account in ("dev", "ops"):
        raw["data"][account] = {**raw["data"][account], "database": {"enabled": False}}
    with pytest.raises(ConfigError, match=r"monitoring\.alarms\.aurora"):
        validate(raw)
