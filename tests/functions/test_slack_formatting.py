"""The Slack notifier's messages: what each kind of alert says, where it goes, how urgent it is, and what is
posted when a message has an unknown shape (against a loopback stand-in for Slack's Web API)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from functions.slack_notifier import blocks, handler

from .notifier_samples import (
    ACCOUNT,
    ALARM,
    BACKUP_FAILED,
    CRITICAL_TOPIC,
    GUARDDUTY,
    REGION,
    ROOT_SIGN_IN,
    SECURITY_TOPIC,
    SES_BOUNCE,
    WARNING_TOPIC,
    sns_event,
)
from .slack_stand_in import Context, StandIn, only_post, texts


def slack_time(iso: str) -> str:
    return f"<!date^{int(datetime.fromisoformat(iso).timestamp())}^"


def test_alarm_on_a_critical_topic_is_posted_urgent_to_the_critical_channel(env: StandIn) -> None:
    result = handler.handler(sns_event(ALARM), Context())

    payload = only_post(env)
    assert payload["channel"] == "C0CRITICAL"
    assert payload["blocks"][0]["text"]["text"] == ":rotating_light: ALARM: lz-ops-web-5xx-rate"
    section = payload["blocks"][1]
    assert section["text"]["text"].startswith("<!here> Web service answers 5xx to more than 5% of requests\n")
    assert "Threshold Crossed: 1 datapoint [7.5" in section["text"]["text"]
    fields = [f["text"] for f in section["fields"]]
    assert fields[0] == "*State*\n`OK` → `ALARM`"
    assert fields[1] == "*Metric*\nAWS/ApplicationELB HTTPCode_Target_5XX_Count (LoadBalancer=app/lz-ops-web/50dc6c495c0c9188)"
    assert fields[2] == "*Condition*\nAverage &gt; 5.0 for 3 x 60s"  # Slack shows &gt; as >
    context = [e["text"] for e in payload["blocks"][2]["elements"]]
    assert context[0] == "*CloudWatch alarm* · critical"
    assert context[1] == f"account `{ACCOUNT}` · `{REGION}`"
    assert context[2].startswith("since " + slack_time("2026-03-14T09:26:53.412+00:00"))
    assert context[2].endswith("|2026-03-14 09:26 UTC>")
    assert context[3] == (f"<https://{REGION}.console.aws.amazon.com/cloudwatch/home?region={REGION}"
                          "#alarmsV2:alarm/lz-ops-web-5xx-rate|Open in the AWS console>")
    assert payload["text"].startswith("<!here> :rotating_light: ALARM: lz-ops-web-5xx-rate: ")
    assert result == {"posted": [{"kind": "cloudwatch_alarm", "channel": "C0CRITICAL", "ts": "1773480413.000100"}]}


def test_alarm_back_to_ok_looks_resolved_and_does_not_page(env: StandIn) -> None:
    resolved = {**ALARM, "NewStateValue": "OK", "OldStateValue": "ALARM",
                "NewStateReason": "Threshold Crossed: 3 datapoints were not greater than the threshold (5.0)."}
    handler.handler(sns_event(resolved), Context())

    payload = only_post(env)
    assert payload["channel"] == "C0CRITICAL"
    assert payload["blocks"][0]["text"]["text"] == ":white_check_mark: Resolved: lz-ops-web-5xx-rate"
    assert payload["blocks"][1]["fields"][0]["text"] == "*State*\n`ALARM` → `OK`"
    assert "<!here>" not in json.dumps(payload)
    assert ":rotating_light:" not in json.dumps(payload)


def test_alarm_on_a_warning_topic_warns_without_paging(env: StandIn) -> None:
    handler.handler(sns_event(ALARM, topic=WARNING_TOPIC), Context())

    payload = only_post(env)
    assert payload["channel"] == "C0WARNING"
    assert payload["blocks"][0]["text"]["text"] == ":warning: ALARM: lz-ops-web-5xx-rate"
    assert "<!here>" not in json.dumps(payload)


def test_topic_without_a_severity_suffix_uses_the_default_severity(env: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_SEVERITY", "security")
    handler.handler(sns_event(ALARM, topic=f"arn:aws:sns:{REGION}:{ACCOUNT}:lz-ops-misc"), Context())

    assert only_post(env)["channel"] == "C0SECURITY"


def test_root_console_sign_in_goes_to_the_security_channel(env: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCOUNT_NAMES", json.dumps({ACCOUNT: "ops"}))
    result = handler.handler(sns_event(ROOT_SIGN_IN, topic=SECURITY_TOPIC), Context())

    payload = only_post(env)
    assert payload["channel"] == "C0SECURITY"
    assert payload["blocks"][0]["text"]["text"] == ":rotating_light: Root user signed in to the AWS console"
    section = payload["blocks"][1]
    assert section["text"]["text"] == "<!here> Sign-in by the root user from `203.0.113.54`, MFA used: *No*."
    assert [f["text"] for f in section["fields"][:3]] == ["*Result*\nSuccess", "*MFA used*\nNo",
                                                         "*Source IP*\n`203.0.113.54`"]
    context = [e["text"] for e in payload["blocks"][2]["elements"]]
    assert context[1] == f"account *ops* `{ACCOUNT}` · `us-east-1`"
    assert context[2].startswith("since " + slack_time("2026-03-14T08:02:11+00:00"))
    assert ("https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1"
            "#/events/4f1d5c1e-7a4b-4c55-8d2b-2b9a6f000042|") in context[3]
    assert result["posted"][0]["kind"] == "console_sign_in"


def test_guardduty_finding_shows_severity_type_resource_and_link(env: StandIn) -> None:
    handler.handler(sns_event(GUARDDUTY, topic=SECURITY_TOPIC), Context())

    payload = only_post(env)
    assert payload["channel"] == "C0SECURITY"
    assert payload["blocks"][0]["text"]["text"] == (
        ":red_circle: GuardDuty High (8): 198.51.100.7 is performing SSH brute force attacks against i-0a1b2c3d4e5f60718.")
    fields = [f["text"] for f in payload["blocks"][1]["fields"]]
    assert fields[:4] == ["*Finding type*\n`UnauthorizedAccess:EC2/SSHBruteForce`", "*Severity*\nHigh (8)",
                          "*Resource*\nInstance i-0a1b2c3d4e5f60718", "*Count*\n42"]
    all_text = texts(payload)
    assert "since " + slack_time("2026-03-14T07:12:00+00:00") in all_text
    assert (f"<https://{REGION}.console.aws.amazon.com/guardduty/home?region={REGION}"
            "#/findings?macros=current&fId=16afba5c5c43e07c9e3e5e2e544e95df|Open in the AWS console>") in all_text


def test_low_guardduty_finding_does_not_page(env: StandIn) -> None:
    low = {**GUARDDUTY, "detail": {**GUARDDUTY["detail"], "severity": 2.5, "title": "Unusual DNS request"}}
    handler.handler(sns_event(low, topic=SECURITY_TOPIC), Context())

    payload = only_post(env)
    assert payload["blocks"][0]["text"]["text"] == ":large_blue_circle: GuardDuty Low (2.5): Unusual DNS request"
    assert "<!here>" not in json.dumps(payload)


def test_ses_bounce_names_the_identity_and_masks_customer_addresses(env: StandIn) -> None:
    handler.handler(sns_event(SES_BOUNCE, topic=WARNING_TOPIC), Context())

    payload = only_post(env)
    assert payload["channel"] == "C0WARNING"
    assert payload["blocks"][0]["text"]["text"] == ":mailbox_with_no_mail: SES bounce (Permanent/General) from shop.example"
    section = payload["blocks"][1]
    assert section["text"]["text"] == ("1 recipient(s) of a message from `c***@shop.example` with subject “Your 10% coupon”."
                                       "\nDiagnostic: smtp; 550 5.1.1 &lt;j***@customer.example&gt;: user unknown")
    assert "*Recipients*\nj***@customer.example" in [f["text"] for f in section["fields"]]
    assert "jane.doe" not in json.dumps(payload)
    assert (f"<https://{REGION}.console.aws.amazon.com/ses/home?region={REGION}#/identities/shop.example|"
            in texts(payload))


def test_ses_complaint_is_recognised(env: StandIn) -> None:
    complaint = {"notificationType": "Complaint", "mail": SES_BOUNCE["mail"],
                 "complaint": {"complainedRecipients": [{"emailAddress": "max@customer.example"}],
                               "timestamp": "2026-03-14T06:40:00.000Z", "complaintFeedbackType": "abuse"}}
    result = handler.handler(sns_event(complaint, topic=WARNING_TOPIC), Context())

    payload = only_post(env)
    assert payload["blocks"][0]["text"]["text"] == ":no_entry_sign: SES complaint (abuse) about mail from shop.example"
    assert result["posted"][0]["kind"] == "ses_complaint"


def test_backup_job_failure_event_says_what_failed_and_why(env: StandIn) -> None:
    handler.handler(sns_event(BACKUP_FAILED, topic=CRITICAL_TOPIC), Context())

    payload = only_post(env)
    assert payload["channel"] == "C0CRITICAL"
    assert payload["blocks"][0]["text"]["text"] == ":x: Backup job FAILED: vol-0123456789abcdef0"
    section = payload["blocks"][1]
    assert section["text"]["text"] == "<!here> Access denied: the backup role may not use the KMS key"
    fields = [f["text"] for f in section["fields"]]
    assert fields == ["*State*\n`FAILED`", f"*Resource*\nEBS `arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-0123456789abcdef0`",
                      "*Vault*\nlz-ops-vault", "*Job ID*\n`A1B2C3D4-0000-4000-8000-00000000BEEF`"]
    assert (f"<https://{REGION}.console.aws.amazon.com/backup/home?region={REGION}"
            "#/jobs/backup/details/A1B2C3D4-0000-4000-8000-00000000BEEF|") in texts(payload)


def test_backup_sns_notification_in_plain_text_is_recognised(env: StandIn) -> None:
    message = (f"An AWS Backup job failed. Resource ARN : arn:aws:rds:{REGION}:{ACCOUNT}:cluster:lz-ops-shop. "
               "BackupJob ID : 5E6F7A8B-0000-4000-8000-000000000001")
    attributes = {"EventType": "BACKUP_JOB", "State": "FAILED", "AccountId": ACCOUNT,
                  "Id": "5E6F7A8B-0000-4000-8000-000000000001", "StartTime": "2026-03-14T03:00:00.000Z"}
    result = handler.handler(sns_event(message, topic=WARNING_TOPIC, subject="Notification from AWS Backup",
                                       attributes=attributes), Context())

    payload = only_post(env)
    assert payload["blocks"][0]["text"]["text"] == ":x: Backup job FAILED: lz-ops-shop"
    assert payload["blocks"][1]["fields"][1]["text"] == f"*Resource*\nrds `arn:aws:rds:{REGION}:{ACCOUNT}:cluster:lz-ops-shop`"
    assert "#/jobs/backup/details/5E6F7A8B-0000-4000-8000-000000000001|" in texts(payload)
    assert result["posted"][0]["kind"] == "backup_job"


def test_unknown_json_is_posted_raw_as_pretty_json(env: StandIn) -> None:
    message = {"source": "custom.shop", "detail": {"orders_stuck": 12, "note": "<!channel> & friends"}}
    result = handler.handler(sns_event(message, topic=WARNING_TOPIC, subject="Order pipeline"), Context())

    payload = only_post(env)
    assert payload["channel"] == "C0WARNING"
    assert payload["blocks"][0]["text"]["text"] == ":grey_question: Order pipeline"
    pretty = json.dumps(message, indent=2).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert payload["blocks"][1]["text"]["text"] == f"```{pretty}```"
    assert "<!channel>" not in json.dumps(payload)  # text from the event cannot ping anyone
    assert "*SNS topic lz-ops-alerts-warning* · warning" in texts(payload)
    assert result["posted"][0]["kind"] == "raw"


def test_huge_unknown_message_is_truncated_to_fit_not_dropped(env: StandIn) -> None:
    message = {"items": [f"item-{n:06d}" for n in range(20_000)]}
    handler.handler(sns_event(message, topic=WARNING_TOPIC), Context())

    payload = only_post(env)  # within Slack's limits
    section = payload["blocks"][1]["text"]["text"]
    total = len(json.dumps(message, indent=2))
    assert section.startswith('```{\n  "items": [\n    "item-000000",')
    assert section.endswith(f"…```\n_Truncated: the message has {total:,} characters._")
    assert 2900 < len(section) <= 3000
    assert payload["text"].startswith(':grey_question: Unrecognised message: { "items": [ "item-000000", "item-000001",')
    assert len(payload["text"]) < 1000


def test_plain_text_message_is_posted_escaped(env: StandIn) -> None:
    handler.handler(sns_event("Deploy finished <https://evil.example|click> & done", topic=WARNING_TOPIC), Context())

    payload = only_post(env)
    assert payload["blocks"][1]["text"]["text"] == "Deploy finished &lt;https://evil.example|click&gt; &amp; done"


def test_known_shape_with_odd_contents_is_posted_raw(env: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    empty = {"version": "0", "id": "e-1", "detail-type": "Security Hub Findings - Imported", "source": "aws.securityhub",
             "account": "444455556666", "time": "2026-03-14T09:00:00Z", "region": "us-west-2", "detail": {"findings": []}}
    result = handler.handler(sns_event(empty, topic=SECURITY_TOPIC), Context())

    payload = only_post(env)
    assert payload["blocks"][0]["text"]["text"] == ":grey_question: Security Hub Findings - Imported from aws.securityhub"
    assert '"findings": []' in payload["blocks"][1]["text"]["text"]
    assert "account `444455556666` · `us-west-2`" in texts(payload)  # the event's place, not the topic's
    assert result["posted"][0]["kind"] == "raw"
    assert '"event": "format_failed"' in caplog.text


def test_odd_field_types_in_a_known_shape_are_tolerated(env: StandIn) -> None:
    odd = {**GUARDDUTY, "detail": {**GUARDDUTY["detail"], "service": {"eventFirstSeen": 12}, "resource": []}}
    handler.handler(sns_event(odd, topic=SECURITY_TOPIC), Context())

    payload = only_post(env)
    assert payload["blocks"][0]["text"]["text"].startswith(":red_circle: GuardDuty High (8)")
    assert "*Resource*\nunknown resource" in texts(payload)


def test_blocks_truncate_never_cuts_an_escape_in_half() -> None:
    text = blocks.truncate("a" * 8 + "&amp;" + "b" * 10, 12)
    assert text == "a" * 8 + blocks.ELLIPSIS
