"""One account's panel in the diagram: its VPC as a grid (AZs as columns, public/app/data tiers as rows, the
subnet CIDRs, the NAT gateways and the data tier placed in the AZ they live in), then its regional services and
where its alerts go. Also the one-line summary an account gets when the diagram has too many to draw in full."""

from __future__ import annotations

import drawsvg as dw

from preview.architecture import TIERS, Account, Vpc, Workloads
from preview.drawing import MUTED, Block, attribute, block, box, chip, fit, label, text_width, wrap

TIER_FILL = {"public": "#e3f4e6", "app": "#e6eefb", "data": "#fcefe1"}
SEGMENT_COLORS = {"dev": "#1d63c6", "prod": "#c2410c", "shared": "#4b5563", "on-premises": "#7c3aed"}
OTHER_SEGMENT = "#0f766e"
SERVICE_COLORS = {
    "nat": "#1e7b34", "balancer": "#5b6b1f", "web": "#b45309", "aurora": "#2f3fb8", "search": "#0b7285",
    "stream": "#6d28d9", "lambda": "#c05621", "email": "#be185d", "backup": "#3f6212", "alerts": "#b91c1c",
}
TIER_LABEL = 52  # width of the tier names' column
ZONE = 148  # width of one AZ column
PAD = 10
LINE = 15
TIMES = " \u00d7 "  # multiplication sign
TO = "\u2013"  # en dash of a range
BOLD = 1.15  # bold glyphs run about this much wider


def segment_color(segment: str | None) -> str:
    return SEGMENT_COLORS.get(segment or "", OTHER_SEGMENT)


def panel_width(account: Account) -> float:
    zones = len(account.vpc.zones) if account.vpc else 2
    return PAD * 2 + TIER_LABEL + ZONE * max(zones, 2)


def _cell_chips(vpc: Vpc, workloads: Workloads, tier: str, *, zone: str) -> list[tuple[str, str]]:
    chips: list[tuple[str, str]] = []
    if tier == "public":
        chips += [("NAT gateway", SERVICE_COLORS["nat"])] * vpc.nat_zones.count(zone)
        if workloads.web and zone in workloads.web.load_balancer_zones:
            chips.append(("load balancer", SERVICE_COLORS["balancer"]))
    elif tier == "app":
        if workloads.web and zone in workloads.web.instance_zones:
            chips.append(("web instances", SERVICE_COLORS["web"]))
    elif tier == "data":
        if workloads.database:
            chips += [(f"Aurora {i.role}", SERVICE_COLORS["aurora"]) for i in workloads.database.instances
                      if i.availability_zone == zone]
        search = workloads.search
        if search and zone in search.zones:
            position = search.zones.index(zone)
            nodes = search.instance_count // len(search.zones) + (position < search.instance_count % len(search.zones))
            chips.append((f"OpenSearch{TIMES}{nodes}", SERVICE_COLORS["search"]))
    return chips


def _service_lines(account: Account) -> list[tuple[str, str]]:
    """(colour, text) per regional service of the account, then its alert path."""
    work = account.workloads
    lines: list[tuple[str, str]] = []
    if work.database:
        readers = [i for i in work.database.instances if i.role == "reader"]
        lines.append((SERVICE_COLORS["aurora"], f"Aurora {work.database.identifier} ({work.database.engine}): "
                      f"writer + {len(readers)} reader{'s' * (len(readers) != 1)}, "
                      f"{work.database.instances[0].instance_class if work.database.instances else '?'}"))
    if work.search:
        masters = f", {work.search.dedicated_masters} dedicated masters" if work.search.dedicated_masters else ""
        lines.append((SERVICE_COLORS["search"], f"OpenSearch {work.search.name}: {work.search.instance_count}{TIMES}"
                      f"{work.search.instance_type} over {len(work.search.zones)} AZs{masters}"))
    if work.stream:
        lake = f" → Firehose → S3 {work.stream.lake_bucket}" if work.stream.lake_bucket else ""
        lines.append((SERVICE_COLORS["stream"], f"Kinesis {work.stream.name} ({work.stream.mode}){lake}"))
    if work.curation:
        lines.append((SERVICE_COLORS["lambda"], f"Curation: λ {', '.join(work.curation)}"))
    if work.web:
        lines.append((SERVICE_COLORS["web"], f"Elastic Beanstalk {work.web.name}: {work.web.min_instances}{TO}"
                      f"{work.web.max_instances}{TIMES}{work.web.instance_types}"))
    if work.email_domains:
        lines.append((SERVICE_COLORS["email"], f"SES {', '.join(work.email_domains)}"))
    if work.backup_vaults:
        vaults = ", ".join(f"{name} ({region})" if region else name for name, region in work.backup_vaults)
        lines.append((SERVICE_COLORS["backup"], f"AWS Backup {vaults}"))
    if account.alert_topics:
        target = ", ".join(account.notifiers) or "no notifier"
        lines.append((SERVICE_COLORS["alerts"], f"Alerts: {account.alert_topics} SNS topics → λ {target} → Slack"))
    return lines


def panel(account: Account) -> Block:
    """The account's panel; `data-account` names the account for readers of the SVG."""
    width = panel_width(account)
    inner = width - 2 * PAD
    vpc = account.vpc
    color = segment_color(vpc.segment if vpc else None)
    services = [(color, wrap(text.split(" "), inner - 13, 10.5, max_lines=2, separator=" "))
                for color, text in _service_lines(account)]
    tiers = [t for t in TIERS if vpc and any(s.tier == t for s in vpc.subnets)]
    tiers += sorted({s.tier for s in vpc.subnets} - set(TIERS)) if vpc else []
    rows = []
    for tier in tiers:
        assert vpc is not None
        most = max(len(_cell_chips(vpc, account.workloads, tier, zone=zone)) for zone in vpc.zones)
        rows.append((tier, 22 + most * 17))
    grid_top = 26 + 20 + 18
    height = grid_top + sum(h + 4 for _, h in rows) + 6 + sum(len(lines) for _, lines in services) * LINE + PAD
    result = block(width, height, data_account=attribute(account.name), class_="account-panel")
    group = result.group
    box(group, 0, 0, width=width, height=height, stroke=color)
    group.append_title(f"account {account.name}")
    head = block(width, 24)
    box(head.group, 0, 0, width=width, height=24, fill=color, stroke=color)
    label(head.group, f"{account.name} · {account.unit or 'management'}", PAD, y=17, size=13, weight="bold",
          fill="#ffffff", width=inner - 110)
    label(head.group, f"{account.resources} resources", width - PAD, y=17, size=11, fill="#ffffff", anchor="end")
    group.append(head.group)
    y = 26
    if vpc:
        segment = f" · segment {vpc.segment}" if vpc.segment else ""
        label(group, f"VPC {vpc.name}  {vpc.cidr}{segment}", PAD, y=y + 15, size=12, weight="bold", width=inner)
        y += 20
        for index, zone in enumerate(vpc.zones):
            label(group, zone, PAD + TIER_LABEL + index * ZONE + ZONE / 2, y=y + 13, size=10.5, fill=MUTED,
                  anchor="middle", width=ZONE - 4)
        y += 18
        for tier, row_height in rows:
            label(group, tier, PAD, y=y + 15, size=11, weight="bold", fill=MUTED, width=TIER_LABEL - 4)
            for index, zone in enumerate(vpc.zones):
                x = PAD + TIER_LABEL + index * ZONE
                box(group, x + 2, y, width=ZONE - 4, height=row_height, fill=TIER_FILL.get(tier, "#f1f3f5"), stroke="#c3cad3",
                    radius=4)
                subnet = vpc.subnet(tier, zone)
                label(group, subnet.cidr if subnet else "no subnet", x + 8, y=y + 15, size=11,
                      weight="bold" if subnet else "normal", fill="#1f2933" if subnet else MUTED, width=ZONE - 14)
                for position, (text, chip_color) in enumerate(_cell_chips(vpc, account.workloads, tier, zone=zone)):
                    chip(group, text, x + 6, y=y + 21 + position * 17, width=ZONE - 12, color=chip_color)
            y += row_height + 4
    else:
        label(group, "no VPC", PAD, y=y + 15, size=11, fill=MUTED)
        y += 20
    y += 6
    for color_of_line, lines in services:
        box(group, PAD, y + 3, width=8, height=8, fill=color_of_line, stroke=color_of_line, radius=2)
        for line in lines:
            label(group, line, PAD + 13, y=y + 11, size=10.5, width=inner - 13)
            y += LINE
    return result


def summary_width() -> float:
    return 300


def summary(account: Account) -> Block:
    """One line for an account drawn without its panel: name, VPC CIDR, AZs and NAT gateways."""
    width = summary_width()
    vpc = account.vpc
    color = segment_color(vpc.segment if vpc else None)
    result = block(width, 20, data_account=attribute(account.name), class_="account-summary")
    box(result.group, 0, 0, width=width, height=20, stroke=color, radius=3)
    result.group.append(dw.Rectangle(0, 0, 5, 20, fill=color, rx=2))
    segment = f" · {vpc.segment}" if vpc and vpc.segment else ""
    details = (f"{vpc.cidr}{segment} · {len(vpc.zones)} AZ · {len(vpc.nat_zones)} NAT" if vpc else "no VPC")
    name = fit(account.name, 11, 95)
    name_width = text_width(name, 11) * BOLD
    label(result.group, name, 10, y=14, size=11, weight="bold")
    label(result.group, details, 18 + name_width, y=14, size=10.5, fill=MUTED, width=width - 24 - name_width)
    return result

