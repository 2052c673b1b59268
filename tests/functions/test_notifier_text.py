"""No content of an event can stop its delivery: malformed text is replaced, long text cut as Slack counts it,
links kept whole."""

from __future__ import annotations

import json
import logging
import re

import pytest

from functions.slack_notifier import blocks, handler, logs

from .published import manifest
from .slack_stand_in import Context, Reply, StandIn, assert_within_slack_limits, slack_length, texts

CUT_EMOJI = "\\ud83d"  # as JSON text: the first half of 😀 (\ud83d\ude00), what a producer emits cutting mid-emoji


def _alarm_with(description_json: str) -> dict[str, object]:
    """AWS's published alarm, its AlarmDescription replaced by `description_json` (JSON string content)."""
    sample = manifest()["cloudwatch/alarm-single-metric.json"]
    event = sample.sns_event()
    message = event["Records"][0]["Sns"]["Message"]  # type: ignore[index]
    event["Records"][0]["Sns"]["Message"] = message.replace('"AlarmDescription": "EXAMPLE"',  # type: ignore[index]
                                                            f'"AlarmDescription": "{description_json}"')
    return event


def test_an_unpaired_surrogate_is_replaced_and_the_alarm_is_posted(env: StandIn) -> None:
    result = handler.handler(_alarm_with(f"web 5xx {CUT_EMOJI} rising"), Context())

    assert result["posted"][0]["kind"] == "cloudwatch_alarm"
    [post] = env.posts
    assert_within_slack_limits(post.json)
    assert "web 5xx \ufffd rising" in texts(post.json)


def test_the_plain_text_fallback_is_clean_too(env: StandIn) -> None:
    env.slack_script.append(Reply(200, {"ok": False, "error": "invalid_blocks"}))
    handler.handler(_alarm_with(f"{CUT_EMOJI}{CUT_EMOJI} x"), Context())

    fallback = env.posts[-1].json
    assert "blocks" not in fallback and "\ufffd\ufffd x" in fallback["text"]


def test_control_characters_are_replaced_but_lines_and_tabs_kept() -> None:
    assert blocks.clean("a\x00b\x1bc\td\ne\x7f") == "a\ufffdb\ufffdc\td\ne\ufffd"


def test_a_log_line_with_a_lone_surrogate_is_written(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="slack_notifier"):
        logs.log(logging.INFO, "posted", note="cut \ud83d here")
    [record] = [r for r in caplog.records if r.name == "slack_notifier"]
    assert json.loads(record.getMessage())["note"] == "cut \ufffd here"
    record.getMessage().encode("utf-8")


def test_long_text_is_cut_as_slack_counts_it(env: StandIn) -> None:
    handler.handler(_alarm_with("😀" * 4000), Context())

    [post] = env.posts
    assert_within_slack_limits(post.json)  # UTF-16 units: 4000 emoji are 8000, cut below 3000
    section = post.json["blocks"][1]["text"]["text"]
    assert 2990 <= slack_length(section) <= 3000 and section.endswith(blocks.ELLIPSIS)


def test_a_cut_never_falls_inside_a_link_or_an_escape() -> None:
    link = blocks.link("https://us-east-1.console.aws.amazon.com/backup/home?region=us-east-1#/jobs", "Open")
    for filler in range(2950, 3001):
        for text in ("a" * filler + " " + link + " after", "a" * filler + "&amp;" + link):
            cut = blocks.truncate(text, 3000)
            assert slack_length(cut) <= 3000
            assert link in cut or "<" not in cut  # the link is whole or left out
            assert not re.search(r"&[a-z]{0,3}…$", cut)  # no escape cut in half
    assert blocks.truncate("x" * 100 + link, 3000).endswith(link)


def test_a_header_of_emoji_fits_150_units() -> None:
    header = blocks.header("🔥" * 200)
    assert slack_length(header["text"]["text"]) == 149  # 74 emoji (148 units) and the ellipsis
