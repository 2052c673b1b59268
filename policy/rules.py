"""The policy rules as plain functions; the CrossGuard pack (__main__.py) and the offline preview both call them.

A resource rule looks at one resource and yields messages; a stack rule looks at all resources and yields
(urn, message) pairs. Inputs are the camelCase properties as registered with the engine. This module imports
nothing from the program so the pack can load it on its own.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import ipaddress
import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pulumi_policy.proxy import UnknownValueError

_T = TypeVar("_T")

Level = Literal["mandatory", "advisory"]

REQUIRED_TAGS = ("Environment", "Owner", "CostCenter", "ManagedBy")

# What must survive a `pulumi destroy` or a refactor in production (README: stateful resources are protected in production).
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
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)  # input -> URNs it came from
    dependencies: Sequence[str] = ()  # URNs it waits for: explicit depends_on and those its inputs came from
    ignore_changes: Sequence[str] = ()  # input names the engine leaves alone after creation

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


def once_per_resources(compute: Callable[[Sequence[Resource]], _T]) -> Callable[[Sequence[Resource]], _T]:
    """`compute` over a resource list, computed again only for other resource objects than last time: a preview asks
    for the same verdicts several times (its rules, its printed tables, its inventory). Callers must not change
    what it returns."""
    last: list[tuple[tuple[Resource, ...], _T]] = []

    @functools.wraps(compute)
    def computed(resources: Sequence[Resource]) -> _T:
        if last and len(last[0][0]) == len(resources) and all(a is b for a, b in zip(last[0][0], resources, strict=True)):
            return last[0][1]
        result = compute(resources)
        last[:] = [(tuple(resources), result)]
        return result

    return computed


def evaluate(resources: Sequence[Resource]) -> list[Violation]:
    """Every violation of every rule over `resources` (custom resources only), as the CrossGuard analyzer reports them.

    A rule that meets a value not known until deployment (pulumi_policy's proxies raise UnknownValueError) is skipped,
    for that resource or (a stack rule) for the stack, and says so in an advisory violation; what it reported before
    stands. pulumi_policy's analyzer does the same (pulumi_policy/policy.py, Analyze and AnalyzeStack).
    """
    violations: list[Violation] = []
    for resource in resources:
        for rule in RESOURCE_RULES:  # every resource meets every rule: kept lean (a hundred accounts, 400,000 checks)
            try:
                for message in rule.check(resource):
                    violations.append(Violation(rule.name, resource.urn, rule.level, message))
            except UnknownValueError as unknown:
                violations.append(_undecided(rule.name, resource.urn, unknown))
    for stack_check in STACK_RULES:
        violations.extend(_checked(stack_check.name, stack_check.level, "", found=stack_check.check(resources)))
    return violations


def _checked(policy: str, level: Level, urn: str, *, found: Iterable[tuple[str, str]]) -> list[Violation]:
    violations: list[Violation] = []
    try:
        violations.extend(Violation(policy, where, level, message) for where, message in found)
    except UnknownValueError as unknown:
        violations.append(_undecided(policy, urn, unknown))
    return violations


def _undecided(policy: str, urn: str, unknown: UnknownValueError) -> Violation:
    return Violation(policy, urn, "advisory", f"can't decide before deployment: {unknown.message}")


def decode(value: Any) -> Any:
    """Provider inputs arrive JSON-encoded (`defaultTags` is a string); other inputs arrive as objects."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def number(value: Any) -> Any:
    """A number for a message, as people write it: the engine carries every number as a double (port 22 is 22.0)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


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


# --- Audit trail, keys, buckets and log groups --------------------------------------------------------

TRAIL = "aws:cloudtrail/trail:Trail"
KMS_KEY = "aws:kms/key:Key"
KMS_EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUCKET_TYPES = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})


@resource_rule("cloudtrail-encrypted-and-validated",
               "Every CloudTrail trail encrypts its logs with a KMS key and has log file validation on.")
def cloudtrail_encrypted_and_validated(resource: Resource) -> Iterable[str]:
    if resource.type != TRAIL:
        return
    if not resource.inputs.get("kmsKeyId"):
        yield f"trail {resource.name} is not KMS-encrypted; set kms_key_id"
    if resource.inputs.get("enableLogFileValidation") is not True:
        yield f"trail {resource.name} does not validate log files; set enable_log_file_validation=True"


@resource_rule("kms-key-rotation",
               "Every symmetric KMS key rotates automatically; keys with imported material (which cannot) are refused. "
               "Asymmetric, HMAC and custom-key-store keys, which AWS cannot rotate, are not inspected.")
def kms_key_rotation(resource: Resource) -> Iterable[str]:
    if resource.type == KMS_EXTERNAL_KEY:
        yield f"key {resource.name} holds imported material, which never rotates; use aws.kms.Key with rotation"
        return
    if resource.type != KMS_KEY:
        return
    spec = resource.inputs.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    if spec != "SYMMETRIC_DEFAULT" or resource.inputs.get("customKeyStoreId"):
        return
    if resource.inputs.get("enableKeyRotation") is not True:
        yield f"key {resource.name} does not rotate; set enable_key_rotation=True"


@resource_rule("log-group-encrypted-with-retention",
               "Every CloudWatch log group is encrypted with a KMS key and has a retention period.")
def log_group_encrypted_with_retention(resource: Resource) -> Iterable[str]:
    if resource.type != LOG_GROUP:
        return
    if not resource.inputs.get("kmsKeyId"):
        yield f"log group {resource.name} is not KMS-encrypted; set kms_key_id"
    retention = resource.inputs.get("retentionInDays")
    if not isinstance(retention, (int, float)) or retention <= 0:
        yield f"log group {resource.name} keeps logs forever; set retention_in_days"


def _bucket_settings(resources: Sequence[Resource], setting_type: str) -> dict[str, list[Resource]]:
    """For every bucket, the resources of `setting_type` whose `bucket` input refers to it.

    A setting refers to a bucket when its `bucket` input was built from the bucket resource (property dependency,
    e.g. `bucket=bucket.bucket` or `bucket.id`) or names it literally (the bucket's own `bucket` input).
    """
    buckets = [r for r in resources if r.type in BUCKET_TYPES]
    urns = {b.urn for b in buckets}
    settings: dict[str, list[Resource]] = {b.urn: [] for b in buckets}
    by_name: dict[str, str] = {}
    for setting in resources:
        if setting.type != setting_type:
            continue
        targets = {urn for urn in setting.property_dependencies.get("bucket", ()) if urn in urns}
        if not targets:  # names read only here: while buckets are being created, ids and some names are unknown
            by_name = by_name or {b.inputs["bucket"]: b.urn for b in buckets if isinstance(b.inputs.get("bucket"), str)}
            name = setting.inputs.get("bucket")
            if isinstance(name, str) and name in by_name:
                targets.add(by_name[name])
        for urn in targets:
            settings[urn].append(setting)
    return settings


def _buckets(resources: Sequence[Resource]) -> dict[str, Resource]:
    return {r.urn: r for r in resources if r.type in BUCKET_TYPES}


def _bucket_name(bucket: Resource) -> str:
    return str(bucket.inputs.get("bucket") or bucket.name)


@stack_rule("s3-bucket-blocks-public-access",
            "Every S3 bucket has an aws.s3.BucketPublicAccessBlock with all four flags on.")
def s3_bucket_blocks_public_access(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    buckets = _buckets(resources)
    for urn, blocks in _bucket_settings(resources, BUCKET_PUBLIC_ACCESS_BLOCK).items():
        if not any(all(block.inputs.get(flag) is True for flag in PUBLIC_ACCESS_FLAGS) for block in blocks):
            yield urn, (f"bucket {_bucket_name(buckets[urn])} has no public access block with {', '.join(PUBLIC_ACCESS_FLAGS)} "
                        "all true; add aws.s3.BucketPublicAccessBlock")


def _denies_insecure_transport(statement: Mapping[str, Any]) -> bool:
    secure = ((statement.get("Condition") or {}).get("Bool") or {}).get("aws:SecureTransport")
    return (statement.get("Effect") == "Deny" and _is_everyone(statement.get("Principal"))
            and any(a in ("*", "s3:*") for a in _as_list(statement.get("Action")))
            and "false" in [str(value).lower() for value in _as_list(secure)]
            and any(str(r).endswith("/*") for r in _as_list(statement.get("Resource"))))


@stack_rule("s3-bucket-enforces-tls",
            "Every S3 bucket has a bucket policy that denies s3:* to everyone, objects included, "
            "when aws:SecureTransport is false.")
def s3_bucket_enforces_tls(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    buckets = _buckets(resources)
    for urn, policies in _bucket_settings(resources, BUCKET_POLICY).items():
        documents = [decode(policy.inputs.get("policy")) for policy in policies]
        statements = [s for doc in documents if isinstance(doc, Mapping) for s in _as_list(doc.get("Statement"))]
        if not any(isinstance(s, Mapping) and _denies_insecure_transport(s) for s in statements):
            yield urn, (f"bucket {_bucket_name(buckets[urn])} does not refuse plain HTTP; add an aws.s3.BucketPolicy statement "
                        "denying s3:* to * on the bucket and its objects when aws:SecureTransport is false")


@stack_rule("s3-bucket-encrypted-with-kms",
            "Every S3 bucket has an aws.s3.BucketServerSideEncryptionConfiguration whose default is aws:kms.")
def s3_bucket_encrypted_with_kms(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    buckets = _buckets(resources)
    for urn, configurations in _bucket_settings(resources, BUCKET_ENCRYPTION).items():
        algorithms = [
            ((rule or {}).get("applyServerSideEncryptionByDefault") or {}).get("sseAlgorithm")
            for configuration in configurations for rule in _as_list(configuration.inputs.get("rules"))
        ]
        if not algorithms or any(algorithm not in KMS_ALGORITHMS for algorithm in algorithms):
            yield urn, (f"bucket {_bucket_name(buckets[urn])} is not encrypted with KMS by default "
                        f"(found {algorithms or 'nothing'}); add aws.s3.BucketServerSideEncryptionConfiguration with "
                        "sse_algorithm aws:kms")
# --- Identity: administrator only for infra-admins, no keys, one kind of user, named trust, MFA -------

ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
# The only holders of administrator documents: the `infra-admins` group (`<org>-infra-admins`) and `Admin` roles.
ADMIN_GROUP_NAME = re.compile(r"(^|-)infra-admins$")
ADMIN_ROLE_NAME = re.compile(r"(^|-)Admin$")
ACCESS_KINDS = ("console", "programmatic")
MFA_KEY = "aws:multifactorauthpresent"


def policy_statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document given as JSON text or as an object."""
    document = decode(document)
    if not isinstance(document, Mapping):
        return []
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, Mapping)]


def _as_list(value: Any) -> list[Any]:
    """A field that holds one value or a list of them (IAM's Action, Resource, Principal.AWS) as a list.

    A list may be any Sequence: pulumi_policy hands the pack its own proxies for lists and dicts, not `list`/`dict`.
    """
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return list(value)
    return [value]


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
                         if isinstance(item, Mapping))
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


def _trust_statements(resource: Resource) -> list[Mapping[str, Any]]:
    return [s for s in policy_statements(resource.inputs.get("assumeRolePolicy")) if s.get("Effect") == "Allow"]


def _aws_principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, Mapping):
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
        if operator.lower() in ("bool", "boolifexists") and isinstance(block, Mapping):
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


# --- Monitoring: alarms act, topics are encrypted and private, every Lambda keeps its failures ---------
ALARM_TYPES = frozenset({"aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"})
SNS_TOPIC = "aws:sns/topic:Topic"
SNS_TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
LAMBDA_FUNCTION = "aws:lambda/function:Function"
LAMBDA_INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
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


def _is_everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return "*" in _as_list(principal.get("AWS"))
    return False


def public_statements(policy: Any) -> list[str]:
    """Sids (or indexes) of statements that allow anyone (`Principal: *`) without an org/account condition."""
    document = decode(policy)
    if not isinstance(document, Mapping):
        return []
    found = []
    for index, statement in enumerate(_as_list(document.get("Statement"))):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        if not _is_everyone(statement.get("Principal")):
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



# --- Network: security-group exposure, NACL admin ports, flow logs, NAT per AZ, segment isolation -----
# References are followed through `property_dependencies` (input -> URNs), known even before ids exist.

_VPC = "aws:ec2/vpc:Vpc"
_SUBNET = "aws:ec2/subnet:Subnet"
_NAT = "aws:ec2/natGateway:NatGateway"
_IGW = "aws:ec2/internetGateway:InternetGateway"
_ROUTE = "aws:ec2/route:Route"
_ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
_GROUP = "aws:ec2/securityGroup:SecurityGroup"
_TGW_TABLE = "aws:ec2transitgateway/routeTable:RouteTable"
_TGW_ATTACHMENTS = ("aws:ec2transitgateway/vpcAttachment:VpcAttachment",
                    "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter")
PUBLIC_WEB_PORTS = (80, 443)
ADMIN_PORTS = (22, 3389)
# Segments whose networks must never route to each other.
ISOLATED_SEGMENTS = (frozenset({"dev", "prod"}),)


def _anywhere(cidr: Any) -> bool:
    try:
        return isinstance(cidr, str) and ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def _overlaps(a: Any, b: Any) -> bool:
    try:
        return ipaddress.ip_network(a, strict=False).overlaps(ipaddress.ip_network(b, strict=False))
    except (TypeError, ValueError):
        return False


def _protocol(value: Any) -> str:
    text = str(value).lower()
    return {"6": "tcp", "17": "udp", "-1": "all"}.get(text, text)


def _covers(protocol: Any, from_port: Any, to_port: Any, *, port: int) -> bool:
    kind = _protocol(protocol)
    if kind == "all":
        return True
    return kind == "tcp" and from_port is not None and int(from_port) <= port <= int(to_port if to_port is not None
                                                                                     else from_port)


class _Graph:
    """Resources by URN, and references between them through the input that holds each one."""

    def __init__(self, resources: Sequence[Resource]):
        self.by_urn = {r.urn: r for r in resources}
        self.by_type: dict[str, list[Resource]] = {}
        self.referrers: dict[str, list[tuple[str, Resource]]] = {}  # urn -> (input, resource that references it)
        for resource in resources:
            self.by_type.setdefault(resource.type, []).append(resource)
            for key, urns in resource.property_dependencies.items():
                for urn in set(urns):
                    self.referrers.setdefault(urn, []).append((key, resource))

    def of(self, *types: str) -> list[Resource]:
        return [r for token in types for r in self.by_type.get(token, [])]

    def deps(self, resource: Resource, key: str, *types: str) -> list[Resource]:
        """The resources of `types` that `resource.inputs[key]` was built from."""
        found = [self.by_urn[urn] for urn in resource.property_dependencies.get(key, ()) if urn in self.by_urn]
        return [r for r in found if r.type in types]

    def dependents(self, resource: Resource, key: str, *types: str) -> list[Resource]:
        """The resources of `types` whose input `key` references `resource`."""
        return [r for k, r in self.referrers.get(resource.urn, []) if k == key and r.type in types]


def _web_only(public: bool, protocol: Any, from_port: Any, *, to_port: Any) -> bool:
    return (public and _protocol(protocol) == "tcp" and from_port is not None and from_port == to_port
            and int(from_port) in PUBLIC_WEB_PORTS)


@stack_rule("security-group-internet-ingress", "Ingress from 0.0.0.0/0 or ::/0 only on TCP 80/443, and only into "
                                               "a security group tagged Exposure=public (a public load balancer).")
def security_group_internet_ingress(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = _Graph(resources)
    for resource in resources:
        rules: list[tuple[Any, Any, Any, list[Any]]] = []
        groups: list[Resource] = []
        if resource.type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            rules = [(resource.inputs.get("ipProtocol"), resource.inputs.get("fromPort"), resource.inputs.get("toPort"),
                      [resource.inputs.get("cidrIpv4"), resource.inputs.get("cidrIpv6")])]
        elif resource.type == "aws:ec2/securityGroupRule:SecurityGroupRule" and resource.inputs.get("type") == "ingress":
            rules = [(resource.inputs.get("protocol"), resource.inputs.get("fromPort"), resource.inputs.get("toPort"),
                      [*(resource.inputs.get("cidrBlocks") or []), *(resource.inputs.get("ipv6CidrBlocks") or [])])]
        elif resource.type in (_GROUP, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"):
            rules = [(rule.get("protocol"), rule.get("fromPort"), rule.get("toPort"),
                      [*(rule.get("cidrBlocks") or []), *(rule.get("ipv6CidrBlocks") or [])])
                     for rule in resource.inputs.get("ingress") or []]
            groups = [resource] if resource.type == _GROUP else []
        if not rules:
            continue
        if not groups and resource.type != "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
            parent = graph.by_urn.get(resource.parent or "")
            groups = ([parent] if parent is not None and parent.type == _GROUP
                      else graph.deps(resource, "securityGroupId", _GROUP))
        public = bool(groups) and all(group.tags.get("Exposure") == "public" for group in groups)
        for protocol, from_port, to_port, cidrs in rules:
            for cidr in (c for c in cidrs if _anywhere(c)):
                if not _web_only(public, protocol, from_port, to_port=to_port):
                    where = "a public group" if public else "a group not tagged Exposure=public"
                    ports = f"{number(from_port)}-{number(to_port)}"
                    yield resource.urn, (f"{resource.name} admits {cidr} on {_protocol(protocol)} {ports} "
                                         f"into {where}; only a public load balancer group may admit the internet, "
                                         "on TCP 80 or 443")


def _first_anywhere_match(entries: list[Mapping[str, Any]], port: int) -> Mapping[str, Any] | None:
    ordered = sorted(entries, key=lambda e: int(e.get("ruleNo") or e.get("ruleNumber") or 0))
    for entry in ordered:
        if not (_anywhere(entry.get("cidrBlock")) or _anywhere(entry.get("ipv6CidrBlock"))):
            continue
        if _covers(entry.get("protocol"), entry.get("fromPort"), entry.get("toPort"), port=port):
            return entry if str(entry.get("action") or entry.get("ruleAction")).lower() == "allow" else None
    return None


@stack_rule("nacl-admin-ports-closed", "No network ACL admits TCP 22 or 3389 from 0.0.0.0/0 or ::/0 "
                                       "(the first matching rule for the internet must not allow it).")
def nacl_admin_ports_closed(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = _Graph(resources)
    acls: dict[str, tuple[str, list[Mapping[str, Any]]]] = {}
    for acl in graph.of("aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"):
        acls[acl.urn] = (acl.name, list(acl.inputs.get("ingress") or []))
    for rule in graph.of("aws:ec2/networkAclRule:NetworkAclRule"):
        if rule.inputs.get("egress"):
            continue
        owner = next((d.urn for d in graph.deps(rule, "networkAclId", "aws:ec2/networkAcl:NetworkAcl")),
                     str(rule.inputs.get("networkAclId") or rule.urn))
        acls.setdefault(owner, (rule.name, []))[1].append(rule.inputs)
    for urn, (name, entries) in acls.items():
        for port in ADMIN_PORTS:
            opener = _first_anywhere_match(entries, port)
            if opener is not None:
                rule_number = number(opener.get("ruleNo") or opener.get("ruleNumber"))
                yield urn, (f"network ACL {name} rule {rule_number} admits TCP {port} from the internet; deny it or "
                            "narrow the CIDR (use Session Manager for administration)")


@stack_rule("vpc-flow-logs", "Every VPC has a flow log capturing ALL traffic.")
def vpc_flow_logs(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = _Graph(resources)
    for vpc in graph.of(_VPC):
        logs = graph.dependents(vpc, "vpcId", "aws:ec2/flowLog:FlowLog")
        if not any(log.inputs.get("trafficType") == "ALL" for log in logs):
            yield vpc.urn, f"VPC {vpc.name} has no flow log with traffic_type ALL; add an aws.ec2.FlowLog for it"


def _zone(subnet: Resource) -> Any:
    return subnet.inputs.get("availabilityZone") or subnet.inputs.get("availabilityZoneId")


def _default_targets(graph: _Graph, table: Resource) -> list[Resource]:
    """What the route table's 0.0.0.0/0 routes point at (separate routes and inline ones)."""
    targets = []
    for route in graph.dependents(table, "routeTableId", _ROUTE):
        if route.inputs.get("destinationCidrBlock") == "0.0.0.0/0":
            targets.extend(graph.deps(route, "natGatewayId", _NAT) + graph.deps(route, "gatewayId", _IGW) or [route])
    if any(r.get("cidrBlock") == "0.0.0.0/0" for r in table.inputs.get("routes") or []):
        targets.extend(graph.deps(table, "routes", _NAT, _IGW) or [table])
    return targets


def _subnet_defaults(graph: _Graph) -> dict[str, tuple[Resource, list[Resource]]]:
    """Subnet URN -> (subnet, targets of its default route)."""
    found: dict[str, tuple[Resource, list[Resource]]] = {s.urn: (s, []) for s in graph.of(_SUBNET)}
    for association in graph.of(_ASSOCIATION):
        for subnet in graph.deps(association, "subnetId", _SUBNET):
            for table in graph.deps(association, "routeTableId", _ROUTE_TABLE):
                found[subnet.urn][1].extend(_default_targets(graph, table))
    return found


def _is_private(subnet: Resource, targets: list[Resource]) -> bool:
    return subnet.tags.get("Tier") == "app" or any(t.type == _NAT for t in targets)


@stack_rule("private-subnet-nat-same-az", "Every private subnet's default route points to a NAT gateway in the "
                                          "subnet's own AZ.")
def private_subnet_nat_same_az(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = _Graph(resources)
    for subnet, targets in _subnet_defaults(graph).values():
        if any(t.type == _IGW for t in targets) or not _is_private(subnet, targets):
            continue
        if not targets:
            yield subnet.urn, f"private subnet {subnet.name} has no default route; route 0.0.0.0/0 to its AZ's NAT"
        for target in targets:
            nat_zones = [_zone(s) for s in graph.deps(target, "subnetId", _SUBNET)] if target.type == _NAT else []
            if nat_zones != [_zone(subnet)]:
                yield subnet.urn, (f"private subnet {subnet.name} in {_zone(subnet)} sends 0.0.0.0/0 to {target.name}"
                                   f"{f' in {nat_zones[0]}' if nat_zones else ''}; use the NAT gateway of its own AZ")


@stack_rule("nat-gateway-per-az", "A VPC with private subnets has exactly one NAT gateway in every AZ it spans.")
def nat_gateway_per_az(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = _Graph(resources)
    defaults = _subnet_defaults(graph)
    for vpc in graph.of(_VPC):
        subnets = graph.dependents(vpc, "vpcId", _SUBNET)
        if not any(_is_private(s, defaults[s.urn][1]) for s in subnets):
            continue
        zones = sorted({str(_zone(s)) for s in subnets})
        nat_zones = sorted(str(_zone(s)) for s in subnets for _ in graph.dependents(s, "subnetId", _NAT))
        if nat_zones != zones:
            yield vpc.urn, (f"VPC {vpc.name} spans {zones} but has {len(nat_zones)} NAT gateway(s) in {nat_zones}; "
                            "put exactly one NAT gateway in each AZ's public subnet")


def _isolated(a: Any, b: Any) -> bool:
    return frozenset({a, b}) in ISOLATED_SEGMENTS


@stack_rule("transit-segments-isolated", "Dev and production never route to each other: no Transit Gateway route "
                                         "table of one segment associates, learns or routes to the other, and no "
                                         "VPC route sends traffic for the other segment's VPCs to the hub.")
def transit_segments_isolated(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    graph = _Graph(resources)
    vpc_ranges = [(vpc.tags.get("Segment"), vpc.inputs.get("cidrBlock"), vpc.name) for vpc in graph.of(_VPC)]
    hub_links = ("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
                 "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
                 "aws:ec2transitgateway/route:Route")
    for link in graph.of(*hub_links):
        for table in graph.deps(link, "transitGatewayRouteTableId", _TGW_TABLE):
            segment = table.tags.get("Segment")
            for attachment in graph.deps(link, "transitGatewayAttachmentId", *_TGW_ATTACHMENTS):
                if _isolated(segment, attachment.tags.get("Segment")):
                    yield link.urn, (f"{link.name} joins the {segment} route table {table.name} to the "
                                     f"{attachment.tags.get('Segment')} attachment {attachment.name}")
            destination = link.inputs.get("destinationCidrBlock")
            for other, cidr, name in vpc_ranges:
                if destination and _isolated(segment, other) and _overlaps(destination, cidr):
                    yield link.urn, f"{link.name} routes {destination} ({other} VPC {name}) in the {segment} table"
    for route in graph.of(_ROUTE):
        if "transitGatewayId" not in set(route.inputs):  # the key alone: the hub's id is unknown until it exists
            continue
        destination = route.inputs.get("destinationCidrBlock")
        for table in graph.deps(route, "routeTableId", _ROUTE_TABLE):
            for vpc in graph.deps(table, "vpcId", _VPC):
                segment = vpc.tags.get("Segment")
                for other, cidr, name in vpc_ranges:
                    if _isolated(segment, other) and _overlaps(destination, cidr):
                        yield route.urn, (f"{route.name} in {segment} VPC {vpc.name} sends {destination} to the hub, "
                                          f"which covers {other} VPC {name} ({cidr})")


# ==============================================================================================================
# Data tier: Aurora, OpenSearch, Kinesis and Firehose encrypted and placed as production needs; every
# primary data store in a backup selection; vaults encrypted and locked; each plan meets its stated RPO.
# ==============================================================================================================

RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_INSTANCE = "aws:rds/instance:Instance"
OPENSEARCH_DOMAIN = "aws:opensearch/domain:Domain"
KINESIS_STREAM = "aws:kinesis/stream:Stream"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
BACKUP_VAULT = "aws:backup/vault:Vault"
BACKUP_VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"
DYNAMODB_TABLE = "aws:dynamodb/table:Table"
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
# Buckets are many (logs, artifacts, archives); those holding primary data say so with this tag.
PRIMARY_STORE_TAG = ("DataStore", "primary")
# TLS policies OpenSearch offers that require TLS 1.2 or newer.
MODERN_TLS_POLICIES = frozenset({"Policy-Min-TLS-1-2-PFS-2023-10", "Policy-Min-TLS-1-2-2019-07"})
AWS_MANAGED_KINESIS_KEY = "alias/aws/kinesis"
VAULT_LOCK_MIN_CHANGEABLE_DAYS = 3


def _in_production(resource: Resource) -> bool:
    return resource.tags.get("Environment") == "production"


def _label(resource: Resource) -> str:
    return str(resource.inputs.get("name") or resource.inputs.get("clusterIdentifier")
               or resource.inputs.get("domainName") or resource.name)


def _refers_to(resource: Resource, field_name: str, target: Resource) -> bool:
    """`resource.<field_name>` was built from `target`'s outputs (a property dependency)."""
    return target.urn in resource.property_dependencies.get(field_name, ())


@resource_rule("aurora-encrypted", "Every Aurora cluster (and RDS instance) encrypts its storage with a KMS key.")
def aurora_encrypted(resource: Resource) -> Iterable[str]:
    if resource.type == RDS_CLUSTER:
        if resource.inputs.get("storageEncrypted") is not True or not resource.inputs.get("kmsKeyId"):
            yield (f"cluster {_label(resource)} does not encrypt its storage with a customer key; set "
                   "storage_encrypted=True and kms_key_id")
    elif resource.type == RDS_INSTANCE and not resource.inputs.get("dbClusterIdentifier"):
        if resource.inputs.get("storageEncrypted") is not True:
            yield f"instance {_label(resource)} does not encrypt its storage; set storage_encrypted=True and kms_key_id"


@resource_rule("aurora-deletion-protected-in-production",
               "In production every Aurora cluster has deletion protection on and keeps a final snapshot.")
def aurora_deletion_protected(resource: Resource) -> Iterable[str]:
    if resource.type != RDS_CLUSTER or not _in_production(resource):
        return
    if resource.inputs.get("deletionProtection") is not True:
        yield f"cluster {_label(resource)} can be deleted in production; set deletion_protection=True"
    if resource.inputs.get("skipFinalSnapshot") is True:
        yield f"cluster {_label(resource)} would be deleted without a final snapshot; set skip_final_snapshot=False"


@resource_rule("aurora-not-public", "No Aurora cluster or database instance is publicly accessible.")
def aurora_not_public(resource: Resource) -> Iterable[str]:
    if resource.type in (RDS_CLUSTER, RDS_CLUSTER_INSTANCE, RDS_INSTANCE) and resource.inputs.get("publiclyAccessible"):
        yield f"{resource.type} {_label(resource)} is publicly accessible; set publicly_accessible=False"


@stack_rule("aurora-readers-span-azs-in-production",
            "In production every Aurora cluster has a writer and at least one reader, in at least two AZs named "
            "explicitly.")
def aurora_readers_span_azs(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    instances = [r for r in resources if r.type == RDS_CLUSTER_INSTANCE]
    for cluster in resources:
        if cluster.type != RDS_CLUSTER or not _in_production(cluster):
            continue
        members = [i for i in instances if _refers_to(i, "clusterIdentifier", cluster)
                   or i.inputs.get("clusterIdentifier") == cluster.inputs.get("clusterIdentifier")]
        zones = {i.inputs.get("availabilityZone") for i in members}
        if len(members) < 2 or None in zones or len(zones) < 2:
            yield cluster.urn, (f"cluster {_label(cluster)} has {len(members)} instance(s) in AZs {sorted(map(str, zones))};"
                                " production needs a writer and readers in at least two AZs, each with "
                                "availability_zone set")


@resource_rule("opensearch-encrypted-https-in-vpc",
               "Every OpenSearch domain encrypts at rest (KMS) and node to node, enforces HTTPS with a TLS 1.2+ policy, "
               "and lives in a VPC.")
def opensearch_encrypted(resource: Resource) -> Iterable[str]:
    if resource.type != OPENSEARCH_DOMAIN:
        return
    name = _label(resource)
    at_rest = resource.inputs.get("encryptAtRest") or {}
    if at_rest.get("enabled") is not True or not at_rest.get("kmsKeyId"):
        yield f"domain {name} is not encrypted at rest with a KMS key; set encrypt_at_rest enabled with kms_key_id"
    if (resource.inputs.get("nodeToNodeEncryption") or {}).get("enabled") is not True:
        yield f"domain {name} does not encrypt traffic between nodes; enable node_to_node_encryption"
    endpoint = resource.inputs.get("domainEndpointOptions") or {}
    if endpoint.get("enforceHttps") is not True or endpoint.get("tlsSecurityPolicy") not in MODERN_TLS_POLICIES:
        yield (f"domain {name} does not enforce HTTPS with TLS 1.2+; set enforce_https=True and tls_security_policy "
               f"to one of {sorted(MODERN_TLS_POLICIES)}")
    if not (resource.inputs.get("vpcOptions") or {}).get("subnetIds"):
        yield f"domain {name} has a public endpoint; place it in the VPC with vpc_options.subnet_ids"


@resource_rule("opensearch-zone-aware-in-production",
               "In production every OpenSearch domain spreads over 3 AZs (zone awareness) with dedicated masters.")
def opensearch_zone_aware(resource: Resource) -> Iterable[str]:
    if resource.type != OPENSEARCH_DOMAIN or not _in_production(resource):
        return
    cluster = resource.inputs.get("clusterConfig") or {}
    zones = (cluster.get("zoneAwarenessConfig") or {}).get("availabilityZoneCount")
    if cluster.get("zoneAwarenessEnabled") is not True or zones != 3:
        yield f"domain {_label(resource)} is not zone-aware over 3 AZs in production (got {number(zones)}); enable zone awareness"
    if cluster.get("dedicatedMasterEnabled") is not True:
        yield f"domain {_label(resource)} has no dedicated masters in production; enable dedicated_master_enabled"


@resource_rule("kinesis-firehose-kms", "Every Kinesis stream is encrypted with a customer KMS key, and every Firehose "
                                       "delivery stream encrypts what it holds and what it writes with KMS.")
def kinesis_firehose_kms(resource: Resource) -> Iterable[str]:
    if resource.type == KINESIS_STREAM:
        key = resource.inputs.get("kmsKeyId")
        if resource.inputs.get("encryptionType") != "KMS" or not key or key == AWS_MANAGED_KINESIS_KEY:
            yield f"stream {_label(resource)} is not encrypted with a customer KMS key; set encryption_type=KMS, kms_key_id"
    elif resource.type == FIREHOSE:
        name = _label(resource)
        if resource.inputs.get("kinesisSourceConfiguration"):
            pass  # records at rest stay in the source stream, which the stream rule covers
        elif (resource.inputs.get("serverSideEncryption") or {}).get("enabled") is not True:
            yield f"delivery stream {name} does not encrypt records at rest; enable server_side_encryption"
        destination = resource.inputs.get("extendedS3Configuration")
        if destination is not None and not destination.get("kmsKeyArn"):
            yield f"delivery stream {name} writes objects without a KMS key; set extended_s3_configuration.kms_key_arn"


def _primary_store(resource: Resource) -> bool:
    """What must be backed up: Aurora/RDS databases, DynamoDB tables, EFS, and buckets tagged as primary data."""
    if resource.type in (RDS_CLUSTER, DYNAMODB_TABLE, EFS_FILE_SYSTEM):
        return True
    if resource.type == RDS_INSTANCE:
        return not resource.inputs.get("dbClusterIdentifier")
    key, value = PRIMARY_STORE_TAG
    return resource.type in BUCKET_TYPES and resource.tags.get(key) == value


@stack_rule("stateful-in-backup-selection",
            "Every Aurora cluster, standalone RDS instance, DynamoDB table, EFS file system and bucket tagged "
            "DataStore=primary carries the tag of a backup selection (STRINGEQUALS) in its own account.")
def stateful_in_backup_selection(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    selections: dict[str | None, list[tuple[str, str]]] = {}
    for selection in resources:
        if selection.type == BACKUP_SELECTION:
            tags = [(t.get("key"), t.get("value")) for t in _as_list(selection.inputs.get("selectionTags"))
                    if (t or {}).get("type") == "STRINGEQUALS"]
            selections.setdefault(selection.tags.get("Account"), []).extend(tags)
    for store in resources:
        if not _primary_store(store):
            continue
        account = store.tags.get("Account")
        wanted = selections.get(account, [])
        if not any(store.tags.get(key) == value for key, value in wanted):
            hint = f"tag it {dict(wanted[:1])}" if wanted else "add a backup selection to the account"
            yield store.urn, f"{store.type} {_label(store)} is in no backup selection of account {account}; {hint}"


@resource_rule("backup-vault-encrypted", "Every backup vault encrypts recovery points with a customer KMS key.")
def backup_vault_encrypted(resource: Resource) -> Iterable[str]:
    if resource.type == BACKUP_VAULT and not resource.inputs.get("kmsKeyArn"):
        yield f"vault {_label(resource)} uses the AWS-managed key; set kms_key_arn to a customer key"


@stack_rule("backup-vault-locked-in-production",
            "In production every backup vault has a vault lock that becomes immutable (changeable_for_days >= 3).")
def backup_vault_locked(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    locks = [r for r in resources if r.type == BACKUP_VAULT_LOCK]
    for vault in resources:
        if vault.type != BACKUP_VAULT or not _in_production(vault):
            continue
        mine = [lock for lock in locks if _refers_to(lock, "backupVaultName", vault)
                or (lock.inputs.get("backupVaultName") == vault.inputs.get("name")
                    and lock.tags.get("Account") == vault.tags.get("Account"))]
        days = [lock.inputs.get("changeableForDays") for lock in mine]
        if not any(isinstance(d, (int, float)) and d >= VAULT_LOCK_MIN_CHANGEABLE_DAYS for d in days):
            yield vault.urn, (f"vault {_label(vault)} is not locked in production (locks: {[number(d) for d in days]}); add a "
                              f"VaultLockConfiguration with changeable_for_days >= {VAULT_LOCK_MIN_CHANGEABLE_DAYS}")


_CRON = re.compile(r"^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$")


def schedule_interval_hours(expression: str) -> float | None:
    """Longest gap (hours) between runs of the cron forms backup plans use; None when the form is not one of them."""
    match = _CRON.match(expression or "")
    if not match:
        return None
    minute, hour, day, _month, weekday, _year = match.groups()
    if not minute.isdigit():
        return None
    if day in ("*", "?") and weekday in ("*", "?"):
        step = re.fullmatch(r"(\d+|\*)/(\d+)", hour)
        if step and 24 % int(step.group(2)) == 0:
            return float(step.group(2))
        return 24.0 if hour.isdigit() else None
    if day == "?" and re.fullmatch(r"[A-Z]{3}|[1-7]", weekday) and hour.isdigit():
        return 7 * 24.0
    if day.isdigit() and weekday in ("*", "?") and hour.isdigit():
        return 31 * 24.0
    return None


@stack_rule("backup-plan-meets-stated-rpo",
            "A backup plan tagged RecoveryPointObjectiveHours has a rule frequent enough: continuous backup, or a "
            "schedule whose interval plus start window is within the RPO.")
def backup_plan_meets_rpo(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    for plan in resources:
        if plan.type != BACKUP_PLAN or "RecoveryPointObjectiveHours" not in (plan.inputs.get("tags") or {}):
            continue
        rpo = float(plan.inputs["tags"]["RecoveryPointObjectiveHours"])
        gaps = []
        for rule in _as_list(plan.inputs.get("rules")):
            if rule.get("enableContinuousBackup"):
                gaps.append(5 / 60)
                continue
            interval = schedule_interval_hours(rule.get("schedule", ""))
            if interval is not None:
                gaps.append(interval + (rule.get("startWindow") or 60) / 60)
        if not gaps or min(gaps) > rpo:
            best = f"{min(gaps):g} h" if gaps else "unknown"
            yield plan.urn, (f"plan {_label(plan)} states an RPO of {rpo:g} h but its most frequent rule leaves "
                             f"{best} between recovery points; add continuous backup or a more frequent rule")
# --- Services: Elastic Beanstalk, Lambda, SES, environment variables --------------------------------

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


# --- What AWS does after creation: values it moves, what a destroy leaves, what its authorization requires ------

# Inputs AWS (or a managed update the program turns on) changes after creation. Pinning one makes every later `up`
# ask to go back, which fails or churns: each must be left unset or ignored after creation.
AWS_MOVES: dict[str, dict[str, str]] = {
    "aws:rds/cluster:Cluster": {"engineVersion": "RDS applies minor version upgrades in the maintenance window"},
    "aws:rds/clusterInstance:ClusterInstance": {
        "engineVersion": "an Aurora instance runs its cluster's version, which RDS upgrades"},
    "aws:rds/instance:Instance": {"engineVersion": "RDS applies minor version upgrades (auto_minor_version_upgrade)"},
    "aws:elasticbeanstalk/environment:Environment": {
        "solutionStackName": "managed platform updates move the environment to newer platform versions",
        "platformArn": "managed platform updates move the environment to newer platform versions"},
    "aws:opensearch/domain:Domain": {
        "engineVersion": "a domain's version changes only on request, but blue/green updates replace its nodes"},
}
# Where the move needs a switch to be on; without it the value stays as set.
_MOVES_WHEN: dict[tuple[str, str], Callable[[Mapping[str, Any]], bool]] = {
    ("aws:rds/instance:Instance", "engineVersion"): lambda inputs: inputs.get("autoMinorVersionUpgrade") is not False,
    ("aws:elasticbeanstalk/environment:Environment", "solutionStackName"):
        lambda inputs: beanstalk_settings(inputs).get(("aws:elasticbeanstalk:managedactions",
                                                       "ManagedActionsEnabled")) == "true",
    ("aws:elasticbeanstalk/environment:Environment", "platformArn"):
        lambda inputs: beanstalk_settings(inputs).get(("aws:elasticbeanstalk:managedactions",
                                                       "ManagedActionsEnabled")) == "true",
    ("aws:opensearch/domain:Domain", "engineVersion"): lambda inputs: False,
}


@resource_rule("aws-managed-values-left-to-aws",
               "Values AWS changes after creation (engine and platform versions under managed upgrades) are set at "
               "creation only: the resource ignores later changes to them.")
def aws_managed_values_left_to_aws(resource: Resource) -> Iterable[str]:
    for key, why in AWS_MOVES.get(resource.type, {}).items():
        moves = _MOVES_WHEN.get((resource.type, key), lambda inputs: True)(resource.inputs)
        if moves and resource.inputs.get(key) not in (None, "") and key not in resource.ignore_changes:
            yield (f"{resource.type} {resource.name} pins {key} ({resource.inputs.get(key)}), but {why}; the next "
                   f"`up` would try to go back: add `{key}` to ignore_changes (or leave it unset)")


def _in_sandbox(resource: Resource) -> bool:
    return resource.tags.get("Environment") == "sandbox"


@resource_rule("sandbox-destroyable",
               "In a sandbox, `pulumi destroy` removes everything it built and the next `up` can build it again: "
               "buckets and backup vaults are emptied on delete, secrets are deleted without a recovery window, no "
               "final snapshot is kept, no compliance-mode lock holds data, and nothing is protected; IAM users are "
               "deleted with the MFA devices and keys people added to them.")
def sandbox_destroyable(resource: Resource) -> Iterable[str]:
    inputs, label = resource.inputs, f"{resource.type} {resource.name}"
    if resource.type == "aws:iam/user:User" and inputs.get("forceDestroy") is not True:
        yield f"{label}: people add MFA devices and keys outside the program, which stop its deletion; set force_destroy"
    if not _in_sandbox(resource):
        return
    if resource.protect:
        yield (f"{label} is protected, so `pulumi destroy` of the sandbox stops at it; protect it only in production "
               "(retain_on_delete keeps what must outlive a destroy)")
    if resource.type in BUCKET_TYPES | {"aws:backup/vault:Vault"} and inputs.get("forceDestroy") is not True:
        yield f"{label} is not emptied on delete, so a sandbox destroy stops at it; set force_destroy in the sandbox"
    if resource.type == "aws:secretsmanager/secret:Secret" and inputs.get("recoveryWindowInDays") != 0:
        yield (f"{label} keeps its name reserved for its recovery window after a destroy, so the next `up` cannot "
               "create it; set recovery_window_in_days=0 in the sandbox")
    if resource.type == "aws:rds/cluster:Cluster" and inputs.get("skipFinalSnapshot") is not True:
        yield f"{label} keeps a final snapshot that outlives the sandbox; set skip_final_snapshot in the sandbox"
    if resource.type == "aws:backup/vaultLockConfiguration:VaultLockConfiguration" and \
            inputs.get("changeableForDays") is not None:
        yield (f"{label} becomes a compliance-mode lock that no one can remove, so the sandbox can never be "
               "destroyed; leave changeable_for_days unset (governance mode) in the sandbox")
    if resource.type == "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration":
        rule = inputs.get("rule") or {}
        mode = ((rule.get("defaultRetention") or {}) if isinstance(rule, Mapping) else {}).get("mode")
        if mode == "COMPLIANCE":
            yield f"{label} locks objects in COMPLIANCE mode, which no one can delete early; use GOVERNANCE in a sandbox"


@stack_rule("final-snapshot-named-once",
            "A database that keeps a final snapshot names it uniquely (from a value fixed at creation), so a later "
            "re-creation never meets the snapshot of an earlier one.")
def final_snapshot_named_once(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    # A stack rule: only the stack's resources carry the property dependencies that show where a value came from.
    for resource in resources:
        if resource.type != "aws:rds/cluster:Cluster" or resource.inputs.get("skipFinalSnapshot") is True:
            continue
        if "finalSnapshotIdentifier" not in resource.property_dependencies:  # built from no other resource
            yield resource.urn, (f"aws:rds/cluster:Cluster {resource.name} names its final snapshot "
                                 f"`{resource.inputs.get('finalSnapshotIdentifier')}` literally; the second deletion "
                                 "fails with DBClusterSnapshotAlreadyExists: derive it from a value fixed at creation "
                                 "(time.Static)")


IAM_POLICY_INPUTS = {"aws:iam/policy:Policy": "policy", "aws:iam/rolePolicy:RolePolicy": "policy",
                     "aws:iam/groupPolicy:GroupPolicy": "policy", "aws:iam/userPolicy:UserPolicy": "policy"}


def _allowed(statements: Sequence[Mapping[str, Any]], action: str) -> set[str]:
    """Resources an Allow statement grants `action` on (exact action names; wildcards count too)."""
    found: set[str] = set()
    service = action.split(":", maxsplit=1)[0]
    for statement in statements:
        actions = [str(a).lower() for a in _as_list(statement.get("Action"))]
        if statement.get("Effect") == "Allow" and any(a in (action.lower(), f"{service}:*", "*") for a in actions):
            found.update(str(r) for r in _as_list(statement.get("Resource")))
    return found


@resource_rule("function-url-grants-both-actions",
               "A grant to call a Lambda function URL with AWS_IAM auth allows lambda:InvokeFunctionUrl and "
               "lambda:InvokeFunction on the same function (Lambda developer guide, 'Control access to Lambda "
               "function URLs': both are required for function URLs created since October 2025).")
def function_url_grants_both_actions(resource: Resource) -> Iterable[str]:
    key = IAM_POLICY_INPUTS.get(resource.type)
    if key is None:
        return
    statements = policy_statements(resource.inputs.get(key))
    missing = sorted(_allowed(statements, "lambda:InvokeFunctionUrl") - _allowed(statements, "lambda:InvokeFunction"))
    if missing:
        yield (f"{resource.type} {resource.name} allows lambda:InvokeFunctionUrl on {missing} without "
               "lambda:InvokeFunction, so every call returns 403; grant both (grants.grant_invoke_function_url)")

# --- Service quotas: what the stack builds, per account and region, against the quota that applies -------------
# The quota that applies is the value an aws.servicequotas.ServiceQuota of the stack requests for that account and
# region, else what a brand-new account starts with (where AWS says it starts lower), else AWS's default. AWS
# approves requests later, not at once; the stack counts a requested value from the moment it asks.

ORGANIZATIONS_LIMITS = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"
VPC_LIMITS = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"
LAMBDA_LIMITS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
KMS_LIMITS = "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html"
SERVICE_QUOTA = "aws:servicequotas/serviceQuota:ServiceQuota"
QUOTA_TEMPLATE = "aws:servicequotas/template:Template"
QUOTA_TEMPLATE_ASSOCIATION = "aws:servicequotas/templateAssociation:TemplateAssociation"
ORGANIZATIONS_ACCOUNT = "aws:organizations/account:Account"
# Lambda keeps this much account concurrency unreserved: reservations may take only the rest (AWS Lambda developer
# guide, "Configuring reserved concurrency": "reserve up to the unreserved account concurrency minus 100").
LAMBDA_UNRESERVED_MINIMUM = 100


@dataclass(frozen=True)
class Quota:
    """One AWS service quota a landing zone meets first.

    `key` names it in `landing-zone:quotas`; `service_code` and `quota_code` name it in Service Quotas (both None
    when Service Quotas does not carry it: AWS cannot raise it). `default` is AWS's documented default and
    `new_account` what a brand-new account starts with where AWS says it starts lower. `scope` is what one value
    covers: the organization, a region of an account, one VPC, one AZ, or one SCP target. `home` is the region a
    global quota lives in (Organizations: us-east-1), None for regional ones. `source` is the AWS page of the facts.
    """

    key: str
    title: str
    service_code: str | None
    quota_code: str | None
    default: int
    scope: Literal["organization", "region", "VPC", "AZ", "target"]
    source: str
    new_account: int | None = None
    home: str | None = None

    @property
    def adjustable(self) -> bool:
        return self.quota_code is not None

    @property
    def code(self) -> str:
        return f"{self.service_code}/{self.quota_code}" if self.quota_code else "fixed"

    @property
    def starts_at(self) -> int:
        """What an account has before anyone asks: a new account's lower start, else the default."""
        return self.new_account if self.new_account is not None else self.default


# Codes as Service Quotas lists them (ListServiceQuotas). AWS notes that codes can change: when a request fails with
# NoSuchResourceException, look the code up with `aws service-quotas list-service-quotas --service-code <service>`.
# The organization's account quota was L-29A0C5DF before; Service Quotas lists it as L-E619E033 now.
QUOTAS: tuple[Quota, ...] = (
    Quota("organization_accounts", "Accounts in the organization", "organizations", "L-E619E033", 10,
          "organization", ORGANIZATIONS_LIMITS, home="us-east-1"),
    Quota("elastic_ips", "Elastic IP addresses per Region", "ec2", "L-0263D0A3", 5, "region", VPC_LIMITS),
    Quota("vpcs", "VPCs per Region", "vpc", "L-F678F1CE", 5, "region", VPC_LIMITS),
    Quota("interface_endpoints_per_vpc", "Interface VPC endpoints per VPC", "vpc", "L-29B6F2EB", 50, "VPC",
          VPC_LIMITS),
    Quota("nat_gateways_per_az", "NAT gateways per Availability Zone", "vpc", "L-FE5A380F", 5, "AZ", VPC_LIMITS),
    # "New AWS accounts have reduced concurrency and memory quotas" (Lambda quotas page); such accounts report 10.
    Quota("lambda_concurrent_executions", "Lambda concurrent executions", "lambda", "L-B99A9384", 1000, "region",
          LAMBDA_LIMITS, new_account=10),
    # FullAWSAccess counts among the five; Organizations cannot raise this one.
    Quota("scps_per_target", "SCPs attached per root, OU or account", None, None, 5, "target",
          ORGANIZATIONS_LIMITS, home="us-east-1"),
    Quota("kms_keys", "KMS customer managed keys per Region", "kms", "L-C2F1777E", 100_000, "region", KMS_LIMITS),
)
QUOTAS_BY_KEY = {quota.key: quota for quota in QUOTAS}


@dataclass(frozen=True)
class QuotaUse:
    """What one account needs of one quota in one region (`where`: the VPC, AZ or target holding the most)."""

    quota: Quota
    account: str
    region: str
    need: int
    where: str
    quota_value: int
    basis: Literal["requested", "template", "new account", "AWS default"]
    urns: tuple[str, ...]

    @property
    def exceeded(self) -> bool:
        return self.need > self.quota_value


def account_of(resource: Resource) -> str:
    """The config name of the account whose provider holds `resource` (its `Account` tag; the default provider
    is the management account's)."""
    return resource.tags.get("Account") or "management"


def region_of(resource: Resource) -> str:
    """The region a resource lives in: its own `region` input (pulumi-aws 7), else its provider's."""
    return str(resource.inputs.get("region") or (resource.provider_inputs or {}).get("region") or "unknown")


# Each counter yields (account, region, where, need, urns) for one quota.
_Count = tuple[str, str, str, int, tuple[str, ...]]


def _per_region(resources: Iterable[Resource], extra: int = 0) -> Iterator[_Count]:
    groups: dict[tuple[str, str], list[str]] = {}
    for resource in resources:
        groups.setdefault((account_of(resource), region_of(resource)), []).append(resource.urn)
    for (account, region), urns in groups.items():
        yield account, region, "region", len(urns) + extra, tuple(urns)


def _largest_group(groups: Mapping[tuple[str, str, str], list[str]]) -> Iterator[_Count]:
    """Per (account, region), the group (VPC, AZ, target) with the most members."""
    best: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for (account, region, where), urns in groups.items():
        if len(urns) > len(best.get((account, region), ("", []))[1]):
            best[(account, region)] = (where, urns)
    for (account, region), (where, urns) in best.items():
        yield account, region, where, len(urns), tuple(urns)


def _count_accounts(graph: _Graph) -> Iterator[_Count]:
    accounts = graph.of(ORGANIZATIONS_ACCOUNT)
    # The management account is one of the organization's accounts too.
    region = str(QUOTAS_BY_KEY["organization_accounts"].home)
    yield "management", region, "organization", len(accounts) + 1, tuple(a.urn for a in accounts)


def _count_elastic_ips(graph: _Graph) -> Iterator[_Count]:
    yield from _per_region(graph.of("aws:ec2/eip:Eip"))


def _count_vpcs(graph: _Graph) -> Iterator[_Count]:
    # Every region of an account keeps its default VPC unless someone deleted it; it counts against the quota.
    yield from _per_region(graph.of(_VPC), extra=1)


def _count_interface_endpoints(graph: _Graph) -> Iterator[_Count]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for endpoint in graph.of("aws:ec2/vpcEndpoint:VpcEndpoint"):
        if endpoint.inputs.get("vpcEndpointType") not in ("Interface", "GatewayLoadBalancer"):
            continue
        vpc = next((v.name for v in graph.deps(endpoint, "vpcId", _VPC)), str(endpoint.inputs.get("vpcId")))
        groups.setdefault((account_of(endpoint), region_of(endpoint), f"VPC {vpc}"), []).append(endpoint.urn)
    yield from _largest_group(groups)


def _count_nat_gateways(graph: _Graph) -> Iterator[_Count]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for nat in graph.of(_NAT):
        zone = next((str(_zone(s)) for s in graph.deps(nat, "subnetId", _SUBNET)), str(nat.inputs.get("subnetId")))
        groups.setdefault((account_of(nat), region_of(nat), zone), []).append(nat.urn)
    yield from _largest_group(groups)


def _count_lambda_concurrency(graph: _Graph) -> Iterator[_Count]:
    groups: dict[tuple[str, str], list[Resource]] = {}
    for function in graph.of(LAMBDA_FUNCTION):
        groups.setdefault((account_of(function), region_of(function)), []).append(function)
    for (account, region), functions in groups.items():
        reserved = [int(f.inputs["reservedConcurrentExecutions"]) for f in functions
                    if isinstance(f.inputs.get("reservedConcurrentExecutions"), (int, float))
                    and f.inputs["reservedConcurrentExecutions"] > 0]
        # Every other function needs at least one execution; any reservation leaves Lambda's unreserved minimum.
        others = len(functions) - len(reserved)
        need = sum(reserved) + max(others, LAMBDA_UNRESERVED_MINIMUM if reserved else 0)
        where = f"{len(functions)} functions, {sum(reserved)} reserved"
        yield account, region, where, need, tuple(f.urn for f in functions)


_ORGANIZATION = "aws:organizations/organization:Organization"
_SCP_TARGETS = {_ORGANIZATION: "root", "aws:organizations/organizationalUnit:OrganizationalUnit": "OU",
                ORGANIZATIONS_ACCOUNT: "account"}


def _count_scps(graph: _Graph) -> Iterator[_Count]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for attachment in graph.of("aws:organizations/policyAttachment:PolicyAttachment"):
        policies = graph.deps(attachment, "policyId", "aws:organizations/policy:Policy")
        if any(p.inputs.get("type", "SERVICE_CONTROL_POLICY") != "SERVICE_CONTROL_POLICY" for p in policies):
            continue  # tag and backup policies have quotas of their own
        targets = graph.deps(attachment, "targetId", *_SCP_TARGETS)
        if not targets:  # a literal id: an OU or account the stack does not manage
            target = str(attachment.inputs.get("targetId"))
        elif targets[0].type == _ORGANIZATION:  # the root id comes from the organization's outputs
            target = "root"
        else:
            target = f"{_SCP_TARGETS[targets[0].type]} {targets[0].name}"
        groups.setdefault(("management", str(QUOTAS_BY_KEY["scps_per_target"].home), target), []).append(attachment.urn)
    for (account, region, target), urns in groups.items():
        # AWS attaches FullAWSAccess to every root, OU and account; it takes one of the five places.
        yield account, region, target, len(urns) + 1, tuple(urns)


def _count_kms_keys(graph: _Graph) -> Iterator[_Count]:
    yield from _per_region(graph.of(KMS_KEY, KMS_EXTERNAL_KEY, "aws:kms/replicaKey:ReplicaKey",
                                    "aws:kms/replicaExternalKey:ReplicaExternalKey"))


QUOTA_COUNTERS: dict[str, Callable[[_Graph], Iterator[_Count]]] = {
    "organization_accounts": _count_accounts,
    "elastic_ips": _count_elastic_ips,
    "vpcs": _count_vpcs,
    "interface_endpoints_per_vpc": _count_interface_endpoints,
    "nat_gateways_per_az": _count_nat_gateways,
    "lambda_concurrent_executions": _count_lambda_concurrency,
    "scps_per_target": _count_scps,
    "kms_keys": _count_kms_keys,
}


def requested_quotas(resources: Iterable[Resource]) -> dict[tuple[str, str, str], int]:
    """(account, region, `service/quota` code) -> the largest value the stack's ServiceQuota resources request."""
    requested: dict[tuple[str, str, str], int] = {}
    for request in resources:
        value = request.inputs.get("value")
        if request.type != SERVICE_QUOTA or not isinstance(value, (int, float)):
            continue
        key = (account_of(request), region_of(request),
               f"{request.inputs.get('serviceCode')}/{request.inputs.get('quotaCode')}")
        requested[key] = max(requested.get(key, 0), int(value))
    return requested


def template_quotas(resources: Iterable[Resource]) -> dict[tuple[str, str], int]:
    """(region, `service/quota` code) -> the value the organization's associated request template files in every
    account the organization creates (the stack's own accounts wait for the association)."""
    if not any(r.type == QUOTA_TEMPLATE_ASSOCIATION for r in resources):
        return {}
    found: dict[tuple[str, str], int] = {}
    for entry in resources:
        value = entry.inputs.get("value")
        if entry.type == QUOTA_TEMPLATE and isinstance(value, (int, float)):
            key = (str(entry.inputs.get("awsRegion")), f"{entry.inputs.get('serviceCode')}/{entry.inputs.get('quotaCode')}")
            found[key] = max(found.get(key, 0), int(value))
    return found


@once_per_resources
def quota_usage(resources: Sequence[Resource]) -> list[QuotaUse]:
    """Per quota, account and region: what the resources need and the quota that applies, sorted for reading."""
    graph = _Graph(resources)
    requested = requested_quotas(resources)
    templated = template_quotas(resources)
    created = {account.name for account in graph.of(ORGANIZATIONS_ACCOUNT)}
    uses = []
    for quota in QUOTAS:
        for account, region, where, need, urns in QUOTA_COUNTERS[quota.key](graph):
            asked = requested.get((account, region, quota.code))
            template = templated.get((region, quota.code)) if account in created else None
            basis: Literal["requested", "template", "new account", "AWS default"]
            if asked is not None:
                value, basis = max(asked, template or 0, quota.starts_at if account in created else quota.default), \
                    "requested"
            elif template is not None:
                value, basis = max(template, quota.starts_at), "template"
            elif account in created and quota.new_account is not None:
                value, basis = quota.new_account, "new account"
            else:
                value, basis = quota.default, "AWS default"
            uses.append(QuotaUse(quota, account, region, need, where, value, basis, urns))
    return sorted(uses, key=lambda u: (u.account != "management", u.account, u.region, QUOTAS.index(u.quota)))


@stack_rule("service-quotas-cover-needs",
            "What the stack builds in each account and region fits the service quota that applies there: AWS's "
            "default (a new account's lower start where AWS documents one), or the value an "
            "aws.servicequotas.ServiceQuota of the stack requests.")
def service_quotas_cover_needs(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    for use in quota_usage(resources):
        if not use.exceeded:
            continue
        quota = use.quota
        fix = (f"request it with landing-zone:quotas.accounts.{use.account}.{quota.key}: {use.need}" if quota.adjustable
               else "AWS cannot raise it; build less there")
        basis = use.basis if use.basis == "AWS default" else f"{use.basis}; AWS default {quota.default}"
        yield (use.urns[0] if use.urns else ""), (
            f"account {use.account}, region {use.region}: {quota.title} ({quota.code}) needs {use.need} "
            f"({use.where}) but the quota is {use.quota_value} ({basis}); {fix}")


# --- Audit evidence: database statements, object-level records of primary data, uploads left behind -----------

CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
# Per engine: the parameter that records schema changes with their user and the values that do, and the parameter
# that records slow statements with the value that means off.
STATEMENT_LOGGING = {
    "aurora-postgresql": (("log_statement", ("ddl", "mod", "all")), ("log_min_duration_statement", "-1")),
    "aurora-mysql": (("server_audit_logging", ("1", "ON")), ("slow_query_log", "0")),
}


def _parameters(group: Resource) -> dict[str, str]:
    return {str(p.get("name")): str(p.get("value")) for p in _as_list(group.inputs.get("parameters"))
            if isinstance(p, Mapping)}


@stack_rule("aurora-statement-logging",
            "Every Aurora cluster's parameter group logs schema changes with their user (PostgreSQL log_statement "
            "ddl/mod/all; MySQL server_audit_logging) and statements slower than a threshold (log_min_duration_statement"
            " / slow_query_log).")
def aurora_statement_logging(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    groups = [r for r in resources if r.type == CLUSTER_PARAMETER_GROUP]
    for cluster in resources:
        if cluster.type != RDS_CLUSTER or cluster.inputs.get("engine") not in STATEMENT_LOGGING:
            continue
        (audit, audited), (slow, off) = STATEMENT_LOGGING[str(cluster.inputs["engine"])]
        mine = [g for g in groups if _refers_to(cluster, "dbClusterParameterGroupName", g)
                or g.inputs.get("name") == cluster.inputs.get("dbClusterParameterGroupName")]
        parameters = _parameters(mine[0]) if mine else {}
        if parameters.get(audit) not in audited:
            yield cluster.urn, (f"cluster {_label(cluster)} does not log who changed the schema; set {audit} to one of "
                                f"{list(audited)} in its cluster parameter group")
        if parameters.get(slow, off) == off:
            yield cluster.urn, f"cluster {_label(cluster)} does not log slow statements; set {slow} in its parameter group"


def _data_event_prefixes(resources: Sequence[Resource]) -> list[str]:
    """Object ARN prefixes whose S3 data events a multi-Region trail records (advanced event selectors)."""
    prefixes = []
    for trail in resources:
        if trail.type != TRAIL or trail.inputs.get("isMultiRegionTrail") is not True:
            continue
        for selector in _as_list(trail.inputs.get("advancedEventSelectors")):
            fields = {f.get("field"): f for f in _as_list(selector.get("fieldSelectors")) if isinstance(f, Mapping)}
            if list((fields.get("eventCategory") or {}).get("equals") or []) == ["Data"]:
                prefixes += [str(p) for p in _as_list((fields.get("resources.ARN") or {}).get("startsWiths"))]
    return prefixes


@stack_rule("primary-data-object-logging",
            "Every bucket tagged DataStore=primary has its object reads and writes on record: a multi-Region trail's "
            "data events cover it, or it delivers S3 server access logs.")
def primary_data_object_logging(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    prefixes = _data_event_prefixes(resources)
    logged = {urn for urn, settings in _bucket_settings(resources, BUCKET_LOGGING).items() if settings}
    for bucket in resources:
        if not _primary_store(bucket) or bucket.type not in BUCKET_TYPES:
            continue
        name = bucket.inputs.get("bucket")
        covered = isinstance(name, str) and any(f"arn:aws:s3:::{name}/".startswith(p) for p in prefixes)
        if not covered and bucket.urn not in logged:
            yield bucket.urn, (f"bucket {name or bucket.name} holds primary data but nothing records who reads or "
                               "writes its objects; choose data.<account>.lake.object_logging (data-events or "
                               "access-logs)")


@stack_rule("bucket-aborts-incomplete-uploads",
            "Every S3 bucket has an enabled lifecycle rule that aborts incomplete multipart uploads.")
def bucket_aborts_incomplete_uploads(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    buckets = _buckets(resources)
    for urn, lifecycles in _bucket_settings(resources, BUCKET_LIFECYCLE).items():
        aborts = [r for c in lifecycles for r in _as_list(c.inputs.get("rules")) if isinstance(r, Mapping)
                  and r.get("status") == "Enabled" and r.get("abortIncompleteMultipartUpload")]
        if not aborts:
            yield urn, (f"bucket {_bucket_name(buckets[urn])} keeps the parts of uploads that never completed (and "
                        "bills them); add a lifecycle rule with abort_incomplete_multipart_upload")


# --- Certificates: a load balancer uses one of its own account and region -------------------------------------

_CERTIFICATE = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):certificate/")


def _certificate_arns(resource: Resource) -> list[str]:
    if resource.type == "aws:elasticbeanstalk/environment:Environment":
        value = beanstalk_settings(resource.inputs).get(("aws:elbv2:listener:443", "SSLCertificateArns"))
        return [arn.strip() for arn in str(value or "").split(",") if arn.strip()]
    if resource.type in ("aws:lb/listener:Listener", "aws:alb/listener:Listener"):
        return [str(resource.inputs["certificateArn"])] if resource.inputs.get("certificateArn") else []
    return []


@resource_rule("certificate-of-its-own-account",
               "A load balancer's ACM certificate (Beanstalk's HTTPS listener, an ALB listener) is one of the account "
               "and region the load balancer is in: ACM certificates cannot be used across accounts or regions.")
def certificate_of_its_own_account(resource: Resource) -> Iterable[str]:
    arns = _certificate_arns(resource)
    if not arns or resource.provider_inputs is None:
        return
    allowed = decode(resource.provider_inputs.get("allowedAccountIds")) or []
    account = str(allowed[0]) if len(allowed) == 1 else None
    region = resource.inputs.get("region") or resource.provider_inputs.get("region")
    for arn in arns:
        match = _CERTIFICATE.match(arn)
        if match is None:
            yield f"{resource.type} {resource.name}: `{arn}` is not an ACM certificate ARN"
        elif account is not None and match["account"] != account:
            yield (f"{resource.type} {resource.name} uses a certificate of account {match['account']} but runs in "
                   f"account {account}; request or import the certificate in {account}")
        elif region and match["region"] != region:
            yield (f"{resource.type} {resource.name} uses a certificate of {match['region']} but runs in {region}; "
                   f"request or import the certificate in {region}")


# --- Alerts reach someone --------------------------------------------------------------------------------------

ALERT_SEVERITY_TAG = "AlertSeverity"  # components.alert_topics tags each alert topic with its severity
SNS_TOPIC, SNS_SUBSCRIPTION = "aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription"


@stack_rule("alert-topics-have-subscribers",
            "Every alert topic (an SNS topic tagged AlertSeverity) has at least one subscription: the Slack notifier, "
            "e-mail addresses, or both. A topic nobody subscribes to takes every alarm and tells no one.")
def alert_topics_have_subscribers(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    subscribed: set[str] = set()
    by_arn: dict[str, str] = {}
    for topic in resources:
        if topic.type == SNS_TOPIC and isinstance(topic.inputs.get("name"), str):
            by_arn[str(topic.inputs["name"])] = topic.urn
    for subscription in resources:
        if subscription.type != SNS_SUBSCRIPTION:
            continue
        subscribed.update(subscription.property_dependencies.get("topic", ()))
        named = str(subscription.inputs.get("topic") or "").rsplit(":", 1)[-1]
        if named in by_arn:
            subscribed.add(by_arn[named])
    for topic in resources:
        if topic.type == SNS_TOPIC and ALERT_SEVERITY_TAG in (topic.inputs.get("tags") or {}) \
                and topic.urn not in subscribed:
            yield topic.urn, (f"alert topic {topic.inputs.get('name') or topic.name} has no subscriber, so its alerts "
                              "reach no one; switch Slack on or add monitoring.email.addresses")
