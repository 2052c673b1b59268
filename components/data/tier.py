"""One account's data tier: the keys, then each enabled part, wired to its key of purpose and to the backup plan."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.data.backup import BACKUP_TAGS, Backup
from components.data.database import Database
from components.data.keys import DataKeys
from components.data.lake import DataLake
from components.data.restore_testing import RestoreTesting
from components.data.search import SearchDomain
from components.data.stream import EventStream
from components.home import Home
from components.monitoring.monitor import Monitor
from components.vpc import Vpc
from config.alarm_catalogue import LAMBDA_WITH_DEAD_LETTER_QUEUE
from config.data import AccountDataConfig

# Tag of stores that hold primary data (not rebuildable logs or artifacts): the backup rule covers such buckets.
PRIMARY_STORE_TAGS = {"DataStore": "primary"}


class DataTier(pulumi.ComponentResource):
    """Aurora, OpenSearch, Kinesis to the lake, and AWS Backup in `account`'s VPC; parts off in config are None.

    The search domain admits the app role `<org>-<account>-<search.app_role>`; `admin_role` (the account's access
    role, accounts[].role_name) administers the domain's security. `copy_provider` is the account's provider in the
    backup copy region (None when nothing is copied). Backup alerts go to the account's critical topic;
    what it creates it watches with `monitor`.
    """

    def __init__(self, name: str, spec: AccountDataConfig, home: Home, *, vpc: Vpc, admin_role: str, monitor: Monitor,
                 copy_provider: aws.Provider | None = None, opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:data:DataTier", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        app_role_arn = home.role_arn(home.name(spec.search.app_role, kind="iam"))
        parts = {"database": spec.database.enabled, "search": spec.search.enabled, "stream": spec.stream.enabled,
                 "lake": spec.lake.enabled, "backup": spec.backup.enabled}
        purposes = [purpose for purpose, on in parts.items() if on]
        if any(parts[part] for part in ("database", "search", "stream")):
            purposes.append("logs")
        self.keys = DataKeys(f"{name}-keys", purposes, home, opts=child)
        backup_tags = BACKUP_TAGS if spec.backup.enabled else {}
        app_group = vpc.security_groups.get(spec.app_security_group)

        self.database: Database | None = None
        if spec.database.enabled:
            assert app_group is not None  # config checks the group exists in the VPC
            self.database = Database(
                f"{name}-aurora", spec.database, home, vpc=vpc, app=app_group, keys=self.keys, tags=backup_tags,
                ignore_backup_retention=spec.backup.enabled and spec.backup.continuous.enabled, opts=child)
        self.search: SearchDomain | None = None
        if spec.search.enabled:
            assert app_group is not None
            self.search = SearchDomain(f"{name}-search", spec.search, home, vpc=vpc, app=app_group, keys=self.keys,
                                       app_role_arn=app_role_arn, admin_role_arn=home.role_arn(admin_role), opts=child)
        self.lake: DataLake | None = None
        if spec.lake.enabled:
            self.lake = DataLake(f"{name}-lake", spec.lake, home, key=self.keys["lake"],
                                 tags=PRIMARY_STORE_TAGS | backup_tags, opts=child)
        self.stream: EventStream | None = None
        if spec.stream.enabled and self.lake is not None:
            self.stream = EventStream(f"{name}-events", spec.stream, home, keys=self.keys, lake=self.lake, opts=child)
        self.backup: Backup | None = None
        self.restore_testing: RestoreTesting | None = None
        if spec.backup.enabled:
            # Each account's own topic: Backup and EventBridge publish only within their account.
            self.backup = Backup(f"{name}-backup", spec.backup, home, key=self.keys["backup"],
                                 alert_topic_arn=monitor.alerts[home.account].critical.arn, copy_provider=copy_provider,
                                 keep_clusters=[self.database.cluster_arn] if self.database else [], opts=child)
            if spec.backup.restore_testing.enabled and self.database is not None:
                self.restore_testing = RestoreTesting(
                    f"{name}-restore-testing", spec.backup, home, database=self.database, backup=self.backup,
                    logs_key=self.keys["logs"], log_retention_days=spec.database.log_retention_days, opts=child)
        self._watch(monitor, home.account, spec)
        self.register_outputs({
            "key_arns": self.keys.arns,
            "cluster_identifier": self.database.cluster_identifier if self.database else None,
            "reader_endpoint": self.database.reader_endpoint if self.database else None,
            "search_domain": self.search.domain_name if self.search else None,
            "stream_name": self.stream.stream_name if self.stream else None,
            "lake_bucket": self.lake.bucket_name if self.lake else None,
            "vault_name": self.backup.vault_name if self.backup else None,
        })

    def _watch(self, monitor: Monitor, account: str, spec: AccountDataConfig) -> None:
        """Alarms and dashboard graphs for every part that is on."""
        if self.database is not None:
            monitor.watch("aurora", account, {"DBClusterIdentifier": self.database.cluster_identifier}, name="aurora",
                          section="data")
        if self.search is not None:
            monitor.watch("opensearch", account, {"DomainName": self.search.domain_name}, name="search", section="data",
                          defaults={"free_storage": spec.search.free_storage_alarm})
        if self.stream is not None:
            monitor.watch("kinesis", account, {"StreamName": self.stream.stream_name}, name="events", section="data")
            monitor.watch("firehose", account, {"DeliveryStreamName": self.stream.delivery_stream_name},
                          name="events-to-lake", metrics=["s3_freshness"], section="data")
        if self.backup is not None:
            monitor.watch("backup", account, {"BackupVaultName": self.backup.vault_name}, name="backup", section="data")
        if self.restore_testing is not None:
            monitor.watch("lambda", account, {"FunctionName": self.restore_testing.validator.name}, name="restore-validator",
                          metrics=LAMBDA_WITH_DEAD_LETTER_QUEUE, section="data")
            monitor.watch("dead_letter_queue", account, {"QueueName": self.restore_testing.dead_letter_queue_name},
                          name="restore-validator-failures", section="data")
