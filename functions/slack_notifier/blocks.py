"""Block Kit pieces within Slack's limits, and escaping for text that came from outside."""

from __future__ import annotations

import re
from datetime import UTC, datetime

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

    Block = dict[str, Any]

# Slack's documented limits for the blocks we use.
HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
FIELDS_MAX = 10
CONTEXT_ELEMENTS_MAX = 10
TEXT_MAX = 3000  # the plain fallback: Slack allows more, but notifications show only the start
ELLIPSIS = "…"

_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")


def escape(text: object) -> str:
    """Text from an event, safe in mrkdwn: no links, mentions or broadcasts can be smuggled in."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
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
    return f"<{url.replace('|', '%7C').replace('>', '%3E')}|{escape(label)}>"


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
