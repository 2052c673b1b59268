"""Aurora (PostgreSQL or MySQL) in the data subnets: a writer in the first AZ, readers in the others, auto scaled."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws
import pulumiverse_time as time

from components import grants
from components.data.database_logging import logging_parameters
from components.data.database_support import MONITORING_LOG_GROUP, monitoring_role
from components.data.keys import DataKeys
from components.data.log_groups import log_groups
from components.home import Home
from components.policy_document import Statement
from components.security_groups import SecurityGroup, connect, tcp
from components.vpc import Vpc
from config.data import DatabaseConfig
from config.data_limits import AURORA_FORCE_TLS, AURORA_LOG_EXPORTS
from config.naming import aws_name

SCALING_METRICS = {"cpu": "RDSReaderAverageCPUUtilization", "connections": "RDSReaderAverageDatabaseConnections"}
CA_CERTIFICATE = "rds-ca-rsa2048-g1"


def reader_zones(zones: list[str], readers: int) -> list[str]:
    """The writer takes zones[0]; readers go round-robin over the other zones so none shares the writer's AZ."""
    others = zones[1:] or zones
    return [others[index % len(others)] for index in range(readers)]


class Database(pulumi.ComponentResource):
    """The account's Aurora cluster. Only the app tier's security group reaches it, on the engine port."""

    def __init__(self, name: str, spec: DatabaseConfig, home: Home, *, vpc: Vpc, app: SecurityGroup, keys: DataKeys,
                 tags: Mapping[str, str], ignore_backup_retention: bool = False,
                 opts: pulumi.ResourceOptions | None = None):
        """In `vpc`'s data subnets, reachable from the `app` group; `keys` gives the database and logs keys."""
        super().__init__("landing-zone:data:Database", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        key, logs_key = keys["database"], keys["logs"]
        org, account, account_id, region, production = (home.org, home.account, home.account_id, home.region,
                                                         home.production)
        self.key = key
        self.region = region
        self.account_id = account_id
        self.engine = spec.engine
        self.port = spec.port
        self.cluster_identifier = aws_name(org, account, "aurora", kind="rds")
        identifier = self.cluster_identifier

        self.security_group = SecurityGroup(f"{name}-sg", vpc_id=vpc.vpc_id, group_name=aws_name(org, account, "aurora"),
                                            description=f"Aurora {spec.engine}: the app tier on {spec.port} only",
                                            opts=child)
        connect(app, self.security_group, tcp(spec.port), description=f"app tier to Aurora on {spec.port}")
        self.subnet_group = aws.rds.SubnetGroup(f"{name}-subnets", name=identifier, subnet_ids=vpc.subnet_ids("data"),
                                                description=f"{identifier}: the isolated data subnets", opts=child)
        parameter, value = AURORA_FORCE_TLS[spec.engine]
        self.parameter_group = aws.rds.ClusterParameterGroup(
            f"{name}-parameters", name=f"{identifier}-cluster", family=spec.parameter_family,
            description=f"{identifier}: TLS required", opts=child,  # changing it would replace the group
            parameters=[aws.rds.ClusterParameterGroupParameterArgs(name=name_, value=value_)
                        for name_, value_ in [(parameter, value), *logging_parameters(spec)]])

        exports = list(AURORA_LOG_EXPORTS[spec.engine])
        groups = log_groups(name, [f"/aws/rds/cluster/{identifier}/{log}" for log in exports] + [MONITORING_LOG_GROUP],
                            spec.log_retention_days, key=logs_key, production=production, parent=self)
        role, role_policy = monitoring_role(name, aws_name(org, account, "rds-monitoring", kind="iam"), account_id,
                                            region=region, parent=self)

        # AWS applies minor upgrades (auto_minor_version_upgrade) and then owns the version: pinning it would ask
        # every later `up` to go back, which RDS refuses. Continuous backup owns the retention window once on.
        ignored = ["engineVersion", *(["backupRetentionPeriod"] if ignore_backup_retention else [])]
        final_snapshot = self._final_snapshot(name, identifier, production)
        self.cluster = aws.rds.Cluster(
            name,
            cluster_identifier=identifier,
            engine=spec.engine,
            engine_version=spec.version,
            database_name=spec.database_name,
            master_username=spec.master_username,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=key.arn,
            iam_database_authentication_enabled=True,
            storage_encrypted=True,
            kms_key_id=key.arn,
            port=spec.port,
            db_subnet_group_name=self.subnet_group.name,
            vpc_security_group_ids=[self.security_group.id],
            db_cluster_parameter_group_name=self.parameter_group.name,
            backup_retention_period=spec.backup_retention_days,
            preferred_backup_window=spec.backup_window,
            preferred_maintenance_window=spec.maintenance_window,
            copy_tags_to_snapshot=True,
            # Production keeps a last snapshot, named once so a later re-creation never meets an old one;
            # the sandbox is destroyed and rebuilt at will, and its recovery points are not kept.
            skip_final_snapshot=final_snapshot is None,
            final_snapshot_identifier=final_snapshot,
            deletion_protection=production,
            enabled_cloudwatch_logs_exports=exports,
            tags=dict(tags),
            opts=pulumi.ResourceOptions(parent=self, protect=production, depends_on=groups, ignore_changes=ignored),
        )
        self.cluster_arn: pulumi.Output[str] = self.cluster.arn
        self.cluster_resource_id: pulumi.Output[str] = self.cluster.cluster_resource_id
        self.endpoint: pulumi.Output[str] = self.cluster.endpoint
        self.reader_endpoint: pulumi.Output[str] = self.cluster.reader_endpoint
        self.secret_arn: pulumi.Output[str] = self.cluster.master_user_secrets.apply(
            lambda secrets: secrets[0].secret_arn if secrets else "")

        self.zones = [vpc.zones[0], *reader_zones(vpc.zones, spec.readers)]
        self.instances: list[aws.rds.ClusterInstance] = []
        for index, zone in enumerate(self.zones):
            role_name = "writer" if index == 0 else f"reader-{index}"
            self.instances.append(aws.rds.ClusterInstance(
                f"{name}-{role_name}",
                identifier=f"{identifier}-{index + 1}",
                cluster_identifier=self.cluster.cluster_identifier,
                engine=spec.engine,  # the version is the cluster's: instances follow its upgrades
                instance_class=spec.instance_class if index == 0 else spec.reader_class,
                availability_zone=zone,
                db_subnet_group_name=self.subnet_group.name,
                publicly_accessible=False,
                promotion_tier=min(index, 15),
                auto_minor_version_upgrade=True,
                ca_cert_identifier=CA_CERTIFICATE,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=key.arn,
                performance_insights_retention_period=spec.performance_insights_retention_days,
                monitoring_interval=spec.monitoring_interval_seconds,
                monitoring_role_arn=role.arn,
                # The writer comes first, so Aurora makes it the writer; readers then join in their own AZs.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy, *self.instances[:1]]),
            ))
        self.instance_identifiers = [f"{identifier}-{index + 1}" for index in range(len(self.zones))]

        self.scaling_target: aws.appautoscaling.Target | None = None
        if spec.scaling.enabled:
            self._reader_scaling(name, spec, org, account=account)
        self.register_outputs({"cluster_identifier": identifier, "endpoint": self.endpoint,
                               "reader_endpoint": self.reader_endpoint, "instance_identifiers": self.instance_identifiers})

    def _final_snapshot(self, name: str, identifier: str, production: bool) -> pulumi.Output[str] | None:
        """`<cluster>-final-<unix time of creation>` in production (unique per cluster), None in the sandbox."""
        if not production:
            return None
        created = time.Static(f"{name}-created", opts=pulumi.ResourceOptions(parent=self))
        return pulumi.Output.concat(identifier, "-final-", created.unix.apply(str))

    def _reader_scaling(self, name: str, spec: DatabaseConfig, org: str, *, account: str) -> None:
        scaling = spec.scaling
        resource_id = pulumi.Output.concat("cluster:", self.cluster.cluster_identifier)
        self.scaling_target = aws.appautoscaling.Target(
            f"{name}-readers",
            service_namespace="rds",
            scalable_dimension="rds:cluster:ReadReplicaCount",
            resource_id=resource_id,
            min_capacity=scaling.min_readers if scaling.min_readers is not None else spec.readers,
            max_capacity=scaling.max_readers,
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.instances),
        )
        aws.appautoscaling.Policy(
            f"{name}-readers-tracking",
            name=aws_name(org, account, f"aurora-readers-{scaling.metric}"),
            policy_type="TargetTrackingScaling",
            service_namespace=self.scaling_target.service_namespace,
            scalable_dimension=self.scaling_target.scalable_dimension,
            resource_id=self.scaling_target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                predefined_metric_specification=aws.appautoscaling.
                PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type=SCALING_METRICS[scaling.metric]),
                target_value=scaling.target,
                scale_in_cooldown=scaling.scale_in_cooldown_seconds,
                scale_out_cooldown=scaling.scale_out_cooldown_seconds,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def grant_read_secret(self) -> list[Statement]:
        """Read the master user's secret (Secrets Manager, rotated by RDS), decrypting with the database key."""
        return grants.grant_read_secret(self.secret_arn, self.key.arn)

    def grant_connect(self, db_user: str) -> list[Statement]:
        """Sign in as `db_user` with IAM database authentication (rds-db:connect on this cluster only)."""
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,62}", db_user):
            raise ValueError(f"db_user `{db_user}` is not a database user name (letters, digits, _; a letter first)")
        user_arn = pulumi.Output.concat("arn:aws:rds-db:", self.region, ":", self.account_id, ":dbuser:",
                                        self.cluster_resource_id, "/", db_user)
        return [Statement("Allow", ["rds-db:connect"], [user_arn])]
