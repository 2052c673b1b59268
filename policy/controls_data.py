"""Data-tier controls: Aurora (and RDS instances) and OpenSearch. DynamoDB, Kinesis, SNS, SQS, Secrets Manager and
Lambda are in controls_services.py.

An Aurora instance reports its cluster's storage, IAM authentication, log exports and snapshot tags, so those
instance controls read the cluster. Controls for RDS for PostgreSQL or MySQL instances (not Aurora) find nothing
to look at. AWS Config rules as in the Security Hub user guide (rds- and opensearch-controls).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

if __package__:  # imported as policy.controls_data by the preview and the tests
    from . import rules
    from .security_hub import Estate, Finding, decided_at_runtime, each, evaluates, label
else:  # the CrossGuard pack imports its modules from the pack directory
    import rules  # type: ignore[no-redef]
    from security_hub import Estate, Finding, decided_at_runtime, each, evaluates, label  # type: ignore[no-redef]

DEFAULT_PORTS = {"aurora-postgresql": 5432, "aurora-mysql": 3306, "postgres": 5432, "mysql": 3306, "mariadb": 3306}
DEFAULT_ADMINS = {"aurora-postgresql": "postgres", "postgres": "postgres", "aurora-mysql": "admin", "mysql": "admin",
                  "mariadb": "admin"}
# RDS.9/RDS.34/RDS.37: the logs each Aurora engine can export that the controls ask for.
AURORA_LOGS = {"aurora-postgresql": ("postgresql",), "aurora-mysql": ("audit", "error", "general", "slowquery")}
LATEST_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"

decided_at_runtime("whether a service software update is pending shows only on the live domain; the program turns on "
                   "automatic software updates", "OpenSearch.10")


def _aurora(estate: Estate) -> list[rules.Resource]:
    return [c for c in estate.of(rules.RDS_CLUSTER) if str(c.inputs.get("engine", "")).startswith("aurora")]


def _cluster_of(estate: Estate, instance: rules.Resource) -> rules.Resource | None:
    clusters = estate.graph.deps(instance, "clusterIdentifier", rules.RDS_CLUSTER)
    if clusters:
        return clusters[0]
    return next((c for c in estate.of(rules.RDS_CLUSTER)
                 if c.inputs.get("clusterIdentifier") == instance.inputs.get("clusterIdentifier")), None)


def _aurora_instances(estate: Estate) -> list[tuple[rules.Resource, rules.Resource]]:
    """(instance, its cluster) for every Aurora instance."""
    pairs = []
    for instance in estate.of(rules.RDS_CLUSTER_INSTANCE):
        cluster = _cluster_of(estate, instance)
        if cluster is not None:
            pairs.append((instance, cluster))
    return pairs


def _instances(estate: Estate, ok: Callable[[rules.Resource, rules.Resource], bool], passed: str,
               *, failed: str) -> Iterator[Finding]:
    for instance, cluster in _aurora_instances(estate):
        good = ok(instance, cluster)
        yield Finding(instance.urn, good, (passed if good else failed).format(name=label(instance)))


def _clusters_and_instances(estate: Estate, ok: Callable[[rules.Resource], bool], passed: str,
                            *, failed: str) -> Iterator[Finding]:
    """A cluster setting its instances report: one finding per Aurora cluster and one per instance."""
    yield from each(_aurora(estate), ok, f"cluster {{name}} {passed}", failed=f"cluster {{name}} {failed}")
    yield from _instances(estate, lambda _, cluster: ok(cluster), f"instance {{name}} {passed}",
                          failed=f"instance {{name}} {failed}")


@evaluates("RDS.2")
def instance_not_public(estate: Estate) -> Iterator[Finding]:
    """RDS.2: no instance is publicly accessible."""
    yield from _instances(estate, lambda i, _: i.inputs.get("publiclyAccessible") is not True,
                          "instance {name} is private", failed="instance {name} is publicly accessible")


@evaluates("RDS.3", "RDS.27")
def storage_encrypted(estate: Estate) -> Iterator[Finding]:
    """RDS.3 (instances) and RDS.27 (clusters): Aurora storage is encrypted, which its instances report."""
    yield from _clusters_and_instances(estate, lambda c: c.inputs.get("storageEncrypted") is True,
                                       "is on encrypted storage", failed="stores data unencrypted")


@evaluates("RDS.6")
def enhanced_monitoring(estate: Estate) -> Iterator[Finding]:
    """RDS.6: enhanced monitoring samples the instance (monitoring_interval > 0)."""
    yield from _instances(estate, lambda i, _: int(i.inputs.get("monitoringInterval") or 0) > 0,
                          "instance {name} has enhanced monitoring", failed="instance {name} has no enhanced monitoring")


@evaluates("RDS.7")
def cluster_deletion_protection(estate: Estate) -> Iterator[Finding]:
    """RDS.7: the cluster cannot be deleted while deletion protection is on."""
    yield from each(estate.of(rules.RDS_CLUSTER), lambda c: c.inputs.get("deletionProtection") is True,
                    "cluster {name} has deletion protection", failed="cluster {name} can be deleted (deletion protection off)")


@evaluates("RDS.9")
def instance_logging(estate: Estate) -> Iterator[Finding]:
    """RDS.9: the instance's engine logs reach CloudWatch Logs (an Aurora instance exports its cluster's logs)."""
    def exports(_: rules.Resource, cluster: rules.Resource) -> bool:
        wanted = AURORA_LOGS.get(str(cluster.inputs.get("engine")), ())
        return set(wanted) <= {str(log) for log in rules.as_list(cluster.inputs.get("enabledCloudwatchLogsExports"))}

    yield from _instances(estate, exports, "instance {name} exports its logs", failed="instance {name} exports too few logs")


@evaluates("RDS.10", "RDS.12")
def iam_authentication(estate: Estate) -> Iterator[Finding]:
    """RDS.10 (instances) and RDS.12 (clusters): IAM database authentication is on."""
    yield from _clusters_and_instances(estate, lambda c: c.inputs.get("iamDatabaseAuthenticationEnabled") is True,
                                       "accepts IAM authentication", failed="has IAM authentication off")


@evaluates("RDS.11")
def automatic_backups(estate: Estate) -> Iterator[Finding]:
    """RDS.11: automated backups kept at least 7 days (backupRetentionMinimum 7)."""
    yield from each(estate.of(rules.RDS_CLUSTER), lambda c: int(c.inputs.get("backupRetentionPeriod") or 1) >= 7,
                    "cluster {name} keeps backups 7+ days", failed="cluster {name} keeps automated backups under 7 days")


@evaluates("RDS.13")
def instance_minor_upgrades(estate: Estate) -> Iterator[Finding]:
    """RDS.13: the instance takes automatic minor version upgrades."""
    yield from _instances(estate, lambda i, _: i.inputs.get("autoMinorVersionUpgrade", True) is not False,
                          "instance {name} takes minor upgrades", failed="instance {name} refuses minor upgrades")


@evaluates("RDS.14")
def backtracking(estate: Estate) -> Iterator[Finding]:
    """RDS.14: Aurora MySQL clusters keep a backtrack window (aurora-mysql-backtracking-enabled; other engines are
    not evaluated)."""
    mysql = [c for c in estate.of(rules.RDS_CLUSTER) if c.inputs.get("engine") == "aurora-mysql"]
    yield from each(mysql, lambda c: int(c.inputs.get("backtrackWindow") or 0) > 0,
                    "cluster {name} can backtrack", failed="cluster {name} has no backtrack window")


@evaluates("RDS.15")
def cluster_multi_az(estate: Estate) -> Iterator[Finding]:
    """RDS.15: the cluster's instances span more than one AZ."""
    pairs = _aurora_instances(estate)
    for cluster in estate.of(rules.RDS_CLUSTER):
        zones = {i.inputs.get("availabilityZone") for i, c in pairs if c.urn == cluster.urn}
        yield Finding(cluster.urn, len(zones - {None}) >= 2, f"cluster {label(cluster)} has instances in "
                                                               f"{sorted(str(z) for z in zones)}")


@evaluates("RDS.16", "RDS.17")
def copy_tags_to_snapshots(estate: Estate) -> Iterator[Finding]:
    """RDS.16 (clusters) and RDS.17 (instances): snapshots inherit the cluster's tags."""
    yield from _clusters_and_instances(estate, lambda c: c.inputs.get("copyTagsToSnapshot") is True,
                                       "copies tags to snapshots", failed="leaves its snapshots untagged")


@evaluates("RDS.18")
def instance_in_vpc(estate: Estate) -> Iterator[Finding]:
    """RDS.18: the instance lives in a VPC (a DB subnet group)."""
    yield from _instances(estate, lambda i, c: bool(i.inputs.get("dbSubnetGroupName") or c.inputs.get("dbSubnetGroupName")),
                          "instance {name} is in the VPC", failed="instance {name} has no DB subnet group")


@evaluates("RDS.23")
def non_default_port(estate: Estate) -> Iterator[Finding]:
    """RDS.23: the cluster listens on a port other than its engine's default."""
    def custom(cluster: rules.Resource) -> bool:
        default = DEFAULT_PORTS.get(str(cluster.inputs.get("engine")))
        return int(cluster.inputs.get("port") or default or 0) != default

    yield from each(estate.of(rules.RDS_CLUSTER), custom, "cluster {name} listens on a custom port",
                    failed="cluster {name} listens on its engine's default port")


@evaluates("RDS.24", "RDS.25")
def custom_admin_username(estate: Estate) -> Iterator[Finding]:
    """RDS.24 (clusters) and RDS.25 (instances): the master user is not the engine's default name."""
    def custom(cluster: rules.Resource) -> bool:
        return cluster.inputs.get("masterUsername") not in (None, DEFAULT_ADMINS.get(str(cluster.inputs.get("engine"))))

    yield from each(estate.of(rules.RDS_CLUSTER), custom, "cluster {name} has its own admin name",
                    failed="cluster {name} keeps the default admin name")
    yield from _instances(estate, lambda _, c: custom(c), "instance {name} has its own admin name",
                          failed="instance {name} keeps the default admin name")


@evaluates("RDS.34", "RDS.37")
def aurora_log_exports(estate: Estate) -> Iterator[Finding]:
    """RDS.34 (Aurora MySQL audit log) and RDS.37 (Aurora PostgreSQL log) reach CloudWatch Logs."""
    wanted = {"aurora-mysql": "audit", "aurora-postgresql": "postgresql"}
    for cluster in _aurora(estate):
        log = wanted.get(str(cluster.inputs.get("engine")))
        exports = {str(e) for e in rules.as_list(cluster.inputs.get("enabledCloudwatchLogsExports"))}
        yield Finding(cluster.urn, log in exports, f"cluster {label(cluster)} "
                      + (f"exports its {log} log" if log in exports else f"does not export its {log} log"))


# RDS.8's databaseEngines: deletion protection is judged on these (Aurora's lives on its cluster).
DELETION_PROTECTED_ENGINES = ("mariadb", "mysql", "oracle-ee", "oracle-se2", "postgres", "sqlserver-ee", "sqlserver-se",
                              "sqlserver-ex", "sqlserver-web")


def _standalone(estate: Estate, *engines: str) -> list[rules.Resource]:
    """RDS instances outside an Aurora cluster, of `engines` (any when none given)."""
    return [i for i in estate.of(rules.RDS_INSTANCE) if not engines or i.inputs.get("engine") in engines]


@evaluates("RDS.5")
def instance_multi_az(estate: Estate) -> Iterator[Finding]:
    """RDS.5: a standalone instance keeps a standby in another AZ (Aurora instances are not evaluated)."""
    yield from each(_standalone(estate), lambda i: i.inputs.get("multiAz") is True, "instance {name} is Multi-AZ",
                    failed="instance {name} has no standby in another AZ")


@evaluates("RDS.8")
def instance_deletion_protection(estate: Estate) -> Iterator[Finding]:
    """RDS.8: standalone instances of the listed engines have deletion protection."""
    yield from each(_standalone(estate, *DELETION_PROTECTED_ENGINES), lambda i: i.inputs.get("deletionProtection") is True,
                    "instance {name} has deletion protection", failed="instance {name} can be deleted")


@evaluates("RDS.36")
def postgres_instance_logs(estate: Estate) -> Iterator[Finding]:
    """RDS.36: RDS for PostgreSQL exports its postgresql and upgrade logs."""
    yield from each(_standalone(estate, "postgres"), lambda i: {"postgresql", "upgrade"} <= {
        str(e) for e in rules.as_list(i.inputs.get("enabledCloudwatchLogsExports"))},
        "instance {name} exports its logs", failed="instance {name} does not export postgresql and upgrade logs")


def _forces_tls(estate: Estate, instance: rules.Resource, parameter: str, *, value: str) -> bool:
    groups = [g for g in estate.of(rules.DB_PARAMETER_GROUP)
              if g.urn in instance.property_dependencies.get("parameterGroupName", ())
              or g.inputs.get("name") == instance.inputs.get("parameterGroupName")]
    return any(str(p.get("name")) == parameter and str(p.get("value")).upper() == value
               for g in groups for p in rules.as_list(g.inputs.get("parameters")))


@evaluates("RDS.38")
def postgres_instance_tls(estate: Estate) -> Iterator[Finding]:
    """RDS.38: RDS for PostgreSQL refuses unencrypted connections (rds.force_ssl = 1)."""
    yield from each(_standalone(estate, "postgres"), lambda i: _forces_tls(estate, i, "rds.force_ssl", value="1"),
                    "instance {name} requires TLS", failed="instance {name} accepts unencrypted connections")


@evaluates("RDS.39")
def mysql_instance_tls(estate: Estate) -> Iterator[Finding]:
    """RDS.39: RDS for MySQL refuses unencrypted connections (require_secure_transport = ON)."""
    yield from each(_standalone(estate, "mysql"), lambda i: _forces_tls(estate, i, "require_secure_transport", value="ON"),
                    "instance {name} requires TLS", failed="instance {name} accepts unencrypted connections")


@evaluates("RDS.35")
def cluster_minor_upgrades(estate: Estate) -> Iterator[Finding]:
    """RDS.35: Multi-AZ DB clusters (not Aurora, whose instances carry the setting) take minor upgrades."""
    multi_az = [c for c in estate.of(rules.RDS_CLUSTER) if not str(c.inputs.get("engine", "")).startswith("aurora")]
    yield from each(multi_az, lambda c: c.inputs.get("autoMinorVersionUpgrade", True) is not False,
                    "cluster {name} takes minor upgrades", failed="cluster {name} refuses minor upgrades")


def _domains(estate: Estate) -> list[rules.Resource]:
    return estate.of(rules.OPENSEARCH_DOMAIN)


def _domain(ok: Callable[[Any], bool], passed: str, failed: str) -> Callable[[Estate], Iterator[Finding]]:
    def evaluate(estate: Estate) -> Iterator[Finding]:
        yield from each(_domains(estate), lambda d: ok(d.inputs), passed, failed=failed)

    return evaluate


def _publishes(log_type: str) -> Callable[[Any], bool]:
    return lambda inputs: any(o.get("logType") == log_type and o.get("enabled", True) is not False
                              for o in rules.as_list(inputs.get("logPublishingOptions")))


evaluates("OpenSearch.1")(_domain(lambda i: (i.get("encryptAtRest") or {}).get("enabled") is True,
                                  "domain {name} encrypts at rest", "domain {name} does not encrypt at rest"))
evaluates("OpenSearch.2")(_domain(lambda i: bool((i.get("vpcOptions") or {}).get("subnetIds")),
                                  "domain {name} lives in the VPC", "domain {name} has a public endpoint"))
evaluates("OpenSearch.3")(_domain(lambda i: (i.get("nodeToNodeEncryption") or {}).get("enabled") is True,
                                  "domain {name} encrypts between nodes", "domain {name} sends plain text between nodes"))
evaluates("OpenSearch.4")(_domain(_publishes("ES_APPLICATION_LOGS"), "domain {name} publishes error logs",
                                  "domain {name} publishes no error logs"))
evaluates("OpenSearch.5")(_domain(lambda i: _publishes("AUDIT_LOGS")(i)
                                  and (i.get("advancedSecurityOptions") or {}).get("enabled") is True,
                                  "domain {name} publishes audit logs", "domain {name} publishes no audit logs"))
evaluates("OpenSearch.6")(_domain(lambda i: int((i.get("clusterConfig") or {}).get("instanceCount") or 1) >= 3
                                  and (i.get("clusterConfig") or {}).get("zoneAwarenessEnabled") is True,
                                  "domain {name} has 3+ data nodes across AZs", "domain {name} has fewer than 3 data nodes"))
evaluates("OpenSearch.7")(_domain(lambda i: (i.get("advancedSecurityOptions") or {}).get("enabled") is True,
                                  "domain {name} has fine-grained access control",
                                  "domain {name} has no fine-grained access control"))
evaluates("OpenSearch.8")(_domain(lambda i: (i.get("domainEndpointOptions") or {}).get("tlsSecurityPolicy")
                                  == LATEST_TLS_POLICY, f"domain {{name}} requires {LATEST_TLS_POLICY}",
                                  f"domain {{name}} does not require {LATEST_TLS_POLICY}"))
