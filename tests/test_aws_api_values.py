"""Every value the program sends fits what AWS's API models accept (botocore's service models: length, pattern, enum).

The mocks accept any string; AWS does not. `purpose: Transit Gateway hub, Direct Connect` is a fine YAML string and
an Organizations tag value AWS refuses (no commas), so `CreateAccount` fails on a real first `up`.
"""

from __future__ import annotations

import pytest

from preview.inventory import Inventory
from tests.aws_api import request_shape, value_problems
from tests.aws_api_calls import CALLS


def _problems(inventory: Inventory) -> list[str]:
    found = []
    for resource in inventory.policy_resources():
        if resource.type.startswith("aws:"):
            found.extend(value_problems(resource.type, resource.name, resource.inputs, resource.tags))
    return found


def test_every_registered_aws_type_names_its_api_call(inventories: dict[str, Inventory]) -> None:
    registered = {r.type for inventory in inventories.values() for r in inventory.run.registrations
                  if r.custom and r.type.startswith("aws:")}
    missing = sorted(registered - set(CALLS))
    assert missing == [], "map each new resource type to the API call that creates it in tests/aws_api_calls.py CALLS"


@pytest.mark.parametrize("token", sorted(CALLS))
def test_each_mapped_call_exists_in_the_api_models(token: str) -> None:
    call = CALLS[token]
    shape = request_shape(call.service, call.operation)
    for member_path in call.members.values():
        head = member_path.split(".")[0]
        assert head in shape.members, f"{call.service}.{call.operation} has no member {head}"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_registered_values_fit_the_api_models(stack: str, inventories: dict[str, Inventory]) -> None:
    assert _problems(inventories[stack]) == []


def test_a_tag_value_organizations_refuses_is_found() -> None:
    problems = value_problems("aws:organizations/account:Account", "network",
                              {"name": "shop-network", "email": "aws+network@shop.example"},
                              {"Purpose": "Transit Gateway hub, Direct Connect"})
    assert len(problems) == 1 and "tags.Purpose" in problems[0] and "does not match" in problems[0]


@pytest.mark.parametrize(("token", "inputs", "expected"), [
    ("aws:opensearch/domain:Domain", {"domainName": "Shop-Search"}, "domainName"),  # lowercase only
    ("aws:organizations/account:Account", {"name": "x" * 51}, "more than 50"),
    ("aws:lambda/function:Function", {"runtime": "python3.99"}, "not one of"),
    ("aws:lambda/function:Function", {"memorySize": 64}, "below 128"),
    ("aws:kinesis/stream:Stream", {"name": "events stream"}, "does not match"),
    ("aws:s3/bucket:Bucket", {"bucket": "Shop_Lake"}, "bucketnamingrules"),
    ("aws:ec2/securityGroup:SecurityGroup", {"description": "café access"}, "GroupDescription"),
    ("aws:rds/cluster:Cluster", {"finalSnapshotIdentifier": "shop--final"}, "FinalDBSnapshotIdentifier"),
    ("aws:cloudwatch/eventRule:EventRule", {"name": "root activity"}, "does not match"),
    ("aws:backup/vault:Vault", {"name": "shop.ops.vault"}, "does not match"),
    ("aws:cloudwatch/logGroup:LogGroup", {"name": "/aws/lambda/shop ops"}, "does not match"),
])
def test_values_aws_refuses_are_found(token: str, inputs: dict, expected: str) -> None:
    problems = value_problems(token, "bad", inputs, {})
    assert problems and expected in problems[0], problems
