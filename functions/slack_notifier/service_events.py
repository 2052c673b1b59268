"""Service events that need a person: AWS Backup jobs that did not complete, SES bounces and complaints."""

from __future__ import annotations

import re

from .blocks import escape
from .notification import Envelope, Notification, compose, console_url, mapping, q, region_of

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

BACKUP_FAILED_STATES = frozenset({"FAILED", "ABORTED", "EXPIRED"})
# The detail key that holds the job id, per job kind (from the detail-type "Backup Job State Change").
JOB_ID_KEYS = {"backup": "backupJobId", "copy": "copyJobId", "restore": "restoreJobId"}

_RESOURCE_ARN = re.compile(r"Resource ARN\s*:\s*(arn:\S+?)\.?(?:\s|$)")
_EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
RECIPIENTS_SHOWN = 5


def _backup(envelope: Envelope, *, job: str, state: str, job_id: str, resource_arn: str, resource_type: str,
            vault: str, message: str, account: object, region: str, since: object) -> Notification:
    failed = state in BACKUP_FAILED_STATES
    emoji = ":x:" if failed else ":white_check_mark:" if state in {"COMPLETED", "SUCCESSFUL"} else ":information_source:"
    resource_name = resource_arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1] or "unknown resource"
    title = f"{emoji} {job.title()} job {state}: {resource_name}"
    fields = [("State", f"`{escape(state)}`"), ("Resource", f"{escape(resource_type)} `{escape(resource_arn or '-')}`"),
              ("Vault", escape(vault or "-")), ("Job ID", f"`{escape(job_id or '-')}`")]
    fragment = f"/jobs/{job}/details/{q(job_id)}" if job_id else f"/jobs/{job}"
    return compose(f"{job}_job", envelope, title=title, summary=escape(message or "No status message."),
                   source="AWS Backup", account=account, region=region, since=since,
                   url=console_url("backup", region, fragment), fields=fields, urgent=failed and envelope.severity == "critical")


def backup_event(event: dict[str, Any], envelope: Envelope) -> Notification:
    job = str(event.get("detail-type")).split(" ", 1)[0].lower()
    detail = mapping(event.get("detail"))
    region = str(event.get("region") or region_of(detail.get("backupVaultArn")) or envelope.region)
    return _backup(envelope, job=job, state=str(detail.get("state") or detail.get("status") or "UNKNOWN"),
                   job_id=str(detail.get(JOB_ID_KEYS.get(job, "")) or ""), resource_arn=str(detail.get("resourceArn") or ""),
                   resource_type=str(detail.get("resourceType") or ""), vault=str(detail.get("backupVaultName") or ""),
                   message=str(detail.get("statusMessage") or ""), account=event.get("account"), region=region,
                   since=event.get("time") or detail.get("creationDate"))


def backup_notification(_body: object, envelope: Envelope) -> Notification:
    """AWS Backup's vault notification: a sentence of text, the job's facts in SNS message attributes."""
    attributes = envelope.attributes
    found = _RESOURCE_ARN.search(envelope.message)
    resource_arn = found.group(1) if found else ""
    return _backup(envelope, job=attributes["EventType"].split("_", 1)[0].lower(),
                   state=attributes.get("State", "UNKNOWN"), job_id=attributes.get("Id", ""), resource_arn=resource_arn,
                   resource_type=resource_arn.split(":")[2] if resource_arn.count(":") > 2 else "", vault="",
                   message=envelope.message, account=attributes.get("AccountId"),
                   region=region_of(resource_arn) or envelope.region, since=envelope.timestamp or attributes.get("StartTime"))


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
    return compose(f"ses_{kind.lower()}", envelope, title=title, summary=summary, source="Amazon SES",
                   account=mail.get("sendingAccountId"), region=region, since=report.get("timestamp") or mail.get("timestamp"),
                   url=console_url("ses", region, fragment), fields=fields)
