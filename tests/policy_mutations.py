"""One violating input per policy rule, mutated from a clean stack, for the tests that drive the pack.

tests/test_policy_pack.py sends every entry through the running pack and fails when a registered rule has none.
To cover a new rule, add an entry to MUTATIONS under the rule's name:

    "sns-topic-encrypted-and-private": Mutation(
        "prod", "aws:sns/topic:Topic", lambda case: case.inputs.pop("kmsMasterKeyId")),

- `stack` and `type` (with an optional `where` on the registration) pick the subject: the first such resource.
- `change` edits the Case in place: `case.inputs` (the subject's inputs, a plain copy), `case.subject` (its options,
  e.g. `case.subject.protect = False`), `case.provider` (a copy of its provider, for default tags).
- A stack rule is analyzed over the subject and `case.others`: the resources `hops` references away from it (inputs
  built from another resource, either way, and parents), plus those of `bring` types in the subject's account.
  `case.find`, `case.drop`, `case.bring` and `case.point` edit that neighbourhood.

The test checks that the pack reports the rule for the mutated input, not for the same input unmutated, and that
the offline preview reaches the same verdict; keep the mutation small and the neighbourhood closed for the rule.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


@dataclass
class Case:
    """A mutable copy of the subject, its provider and (for stack rules) the resources analyzed beside it."""

    subject: Registration
    provider: Registration | None
    others: list[Registration]
    stack: list[Registration] = field(repr=False)
    providers: dict[str, Registration | None] = field(default_factory=dict)  # copies of others' providers, by URN

    @property
    def inputs(self) -> dict[str, Any]:
        return self.subject.inputs

    @property
    def resources(self) -> list[Registration]:
        return [self.subject, *self.others]

    def providers_by_urn(self, inventory: Inventory) -> dict[str, Registration | None]:
        """The provider each resource of the case uses: the case's copies where it made them."""
        found = {r.urn: self.providers[r.urn] if r.urn in self.providers else inventory.provider_of(r)
                 for r in self.others}
        found[self.subject.urn] = self.provider
        return found

    def find(self, token: str, where: Callable[[Registration], bool] = lambda r: True) -> Registration:
        return next(r for r in self.others if r.type == token and where(r))

    def drop(self, token: str, where: Callable[[Registration], bool] = lambda r: True) -> None:
        self.others = [r for r in self.others if not (r.type == token and where(r))]

    def bring(self, token: str, where: Callable[[Registration], bool]) -> Registration:
        """A copy of a resource of the stack, added to `others`."""
        found = copy_of(next(r for r in self.stack if r.type == token and where(r)))
        self.others.append(found)
        return found

    def point(self, key: str, target: Registration, resource: Registration | None = None) -> None:
        """Make `resource`'s (the subject's) input `key` refer to `target`, by id and by property dependency."""
        resource = resource or self.subject
        resource.inputs[key] = target.id
        resource.property_dependencies[key] = [target.urn]


@dataclass(frozen=True)
class Mutation:
    stack: str
    type: str
    change: Callable[[Case], Any]
    where: Callable[[Registration], bool] = lambda r: True
    hops: int = 1
    bring: tuple[str, ...] = ()


def copy_of(registration: Registration) -> Registration:
    return copy.deepcopy(registration)


def named(part: str) -> Callable[[Registration], bool]:
    return lambda r: part in r.name


def _set(**values: Any) -> Callable[[Case], None]:
    return lambda case: case.inputs.update(values)


def _pop(*keys: str) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        for key in keys:
            case.inputs.pop(key)
    return change


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _untagged(case: Case) -> None:
    assert case.provider is not None
    default_tags = json.loads(case.provider.inputs["defaultTags"])
    default_tags["tags"].pop("Owner")
    case.provider.inputs["defaultTags"] = json.dumps(default_tags)
    case.inputs.get("tags", {}).pop("Owner", None)


def _unprotected(case: Case) -> None:
    case.subject.protect = False


def _retyped_access_key(case: Case) -> None:
    """No user has a key; the mutation turns a user into one of its keys."""
    user = case.inputs["name"]
    case.subject.type = "aws:iam/accessKey:AccessKey"
    case.subject.urn = case.subject.urn.replace("aws:iam/user:User", case.subject.type)
    case.subject.inputs = {"user": user}


def _settings(namespace: str, name: str, value: str) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        for setting in case.inputs["settings"]:
            if (setting["namespace"], setting["name"]) == (namespace, name):
                setting["value"] = value
    return change


def _secret_in_environment(case: Case) -> None:
    case.inputs.setdefault("environment", {}).setdefault("variables", {})["DB_PASSWORD"] = "correct-horse-battery"


def _block(flag: str) -> Callable[[Case], None]:
    return lambda case: case.find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs.update({flag: False})


def _plain_http_allowed(case: Case) -> None:
    case.find("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"] = _document()


def _aes256(case: Case) -> None:
    configuration = case.find("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    for rule in configuration.inputs["rules"]:
        rule["applyServerSideEncryptionByDefault"] = {"sseAlgorithm": "AES256"}


def _ssh_from_anywhere(case: Case) -> None:
    case.inputs.update({"cidrIpv4": "0.0.0.0/0", "fromPort": 22, "toPort": 22, "ipProtocol": "tcp"})


def _nacl_opens_ssh(case: Case) -> None:
    case.inputs["ingress"].insert(0, {"ruleNo": 1, "protocol": "tcp", "fromPort": 22, "toPort": 22,
                                      "cidrBlock": "0.0.0.0/0", "action": "allow"})


def _crossed_nat(case: Case) -> None:
    """The 2a app subnet's default route sent to the 2b NAT gateway."""
    route = case.find("aws:ec2/route:Route", named("-app-ap-northeast-2a-default"))
    case.point("natGatewayId", case.find("aws:ec2/natGateway:NatGateway", named("-nat-ap-northeast-2b")), route)


def _dev_learns_prod(case: Case) -> None:
    """The dev attachment propagates into the prod route table."""
    table = case.bring("aws:ec2transitgateway/routeTable:RouteTable", lambda r: r.name.endswith("-prod"))
    case.point("transitGatewayRouteTableId", table)


def _writer_only(case: Case) -> None:
    writer = case.find("aws:rds/clusterInstance:ClusterInstance")
    case.drop("aws:rds/clusterInstance:ClusterInstance", lambda r: r is not writer)


def _weekly_only(case: Case) -> None:
    case.inputs["rules"] = [rule for rule in case.inputs["rules"] if rule["ruleName"] == "weekly"]


def _failures_dropped(case: Case) -> None:
    case.drop("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
    case.inputs.pop("deadLetterConfig", None)


def _untagged_from_backup(case: Case) -> None:
    case.inputs["tags"].pop("BackupPlan")


def _versions_pinned(case: Case) -> None:
    case.subject.ignore_changes.clear()


def _literal_final_snapshot(case: Case) -> None:
    case.subject.property_dependencies.pop("finalSnapshotIdentifier")


def _function_url_only(case: Case) -> None:
    document = json.loads(case.inputs["policy"])
    document["Statement"] = [s for s in document["Statement"] if s["Action"] != "lambda:InvokeFunction"]
    case.inputs["policy"] = json.dumps(document)


def _no_schema_logging(case: Case) -> None:
    case.inputs["parameters"] = [p for p in case.inputs["parameters"] if p["name"] != "log_statement"]


def _keeps_incomplete_uploads(case: Case) -> None:
    for rule in case.inputs["rules"]:
        rule.pop("abortIncompleteMultipartUpload", None)


def _trusting(principal: Any) -> Callable[[Case], None]:
    return _set(assumeRolePolicy=_document({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}))


MUTATIONS: dict[str, Mutation] = {
    # Resource rules: Analyze on the subject alone.
    "required-tags": Mutation("prod", "aws:ec2/vpc:Vpc", _untagged),
    "stateful-protected-in-production": Mutation("prod", "aws:kms/key:Key", _unprotected),
    "cloudtrail-encrypted-and-validated": Mutation("prod", "aws:cloudtrail/trail:Trail", _pop("kmsKeyId")),
    "kms-key-rotation": Mutation("dev", "aws:kms/key:Key", _set(enableKeyRotation=False)),
    "log-group-encrypted-with-retention": Mutation("dev", LOG_GROUP, _pop("retentionInDays")),
    "administrator-only-for-infra-admins": Mutation(
        "dev", "aws:iam/policy:Policy", _set(policy=_document({"Effect": "Allow", "Action": "*", "Resource": "*"}))),
    "no-iam-user-access-keys": Mutation("dev", "aws:iam/user:User", _retyped_access_key),
    "role-trust-names-principals": Mutation("dev", "aws:iam/role:Role", _trusting("*")),
    "human-roles-require-mfa": Mutation("dev", "aws:iam/role:Role", _trusting({"AWS": "arn:aws:iam::111111111111:root"})),
    "alarm-has-action": Mutation("dev", "aws:cloudwatch/metricAlarm:MetricAlarm", _pop("alarmActions")),
    "sns-topic-encrypted-and-private": Mutation("dev", "aws:sns/topic:Topic", _pop("kmsMasterKeyId")),
    "aurora-encrypted": Mutation("dev", "aws:rds/cluster:Cluster", _set(storageEncrypted=False)),
    "aurora-deletion-protected-in-production": Mutation("prod", "aws:rds/cluster:Cluster",
                                                        _set(deletionProtection=False)),
    "aurora-not-public": Mutation("dev", "aws:rds/clusterInstance:ClusterInstance", _set(publiclyAccessible=True)),
    "opensearch-encrypted-https-in-vpc": Mutation("dev", "aws:opensearch/domain:Domain",
                                                  _set(nodeToNodeEncryption={"enabled": False})),
    "opensearch-zone-aware-in-production": Mutation(
        "prod", "aws:opensearch/domain:Domain", lambda case: case.inputs["clusterConfig"].update(
            dedicatedMasterEnabled=False)),
    "kinesis-firehose-kms": Mutation("dev", "aws:kinesis/stream:Stream", _set(encryptionType="NONE")),
    "backup-vault-encrypted": Mutation("dev", "aws:backup/vault:Vault", _pop("kmsKeyArn")),
    "beanstalk-enhanced-health-managed-updates-https": Mutation(
        "dev", "aws:elasticbeanstalk/environment:Environment",
        _settings("aws:elasticbeanstalk:healthreporting:system", "SystemType", "basic")),
    "lambda-supported-runtime-and-tracing": Mutation("dev", "aws:lambda/function:Function", _set(runtime="python3.8")),
    "ses-configuration-set-requires-tls": Mutation("dev", "aws:sesv2/configurationSet:ConfigurationSet",
                                                   _set(deliveryOptions={"tlsPolicy": "OPTIONAL"})),
    "no-secret-literals-in-environment": Mutation("dev", "aws:lambda/function:Function", _secret_in_environment),
    # Stack rules: AnalyzeStack on the subject's neighbourhood.
    "s3-bucket-blocks-public-access": Mutation("prod", "aws:s3/bucket:Bucket", _block("blockPublicPolicy")),
    "s3-bucket-enforces-tls": Mutation("prod", "aws:s3/bucket:Bucket", _plain_http_allowed),
    "s3-bucket-encrypted-with-kms": Mutation("prod", "aws:s3/bucket:Bucket", _aes256),
    "user-console-or-programmatic": Mutation("prod", "aws:iam/user:User", lambda case: case.inputs["tags"].update(
        Access="shared")),
    "security-group-internet-ingress": Mutation(
        "prod", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", _ssh_from_anywhere),
    "nacl-admin-ports-closed": Mutation("prod", "aws:ec2/networkAcl:NetworkAcl", _nacl_opens_ssh),
    "vpc-flow-logs": Mutation("prod", "aws:ec2/vpc:Vpc", lambda case: case.drop("aws:ec2/flowLog:FlowLog")),
    "private-subnet-nat-same-az": Mutation("prod", "aws:ec2/vpc:Vpc", _crossed_nat, hops=2),
    "nat-gateway-per-az": Mutation("prod", "aws:ec2/vpc:Vpc", lambda case: case.drop(
        "aws:ec2/natGateway:NatGateway", named("-nat-ap-northeast-2b")), hops=2),
    "transit-segments-isolated": Mutation(
        "prod", "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation", _dev_learns_prod,
        where=named("dev-hub-attachment-propagates-to-dev")),
    "aurora-readers-span-azs-in-production": Mutation("prod", "aws:rds/cluster:Cluster", _writer_only),
    "stateful-in-backup-selection": Mutation("prod", "aws:rds/cluster:Cluster", _untagged_from_backup, hops=0,
                                             bring=("aws:backup/selection:Selection",)),
    "backup-vault-locked-in-production": Mutation("prod", "aws:backup/vault:Vault", lambda case: case.drop(
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration")),
    "backup-plan-meets-stated-rpo": Mutation("prod", "aws:backup/plan:Plan", _weekly_only, hops=0),
    "lambda-failure-destination": Mutation("prod", "aws:lambda/function:Function", _failures_dropped,
                                           where=named("curation-api")),
    "aws-managed-values-left-to-aws": Mutation("dev", "aws:rds/cluster:Cluster", _versions_pinned),
    "sandbox-destroyable": Mutation("dev", "aws:secretsmanager/secret:Secret", _set(recoveryWindowInDays=7)),
    "final-snapshot-named-once": Mutation("prod", "aws:rds/cluster:Cluster", _literal_final_snapshot),
    "function-url-grants-both-actions": Mutation("dev", "aws:iam/rolePolicy:RolePolicy", _function_url_only,
                                                 where=named("web-app-policy")),
    "aurora-statement-logging": Mutation("dev", "aws:rds/clusterParameterGroup:ClusterParameterGroup",
                                         _no_schema_logging),
    "bucket-aborts-incomplete-uploads": Mutation(
        "dev", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", _keeps_incomplete_uploads,
        where=named("access-logs-expiry")),
    "primary-data-object-logging": Mutation("dev", "aws:s3/bucket:Bucket",
                                            lambda case: case.drop("aws:s3/bucketLogging:BucketLogging"),
                                            where=lambda r: r.name == "dev-data-lake"),
    # Security Hub judges only the controls of the standards its configuration policy enables: bring the policy.
    "security-hub-controls": Mutation("prod", "aws:ec2/networkAcl:NetworkAcl", _nacl_opens_ssh, hops=0,
                                      where=lambda r: r.name.startswith("ops-"),
                                      bring=("aws:securityhub/configurationPolicy:ConfigurationPolicy",)),
    "certificate-of-its-own-account": Mutation(
        "dev", "aws:elasticbeanstalk/environment:Environment",
        _settings("aws:elbv2:listener:443", "SSLCertificateArns",
                  "arn:aws:acm:ap-northeast-2:999999999999:certificate/0a6e3f2c-5b7d-4c1e-9f8a-3c4d5e6f7081")),
    "alert-topics-have-subscribers": Mutation(
        "dev", "aws:sns/topic:Topic", lambda case: case.drop("aws:sns/topicSubscription:TopicSubscription"),
        where=lambda r: "AlertSeverity" in (r.inputs.get("tags") or {})),
    "service-quotas-cover-needs": Mutation("prod", "aws:lambda/function:Function",
                                           _set(reservedConcurrentExecutions=100_000), hops=0,
                                           where=named("curation-api")),
}


def case_for(mutation: Mutation, run: Run) -> Case:
    """The unmutated case: copies of the subject, its provider and its neighbourhood."""
    inventory = Inventory(run)
    subject = next(r for r in run.registrations if r.type == mutation.type and mutation.where(r))
    account = inventory.account(subject)
    others = neighbourhood(run.registrations, subject, mutation.hops)
    others += [r for r in run.registrations if r.type in mutation.bring and inventory.account(r) == account
               and r not in others and r is not subject]
    provider = inventory.provider_of(subject)
    return Case(copy_of(subject), copy_of(provider) if provider else None, [copy_of(r) for r in others],
                run.registrations)


_LINKS: dict[int, tuple[dict[str, Registration], dict[str, set[str]]]] = {}  # per session run: the runs outlive it


def _links(stack: list[Registration]) -> tuple[dict[str, Registration], dict[str, set[str]]]:
    """Custom resources (providers aside) by URN, and the URNs each refers to or is referred to by."""
    if id(stack) not in _LINKS:
        custom = {r.urn: r for r in stack if r.custom and not r.type.startswith("pulumi:providers:")}
        links: dict[str, set[str]] = {urn: set() for urn in custom}
        for resource in custom.values():
            referred = {urn for urns in resource.property_dependencies.values() for urn in urns}
            referred.add(resource.parent or "")
            for urn in referred & custom.keys():
                links[resource.urn].add(urn)
                links[urn].add(resource.urn)
        _LINKS[id(stack)] = (custom, links)
    return _LINKS[id(stack)]


def neighbourhood(stack: list[Registration], subject: Registration, hops: int) -> list[Registration]:
    """Custom resources (providers aside) at most `hops` references from `subject`: inputs built from another
    resource, in either direction, and parents."""
    custom, links = _links(stack)
    reached, frontier = {subject.urn}, {subject.urn}
    for _ in range(hops):
        frontier = {linked for urn in frontier for linked in links.get(urn, ())} - reached
        reached |= frontier
    return [custom[urn] for urn in sorted(reached - {subject.urn}) if urn in custom]
