"""Every customer managed key and resource policy lets in the AWS services that write or deliver on the program's
behalf.

A service that writes to an encrypted topic, queue, log group or bucket calls KMS as itself, so the key's policy must
allow that service principal; IAM roles do not help. Without it the deploy looks fine and every alarm, event or log
record is dropped (AccessDenied inside the service, no error anywhere the program sees). Facts:
- SNS developer guide, "Configure AWS KMS permissions" / "Enable compatibility between event sources from AWS
  services and encrypted topics": the publishing service (CloudWatch, EventBridge, Backup, SES ...) needs
  kms:GenerateDataKey* and kms:Decrypt.
- SQS developer guide, "Key management": a service sending to an SSE-KMS queue (EventBridge, SNS) needs the same.
- CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS": the key policy allows
  `logs.<region>.amazonaws.com` kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*.
- S3 user guide, "Enabling Amazon S3 server access logging" and CloudTrail/Config delivery pages: a service principal
  writing SSE-KMS objects needs kms:GenerateDataKey on the bucket's key.
- Resource policies: a topic whose policy the program writes must allow each publishing service sns:Publish (SNS
  developer guide, "Example cases for Amazon SNS access control"); a function invoked by an EventBridge rule or an
  SNS subscription needs a permission for that service and source (Lambda developer guide, "Working with
  resource-based IAM policies in Lambda"); a queue that receives EventBridge targets or dead letters needs a queue
  policy allowing events.amazonaws.com sqs:SendMessage (EventBridge user guide, "Using dead-letter queues").
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from policy.rules import BUCKET_ENCRYPTION, BUCKET_POLICY, LOG_GROUP
from policy.rules import KMS_KEY as KEY
from policy.rules import LAMBDA_PERMISSION as PERMISSION
from policy.rules import SNS_SUBSCRIPTION as SUBSCRIPTION
from policy.rules import SNS_TOPIC as TOPIC
from policy.rules import SNS_TOPIC_POLICY as TOPIC_POLICY
from policy.rules import SQS_QUEUE as QUEUE
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run
from tests.run_view import document as policy_document

# Types no rule reads, so policy/rules/resource_types.py does not name them.
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EVENT_TARGET, EVENT_RULE = "aws:cloudwatch/eventTarget:EventTarget", "aws:cloudwatch/eventRule:EventRule"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
SES_EVENT_DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
VAULT_NOTIFICATIONS = "aws:backup/vaultNotifications:VaultNotifications"
SEND = ("kms:GenerateDataKey", "kms:Decrypt")
# The calls CloudWatch Logs makes with the log group's ARN as encryption context (the documented statement's
# kms:Describe* sits under the same context condition, which a Describe call never carries).
LOGS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey")


@dataclass(frozen=True)
class Need:
    """`service` must be allowed `actions` by the key `key_arn`, because it writes to `resource` (a name)."""

    resource: str
    key_arn: str
    service: str
    actions: Sequence[str]


def _listed(value: Any) -> list[Any]:
    return [value] if isinstance(value, str | Mapping) else list(value or [])


def statements(policy: str | Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return _listed(policy_document(policy).get("Statement"))


def _services(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    return [str(s) for s in _listed(principal.get("Service"))] if isinstance(principal, Mapping) else []


def _matches(action: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), str(p).lower()) for p in patterns)


def services_allowed(policy: str | Mapping[str, Any], action: str) -> set[str]:
    """The service principals `policy` allows `action`."""
    return {service for s in statements(policy) if s.get("Effect") == "Allow" and _matches(action, _listed(s.get("Action")))
            for service in _services(s)}


def _customer_key(run: Run, reference: Any) -> str | None:
    """The ARN of the customer managed key the program registered that `reference` (an ARN or a key id) names."""
    text = str(reference or "")
    for key in run.of_type(KEY):
        if text and text in (key.outputs.get("arn"), key.outputs.get("keyId"), key.id):
            return str(key.outputs.get("arn"))
    return None


def topic_writers(run: Run, arn: str) -> set[str]:
    """The services the program has publish to the topic `arn`: CloudWatch for alarm actions, EventBridge for rule
    targets, SES for configuration-set event destinations, AWS Backup for vault notifications."""
    writers = {"cloudwatch.amazonaws.com" for a in run.of_type(ALARM)
               if arn in [*_listed(a.inputs.get("alarmActions")), *_listed(a.inputs.get("okActions")),
                          *_listed(a.inputs.get("insufficientDataActions"))]}
    writers |= {"events.amazonaws.com" for t in run.of_type(EVENT_TARGET) if t.inputs.get("arn") == arn}
    writers |= {"ses.amazonaws.com" for d in run.of_type(SES_EVENT_DESTINATION)
                if ((d.inputs.get("eventDestination") or {}).get("snsDestination") or {}).get("topicArn") == arn}
    writers |= {"backup.amazonaws.com" for n in run.of_type(VAULT_NOTIFICATIONS) if n.inputs.get("snsTopicArn") == arn}
    return writers


def needs(run: Run) -> Iterator[Need]:
    """What each service writing to an encrypted resource needs of the resource's key."""
    inventory = Inventory(run)
    arn_of = {r.urn: str(r.outputs.get("arn")) for r in run.registrations if r.custom and r.outputs.get("arn")}
    for topic in run.of_type(TOPIC):
        key = _customer_key(run, topic.inputs.get("kmsMasterKeyId"))
        if key is None:
            continue
        arn = arn_of[topic.urn]
        writers = topic_writers(run, arn)
        for policy in run.of_type(TOPIC_POLICY):
            if policy.inputs.get("arn") == arn:
                writers |= services_allowed(policy.inputs["policy"], "sns:Publish")
        yield from (Need(topic.name, key, service, SEND) for service in sorted(writers))
    for queue in run.of_type(QUEUE):
        key = _customer_key(run, queue.inputs.get("kmsMasterKeyId"))
        if key is None:
            continue
        arn = arn_of[queue.urn]
        writers = {"events.amazonaws.com" for t in run.of_type(EVENT_TARGET)
                   if arn in (t.inputs.get("arn"), (t.inputs.get("deadLetterConfig") or {}).get("arn"))}
        for policy in run.of_type(QUEUE_POLICY):
            if queue.urn in policy.property_dependencies.get("queueUrl", ()):
                writers |= services_allowed(policy.inputs["policy"], "sqs:SendMessage")
        yield from (Need(queue.name, key, service, SEND) for service in sorted(writers))
    for group in run.of_type(LOG_GROUP):
        key = _customer_key(run, group.inputs.get("kmsKeyId"))
        if key is not None:
            yield Need(group.name, key, f"logs.{inventory.region(group)}.amazonaws.com", LOGS)
    for encryption in run.of_type(BUCKET_ENCRYPTION):
        rules = _listed(encryption.inputs.get("rules"))
        keys = [_customer_key(run, (r.get("applyServerSideEncryptionByDefault") or {}).get("kmsMasterKeyId"))
                for r in rules]
        key = next((k for k in keys if k), None)
        if key is None:
            continue
        bucket = encryption.inputs.get("bucket")
        for policy in run.of_type(BUCKET_POLICY):
            if policy.inputs.get("bucket") == bucket:
                yield from (Need(str(bucket), key, service, ("kms:GenerateDataKey",))
                            for service in sorted(services_allowed(policy.inputs["policy"], "s3:PutObject")))


def missing(run: Run) -> list[str]:
    """`<resource>: its key does not allow <service> <action>` for each need its key's policy does not meet."""
    policies = {str(k.outputs.get("arn")): k.inputs.get("policy") for k in run.of_type(KEY)}
    problems = []
    for need in needs(run):
        policy = policies.get(need.key_arn)
        for action in need.actions:
            if not policy or need.service not in services_allowed(policy, action):
                problems.append(f"{need.resource}: its key does not allow {need.service} {action}")
    return problems


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_key_lets_in_the_services_that_write_with_it(stack: str, runs: dict[str, Run]) -> None:
    found = list(needs(runs[stack]))
    # The check is not empty: alarms and events into every encrypted alert topic, logs into every encrypted group,
    # the trail, Config and log delivery into the audit archive.
    assert {n.service for n in found} >= {"cloudwatch.amazonaws.com", "events.amazonaws.com",
                                          "logs.ap-northeast-2.amazonaws.com", "cloudtrail.amazonaws.com",
                                          "config.amazonaws.com", "delivery.logs.amazonaws.com"}
    assert len({n.resource for n in found if n.service == "cloudwatch.amazonaws.com"}) >= 3 * 5  # severities x accounts
    assert missing(runs[stack]) == []


def _without_service(run: Run, key_name: str, service: str) -> Run:
    """`run` with the key `key_name`'s statements for `service` removed."""
    registrations: list[Registration] = []
    for registration in run.registrations:
        kept = registration
        if registration.type == KEY and registration.name == key_name:
            document = json.loads(registration.inputs["policy"])
            kept_statements = []
            for statement in statements(document):
                others = [s for s in _services(statement) if s != service]
                if others or not _services(statement):
                    kept_statements.append({**statement, "Principal": {"Service": others}} if others else statement)
            document["Statement"] = kept_statements
            kept = Registration(**{**registration.__dict__,
                                   "inputs": {**registration.inputs, "policy": json.dumps(document)}})
        registrations.append(kept)
    return Run(run.project, run.stack, registrations, run.outputs, {})


def test_a_key_that_shuts_out_a_writing_service_is_found(dev: Run) -> None:
    """The dev account's alerts key without CloudWatch among its principals: every alarm to its topics would be
    dropped, and the check names each topic and action."""
    found = missing(_without_service(dev, "dev-alerts-key", "cloudwatch.amazonaws.com"))
    topics = {t.name for t in dev.of_type(TOPIC) if t.name.startswith("dev-alerts-")}
    assert len(topics) == 3
    assert sorted(found) == sorted(f"{topic}: its key does not allow cloudwatch.amazonaws.com {action}"
                                   for topic in topics for action in SEND)


def test_a_log_group_key_without_the_logs_service_is_found(dev: Run) -> None:
    key = next(k for k in dev.of_type(KEY) if k.name == "dev-vpc-flow-logs-key")
    found = missing(_without_service(dev, key.name, "logs.ap-northeast-2.amazonaws.com"))
    assert found and all("logs.ap-northeast-2.amazonaws.com" in p for p in found)


def resource_policy_gaps(run: Run) -> list[str]:
    """Deliveries the program sets up that the receiving resource's own policy would refuse."""
    arn_of = {r.urn: str(r.outputs.get("arn")) for r in run.registrations if r.custom and r.outputs.get("arn")}
    problems = []
    for topic in run.of_type(TOPIC):
        arn = arn_of[topic.urn]
        policies = [p.inputs["policy"] for p in run.of_type(TOPIC_POLICY) if p.inputs.get("arn") == arn]
        if not policies:
            continue  # SNS's default policy: the owner account publishes
        allowed = set().union(*(services_allowed(p, "sns:Publish") for p in policies))
        problems += [f"{topic.name}: its policy does not let {service} publish"
                     for service in sorted(topic_writers(run, arn) - allowed)]
    permissions = run.of_type(PERMISSION)

    def permitted(function_arn: str, principal: str, source: str) -> bool:
        name = function_arn.rsplit(":", 1)[-1]
        return any(p.inputs.get("principal") == principal and p.inputs.get("action") == "lambda:InvokeFunction"
                   and str(p.inputs.get("function") or p.inputs.get("functionName")) in (function_arn, name)
                   and p.inputs.get("sourceArn") in (None, source) for p in permissions)

    rules_by_name = {(str(r.inputs.get("name")), str(r.inputs.get("eventBusName") or "default")): r
                     for r in run.of_type(EVENT_RULE)}
    for target in run.of_type(EVENT_TARGET):
        arn = str(target.inputs.get("arn") or "")
        rule = rules_by_name.get((str(target.inputs.get("rule")), str(target.inputs.get("eventBusName") or "default")))
        source = str(rule.outputs.get("arn")) if rule else ""
        if ":lambda:" in arn and not permitted(arn, "events.amazonaws.com", source):
            problems.append(f"{target.name}: no permission lets EventBridge invoke {arn}")
        for queue_arn in (arn, str((target.inputs.get("deadLetterConfig") or {}).get("arn") or "")):
            queue = next((q for q in run.of_type(QUEUE) if arn_of[q.urn] == queue_arn), None) if ":sqs:" in queue_arn \
                else None
            if queue is not None and "events.amazonaws.com" not in set().union(*(
                    services_allowed(p.inputs["policy"], "sqs:SendMessage") for p in run.of_type(QUEUE_POLICY)
                    if queue.urn in p.property_dependencies.get("queueUrl", ()))):
                problems.append(f"{target.name}: the policy of {queue.name} does not let EventBridge send to it")
    for subscription in run.of_type(SUBSCRIPTION):
        if subscription.inputs.get("protocol") == "lambda" and not permitted(
                str(subscription.inputs.get("endpoint")), "sns.amazonaws.com", str(subscription.inputs.get("topic"))):
            problems.append(f"{subscription.name}: no permission lets SNS invoke {subscription.inputs.get('endpoint')}")
    return problems


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_delivery_is_admitted_by_the_receiving_resource(stack: str, runs: dict[str, Run]) -> None:
    run = runs[stack]
    lambda_targets = [t for t in run.of_type(EVENT_TARGET) if ":lambda:" in str(t.inputs.get("arn"))]
    lambda_subscriptions = [s for s in run.of_type(SUBSCRIPTION) if s.inputs.get("protocol") == "lambda"]
    assert lambda_targets and len(lambda_subscriptions) >= 3 * 5  # the check is not empty
    assert resource_policy_gaps(run) == []


def test_a_delivery_the_receiver_refuses_is_found(dev: Run) -> None:
    """Without the Slack notifier's permissions for one account's topics, and with one topic policy that leaves
    EventBridge out, the check names each refused delivery."""
    dropped = {p.urn for p in dev.of_type(PERMISSION) if p.name.startswith("dev-slack-notifier-from-dev-")}
    registrations = []
    for registration in dev.registrations:
        if registration.urn in dropped:
            continue
        kept = registration
        if registration.type == TOPIC_POLICY and registration.name.startswith("dev-alerts-security"):
            document = json.loads(registration.inputs["policy"])
            for statement in statements(document):
                if "events.amazonaws.com" in _services(statement):
                    statement["Principal"]["Service"] = [s for s in _services(statement) if s != "events.amazonaws.com"]
            kept = Registration(**{**registration.__dict__,
                                   "inputs": {**registration.inputs, "policy": json.dumps(document)}})
        registrations.append(kept)
    found = resource_policy_gaps(Run(dev.project, dev.stack, registrations, dev.outputs, {}))
    assert len(dropped) == 3
    assert sorted(p.split(":")[0] for p in found) == sorted(
        ["dev-alerts-security", *(f"dev-alerts-to-slack-{s}" for s in ("critical", "security", "warning"))])


def test_a_queue_that_refuses_eventbridge_is_found(dev: Run) -> None:
    """A rule target whose dead letters go to the curation failure queue: that queue's policy and key admit no
    EventBridge, so both the delivery and the key use are named (the queue branches of both checks)."""
    queue = next(q for q in dev.of_type(QUEUE) if q.name == "dev-curation-failures")
    target = next(t for t in dev.of_type(EVENT_TARGET) if t.name == "dev-data-backup-failures-to-alerts")
    dead_letters = Registration(**{**target.__dict__, "urn": target.urn + "-dead-letters", "name": "dead-letters",
                                   "inputs": {**target.inputs, "deadLetterConfig": {"arn": queue.outputs["arn"]}}})
    changed = Run(dev.project, dev.stack, [*dev.registrations, dead_letters], dev.outputs, {})
    assert resource_policy_gaps(changed) == [f"dead-letters: the policy of {queue.name} does not let EventBridge send to it"]
    assert sorted(missing(changed)) == sorted(f"{queue.name}: its key does not allow events.amazonaws.com {action}"
                                              for action in SEND)
