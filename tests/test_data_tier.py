"""The data tier as registered in both stacks: placement per AZ, a key per purpose traced by ARN, protections."""

from __future__ import annotations

import functools
import json

import pytest

from components.data.database import reader_zones
from preview.run import Run
from tests.data_view import (
    BUCKET,
    BUCKET_ENCRYPTION,
    CLUSTER,
    DOMAIN,
    FIREHOSE,
    INSTANCE,
    KEY,
    LOG_GROUP,
    PLAN,
    SCALING_POLICY,
    SCALING_TARGET,
    STREAM,
    VAULT,
    WORKLOADS,
    in_tier,
    key_purpose,
)
from tests.run_view import RunView, view_of

# Readers per account, as the stack files say.
READERS = {"dev": {"dev": 1, "ops": 1}, "prod": {"dev": 1, "ops": 2}}
# Resources the DataTier builds per account (the inventory's count).
# The wait for OpenSearch's new service-linked role and the lake's event notifications in each; prod also holds
# Aurora's creation time; the sandbox's dev lake also logs access into a bucket of its own (9 more).
EXPECTED_COUNTS = {"dev": {"dev": 80, "ops": 72}, "prod": {"dev": 71, "ops": 76}}
PURPOSES = {"database", "search", "stream", "lake", "logs", "backup"}


@pytest.fixture(scope="module")
def views(runs: dict[str, Run]) -> dict[str, RunView]:
    return {stack: view_of(result) for stack, result in runs.items()}


def test_reader_zones_skip_the_writer_and_go_round_robin() -> None:
    assert reader_zones(["a", "b", "c"], 0) == []
    assert reader_zones(["a", "b", "c"], 5) == ["b", "c", "b", "c", "b"]
    assert reader_zones(["a", "b"], 3) == ["b", "b", "b"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("account", WORKLOADS)
def test_writer_in_the_first_zone_and_readers_in_others(views: dict[str, RunView], stack: str, account: str) -> None:
    view = views[stack]
    cluster = view.one(CLUSTER, account)
    zones = view.config.zones_of_vpc(account)
    instances = sorted(view.of(INSTANCE, account), key=lambda i: i.inputs["identifier"])
    assert all(i.inputs["clusterIdentifier"] == cluster.inputs["clusterIdentifier"] for i in instances)
    writer, *readers = instances
    assert writer.name.endswith("-writer") and writer.inputs["promotionTier"] == 0
    assert len(readers) == READERS[stack][account]
    assert writer.inputs["availabilityZone"] == zones[0]
    assert all(r.inputs["availabilityZone"] in zones[1:] for r in readers)
    assert len({i.inputs["availabilityZone"] for i in instances}) >= 2
    # Readers join after the writer, so Aurora makes the first instance the writer.
    assert all(writer.urn in r.dependencies for r in readers)
    for instance in instances:
        assert instance.inputs["publiclyAccessible"] is False
        assert instance.inputs["performanceInsightsEnabled"] is True
        assert instance.inputs["monitoringInterval"] > 0 and instance.inputs["monitoringRoleArn"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_cluster_subnets_are_the_data_tier_in_every_zone(views: dict[str, RunView], stack: str) -> None:
    view = views[stack]
    for account in WORKLOADS:
        [group] = view.of("aws:rds/subnetGroup:SubnetGroup", account)
        subnets = [view.by_id(subnet_id) for subnet_id in group.inputs["subnetIds"]]
        assert {s.inputs["tags"]["Tier"] for s in subnets} == {"data"}
        assert [s.inputs["availabilityZone"] for s in subnets] == view.config.zones_of_vpc(account)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_search_domain_spreads_over_the_data_subnets(views: dict[str, RunView], stack: str) -> None:
    view = views[stack]
    expected_zones = 3 if stack == "prod" else 2
    for account in WORKLOADS:
        domain = view.one(DOMAIN, account)
        cluster = domain.inputs["clusterConfig"]
        assert cluster["zoneAwarenessEnabled"] is True
        assert cluster["zoneAwarenessConfig"]["availabilityZoneCount"] == expected_zones
        assert cluster["dedicatedMasterEnabled"] is (stack == "prod")
        subnets = [view.by_id(s) for s in domain.inputs["vpcOptions"]["subnetIds"]]
        assert {s.inputs["tags"]["Tier"] for s in subnets} == {"data"}
        assert len({s.inputs["availabilityZone"] for s in subnets}) == expected_zones
        assert domain.inputs["domainEndpointOptions"] == {"enforceHttps": True,
                                                          "tlsSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10"}
        assert domain.inputs["advancedSecurityOptions"]["enabled"] is True


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_only_the_app_tier_reaches_aurora_and_search(views: dict[str, RunView], stack: str) -> None:
    view = views[stack]
    for account in WORKLOADS:
        groups = {g.inputs["tags"]["Name"]: g for g in view.of("aws:ec2/securityGroup:SecurityGroup", account)}
        app = groups[f"shop-{account}-app"]
        for name, port in ((f"shop-{account}-aurora", 5432), (f"shop-{account}-search", 443)):
            group = groups[name]
            ingress = [r for r in view.of("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", account)
                       if r.inputs["securityGroupId"] == group.id]
            assert [(r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"], r.inputs["toPort"]) for r in ingress] \
                == [(app.id, port, port)]
            egress = [r for r in view.of("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", account)
                      if r.inputs["securityGroupId"] in (group.id, app.id)
                      and r.inputs.get("referencedSecurityGroupId") in (group.id, app.id)]
            assert [(r.inputs["securityGroupId"], r.inputs["fromPort"]) for r in egress] == [(app.id, port)]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_resource_is_encrypted_with_the_key_of_its_purpose(views: dict[str, RunView], stack: str) -> None:
    view = views[stack]
    for account in WORKLOADS:
        keys = view.of(KEY, account)
        data_keys = {k.inputs["tags"]["Purpose"]: k for k in keys if k.name.startswith(f"{account}-data-keys-")}
        assert set(data_keys) == PURPOSES
        assert all(k.inputs["enableKeyRotation"] and k.inputs["deletionWindowInDays"] == 30 for k in data_keys.values())
        purpose = functools.partial(key_purpose, view)
        cluster = view.one(CLUSTER, account)
        assert purpose(cluster.inputs["kmsKeyId"]) == "database"
        assert purpose(cluster.inputs["masterUserSecretKmsKeyId"]) == "database"
        assert {purpose(i.inputs["performanceInsightsKmsKeyId"]) for i in view.of(INSTANCE, account)} == {"database"}
        assert purpose(view.one(DOMAIN, account).inputs["encryptAtRest"]["kmsKeyId"]) == "search"
        assert purpose(view.one(STREAM, account).inputs["kmsKeyId"]) == "stream"
        firehose = view.one(FIREHOSE, account).inputs["extendedS3Configuration"]
        assert purpose(firehose["kmsKeyArn"]) == "lake"
        encryptions = {view.by_id(e.inputs["bucket"]).name: e for e in in_tier(view, account) if e.type == BUCKET_ENCRYPTION}
        assert set(encryptions) <= {f"{account}-data-lake", f"{account}-data-lake-access-logs"}  # the log bucket: access-logs
        for encryption in encryptions.values():
            [rule] = encryption.inputs["rules"]
            assert purpose(rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"]) == "lake"
        vaults = {v.name: v for v in view.of(VAULT, account)}
        assert purpose(vaults[f"{account}-data-backup"].inputs["kmsKeyArn"]) == "backup"
        data_logs = [g for g in in_tier(view, account) if g.type == LOG_GROUP]
        assert len(data_logs) >= 7 and {purpose(g.inputs["kmsKeyId"]) for g in data_logs} == {"logs"}


def test_the_copy_vault_uses_a_backup_key_in_its_own_region(views: dict[str, RunView]) -> None:
    for stack, view in views.items():
        copies = {account: spec.backup.copy_to.region for account, spec in view.config.data.items()
                  if spec.backup.copy_to.region}
        assert copies, stack
        for account, region in copies.items():
            [vault] = [v for v in view.of(VAULT, account) if v.name.endswith("-backup-copy")]
            key = view.by_arn(vault.inputs["kmsKeyArn"])
            assert (view.region(vault), view.region(key), key.inputs["tags"]["Purpose"]) == (region, region, "backup"), stack


def test_key_policies_let_only_the_purposes_services_use_the_keys(views: dict[str, RunView]) -> None:
    view = views["prod"]
    keys = {k.inputs["tags"]["Purpose"]: json.loads(k.inputs["policy"]) for k in view.of(KEY, "ops")
            if k.name.startswith("ops-data-keys-")}
    for purpose, services in {"database": ["rds", "secretsmanager"], "search": ["es"], "stream": ["kinesis"],
                              "lake": ["s3"], "backup": ["backup", "rds"]}.items():
        statements = {s["Sid"]: s for s in keys[purpose]["Statement"]}
        admin = statements["AccountAdministers"]
        assert not any(a in ("kms:*", "kms:Decrypt", "kms:Create*") for a in admin["Action"])
        via = statements["UseThroughServices"]["Condition"]["StringEquals"]["kms:ViaService"]
        via = via if isinstance(via, list) else [via]
        assert via == [f"{s}.ap-northeast-2.amazonaws.com" for s in services], purpose
    logs = {s["Sid"]: s for s in keys["logs"]["Statement"]}
    assert logs["AccountLogGroupsEncrypt"]["Principal"] == {"Service": "logs.ap-northeast-2.amazonaws.com"}


def test_stateful_data_resources_are_protected_only_in_prod(views: dict[str, RunView]) -> None:
    for stack, view in views.items():
        for token in (KEY, CLUSTER, DOMAIN, STREAM, VAULT):
            found = [r for account in WORKLOADS for r in in_tier(view, account) if r.type == token]
            assert found and all(r.protect is (stack == "prod") for r in found), (stack, token)
        lakes = [b for b in view.of(BUCKET) if b.name.endswith("-data-lake")]
        assert len(lakes) == 2 and all(b.protect is (stack == "prod") for b in lakes)


def test_aurora_protections_follow_the_environment(views: dict[str, RunView]) -> None:
    for stack, view in views.items():
        for account in WORKLOADS:
            cluster_parent = view.one(CLUSTER, account).parent
            cluster = view.one(CLUSTER, account).inputs
            assert cluster["deletionProtection"] is (stack == "prod")
            if stack == "prod":  # named once, from the creation time, so a re-creation never meets an old one
                (created,) = [r for r in view.run.of_type("time:index/static:Static") if r.parent == cluster_parent]
                assert cluster["skipFinalSnapshot"] is False
                assert cluster["finalSnapshotIdentifier"] == f"{cluster['clusterIdentifier']}-final-{created.outputs['unix']}"
            else:  # the sandbox is destroyed and rebuilt at will
                assert cluster["skipFinalSnapshot"] is True and "finalSnapshotIdentifier" not in cluster
            assert cluster["storageEncrypted"] and cluster["iamDatabaseAuthenticationEnabled"]
            assert cluster["manageMasterUserPassword"] is True and "masterPassword" not in cluster
            assert cluster["copyTagsToSnapshot"] is True
            assert cluster["enabledCloudwatchLogsExports"] == ["postgresql"]
            spec = view.config.data[account].database
            assert (cluster["backupRetentionPeriod"], cluster["preferredBackupWindow"]) == \
                (spec.backup_retention_days, spec.backup_window)
            parameters = view.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", account)
            assert cluster["dbClusterParameterGroupName"] == parameters.inputs["name"]
            assert parameters.inputs["parameters"][0] == {"name": "rds.force_ssl", "value": "1"}


def test_reader_auto_scaling_tracks_cpu_between_the_configured_bounds(views: dict[str, RunView]) -> None:
    view = views["prod"]
    target = view.one(SCALING_TARGET, "ops").inputs
    cluster = view.one(CLUSTER, "ops").inputs
    assert target["scalableDimension"] == "rds:cluster:ReadReplicaCount" and target["serviceNamespace"] == "rds"
    assert target["resourceId"] == f"cluster:{cluster['clusterIdentifier']}"
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 6)
    policy = view.one(SCALING_POLICY, "ops").inputs
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    assert policy["policyType"] == "TargetTrackingScaling" and tracking["targetValue"] == 60
    assert tracking["predefinedMetricSpecification"]["predefinedMetricType"] == "RDSReaderAverageCPUUtilization"


def test_stream_and_delivery_partition_the_lake_by_date(views: dict[str, RunView]) -> None:
    view = views["prod"]
    stream = view.one(STREAM, "ops").inputs
    assert stream["streamModeDetails"] == {"streamMode": "ON_DEMAND"} and stream["retentionPeriod"] == 168
    assert stream["encryptionType"] == "KMS"
    firehose = view.one(FIREHOSE, "ops").inputs
    assert view.by_arn(firehose["kinesisSourceConfiguration"]["kinesisStreamArn"]).name == "ops-data-events"
    destination = firehose["extendedS3Configuration"]
    assert view.by_arn(destination["bucketArn"]).name == "ops-data-lake"
    assert destination["prefix"] == "events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
    assert destination["errorOutputPrefix"].startswith("errors/!{firehose:error-output-type}/year=")
    assert destination["cloudwatchLoggingOptions"]["enabled"] is True


def test_lake_is_versioned_private_tls_only_and_aged(views: dict[str, RunView]) -> None:
    view = views["prod"]
    lake = next(b for b in view.of(BUCKET, "ops") if b.name == "ops-data-lake")
    settings = {r.type.split(":")[-1]: r for r in view.run.registrations if r.parent == lake.parent and r.custom
                and r.inputs.get("bucket") == lake.id}
    assert settings["BucketVersioning"].inputs["versioningConfiguration"]["status"] == "Enabled"
    block = settings["BucketPublicAccessBlock"].inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                "restrictPublicBuckets"))
    policy = json.loads(settings["BucketPolicy"].inputs["policy"])
    tls = next(s for s in policy["Statement"] if s["Sid"] == "DenyInsecureTransport")
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    rules = {r["id"]: r for r in settings["BucketLifecycleConfiguration"].inputs["rules"]}
    assert [t["storageClass"] for t in rules["events-age"]["transitions"]] == ["STANDARD_IA", "GLACIER_IR"]
    assert rules["old-versions-and-uploads"]["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7
    assert lake.inputs["tags"] == {"DataStore": "primary", "BackupPlan": "data-tier"}


def test_resource_counts_per_account(views: dict[str, RunView]) -> None:
    """The whole data tier of each account, counted from the inventory (under the DataTier component)."""
    for stack, view in views.items():
        counts = {account: len(in_tier(view, account)) for account in WORKLOADS}
        assert all(view.one(PLAN, account) for account in WORKLOADS)
        # dev stack: no vault locks; prod: a lock on both vaults, one more reader in ops.
        assert counts == EXPECTED_COUNTS[stack], (stack, counts)
