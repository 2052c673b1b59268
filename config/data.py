"""`landing-zone:data`: the data tier of each workload account (Aurora, OpenSearch, Kinesis, data lake, Backup).

Keyed by account; every part can be switched off and is sized here. Cross-field checks live in config/checks/data.py.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator

from config.base import AccountName, IamRoleName, Model
from config.data_limits import (
    AURORA_BACKUP_RETENTION_DAYS,
    AURORA_DEFAULT_VERSION,
    AURORA_MAX_READERS,
    AURORA_PORT,
    BACKUP_CONTINUOUS_MAX_DAYS,
    BACKUP_VAULT_LOCK_MIN_CHANGEABLE_DAYS,
    KINESIS_RETENTION_HOURS,
    AuroraEngine,
)
from config.quantity import Quantity

Weekday = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
Hour = Annotated[int, Field(ge=0, le=23, description="Hour of the day, UTC (0-23).")]

_BACKUP_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_MAINTENANCE_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$"
)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def window_minutes(window: str) -> tuple[int, int]:
    """(start, end) of `hh:mm-hh:mm` or `ddd:hh:mm-ddd:hh:mm` in minutes from Monday 00:00 (end may pass a week)."""
    weekly = _MAINTENANCE_WINDOW.match(window)
    if weekly:
        d1, h1, m1, d2, h2, m2 = weekly.groups()
        start = _DAYS.index(d1) * 1440 + int(h1) * 60 + int(m1)
        end = _DAYS.index(d2) * 1440 + int(h2) * 60 + int(m2)
        return start, end if end > start else end + 7 * 1440
    daily = _BACKUP_WINDOW.match(window)
    if not daily:
        raise ValueError(window)
    h1, m1, h2, m2 = (int(part) for part in daily.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return start, end if end > start else end + 1440


class ReaderScalingConfig(Model):
    """Application Auto Scaling of the cluster's reader count (target tracking)."""

    enabled: bool = Field(True, description="Add and remove readers with load.")
    min_readers: int | None = Field(None, ge=0, le=AURORA_MAX_READERS,
                                    description="Fewest readers; defaults to the provisioned `readers`.")
    max_readers: int = Field(3, ge=0, le=AURORA_MAX_READERS, description="Most readers (Aurora allows 15 in all).")
    metric: Literal["cpu", "connections"] = Field(
        "cpu", description="Track average reader CPU % (`cpu`) or connections per reader (`connections`).")
    # 60% CPU leaves headroom for a reader to absorb a failed peer's traffic while a new one starts.
    target: float = Field(60.0, gt=0, le=100000, description="Target value of the tracked metric.")
    scale_in_cooldown_seconds: int = Field(300, ge=0, le=3600, description="Wait after removing a reader.")
    scale_out_cooldown_seconds: int = Field(300, ge=0, le=3600, description="Wait after adding a reader.")


class DatabaseConfig(Model):
    """The Aurora cluster: one writer plus `readers` replicas in other AZs."""

    enabled: bool = Field(True, description="Build the Aurora cluster.")
    engine: AuroraEngine = Field("aurora-postgresql", description="`aurora-postgresql` or `aurora-mysql`.")
    engine_version: str | None = Field(
        None, description=f"Engine version a new cluster starts with; defaults to "
                          f"{AURORA_DEFAULT_VERSION['aurora-postgresql']} (PostgreSQL) or "
                          f"{AURORA_DEFAULT_VERSION['aurora-mysql']} (MySQL). After creation AWS applies minor "
                          "upgrades in the maintenance window and the program leaves the version to AWS (changing "
                          "it here changes nothing); a major upgrade is a blue/green deployment (RDS user guide, "
                          "'Upgrading the PostgreSQL DB engine for Aurora PostgreSQL').")
    instance_class: str = Field("db.r6g.large", description="Writer instance class, e.g. db.r6g.large.")
    reader_instance_class: str | None = Field(None, description="Reader instance class; defaults to the writer's.")
    readers: int = Field(1, ge=0, le=AURORA_MAX_READERS,
                         description=f"Reader instances besides the writer, in other AZs (Aurora allows {AURORA_MAX_READERS}).")
    database_name: str = Field("shop", pattern=r"^[a-z][a-z0-9_]{0,62}$",
                               description="Initial database (a-z, 0-9, _; starts with a letter).")
    master_username: str = Field("shop_admin", pattern=r"^[a-z][a-z0-9_]{0,15}$",
                                 description="Master user; its password lives in Secrets Manager, rotated by RDS.")
    backup_retention_days: int = Field(
        7, ge=AURORA_BACKUP_RETENTION_DAYS[0], le=AURORA_BACKUP_RETENTION_DAYS[1],
        description="Days of automated backups (point-in-time restore) Aurora keeps (1-35).")
    # 17:00 UTC is 02:00 in Seoul, the shop's quietest hour.
    backup_window: str = Field("17:00-18:00", description="Daily automated backup window, UTC `hh:mm-hh:mm` (30 min+).")
    maintenance_window: str = Field("sun:18:30-sun:19:30",
                                    description="Weekly maintenance window, UTC `ddd:hh:mm-ddd:hh:mm` (30 min+).")
    performance_insights_retention_days: int = Field(
        7, description="Days Performance Insights keeps data: 7 (free), a multiple of 31 up to 713, or 731.")
    monitoring_interval_seconds: Literal[1, 5, 10, 15, 30, 60] = Field(
        60, description="Enhanced monitoring granularity in seconds.")
    log_retention_days: int = Field(30, description="Days CloudWatch keeps the exported database logs.")
    # The exported log must say who changed what: schema and grant changes by default, every write with `mod`.
    statement_logging: Literal["none", "ddl", "mod", "all"] = Field(
        "ddl", description="Statements the log records with their user: `ddl` (schema and grants), `mod` (also every "
                           "INSERT, UPDATE, DELETE), `all`, or `none`.")
    slow_statement_ms: int | None = Field(
        1000, ge=0, le=3_600_000, description="Log every statement slower than this many milliseconds; none: off.")
    scaling: ReaderScalingConfig = Field(default_factory=ReaderScalingConfig,
                                         description="Reader auto scaling.")

    @field_validator("backup_window")
    @classmethod
    def _backup_window_shape(cls, value: str) -> str:
        if not _BACKUP_WINDOW.match(value):
            raise ValueError(f"`{value}` is not a window like 17:00-18:00 (UTC, 24-hour clock)")
        start, end = window_minutes(value)
        if end - start < 30:
            raise ValueError(f"`{value}` is shorter than the 30 minutes RDS requires")
        return value

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_window_shape(cls, value: str) -> str:
        if not _MAINTENANCE_WINDOW.match(value):
            raise ValueError(f"`{value}` is not a window like sun:18:30-sun:19:30 (UTC, lowercase day)")
        start, end = window_minutes(value)
        if end - start < 30:
            raise ValueError(f"`{value}` is shorter than the 30 minutes RDS requires")
        return value

    @property
    def version(self) -> str:
        return self.engine_version or AURORA_DEFAULT_VERSION[self.engine]

    @property
    def port(self) -> int:
        return AURORA_PORT[self.engine]

    @property
    def reader_class(self) -> str:
        return self.reader_instance_class or self.instance_class

    @property
    def parameter_family(self) -> str:
        """`aurora-postgresql16` / `aurora-mysql8.0`, from the engine version."""
        if self.engine == "aurora-postgresql":
            return f"aurora-postgresql{self.version.split('.')[0]}"
        return f"aurora-mysql{'.'.join(self.version.split('.')[:2])}"


class DedicatedMastersConfig(Model):
    enabled: bool | None = Field(None, description="Dedicated master nodes; defaults to on in production.")
    instance_type: str = Field("m6g.large.search", description="Master node instance type.")
    count: Literal[3, 5] = Field(3, description="Master nodes: 3 or 5, so a quorum survives an AZ.")


FREE_STORAGE_SHARE = 0.25


class SearchConfig(Model):
    """The OpenSearch product-search domain, in the VPC's data subnets."""

    enabled: bool = Field(True, description="Build the product-search domain.")
    engine_version: str = Field("OpenSearch_2.17", pattern=r"^OpenSearch_\d+\.\d+$",
                                description="Engine version, e.g. OpenSearch_2.17. Pinned: AWS never moves a domain to "
                                            "another engine version by itself (its service software updates are "
                                            "separate), so changing it here is how a domain is upgraded (a blue/green "
                                            "deployment AWS runs; OpenSearch Service developer guide, 'Upgrading "
                                            "Amazon OpenSearch Service domains').")
    instance_type: str = Field("r6g.large.search", description="Data node instance type, e.g. r6g.large.search.")
    instance_count: int = Field(2, ge=1, le=80, description="Data nodes; a multiple of the AZ count.")
    availability_zones: Literal[1, 2, 3] | None = Field(
        None, description="AZs the nodes spread over; defaults to 3 in production and 2 in a sandbox.")
    dedicated_masters: DedicatedMastersConfig = Field(default_factory=DedicatedMastersConfig,
                                                      description="Dedicated master nodes.")
    volume_size_gib: int = Field(20, ge=10, le=3072, description="gp3 EBS volume per data node, GiB.")
    log_retention_days: int = Field(30, description="Days CloudWatch keeps the audit, slow and error logs.")
    app_role: IamRoleName = Field(
        "app", description="Purpose of the app role the access policy admits: the role named `<org>-<account>-<app_role>`.")

    def zone_count(self, production: bool) -> int:
        """AZs the domain spreads over: as configured, else 3 in production and 2 in a sandbox."""
        if self.availability_zones is not None:
            return self.availability_zones
        return 3 if production else 2

    def masters_enabled(self, production: bool) -> bool:
        enabled = self.dedicated_masters.enabled
        return enabled if enabled is not None else production

    @property
    def free_storage_alarm(self) -> Quantity:
        """Alarm when a node has a quarter of its volume left (AWS's recommended CloudWatch alarms for OpenSearch
        Service: FreeStorageSpace at 25% of each node's storage). A fixed size can exceed a small volume, and an
        alarm that starts in ALARM never tells anyone anything."""
        return Quantity(self.volume_size_gib * FREE_STORAGE_SHARE, "GiB",
                        f"{self.volume_size_gib * FREE_STORAGE_SHARE:g} GiB")


class StreamConfig(Model):
    """The Kinesis stream of purchase, cart and click events, and the Firehose that lands it in the lake."""

    enabled: bool = Field(True, description="Build the event stream and its delivery to the lake.")
    mode: Literal["on-demand", "provisioned"] = Field(
        "on-demand", description="On-demand scales itself; provisioned needs `shards`.")
    shards: int | None = Field(None, ge=1, le=500, description="Shards when `mode` is provisioned.")
    retention_hours: int = Field(24, ge=KINESIS_RETENTION_HOURS[0], le=KINESIS_RETENTION_HOURS[1],
                                 description="Hours Kinesis keeps records (24-8760).")
    buffer_mib: int = Field(64, ge=1, le=128, description="Firehose buffer size before it writes an object, MiB.")
    buffer_seconds: int = Field(300, ge=0, le=900, description="Firehose buffer time before it writes an object.")
    log_retention_days: int = Field(30, description="Days CloudWatch keeps Firehose delivery errors.")


class LakeConfig(Model):
    """The data-lake bucket Firehose writes into, partitioned by date, with lifecycle rules."""

    enabled: bool = Field(True, description="Build the data-lake bucket.")
    infrequent_access_after_days: int = Field(30, ge=30, description="Move events to STANDARD_IA after (30+).")
    glacier_after_days: int | None = Field(90, ge=1, description="Move events to GLACIER_IR after; none keeps them.")
    expire_after_days: int | None = Field(None, ge=1, description="Delete events after; none keeps them forever.")
    noncurrent_expire_after_days: int = Field(30, ge=1, description="Delete overwritten or deleted versions after.")
    error_expire_after_days: int = Field(30, ge=1, description="Delete records Firehose could not deliver after.")
    # Primary data: who read or wrote which object must be on record (Security Hub S3.22/S3.23, for this bucket).
    object_logging: Literal["data-events", "access-logs"] = Field(
        "data-events", description="How reads and writes of lake objects are recorded: `data-events` (the "
                                   "organization trail logs the lake's S3 data events; CloudTrail charges per event) or "
                                   "`access-logs` (S3 server access logs into the account's lake-log bucket; no charge "
                                   "but delivered on a best-effort basis).")
    access_log_expire_after_days: int = Field(
        365, ge=1, description="With `access-logs`: days the lake's server access logs are kept.")


class ScheduledRuleConfig(Model):
    enabled: bool = Field(True, description="Take this backup.")
    retention_days: int = Field(ge=1, le=36500, description="Days each recovery point is kept.")
    cold_storage_after_days: int | None = Field(
        None, ge=1, description="Move to cold storage after (needs retention 90+ days longer).")


class HourlyRuleConfig(ScheduledRuleConfig):
    enabled: bool = Field(False, description="Take a backup every `every_hours`.")
    every_hours: Literal[1, 2, 3, 4, 6, 8, 12] = Field(12, description="Hours between backups (divides 24).")
    retention_days: int = Field(2, ge=1, le=36500, description="Days each recovery point is kept.")


class DailyRuleConfig(ScheduledRuleConfig):
    # 18:00 UTC (03:00 Seoul) follows Aurora's own backup window.
    hour_utc: Hour = 18
    retention_days: int = Field(35, ge=1, le=36500, description="Days each recovery point is kept.")


class WeeklyRuleConfig(ScheduledRuleConfig):
    day: Weekday = Field("SUN", description="Day of the week, UTC.")
    retention_days: int = Field(90, ge=1, le=36500, description="Days each recovery point is kept.")


class MonthlyRuleConfig(ScheduledRuleConfig):
    retention_days: int = Field(365, ge=1, le=36500, description="Days each recovery point is kept.")


class ContinuousRuleConfig(Model):
    enabled: bool = Field(False, description="Continuous backup (point-in-time restore) of Aurora and the lake.")
    retention_days: int = Field(BACKUP_CONTINUOUS_MAX_DAYS, ge=1, le=BACKUP_CONTINUOUS_MAX_DAYS,
                                description="Days of point-in-time restore (1-35).")


class CopyConfig(Model):
    region: str | None = Field(None, description="Second region recovery points are copied to; none copies nothing.")
    retention_days: int = Field(35, ge=1, le=36500, description="Days the copies are kept.")


class VaultLockConfig(Model):
    enabled: bool | None = Field(None, description="Lock the vaults; defaults to on in production (where it is required).")
    changeable_for_days: int = Field(
        BACKUP_VAULT_LOCK_MIN_CHANGEABLE_DAYS, ge=BACKUP_VAULT_LOCK_MIN_CHANGEABLE_DAYS, le=36500,
        description="Grace days before the lock becomes immutable (compliance mode); at least 3.")
    min_retention_days: int = Field(1, ge=1, le=36500, description="Shortest retention a recovery point may have.")
    max_retention_days: int = Field(3650, ge=1, le=36500, description="Longest retention a recovery point may have.")


class RestoreTestingConfig(Model):
    enabled: bool = Field(True, description="Restore the latest Aurora recovery point on a schedule and validate it.")
    day: Weekday = Field("SAT", description="Day of the week the test runs, UTC.")
    hour_utc: Hour = 19
    selection_window_days: int = Field(7, ge=1, le=365, description="Pick the latest recovery point of this many days.")
    start_window_hours: int = Field(24, ge=1, le=168, description="Hours the test may wait to start.")
    validation_window_hours: int = Field(4, ge=1, le=168, description="Hours kept for validation before clean-up.")


class BackupConfig(Model):
    """AWS Backup: a vault per account, plans by schedule, copies to a second region, restore testing."""

    enabled: bool = Field(True, description="Back up the account's data stores.")
    # 25: the daily rule's 24 hours plus its one-hour start window, so the defaults meet their own objective.
    rpo_hours: float = Field(25, gt=0, le=8760, description="Recovery point objective: most data (hours) a loss may cost.")
    rto_hours: float = Field(8, gt=0, le=8760, description="Recovery time objective: longest a restore may take (hours).")
    start_window_minutes: int = Field(60, ge=60, le=1440, description="Minutes a scheduled job may wait to start.")
    completion_window_minutes: int = Field(480, ge=120, le=10080, description="Minutes a job may run.")
    hourly: HourlyRuleConfig = Field(default_factory=HourlyRuleConfig, description="Backups every few hours.")
    daily: DailyRuleConfig = Field(default_factory=DailyRuleConfig, description="The daily backup.")
    weekly: WeeklyRuleConfig = Field(default_factory=WeeklyRuleConfig, description="The weekly backup.")
    monthly: MonthlyRuleConfig = Field(default_factory=MonthlyRuleConfig, description="The monthly backup.")
    continuous: ContinuousRuleConfig = Field(default_factory=ContinuousRuleConfig, description="Continuous backup.")
    copy_to: CopyConfig = Field(default_factory=CopyConfig, description="Cross-region copies of every recovery point.")
    vault_lock: VaultLockConfig = Field(default_factory=VaultLockConfig, description="Backup vault lock.")
    restore_testing: RestoreTestingConfig = Field(default_factory=RestoreTestingConfig,
                                                  description="Scheduled restore tests of Aurora.")

    def locked(self, production: bool) -> bool:
        """Whether the vaults carry a lock: as configured, else in production."""
        return self.vault_lock.enabled if self.vault_lock.enabled is not None else production


class AccountDataConfig(Model):
    """The data tier of one account; the account needs a VPC under `landing-zone:network.vpcs`."""

    app_security_group: str = Field(
        "app", description="The VPC's shared security group (network.security_groups) admitted to Aurora and search.")
    database: DatabaseConfig = Field(default_factory=DatabaseConfig, description="The Aurora cluster.")
    search: SearchConfig = Field(default_factory=SearchConfig, description="The OpenSearch product-search domain.")
    stream: StreamConfig = Field(default_factory=StreamConfig, description="The Kinesis event stream and Firehose.")
    lake: LakeConfig = Field(default_factory=LakeConfig, description="The data-lake bucket.")
    backup: BackupConfig = Field(default_factory=BackupConfig, description="AWS Backup of the account's data stores.")


DataConfig = dict[AccountName, AccountDataConfig]
