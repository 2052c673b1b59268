"""The restore-test validator against real boto3 clients whose calls botocore's Stubber checks against the API model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from functions.restore_validation import handler

REGION = "ap-northeast-2"
JOB = "restore-job-1"
PLAN = f"arn:aws:backup:{REGION}:111111111111:restore-testing-plan:shop_ops_aurora_restore-abc"
RESTORED = f"arn:aws:rds:{REGION}:111111111111:cluster:awsbackup-restore-test-1"
STARTED = datetime(2026, 1, 3, 19, 0, tzinfo=UTC)
EVENT = {"source": "aws.backup", "detail-type": "Restore Job State Change",
         "detail": {"restoreJobId": JOB, "status": "COMPLETED"}}


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Stubber, Any, Stubber]]:
    monkeypatch.setenv("RTO_HOURS", "4")
    backup = boto3.client("backup", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    rds = boto3.client("rds", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(backup) as backup_stub, Stubber(rds) as rds_stub:
        yield backup, backup_stub, rds, rds_stub
        backup_stub.assert_no_pending_responses()
        rds_stub.assert_no_pending_responses()


def _job(hours: float = 1.5, status: str = "COMPLETED", created_by: str | None = PLAN) -> dict[str, Any]:
    job: dict[str, Any] = {"RestoreJobId": JOB, "Status": status, "ResourceType": "Aurora",
                           "CreatedResourceArn": RESTORED, "CreationDate": STARTED,
                           "CompletionDate": STARTED + timedelta(hours=hours)}
    if created_by:
        job["CreatedBy"] = {"RestoreTestingPlanArn": created_by}
    return job


def _cluster(status: str = "available", encrypted: bool = True) -> dict[str, Any]:
    return {"DBClusters": [{"DBClusterIdentifier": "awsbackup-restore-test-1", "Status": status,
                            "StorageEncrypted": encrypted}]}


def test_a_good_restore_is_reported_successful(clients: tuple[Any, Stubber, Any, Stubber]) -> None:
    backup, backup_stub, rds, rds_stub = clients
    backup_stub.add_response("describe_restore_job", _job(), {"RestoreJobId": JOB})
    rds_stub.add_response("describe_db_clusters", _cluster(), {"DBClusterIdentifier": RESTORED})
    backup_stub.add_response("put_restore_validation_result", {}, {
        "RestoreJobId": JOB, "ValidationStatus": "SUCCESSFUL",
        "ValidationStatusMessage": "cluster available and encrypted, restored within the RTO"})
    assert handler.handle(EVENT, None, backup=backup, rds=rds)["status"] == "SUCCESSFUL"


def test_a_slow_unencrypted_restore_fails_naming_each_problem(clients: tuple[Any, Stubber, Any, Stubber]) -> None:
    backup, backup_stub, rds, rds_stub = clients
    backup_stub.add_response("describe_restore_job", _job(hours=6), {"RestoreJobId": JOB})
    rds_stub.add_response("describe_db_clusters", _cluster("creating", encrypted=False), {"DBClusterIdentifier": RESTORED})
    message = ("restore took 6.0 h, more than the RTO of 4 h; restored cluster is creating, not available; "
               "restored cluster is not storage-encrypted")
    backup_stub.add_response("put_restore_validation_result", {}, {
        "RestoreJobId": JOB, "ValidationStatus": "FAILED", "ValidationStatusMessage": message})
    assert handler.handle(EVENT, None, backup=backup, rds=rds) == {"status": "FAILED", "message": message}


def test_restores_that_are_not_tests_are_left_alone(clients: tuple[Any, Stubber, Any, Stubber]) -> None:
    backup, backup_stub, rds, _ = clients
    backup_stub.add_response("describe_restore_job", _job(created_by=None), {"RestoreJobId": JOB})
    assert handler.handle(EVENT, None, backup=backup, rds=rds)["status"] == "ignored"
    assert handler.handle({"detail": {}}, None, backup=backup, rds=rds)["status"] == "ignored"
