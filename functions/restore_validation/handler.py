"""Lambda: when a restore test of Aurora completes, check the restored cluster and report the verdict to AWS Backup.

A restore passes when the restored cluster is `available` and storage-encrypted, and the restore finished within
the recovery time objective (RTO_HOURS). AWS Backup deletes the cluster after the validation window; a FAILED
verdict raises the backup-failure alert.

Every AWS error ends in a verdict, never in an exception (the errors each call documents, as botocore's models
list them; botocore has already retried the transient ones):
- DescribeRestoreJob: ResourceNotFoundException -> ignored (there is no job to validate); any other error, or no
  answer at all -> FAILED, naming it, so a restore test whose job cannot be read is never left unvalidated.
- DescribeDBClusters: DBClusterNotFoundFault -> FAILED ("does not exist"); any other error -> FAILED, naming it.
- PutRestoreValidationResult: any error -> the verdict is returned with `reported: False` and logged as an error;
  AWS Backup then times the validation out, which the backup-failure rule reports.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

MESSAGE_LIMIT = 2048  # ValidationStatusMessage is short text
RETRIES = Config(retries={"mode": "standard", "max_attempts": 3})


def _error(error: Exception) -> str:
    """'ResourceNotFoundException: the message' for an AWS error; the exception's name and text otherwise."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'UnknownError')}: {details.get('Message', '')}".rstrip(": ")
    return f"{type(error).__name__}: {error}"


def _code(error: Exception) -> str:
    return str(error.response.get("Error", {}).get("Code", "")) if isinstance(error, ClientError) else ""


def handle(event: dict[str, Any], context: Any = None, backup: Any = None, *, rds: Any = None) -> dict[str, Any]:
    """Entry point for the `Restore Job State Change` event of a completed restore job.

    Returns `{"status": "SUCCESSFUL" | "FAILED" | "ignored", "message": str, "reported": bool}`.
    """
    backup = backup or boto3.client("backup", config=RETRIES)
    job_id = (event.get("detail") or {}).get("restoreJobId")
    if not job_id:
        return {"status": "ignored", "message": "the event names no restore job", "reported": False}
    try:
        job = backup.describe_restore_job(RestoreJobId=job_id)
    except (ClientError, BotoCoreError) as error:
        if _code(error) == "ResourceNotFoundException":
            return {"status": "ignored", "message": f"restore job {job_id} does not exist: {_error(error)}",
                    "reported": False}
        return _report(backup, job_id, [f"could not read the restore job: {_error(error)}"])
    if not (job.get("CreatedBy") or {}).get("RestoreTestingPlanArn"):
        return {"status": "ignored", "message": "not a restore test", "reported": False}
    if job.get("ResourceType") != "Aurora":
        return {"status": "ignored", "message": f"restores of {job.get('ResourceType')} are not validated here",
                "reported": False}
    rds = rds or boto3.client("rds", config=RETRIES)
    return _report(backup, job_id, validate(job, rds, float(os.environ.get("RTO_HOURS", "8"))))


def _report(backup: Any, job_id: str, problems: list[str]) -> dict[str, Any]:
    status = "FAILED" if problems else "SUCCESSFUL"
    message = "; ".join(problems) if problems else "cluster available and encrypted, restored within the RTO"
    try:
        backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus=status,
                                             ValidationStatusMessage=message[:MESSAGE_LIMIT])
    except (ClientError, BotoCoreError) as error:
        LOG.error("restore job %s: %s (%s), but AWS Backup did not take the result: %s", job_id, status, message,
                  _error(error))
        return {"status": status, "message": message, "reported": False, "error": _error(error)}
    LOG.info("restore job %s: %s (%s)", job_id, status, message)
    return {"status": status, "message": message, "reported": True}


def validate(job: dict[str, Any], rds: Any, rto_hours: float) -> list[str]:
    """What is wrong with the restore `job` (DescribeRestoreJob output); empty when it passes."""
    problems: list[str] = []
    if job.get("Status") != "COMPLETED":
        problems.append(f"restore job is {job.get('Status')}, not COMPLETED")
    hours = _hours_between(job.get("CreationDate"), job.get("CompletionDate"))
    if hours is not None and hours > rto_hours:
        problems.append(f"restore took {hours:.1f} h, more than the RTO of {rto_hours:g} h")
    arn = job.get("CreatedResourceArn")
    if not arn:
        return [*problems, "restore job names no restored cluster"]
    try:
        clusters = rds.describe_db_clusters(DBClusterIdentifier=arn).get("DBClusters") or []
    except (ClientError, BotoCoreError) as error:
        if _code(error) == "DBClusterNotFoundFault":
            return [*problems, f"restored cluster {arn} does not exist"]
        return [*problems, f"could not read restored cluster {arn}: {_error(error)}"]
    if not clusters:
        return [*problems, f"restored cluster {arn} does not exist"]
    cluster = clusters[0]
    if cluster.get("Status") != "available":
        problems.append(f"restored cluster is {cluster.get('Status')}, not available")
    if not cluster.get("StorageEncrypted"):
        problems.append("restored cluster is not storage-encrypted")
    return problems


def _hours_between(start: Any, end: Any) -> float | None:
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    return (end - start).total_seconds() / 3600
