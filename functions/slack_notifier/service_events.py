"""Service events that need a person: AWS Backup jobs that did not complete, SES bounces and complaints."""

from __future__ import annotations

import re

from .blocks import escape
from .notification import Envelope, Notification, Origin, compose, console_url, mapping, q, region_of

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

BACKUP_FAILED_STATES = frozenset({"FAILED", "ABORTED", "EXPIRED"})
# The detail key that holds the job id, per job kind (from the detail-type "Backup Job State Change").
JOB_ID_KEYS = {"backup": "backupJobId", "copy": "copyJobId", "restore": "restoreJobId"}

_RESOURCE_ARN = re.compile(r"Resource ARN\s*:\s*(arn:\S+?)\.?(?:\s|$)")
_EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
RECIPIENTS_SHOWN = 5


def _name(arn: str) -> str:
    """The last part of an ARN: 'arn:aws:ec2:us-west-2::image/ami-1' -> 'ami-1'."""
    return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


class BackupJob:
    """One backup, copy or restore job as AWS Backup reports it (an EventBridge event or a vault notification)."""

    __slots__ = ("job", "job_id", "message", "resource_arn", "resource_type", "state", "vault")

    def __init__(self, *, job: str, state: str, job_id: str, resource_arn: str, resource_type: str, vault: str,
                 message: str) -> None:
        self.job, self.state, self.job_id, self.message = job, state, job_id, message
        self.resource_arn, self.resource_type, self.vault = resource_arn, resource_type, vault


def _backup(envelope: Envelope, backup: BackupJob, *, account: object, region: str, since: object,
            extra: list[tuple[str, str]] | None = None) -> Notification:
    job, state, job_id, message = backup.job, backup.state, backup.job_id, backup.message
    resource_arn, resource_type, vault = backup.resource_arn, backup.resource_type, backup.vault
    failed = state in BACKUP_FAILED_STATES
    emoji = ":x:" if failed else ":white_check_mark:" if state in {"COMPLETED", "SUCCESSFUL"} else ":information_source:"
    title = f"{emoji} {job.title()} job {state}: {_name(resource_arn) or 'unknown resource'}"
    fields = [("State", f"`{escape(state)}`"),
              ("Resource", f"{escape(resource_type)} `{escape(resource_arn or '-')}`".strip()),
              ("Vault", escape(vault or "-")), ("Job ID", f"`{escape(job_id or '-')}`"), *(extra or [])]
    fragment = f"/jobs/{job}/details/{q(job_id)}" if job_id else f"/jobs/{job}"
    return compose(f"{job}_job", envelope, title=title, summary=escape(message.strip('"') or "No status message."),
                   origin=Origin(source="AWS Backup", account=account, region=region, since=since),
                   url=console_url("backup", region, fragment), fields=fields,
                   urgent=failed and envelope.severity == "critical")


def _text(value: object) -> str:
    """A string field, or '' where AWS puts something else (the guide's failed copy job has `{}` for an ARN)."""
    return value if isinstance(value, str) else ""


def backup_event(event: dict[str, Any], envelope: Envelope) -> Notification:
    """A backup, copy or restore job's state change.

    Where AWS puts the resource (docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html): backup and
    copy jobs in `detail.resourceArn`; restore jobs in `detail.sourceResourceArn` when they name it, else only in
    `resources` (the recovery point restored from), and the restored resource in `detail.createdResourceArn`.
    """
    job = str(event.get("detail-type")).split(" ", 1)[0].lower()
    detail = mapping(event.get("detail"))
    resources = [r for r in event.get("resources") or [] if isinstance(r, str)]
    resource_arn = (_text(detail.get("resourceArn")) or _text(detail.get("sourceResourceArn"))
                    or (resources[0] if resources else ""))
    vault_arn = (_text(detail.get("backupVaultArn")) or _text(detail.get("sourceBackupVaultArn"))
                 or _text(detail.get("destinationBackupVaultArn")))
    extra = []
    if _text(detail.get("createdResourceArn")):
        extra.append(("Restored as", f"`{escape(detail['createdResourceArn'])}`"))
    if job == "copy" and _text(detail.get("destinationBackupVaultArn")):
        extra.append(("Copy to", escape(_name(detail["destinationBackupVaultArn"]))))
    region = str(event.get("region") or region_of(vault_arn) or envelope.region)
    backup = BackupJob(job=job, state=str(detail.get("state") or detail.get("status") or "UNKNOWN"),
                       job_id=_text(detail.get(JOB_ID_KEYS.get(job, ""))), resource_arn=resource_arn,
                       resource_type=_text(detail.get("resourceType")),
                       vault=_text(detail.get("backupVaultName")) or (_name(vault_arn) if vault_arn else ""),
                       message=_text(detail.get("statusMessage")))
    return _backup(envelope, backup, account=event.get("account"), region=region,
                   since=event.get("time") or detail.get("creationDate"), extra=extra)


def backup_notification(_body: object, envelope: Envelope) -> Notification:
    """AWS Backup's vault notification: a sentence of text, the job's facts in SNS message attributes."""
    attributes = envelope.attributes
    found = _RESOURCE_ARN.search(envelope.message)
    resource_arn = found.group(1) if found else ""
    backup = BackupJob(job=attributes["EventType"].split("_", 1)[0].lower(), state=attributes.get("State", "UNKNOWN"),
                       job_id=attributes.get("Id", ""), resource_arn=resource_arn,
                       resource_type=resource_arn.split(":")[2] if resource_arn.count(":") > 2 else "", vault="",
                       message=envelope.message)
    return _backup(envelope, backup, account=attributes.get("AccountId"), region=region_of(resource_arn) or envelope.region,
                   since=envelope.timestamp or attributes.get("StartTime"))


def mask_emails(text: str) -> str:
    """Customer addresses stay out of chat: 'jane.doe@example.com' -> 'j***@example.com'."""
    return _EMAIL.sub(r"\1***@\2", text)


def ses(body: dict[str, Any], envelope: Envelope) -> Notification:
    kind = str(body.get("notificationType") or body.get("eventType"))
    mail = mapping(body.get("mail"))
    source_arn = str(mail.get("sourceArn") or "")
    identity = source_arn.split(":identity/", 1)[1] if ":identity/" in source_arn else ""
    region = region_of(source_arn) or envelope.region
    if kind == "Bounce":
        report = mapping(body.get("bounce"))
        recipients = report.get("bouncedRecipients") or []
        flavour = f"{report.get('bounceType') or 'Undetermined'}/{report.get('bounceSubType') or 'Undetermined'}"
        title = f":mailbox_with_no_mail: SES bounce ({flavour}) from {identity or mail.get('source') or 'unknown sender'}"
    else:
        report = mapping(body.get("complaint"))
        recipients = report.get("complainedRecipients") or []
        flavour = str(report.get("complaintFeedbackType") or "not given")
        title = f":no_entry_sign: SES complaint ({flavour}) about mail from {identity or mail.get('source') or 'unknown sender'}"
    recipients = [mapping(r) for r in recipients] if isinstance(recipients, list) else []
    shown = ", ".join(escape(mask_emails(str(r.get("emailAddress") or "?"))) for r in recipients[:RECIPIENTS_SHOWN])
    more = f" and {len(recipients) - RECIPIENTS_SHOWN} more" if len(recipients) > RECIPIENTS_SHOWN else ""
    subject = mapping(mail.get("commonHeaders")).get("subject")
    summary = f"{len(recipients)} recipient(s) of a message from `{escape(mask_emails(str(mail.get('source') or '?')))}`"
    summary += f" with subject “{escape(subject)}”." if subject else "."
    diagnostics = [str(r["diagnosticCode"]) for r in recipients if r.get("diagnosticCode")]
    if diagnostics:
        summary += f"\nDiagnostic: {escape(mask_emails(diagnostics[0]))}"
    fields = [("Type", escape(f"{kind} ({flavour})")), ("Recipients", f"{shown}{more}" or "-"),
              ("Sending identity", escape(identity or "-")), ("Message ID", f"`{escape(mail.get('messageId') or '-')}`")]
    fragment = f"/identities/{q(identity)}" if identity else "/account"
    return compose(f"ses_{kind.lower()}", envelope, title=title, summary=summary,
                   origin=Origin(source="Amazon SES", account=mail.get("sendingAccountId"),
                                 region=region, since=report.get("timestamp") or mail.get("timestamp")),
                   url=console_url("ses", region, fragment), fields=fields)
