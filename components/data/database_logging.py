"""What Aurora writes to the logs it exports: who connected, the statements that change the schema or the data (as
config chooses), and every statement slower than a threshold. Cluster parameters as each engine names them:

- PostgreSQL: log_statement, log_min_duration_statement, log_connections, log_disconnections (PostgreSQL manual,
  "Error Reporting and Logging"; Aurora user guide, "Aurora PostgreSQL database log files").
- MySQL: server_audit_logging and server_audit_events (Aurora user guide, "Using Advanced Auditing with an Amazon
  Aurora MySQL DB cluster"), slow_query_log, long_query_time and log_output.
"""

from __future__ import annotations

from config.data import DatabaseConfig

# Statement logging level -> the Advanced Auditing events Aurora MySQL records for it.
MYSQL_AUDIT_EVENTS = {
    "ddl": "CONNECT,QUERY_DCL,QUERY_DDL",
    "mod": "CONNECT,QUERY_DCL,QUERY_DDL,QUERY_DML",
    "all": "CONNECT,QUERY",
}


def logging_parameters(spec: DatabaseConfig) -> list[tuple[str, str]]:
    """(parameter, value) pairs of the cluster parameter group that turn on audit and slow-statement logging."""
    slow = spec.slow_statement_ms
    if spec.engine == "aurora-postgresql":
        return [
            ("log_connections", "1"),
            ("log_disconnections", "1"),
            ("log_min_duration_statement", str(slow if slow is not None else -1)),
            ("log_statement", spec.statement_logging),
        ]
    audit = spec.statement_logging != "none"
    return [
        ("log_output", "FILE"),  # the slow query log goes to the file CloudWatch Logs exports
        ("long_query_time", f"{(slow or 0) / 1000:g}"),
        ("server_audit_events", MYSQL_AUDIT_EVENTS.get(spec.statement_logging, MYSQL_AUDIT_EVENTS["ddl"])),
        ("server_audit_logging", "1" if audit else "0"),
        ("slow_query_log", "1" if slow is not None else "0"),
    ]
