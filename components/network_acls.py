"""One network ACL per subnet tier, its config rules expanded for this VPC and written inline in both directions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from config.nacls import TIERS, NaclEntry, NaclsConfig, expand

# AWS writes "all protocols" as -1 with ports 0-0.
_PROTOCOL = {"tcp": "tcp", "udp": "udp", "all": "-1"}


def network_acls(name: str, vpc_id: pulumi.Input[str], spec: NaclsConfig, *, vpc_cidr: str,
                 tier_cidrs: Mapping[str, list[str]], peers: list[str],
                 subnets: Mapping[str, Sequence[aws.ec2.Subnet]], name_of: Mapping[str, str],
                 parent: pulumi.Resource) -> dict[str, aws.ec2.NetworkAcl]:
    """The tier NACLs, each associated with that tier's subnet in every AZ."""
    acls: dict[str, aws.ec2.NetworkAcl] = {}
    for tier in TIERS:
        rules = spec.tier(tier)
        acls[tier] = aws.ec2.NetworkAcl(
            f"{name}-{tier}-nacl",
            vpc_id=vpc_id,
            subnet_ids=[subnet.id for subnet in subnets[tier]],
            ingress=[_ingress(entry) for entry in expand(rules.inbound, vpc_cidr, tier_cidrs, peers=peers)],
            egress=[_egress(entry) for entry in expand(rules.outbound, vpc_cidr, tier_cidrs, peers=peers)],
            tags={"Name": name_of[tier], "Tier": tier},
            opts=pulumi.ResourceOptions(parent=parent),
        )
    return acls


def _ports(entry: NaclEntry) -> tuple[int, int]:
    return (0, 0) if entry.protocol == "all" else (entry.from_port, entry.to_port)


def _ingress(entry: NaclEntry) -> aws.ec2.NetworkAclIngressArgs:
    first, last = _ports(entry)
    return aws.ec2.NetworkAclIngressArgs(rule_no=entry.number, action=entry.action, protocol=_PROTOCOL[entry.protocol],
                                         cidr_block=entry.cidr, from_port=first, to_port=last)


def _egress(entry: NaclEntry) -> aws.ec2.NetworkAclEgressArgs:
    first, last = _ports(entry)
    return aws.ec2.NetworkAclEgressArgs(rule_no=entry.number, action=entry.action, protocol=_PROTOCOL[entry.protocol],
                                        cidr_block=entry.cidr, from_port=first, to_port=last)
