"""Lambda: when a restore test of Aurora completes, check the restored cluster and report the verdict to AWS Backup.

A restore passes when the restored cluster is `available` and storage-encrypted, and the restore finished within
the recovery time objective (RTO_HOURS). AWS Backup deletes the cluster after the validation window; a FAILED
verdict raises the backup-failure alert.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from typing import Any

import boto3

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

MESSAGE_LIMIT = 2048  # ValidationStatusMessage is short text


def handle(event: dict[str, Any], context: Any = None, backup: Any = None, rds: Any = None) -> dict[str, str]:
    """Entry point for the `Restore Job State Change` event of a completed restore job."""
    backup = backup or boto3.client("backup")
    job_id = (event.get("detail") or {}).get("restoreJobId")
    if not job_id:
        return {"status": "ignored", "reason": "the event names no restore job"}
    job = backup.describe_restore_job(RestoreJobId=job_id)
    if not (job.get("CreatedBy") or {}).get("RestoreTestingPlanArn"):
        return {"status": "ignored", "reason": "not a restore test"}
    if job.get("ResourceType") != "Aurora":
        return {"status": "ignored", "reason": f"restores of {job.get('ResourceType')} are not validated here"}
    rds = rds or boto3.client("rds")
    problems = validate(job, rds, float(os.environ.get("RTO_HOURS", "8")))
    status = "FAILED" if problems else "SUCCESSFUL"
    message = "; ".join(problems) if problems else "cluster available and encrypted, restored within the RTO"
    backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus=status,
                                         ValidationStatusMessage=message[:MESSAGE_LIMIT])
    LOG.info("restore job %s: %s (%s)", job_id, status, message)
    return {"status": status, "message": message}


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
    clusters = rds.describe_db_clusters(DBClusterIdentifier=arn).get("DBClusters") or []
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
