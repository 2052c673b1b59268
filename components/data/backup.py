"""AWS Backup of one account: vault (backup key, locked in production), the plan, selection by tag, cross-region
copies, and failed jobs reported to the account's alert topic.

Failures reach the topic one way only, through EventBridge's job state changes, which name the resource, the vault
and AWS's reason. The vault's own SNS notifications are not used: COPY_JOB_FAILED would report the same copy job a
second time, and S3_BACKUP_OBJECT_FAILED / S3_RESTORE_OBJECT_FAILED send a message per S3 object
(docs.aws.amazon.com/aws-backup/latest/devguide/backup-notifications.html), a flood for a bucket of thousands."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.data.backup_roles import backup_roles
from components.data.keys import purpose_key
from components.home import Home
from config.data import BackupConfig, ScheduledRuleConfig, VaultLockConfig
from config.naming import aws_name

# Stores carrying this tag are in the account's backup selection (policy rule `stateful-in-backup-selection`).
BACKUP_TAG_KEY = "BackupPlan"
BACKUP_TAG_VALUE = "data-tier"
BACKUP_TAGS = {BACKUP_TAG_KEY: BACKUP_TAG_VALUE}


class Backup(pulumi.ComponentResource):
    """The account's vault and plan. `copy_provider` is the same account's provider in `spec.copy_to.region`;
    restores may never delete the clusters in `keep_clusters`."""

    def __init__(self, name: str, spec: BackupConfig, home: Home, *, key: aws.kms.Key, alert_topic_arn: pulumi.Input[str],
                 copy_provider: aws.Provider | None = None, keep_clusters: Sequence[pulumi.Input[str]] = (),
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:data:Backup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        org, account, account_id, region, production = (home.org, home.account, home.account_id, home.region,
                                                         home.production)
        self.spec = spec
        self.locked = spec.locked(production)
        objectives = {"RecoveryPointObjectiveHours": f"{spec.rpo_hours:g}",
                      "RecoveryTimeObjectiveHours": f"{spec.rto_hours:g}"}
        self.vault_name = aws_name(org, account, "backup", kind="backup-vault")
        self.vault = _vault(name, self.vault_name, key.arn, lock=spec.vault_lock if self.locked else None,
                            production=production, parent=self, opts=child)

        self.copy_vault: aws.backup.Vault | None = None
        self.copy_key: aws.kms.Key | None = None
        if spec.copy_to.region is not None and copy_provider is not None:
            in_copy_region = pulumi.ResourceOptions(parent=self, provider=copy_provider)
            self.copy_key = purpose_key(f"{name}-copy-key", "backup", home, opts=in_copy_region,
                                        region=spec.copy_to.region, alias_suffix="copy")
            self.copy_vault = _vault(f"{name}-copy", aws_name(org, account, "backup-copy", kind="backup-vault"),
                                     self.copy_key.arn, lock=spec.vault_lock if self.locked else None,
                                     production=production, parent=self, opts=in_copy_region)

        regions = [region, *([spec.copy_to.region] if self.copy_vault is not None and spec.copy_to.region else [])]
        self.role, self.restore_role = backup_roles(
            name, (aws_name(org, account, "backup", kind="iam"), aws_name(org, account, "backup-restore", kind="iam")),
            account_id, regions=regions, keep=keep_clusters, parent=self)

        self.rules = self._rules(spec, self.copy_vault)
        self.plan = aws.backup.Plan(f"{name}-plan", name=aws_name(org, account, "data", kind="backup-plan"),
                                    rules=self.rules, tags=objectives, opts=child)
        self.selection = aws.backup.Selection(
            f"{name}-selection", name=aws_name(org, account, "data-tier", kind="backup-plan"),
            plan_id=self.plan.id, iam_role_arn=self.role.arn,
            selection_tags=[aws.backup.SelectionSelectionTagArgs(type="STRINGEQUALS", key=BACKUP_TAG_KEY,
                                                                 value=BACKUP_TAG_VALUE)],
            opts=child)

        failures = aws.cloudwatch.EventRule(
            f"{name}-failures", name=aws_name(org, account, "backup-failures"),
            description=f"Failed, aborted or expired backup, copy and restore jobs in {account}",
            event_pattern=json.dumps(FAILURE_PATTERN), opts=child)
        aws.cloudwatch.EventTarget(f"{name}-failures-to-alerts", rule=failures.name, arn=alert_topic_arn, opts=child)

        self.vault_arn: pulumi.Output[str] = self.vault.arn
        self.plan_id: pulumi.Output[str] = self.plan.id
        self.register_outputs({"vault_name": self.vault_name, "vault_arn": self.vault.arn, "plan_id": self.plan.id,
                               "copy_vault_arn": self.copy_vault.arn if self.copy_vault else None})

    def _rules(self, spec: BackupConfig, copy_vault: aws.backup.Vault | None) -> list[aws.backup.PlanRuleArgs]:
        hour = spec.daily.hour_utc
        rules = []
        scheduled: list[tuple[str, ScheduledRuleConfig, str, bool]] = [
            ("hourly", spec.hourly, f"cron(0 0/{spec.hourly.every_hours} * * ? *)", False),
            ("daily", spec.daily, f"cron(0 {hour} * * ? *)", True),
            ("weekly", spec.weekly, f"cron(0 {hour} ? * {spec.weekly.day} *)", True),
            ("monthly", spec.monthly, f"cron(0 {hour} 1 * ? *)", True),
        ]
        for rule_name, rule, schedule, copied in scheduled:
            if not rule.enabled:
                continue
            copy_actions = None
            if copied and copy_vault is not None:
                copy_actions = [aws.backup.PlanRuleCopyActionArgs(
                    destination_vault_arn=copy_vault.arn,
                    lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(delete_after=spec.copy_to.retention_days))]
            rules.append(aws.backup.PlanRuleArgs(
                rule_name=rule_name, target_vault_name=self.vault.name, schedule=schedule,
                start_window=spec.start_window_minutes, completion_window=spec.completion_window_minutes,
                lifecycle=aws.backup.PlanRuleLifecycleArgs(
                    delete_after=rule.retention_days, cold_storage_after=rule.cold_storage_after_days),
                recovery_point_tags={"BackupRule": rule_name}, copy_actions=copy_actions))
        if spec.continuous.enabled:
            # Point-in-time restore of every selected store that supports it (Aurora, S3); daily as its base.
            rules.append(aws.backup.PlanRuleArgs(
                rule_name="continuous", target_vault_name=self.vault.name, schedule=f"cron(0 {hour} * * ? *)",
                enable_continuous_backup=True, start_window=spec.start_window_minutes,
                completion_window=spec.completion_window_minutes,
                lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=spec.continuous.retention_days),
                recovery_point_tags={"BackupRule": "continuous"}))
        return rules


# Backup, copy and restore jobs that did not complete, and restore tests whose validation failed
# (docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html: restore jobs report `status`, the others `state`).
FAILURE_PATTERN = {
    "source": ["aws.backup"],
    "detail-type": ["Backup Job State Change", "Copy Job State Change", "Restore Job State Change"],
    "$or": [
        {"detail": {"state": ["FAILED", "ABORTED", "EXPIRED"]}},
        {"detail": {"status": ["FAILED", "ABORTED", "EXPIRED"]}},
        {"detail": {"validationStatus": ["FAILED", "TIMED_OUT"]}},
    ],
}


def _vault(name: str, vault_name: str, key_arn: pulumi.Input[str], *, lock: VaultLockConfig | None, production: bool,
           parent: pulumi.Resource, opts: pulumi.ResourceOptions) -> aws.backup.Vault:
    vault = aws.backup.Vault(
        # A sandbox destroy deletes its recovery points with the vault; production's vaults are protected (and locked).
        name, name=vault_name, kms_key_arn=key_arn, force_destroy=not production,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(parent=parent, protect=production)))
    if lock is not None:
        aws.backup.VaultLockConfiguration(
            f"{name}-lock", backup_vault_name=vault.name, changeable_for_days=lock.changeable_for_days,
            min_retention_days=lock.min_retention_days, max_retention_days=lock.max_retention_days,
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(parent=parent, protect=production)))
    return vault
