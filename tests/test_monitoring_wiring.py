"""What the monitoring blocks register in both stacks: traced through the inventory, ARN by ARN."""

from __future__ import annotations

import ast
import json

import pytest

from components.monitoring.datadog import READ_ONLY_ACTIONS
from components.monitoring.observability import SHARED_RESOURCE_TYPES
from config.monitoring import SEVERITIES
from policy import rules
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run
from preview.stackfile import SECRET_PLACEHOLDER
from tests.stackfiles import ROOT, base_config
from tests.variants import ALERT_ADDRESSES, BOT_TOKEN

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
QUEUE = "aws:sqs/queue:Queue"
LINK = "aws:oam/link:Link"
SINK = "aws:oam/sink:Sink"
CHANNEL = "slack:index/conversation:Conversation"
ACCOUNTS = ["management", "network", "build", "dev", "ops"]
ENVIRONMENTS = {"prod": ["management", "network", "build", "ops"], "dev": ["dev"]}


def _stack(inventories: dict[str, Inventory], stack: str) -> tuple[Run, Inventory]:
    inventory = inventories[stack]
    return inventory.run, inventory


def _config(stack: str) -> dict:
    return base_config(stack)


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _monitoring(result: Run, token: str) -> list[Registration]:
    """What the monitoring components registered of `token` (other blocks have Lambdas of their own, e.g. the data
    tier's restore validator); resources outside AWS (Slack) all belong to monitoring."""
    return [r for r in result.of_type(token) if not token.startswith("aws:") or "landing-zone:monitoring:" in r.urn]


def test_every_alarm_acts_on_an_existing_topic_of_its_own_account(inventories: dict[str, Inventory], stack: str) -> None:
    result, inventory = _stack(inventories, stack)
    topics = {r.outputs["arn"]: r for r in result.of_type(TOPIC)}
    alarms = result.of_type(ALARM)
    watched = [alarm for alarm in alarms if "landing-zone:monitoring:" in alarm.urn]
    notifier = [alarm for alarm in watched if "slack-notifier" in alarm.urn]
    # per environment's notifier: errors, throttles, failures that miss the dead letters, dead-letter depth
    assert len(notifier) == 8
    for alarm in alarms:
        actions = alarm.inputs["alarmActions"]
        assert actions, f"{alarm.name} has no alarm action"
        if alarm in watched:
            assert actions == alarm.inputs["okActions"]
        for arn in actions:
            assert arn in topics, f"{alarm.name} acts on {arn}, which is no registered topic"
            assert inventory.account(topics[arn]) == inventory.account(alarm)


def test_every_topic_is_encrypted_with_a_key_of_its_account(inventories: dict[str, Inventory], stack: str) -> None:
    result, inventory = _stack(inventories, stack)
    keys = {r.outputs["arn"]: r for r in result.of_type(KEY)}
    topics = result.of_type(TOPIC)
    health = 2 if stack == "prod" else 0  # prod's notifiers (one per environment) e-mail their own trouble
    assert len(topics) == 3 * len(ACCOUNTS) + health
    for topic in topics:
        key = keys[topic.inputs["kmsMasterKeyId"]]
        assert inventory.account(key) == inventory.account(topic)


def test_each_accounts_topics_are_subscribed_in_that_account_to_its_environments_notifier(
        inventories: dict[str, Inventory], stack: str) -> None:
    result, inventory = _stack(inventories, stack)
    topics = {r.outputs["arn"]: r for r in result.of_type(TOPIC)}
    functions = {r.outputs["arn"]: r for r in result.of_type(FUNCTION)}
    by_account: dict[str, list[str]] = {}
    for subscription in result.of_type(SUBSCRIPTION):
        if subscription.inputs["protocol"] == "email":
            continue  # the notifier-health topics e-mail people (tested below)
        topic = topics[subscription.inputs["topic"]]
        function = functions[subscription.inputs["endpoint"]]
        assert subscription.inputs["protocol"] == "lambda"
        account = inventory.account(subscription)
        assert account == inventory.account(topic)  # created in the topic's account
        assert inventory.account(function) == "ops"
        environment = next(env for env, members in ENVIRONMENTS.items() if account in members)
        assert function.inputs["name"] == f"shop-ops-{environment}-slack-notifier"
        by_account.setdefault(str(account), []).append(topic.name.rsplit("-", 1)[1])
    assert {account: sorted(severities) for account, severities in by_account.items()} == {
        account: sorted(SEVERITIES) for account in ACCOUNTS}


def test_each_topic_may_invoke_its_notifier_and_nothing_else_may(inventories: dict[str, Inventory], stack: str) -> None:
    result, inventory = _stack(inventories, stack)
    topics = {r.outputs["arn"]: r for r in result.of_type(TOPIC) if not r.inputs["name"].endswith("-notifier-health")}
    permissions = _monitoring(result, PERMISSION)
    assert len(permissions) == len(topics)
    for permission in permissions:
        topic = topics[permission.inputs["sourceArn"]]
        assert permission.inputs["principal"] == "sns.amazonaws.com"
        assert permission.inputs["action"] == "lambda:InvokeFunction"
        assert inventory.account(permission) == "ops"
        assert permission.inputs["statementId"] == f"sns-{inventory.account(topic)}-{topic.name.rsplit('-', 1)[1]}"


def test_the_bot_token_never_appears_in_clear(inventories: dict[str, Inventory], stack: str, sandbox_reorganized: Run,
                                              production_retuned: Run) -> None:
    result, inventory = _stack(inventories, stack)
    document = json.dumps(inventory.document([]))
    assert SECRET_PLACEHOLDER not in document
    (version,) = result.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert version.inputs["secretString"] == "[secret]"
    (provider,) = result.of_type("pulumi:providers:slack")
    assert provider.inputs["token"] == "[secret]"
    assert _config(stack)["landing-zone:slack_bot_token"].keys() == {"secure"}
    # The token's real value is also absent: the variants of both stacks are given one (tests/variants.py).
    secret_run = {"dev": sandbox_reorganized, "prod": production_retuned}[stack]
    assert secret_run.config["landing-zone:slack_bot_token"] == BOT_TOKEN
    assert secret_run.of_type("pulumi:providers:slack") and secret_run.of_type(
        "aws:secretsmanager/secretVersion:SecretVersion")  # what the token feeds is there
    assert BOT_TOKEN not in json.dumps(Inventory(secret_run).document([]))


def test_oam_links_from_every_other_account_to_the_sink(inventories: dict[str, Inventory], stack: str) -> None:
    result, inventory = _stack(inventories, stack)
    (sink,) = result.of_type(SINK)
    assert inventory.account(sink) == "ops"
    links = result.of_type(LINK)
    assert sorted(str(inventory.account(link)) for link in links) == sorted(a for a in ACCOUNTS if a != "ops")
    for link in links:
        assert link.inputs["sinkIdentifier"] == sink.outputs["arn"]
        assert link.inputs["resourceTypes"] == list(SHARED_RESOURCE_TYPES)
    (policy,) = result.of_type("aws:oam/sinkPolicy:SinkPolicy")
    (organization,) = result.of_type("aws:organizations/organization:Organization")
    statement = json.loads(policy.inputs["policy"])["Statement"][0]
    assert statement["Condition"]["StringEquals"] == {"aws:PrincipalOrgID": organization.id}


def test_slack_channels_per_environment_and_severity_feed_the_notifiers(inventories: dict[str, Inventory],
                                                                        stack: str) -> None:
    result, inventory = _stack(inventories, stack)
    prefix = "sandbox-alerts" if stack == "dev" else "alerts"
    channels = {r.inputs["name"]: r for r in result.of_type(CHANNEL)}
    assert set(channels) == {f"{prefix}-{env}-{severity}" for env in ENVIRONMENTS for severity in SEVERITIES}
    assert all(inventory.account(channel) is None for channel in channels.values())
    for function in _monitoring(result, FUNCTION):
        environment = function.inputs["name"].split("-")[2]
        routed = json.loads(function.inputs["environment"]["variables"]["SLACK_CHANNELS"])
        assert routed == {severity: channels[f"{prefix}-{environment}-{severity}"].id for severity in SEVERITIES}
    (oncall,) = result.of_type("slack:index/usergroup:Usergroup")
    assert sorted(oncall.inputs["channels"]) == sorted(channels[f"{prefix}-{env}-critical"].id for env in ENVIRONMENTS)


def test_notifier_function_follows_config(inventories: dict[str, Inventory], stack: str) -> None:
    result, _ = _stack(inventories, stack)
    notifier = _config(stack)["landing-zone:monitoring"]["notifier"]
    queues = {r.outputs["arn"]: r for r in result.of_type(QUEUE)}
    keys = {r.outputs["arn"] for r in result.of_type(KEY)}
    secret_arn = result.of_type("aws:secretsmanager/secret:Secret")[0].outputs["arn"]
    invoke_configs = {r.inputs["functionName"]: r for r in
                      result.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")}
    log_groups = {r.inputs["name"]: r for r in result.of_type("aws:cloudwatch/logGroup:LogGroup")}
    functions = _monitoring(result, FUNCTION)
    assert len(functions) == len(ENVIRONMENTS)
    for function in functions:
        inputs = function.inputs
        assert inputs["runtime"] in ("python3.11", "python3.12", "python3.13")
        assert inputs["handler"] == "slack_notifier.handler.handler"
        assert inputs["tracingConfig"] == {"mode": "Active"}
        assert inputs["timeout"] == notifier["timeout_seconds"]
        assert inputs["memorySize"] == notifier["memory_mb"]
        assert inputs.get("reservedConcurrentExecutions") == notifier.get("reserved_concurrency")
        assert inputs["code"]["assets"] == {f"slack_notifier/{source.name}": {"path": f"functions/slack_notifier/{source.name}"}
                                            for source in (ROOT / "functions" / "slack_notifier").glob("*.py")}
        variables = inputs["environment"]["variables"]
        assert variables["SLACK_TOKEN_SECRET_ARN"] == secret_arn
        assert variables["DEFAULT_SEVERITY"] == "warning"
        assert sorted(json.loads(variables["ACCOUNT_NAMES"]).values()) == sorted(ACCOUNTS)
        log_group = log_groups[inputs["loggingConfig"]["logGroup"]]
        assert log_group.inputs["retentionInDays"] == notifier["log_retention_days"]
        assert log_group.inputs["kmsKeyId"] in keys
        destination = invoke_configs[inputs["name"]].inputs["destinationConfig"]["onFailure"]["destination"]
        assert queues[destination].inputs["kmsMasterKeyId"] in keys
        (queue_policy,) = [r for r in result.of_type("aws:sqs/queuePolicy:QueuePolicy")
                           if r.inputs["queueUrl"] == queues[destination].outputs["url"]]
        assert json.loads(queue_policy.inputs["policy"])["Statement"][0]["Effect"] == "Deny"


def test_notifier_role_reads_exactly_its_token_and_writes_its_logs(inventories: dict[str, Inventory],
                                                                   stack: str) -> None:
    result, _ = _stack(inventories, stack)
    roles = {r.outputs["id"] if "id" in r.outputs else r.id: r for r in result.of_type("aws:iam/role:Role")}
    secret_arn = result.of_type("aws:secretsmanager/secret:Secret")[0].outputs["arn"]
    (key,) = [r for r in result.of_type(KEY) if r.name == "slack-notifier-key"]
    queues = {r.name: r.outputs["arn"] for r in result.of_type(QUEUE)}
    log_groups = {r.name: r.outputs["arn"] for r in result.of_type("aws:cloudwatch/logGroup:LogGroup")}
    policies = [r for r in result.of_type("aws:iam/rolePolicy:RolePolicy") if "slack-notifier" in r.name]
    assert len(policies) == len(ENVIRONMENTS)
    for policy in policies:
        environment = policy.name.split("-")[0]
        assert policy.inputs["role"] in roles
        statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
        assert statements["ReadSlackToken"]["Resource"] == secret_arn
        assert statements["ReadSlackToken"]["Action"] == "secretsmanager:GetSecretValue"
        assert statements["DecryptSlackToken"]["Resource"] == key.outputs["arn"]
        assert statements["DecryptSlackToken"]["Condition"]["StringEquals"]["kms:ViaService"].startswith("secretsmanager.")
        assert statements["WriteOwnLogs"]["Resource"] == log_groups[f"{environment}-slack-notifier-logs"] + ":*"
        assert statements["SendDeadLetters"]["Resource"] == queues[f"{environment}-slack-notifier-dlq"]
        assert [s for s in statements.values() if s["Resource"] == "*"] == [statements["SendTraces"]]


def test_dashboard_per_environment_shows_only_what_was_watched(inventories: dict[str, Inventory], stack: str) -> None:
    result, inventory = _stack(inventories, stack)
    dashboards = {d.inputs["dashboardName"]: d for d in result.of_type("aws:cloudwatch/dashboard:Dashboard")}
    # Watched: the notifiers, every VPC's NAT gateways, and each workload's data tier and services.
    assert sorted(dashboards) == ["shop-ops-dev-overview", "shop-ops-prod-overview"]
    assert {inventory.account(d) for d in dashboards.values()} == {"ops"}
    widgets = {name: json.loads(d.inputs["dashboardBody"])["widgets"] for name, d in dashboards.items()}
    namespaces = {name: {row[0] for w in found if w["type"] == "metric" for row in w["properties"]["metrics"]
                         if isinstance(row, list) and isinstance(row[0], str) and row[0].startswith("AWS/")}
                  for name, found in widgets.items()}
    services = {"AWS/RDS", "AWS/ES", "AWS/Kinesis", "AWS/Firehose", "AWS/Backup", "AWS/ElasticBeanstalk", "AWS/SES",
                "AWS/Lambda", "AWS/SQS", "AWS/NATGateway"}
    assert namespaces["shop-ops-prod-overview"] == services  # ops runs every service
    assert namespaces["shop-ops-dev-overview"] == services  # so does dev, at its smaller size
    watched = [alarm for alarm in result.of_type(ALARM) if "landing-zone:monitoring:" in alarm.urn]
    assert sum(len([w for w in found if w["type"] == "metric"]) for found in widgets.values()) == len(watched)


def test_the_notifier_package_holds_the_handler_its_function_names(inventories: dict[str, Inventory]) -> None:
    (function, *_) = _monitoring(inventories["prod"].run, FUNCTION)
    module, attribute = function.inputs["handler"].rsplit(".", 1)
    archived = function.inputs["code"]["assets"][module.replace(".", "/") + ".py"]
    tree = ast.parse((ROOT / archived["path"]).read_text())
    assert attribute in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "slack_notifier/__init__.py" in function.inputs["code"]["assets"]  # imported as a package


def test_datadog_role_only_when_enabled(inventories: dict[str, Inventory], production_retuned: Run) -> None:
    for inventory in inventories.values():
        assert not [r for r in inventory.run.of_type("aws:iam/role:Role") if "datadog" in r.name]
    result = production_retuned  # tests/variants.py: DATADOG, external ids for ops and dev
    inventory = Inventory(result)
    roles = {inventory.account(r): r for r in result.of_type("aws:iam/role:Role") if "datadog" in r.name}
    assert set(roles) == {"ops", "dev"}
    for account, role in roles.items():
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"AWS": "arn:aws:iam::464622532012:root"}
        assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": {"ops": "a1b2c3", "dev": "d4e5f6"}[account]}}
    policies = [r for r in result.of_type("aws:iam/rolePolicy:RolePolicy") if "datadog" in r.name]
    assert len(policies) == 2
    actions = {a for s in json.loads(policies[0].inputs["policy"])["Statement"] for a in s["Action"]}
    assert actions == {a for group in READ_ONLY_ACTIONS.values() for a in group}
    assert not {"sns:Publish", "logs:PutSubscriptionFilter", "events:CreateEventBus"} & actions
    assert all(a.split(":")[1].startswith(("Describe", "Get", "List", "Lookup", "Filter", "Test", "View", "BatchGet",
                                           "GET")) for a in actions)


def test_slack_switched_off_builds_no_slack_side_and_needs_no_tokens(sandbox_switched_off: Run) -> None:
    """Without Slack, alerts go by e-mail: every alert topic of every account mails the configured addresses."""
    addresses = ALERT_ADDRESSES
    result = sandbox_switched_off  # tests/variants.py: Slack off, both tokens removed, alerts to ALERT_ADDRESSES
    for token in (CHANNEL, "pulumi:providers:slack", FUNCTION, PERMISSION,
                  "aws:secretsmanager/secretVersion:SecretVersion"):
        assert _monitoring(result, token) == [], token
    assert len(result.of_type(LINK)) == len(ACCOUNTS) - 1  # observability stays
    topics = [t for t in result.of_type(TOPIC) if "AlertSeverity" in (t.inputs.get("tags") or {})]
    assert len(topics) == 3 * len(ACCOUNTS)  # three severities in each account
    subscriptions = _monitoring(result, SUBSCRIPTION)
    assert {s.inputs["protocol"] for s in subscriptions} == {"email"}
    for topic in topics:
        endpoints = sorted(s.inputs["endpoint"] for s in subscriptions if topic.urn in s.property_dependencies["topic"])
        assert endpoints == addresses, topic.name
    mandatory = [v for v in rules.evaluate(Inventory(result).policy_resources()) if v.level == "mandatory"]
    assert mandatory == []


def test_a_service_switched_off_has_no_alarms_or_widgets(sandbox_switched_off: Run) -> None:
    result = sandbox_switched_off  # tests/variants.py: dev's web service and search domain off
    inventory = Inventory(result)
    alarms = {(inventory.account(a), a.inputs["namespace"]) for a in result.of_type(ALARM) if "namespace" in a.inputs}
    assert ("dev", "AWS/ElasticBeanstalk") not in alarms and ("dev", "AWS/ES") not in alarms
    assert ("ops", "AWS/ElasticBeanstalk") in alarms and ("ops", "AWS/ES") in alarms  # still on in ops
    assert ("dev", "AWS/RDS") in alarms  # the rest of dev's data tier is still watched
    [dev_board] = [d for d in result.of_type("aws:cloudwatch/dashboard:Dashboard")
                   if d.inputs["dashboardName"] == "shop-ops-dev-overview"]
    body = dev_board.inputs["dashboardBody"]
    assert "AWS/ElasticBeanstalk" not in body and "AWS/ES" not in body and "AWS/RDS" in body


def test_the_notifiers_own_alarms_email_around_slack_when_fallbacks_are_configured(prod: Run, dev: Run) -> None:
    inventory = Inventory(prod)
    [health] = [t for t in prod.of_type(TOPIC) if t.inputs["name"].endswith("-prod-notifier-health")]
    assert inventory.account(health) == "ops"
    assert health.inputs["kmsMasterKeyId"]  # encrypted, with the ops alert key
    subscriptions = [s for s in prod.of_type("aws:sns/topicSubscription:TopicSubscription")
                     if s.inputs["topic"] == health.outputs["arn"]]
    assert [(s.inputs["protocol"], s.inputs["endpoint"]) for s in subscriptions] == [
        ("email", "platform-oncall@shop.example")]
    notifier_alarms = [a for a in prod.of_type(ALARM) if "-slack-notifier-" in a.name]
    assert len(notifier_alarms) == 8  # errors, throttles, destinations, dead letters, for each environment's notifier
    assert {arn for a in notifier_alarms for arn in a.inputs["alarmActions"] + a.inputs["okActions"]} == {
        t.outputs["arn"] for t in prod.of_type(TOPIC) if t.inputs["name"].endswith("-notifier-health")}
    # The sandbox configures no fallback: its notifier alarms use the ops alert topics like any other alarm.
    assert not [t for t in dev.of_type(TOPIC) if t.inputs["name"].endswith("-notifier-health")]
