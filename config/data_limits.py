"""What the data services accept: instance classes per engine and the limits AWS documents for them."""

from __future__ import annotations

from typing import Literal

AuroraEngine = Literal["aurora-postgresql", "aurora-mysql"]

_STANDARD = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")


def _family(prefix: str, sizes: tuple[str, ...] = _STANDARD) -> frozenset[str]:
    return frozenset(f"{prefix}.{size}" for size in sizes)


# Aurora classes both engines run on (AWS "Supported DB engines for DB instance classes", Aurora user guide).
_AURORA_COMMON = (
    frozenset({"db.serverless", "db.t4g.medium", "db.t4g.large", "db.t3.medium"})
    | _family("db.r5", (*_STANDARD, "24xlarge"))
    | _family("db.r6g")
    | _family("db.r6gd")
    | _family("db.r6i", (*_STANDARD, "24xlarge", "32xlarge"))
    | _family("db.r6id", (*_STANDARD, "24xlarge", "32xlarge"))
    | _family("db.r7g")
    | _family("db.r7i", (*_STANDARD, "24xlarge", "48xlarge"))
    | _family("db.r8g", (*_STANDARD, "24xlarge", "48xlarge"))
    | _family("db.x2g")
)

AURORA_INSTANCE_CLASSES: dict[str, frozenset[str]] = {
    # db.t3.small exists only for Aurora MySQL; db.t3.large only for Aurora PostgreSQL.
    "aurora-postgresql": _AURORA_COMMON | {"db.t3.large"},
    "aurora-mysql": _AURORA_COMMON | {"db.t3.small"},
}

AURORA_DEFAULT_VERSION: dict[str, str] = {
    "aurora-postgresql": "16.6",
    "aurora-mysql": "8.0.mysql_aurora.3.08.0",
}

AURORA_PORT: dict[str, int] = {"aurora-postgresql": 5432, "aurora-mysql": 3306}

# Log types each engine can export to CloudWatch Logs; we export all of them.
AURORA_LOG_EXPORTS: dict[str, tuple[str, ...]] = {
    "aurora-postgresql": ("postgresql",),
    "aurora-mysql": ("audit", "error", "general", "slowquery"),
}

# The cluster parameter that refuses unencrypted connections, and its value.
AURORA_FORCE_TLS: dict[str, tuple[str, str]] = {
    "aurora-postgresql": ("rds.force_ssl", "1"),
    "aurora-mysql": ("require_secure_transport", "ON"),
}

AURORA_MAX_READERS = 15
AURORA_BACKUP_RETENTION_DAYS = (1, 35)
KINESIS_RETENTION_HOURS = (24, 8760)
BACKUP_CONTINUOUS_MAX_DAYS = 35
BACKUP_COLD_STORAGE_MIN_DAYS = 90  # a recovery point must stay 90 days in cold storage before it is deleted
BACKUP_VAULT_LOCK_MIN_CHANGEABLE_DAYS = 3

# Enhanced monitoring granularity RDS accepts (0 turns it off, which we do not allow).
RDS_MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)

# Performance Insights keeps 7 days free, or 1-24 months (31-day multiples) paid.
PERFORMANCE_INSIGHTS_RETENTION = (7, *(31 * months for months in range(1, 24)), 731)


_SEARCH_FAMILIES: dict[str, tuple[str, ...]] = {
    "t3": ("small", "medium"),
    "m5": ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"),
    "r5": ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"),
    "c5": ("large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge"),
    "m6g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge"),
    "r6g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge"),
    "c6g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge"),
    "r6gd": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "m7g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "r7g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "c7g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "r7gd": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "or1": ("medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "i3": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"),
    "im4gn": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"),
}

# OpenSearch Service instance types of current generations (AWS "Supported instance types").
OPENSEARCH_INSTANCE_TYPES: frozenset[str] = frozenset(
    f"{family}.{size}.search" for family, sizes in _SEARCH_FAMILIES.items() for size in sizes
)

# TLS policy OpenSearch calls current: TLS 1.2 minimum with perfect forward secrecy ciphers only.
OPENSEARCH_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"

# The best recovery point objective continuous backup offers (RDS ships transaction logs every 5 minutes).
CONTINUOUS_BACKUP_RPO_HOURS = 5 / 60

# Hours between two recovery points of each scheduled backup rule, at worst.
RULE_INTERVAL_HOURS: dict[str, int] = {"hourly": 1, "daily": 24, "weekly": 7 * 24, "monthly": 31 * 24}


def closest(value: str, choices: frozenset[str], count: int = 3) -> list[str]:
    """The few valid choices that share the longest prefix with `value`, to suggest in an error."""
    def shared(choice: str) -> int:
        length = 0
        for a, b in zip(value, choice, strict=False):
            if a != b:
                break
            length += 1
        return length

    return sorted(choices, key=lambda choice: (-shared(choice), choice))[:count]
