"""AWS Backup as registered: the schedule against the stated RPO, copies, locks, selection by tag, failure alerts and
restore testing of Aurora."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from components.data.restore_testing import HANDLER, SOURCE
from policy import rules
from preview.run import Run
from tests.data_view import CLUSTER, PLAN, SELECTION, VAULT, VAULT_LOCK, WORKLOADS, in_tier
from tests.run_view import RunView, view_of

RESTORE_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
RESTORE_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection"


@pytest.fixture(scope="module")
def views(runs: dict[str, Run]) -> dict[str, RunView]:
    return {stack: view_of(result) for stack, result in runs.items()}


def _gap_hours(rule: dict) -> float:
    """Longest time between two recovery points this rule makes (schedule interval plus start window)."""
    if rule.get("enableContinuousBackup"):
        return 5 / 60
    interval = rules.schedule_interval_hours(rule["schedule"])
    assert interval is not None, rule["schedule"]
    return interval + rule["startWindow"] / 60


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("account", WORKLOADS)
def test_the_plan_meets_the_stated_rpo(views: dict[str, RunView], stack: str, account: str) -> None:
    view = views[stack]
    spec = view.config.data[account].backup
    plan = view.one(PLAN, account).inputs
    assert plan["tags"] == {"RecoveryPointObjectiveHours": f"{spec.rpo_hours:g}",
                            "RecoveryTimeObjectiveHours": f"{spec.rto_hours:g}"}
    gaps = {rule["ruleName"]: _gap_hours(rule) for rule in plan["rules"]}
    assert min(gaps.values()) <= spec.rpo_hours, gaps
    expected = {"daily"} | ({"weekly"} if spec.weekly.enabled else set()) | ({"monthly"} if spec.monthly.enabled else set())
    expected |= {"continuous"} if spec.continuous.enabled else set()
    assert set(gaps) == expected
    for rule in plan["rules"]:
        config_rule = getattr(spec, rule["ruleName"])
        assert rule["lifecycle"]["deleteAfter"] == config_rule.retention_days
        assert rule["targetVaultName"] == f"shop-{account}-backup"


def test_production_ops_relies_on_continuous_backup_for_its_one_hour_rpo(views: dict[str, RunView]) -> None:
    plan = views["prod"].one(PLAN, "ops").inputs
    [continuous] = [r for r in plan["rules"] if r["ruleName"] == "continuous"]
    assert continuous["enableContinuousBackup"] is True and continuous["lifecycle"]["deleteAfter"] == 35
    others = [_gap_hours(r) for r in plan["rules"] if r is not continuous]
    assert min(others) == 25 > 1  # without continuous backup, the daily rule alone could not meet it


def test_daily_weekly_and_monthly_points_are_copied_to_the_second_region(views: dict[str, RunView]) -> None:
    for stack, view in views.items():
        for account, spec in view.config.data.items():
            plan = view.one(PLAN, account).inputs
            region = spec.backup.copy_to.region
            for rule in plan["rules"]:
                actions = rule.get("copyActions") or []
                if region is None or rule["ruleName"] == "continuous":
                    assert actions == [], (stack, account, rule["ruleName"])
                    continue
                [action] = actions
                target = view.by_arn(action["destinationVaultArn"])
                assert (target.type, view.region(target), view.account(target)) == (VAULT, region, account)
                assert action["lifecycle"]["deleteAfter"] == spec.backup.copy_to.retention_days


def test_vaults_are_locked_in_production_only(views: dict[str, RunView]) -> None:
    assert views["dev"].of(VAULT_LOCK) == []
    view = views["prod"]
    vaults = [v for account in WORKLOADS for v in view.of(VAULT, account)]
    locks = view.of(VAULT_LOCK)
    assert len(vaults) == 3 and len(locks) == 3  # dev, ops, and ops' copy vault
    for vault in vaults:
        [lock] = [lock for lock in locks if vault.urn in lock.property_dependencies.get("backupVaultName", [])]
        spec = view.config.data[view.account(vault)].backup.vault_lock
        assert lock.inputs["changeableForDays"] >= 3
        assert (lock.inputs["minRetentionDays"], lock.inputs["maxRetentionDays"]) == \
            (spec.min_retention_days, spec.max_retention_days)
        assert view.region(lock) == view.region(vault)


def test_selection_by_tag_covers_aurora_and_the_lake(views: dict[str, RunView]) -> None:
    for view in views.values():
        for account in WORKLOADS:
            selection = view.one(SELECTION, account).inputs
            assert selection["selectionTags"] == [{"type": "STRINGEQUALS", "key": "BackupPlan", "value": "data-tier"}]
            assert view.by_arn(selection["iamRoleArn"]).inputs["name"] == f"shop-{account}-backup"
            assert view.one(CLUSTER, account).inputs["tags"]["BackupPlan"] == "data-tier"
            [lake] = [b for b in in_tier(view, account) if b.type == "aws:s3/bucket:Bucket" and b.name.endswith("-lake")]
            assert lake.inputs["tags"]["BackupPlan"] == "data-tier"


def test_backup_roles_are_written_out_and_never_delete_the_live_cluster(views: dict[str, RunView]) -> None:
    view = views["prod"]
    attachments = [a for a in in_tier(view, "ops") if a.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"]
    assert attachments == []
    policies = {p.name: json.loads(p.inputs["policy"]) for p in in_tier(view, "ops")
                if p.type == "aws:iam/rolePolicy:RolePolicy" and "-backup-" in p.name}
    restore = {s["Sid"]: s for s in policies["ops-data-backup-restore-policy"]["Statement"]}
    cluster_arn = view.one(CLUSTER, "ops").outputs["arn"]
    assert restore["NeverDeleteTheLiveClusters"] == {"Sid": "NeverDeleteTheLiveClusters", "Effect": "Deny",
                                                     "Action": "rds:DeleteDBCluster", "Resource": cluster_arn}
    backup = {s["Sid"] for s in policies["ops-data-backup-backup-policy"]["Statement"]}
    assert {"AuroraSnapshotsAndContinuousBackup", "S3BucketsForBackup", "DynamoDbBackups"} <= backup


def test_failures_alert_the_accounts_critical_topic(views: dict[str, RunView]) -> None:
    for view in views.values():
        for account in WORKLOADS:
            [topic] = [t for t in view.of("aws:sns/topic:Topic", account) if t.name == f"{account}-alerts-critical"]
            # One route per failure: no vault notifications beside the rule (they would repeat copy failures).
            assert view.of("aws:backup/vaultNotifications:VaultNotifications", account) == []
            [rule] = [r for r in in_tier(view, account) if r.type == "aws:cloudwatch/eventRule:EventRule"
                      and r.name.endswith("-failures")]
            pattern = json.loads(rule.inputs["eventPattern"])
            assert pattern["source"] == ["aws.backup"]
            assert {"state": ["FAILED", "ABORTED", "EXPIRED"]} in [branch["detail"] for branch in pattern["$or"]]
            [target] = [t for t in in_tier(view, account) if t.type == "aws:cloudwatch/eventTarget:EventTarget"
                        and t.name.endswith("-failures-to-alerts")]
            assert target.inputs["arn"] == topic.outputs["arn"]


def test_restore_testing_restores_the_latest_aurora_point_and_validates_it(views: dict[str, RunView]) -> None:
    for stack, view in views.items():
        for account in WORKLOADS:
            spec = view.config.data[account].backup
            plan = view.one(RESTORE_PLAN, account).inputs
            vault = next(v for v in view.of(VAULT, account) if v.name == f"{account}-data-backup")
            selection_window = plan["recoveryPointSelection"]
            assert selection_window["algorithm"] == "LATEST_WITHIN_WINDOW"
            assert selection_window["includeVaults"] == [vault.outputs["arn"]]
            assert selection_window["selectionWindowDays"] == spec.restore_testing.selection_window_days
            assert ("CONTINUOUS" in selection_window["recoveryPointTypes"]) is spec.continuous.enabled
            assert plan["scheduleExpression"] == (f"cron(0 {spec.restore_testing.hour_utc} ? * "
                                                  f"{spec.restore_testing.day} *)")
            assert "-" not in plan["name"]
            selection = view.one(RESTORE_SELECTION, account).inputs
            cluster = view.one(CLUSTER, account)
            assert selection["protectedResourceType"] == "Aurora"
            assert selection["protectedResourceArns"] == [cluster.outputs["arn"]]
            assert view.by_arn(selection["iamRoleArn"]).inputs["name"] == f"shop-{account}-backup-restore"
            overrides = selection["restoreMetadataOverrides"]
            assert overrides["dbsubnetgroupname"] == cluster.inputs["dbSubnetGroupName"]
            assert json.loads(overrides["vpcsecuritygroupids"]) == cluster.inputs["vpcSecurityGroupIds"]
            [validator] = [f.inputs for f in in_tier(view, account) if f.type == "aws:lambda/function:Function"]
            assert validator["environment"]["variables"] == {"RTO_HOURS": f"{spec.rto_hours:g}"}
            assert validator["handler"] == HANDLER and validator["deadLetterConfig"]["targetArn"]
            [rule] = [r for r in in_tier(view, account) if r.name.endswith("-restore-testing-completed")]
            assert json.loads(rule.inputs["eventPattern"])["detail"] == {"status": ["COMPLETED"]}, stack


def test_the_validator_source_exists_and_imports_as_lambda_loads_it() -> None:
    module, function = HANDLER.split(".")
    assert (Path(SOURCE) / f"{module}.py").is_file()
    spec = importlib.util.spec_from_file_location(module, Path(SOURCE) / f"{module}.py")
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    assert callable(getattr(loaded, function))
