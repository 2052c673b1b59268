"""Typed CloudWatch dashboard widgets; a dashboard serializes its widgets' `as_input()` once, with json.dumps.

Metrics carry their `accountId`, so a dashboard in the monitoring account shows every account's metrics
(the OAM links share them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi


@dataclass(frozen=True)
class MetricLine:
    """One metric on a graph, read from `account_id` through the observability link."""

    namespace: str
    metric_name: str
    dimensions: Mapping[str, pulumi.Input[str]]
    account_id: pulumi.Input[str]
    stat: str
    id: str | None = None
    label: str | None = None
    visible: bool = True

    def as_input(self) -> list[Any]:
        options: dict[str, Any] = {"accountId": self.account_id, "stat": self.stat}
        if self.id:
            options["id"] = self.id
        if self.label:
            options["label"] = self.label
        if not self.visible:
            options["visible"] = False
        line: list[Any] = [self.namespace, self.metric_name]
        for key, value in self.dimensions.items():
            line += [key, value]
        return [*line, options]


@dataclass(frozen=True)
class ExpressionLine:
    """A metric-math line over the MetricLines with ids, e.g. a rate."""

    expression: str
    id: str
    label: str

    def as_input(self) -> list[Any]:
        return [{"expression": self.expression, "id": self.id, "label": self.label}]


@dataclass(frozen=True)
class MetricWidget:
    """A graph of one alarm's metric, with the alarm threshold drawn as a horizontal line."""

    title: str
    region: str
    period: int
    lines: Sequence[MetricLine | ExpressionLine]
    threshold: float | None = None
    width: int = 8
    height: int = 6

    def as_input(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "title": self.title,
            "region": self.region,
            "period": self.period,
            "view": "timeSeries",
            "stacked": False,
            "metrics": [line.as_input() for line in self.lines],
        }
        if self.threshold is not None:
            properties["annotations"] = {"horizontal": [{"label": "alarm", "value": self.threshold}]}
        return {"type": "metric", "width": self.width, "height": self.height, "properties": properties}


@dataclass(frozen=True)
class TextWidget:
    """A heading above one watched service's graphs."""

    markdown: str
    width: int = 24
    height: int = 1

    def as_input(self) -> dict[str, Any]:
        return {"type": "text", "width": self.width, "height": self.height, "properties": {"markdown": self.markdown}}


Widget = MetricWidget | TextWidget


@dataclass
class WidgetGroup:
    """The widgets one `watch()` registered: a heading, then one graph per alarm."""

    kind: str
    name: str
    account: str
    widgets: list[Widget] = field(default_factory=list)
