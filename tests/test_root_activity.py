"""The root fast path: in every account, root sign-in and root API use reach that account's security topic."""

from __future__ import annotations

import json

import pytest
from moto.events.models import EventPattern

from preview.inventory import Inventory
from preview.run import Run, run
from tests.stackfiles import write_stack_file

ACCOUNTS = ["management", "network", "build", "dev", "ops"]
HOME = "ap-northeast-2"


def _event(detail_type: str, identity: dict, event_type: str = "AwsApiCall", region: str = HOME) -> dict:
    return {"detail-type": detail_type, "source": "aws.signin" if "Sign In" in detail_type else "aws.iam",
            "region": region, "detail": {"userIdentity": identity, "eventType": event_type}}


ROOT = {"type": "Root", "arn": "arn:aws:iam::111111111111:root"}
MATCHING = [
    _event("AWS Console Sign In via CloudTrail", ROOT, "AwsConsoleSignIn", region="us-east-1"),
    _event("AWS API Call via CloudTrail", ROOT),
]
NOT_MATCHING = [
    _event("AWS Console Sign In via CloudTrail", {"type": "IAMUser", "userName": "mina.kim"}, "AwsConsoleSignIn"),
    _event("AWS API Call via CloudTrail", {"type": "AssumedRole"}),
    _event("AWS API Call via CloudTrail", {**ROOT, "invokedBy": "organizations.amazonaws.com"}),
    _event("AWS Service Event via CloudTrail", ROOT, "AwsServiceEvent"),
    _event("AWS API Call via CloudTrail", ROOT, "AwsServiceEvent"),
]


# dev lets member accounts use us-east-1; prod's region SCP exempts the deploy role, which places the twins.
TWINS = {"dev": ACCOUNTS, "prod": ACCOUNTS}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_account_sends_root_activity_to_its_own_security_topic(stack: str, runs: dict[str, Run],
                                                                      inventories: dict[str, Inventory]) -> None:
    result, inventory = runs[stack], inventories[stack]
    rules = {r.inputs["name"]: r for r in result.of_type("aws:cloudwatch/eventRule:EventRule")
             if "root-activity" in r.inputs["name"]}
    targets = {t.inputs["rule"]: t for t in result.of_type("aws:cloudwatch/eventTarget:EventTarget")}
    security = {inventory.account(t): t.outputs["arn"] for t in result.of_type("aws:sns/topic:Topic")
                if t.inputs["name"].endswith("alerts-security")}
    account_ids = {"management": _management_id(result), **result.outputs["account_ids"]}
    assert sorted(name for name in rules if name.endswith("-global")) == sorted(
        f"shop-{account}-root-activity-global" for account in TWINS[stack])
    for account in ACCOUNTS:
        home = rules[f"shop-{account}-root-activity"]
        assert inventory.account(home) == account and inventory.region(home) == HOME
        assert home.inputs["state"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
        assert targets[home.inputs["name"]].inputs["arn"] == security[account]
        if account not in TWINS[stack]:
            continue
        forward = rules[f"shop-{account}-root-activity-global"]
        assert inventory.account(forward) == account
        assert inventory.region(forward) == "us-east-1"
        assert forward.inputs["state"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
        bus = targets[forward.inputs["name"]]
        assert bus.inputs["arn"] == f"arn:aws:events:{HOME}:{account_ids[account]}:event-bus/default"
        assert bus.inputs["region"] == "us-east-1"
        [role] = [r for r in result.of_type("aws:iam/role:Role") if r.outputs["arn"] == bus.inputs["roleArn"]]
        [trust] = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert trust["Principal"] == {"Service": "events.amazonaws.com"}
        assert trust["Condition"]["ArnEquals"] == {"aws:SourceArn": forward.outputs["arn"]}
        [policy] = [p for p in result.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == role.inputs["name"]]
        [put] = json.loads(policy.inputs["policy"])["Statement"]
        assert (put["Action"], put["Resource"]) == ("events:PutEvents", bus.inputs["arn"])


def test_without_the_region_guardrail_every_account_has_its_twin(production_retuned: Run) -> None:
    result = production_retuned  # tests/variants.py: guardrails.policies.deny_other_regions disabled
    assert _twins(result) == sorted(f"shop-{account}-root-activity-global" for account in ACCOUNTS)


# Whether an account gets a twin is the guardrails' and the accounts' business: these runs leave out the data tier and
# the services (half the resources), which the twins do not depend on.
WITHOUT_WORKLOADS = {"landing-zone:data": None, "landing-zone:services": None}


@pytest.mark.parametrize(("sets", "twins"), [
    # Without the deploy role's exemption prod members may not deploy in us-east-1; SCPs never bind management.
    ({"landing-zone:guardrails.policies": {"deny_other_regions": {"exempt_roles": []}}}, ["management"]),
    # ap-northeast-1 stays: the data tier copies ops' backups there.
    ({"landing-zone:guardrails.allowed_regions": ["ap-northeast-2", "ap-northeast-1", "us-east-1"]}, ACCOUNTS),
])
def test_member_twins_follow_the_region_guardrail(tmp_path, sets: dict, twins: list[str]) -> None:
    result = run("prod", stack_file=write_stack_file(tmp_path, "prod", patch=WITHOUT_WORKLOADS, sets=sets))
    assert _twins(result) == sorted(f"shop-{account}-root-activity-global" for account in twins)


def _twins(result: Run) -> list[str]:
    return sorted(r.inputs["name"] for r in result.of_type("aws:cloudwatch/eventRule:EventRule")
                  if r.inputs["name"].endswith("root-activity-global"))


def _management_id(result: Run) -> str:
    return json.loads(result.config["landing-zone:organization"])["management_account_id"]


def test_the_pattern_matches_root_by_hand_and_nothing_else(dev: Run) -> None:
    patterns = {r.inputs["eventPattern"] for r in dev.of_type("aws:cloudwatch/eventRule:EventRule")
                if "root-activity" in r.inputs["name"]}
    [text] = patterns  # one pattern, in both regions, in every account
    pattern = EventPattern.load(text)
    assert all(pattern.matches_event(event) for event in MATCHING)
    assert not any(pattern.matches_event(event) for event in NOT_MATCHING)
