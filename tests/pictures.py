"""Inventory documents for the diagram and report tests: the session's runs as documents, and a hand-made
organization of any size (accounts, each with a VPC of public/app/data subnets and one NAT per AZ)."""

from __future__ import annotations

from typing import Any

from preview.inventory import Inventory

ZONES = ("ap-northeast-2a", "ap-northeast-2c")


def document(inventory: Inventory) -> dict[str, Any]:
    return inventory.document([])


def member_accounts(document: dict[str, Any]) -> set[str]:
    """The accounts the inventory creates, by the names the stack gives them, plus management."""
    names = {r["name"] for r in document["resources"] if r["type"] == "aws:organizations/account:Account"}
    return names | {"management"}


def _resource(token: str, name: str, account: str | None, inputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"urn": f"urn:pulumi:big::landing-zone::{token}::{name}", "id": f"{name}-id", "type": token,
            "name": name, "parent": None, "custom": True, "account": account, "region": "ap-northeast-2",
            "dependencies": [], "inputs": inputs, **extra}


def organization(accounts: int) -> dict[str, Any]:
    """An inventory of `accounts` member accounts in one OU, account `svcNNN` with VPC 10.N.0.0/16."""
    resources = [
        _resource("aws:organizations/organization:Organization", "organization", "management", {}),
        _resource("aws:organizations/organizationalUnit:OrganizationalUnit", "ou-workloads", "management",
                  {"name": "workloads", "parentId": "r-root"}),
    ]
    for index in range(accounts):
        name = f"svc{index:03d}"
        resources.append(_resource("aws:organizations/account:Account", name, "management",
                                   {"parentId": "ou-workloads-id", "tags": {"Purpose": "a service"}}))
        vpc = f"{name}-vpc"
        resources.append(_resource("aws:ec2/vpc:Vpc", vpc, name,
                                   {"cidrBlock": f"10.{index}.0.0/16", "tags": {"Segment": "dev", "Name": vpc}}))
        for zone_index, zone in enumerate(ZONES):
            for tier_index, tier in enumerate(("public", "app", "data")):
                subnet = f"{vpc}-{tier}-{zone}"
                resources.append(_resource("aws:ec2/subnet:Subnet", subnet, name, {
                    "vpcId": f"{vpc}-id", "availabilityZone": zone, "tags": {"Tier": tier},
                    "cidrBlock": f"10.{index}.{tier_index * 16 + zone_index}.0/24"}))
            resources.append(_resource("aws:ec2/natGateway:NatGateway", f"{vpc}-nat-{zone}", name,
                                       {"subnetId": f"{vpc}-public-{zone}-id"}))
    return {"project": "landing-zone", "stack": "big", "resources": resources, "policy": {"violations": []},
            "outputs": {"organization_id": "o-big", "token": "[secret]"}}
