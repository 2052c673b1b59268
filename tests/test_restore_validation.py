"""The restore-test validator against real boto3 clients whose calls botocore's Stubber checks against the API model,
including every error each call documents (as botocore's models list them): each ends in a verdict, not a crash."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.session
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
    assert handler.handle(EVENT, None, backup=backup, rds=rds) == {"status": "FAILED", "message": message,
                                                                     "reported": True}


def test_restores_that_are_not_tests_are_left_alone(clients: tuple[Any, Stubber, Any, Stubber]) -> None:
    backup, backup_stub, rds, _ = clients
    backup_stub.add_response("describe_restore_job", _job(created_by=None), {"RestoreJobId": JOB})
    assert handler.handle(EVENT, None, backup=backup, rds=rds)["status"] == "ignored"
    assert handler.handle({"detail": {}}, None, backup=backup, rds=rds)["status"] == "ignored"


def _documented_errors(service: str, operation: str) -> list[str]:
    model = botocore.session.get_session().get_service_model(service)
    return [shape.name for shape in model.operation_model(operation).error_shapes]


def test_the_error_lists_are_botocores() -> None:
    assert "DBClusterNotFoundFault" in _documented_errors("rds", "DescribeDBClusters")
    assert "ResourceNotFoundException" in _documented_errors("backup", "DescribeRestoreJob")
    assert "InvalidRequestException" in _documented_errors("backup", "PutRestoreValidationResult")


@pytest.mark.parametrize("code", _documented_errors("backup", "DescribeRestoreJob"))
def test_an_unreadable_restore_job_ends_in_a_verdict(code: str, clients: tuple[Any, Stubber, Any, Stubber]) -> None:
    backup, backup_stub, rds, _ = clients
    backup_stub.add_client_error("describe_restore_job", service_error_code=code, service_message="no",
                                 expected_params={"RestoreJobId": JOB})
    if code == "ResourceNotFoundException":
        verdict = handler.handle(EVENT, None, backup=backup, rds=rds)
        assert (verdict["status"], verdict["reported"]) == ("ignored", False)
        assert code in verdict["message"]
        return
    message = f"could not read the restore job: {code}: no"
    backup_stub.add_response("put_restore_validation_result", {}, {
        "RestoreJobId": JOB, "ValidationStatus": "FAILED", "ValidationStatusMessage": message})
    assert handler.handle(EVENT, None, backup=backup, rds=rds) == {"status": "FAILED", "message": message,
                                                                 "reported": True}


@pytest.mark.parametrize("code", [*_documented_errors("rds", "DescribeDBClusters"), "Throttling"])
def test_a_restored_cluster_that_cannot_be_read_fails_the_restore(code: str,
                                                                   clients: tuple[Any, Stubber, Any, Stubber]) -> None:
    backup, backup_stub, rds, rds_stub = clients
    backup_stub.add_response("describe_restore_job", _job(), {"RestoreJobId": JOB})
    rds_stub.add_client_error("describe_db_clusters", service_error_code=code, service_message="gone",
                              expected_params={"DBClusterIdentifier": RESTORED})
    message = (f"restored cluster {RESTORED} does not exist" if code == "DBClusterNotFoundFault"
               else f"could not read restored cluster {RESTORED}: {code}: gone")
    backup_stub.add_response("put_restore_validation_result", {}, {
        "RestoreJobId": JOB, "ValidationStatus": "FAILED", "ValidationStatusMessage": message})
    assert handler.handle(EVENT, None, backup=backup, rds=rds) == {"status": "FAILED", "message": message,
                                                                 "reported": True}


@pytest.mark.parametrize("code", _documented_errors("backup", "PutRestoreValidationResult"))
def test_a_verdict_aws_backup_refuses_is_returned_and_logged(code: str, clients: tuple[Any, Stubber, Any, Stubber],
                                                             caplog: pytest.LogCaptureFixture) -> None:
    backup, backup_stub, rds, rds_stub = clients
    backup_stub.add_response("describe_restore_job", _job(), {"RestoreJobId": JOB})
    rds_stub.add_response("describe_db_clusters", _cluster(), {"DBClusterIdentifier": RESTORED})
    backup_stub.add_client_error("put_restore_validation_result", service_error_code=code, service_message="late")
    verdict = handler.handle(EVENT, None, backup=backup, rds=rds)
    assert verdict == {"status": "SUCCESSFUL", "message": "cluster available and encrypted, restored within the RTO",
                       "reported": False, "error": f"{code}: late"}
    assert f"AWS Backup did not take the result: {code}: late" in caplog.text
