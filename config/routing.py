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
    for account, segment in segments.items():
        propagate_to: list[str] = [table for table in used if can_reach(table, segment)]
        if account in on_premises:
            propagate_to.append(ON_PREMISES)
        reachable = [network.vpcs[other].cidr for other, theirs in segments.items()
                     if other != account and can_reach(segment, theirs)]
        if account in on_premises:
            reachable += prefixes
        spokes[account] = Spoke(account, segment, tuple(propagate_to), tuple(collapse(reachable)))

    on_premises_routes = {segment: tuple(prefixes) for segment in used
                          if prefixes and any(segments[account] == segment for account in on_premises)}
    return RoutingPlan(hub.account, route_tables, spokes, on_premises_routes)
