"""The architecture diagram (SVG) of one inventory document: the organization, the Transit Gateway hub with one
column per route table (the VPCs associated with it below, dev and prod in columns apart), Direct Connect to
on-premises, and the alert path from every account's topics through the notifiers to Slack.

`render(document)` returns the SVG text; `python -m preview.diagram INVENTORY.json OUT.svg` writes it. Accounts past
`PANELS` (or two to a column) get a one-line summary instead of a panel, so a 100-account organization stays readable.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import drawsvg as dw

from aws_facts.accounts import MANAGEMENT
from preview.architecture import DIRECT_CONNECT, Account, Architecture, DirectConnect, RouteTable
from preview.architecture_reader import read
from preview.drawing import FONT, INK, MUTED, Block, arrow_marker, attribute, block, box, label, place, text_width, wrap
from preview.vpc_panel import (
    SEGMENT_COLORS,
    SERVICE_COLORS,
    TIER_FILL,
    panel,
    panel_width,
    segment_color,
    summary,
    summary_width,
)

PANELS = 8  # accounts drawn in full; the others with a VPC get one line each
PANELS_PER_COLUMN = 2
MARGIN = 24
GAP = 24
TRUNK = 22  # room left of a column's panels for the line to its route table
TABLE_WIDTH = 250
DIRECT_CONNECT_WIDTH = 310
SEGMENT_ORDER = {"dev": 0, "shared": 1, "prod": 2, "on-premises": 4}


@dataclass
class Column:
    segment: str
    table: RouteTable | None
    accounts: list[Account] = field(default_factory=list)
    direct_connect: DirectConnect | None = None

    @property
    def width(self) -> float:
        panels = [TRUNK + panel_width(a) for a in self.accounts]
        return max([TABLE_WIDTH, DIRECT_CONNECT_WIDTH if self.direct_connect else 0, *panels])


def render(document: dict[str, Any]) -> str:
    """The diagram of `document` (an inventory, docs/inventory.md) as an SVG element, without an XML header."""
    return svg(read(document))


def svg(architecture: Architecture) -> str:
    return str(draw(architecture).as_svg(header=""))


def draw(architecture: Architecture) -> dw.Drawing:
    columns, summarized = _columns(architecture)
    network_width = sum(c.width for c in columns) + GAP * max(len(columns) - 1, 0)
    width = max(network_width, 1000.0)
    parts = [_title(architecture, width), _organization(architecture, width), _network(architecture, columns, width)]
    if summarized:
        parts.append(_summaries(summarized, width))
    parts += [_alerts(architecture, width), _legend(width)]
    height = sum(part.height for part in parts) + GAP * (len(parts) - 1) + 2 * MARGIN
    drawing = dw.Drawing(width + 2 * MARGIN, height, font_family=FONT, role="img",
                         aria_label=attribute(f"Architecture of {architecture.project}/{architecture.stack}"))
    drawing.append(dw.Rectangle(0, 0, width + 2 * MARGIN, height, fill="#ffffff"))
    y = float(MARGIN)
    for part in parts:
        place(drawing, part, MARGIN, y=y)
        y += part.height + GAP
    return drawing


def _columns(architecture: Architecture) -> tuple[list[Column], list[Account]]:
    """One column per route table (or VPC segment without a hub) with its accounts' panels, and the accounts left
    to a one-line summary: at most `PANELS_PER_COLUMN` panels a column, accounts with workloads first."""
    hub_account = architecture.hub.account if architecture.hub else None
    candidates = [a for a in architecture.accounts.values() if a.vpc or a.workloads]
    ranked = sorted(candidates, key=lambda a: (not a.workloads, a.name != hub_account))
    columns: dict[str, Column] = {}
    for table in architecture.hub.route_tables if architecture.hub else []:
        columns.setdefault(table.segment, Column(table.segment, table))
    home: dict[str, Column] = {}
    for account in ranked:
        column = next((c for c in columns.values() if c.table and account.name in c.table.associations), None)
        if column is None:
            segment = (account.vpc.segment if account.vpc else None) or "not attached"
            column = columns.setdefault(segment, Column(segment, None))
        home[account.name] = column
    order = {a.name: index for index, a in enumerate(candidates)}
    summarized = []
    for account in ranked:
        column = home[account.name]
        if len(column.accounts) < PANELS_PER_COLUMN and sum(len(c.accounts) for c in columns.values()) < PANELS:
            column.accounts.append(account)
        else:
            summarized.append(account)
    for column in columns.values():
        column.accounts.sort(key=lambda a: order[a.name])
    summarized.sort(key=lambda a: order[a.name])
    connect = architecture.direct_connect
    if connect is not None:
        dx_home = next((c for c in columns.values() if c.table and DIRECT_CONNECT in c.table.associations), None)
        dx_home = dx_home or columns.setdefault("on-premises", Column("on-premises", None))
        dx_home.direct_connect = connect
    return sorted(columns.values(), key=lambda c: (SEGMENT_ORDER.get(c.segment, 3), c.segment)), summarized


def _title(architecture: Architecture, width: float) -> Block:
    result = block(width, 44)
    label(result.group, f"{architecture.project} / {architecture.stack}", 0, y=22, size=20, weight="bold", width=width)
    members = len(architecture.accounts)
    facts = (f"{members} accounts · {architecture.resources} resources · region {architecture.region or '?'} · "
             "drawn from the offline preview's inventory")
    label(result.group, facts, 0, y=40, size=12, fill=MUTED, width=width)
    return result


def _organization(architecture: Architecture, width: float) -> Block:
    """The organization: the management account, then each OU with its accounts as chips."""
    chips: dict[str, list[tuple[str, str]]] = {}
    for unit, members in architecture.units.items():
        accounts = [architecture.accounts[n] for n in members]
        chips[unit] = [(a.name, segment_color(a.vpc.segment) if a.vpc else "#6b7280") for a in accounts]
    chip_width = max([text_width(n, 11) + 16 for names in chips.values() for n, _ in names] + [60.0])
    unit_boxes: list[Block] = []
    for unit, names in chips.items():
        per_row = max(int((width - 40) // (chip_width + 6)), 1)
        columns = min(len(names), per_row) or 1
        unit_width = max(columns * (chip_width + 6) + 14, text_width(f"OU {unit}", 12) + 24)
        rows = (len(names) + per_row - 1) // per_row
        unit_block = block(unit_width, 30 + rows * 24, class_="unit")
        box(unit_block.group, 0, 0, width=unit_width, height=unit_block.height, fill="#f8fafc", stroke="#9aa5b1")
        label(unit_block.group, f"OU {unit}", 8, y=17, size=12, weight="bold", fill=MUTED)
        for index, (name, color) in enumerate(names):
            chip_x = 8 + (index % per_row) * (chip_width + 6)
            chip_y = 26 + (index // per_row) * 24
            chip_group = dw.Group(data_account=attribute(name), class_="account-chip")
            box(chip_group, chip_x, chip_y, width=chip_width, height=19, fill="#ffffff", stroke=color, radius=4)
            chip_group.append(dw.Rectangle(chip_x, chip_y, 5, 19, fill=color, rx=2))
            label(chip_group, name, chip_x + 10, y=chip_y + 14, size=11, width=chip_width - 12)
            unit_block.group.append(chip_group)
        unit_boxes.append(unit_block)
    # Lay the OUs out left to right, wrapping onto new rows.
    positions: list[tuple[float, float]] = []
    x, y, row_height = 0.0, 52.0, 0.0
    for unit_block in unit_boxes:
        if x and x + unit_block.width > width - 20:
            x, y, row_height = 0.0, y + row_height + 10, 0.0
        positions.append((x + 10, y))
        x += unit_block.width + 12
        row_height = max(row_height, unit_block.height)
    height = y + row_height + 12
    result = block(width, height, class_="organization")
    box(result.group, 0, 0, width=width, height=height, fill="#ffffff", stroke=INK, radius=8)
    label(result.group, f"AWS Organization {architecture.organization_id or ''}", 12, y=20, size=14, weight="bold")
    management = architecture.accounts.get(MANAGEMENT)
    management_text = (f"management account: {management.resources} resources (organization, SCPs, identity, "
                       "organization trail)") if management else ""
    management_group = dw.Group(data_account=MANAGEMENT, class_="account-chip")
    label(management_group, management_text, 12, y=40, size=11, fill=MUTED, width=width - 24)
    result.group.append(management_group)
    for unit_block, (unit_x, unit_y) in zip(unit_boxes, positions, strict=True):
        place(result.group, unit_block, unit_x, y=unit_y)
    return result


def _table_lines(table: RouteTable, tables: list[RouteTable], width: float) -> list[tuple[str, str]]:
    lines = [(INK, line) for line in wrap(table.associations, width - 90, 11, max_lines=2)]
    if lines:
        lines[0] = (INK, "associated: " + lines[0][1])
    reach = table.propagations + [f"{cidr} via {way}" for cidr, way in table.static_routes]
    for index, line in enumerate(wrap(reach, width - 90, 11, max_lines=3)):
        lines.append((INK, ("routes to: " if index == 0 else "") + line))
    reachable = set(table.propagations) | {way for _, way in table.static_routes}
    apart = [t.segment for t in tables if t is not table and t.associations and not set(t.associations) & reachable]
    if apart:
        lines.append(("#b91c1c", "no route to: " + ", ".join(apart)))
    return lines


def _network(architecture: Architecture, columns: list[Column], width: float) -> Block:
    hub = architecture.hub
    tables = hub.route_tables if hub else []
    table_heights = [32 + 15 * len(_table_lines(c.table, tables, c.width)) if c.table else 0 for c in columns]
    table_height = max([*table_heights, 0])
    hub_top = 30 if hub else 0
    panels_top = hub_top + table_height + (24 if hub else 0)
    column_heights = []
    for column in columns:
        stacked = sum(panel(a).height + 16 for a in column.accounts)
        column_heights.append(stacked + (_direct_connect(column)[1] if column.direct_connect else 0))
    height = panels_top + max([*column_heights, 0])
    result = block(width, height, class_="network")
    group = result.group
    if hub:
        box(group, -10, 0, width=width + 20, height=hub_top + table_height + 10, fill="#f5f3ff", stroke="#6d28d9", radius=8)
        label(group, f"Transit Gateway {hub.name} · account {hub.account or '?'} · ASN {hub.asn}", 12, y=20, size=14,
              weight="bold", fill="#4c1d95", width=width - 24)
    x = 0.0
    for column in columns:
        color = segment_color(column.segment)
        if column.table:
            _route_table(group, column, tables, x=x, y=hub_top, height=table_height - 6, color=color)
        y = float(panels_top)
        for account in column.accounts:
            drawn = panel(account)
            place(group, drawn, x + TRUNK, y=y)
            if column.table:
                group.append(dw.Lines(x + 10, hub_top + table_height - 6, x + 10, y + 12, x + TRUNK, y + 12,
                                      fill="none", stroke=color, stroke_width=2.5))
            y += drawn.height + 16
        if column.direct_connect:
            chain, _ = _direct_connect(column)
            if column.table:
                group.append(dw.Line(x + chain.width / 2, hub_top + table_height - 6, x + chain.width / 2, y,
                                     stroke=SEGMENT_COLORS["on-premises"], stroke_width=2.5, stroke_dasharray="6 3"))
            place(group, chain, x, y=y)
        x += column.width + GAP
    return result


def _route_table(group: dw.Group, column: Column, tables: list[RouteTable], *, x: float, y: float, height: float,
                 color: str) -> None:
    assert column.table is not None
    width = column.width
    table_group = dw.Group(class_="route-table", data_segment=attribute(column.segment))
    box(table_group, x, y, width=width, height=height, fill="#ffffff", stroke=color)
    table_group.append(dw.Rectangle(x, y, width, 22, rx=6, fill=color))
    label(table_group, f"route table · {column.segment}", x + 8, y=y + 16, size=12, weight="bold", fill="#ffffff",
          width=width - 16)
    for index, (fill, line) in enumerate(_table_lines(column.table, tables, width)):
        label(table_group, line, x + 8, y=y + 38 + index * 15, size=11, fill=fill, width=width - 16)
    group.append(table_group)


def _direct_connect(column: Column) -> tuple[Block, float]:
    """Direct Connect gateway, transit virtual interface and on-premises, stacked; the block and its height."""
    connect = column.direct_connect
    assert connect is not None
    color = SEGMENT_COLORS["on-premises"]
    width = DIRECT_CONNECT_WIDTH
    steps = [
        (f"Direct Connect gateway {connect.gateway}",
         wrap(f"ASN {connect.asn} · allows {', '.join(connect.advertised)}".split(" "), width - 16, 11, max_lines=3,
              separator=" ")),
        (f"transit VIF · VLAN {connect.vlan}", [connect.connection or "no connection",
                                               f"customer BGP ASN {connect.customer_asn}"]),
        ("on-premises", wrap(connect.on_premises, width - 16, 11, max_lines=3) or ["no prefixes routed"]),
    ]
    heights = [24 + 14 * len(lines) for _, lines in steps]
    result = block(width, sum(heights) + 18 * (len(steps) - 1) + 16, class_="direct-connect")
    top = 0.0
    for index, ((title, lines), height) in enumerate(zip(steps, heights, strict=True)):
        box(result.group, 0, top, width=width, height=height, fill="#f5f3ff" if index < 2 else "#ede9fe", stroke=color,
            dash="5 3" if index == 2 else None)
        label(result.group, title, 8, y=top + 17, size=12, weight="bold", fill="#4c1d95", width=width - 16)
        for number, line in enumerate(lines):
            label(result.group, line, 8, y=top + 32 + number * 14, size=11, width=width - 16)
        if index < len(steps) - 1:
            result.group.append(dw.Line(width / 2, top + height, width / 2, top + height + 18, stroke=color,
                                        stroke_width=2.5))
        top += height + 18
    return result, result.height


def _summaries(accounts: list[Account], width: float) -> Block:
    per_row = max(int((width - 20) // (summary_width() + 8)), 1)
    rows = (len(accounts) + per_row - 1) // per_row
    result = block(width, 34 + rows * 26, class_="summaries")
    box(result.group, 0, 0, width=width, height=result.height, fill="#f8fafc", stroke="#9aa5b1", radius=8)
    label(result.group, f"{len(accounts)} more accounts, one line each (CIDR, AZs, NAT gateways)", 12, y=20, size=13,
          weight="bold", fill=MUTED)
    for index, account in enumerate(accounts):
        place(result.group, summary(account), 10 + (index % per_row) * (summary_width() + 8), y=30 + (index // per_row) * 26)
    return result


def _alerts(architecture: Architecture, width: float) -> Block:
    """Per notifier: the accounts whose topics feed it -> the Lambda function -> its Slack channels."""
    notifiers = architecture.notifiers
    row = 84
    result = block(width, 34 + max(len(notifiers), 1) * row, class_="alerts")
    group = result.group
    color = SERVICE_COLORS["alerts"]
    box(group, 0, 0, width=width, height=result.height, fill="#fff7f7", stroke=color, radius=8)
    label(group, "Alerts: CloudWatch alarms → SNS topics → Lambda notifier → Slack", 12, y=20, size=14, weight="bold",
          fill="#7f1d1d")
    if not notifiers:
        label(group, "no notifier: the stack sends alerts nowhere", 12, y=50, size=12, fill=MUTED)
    third = min((width - 80) / 3, 460)
    arrow = arrow_marker(color)
    for index, notifier in enumerate(notifiers):
        top = 32 + index * row
        cells = [
            (f"SNS alert topics of {len(notifier.sources)} account{'s' * (len(notifier.sources) != 1)}",
             wrap(notifier.sources, third - 16, 11, max_lines=3)),
            (f"λ {notifier.function}", [f"account {notifier.account or '?'}"]
             + ([f"its own alarms e-mail {notifier.fallback_emails} address"
                 f"{'es' * (notifier.fallback_emails != 1)}"] if notifier.fallback_emails else [])),
            ("Slack", wrap([f"#{c}" for c in notifier.channels], third - 16, 11, max_lines=3) or ["no channels"]),
        ]
        for position, (title, lines) in enumerate(cells):
            x = 12 + position * (third + 28)
            box(group, x, top, width=third, height=row - 12, fill="#ffffff", stroke=color)
            label(group, title, x + 8, y=top + 17, size=12, weight="bold", width=third - 16)
            for number, line in enumerate(lines[:3]):
                label(group, line, x + 8, y=top + 33 + number * 14, size=11, fill=INK, width=third - 16)
            if position < 2:
                group.append(dw.Line(x + third + 2, top + (row - 12) / 2, x + third + 20, top + (row - 12) / 2,
                                     stroke=color, stroke_width=2, marker_end=arrow))
    return result


def _legend(width: float) -> Block:
    result = block(width, 22, class_="legend")
    x = 0.0
    entries = [(TIER_FILL[t], f"{t} subnets", "#c3cad3") for t in ("public", "app", "data")]
    entries += [(segment_color(s), f"segment {s}", segment_color(s)) for s in ("dev", "shared", "prod", "on-premises")]
    for fill, text, stroke in entries:
        box(result.group, x, 4, width=14, height=14, fill=fill, stroke=stroke, radius=3)
        label(result.group, text, x + 19, y=16, size=11, fill=MUTED)
        x += 30 + text_width(text, 11)
    label(result.group, "a line joins each VPC to the route table its attachment uses",
          x + 10, y=16, size=11, fill=MUTED, width=max(width - x - 10, 0))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preview.diagram", description="Draw an inventory as SVG.")
    parser.add_argument("inventory", type=Path, help="an inventory written by `python -m preview STACK --json`")
    parser.add_argument("svg", type=Path, help="where to write the SVG")
    args = parser.parse_args(argv)
    args.svg.parent.mkdir(parents=True, exist_ok=True)
    args.svg.write_text(render(json.loads(args.inventory.read_text())) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
