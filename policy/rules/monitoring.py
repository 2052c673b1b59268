"""Monitoring: alarms act, topics are encrypted and private."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .plumbing import Resource, as_list, decode, is_everyone, resource_rule
from .resource_types import ALARM_TYPES, SNS_TOPIC, SNS_TOPIC_POLICY

# Condition keys that narrow a `Principal: *` statement to our organization or accounts.
RESTRICTING_CONDITION_KEYS = frozenset({
    "aws:sourceorgid", "aws:principalorgid", "aws:sourceorgpaths", "aws:principalorgpaths", "aws:sourceaccount",
    "aws:principalaccount", "aws:sourceowner", "aws:sourcearn", "aws:principalarn",
})


@resource_rule("alarm-has-action", "Every CloudWatch alarm has actions enabled and at least one ALARM action.")
def alarm_has_action(resource: Resource) -> Iterable[str]:
    if resource.type not in ALARM_TYPES:
        return
    if not resource.inputs.get("alarmActions"):
        yield f"alarm {resource.name} has no alarm actions; send it to the account's alert topic of its severity"
    if resource.inputs.get("actionsEnabled") is False:
        yield f"alarm {resource.name} has its actions disabled; set actions_enabled=True"


def public_statements(policy: Any) -> list[str]:
    """Sids (or indexes) of statements that allow anyone (`Principal: *`) without an org/account condition."""
    document = decode(policy)
    if not isinstance(document, Mapping):
        return []
    found = []
    for index, statement in enumerate(as_list(document.get("Statement"))):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        if not is_everyone(statement.get("Principal")):
            continue
        keys = {key.lower() for values in (statement.get("Condition") or {}).values() if isinstance(values, Mapping)
                for key in values}
        if not keys & RESTRICTING_CONDITION_KEYS:
            found.append(str(statement.get("Sid") or index))
    return found


@resource_rule("sns-topic-encrypted-and-private", "Every SNS topic is KMS-encrypted, and no topic policy lets anyone "
                                                  "outside the organization or account in (Principal * only as Deny "
                                                  "or with an org/account condition).")
def sns_topic_encrypted_and_private(resource: Resource) -> Iterable[str]:
    if resource.type == SNS_TOPIC and not resource.inputs.get("kmsMasterKeyId"):
        yield f"SNS topic {resource.name} is not encrypted; set kms_master_key_id to the account's key"
    if resource.type in (SNS_TOPIC, SNS_TOPIC_POLICY):
        for sid in public_statements(resource.inputs.get("policy")):
            yield (f"{resource.type} {resource.name}: statement {sid} allows Principal * without an "
                   "aws:SourceOrgID/aws:PrincipalOrgID/aws:SourceAccount condition; restrict it or make it a Deny")
