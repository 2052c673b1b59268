"""Service quotas: what the stack builds, per account and region, against the quota that applies.

The quota that applies is the value an aws.servicequotas.ServiceQuota of the stack requests for that account and
region, else what a brand-new account starts with (where AWS says it starts lower), else AWS's default. AWS
approves requests later, not at once; the stack counts a requested value from the moment it asks. The quotas
themselves are AWS facts (aws_facts/quotas.py), which the config reads as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from aws_facts.accounts import MANAGEMENT
from aws_facts.quotas import QUOTAS, QUOTAS_BY_KEY, Quota

from .network import _zone
from .plumbing import Graph, Resource, once_per_resources, stack_rule
from .resource_types import (
    KMS_EXTERNAL_KEY,
    KMS_KEY,
    LAMBDA_FUNCTION,
    NAT_GATEWAY,
    ORGANIZATION,
    ORGANIZATIONS_ACCOUNT,
    QUOTA_TEMPLATE,
    QUOTA_TEMPLATE_ASSOCIATION,
    SERVICE_QUOTA,
    SUBNET,
    VPC,
)

# Lambda keeps this much account concurrency unreserved: reservations may take only the rest (AWS Lambda developer
# guide, "Configuring reserved concurrency": "reserve up to the unreserved account concurrency minus 100").
LAMBDA_UNRESERVED_MINIMUM = 100


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
    return resource.tags.get("Account") or MANAGEMENT


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


def _count_accounts(graph: Graph) -> Iterator[_Count]:
    accounts = graph.of(ORGANIZATIONS_ACCOUNT)
    # The management account is one of the organization's accounts too.
    region = str(QUOTAS_BY_KEY["organization_accounts"].home)
    yield MANAGEMENT, region, "organization", len(accounts) + 1, tuple(a.urn for a in accounts)


def _count_elastic_ips(graph: Graph) -> Iterator[_Count]:
    yield from _per_region(graph.of("aws:ec2/eip:Eip"))


def _count_vpcs(graph: Graph) -> Iterator[_Count]:
    # Every region of an account keeps its default VPC unless someone deleted it; it counts against the quota.
    yield from _per_region(graph.of(VPC), extra=1)


def _count_interface_endpoints(graph: Graph) -> Iterator[_Count]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for endpoint in graph.of("aws:ec2/vpcEndpoint:VpcEndpoint"):
        if endpoint.inputs.get("vpcEndpointType") not in ("Interface", "GatewayLoadBalancer"):
            continue
        vpc = next((v.name for v in graph.deps(endpoint, "vpcId", VPC)), str(endpoint.inputs.get("vpcId")))
        groups.setdefault((account_of(endpoint), region_of(endpoint), f"VPC {vpc}"), []).append(endpoint.urn)
    yield from _largest_group(groups)


def _count_nat_gateways(graph: Graph) -> Iterator[_Count]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for nat in graph.of(NAT_GATEWAY):
        zone = next((str(_zone(s)) for s in graph.deps(nat, "subnetId", SUBNET)), str(nat.inputs.get("subnetId")))
        groups.setdefault((account_of(nat), region_of(nat), zone), []).append(nat.urn)
    yield from _largest_group(groups)


def _count_lambda_concurrency(graph: Graph) -> Iterator[_Count]:
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


_SCP_TARGETS = {ORGANIZATION: "root", "aws:organizations/organizationalUnit:OrganizationalUnit": "OU",
                ORGANIZATIONS_ACCOUNT: "account"}


def _count_scps(graph: Graph) -> Iterator[_Count]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for attachment in graph.of("aws:organizations/policyAttachment:PolicyAttachment"):
        policies = graph.deps(attachment, "policyId", "aws:organizations/policy:Policy")
        if any(p.inputs.get("type", "SERVICE_CONTROL_POLICY") != "SERVICE_CONTROL_POLICY" for p in policies):
            continue  # tag and backup policies have quotas of their own
        targets = graph.deps(attachment, "targetId", *_SCP_TARGETS)
        if not targets:  # a literal id: an OU or account the stack does not manage
            target = str(attachment.inputs.get("targetId"))
        elif targets[0].type == ORGANIZATION:  # the root id comes from the organization's outputs
            target = "root"
        else:
            target = f"{_SCP_TARGETS[targets[0].type]} {targets[0].name}"
        groups.setdefault((MANAGEMENT, str(QUOTAS_BY_KEY["scps_per_target"].home), target), []).append(attachment.urn)
    for (account, region, target), urns in groups.items():
        # AWS attaches FullAWSAccess to every root, OU and account; it takes one of the five places.
        yield account, region, target, len(urns) + 1, tuple(urns)


def _count_kms_keys(graph: Graph) -> Iterator[_Count]:
    yield from _per_region(graph.of(KMS_KEY, KMS_EXTERNAL_KEY, "aws:kms/replicaKey:ReplicaKey",
                                    "aws:kms/replicaExternalKey:ReplicaExternalKey"))


QUOTA_COUNTERS: dict[str, Callable[[Graph], Iterator[_Count]]] = {
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
    graph = Graph(resources)
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
    return sorted(uses, key=lambda u: (u.account != MANAGEMENT, u.account, u.region, QUOTAS.index(u.quota)))


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
