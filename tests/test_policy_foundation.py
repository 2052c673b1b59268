"""Foundation rules: required tags everywhere, stateful resources protected in production."""

from __future__ import annotations

import pytest
from pulumi_policy import PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy
from pulumi_policy.policy import PolicyCustomTimeouts, PolicyProviderResource

from policy import pack, rules
from preview.inventory import Inventory
from tests.rule_resources import provider_inputs, resource, violations_of

PROVIDER_TAGS = provider_inputs(environment="production", Owner="platform", CostCenter="cc",
                                ManagedBy="pulumi/landing-zone")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_foundation_rules_hold_on_both_stacks(stack: str, inventories: dict[str, Inventory]) -> None:
    violations = rules.evaluate(inventories[stack].policy_resources())
    assert [v for v in violations if v.policy in ("required-tags", "stateful-protected-in-production")] == []


def test_taggable_types_are_read_from_the_sdk() -> None:
    assert rules.is_taggable("aws:ec2/vpc:Vpc")
    assert rules.is_taggable("aws:organizations/account:Account")
    assert not rules.is_taggable("aws:organizations/organization:Organization")
    assert not rules.is_taggable("aws:sns/topicPolicy:TopicPolicy")
    assert not rules.is_taggable("slack:index/conversation:Conversation")


def test_required_tags_pass_through_provider_default_tags() -> None:
    vpc = resource("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"}, provider=PROVIDER_TAGS)
    assert violations_of([vpc], "required-tags") == []


def test_required_tags_fail_without_them() -> None:
    vpc = resource("aws:ec2/vpc:Vpc", "vpc", {"tags": {"Owner": "me"}})
    [violation] = violations_of([vpc], "required-tags")
    assert "['Environment', 'CostCenter', 'ManagedBy']" in violation.message
    assert violation.level == "mandatory"


def test_stateful_resource_unprotected_in_production_fails() -> None:
    key = resource("aws:kms/key:Key", "key", protect=False, provider=PROVIDER_TAGS)
    [violation] = violations_of([key], "stateful-protected-in-production")
    assert "not protected" in violation.message
    protected = resource("aws:kms/key:Key", "key", protect=True, provider=PROVIDER_TAGS)
    assert violations_of([protected], "stateful-protected-in-production") == []


def test_stateful_resource_in_sandbox_need_not_be_protected() -> None:
    sandbox = {"defaultTags": PROVIDER_TAGS["defaultTags"].replace("production", "sandbox")}
    key = resource("aws:kms/key:Key", "key", protect=False, provider=sandbox)
    assert violations_of([key], "stateful-protected-in-production") == []


def test_prod_keys_are_protected_and_dev_keys_are_not(inventories: dict[str, Inventory]) -> None:
    dev_keys = [r for r in inventories["dev"].run.registrations if r.type == "aws:kms/key:Key"]
    prod_keys = [r for r in inventories["prod"].run.registrations if r.type == "aws:kms/key:Key"]
    assert dev_keys and prod_keys
    assert not any(k.protect for k in dev_keys)
    assert all(k.protect for k in prod_keys)


def test_policy_pack_adapts_every_rule_and_reports_through_crossguard() -> None:
    built = pack.policies()
    assert {p.name for p in built} == {r.name for r in rules.RESOURCE_RULES} | {r.name for r in rules.STACK_RULES}
    [tags_policy] = [p for p in built if p.name == "required-tags"]
    assert isinstance(tags_policy, ResourceValidationPolicy)
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
    reported: list[str] = []
    untagged = ResourceValidationArgs("aws:ec2/vpc:Vpc", {"cidrBlock": "10.0.0.0/16"}, "urn:vpc", "vpc", options, None)
    tags_policy.validate(untagged, lambda message, urn=None: reported.append(message))
    assert len(reported) == 1 and "lacks tags" in reported[0]
    reported.clear()
    provider = PolicyProviderResource("pulumi:providers:aws", PROVIDER_TAGS, "urn:p", "p")
    tagged = ResourceValidationArgs("aws:ec2/vpc:Vpc", {"cidrBlock": "10.0.0.0/16"}, "urn:vpc", "vpc", options, provider)
    tags_policy.validate(tagged, lambda message, urn=None: reported.append(message))
    assert reported == []
