"""Block Kit pieces within Slack's limits, and text from outside made safe to post.

Slack's documented limits for what we send (docs.slack.dev/reference/block-kit/blocks/header-block,
.../section-block, .../context-block; docs.slack.dev/reference/methods/chat.postMessage#truncating):
header text 150 characters, section text 3000, at most 10 section fields of 2000 each, at most 10 context
elements, the message `text` truncated by Slack beyond 40,000 (we keep the fallback far shorter).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

    Block = dict[str, Any]

HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
FIELDS_MAX = 10
CONTEXT_ELEMENTS_MAX = 10
TEXT_MAX = 3000  # the plain fallback: Slack allows more, but notifications show only the start
ELLIPSIS = "…"
REPLACEMENT = "\ufffd"

_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
# Lone surrogates (a producer cut "\ud83d\ude00" in half) cannot be encoded as UTF-8, and control characters
# other than tab and newline have no place in a chat message: both become U+FFFD.
_UNSENDABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def clean(text: object) -> str:
    """`text` as a string that encodes as UTF-8: lone surrogates and control characters replaced by U+FFFD."""
    return _UNSENDABLE.sub(REPLACEMENT, str(text))


def slack_length(text: str) -> int:
    """The length Slack's limits apply to, counted in UTF-16 code units.

    Slack does not document whether it counts code points or UTF-16 units (as JavaScript does: an emoji is 2);
    UTF-16 units are never fewer, so text measured this way fits either count.
    """
    return len(text) + len(_ASTRAL.findall(text))


def escape(text: object) -> str:
    """Text from an event, safe in mrkdwn: no links, mentions or broadcasts can be smuggled in."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """`text` cleaned and, when longer than `limit` (as Slack counts), cut with an ellipsis.

    The cut never splits an escape (`&amp;`) or a `<...>` token (a link, a mention, a date), so a link is
    either whole or left out.
    """
    text = clean(text)
    if slack_length(text) <= limit:
        return text
    end, budget = 0, limit - len(ELLIPSIS)
    for character in text:
        budget -= 2 if character >= "\U00010000" else 1
        if budget < 0:
            break
        end += 1
    cut = text[:end]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    return _PARTIAL_ENTITY.sub("", cut) + ELLIPSIS


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, HEADER_MAX) or "-", "emoji": True}}


def section(text: str, fields: list[tuple[str, str]] | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_MAX) or "-"}}
    if fields:
        block["fields"] = [{"type": "mrkdwn", "text": truncate(f"*{label}*\n{value or '-'}", FIELD_MAX)}
                           for label, value in fields[:FIELDS_MAX]]
    return block


def context(*elements: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(element, SECTION_MAX)}
                                            for element in elements[:CONTEXT_ELEMENTS_MAX] if element]}


def code(text: str, limit: int = SECTION_MAX) -> str:
    fence = "```"
    return fence + truncate(escape(text), limit - 2 * len(fence)) + fence


def link(url: str, label: str) -> str:
    return f"<{clean(url).replace('|', '%7C').replace('>', '%3E')}|{escape(label)}>"


def parse_time(value: object) -> datetime | None:
    """ISO 8601 as AWS writes it ('2024-05-01T12:00:00Z', '...000+0000'); naive times are taken as UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def when(value: object) -> str:
    """A time Slack shows in each reader's own time zone, with a UTC fallback; the raw value if unparsable."""
    moment = parse_time(value)
    if moment is None:
        return escape(value) if value else "unknown time"
    utc = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{utc}>"
