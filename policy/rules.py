"""The policy rules as plain functions; the CrossGuard pack (__main__.py) and the offline preview both call them.

A resource rule looks at one resource and yields messages; a stack rule looks at all resources and yields
(urn, message) pairs. Inputs are the camelCase properties as registered with the engine. This module imports
nothing from the program so the pack can load it on its own.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["mandatory", "advisory"]

REQUIRED_TAGS = ("Environment", "Owner", "CostCenter", "ManagedBy")

# What must survive a `pulumi destroy` or a refactor in production (DESIGN.md: stateful resources).
STATEFUL_TYPES = frozenset({
    "aws:organizations/organization:Organization",
    "aws:organizations/account:Account",
    "aws:kms/key:Key",
    "aws:rds/cluster:Cluster",
    "aws:opensearch/domain:Domain",
    "aws:s3/bucket:Bucket",
    "aws:kinesis/stream:Stream",
    "aws:backup/vault:Vault",
    "aws:dynamodb/table:Table",
})


@dataclass(frozen=True)
class Resource:
    """What a rule sees of one resource."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    protect: bool = False
    provider_inputs: Mapping[str, Any] | None = None
    parent: str | None = None

    @property
    def tags(self) -> dict[str, str]:
        """The resource's effective tags: its provider's default_tags overlaid with its own."""
        merged: dict[str, str] = {}
        if self.provider_inputs:
            default_tags = decode(self.provider_inputs.get("defaultTags")) or {}
            merged.update(default_tags.get("tags") or {})
        merged.update(self.inputs.get("tags") or {})
        return merged


@dataclass(frozen=True)
class Violation:
    policy: str
    urn: str
    level: Level
    message: str


@dataclass(frozen=True)
class ResourceRule:
    name: str
    description: str
    level: Level
    check: Callable[[Resource], Iterable[str]]


@dataclass(frozen=True)
class StackRule:
    name: str
    description: str
    level: Level
    check: Callable[[Sequence[Resource]], Iterable[tuple[str, str]]]


RESOURCE_RULES: list[ResourceRule] = []
STACK_RULES: list[StackRule] = []


def resource_rule(name: str, description: str, level: Level = "mandatory") -> Callable[..., Any]:
    def register(fn: Callable[[Resource], Iterable[str]]) -> Callable[[Resource], Iterable[str]]:
        RESOURCE_RULES.append(ResourceRule(name, description, level, fn))
        return fn

    return register


def stack_rule(name: str, description: str, level: Level = "mandatory") -> Callable[..., Any]:
    def register(fn: Callable[[Sequence[Resource]], Iterable[tuple[str, str]]]) -> Callable[..., Any]:
        STACK_RULES.append(StackRule(name, description, level, fn))
        return fn

    return register


def evaluate(resources: Sequence[Resource]) -> list[Violation]:
    """Every violation of every rule over `resources` (custom resources only)."""
    violations: list[Violation] = []
    for resource in resources:
        for rule in RESOURCE_RULES:
            violations.extend(Violation(rule.name, resource.urn, rule.level, message) for message in rule.check(resource))
    for stack_check in STACK_RULES:
        violations.extend(Violation(stack_check.name, urn, stack_check.level, message)
                          for urn, message in stack_check.check(resources))
    return violations


def decode(value: Any) -> Any:
    """Provider inputs arrive JSON-encoded (`defaultTags` is a string); other inputs arrive as objects."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


@functools.cache
def is_taggable(type_token: str) -> bool:
    """Whether a pulumi-aws resource type accepts `tags`, read from the SDK's own signature."""
    package, module_path, class_name = type_token.split(":")
    if package != "aws" or class_name == "Provider":
        return False
    module_name = module_path.split("/")[0]
    with warnings.catch_warnings():  # importing a module announces its deprecated classes
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            module = importlib.import_module("pulumi_aws" if module_name == "index" else f"pulumi_aws.{module_name}")
        except ImportError:
            return False
        resource_class = getattr(module, class_name, None)
    init = getattr(resource_class, "_internal_init", None)
    return init is not None and "tags" in inspect.signature(init).parameters


@resource_rule("required-tags", f"Every taggable AWS resource carries {', '.join(REQUIRED_TAGS)} "
                                "(through its provider's default_tags or its own).")
def required_tags(resource: Resource) -> Iterable[str]:
    if not is_taggable(resource.type):
        return
    missing = [tag for tag in REQUIRED_TAGS if not resource.tags.get(tag)]
    if missing:
        yield f"{resource.type} {resource.name} lacks tags {missing}; set them in the provider's default_tags"


@resource_rule("stateful-protected-in-production", "Stateful resources are protected when Environment=production.")
def stateful_protected(resource: Resource) -> Iterable[str]:
    if resource.type in STATEFUL_TYPES and resource.tags.get("Environment") == "production" and not resource.protect:
        yield f"{resource.type} {resource.name} holds state in production but is not protected; pass protect=True"


# --- Identity (issue 5): administrator only for infra-admins, no keys, one kind of user, named trust, MFA -------

ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
# The only holders of administrator documents: the `infra-admins` group (`<org>-infra-admins`) and `Admin` roles.
ADMIN_GROUP_NAME = re.compile(r"(^|-)infra-admins$")
ADMIN_ROLE_NAME = re.compile(r"(^|-)Admin$")
ACCESS_KINDS = ("console", "programmatic")
MFA_KEY = "aws:multifactorauthpresent"


def policy_statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy document given as JSON text or as an object."""
    document = decode(document)
    if not isinstance(document, dict):
        return []
    statements = document.get("Statement") or []
    return [s for s in (statements if isinstance(statements, list) else [statements]) if isinstance(s, dict)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def grants_everything(statement: Mapping[str, Any]) -> bool:
    """An Allow of every action (`*`, `*:*`), or an Allow of everything but a few (NotAction)."""
    if statement.get("Effect") != "Allow":
        return False
    return "NotAction" in statement or any(action in ("*", "*:*") for action in _as_list(statement.get("Action")))


def _admin_holder(resource: Resource) -> tuple[str, bool]:
    """Who holds the policy `resource` carries, and whether that holder may hold administrator documents."""
    inputs = resource.inputs
    if resource.type in ("aws:iam/groupPolicy:GroupPolicy", "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"):
        group = str(inputs.get("group") or "")
        return f"group {group}", bool(ADMIN_GROUP_NAME.search(group))
    if resource.type in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        role = str(inputs.get("role") or "")
        return f"role {role}", bool(ADMIN_ROLE_NAME.search(role))
    if resource.type == "aws:iam/role:Role":
        role = str(inputs.get("name") or resource.name)
        return f"role {role}", bool(ADMIN_ROLE_NAME.search(role))
    if resource.type == "aws:iam/policyAttachment:PolicyAttachment":
        groups, roles = _as_list(inputs.get("groups")), _as_list(inputs.get("roles"))
        allowed = not inputs.get("users") and all(ADMIN_GROUP_NAME.search(str(g)) for g in groups) and all(
            ADMIN_ROLE_NAME.search(str(r)) for r in roles)
        return f"{resource.type} {resource.name}", allowed
    # Users never; a managed policy can be attached to anyone, so it never holds administrator statements.
    return f"{resource.type} {resource.name}", False


@resource_rule("administrator-only-for-infra-admins",
               "No identity policy outside the infra-admins group and Admin roles grants `*:*` (or Allow+NotAction) "
               "or attaches AdministratorAccess.")
def administrator_only_for_infra_admins(resource: Resource) -> Iterable[str]:
    documents: list[Any] = []
    if resource.type in ("aws:iam/policy:Policy", "aws:iam/groupPolicy:GroupPolicy", "aws:iam/rolePolicy:RolePolicy",
                         "aws:iam/userPolicy:UserPolicy"):
        documents.append(resource.inputs.get("policy"))
    if resource.type == "aws:iam/role:Role":
        documents.extend(item.get("policy") for item in _as_list(resource.inputs.get("inlinePolicies"))
                         if isinstance(item, dict))
    attached = [*_as_list(resource.inputs.get("policyArn")), *_as_list(resource.inputs.get("managedPolicyArns"))]
    if not documents and not attached:
        return
    holder, allowed = _admin_holder(resource)
    if allowed:
        return
    for document in documents:
        for statement in policy_statements(document):
            if grants_everything(statement):
                yield (f"{resource.type} {resource.name} grants every action to {holder}; only the infra-admins group "
                       "and Admin roles hold administrator documents: list the actions this principal needs")
                break
    if any(str(arn).endswith(":policy/AdministratorAccess") for arn in attached):
        yield (f"{resource.type} {resource.name} attaches AdministratorAccess to {holder}; only the infra-admins group "
               "and Admin roles administer, and with their own document")


@resource_rule("no-iam-user-access-keys", "No IAM user has an access key resource: programs use roles.")
def no_iam_user_access_keys(resource: Resource) -> Iterable[str]:
    if resource.type == "aws:iam/accessKey:AccessKey":
        yield (f"access key {resource.name} for user {resource.inputs.get('user')}: long-lived keys are not issued; "
               "give the program a role (the build pipeline assumes deploy roles through OIDC)")


@stack_rule("user-console-or-programmatic",
            "Every IAM user is tagged Access=console or Access=programmatic, and no user is both.")
def user_console_or_programmatic(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    logins = {str(r.inputs.get("user")) for r in resources if r.type == "aws:iam/userLoginProfile:UserLoginProfile"}
    keys = {str(r.inputs.get("user")) for r in resources if r.type == "aws:iam/accessKey:AccessKey"}
    for user in (r for r in resources if r.type == "aws:iam/user:User"):
        name = str(user.inputs.get("name") or user.name)
        access = (user.inputs.get("tags") or {}).get("Access")
        if access not in ACCESS_KINDS:
            yield user.urn, f"IAM user {name} is tagged Access={access!r}; tag it `console` (a person) or `programmatic`"
        if name in logins and (access == "programmatic" or name in keys):
            yield user.urn, (f"IAM user {name} has a console login profile and is programmatic; a person and a program "
                             "are separate identities: split it into two users")


def _trust_statements(resource: Resource) -> list[dict[str, Any]]:
    return [s for s in policy_statements(resource.inputs.get("assumeRolePolicy")) if s.get("Effect") == "Allow"]


def _aws_principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [str(p) for p in _as_list(principal.get("AWS"))]
    return []


@resource_rule("role-trust-names-principals", "Every role trust policy names its principals: no `*`, no NotPrincipal.")
def role_trust_names_principals(resource: Resource) -> Iterable[str]:
    if resource.type != "aws:iam/role:Role":
        return
    for statement in _trust_statements(resource):
        principal = statement.get("Principal")
        values = [principal] if isinstance(principal, str) else [
            value for values in (principal or {}).values() for value in _as_list(values)]
        if "NotPrincipal" in statement or principal is None or "*" in values:
            yield (f"role {resource.inputs.get('name') or resource.name} may be assumed by anyone; name the account, "
                   "role, service or identity provider that may assume it")


def _is_human_principal(principal: str) -> bool:
    """A whole account (its root, or a bare id) or an IAM user: principals that stand for people signing in."""
    return bool(re.fullmatch(r"\d{12}", principal)) or principal.endswith(":root") or ":user/" in principal


def _requires_mfa(statement: Mapping[str, Any]) -> bool:
    for operator, block in (statement.get("Condition") or {}).items():
        if operator.lower() in ("bool", "boolifexists") and isinstance(block, dict):
            if any(key.lower() == MFA_KEY and "true" in [str(v).lower() for v in _as_list(value)]
                   for key, value in block.items()):
                return operator.lower() == "bool"
    return False


def _names_only_roles(statement: Mapping[str, Any]) -> bool:
    """The statement narrows an account principal to named roles (aws:PrincipalArn ... :role/...)."""
    for operator, block in (statement.get("Condition") or {}).items():
        if operator.lower().startswith(("arn", "string")) and not operator.lower().endswith("ifexists"):
            for key, value in (block or {}).items():
                values = [str(v) for v in _as_list(value)]
                if key.lower() == "aws:principalarn" and values and all(":role/" in v for v in values):
                    return True
    return False


@resource_rule("human-roles-require-mfa",
               "A role people assume (tagged Access=human, or trusting an account or IAM user, unless tagged "
               "machine/service and narrowed to named roles by aws:PrincipalArn) requires MFA "
               "(Bool aws:MultiFactorAuthPresent = true).")
def human_roles_require_mfa(resource: Resource) -> Iterable[str]:
    if resource.type != "aws:iam/role:Role":
        return
    access = (resource.inputs.get("tags") or {}).get("Access")
    for statement in _trust_statements(resource):
        principals = _aws_principals(statement)
        automation = access in ("machine", "service") and _names_only_roles(statement)
        human = access == "human" or (any(_is_human_principal(p) for p in principals) and not automation)
        if human and principals and not _requires_mfa(statement):
            yield (f"role {resource.inputs.get('name') or resource.name} lets people of {principals} in without MFA; "
                   'add "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}')
# --- Services (issue 7): Elastic Beanstalk, Lambda, SES, environment variables --------------------------------

BEANSTALK_ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
BEANSTALK_TEMPLATE = "aws:elasticbeanstalk/configurationTemplate:ConfigurationTemplate"
LAMBDA_FUNCTION = "aws:lambda/function:Function"
LAMBDA_EVENT_SOURCE_MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
LAMBDA_EVENT_INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
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

# Values that are secrets whatever the variable is called.
SECRET_VALUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("an AWS secret access key",
     re.compile(r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[0-9])"
                r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("an API secret key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+")),
    ("a password inside a URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
)
# Names that promise a secret; their value must then be a reference (an ARN or a parameter path), not the secret.
SECRET_NAME = re.compile(r"(?i)(password|passwd|passphrase|secret|token|api_?key|private_?key|credential)")
_REFERENCE = re.compile(r"^(?:arn:|/|\[secret\]$|\[unknown\]$)")


def looks_like_secret(name: str, value: Any) -> str | None:
    """Why an environment variable's literal looks like a secret, or None."""
    if not isinstance(value, str) or not value or _REFERENCE.match(value):
        return None
    for what, pattern in SECRET_VALUES:
        if pattern.search(value):
            return f"its value looks like {what}"
    plain_value = value.lower() in ("true", "false") or value.replace(".", "", 1).isdigit()
    if SECRET_NAME.search(name) and len(value) >= 8 and not plain_value:
        return "its name promises a secret and its value is a literal, not an ARN or parameter path"
    return None


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


def _names_function(reference: Any, function: Resource) -> bool:
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
    invoke_configs = [r for r in resources if r.type == LAMBDA_EVENT_INVOKE_CONFIG]
    covered: set[str] = set()
    for mapping in mappings:
        source = str(mapping.inputs.get("eventSourceArn") or "")
        is_queue = ":sqs:" in source
        if not is_queue and not _on_failure(mapping.inputs, "destinationArn"):
            yield mapping.urn, (f"{mapping.name}: a stream mapping without an on-failure destination loses or blocks "
                                "failed batches; set destination_config.on_failure")
        if is_queue or _on_failure(mapping.inputs, "destinationArn"):
            covered.update(f.urn for f in functions if _names_function(mapping.inputs.get("functionName"), f))
    for config in invoke_configs:
        if _on_failure(config.inputs, "destination"):
            covered.update(f.urn for f in functions if _names_function(config.inputs.get("functionName"), f))
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
