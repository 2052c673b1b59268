"""Security Hub CSPM controls as the registered resources decide them: the catalog, the evaluation registry, and the
view of the resources that evaluations read.

The catalog is aws_facts/security_hub_controls.json (aws_facts/security_hub_catalogue.py reads it; its sources are
named in it): every control of the standards the program can enable, with its title, standards, CIS number and the
AWS Config resource types it evaluates. An evaluation is a plain function over an `Estate` that yields one `Finding`
per thing the control looks at (a resource, or an account in a region); a control only live AWS can decide is listed
in `RUNTIME` with the reason. Like the rules package, this module imports nothing from the program, so the
CrossGuard pack can load it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aws_facts.accounts import MANAGEMENT
from aws_facts.security_hub_catalogue import Control, Standard, catalog

if __package__:  # imported as policy.security_hub by the preview and the tests
    from . import rules
else:  # the CrossGuard pack imports its modules from the pack directory
    import rules  # type: ignore[no-redef]

ACCOUNT = "AWS::::Account"

# AWS Config resource type -> the pulumi-aws types that create one. Elastic Beanstalk creates the load balancer,
# Auto Scaling group, launch template, instances and their volumes of every environment, so the environment stands
# for them (its option settings decide what Security Hub sees).
PULUMI_TYPES: Mapping[str, tuple[str, ...]] = {
    "AWS::AutoScaling::AutoScalingGroup": (rules.BEANSTALK_ENVIRONMENT, "aws:autoscaling/group:Group"),
    "AWS::Backup::BackupVault": ("aws:backup/vault:Vault",),
    "AWS::Backup::RecoveryPoint": ("aws:backup/vault:Vault",),
    "AWS::CloudTrail::Trail": ("aws:cloudtrail/trail:Trail",),
    "AWS::DynamoDB::Table": ("aws:dynamodb/table:Table",),
    "AWS::EC2::EIP": ("aws:ec2/eip:Eip",),
    "AWS::EC2::Instance": (rules.BEANSTALK_ENVIRONMENT,),
    "AWS::EC2::LaunchTemplate": (rules.BEANSTALK_ENVIRONMENT,),
    "AWS::EC2::NetworkAcl": ("aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"),
    "AWS::EC2::SecurityGroup": ("aws:ec2/securityGroup:SecurityGroup",
                                "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"),
    "AWS::EC2::Subnet": ("aws:ec2/subnet:Subnet", "aws:ec2/defaultSubnet:DefaultSubnet"),
    "AWS::EC2::TransitGateway": ("aws:ec2transitgateway/transitGateway:TransitGateway",),
    "AWS::EC2::VPC": ("aws:ec2/vpc:Vpc", "aws:ec2/defaultVpc:DefaultVpc"),
    "AWS::EC2::Volume": (rules.BEANSTALK_ENVIRONMENT,),
    "AWS::ElasticBeanstalk::Environment": (rules.BEANSTALK_ENVIRONMENT,),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": (rules.BEANSTALK_ENVIRONMENT, "aws:lb/loadBalancer:LoadBalancer"),
    "AWS::IAM::Group": ("aws:iam/group:Group",),
    "AWS::IAM::Policy": ("aws:iam/policy:Policy",),
    "AWS::IAM::Role": ("aws:iam/role:Role",),
    "AWS::IAM::User": ("aws:iam/user:User",),
    "AWS::KMS::Key": ("aws:kms/key:Key",),
    "AWS::Kinesis::Stream": ("aws:kinesis/stream:Stream",),
    "AWS::Lambda::Function": ("aws:lambda/function:Function",),
    "AWS::OpenSearch::Domain": ("aws:opensearch/domain:Domain",),
    "AWS::RDS::DBCluster": ("aws:rds/cluster:Cluster",),
    "AWS::RDS::DBInstance": ("aws:rds/clusterInstance:ClusterInstance", "aws:rds/instance:Instance"),
    "AWS::S3::Bucket": ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"),
    "AWS::SNS::Topic": ("aws:sns/topic:Topic",),
    "AWS::SQS::Queue": ("aws:sqs/queue:Queue",),
    "AWS::SecretsManager::Secret": ("aws:secretsmanager/secret:Secret",),
}


@dataclass(frozen=True)
class Finding:
    """One thing a control looks at, and what Security Hub will say of it."""

    urn: str
    passed: bool
    message: str


class Estate:
    """The registered resources as the controls see them: by type, account and region."""

    def __init__(self, resources: Sequence[rules.Resource]):
        self.resources = list(resources)
        self.graph = rules.Graph(self.resources)
        self.by_urn = self.graph.by_urn
        self._findings: dict[str, tuple[Finding, ...]] = {}

    def findings(self, control_id: str, evaluation: Callable[[Estate], Iterable[Finding]]) -> tuple[Finding, ...]:
        """What `evaluation` finds here, evaluated once per control however often the estate is judged."""
        if control_id not in self._findings:
            self._findings[control_id] = tuple(evaluation(self))
        return self._findings[control_id]

    def of(self, *types: str) -> list[rules.Resource]:
        return self.graph.of(*types)

    def account_of(self, resource: rules.Resource) -> str:
        """The config name of the account the resource lives in (its provider's Account tag)."""
        return resource.tags.get("Account", MANAGEMENT)

    def region_of(self, resource: rules.Resource) -> str:
        """Its own `region` input (pulumi-aws 7), else its provider's region, else the home region."""
        region = resource.inputs.get("region") or (resource.provider_inputs or {}).get("region")
        return str(region) if region else self.home_region

    @cached_property
    def accounts(self) -> dict[str, rules.Resource]:
        """Account name -> the resource that stands for it: the organization for management, else its Account."""
        found = {r.name: r for r in self.of(rules.ORGANIZATIONS_ACCOUNT)}
        for organization in self.of(rules.ORGANIZATION)[:1]:
            found[MANAGEMENT] = organization
        return found

    @cached_property
    def home_region(self) -> str:
        """Where Security Hub's configuration policy lives (the aggregation region)."""
        for resource in self.of(rules.HUB_POLICY, rules.ORGANIZATION):
            region = resource.inputs.get("region") or (resource.provider_inputs or {}).get("region")
            if region:
                return str(region)
        return ""

    @cached_property
    def regions(self) -> list[str]:
        """Every region Security Hub runs in: the home region and the aggregator's linked regions."""
        linked = [str(r) for aggregator in self.of(rules.HUB_AGGREGATOR)
                  for r in rules.as_list(aggregator.inputs.get("specifiedRegions"))]
        return sorted({self.home_region, *linked} - {""})

    def places(self) -> list[tuple[str, rules.Resource, str]]:
        """(account name, its resource, region) for every account in every region Security Hub runs in."""
        return [(name, account, region) for name, account in sorted(self.accounts.items()) for region in self.regions]

    def where(self, account: str, region: str | None, *types: str) -> list[rules.Resource]:
        """The resources of `types` in `account` (and `region`, unless None)."""
        return [r for kind in types for r, its_region in self._placed.get((kind, account), ())
                if region is None or its_region == region]

    @cached_property
    def _placed(self) -> dict[tuple[str, str], list[tuple[rules.Resource, str]]]:
        """(type, account) -> its resources with their regions, in registration order: controls ask per account."""
        placed: dict[tuple[str, str], list[tuple[rules.Resource, str]]] = {}
        for resource in self.resources:
            placed.setdefault((resource.type, self.account_of(resource)), []).append((resource, self.region_of(resource)))
        return placed

    def applies(self, control: Control) -> bool:
        """Whether the program creates anything the control evaluates (every account counts for account controls)."""
        if ACCOUNT in control.resource_types:
            return bool(self.accounts)
        return any(self.of(*PULUMI_TYPES.get(kind, ())) for kind in control.resource_types)

    @cached_property
    def hub_policy(self) -> Mapping[str, Any]:
        """The Security Hub configuration policy's body (empty when the program enables none)."""
        for policy in self.of(rules.HUB_POLICY):
            return rules.decode(policy.inputs.get("configurationPolicy")) or {}
        return {}

    @cached_property
    def enabled_standards(self) -> list[Standard]:
        arns = rules.as_list(self.hub_policy.get("enabledStandardArns")) if self.hub_policy.get("serviceEnabled") else []
        found = [catalog().standard_of_arn(str(arn)) for arn in arns]
        return [standard for standard in found if standard is not None]

    @cached_property
    def disabled_controls(self) -> list[str]:
        settings = self.hub_policy.get("securityControlsConfiguration") or {}
        return [str(c) for c in rules.as_list(settings.get("disabledControlIdentifiers"))]


Evaluation = Callable[[Estate], Iterable[Finding]]
EVALUATIONS: dict[str, Evaluation] = {}
RUNTIME: dict[str, str] = {}


def evaluates(*control_ids: str) -> Callable[[Evaluation], Evaluation]:
    """Register `fn` as the offline evaluation of each of `control_ids`."""
    def register(fn: Evaluation) -> Evaluation:
        for control_id in control_ids:
            if control_id in EVALUATIONS or control_id in RUNTIME:
                raise ValueError(f"{control_id} is evaluated twice")
            EVALUATIONS[control_id] = fn
        return fn

    return register


def decided_at_runtime(reason: str, *control_ids: str) -> None:
    """Record that only live AWS can decide `control_ids`, and why."""
    for control_id in control_ids:
        if control_id in EVALUATIONS or control_id in RUNTIME:
            raise ValueError(f"{control_id} is evaluated twice")
        RUNTIME[control_id] = reason


def each(resources: Iterable[rules.Resource], ok: Callable[[rules.Resource], bool], passed: str,
         *, failed: str) -> Iterator[Finding]:
    """One finding per resource: `passed` or `failed` (each formatted with {name}) as `ok(resource)` says."""
    for resource in resources:
        good = ok(resource)
        yield Finding(resource.urn, good, (passed if good else failed).format(name=label(resource)))


def from_stack_rule(check: Callable[[Sequence[rules.Resource]], Iterable[tuple[str, str]]],
                    subjects: Iterable[rules.Resource], estate: Estate, *, passed: str) -> Iterator[Finding]:
    """A stack rule (rules/) as findings: its violations fail, every other subject passes with `passed`."""
    failures: dict[str, str] = {}
    for urn, message in check(estate.resources):
        failures.setdefault(urn, message)
    for subject in subjects:
        if subject.urn in failures:
            yield Finding(subject.urn, False, failures[subject.urn])
        else:
            yield Finding(subject.urn, True, passed.format(name=label(subject)))


def from_resource_rule(check: Callable[[rules.Resource], Iterable[str]], subjects: Iterable[rules.Resource],
                       passed: str) -> Iterator[Finding]:
    """A resource rule (rules/) as findings over `subjects`."""
    for subject in subjects:
        messages = list(check(subject))
        yield Finding(subject.urn, not messages, "; ".join(messages) or passed.format(name=label(subject)))


def label(resource: rules.Resource) -> str:
    """How a message names a resource: its AWS name where it has one, else its logical name."""
    for key in ("name", "bucket", "clusterIdentifier", "identifier", "domainName", "analyzerName"):
        value = resource.inputs.get(key)
        if isinstance(value, str) and value:
            return value
    return resource.name

