"""Services: Elastic Beanstalk, Lambda, SES, environment variables."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aws_facts.secret_text import looks_like_secret

from .plumbing import Resource, decode, resource_rule, stack_rule
from .resource_types import (
    BEANSTALK_ENVIRONMENT,
    BEANSTALK_TEMPLATE,
    LAMBDA_EVENT_SOURCE_MAPPING,
    LAMBDA_FUNCTION,
    LAMBDA_INVOKE_CONFIG,
)

SES_CONFIGURATION_SETS = {"aws:sesv2/configurationSet:ConfigurationSet": "REQUIRE",
                          "aws:ses/configurationSet:ConfigurationSet": "Require"}
APP_ENVIRONMENT_NAMESPACE = "aws:elasticbeanstalk:application:environment"

# Lambda runtimes AWS supports (not deprecated) as of 2025; update when AWS deprecates one.
SUPPORTED_LAMBDA_RUNTIMES = frozenset({
    "python3.10", "python3.11", "python3.12", "python3.13",
    "nodejs20.x", "nodejs22.x",
    "java11", "java17", "java21", "java8.al2",
    "dotnet8", "ruby3.3", "ruby3.4",
    "provided.al2", "provided.al2023",
})


def beanstalk_settings(inputs: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """Option settings of an environment or configuration template as {(namespace, option): value}."""
    settings = decode(inputs.get("settings")) or []
    return {(s.get("namespace", ""), s.get("name", "")): str(s.get("value", "")) for s in settings
            if isinstance(s, Mapping)}


def environment_variables(resource: Resource) -> dict[str, Any]:
    """The environment variables a Lambda function or Beanstalk environment hands to the code it runs."""
    if resource.type == LAMBDA_FUNCTION:
        return dict((decode(resource.inputs.get("environment")) or {}).get("variables") or {})
    if resource.type in (BEANSTALK_ENVIRONMENT, BEANSTALK_TEMPLATE):
        return {name: value for (namespace, name), value in beanstalk_settings(resource.inputs).items()
                if namespace == APP_ENVIRONMENT_NAMESPACE}
    return {}


@resource_rule("beanstalk-enhanced-health-managed-updates-https",
               "Elastic Beanstalk web environments report enhanced health, take managed platform updates and serve "
               "HTTPS only (an HTTPS listener with a certificate; no listener forwarding plain HTTP).")
def beanstalk_hardened(resource: Resource) -> Iterable[str]:
    if resource.type != BEANSTALK_ENVIRONMENT:
        return
    settings = beanstalk_settings(resource.inputs)
    name = resource.name
    if settings.get(("aws:elasticbeanstalk:healthreporting:system", "SystemType")) != "enhanced":
        yield f"{name}: set aws:elasticbeanstalk:healthreporting:system SystemType=enhanced"
    if settings.get(("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"), "").lower() != "true":
        yield f"{name}: set aws:elasticbeanstalk:managedactions ManagedActionsEnabled=true (managed platform updates)"
    if resource.inputs.get("tier", "WebServer") == "Worker":
        return
    listeners = {namespace for namespace, _ in settings if namespace.startswith("aws:elbv2:listener:")}
    listeners.add("aws:elbv2:listener:default")  # Beanstalk creates it unless ListenerEnabled=false

    def enabled(listener: str) -> bool:
        return settings.get((listener, "ListenerEnabled"), "true").lower() != "false"

    def protocol(listener: str) -> str:
        return settings.get((listener, "Protocol"), "HTTP").upper()

    https = [ns for ns in listeners if enabled(ns) and protocol(ns) == "HTTPS" and settings.get((ns, "SSLCertificateArns"))]
    if not https:
        yield f"{name}: no HTTPS listener with a certificate; set aws:elbv2:listener:443 Protocol=HTTPS and " \
              "SSLCertificateArns"
    for listener in sorted(ns for ns in listeners if enabled(ns) and protocol(ns) != "HTTPS"):
        yield f"{name}: {listener} forwards plain HTTP to the instances; set ListenerEnabled=false and redirect HTTP " \
              "to HTTPS"


@resource_rule("lambda-supported-runtime-and-tracing",
               "Lambda functions run on a runtime AWS still supports and trace with X-Ray (tracing mode Active).")
def lambda_runtime_and_tracing(resource: Resource) -> Iterable[str]:
    if resource.type != LAMBDA_FUNCTION:
        return
    runtime = resource.inputs.get("runtime")
    if resource.inputs.get("packageType", "Zip") == "Zip" and runtime not in SUPPORTED_LAMBDA_RUNTIMES:
        yield f"{resource.name}: runtime {runtime!r} is not a supported Lambda runtime; use e.g. python3.12 or python3.13"
    mode = (decode(resource.inputs.get("tracingConfig")) or {}).get("mode")
    if mode != "Active":
        yield f"{resource.name}: X-Ray tracing is {mode or 'off'}; set tracing_config mode=Active"


def names_function(reference: Any, function: Resource) -> bool:
    """Whether a functionName input (name, ARN or partial ARN, maybe qualified) names `function`."""
    if not isinstance(reference, str) or not reference:
        return False
    name = function.inputs.get("name")
    if reference in (name, function.inputs.get("arn")):
        return True
    return bool(name) and re.search(rf":function:{re.escape(str(name))}(?::[^:]+)?$", reference) is not None


def _on_failure(inputs: Mapping[str, Any], key: str) -> Any:
    return ((decode(inputs.get("destinationConfig")) or {}).get("onFailure") or {}).get(key)


@stack_rule("lambda-failure-destination",
            "Every Lambda function has somewhere for failed events to go: a stream consumer its event source "
            "mapping's on-failure destination; any other function a dead-letter queue or an on-failure destination "
            "of its asynchronous invocations (an SQS-fed function fails back into its queue's redrive).")
def lambda_failure_destination(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    functions = [r for r in resources if r.type == LAMBDA_FUNCTION]
    mappings = [r for r in resources if r.type == LAMBDA_EVENT_SOURCE_MAPPING]
    invoke_configs = [r for r in resources if r.type == LAMBDA_INVOKE_CONFIG]
    covered: set[str] = set()
    for mapping in mappings:
        source = str(mapping.inputs.get("eventSourceArn") or "")
        is_queue = ":sqs:" in source
        if not is_queue and not _on_failure(mapping.inputs, "destinationArn"):
            yield mapping.urn, (f"{mapping.name}: a stream mapping without an on-failure destination loses or blocks "
                                "failed batches; set destination_config.on_failure")
        if is_queue or _on_failure(mapping.inputs, "destinationArn"):
            covered.update(f.urn for f in functions if names_function(mapping.inputs.get("functionName"), f))
    for config in invoke_configs:
        if _on_failure(config.inputs, "destination"):
            covered.update(f.urn for f in functions if names_function(config.inputs.get("functionName"), f))
    for function in functions:
        dead_letter = (decode(function.inputs.get("deadLetterConfig")) or {}).get("targetArn")
        if function.urn not in covered and not dead_letter:
            yield function.urn, (f"{function.name}: failed events have nowhere to go; give it a dead_letter_config, a "
                                 "FunctionEventInvokeConfig on_failure destination, or (stream consumers) an event "
                                 "source mapping with an on_failure destination")


@resource_rule("ses-configuration-set-requires-tls",
               "SES configuration sets refuse to deliver mail over an unencrypted connection (TLS policy Require).")
def ses_requires_tls(resource: Resource) -> Iterable[str]:
    required = SES_CONFIGURATION_SETS.get(resource.type)
    if required is None:
        return
    policy = (decode(resource.inputs.get("deliveryOptions")) or {}).get("tlsPolicy")
    if policy != required:
        yield f"{resource.name}: TLS policy is {policy or 'Optional (the default)'}; set delivery_options " \
              f"tls_policy={required}"


@resource_rule("no-secret-literals-in-environment",
               "No Lambda or Elastic Beanstalk environment variable holds a literal that looks like a secret "
               "(AWS keys, tokens, private keys, passwords); pass a secret's ARN and read it at run time.")
def no_secret_literals(resource: Resource) -> Iterable[str]:
    for name, value in sorted(environment_variables(resource).items()):
        reason = looks_like_secret(name, value)
        if reason:
            yield f"{resource.name}: environment variable {name}: {reason}; store it in Secrets Manager and pass its ARN"
