"""AWS's published sample events (tests/functions/samples/) and the ways AWS delivers them to our functions."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SAMPLES = Path(__file__).parent / "samples"
# An alert topic of the program in a place the samples never name, so a message that shows it shows the wrong place.
TOPIC_ACCOUNT = "999988887777"
TOPIC_REGION = "ap-northeast-2"


def topic_arn(severity: str) -> str:
    return f"arn:aws:sns:{TOPIC_REGION}:{TOPIC_ACCOUNT}:shop-ops-alerts-{severity}"


@dataclass(frozen=True)
class Sample:
    """One published sample and what the manifest says our handlers make of it."""

    path: str
    source: list[str]
    delivered: str
    handlers: list[str]
    topic: str = "warning"
    kind: str = ""
    urgent: bool = False
    shows: list[str] = field(default_factory=list)
    hides: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def body(self) -> Any:
        """The sample as published (a fresh copy)."""
        return copy.deepcopy(_load(self.path))

    def sns_event(self, severity: str | None = None, body: Any = None) -> dict[str, Any]:
        """The Lambda event of the notifier: the sample as its topic delivers it, on our alert topic of `severity`."""
        body = self.body if body is None else body
        topic = topic_arn(severity or self.topic)
        if self.delivered == "lambda":
            for record in body["Records"]:
                record["Sns"]["TopicArn"] = topic
            return dict(body)
        # EventBridge's and SES's SNS targets publish the event or record as the notification's Message.
        return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "Sns": {
            "Type": "Notification", "MessageId": "sample", "TopicArn": topic, "Subject": None,
            "Message": json.dumps(body), "Timestamp": "2026-03-14T09:27:00.000Z", "MessageAttributes": {}}}]}


@cache
def _load(path: str) -> Any:
    return json.loads((SAMPLES / path).read_text())


@cache
def manifest() -> dict[str, Sample]:
    entries = yaml.safe_load((SAMPLES / "manifest.yaml").read_text())
    samples = {}
    for path, entry in entries.items():
        source = entry.pop("source")
        handlers = entry.pop("handler")
        samples[path] = Sample(path=path, source=source if isinstance(source, list) else [source],
                               handlers=handlers if isinstance(handlers, list) else [handlers], **entry)
    return samples


def for_handler(name: str) -> list[Sample]:
    return [sample for sample in manifest().values() if name in sample.handlers]


def eventbridge_samples() -> list[Sample]:
    return [sample for sample in manifest().values() if sample.delivered == "eventbridge"]
