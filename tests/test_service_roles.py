"""Every role the program hands to an AWS service allows what that service does with it for the resources using it.

The service assumes the role and calls AWS as the role; a missing action fails inside the service, after a deploy
that looked fine (records dropped, flow logs and metrics never written). Facts, per service:
- Firehose developer guide, "Grant Firehose access to an Amazon S3 destination" and "... Kinesis data stream as
  source": S3 AbortMultipartUpload/GetBucketLocation/GetObject/ListBucket/ListBucketMultipartUploads/PutObject on the
  bucket, Kinesis DescribeStream/GetShardIterator/GetRecords/ListShards on the stream, kms:GenerateDataKey on the
  bucket key and kms:Decrypt on the stream key, logs:PutLogEvents on its error log stream.
- VPC user guide, "IAM role for publishing flow logs to CloudWatch Logs": logs CreateLogStream, PutLogEvents,
  DescribeLogGroups, DescribeLogStreams.
- CloudTrail user guide, "Sending events to CloudWatch Logs": logs CreateLogStream and PutLogEvents on the group.
- RDS user guide, "Setting up and enabling Enhanced Monitoring" (managed policy AmazonRDSEnhancedMonitoringRole):
  logs CreateLogGroup/PutRetentionPolicy on `RDS*` groups, CreateLogStream/PutLogEvents/DescribeLogStreams/
  GetLogEvents on their streams.
- EventBridge user guide, "Sending and receiving events between AWS accounts and Regions": events:PutEvents on the
  target bus.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from policy.rules import FIREHOSE, FLOW_LOG, LOG_GROUP, TRAIL
from policy.rules import IAM_ROLE as ROLE
from policy.rules import IAM_ROLE_POLICY as ROLE_POLICY
from policy.rules import KINESIS_STREAM as STREAM
from policy.rules import RDS_CLUSTER_INSTANCE as CLUSTER_INSTANCE
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run
from tests.run_view import allows, role_statements
from tests.values import customer_key

EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"  # no rule reads it, so the rules' type tokens lack it


@dataclass(frozen=True)
class Need:
    """The role `role_arn`, used by `user` (a resource name), must allow `action` on `resource`."""

    user: str
    role_arn: str
    action: str
    resource: str


def _log_group_arn(run: Run, name: object) -> str:
    group = next(g for g in run.of_type(LOG_GROUP) if g.inputs.get("name") == name)
    return str(group.outputs["arn"]).removesuffix(":*")


def needs(run: Run) -> Iterator[Need]:
    """What each service does with the role it was handed, from the resources that hand it over."""
    inventory = Inventory(run)
    for stream in run.of_type(FIREHOSE):
        s3 = stream.inputs.get("extendedS3Configuration") or {}
        role, bucket = str(s3.get("roleArn")), str(s3.get("bucketArn"))
        for action in ("GetBucketLocation", "ListBucket", "ListBucketMultipartUploads"):
            yield Need(stream.name, role, f"s3:{action}", bucket)
        for action in ("AbortMultipartUpload", "GetObject", "PutObject"):
            yield Need(stream.name, role, f"s3:{action}", f"{bucket}/events/x")
        if key := customer_key(s3.get("kmsKeyArn")):
            yield Need(stream.name, role, "kms:GenerateDataKey", key)
        logging = s3.get("cloudwatchLoggingOptions") or {}
        if logging.get("enabled"):
            group = _log_group_arn(run, logging.get("logGroupName"))
            yield Need(stream.name, role, "logs:PutLogEvents", f"{group}:log-stream:{logging.get('logStreamName')}")
        source = stream.inputs.get("kinesisSourceConfiguration") or {}
        if source:
            arn, role = str(source.get("kinesisStreamArn")), str(source.get("roleArn"))
            for action in ("DescribeStream", "GetShardIterator", "GetRecords", "ListShards"):
                yield Need(stream.name, role, f"kinesis:{action}", arn)
            kinesis = next(k for k in run.of_type(STREAM) if k.outputs.get("arn") == arn)
            if key := customer_key(kinesis.inputs.get("kmsKeyId")):
                yield Need(stream.name, role, "kms:Decrypt", key)
    for flow_log in run.of_type(FLOW_LOG):
        if flow_log.inputs.get("logDestinationType", "cloud-watch-logs") != "cloud-watch-logs":
            continue  # S3 destinations are written by the log delivery service under the bucket's policy
        role, group = str(flow_log.inputs.get("iamRoleArn")), str(flow_log.inputs.get("logDestination"))
        for action in ("CreateLogStream", "PutLogEvents", "DescribeLogStreams"):
            yield Need(flow_log.name, role, f"logs:{action}", f"{group}:log-stream:eni-1")
        yield Need(flow_log.name, role, "logs:DescribeLogGroups", "*")
    for trail in run.of_type(TRAIL):
        if trail_role := trail.inputs.get("cloudWatchLogsRoleArn"):
            group = str(trail.inputs.get("cloudWatchLogsGroupArn")).removesuffix(":*")
            for action in ("CreateLogStream", "PutLogEvents"):
                yield Need(trail.name, str(trail_role), f"logs:{action}", f"{group}:log-stream:o-1_111111111111_CloudTrail")
    for instance in run.of_type(CLUSTER_INSTANCE):
        if monitoring_role := instance.inputs.get("monitoringRoleArn"):
            account = str(monitoring_role).split(":")[4]
            groups = f"arn:aws:logs:{inventory.region(instance)}:{account}:log-group:RDSOSMetrics"
            for action in ("CreateLogGroup", "PutRetentionPolicy"):
                yield Need(instance.name, str(monitoring_role), f"logs:{action}", groups)
            for action in ("CreateLogStream", "PutLogEvents", "DescribeLogStreams", "GetLogEvents"):
                yield Need(instance.name, str(monitoring_role), f"logs:{action}", f"{groups}:log-stream:db-1")
    for target in run.of_type(EVENT_TARGET):
        arn = str(target.inputs.get("arn") or "")
        if target.inputs.get("roleArn") and ":event-bus/" in arn:
            yield Need(target.name, str(target.inputs["roleArn"]), "events:PutEvents", arn)


def missing(run: Run) -> list[str]:
    """`<user>: its role does not allow <action> on <resource>` for each need its role's policies do not meet."""
    problems = []
    for need in needs(run):
        if not allows(role_statements(run, need.role_arn), need.action, need.resource):
            problems.append(f"{need.user}: its role does not allow {need.action} on {need.resource}")
    return problems


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_service_role_allows_what_its_service_does_with_it(stack: str, runs: dict[str, Run]) -> None:
    found = list(needs(runs[stack]))
    users = {n.action.split(":")[0] for n in found}
    assert users >= {"s3", "kinesis", "logs", "events", "kms"}  # the check is not empty
    assert missing(runs[stack]) == []


def test_a_delivery_role_without_its_lake_statement_is_found(dev: Run) -> None:
    """The event stream's delivery role without its S3 statement: the check names every call Firehose would lose."""
    stream = next(s for s in dev.of_type(FIREHOSE) if s.name.startswith("dev-"))
    role = next(r for r in dev.of_type(ROLE)
                if r.outputs.get("arn") == stream.inputs["extendedS3Configuration"]["roleArn"])
    registrations = []
    for registration in dev.registrations:
        kept = registration
        if registration.type == ROLE_POLICY and role.urn in registration.property_dependencies.get("role", ()):
            document = json.loads(registration.inputs["policy"])
            document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != "WriteTheLake"]
            kept = Registration(**{**registration.__dict__,
                                   "inputs": {**registration.inputs, "policy": json.dumps(document)}})
        registrations.append(kept)
    found = [p for p in missing(Run(dev.project, dev.stack, registrations, dev.outputs, {})) if p.startswith(stream.name)]
    assert sorted(p.split(" allow ")[1].split(" on ")[0] for p in found) == sorted(
        f"s3:{a}" for a in ("GetBucketLocation", "ListBucket", "ListBucketMultipartUploads", "AbortMultipartUpload",
                            "GetObject", "PutObject"))
