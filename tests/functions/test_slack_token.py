"""The Slack notifier's token: read from Secrets Manager with a SigV4-signed request, cached, fetched again once
when refused, and never shown in logs, exceptions or results."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from functions.slack_notifier import handler, logs, sigv4, token_secret
from functions.slack_notifier.handler import NotDeliveredError

from .notifier_samples import (
    ACCESS_KEY,
    ALARM,
    REGION,
    ROTATED_TOKEN,
    SECRET_ARN,
    SECRET_KEY,
    SESSION_TOKEN,
    TOKEN,
    WARNING_TOPIC,
    sns_event,
)
from .slack_stand_in import Context, FakeClock, Reply, StandIn


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


def test_redaction_masks_registered_secrets_and_any_slack_token() -> None:
    logs.register_secret("s3cr3t-value-registered")
    assert logs.redact("a s3cr3t-value-registered b") == "a [redacted] b"
    assert logs.redact("Bearer xoxp-123-456-abcDEF and xapp-1") == "Bearer [redacted] and xapp-1"
