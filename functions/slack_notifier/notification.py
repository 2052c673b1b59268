"""What every message shares: the SNS envelope it came in, and one layout (what, where, since when, console link)."""

from __future__ import annotations

import re
from urllib.parse import quote

from . import blocks
from .blocks import escape

TYPE_CHECKING = False  # importing typing would add ~3 ms to every cold start; only mypy needs it
if TYPE_CHECKING:
    from typing import Any

    from .blocks import Block

URGENT_SEVERITIES = frozenset({"critical", "security"})
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")  # us-east-1, ap-northeast-2, us-gov-west-1


def region_of(arn: object) -> str:
    """The region field of an ARN, '' when there is none."""
    parts = str(arn or "").split(":")
    return parts[3] if len(parts) > 5 and parts[0] == "arn" else ""


def account_of(arn: object) -> str:
    parts = str(arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def mapping(value: object) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: events do not always have the fields they should."""
    return value if isinstance(value, dict) else {}


def console_url(service: str, region: str, fragment: str) -> str:
    """A link into the AWS console for `service` in `region`; `fragment` is the part after '#'.

    A region that is not a region name (AWS's own samples say "REGION") gets the console's global address.
    """
    region = region if _REGION.fullmatch(region or "") else ""
    host = f"{region}.console.aws.amazon.com" if region else "console.aws.amazon.com"
    query = f"?region={region}" if region else ""
    return f"https://{host}/{service}/home{query}#{fragment}"


def q(value: object) -> str:
    """A value quoted for use inside a console URL fragment."""
    return quote(str(value), safe="")


class Envelope:
    """One SNS record: its message text, the topic it came from and the severity that topic stands for."""

    __slots__ = ("account_names", "attributes", "message", "message_id", "severity", "subject", "timestamp", "topic_arn")

    def __init__(self, *, message: str, severity: str, topic_arn: str = "", subject: str = "", timestamp: str = "",
                 message_id: str = "", attributes: dict[str, str] | None = None,
                 account_names: dict[str, str] | None = None):
        self.message = message
        self.severity = severity
        self.topic_arn = topic_arn
        self.subject = subject
        self.timestamp = timestamp
        self.message_id = message_id
        self.attributes = attributes or {}  # SNS message attributes, name -> value
        self.account_names = account_names or {}  # AWS account ID -> the name shown in messages

    @property
    def topic_name(self) -> str:
        return self.topic_arn.rsplit(":", 1)[-1]

    @property
    def region(self) -> str:
        return region_of(self.topic_arn)

    @property
    def account(self) -> str:
        return account_of(self.topic_arn)

    def where(self, account: object, region: object) -> str:
        """'account *ops* `123456789012` · `eu-central-1`': the place an event happened."""
        account_id = str(account or self.account or "unknown")
        name = self.account_names.get(account_id)
        label = f"account *{escape(name)}* `{escape(account_id)}`" if name else f"account `{escape(account_id)}`"
        return f"{label} · `{escape(region or self.region or 'unknown region')}`"


class Notification:
    """A Slack message before it has a channel: its kind (for logs), plain fallback text and blocks."""

    __slots__ = ("blocks", "kind", "text")

    def __init__(self, kind: str, text: str, blocks: list[Block]):
        self.kind = kind
        self.text = text
        self.blocks = blocks

    def payload(self, channel: str) -> dict[str, Any]:
        return {"channel": channel, "text": self.text, "blocks": self.blocks,
                "unfurl_links": False, "unfurl_media": False}


class Origin:
    """What reported an event, in which account and region, and since when: a message's context line."""

    __slots__ = ("account", "region", "since", "source")

    def __init__(self, *, source: str, account: object, region: object, since: object) -> None:
        self.source, self.account, self.region, self.since = source, account, region, since


def compose(kind: str, envelope: Envelope, *, title: str, summary: str, origin: Origin, url: str,
            fields: list[tuple[str, str]] | None = None, urgent: bool = False, text: str | None = None) -> Notification:
    """The house layout: header (what), section (details), context (source, where, since when, console link).

    `summary`, `fields` and `text` (a shorter summary for the plain fallback) are mrkdwn and must already be
    escaped; `title` is plain text.
    """
    place = envelope.where(origin.account, origin.region)
    moment = blocks.when(origin.since)
    mention = "<!here> " if urgent else ""
    layout = [
        blocks.header(title),
        blocks.section(mention + summary, fields),
        blocks.context(f"*{escape(origin.source)}* · {envelope.severity}", place, f"since {moment}",
                       blocks.link(url, "Open in the AWS console")),
    ]
    fallback = f"{mention}{escape(title)}: {text or summary} ({place}, since {moment})"
    return Notification(kind, blocks.truncate(fallback, blocks.TEXT_MAX), layout)
