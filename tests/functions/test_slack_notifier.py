"""The Slack notifier against a loopback stand-in for Slack's Web API and for Secrets Manager."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from functions.slack_notifier import blocks, handler, logs, retry, sigv4, token_secret
from functions.slack_notifier.handler import NotDeliveredError
from functions.slack_notifier.slack_api import SlackRejectedError

from .notifier_samples import (
    ACCESS_KEY,
    ACCOUNT,
    ALARM,
    BACKUP_FAILED,
    CRITICAL_TOPIC,
    GUARDDUTY,
    REGION,
    ROOT_SIGN_IN,
    ROTATED_TOKEN,
    SECRET_ARN,
    SECRET_KEY,
    SECURITY_TOPIC,
    SES_BOUNCE,
    SESSION_TOKEN,
    TOKEN,
    WARNING_TOPIC,
    sns_event,
)
from .slack_stand_in import Context, FakeClock, Reply, StandIn, assert_within_slack_limits, environment, texts

SOURCE = Path(handler.__file__).parent


def slack_time(iso: str) -> str:
    return f"<!date^{int(datetime.fromisoformat(iso).timestamp())}^"


def only_post(stand_in: StandIn) -> dict[str, Any]:
    assert len(stand_in.posts) == 1
    post = stand_in.posts[0]
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    assert post.headers["content-type"].startswith("application/json")
    payload: dict[str, Any] = post.json
    assert_within_slack_limits(payload)
    return payload


# --- formatting ----------------------------------------------------------------------------------------------


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


# --- delivery: retries, failures, time budget ----------------------------------------------------------------


def test_429_waits_as_long_as_retry_after_says_then_succeeds(env: StandIn, clock: FakeClock) -> None:
    env.slack_script.append(Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}))
    result = handler.handler(sns_event(ALARM), Context())

    assert clock.sleeps == [7.0]
    assert len(env.posts) == 2
    assert env.posts[0].body == env.posts[1].body
    assert result["posted"][0]["ts"] == "1773480413.000100"


def test_three_server_errors_back_off_exponentially_then_succeed(env: StandIn, clock: FakeClock) -> None:
    env.slack_script.extend([Reply(500, {}), Reply(502, {}), Reply(503, {})])
    result = handler.handler(sns_event(ALARM), Context())

    assert len(env.posts) == 4
    assert len(clock.sleeps) == 3
    first, second, third = clock.sleeps
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0 and 1.0 <= third <= 2.0
    assert result["posted"][0]["channel"] == "C0CRITICAL"


def test_slack_ok_false_ratelimited_is_retried(env: StandIn, clock: FakeClock) -> None:
    env.slack_script.append(Reply(200, {"ok": False, "error": "internal_error"}))
    handler.handler(sns_event(ALARM), Context())

    assert len(env.posts) == 2 and len(clock.sleeps) == 1


def test_channel_not_found_is_permanent_and_raised(env: StandIn, clock: FakeClock) -> None:
    env.slack_script.append(Reply(200, {"ok": False, "error": "channel_not_found"}))
    with pytest.raises(NotDeliveredError, match="channel_not_found") as raised:
        handler.handler(sns_event(ALARM), Context())

    assert len(env.posts) == 1  # not retried
    assert clock.sleeps == []
    assert isinstance(raised.value.__cause__, SlackRejectedError)
    assert raised.value.__cause__.error == "channel_not_found"


def test_persistent_server_error_is_raised_when_time_runs_out(env: StandIn, clock: FakeClock) -> None:
    env.slack_script.extend(Reply(500, {}) for _ in range(20))
    with pytest.raises(NotDeliveredError, match="HTTP 500"):
        handler.handler(sns_event(ALARM), Context(remaining_ms=6_000))

    budget = 6.0 - retry.SAFETY_MARGIN_S
    assert sum(clock.sleeps) <= budget - retry.MIN_ATTEMPT_S
    assert clock.sleeps == sorted(clock.sleeps)  # backing off, not hammering
    assert 2 <= len(env.posts) == len(clock.sleeps) + 1 < retry.MAX_ATTEMPTS


def test_retry_after_beyond_the_time_left_is_raised_without_waiting(env: StandIn, clock: FakeClock) -> None:
    env.slack_script.append(Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "60"}))
    with pytest.raises(NotDeliveredError, match="429"):
        handler.handler(sns_event(ALARM), Context(remaining_ms=20_000))

    assert clock.sleeps == []
    assert len(env.posts) == 1


def test_connection_refused_is_retried_then_raised(env: StandIn, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")  # the discard port: nothing listens
    with pytest.raises(NotDeliveredError, match=re.escape("connection to 127.0.0.1 failed")):
        handler.handler(sns_event(ALARM), Context(remaining_ms=10_000))

    assert len(clock.sleeps) >= 2


def test_blocks_refused_falls_back_to_plain_text(env: StandIn) -> None:
    env.slack_script.append(Reply(200, {"ok": False, "error": "invalid_blocks"}))
    handler.handler(sns_event(ALARM), Context())

    assert len(env.posts) == 2
    retried = env.posts[1].json
    assert "blocks" not in retried
    assert retried["channel"] == "C0CRITICAL"
    assert retried["text"].startswith("<!here> :rotating_light: ALARM: lz-ops-web-5xx-rate")


def test_one_failed_record_does_not_stop_the_others_but_is_raised(env: StandIn) -> None:
    event = sns_event(ALARM)
    event["Records"] += sns_event(SES_BOUNCE, topic=WARNING_TOPIC)["Records"]
    env.slack_script.append(Reply(200, {"ok": False, "error": "not_in_channel"}))
    with pytest.raises(NotDeliveredError, match="1 of 2 message"):
        handler.handler(event, Context())

    assert [p.json["channel"] for p in env.posts] == ["C0CRITICAL", "C0WARNING"]


def test_direct_invocation_without_sns_is_posted_raw_with_the_default_severity(env: StandIn) -> None:
    result = handler.handler({"hello": "from a test invoke"}, Context())

    payload = only_post(env)
    assert payload["channel"] == "C0WARNING"
    assert payload["blocks"][1]["text"]["text"] == '```{\n  "hello": "from a test invoke"\n}```'
    assert result["posted"][0]["kind"] == "raw"


def test_missing_channel_configuration_is_raised(env: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CHANNELS", json.dumps({"critical": "C0CRITICAL"}))
    with pytest.raises(NotDeliveredError, match="SLACK_CHANNELS has no channel for 'security'"):
        handler.handler(sns_event(GUARDDUTY, topic=SECURITY_TOPIC), Context())
    assert env.posts == []


def test_http_is_refused_for_anything_but_loopback(env: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://slack.example/api")
    with pytest.raises(NotDeliveredError, match="use an https URL"):
        handler.handler(sns_event(ALARM), Context())
    assert env.posts == []


# --- the token: Secrets Manager, SigV4, cache, redaction -------------------------------------------------------


def test_token_is_fetched_once_and_cached_across_invocations(env: StandIn) -> None:
    handler.handler(sns_event(ALARM), Context())
    handler.handler(sns_event(ALARM, topic=WARNING_TOPIC), Context())

    assert len(env.secret_calls) == 1
    assert [p.headers["authorization"] for p in env.posts] == [f"Bearer {TOKEN}"] * 2


def test_cached_token_expires_after_its_ttl(env: StandIn, clock: FakeClock) -> None:
    handler.handler(sns_event(ALARM), Context())
    clock.time += token_secret.CACHE_TTL_S + 1
    handler.handler(sns_event(ALARM), Context())

    assert len(env.secret_calls) == 2


def test_invalid_auth_fetches_the_token_again_once(env: StandIn) -> None:
    handler.handler(sns_event(ALARM), Context())  # caches TOKEN
    env.secret_string = ROTATED_TOKEN
    env.slack_script.append(Reply(200, {"ok": False, "error": "invalid_auth"}))
    handler.handler(sns_event(ALARM), Context())

    assert len(env.secret_calls) == 2
    assert [p.headers["authorization"] for p in env.posts] == [f"Bearer {TOKEN}", f"Bearer {TOKEN}",
                                                              f"Bearer {ROTATED_TOKEN}"]


def test_invalid_auth_twice_is_raised(env: StandIn) -> None:
    env.slack_script.extend([Reply(200, {"ok": False, "error": "invalid_auth"})] * 2)
    with pytest.raises(NotDeliveredError, match="invalid_auth"):
        handler.handler(sns_event(ALARM), Context())

    assert len(env.secret_calls) == 2 and len(env.posts) == 2


def test_secret_as_json_with_a_token_key(env: StandIn) -> None:
    env.secret_string = json.dumps({"token": TOKEN, "signing_secret": "not-used"})
    handler.handler(sns_event(ALARM), Context())

    assert env.posts[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_secrets_manager_request_is_signed_get_secret_value(env: StandIn) -> None:
    handler.handler(sns_event(ALARM), Context())

    call = env.secret_calls[0]
    assert call.headers["x-amz-target"] == "secretsmanager.GetSecretValue"
    assert call.headers["content-type"] == "application/x-amz-json-1.1"
    assert call.headers["x-amz-security-token"] == SESSION_TOKEN
    assert call.json == {"SecretId": SECRET_ARN}
    amz_date = call.headers["x-amz-date"]
    assert abs(datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds() < 60
    authorization = call.headers["authorization"]
    assert authorization.startswith(
        f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{amz_date[:8]}/{REGION}/secretsmanager/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=")
    # The signature is the one botocore computes for exactly the request the stand-in received.
    expected = botocore_authorization(
        f"{env.url}/", {"Content-Type": call.headers["content-type"], "X-Amz-Target": call.headers["x-amz-target"]},
        call.body, amz_date, region=REGION)
    assert authorization == expected


def botocore_authorization(url: str, headers: dict[str, str], body: bytes, amz_date: str, region: str) -> str:
    frozen = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    request = AWSRequest(method="POST", url=url, headers=dict(headers), data=body)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("botocore.auth.get_current_datetime", lambda: frozen)
        SigV4Auth(BotoCredentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN), "secretsmanager", region).add_auth(request)
    return str(request.headers["Authorization"])


@pytest.mark.parametrize("url", [
    "https://secretsmanager.eu-central-1.amazonaws.com/",
    "https://secretsmanager.eu-central-1.amazonaws.com/some/path?b=2&a=1&a=0&empty=&sp%20ace=x%2Fy",
    "http://127.0.0.1:8443/",
])
def test_sigv4_matches_botocore(url: str) -> None:
    when = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.GetSecretValue"}
    body = json.dumps({"SecretId": SECRET_ARN}).encode()
    signed = sigv4.sign("POST", url, headers, body=body, service="secretsmanager", region=REGION,
                        credentials=sigv4.Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN), when=when)

    expected = botocore_authorization(url, headers, body, "20260314T092653Z", region=REGION)
    assert signed["Authorization"] == expected
    assert signed["X-Amz-Date"] == "20260314T092653Z"
    assert expected.startswith(f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260314/{REGION}/secretsmanager/aws4_request")


def test_sigv4_known_vector_without_botocore() -> None:
    # AWS's published example signing key for 20150830/us-east-1/iam pins the key derivation on its own.
    key = b"AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    for part in ("20150830", "us-east-1", "iam", "aws4_request"):
        key = sigv4._hmac(key, part)
    assert key.hex() == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"


def test_secret_not_found_is_raised_without_leaking(env: StandIn) -> None:
    env.secret_script.append(Reply(400, {"__type": "ResourceNotFoundException",
                                         "Message": "Secrets Manager can't find the specified secret."}))
    with pytest.raises(NotDeliveredError, match="ResourceNotFoundException") as raised:
        handler.handler(sns_event(ALARM), Context())

    assert env.posts == []
    assert len(env.secret_calls) == 1  # not retried
    assert SECRET_KEY not in str(raised.value)


def test_the_token_never_appears_in_logs_exceptions_or_results(env: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    outputs = [handler.handler(sns_event(ALARM), Context())]  # success
    env.slack_script.extend([
        Reply(500, {}),
        Reply(200, {"ok": False, "error": f"invalid_auth for {TOKEN}"}),  # a reply that echoes the token back
    ])
    with pytest.raises(NotDeliveredError) as raised:
        handler.handler(sns_event(ALARM), Context())
    token_secret.forget()
    env.secret_string = "not a token"
    with pytest.raises(NotDeliveredError) as malformed:
        handler.handler(sns_event(ALARM), Context())

    failures = [raised.value, malformed.value, raised.value.__cause__, malformed.value.__cause__]
    everything = caplog.text + json.dumps(outputs) + "".join(f"{e!s}{e!r}" for e in failures)
    assert "[redacted]" in str(raised.value)
    for secret in (TOKEN, "xoxb-", SECRET_KEY, SESSION_TOKEN, "not a token"):
        assert secret not in everything
    notifier_logs = [r for r in caplog.records if r.name == "slack_notifier"]
    assert {json.loads(r.getMessage())["event"] for r in notifier_logs} >= {"token_fetched", "posted", "retrying",
                                                                             "not_delivered"}


# --- the deployment package --------------------------------------------------------------------------------------


def build_package(directory: Path) -> Path:
    archive = directory / "slack_notifier.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as package:
        for source in sorted(SOURCE.glob("*.py")):
            package.write(source, f"slack_notifier/{source.name}")
    return archive


def test_deployment_package_is_small_and_standard_library_only(tmp_path: Path) -> None:
    archive = build_package(tmp_path)
    assert archive.stat().st_size < 50 * 1024
    allowed = set(sys.stdlib_module_names)
    for source in SOURCE.glob("*.py"):
        for line in source.read_text().splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] in ("import", "from") and not words[1].startswith("."):
                assert words[1].split(".")[0] in allowed | {"__future__"}, f"{source.name}: {line}"


def test_package_runs_as_lambda_loads_it(env: StandIn, tmp_path: Path) -> None:
    archive = build_package(tmp_path)
    script = (
        "import importlib, json, sys\n"
        f"sys.path[:0] = [{str(archive)!r}]\n"
        "module = importlib.import_module('slack_notifier.handler')\n"
        "class Context:\n    def get_remaining_time_in_millis(self): return 10000\n"
        "print(json.dumps(module.handler(json.loads(sys.stdin.read()), Context())))\n"
    )
    run = subprocess.run([sys.executable, "-I", "-c", script], input=json.dumps(sns_event(ALARM)), text=True,
                         capture_output=True, env=environment(env.url), timeout=30, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["posted"][0]["channel"] == "C0CRITICAL"
    assert len(env.posts) == 1 and len(env.secret_calls) == 1


def test_flat_package_fails_with_a_clear_message(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(SOURCE)!r}); import handler"],
                         capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode != 0
    assert "slack_notifier.handler.handler" in run.stderr


def test_blocks_truncate_never_cuts_an_escape_in_half() -> None:
    text = blocks.truncate("a" * 8 + "&amp;" + "b" * 10, 12)
    assert text == "a" * 8 + blocks.ELLIPSIS


def test_redaction_masks_registered_secrets_and_any_slack_token() -> None:
    logs.register_secret("s3cr3t-value-registered")
    assert logs.redact("a s3cr3t-value-registered b") == "a [redacted] b"
    assert logs.redact("Bearer xoxp-123-456-abcDEF and xapp-1") == "Bearer [redacted] and xapp-1"
