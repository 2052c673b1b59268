"""The routing plan the hub is built from, derived from the network config alone (pure, so checks reuse it).

Every VPC attachment is associated with its segment's route table and propagates into the route tables of
the segments allowed to reach it. On-premises prefixes come in through Direct Connect into the segments of the
accounts in `on_premises.reach`; the on-premises route table learns only those accounts' VPCs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from config.cidrs import collapse
from config.network import NetworkConfig
from config.segments import can_reach

ON_PREMISES = "on-premises"


@dataclass(frozen=True)
class Spoke:
    """One VPC's place on the hub."""

    account: str
    segment: str
    propagate_to: tuple[str, ...]  # route tables (segments, or on-premises) that learn this VPC's CIDR
    destinations: tuple[str, ...]  # what the VPC routes to the hub: reachable VPC ranges and on-premises, collapsed
    # (a summary may contain the VPC's own range, which its more specific local route keeps local)


@dataclass(frozen=True)
class RoutingPlan:
    hub_account: str | None = None
    route_tables: tuple[str, ...] = ()
    spokes: dict[str, Spoke] = field(default_factory=dict)
    on_premises_routes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # route table -> prefixes

    def peers(self, account: str) -> list[str]:
        """Ranges the VPC of `account` may exchange traffic with over the hub (empty without a hub)."""
        spoke = self.spokes.get(account)
        return list(spoke.destinations) if spoke else []


def routing_plan(network: NetworkConfig) -> RoutingPlan:
    hub = network.transit_gateway
    if hub is None:
        return RoutingPlan()
    segments = {name: vpc.segment for name, vpc in network.vpcs.items()}
    direct_connect = network.direct_connect is not None
    on_premises = set(network.on_premises.reach) & set(segments) if direct_connect else set()
    prefixes = list(network.on_premises.prefixes) if direct_connect else []
    used: list[str] = sorted(set(segments.values()))
    route_tables = tuple(used) + ((ON_PREMISES,) if direct_connect else ())

    spokes = {}
    summaries: dict[tuple[str, bool], list[str]] = {}  # VPCs of a segment reach the same ranges: summarize once
    for account, segment in segments.items():
        propagate_to: list[str] = [table for table in used if can_reach(table, segment)]
        if account in on_premises:
            propagate_to.append(ON_PREMISES)
        # The VPC's own range joins the summary so neighbours merge around it (its local route stays more
        # specific); alone it would duplicate the local route, so it is dropped then.
        own = network.vpcs[account].cidr
        key = (segment, account in on_premises)
        if key not in summaries:
            reachable = [network.vpcs[other].cidr for other, theirs in segments.items() if can_reach(segment, theirs)]
            summaries[key] = collapse(reachable + (prefixes if account in on_premises else []))
        destinations = tuple(block for block in summaries[key] if block != own)
        spokes[account] = Spoke(account, segment, tuple(propagate_to), destinations)

    on_premises_routes = {segment: tuple(prefixes) for segment in used
                          if prefixes and any(segments[account] == segment for account in on_premises)}
    return RoutingPlan(hub.account, route_tables, spokes, on_premises_routes)
