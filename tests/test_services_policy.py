"""The services' policy rules: each passes on both stacks' real inventories and fails on a resource that breaks it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from policy import rules
from preview.inventory import Inventory
from tests.rule_resources import changed, resource, violations_of

SERVICE_RULES = ("beanstalk-enhanced-health-managed-updates-https", "lambda-supported-runtime-and-tracing",
                 "lambda-failure-destination", "ses-configuration-set-requires-tls", "no-secret-literals-in-environment")


def _of_type(token: str) -> Callable[[rules.Resource], bool]:
    return lambda resource: resource.type == token


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_service_rules_hold_on_both_stacks(stack: str, inventories: dict[str, Inventory]) -> None:
    resources = inventories[stack].policy_resources()
    checked = {resource.type for resource in resources}
    assert {"aws:elasticbeanstalk/environment:Environment", "aws:lambda/function:Function",
            "aws:lambda/eventSourceMapping:EventSourceMapping", "aws:sesv2/configurationSet:ConfigurationSet"} <= checked
    violations = rules.evaluate(resources)
    assert [v for v in violations if v.policy in SERVICE_RULES] == []


def test_every_service_rule_is_registered() -> None:
    registered = {r.name for r in rules.RESOURCE_RULES} | {r.name for r in rules.STACK_RULES}
    assert set(SERVICE_RULES) <= registered


# --- SES ----------------------------------------------------------------------------------------------------------

def test_configuration_set_with_optional_tls_fails(inventories: dict[str, Inventory]) -> None:
    def optional(inputs: dict[str, Any]) -> None:
        inputs["deliveryOptions"] = {"tlsPolicy": "OPTIONAL"}

    resources = changed(inventories["prod"].policy_resources(), _of_type("aws:sesv2/configurationSet:ConfigurationSet"), optional)
    violations = violations_of(resources, "ses-configuration-set-requires-tls")
    assert len(violations) == 2  # dev and ops
    assert "TLS policy is OPTIONAL; set delivery_options tls_policy=REQUIRE" in violations[0].message


def test_classic_configuration_set_without_delivery_options_fails() -> None:
    classic = resource("aws:ses/configurationSet:ConfigurationSet", "old", {"name": "old"})
    [violation] = violations_of([classic], "ses-configuration-set-requires-tls")
    assert "tls_policy=Require" in violation.message
    fixed = resource("aws:ses/configurationSet:ConfigurationSet", "old", {"deliveryOptions": {"tlsPolicy": "Require"}})
    assert violations_of([fixed], "ses-configuration-set-requires-tls") == []


# --- Secrets in environment variables -----------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value", "reason"), [
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
    ("UPLOADER", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"),
    ("SLACK", "xoxb-123456789012-abcdefghijkl", "a Slack token"),
    ("GITHUB", "ghp_" + "a" * 36, "a GitHub token"),
    ("DATABASE_URL", "postgres://shop:hunter2hunter2@db.internal:5432/shop", "a password inside a URL"),
    ("SIGNING", "-----BEGIN RSA PRIVATE KEY-----\nMIIE", "a private key"),
    ("SESSION", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc", "a JSON Web Token"),
    ("DB_PASSWORD", "correct-horse-battery", "its name promises a secret"),
    ("PAYMENT_API_KEY", "live-0123456789abcdef", "its name promises a secret"),
])
def test_secret_looking_literals_are_recognised(name: str, value: str, reason: str) -> None:
    found = rules.looks_like_secret(name, value)
    assert found is not None and reason in found


@pytest.mark.parametrize(("name", "value"), [
    ("DB_SECRET_ARN", "arn:aws:secretsmanager:ap-northeast-2:111111111111:secret:shop-db-AbCdEf"),
    ("API_TOKEN_PARAMETER", "/shop/dev/api-token"),
    ("TOKEN_TTL_SECONDS", "3600"),
    ("SEARCH_ENDPOINT", "vpc-shop-dev-search-abc.ap-northeast-2.es.amazonaws.com"),
    ("COMMIT", "0123456789abcdef0123456789abcdef01234567"),  # a git hash is not a secret key
    ("SECRET_NAME", "[secret]"),
])
def test_references_and_plain_values_are_not_secrets(name: str, value: str) -> None:
    assert rules.looks_like_secret(name, value) is None


def test_lambda_with_a_secret_in_its_environment_fails() -> None:
    function = resource("aws:lambda/function:Function", "leaky", {
        "environment": {"variables": {"TABLE_NAME": "t", "SLACK_TOKEN": "xoxb-123456789012-abcdefghijkl"}}})
    [violation] = violations_of([function], "no-secret-literals-in-environment")
    assert "SLACK_TOKEN: its value looks like a Slack token" in violation.message


def test_beanstalk_option_with_a_secret_fails() -> None:
    environment = resource("aws:elasticbeanstalk/environment:Environment", "web", {"settings": [
        {"namespace": "aws:elasticbeanstalk:application:environment", "name": "DB_PASSWORD", "value": "s3cret-pass"},
        {"namespace": "aws:autoscaling:launchconfiguration", "name": "DB_PASSWORD", "value": "not-an-env-var"},
    ]})
    [violation] = violations_of([environment], "no-secret-literals-in-environment")
    assert "DB_PASSWORD: its name promises a secret" in violation.message


# --- Lambda -------------------------------------------------------------------------------------------------------

def _function(name: str, **inputs: Any) -> rules.Resource:
    defaults = {"name": name, "runtime": "python3.12", "tracingConfig": {"mode": "Active"}}
    return resource("aws:lambda/function:Function", name, defaults | inputs)


def test_unsupported_runtime_and_missing_tracing_fail() -> None:
    old = _function("old", runtime="python3.8", tracingConfig={"mode": "PassThrough"})
    messages = [v.message for v in violations_of([old], "lambda-supported-runtime-and-tracing")]
    assert messages == ["old: runtime 'python3.8' is not a supported Lambda runtime; use e.g. python3.12 or python3.13",
                        "old: X-Ray tracing is PassThrough; set tracing_config mode=Active"]
    untraced = _function("untraced", tracingConfig=None)
    [violation] = violations_of([untraced], "lambda-supported-runtime-and-tracing")
    assert "X-Ray tracing is off" in violation.message


def test_container_image_functions_need_no_runtime() -> None:
    image = _function("image", runtime=None, packageType="Image")
    assert violations_of([image], "lambda-supported-runtime-and-tracing") == []


def test_function_without_failure_destination_fails() -> None:
    [violation] = violations_of([_function("lonely")], "lambda-failure-destination")
    assert violation.urn.endswith("::lonely")
    assert "failed events have nowhere to go" in violation.message


def test_dead_letter_queue_or_invoke_config_destination_is_enough() -> None:
    with_dlq = _function("dlq", deadLetterConfig={"targetArn": "arn:aws:sqs:r:1:q"})
    with_destination = _function("async")
    config = resource("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "async-config", {
        "functionName": "arn:aws:lambda:ap-northeast-2:111111111111:function:async:live",
        "destinationConfig": {"onFailure": {"destination": "arn:aws:sqs:r:1:q"}}})
    assert violations_of([with_dlq, with_destination, config], "lambda-failure-destination") == []


def test_stream_mapping_without_on_failure_destination_fails(inventories: dict[str, Inventory]) -> None:
    def drop_destination(inputs: dict[str, Any]) -> None:
        inputs.pop("destinationConfig", None)

    resources = changed(inventories["dev"].policy_resources(), _of_type("aws:lambda/eventSourceMapping:EventSourceMapping"),
                        drop_destination)
    violations = violations_of(resources, "lambda-failure-destination")
    assert len(violations) == 2  # dev's and ops' curation mappings; the functions keep their async destination
    assert all("curation-ingest-stream" in v.urn and "stream mapping without an on-failure destination" in v.message
               for v in violations)


def test_a_stream_consumer_is_covered_by_its_mappings_destination_alone() -> None:
    consumer = _function("consumer")
    mapping = resource("aws:lambda/eventSourceMapping:EventSourceMapping", "m", {
        "functionName": "arn:aws:lambda:r:1:function:consumer", "eventSourceArn": "arn:aws:kinesis:r:1:stream/events",
        "destinationConfig": {"onFailure": {"destinationArn": "arn:aws:sqs:r:1:q"}}})
    assert violations_of([consumer, mapping], "lambda-failure-destination") == []


def test_a_stream_mapping_of_another_function_does_not_cover_this_one() -> None:
    consumer, bystander = _function("consumer"), _function("bystander")
    mapping = resource("aws:lambda/eventSourceMapping:EventSourceMapping", "m", {
        "functionName": "consumer", "eventSourceArn": "arn:aws:kinesis:r:1:stream/events",
        "destinationConfig": {"onFailure": {"destinationArn": "arn:aws:sqs:r:1:q"}}})
    [violation] = violations_of([consumer, bystander, mapping], "lambda-failure-destination")
    assert violation.urn.endswith("::bystander")


# --- Elastic Beanstalk --------------------------------------------------------------------------------------------

def _settings(*triples: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"namespace": ns, "name": name, "value": value} for ns, name, value in triples]


HARDENED = (
    ("aws:elasticbeanstalk:healthreporting:system", "SystemType", "enhanced"),
    ("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "true"),
    ("aws:elbv2:listener:default", "ListenerEnabled", "false"),
    ("aws:elbv2:listener:443", "Protocol", "HTTPS"),
    ("aws:elbv2:listener:443", "SSLCertificateArns", "arn:aws:acm:ap-northeast-2:111111111111:certificate/x"),
)


def test_hardened_environment_passes() -> None:
    environment = resource("aws:elasticbeanstalk/environment:Environment", "web", {"settings": _settings(*HARDENED)})
    assert violations_of([environment], "beanstalk-enhanced-health-managed-updates-https") == []


def test_default_environment_fails_every_part() -> None:
    environment = resource("aws:elasticbeanstalk/environment:Environment", "web", {"settings": []})
    messages = [v.message for v in violations_of([environment], "beanstalk-enhanced-health-managed-updates-https")]
    assert messages == [
        "web: set aws:elasticbeanstalk:healthreporting:system SystemType=enhanced",
        "web: set aws:elasticbeanstalk:managedactions ManagedActionsEnabled=true (managed platform updates)",
        "web: no HTTPS listener with a certificate; set aws:elbv2:listener:443 Protocol=HTTPS and SSLCertificateArns",
        "web: aws:elbv2:listener:default forwards plain HTTP to the instances; set ListenerEnabled=false and redirect "
        "HTTP to HTTPS",
    ]


def test_an_https_listener_without_a_certificate_does_not_count() -> None:
    settings = [s for s in HARDENED if s[1] != "SSLCertificateArns"]
    environment = resource("aws:elasticbeanstalk/environment:Environment", "web", {"settings": _settings(*settings)})
    [violation] = violations_of([environment], "beanstalk-enhanced-health-managed-updates-https")
    assert "no HTTPS listener with a certificate" in violation.message


def test_worker_environments_need_no_listener() -> None:
    worker = resource("aws:elasticbeanstalk/environment:Environment", "worker",
                       {"tier": "Worker", "settings": _settings(*HARDENED[:2])})
    assert violations_of([worker], "beanstalk-enhanced-health-managed-updates-https") == []


def test_real_environment_with_basic_health_and_a_plain_http_listener_fails(inventories: dict[str, Inventory]) -> None:
    def weaken(inputs: dict[str, Any]) -> None:
        for setting in inputs["settings"]:
            if setting["name"] == "SystemType":
                setting["value"] = "basic"
            if setting["namespace"] == "aws:elbv2:listener:default":
                setting["value"] = "true"

    resources = changed(inventories["dev"].policy_resources(), _of_type("aws:elasticbeanstalk/environment:Environment"), weaken)
    messages = sorted(v.message for v in violations_of(resources, "beanstalk-enhanced-health-managed-updates-https"))
    assert len(messages) == 4  # two environments, two findings each
    assert any("SystemType=enhanced" in m for m in messages)
    assert any("aws:elbv2:listener:default forwards plain HTTP" in m for m in messages)


def test_real_function_with_a_secret_in_its_environment_fails(inventories: dict[str, Inventory]) -> None:
    def leak(inputs: dict[str, Any]) -> None:
        inputs["environment"]["variables"]["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    resources = changed(inventories["prod"].policy_resources(), _of_type("aws:lambda/function:Function"), leak)
    violations = violations_of(resources, "no-secret-literals-in-environment")
    assert violations and all("AWS_SECRET_ACCESS_KEY: its value looks like an AWS secret access key" in v.message
                              for v in violations)
