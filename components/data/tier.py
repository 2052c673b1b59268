"""One account's data tier: the keys, then each enabled part, wired to its key of purpose and to the backup plan."""

from __future__ import annotations

from typing import TypedDict

import pulumi
import pulumi_aws as aws

from components.data.backup import BACKUP_TAGS, Backup
from components.data.database import Database
from components.data.keys import DataKeys
from components.data.lake import DataLake
from components.data.restore_testing import RestoreTesting
from components.data.search import SearchDomain
from components.data.stream import EventStream
from components.vpc import Vpc
from config.data import AccountDataConfig


class Placement(TypedDict):
    """Where every part of the tier goes: the same five keyword arguments for each."""

    org: str
    account: str
    account_id: pulumi.Input[str]
    region: str
    production: bool


# Tag of stores that hold primary data (not rebuildable logs or artifacts): the backup rule covers such buckets.
PRIMARY_STORE_TAGS = {"DataStore": "primary"}


class DataTier(pulumi.ComponentResource):
    """Aurora, OpenSearch, Kinesis to the lake, and AWS Backup in `account`'s VPC; parts off in config are None.

    `app_role_arn` is the role the search domain admits; `admin_role_arn` administers the domain's security.
    `copy_provider` is the account's provider in the backup copy region (None when nothing is copied).
    """

    def __init__(self, name: str, spec: AccountDataConfig, vpc: Vpc, *, org: str, account: str,
                 account_id: pulumi.Input[str], region: str, production: bool, alert_topic_arn: pulumi.Input[str],
                 app_role_arn: pulumi.Input[str], admin_role_arn: pulumi.Input[str],
                 copy_provider: aws.Provider | None = None, opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:data:DataTier", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        common = Placement(org=org, account=account, account_id=account_id, region=region, production=production)
        parts = {"database": spec.database.enabled, "search": spec.search.enabled, "stream": spec.stream.enabled,
                 "lake": spec.lake.enabled, "backup": spec.backup.enabled}
        purposes = [purpose for purpose, on in parts.items() if on]
        if any(parts[part] for part in ("database", "search", "stream")):
            purposes.append("logs")
        self.keys = DataKeys(f"{name}-keys", purposes, opts=child, **common)
        backup_tags = BACKUP_TAGS if spec.backup.enabled else {}
        app_group = vpc.security_groups.get(spec.app_security_group)

        self.database: Database | None = None
        if spec.database.enabled:
            assert app_group is not None  # config checks the group exists in the VPC
            self.database = Database(
                f"{name}-aurora", spec.database, vpc, app_group, self.keys["database"], self.keys["logs"],
                tags=backup_tags, ignore_backup_retention=spec.backup.enabled and spec.backup.continuous.enabled,
                opts=child, **common)
        self.search: SearchDomain | None = None
        if spec.search.enabled:
            assert app_group is not None
            self.search = SearchDomain(f"{name}-search", spec.search, vpc, app_group, self.keys["search"],
                                       self.keys["logs"], app_role_arn=app_role_arn, admin_role_arn=admin_role_arn,
                                       opts=child, **common)
        self.lake: DataLake | None = None
        if spec.lake.enabled:
            self.lake = DataLake(f"{name}-lake", spec.lake, self.keys["lake"], tags=PRIMARY_STORE_TAGS | backup_tags,
                                 org=org, account=account, account_id=account_id, production=production, opts=child)
        self.stream: EventStream | None = None
        if spec.stream.enabled and self.lake is not None:
            self.stream = EventStream(f"{name}-events", spec.stream, self.keys["stream"], self.lake, self.keys["logs"],
                                      opts=child, **common)
        self.backup: Backup | None = None
        self.restore_testing: RestoreTesting | None = None
        if spec.backup.enabled:
            self.backup = Backup(f"{name}-backup", spec.backup, self.keys["backup"], alert_topic_arn=alert_topic_arn,
                                 copy_provider=copy_provider, opts=child, **common,
                                 keep_clusters=[self.database.cluster_arn] if self.database else [])
            if spec.backup.restore_testing.enabled and self.database is not None:
                self.restore_testing = RestoreTesting(
                    f"{name}-restore-testing", spec.backup.restore_testing, self.database, self.backup.vault,
                    self.backup.restore_role, self.keys["logs"], continuous=spec.backup.continuous.enabled,
                    rto_hours=spec.backup.rto_hours, log_retention_days=spec.database.log_retention_days,
                    opts=child, **common)
        self.register_outputs({
            "key_arns": self.keys.arns,
            "cluster_identifier": self.database.cluster_identifier if self.database else None,
            "reader_endpoint": self.database.reader_endpoint if self.database else None,
            "search_domain": self.search.domain_name if self.search else None,
            "stream_name": self.stream.stream_name if self.stream else None,
            "lake_bucket": self.lake.bucket_name if self.lake else None,
            "vault_name": self.backup.vault_name if self.backup else None,
        })
