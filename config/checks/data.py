"""Checks of `landing-zone:data` across its own fields and against the organization and the network."""

from __future__ import annotations

import re
from collections.abc import Iterator

from config.base import LOG_RETENTION_DAYS, Sections
from config.data import AccountDataConfig, BackupConfig, DatabaseConfig, SearchConfig, window_minutes
from config.data_limits import (
    AURORA_INSTANCE_CLASSES,
    BACKUP_COLD_STORAGE_MIN_DAYS,
    CONTINUOUS_BACKUP_RPO_HOURS,
    OPENSEARCH_INSTANCE_TYPES,
    PERFORMANCE_INSIGHTS_RETENTION,
    RULE_INTERVAL_HOURS,
    closest,
)
from config.errors import Problem
from config.guardrails import GuardrailsConfig
from config.monitoring import MonitoringConfig, environments_of
from config.nacls import NaclRuleConfig
from config.network import NetworkConfig
from config.organization import OrganizationConfig
from config.regions import REGIONS
from config.switches import SwitchFn, switched_on

_VERSION_PATTERNS = {"aurora-postgresql": r"^\d+\.\d+$", "aurora-mysql": r"^\d\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$"}
_VERSION_EXAMPLES = {"aurora-postgresql": "16.6", "aurora-mysql": "8.0.mysql_aurora.3.08.0"}


def data_values(sections: Sections) -> Iterator[Problem]:
    """Each account's enabled data parts hold together on their own (Aurora, OpenSearch, stream, lake, backup); reports
    under `landing-zone:data.<account>`, e.g. `.database.instance_class`, `.stream.shards`, `.backup.rpo_hours`."""
    data: dict[str, AccountDataConfig] = sections["data"]
    for account, spec in data.items():
        base = f"data.{account}"
        if spec.database.enabled:
            yield from _database(f"{base}.database", spec.database)
        if spec.search.enabled:
            yield from _search(f"{base}.search", spec.search)
        if spec.stream.enabled:
            stream = spec.stream
            if stream.mode == "provisioned" and stream.shards is None:
                yield Problem(f"{base}.stream.shards", "required when mode is provisioned; set a shard count (1-500)")
            if stream.mode == "on-demand" and stream.shards is not None:
                yield Problem(f"{base}.stream.shards", "applies only to mode: provisioned; remove it or switch modes")
            yield from _log_retention(f"{base}.stream.log_retention_days", stream.log_retention_days)
            if not spec.lake.enabled:
                yield Problem(f"{base}.lake.enabled", "the event stream delivers into the lake; enable the lake or "
                                                      "disable the stream")
        if spec.lake.enabled:
            lake = spec.lake
            if lake.glacier_after_days is not None and lake.glacier_after_days <= lake.infrequent_access_after_days:
                yield Problem(f"{base}.lake.glacier_after_days", f"must come after infrequent_access_after_days "
                                                                 f"({lake.infrequent_access_after_days})")
            last_move = max(lake.infrequent_access_after_days, lake.glacier_after_days or 0)
            if lake.expire_after_days is not None and lake.expire_after_days <= last_move:
                yield Problem(f"{base}.lake.expire_after_days", f"must come after the last storage-class move "
                                                                f"(day {last_move}); raise it or remove it")
        if spec.backup.enabled:
            yield from _backup(f"{base}.backup", spec.backup)


def _database(path: str, db: DatabaseConfig) -> Iterator[Problem]:
    valid = AURORA_INSTANCE_CLASSES[db.engine]
    for field, value in (("instance_class", db.instance_class), ("reader_instance_class", db.reader_instance_class)):
        if value is not None and value not in valid:
            yield Problem(f"{path}.{field}", f"`{value}` is not an instance class of {db.engine}; "
                                             f"use one like {closest(value, valid)}")
    if db.engine_version is not None and not re.match(_VERSION_PATTERNS[db.engine], db.engine_version):
        yield Problem(f"{path}.engine_version", f"`{db.engine_version}` is not a {db.engine} version; write it like "
                                                f"{_VERSION_EXAMPLES[db.engine]}")
    if db.performance_insights_retention_days not in PERFORMANCE_INSIGHTS_RETENTION:
        yield Problem(f"{path}.performance_insights_retention_days",
                      f"{db.performance_insights_retention_days} is not a retention Performance Insights offers; "
                      "use 7, a multiple of 31 up to 713, or 731")
    yield from _log_retention(f"{path}.log_retention_days", db.log_retention_days)
    scaling = db.scaling
    if scaling.enabled:
        low = scaling.min_readers if scaling.min_readers is not None else db.readers
        if low > scaling.max_readers:
            yield Problem(f"{path}.scaling.max_readers", f"{scaling.max_readers} is below the minimum of {low} readers; "
                                                         f"raise it to {low} or more")
        if scaling.metric == "cpu" and scaling.target > 100:
            yield Problem(f"{path}.scaling.target", f"{scaling.target} is not a CPU percentage; use 1-100")
    backup, maintenance = window_minutes(db.backup_window), window_minutes(db.maintenance_window)
    for day in range(7):
        start, end = backup[0] + day * 1440, backup[1] + day * 1440
        if start < maintenance[1] and maintenance[0] < end:
            yield Problem(f"{path}.maintenance_window", f"`{db.maintenance_window}` overlaps the backup window "
                                                        f"`{db.backup_window}`; move one of them")
            break


def _search(path: str, search: SearchConfig) -> Iterator[Problem]:
    if search.instance_type not in OPENSEARCH_INSTANCE_TYPES:
        yield Problem(f"{path}.instance_type", f"`{search.instance_type}` is not an OpenSearch instance type; "
                                               f"use one like {closest(search.instance_type, OPENSEARCH_INSTANCE_TYPES)}")
    masters = search.dedicated_masters
    if masters.enabled is not False and masters.instance_type not in OPENSEARCH_INSTANCE_TYPES:
        yield Problem(f"{path}.dedicated_masters.instance_type",
                      f"`{masters.instance_type}` is not an OpenSearch instance type; "
                      f"use one like {closest(masters.instance_type, OPENSEARCH_INSTANCE_TYPES)}")
    yield from _log_retention(f"{path}.log_retention_days", search.log_retention_days)


def _log_retention(path: str, days: int) -> Iterator[Problem]:
    if days not in LOG_RETENTION_DAYS:
        yield Problem(path, f"{days} is not a CloudWatch Logs retention; use one of {list(LOG_RETENTION_DAYS)}")


def achieved_rpo_hours(backup: BackupConfig) -> tuple[float, str] | None:
    """Longest gap between two recovery points the plan allows, and which rule sets it; None without any rule."""
    if backup.continuous.enabled:
        return CONTINUOUS_BACKUP_RPO_HOURS, "continuous backup (every 5 minutes)"
    late = backup.start_window_minutes / 60
    candidates = []
    if backup.hourly.enabled:
        candidates.append((backup.hourly.every_hours + late, f"the hourly rule (every {backup.hourly.every_hours} h"))
    for name in ("daily", "weekly", "monthly"):
        if getattr(backup, name).enabled:
            candidates.append((RULE_INTERVAL_HOURS[name] + late, f"the {name} rule (every {RULE_INTERVAL_HOURS[name]} h"))
    if not candidates:
        return None
    hours, rule = min(candidates)
    return hours, f"{rule}, up to {late:g} h late to start)"


def _backup(path: str, backup: BackupConfig) -> Iterator[Problem]:
    achieved = achieved_rpo_hours(backup)
    if achieved is None:
        yield Problem(path, "enables no backup rule; enable daily, weekly, monthly, hourly or continuous")
    elif achieved[0] > backup.rpo_hours:
        hours, rule = achieved
        late = backup.start_window_minutes / 60
        fits = [every for every in (12, 8, 6, 4, 3, 2, 1) if every + late <= backup.rpo_hours]
        fix = f"an hourly rule with every_hours: {fits[0]}, " if fits else ""
        yield Problem(f"{path}.rpo_hours", f"the plan cannot meet an RPO of {backup.rpo_hours:g} h: its most frequent "
                                           f"rule is {rule}, so recovery points can be {hours:g} h apart; enable "
                                           f"continuous backup, {fix}or raise rpo_hours to {hours:g}")
    for name in ("hourly", "daily", "weekly", "monthly"):
        rule = getattr(backup, name)
        if rule.enabled and rule.cold_storage_after_days is not None:
            if rule.retention_days < rule.cold_storage_after_days + BACKUP_COLD_STORAGE_MIN_DAYS:
                yield Problem(f"{path}.{name}.retention_days",
                              f"{rule.retention_days} days is less than {BACKUP_COLD_STORAGE_MIN_DAYS} days after the move "
                              f"to cold storage (day {rule.cold_storage_after_days}); keep it at least "
                              f"{rule.cold_storage_after_days + BACKUP_COLD_STORAGE_MIN_DAYS} days")
    lock = backup.vault_lock
    if lock.min_retention_days > lock.max_retention_days:
        yield Problem(f"{path}.vault_lock.min_retention_days",
                      f"{lock.min_retention_days} is above max_retention_days ({lock.max_retention_days})")
    testing = backup.restore_testing
    if testing.enabled and achieved is not None and testing.selection_window_days * 24 < achieved[0]:
        yield Problem(f"{path}.restore_testing.selection_window_days",
                      f"{testing.selection_window_days} days may hold no recovery point: they can be {achieved[0]:g} h "
                      f"apart; use at least {int(-(-achieved[0] // 24))} days")


def retentions(backup: BackupConfig) -> list[tuple[str, int]]:
    """(config field, days) of every retention a recovery point of this plan can have."""
    found = [(f"{name}.retention_days", getattr(backup, name).retention_days)
             for name in ("hourly", "daily", "weekly", "monthly") if getattr(backup, name).enabled]
    if backup.continuous.enabled:
        found.append(("continuous.retention_days", backup.continuous.retention_days))
    if backup.copy_to.region is not None:
        found.append(("copy_to.retention_days", backup.copy_to.retention_days))
    return found


def data_against_organization(sections: Sections) -> Iterator[Problem]:
    """Each data tier meets production's and the home region's rules: readers, search AZs, masters and nodes, a backup
    for every store, copy region, vault lock and retentions; reports under `landing-zone:data.<account>`."""
    org: OrganizationConfig = sections["organization"]
    data: dict[str, AccountDataConfig] = sections["data"]
    for account, spec in data.items():
        base = f"data.{account}"
        if org.production and spec.database.enabled and spec.database.readers < 1:
            yield Problem(f"{base}.database.readers", "production needs at least 1 reader in another AZ than the "
                                                      "writer, so a failover finds a replica; set 1 or more")
        search = spec.search
        if search.enabled:
            zones = search.zone_count(org.production)
            if org.production and zones < 3:
                yield Problem(f"{base}.search.availability_zones", f"production spreads search over 3 AZs, got {zones}")
            if org.production and search.dedicated_masters.enabled is False:
                yield Problem(f"{base}.search.dedicated_masters.enabled", "production needs dedicated masters; "
                                                                          "remove the setting or set true")
            if search.instance_count % zones:
                yield Problem(f"{base}.search.instance_count", f"{search.instance_count} data nodes do not spread evenly "
                                                               f"over {zones} AZs; use a multiple of {zones}")
        backup = spec.backup
        if not backup.enabled:
            stores = [name for name, on in (("Aurora", spec.database.enabled), ("the lake", spec.lake.enabled)) if on]
            if stores:
                yield Problem(f"{base}.backup.enabled", f"{' and '.join(stores)} would have no backup; every data "
                                                        "store must be in a backup selection, so remove the setting")
            continue
        copy_region = backup.copy_to.region
        if copy_region is not None and copy_region == org.region:
            yield Problem(f"{base}.backup.copy_to.region", f"`{copy_region}` is the home region; copies protect against "
                                                           "losing a region, so name another one")
        elif copy_region is not None and copy_region not in REGIONS:
            yield Problem(f"{base}.backup.copy_to.region", f"`{copy_region}` is not an AWS region; use one of "
                                                           f"{[r for r in REGIONS if r != org.region]}")
        lock = backup.vault_lock
        if org.production and lock.enabled is False:
            yield Problem(f"{base}.backup.vault_lock.enabled", "production vaults must be locked; remove the setting")
        if backup.locked(org.production):
            for field, days in retentions(backup):
                if not lock.min_retention_days <= days <= lock.max_retention_days:
                    yield Problem(f"{base}.backup.{field}", f"{days} days is outside the vault lock's "
                                                            f"{lock.min_retention_days}-{lock.max_retention_days} days; "
                                                            "backup jobs would fail, so change one of them")


def data_against_network(sections: Sections) -> Iterator[Problem]:
    """Each data tier is in a configured account with a VPC, within its AZs, behind one of its security groups and
    a NACL that admits its ports; reports `landing-zone:data.<account>` or a field below it."""
    accounts = [account.name for account in sections["accounts"]]
    org: OrganizationConfig = sections["organization"]
    vpcs = sections["network"].vpcs
    data: dict[str, AccountDataConfig] = sections["data"]
    for account, spec in data.items():
        if account not in accounts:
            yield Problem(f"data.{account}", f"`{account}` is not a configured account; use one of {accounts}")
            continue
        if account not in vpcs:
            yield Problem(f"data.{account}", f"the data tier lives in the account's VPC; add "
                                             f"landing-zone:network.vpcs.{account} or remove this entry")
            continue
        zones = len(vpcs[account].availability_zones or org.availability_zones)
        wanted = spec.search.zone_count(org.production)
        if spec.search.enabled and wanted > zones:
            yield Problem(f"data.{account}.search.availability_zones",
                          f"{wanted} AZs, but the {account} VPC has {zones}; use at most {zones}")
        network: NetworkConfig = sections["network"]
        groups = network.groups_of(account)
        if (spec.database.enabled or spec.search.enabled) and spec.app_security_group not in groups:
            yield Problem(f"data.{account}.app_security_group",
                          f"`{spec.app_security_group}` is not a security group of the {account} VPC; use one of "
                          f"{sorted(groups)} or add it to network.security_groups")
        ports = [("database.engine", spec.database.port, f"Aurora ({spec.database.engine})")] if spec.database.enabled else []
        ports += [("search.enabled", 443, "OpenSearch (HTTPS)")] if spec.search.enabled else []
        for field, port, what in ports:
            if not _nacl_admits(network.nacls.data.inbound, port):
                yield Problem(f"data.{account}.{field}",
                              f"the data tier's network ACL (network.nacls.data.inbound) admits no TCP {port} from the "
                              f"app tier, so {what} would be unreachable; add an allow rule for {port} from `app`")


def _nacl_admits(rules: list[NaclRuleConfig], port: int) -> bool:
    """Whether the lowest-numbered rule matching TCP `port` from the app tier allows it."""
    for rule in sorted(rules, key=lambda rule: rule.number):
        if rule.protocol not in ("tcp", "all") or not rule.ports[0] <= port <= rule.ports[1]:
            continue
        if rule.peer in ("app", "vpc") or rule.peer == "0.0.0.0/0":
            return rule.action == "allow"
    return False



def copy_region_allowed(sections: Sections) -> Iterator[Problem]:
    """With the region guardrail on, backup copies go only to allowed regions; reports
    `landing-zone:data.<account>.backup.copy_to.region` when `landing-zone:guardrails.allowed_regions` lacks it."""
    org: OrganizationConfig = sections["organization"]
    guardrails: GuardrailsConfig = sections["guardrails"]
    if not guardrails.policies.deny_other_regions.enabled:
        return
    allowed = guardrails.regions(org.region)
    data: dict[str, AccountDataConfig] = sections["data"]
    for account, spec in data.items():
        region = spec.backup.copy_to.region
        if spec.backup.enabled and region is not None and region != org.region and region not in allowed:
            yield Problem(f"data.{account}.backup.copy_to.region",
                          f"`{region}` is outside guardrails.allowed_regions {allowed}; the region guardrail would deny "
                          "the copy vault, so add it there or copy to one of those")


# --- Which alarm kinds the data tier switches on per account (monitoring refuses thresholds for kinds that are off)
def _part_on(part: str) -> SwitchFn:
    def on(sections: Sections, account: str) -> bool:
        spec: AccountDataConfig | None = sections["data"].get(account)
        return spec is not None and bool(getattr(spec, part).enabled)

    return on


for _kind, _part in (("aurora", "database"), ("opensearch", "search"), ("kinesis", "stream"), ("firehose", "stream"),
                     ("backup", "backup")):
    switched_on(_kind, "data")(_part_on(_part))


def free_storage_below_volume(sections: Sections) -> Iterator[Problem]:
    """A free-storage threshold at or above a node's volume puts the alarm in ALARM from the start, for good."""
    monitoring: MonitoringConfig = sections["monitoring"]
    data: dict[str, AccountDataConfig] = sections["data"]
    environments = environments_of(monitoring, sections["organization"], sections["accounts"])
    scopes = [("monitoring.alarms", monitoring.alarms, [a for accounts in environments.values() for a in accounts])]
    scopes += [(f"monitoring.environments.{name}.alarms", environment.alarms, environments.get(name, []))
               for name, environment in monitoring.environments.items()]
    for path, alarms, accounts in scopes:
        threshold = alarms.get("opensearch", {}).get("free_storage")
        if threshold is None or threshold.measure != "bytes":
            continue
        for account in accounts:
            search = data[account].search if account in data else None
            if search is not None and search.enabled and threshold.base >= search.volume_size_gib * 2**30:
                yield Problem(f"{path}.opensearch.free_storage",
                              f"`{threshold.text}` is not below the {search.volume_size_gib} GiB volume of each "
                              f"node of {account}'s search domain, so the alarm would never leave ALARM; leave it "
                              f"out (the default is a quarter of the volume) or set less than {search.volume_size_gib} GiB")
