"""Monitoring policy rules: both stacks pass; hand-built and mutated resources fail."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policy import rules
from preview.inventory import Inventory
from tests.rule_resources import changed, resource, violations_of

MONITORING_RULES = ("alarm-has-action", "sns-topic-encrypted-and-private", "lambda-failure-destination")


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.mark.parametrize("rule", MONITORING_RULES)
def test_both_stacks_pass(inventories: dict[str, Inventory], rule: str) -> None:
    for stack, inventory in inventories.items():
        resources = inventory.policy_resources()
        assert violations_of(resources, rule) == [], stack
        relevant = {"alarm-has-action": rules.ALARM_TYPES, "sns-topic-encrypted-and-private": {rules.SNS_TOPIC},
                    "lambda-failure-destination": {rules.LAMBDA_FUNCTION}}[rule]
        assert any(r.type in relevant for r in resources), "the rule must have something to look at"


def test_alarm_without_actions_fails() -> None:
    silent = resource("aws:cloudwatch/metricAlarm:MetricAlarm", "silent", alarmActions=[])
    muted = resource("aws:cloudwatch/metricAlarm:MetricAlarm", "muted", alarmActions=["arn:aws:sns:x"],
                      actionsEnabled=False)
    fine = resource("aws:cloudwatch/metricAlarm:MetricAlarm", "fine", alarmActions=["arn:aws:sns:x"],
                     actionsEnabled=True)
    messages = [v.message for v in violations_of([silent, muted, fine], "alarm-has-action")]
    assert messages == ["alarm silent has no alarm actions; send it to the account's alert topic of its severity",
                        "alarm muted has its actions disabled; set actions_enabled=True"]


def test_unencrypted_topic_fails() -> None:
    topic = resource(rules.SNS_TOPIC, "plain", name="plain")
    (violation,) = violations_of([topic], "sns-topic-encrypted-and-private")
    assert "is not encrypted" in violation.message


@pytest.mark.parametrize(("statement", "public"), [
    ({"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*"}, True),
    ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Subscribe", "Resource": "*"}, True),
    ({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}, "Action": "sns:Publish"}, True),
    ({"Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
      "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, True),
    ({"Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
      "Condition": {"StringEquals": {"aws:SourceOrgID": "o-abc"}}}, False),
    ({"Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
      "Condition": {"StringEquals": {"AWS:SourceAccount": "111111111111"}}}, False),
    ({"Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, False),
    ({"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish"}, False),
])
def test_topic_policies_letting_anyone_in_fail(statement: dict[str, Any], public: bool) -> None:
    policy = resource(rules.SNS_TOPIC_POLICY, "policy", arn="arn:aws:sns:x", policy=_policy(statement))
    inline = resource(rules.SNS_TOPIC, "inline", kmsMasterKeyId="arn:aws:kms:x", policy=_policy(statement))
    violations = violations_of([policy, inline], "sns-topic-encrypted-and-private")
    assert len(violations) == (2 if public else 0)


def test_mutated_inventory_with_a_public_topic_policy_fails(inventories: dict[str, Inventory]) -> None:
    resources = inventories["prod"].policy_resources()
    target = next(r for r in resources if r.type == rules.SNS_TOPIC_POLICY)
    document = json.loads(target.inputs["policy"])
    document["Statement"][1].pop("Condition")
    document["Statement"][1]["Principal"] = "*"
    mutated = changed(resources, target, inputs={**target.inputs, "policy": json.dumps(document)})
    violations = violations_of(mutated, "sns-topic-encrypted-and-private")
    assert [v.urn for v in violations] == [target.urn]
    assert "OrganizationServicesPublish" in violations[0].message


def test_lambda_without_failure_destination_fails(inventories: dict[str, Inventory]) -> None:
    resources = inventories["dev"].policy_resources()
    without_destinations = [r for r in resources if r.type != rules.LAMBDA_INVOKE_CONFIG]
    violations = violations_of(without_destinations, "lambda-failure-destination")
    # Every function but those with a dead-letter queue (restore validators) or a stream mapping's on-failure
    # destination (the curation ingest functions).
    consumers = {m.inputs.get("functionName") for m in resources if m.type == rules.LAMBDA_EVENT_SOURCE_MAPPING}
    functions = [r.urn for r in resources if r.type == rules.LAMBDA_FUNCTION and not r.inputs.get("deadLetterConfig")
                 and r.inputs.get("name") not in consumers and r.inputs.get("arn") not in consumers]
    assert sorted(v.urn for v in violations) == sorted(functions) and len(functions) >= 2


def test_lambda_failure_destination_by_arn_or_dead_letter_config_passes() -> None:
    by_arn = resource(rules.LAMBDA_FUNCTION, "by-arn", name="by-arn")
    config = resource(rules.LAMBDA_INVOKE_CONFIG, "by-arn-config",
                       functionName="arn:aws:lambda:ap-northeast-2:111111111111:function:by-arn:live",
                       destinationConfig={"onFailure": {"destination": "arn:aws:sqs:x"}})
    with_dlq = resource(rules.LAMBDA_FUNCTION, "with-dlq", name="with-dlq",
                         deadLetterConfig={"targetArn": "arn:aws:sqs:y"})
    on_success_only = resource(rules.LAMBDA_FUNCTION, "success-only", name="success-only")
    success_config = resource(rules.LAMBDA_INVOKE_CONFIG, "success-only-config", functionName="success-only",
                               destinationConfig={"onSuccess": {"destination": "arn:aws:sqs:z"}})
    violations = violations_of([by_arn, config, with_dlq, on_success_only, success_config],
                             "lambda-failure-destination")
    assert [v.urn for v in violations] == [on_success_only.urn]
