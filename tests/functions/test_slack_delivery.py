"""The Slack notifier's delivery: retries, permanent failures, its time budget and its configuration (against a
loopback stand-in for Slack's Web API)."""

from __future__ import annotations

import json
import re

import pytest

from functions.slack_notifier import handler, retry
from functions.slack_notifier.handler import NotDeliveredError
from functions.slack_notifier.slack_api import SlackRejectedError

from .notifier_samples import ALARM, GUARDDUTY, SECURITY_TOPIC, SES_BOUNCE, WARNING_TOPIC, sns_event
from .slack_stand_in import Context, FakeClock, Reply, StandIn, only_post


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
