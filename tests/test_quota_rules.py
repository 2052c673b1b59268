"""The service quota rule on small resource lists: each quota fails when the list exceeds it, and holds when a
ServiceQuota of the stack requests enough; the same verdict through the CrossGuard pack."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pulumi_policy import PolicyResource, PolicyResourceOptions, StackValidationArgs, StackValidationPolicy
from pulumi_policy.policy import PolicyCustomTimeouts, PolicyProviderResource

from policy import pack, rules
from tests.rule_resources import provider_inputs, resource, urn_of

RULE = "service-quotas-cover-needs"
HOME = "ap-northeast-2"


def _provider(account: str, region: str = HOME) -> dict[str, Any]:
    return provider_inputs(account, region, environment="sandbox", Owner="o", CostCenter="c", ManagedBy="m")


def _request(quota: str, value: int, account: str = "dev", region: str = HOME) -> rules.Resource:
    spec = rules.QUOTAS_BY_KEY[quota]
    return resource(rules.SERVICE_QUOTA, f"{account}-{quota}",
                    {"serviceCode": spec.service_code, "quotaCode": spec.quota_code, "value": value},
                    provider=_provider(account, region))


def _messages(resources: list[rules.Resource]) -> list[str]:
    return [message for _, message in rules.service_quotas_cover_needs(resources)]


def _eips(count: int, account: str = "dev") -> list[rules.Resource]:
    return [resource("aws:ec2/eip:Eip", f"{account}-eip-{i}", {"domain": "vpc"}, provider=_provider(account))
            for i in range(count)]


def _accounts(count: int) -> list[rules.Resource]:
    return [resource(rules.ORGANIZATIONS_ACCOUNT, f"svc{i:03d}", provider=_provider("management")) for i in range(count)]


def test_the_rule_is_a_mandatory_stack_rule() -> None:
    [rule] = [r for r in rules.STACK_RULES if r.name == RULE]
    assert rule.level == "mandatory" and rule.check is rules.service_quotas_cover_needs


def test_every_quota_names_its_codes_default_and_source() -> None:
    assert set(rules.QUOTA_COUNTERS) == {quota.key for quota in rules.QUOTAS}
    for quota in rules.QUOTAS:
        assert quota.source.startswith("https://docs.aws.amazon.com/"), quota.key
        assert quota.default > 0
        if quota.adjustable:
            assert re.fullmatch(r"[a-z0-9-]+", str(quota.service_code)), quota.key
            assert re.fullmatch(r"L-[0-9A-F]{8}", str(quota.quota_code)), quota.key
    assert rules.QUOTAS_BY_KEY["organization_accounts"].code == "organizations/L-E619E033"
    assert rules.QUOTAS_BY_KEY["scps_per_target"].code == "fixed"


def test_six_elastic_ips_exceed_the_default_of_five_until_requested() -> None:
    assert _messages(_eips(5)) == []
    [message] = _messages(_eips(6))
    assert message.startswith("account dev, region ap-northeast-2: Elastic IP addresses per Region (ec2/L-0263D0A3) "
                              "needs 6 (region) but the quota is 5 (AWS default); request it")
    assert "landing-zone:quotas.accounts.dev.elastic_ips: 6" in message
    assert _messages([*_eips(6), _request("elastic_ips", 6)]) == []
    assert _messages([*_eips(3), *_eips(3, "ops")]) == [], "each account has its own quota"
    assert _messages([*_eips(6), _request("elastic_ips", 6, "ops")]) != [], "a request counts only in its account"
    assert _messages([*_eips(6), _request("elastic_ips", 6, region="us-east-1")]) != [], "and only in its region"


def test_more_accounts_than_the_organization_allows_until_management_requests_them() -> None:
    assert _messages(_accounts(9)) == []  # nine members and the management account: ten
    [message] = _messages(_accounts(10))
    assert "account management, region us-east-1: Accounts in the organization (organizations/L-E619E033) needs " \
           "11 (organization) but the quota is 10" in message
    assert _messages([*_accounts(10), _request("organization_accounts", 20, "management", "us-east-1")]) == []
    # Organizations' quotas live in us-east-1; a request in the home region is not the same quota.
    assert _messages([*_accounts(10), _request("organization_accounts", 20, "management")]) != []


def test_the_default_vpc_counts_against_vpcs_per_region() -> None:
    vpcs = [resource("aws:ec2/vpc:Vpc", f"vpc-{i}", provider=_provider("dev")) for i in range(5)]
    [message] = _messages(vpcs)
    assert "VPCs per Region (vpc/L-F678F1CE) needs 6" in message
    assert _messages(vpcs[:4]) == []
    assert _messages([*vpcs, _request("vpcs", 6)]) == []


def _endpoints(vpc: str, count: int, kind: str = "Interface") -> list[rules.Resource]:
    return [resource("aws:ec2/vpcEndpoint:VpcEndpoint", f"{vpc}-endpoint-{i}", {"vpcEndpointType": kind, "vpcId": f"{vpc}-id"},
                     provider=_provider("dev"), sources={"vpcId": [urn_of("aws:ec2/vpc:Vpc", vpc)]})
            for i in range(count)]


def test_interface_endpoints_count_per_vpc_and_gateway_endpoints_do_not() -> None:
    vpcs = [resource("aws:ec2/vpc:Vpc", name, provider=_provider("dev")) for name in ("a", "b")]
    [message] = _messages([*vpcs, *_endpoints("a", 51)])
    assert "Interface VPC endpoints per VPC (vpc/L-29B6F2EB) needs 51 (VPC a)" in message
    assert _messages([*vpcs, *_endpoints("a", 30), *_endpoints("b", 30)]) == []
    assert _messages([*vpcs, *_endpoints("a", 50), *_endpoints("a", 5, "Gateway")]) == []
    assert _messages([*vpcs, *_endpoints("a", 51), _request("interface_endpoints_per_vpc", 60)]) == []


def _nats(zones: list[str]) -> list[rules.Resource]:
    subnets = {zone: resource("aws:ec2/subnet:Subnet", f"public-{zone}", {"availabilityZone": zone},
                              provider=_provider("dev"))
               for zone in set(zones)}
    nats = [resource("aws:ec2/natGateway:NatGateway", f"nat-{i}", provider=_provider("dev"),
                     sources={"subnetId": [subnets[zone]]})
            for i, zone in enumerate(zones)]
    return [*subnets.values(), *nats]


def test_nat_gateways_count_per_availability_zone() -> None:
    [message] = _messages(_nats(["ap-northeast-2a"] * 6))
    assert "NAT gateways per Availability Zone (vpc/L-FE5A380F) needs 6 (ap-northeast-2a)" in message
    assert _messages(_nats(["ap-northeast-2a"] * 3 + ["ap-northeast-2c"] * 3)) == []
    assert _messages([*_nats(["ap-northeast-2a"] * 6), _request("nat_gateways_per_az", 6)]) == []


def _functions(count: int, account: str = "dev", reserved: int | None = None) -> list[rules.Resource]:
    inputs = {"runtime": "python3.12"} | ({"reservedConcurrentExecutions": reserved} if reserved else {})
    return [resource(rules.LAMBDA_FUNCTION, f"{account}-fn-{i}", dict(inputs), provider=_provider(account))
            for i in range(count)]


def test_a_new_account_starts_below_lambdas_default_concurrency() -> None:
    new_account = resource(rules.ORGANIZATIONS_ACCOUNT, "dev", provider=_provider("management"))
    [message] = _messages([new_account, *_functions(11)])
    assert "Lambda concurrent executions (lambda/L-B99A9384) needs 11" in message
    assert "quota is 10 (new account; AWS default 1000)" in message
    assert _messages([*_functions(11, "management")]) == [], "the management account exists already: 1,000"
    assert _messages([new_account, *_functions(11), _request("lambda_concurrent_executions", 1000)]) == []


def test_reserved_concurrency_leaves_lambdas_unreserved_minimum() -> None:
    request = _request("lambda_concurrent_executions", 1000)
    assert _messages([*_functions(2, reserved=450), request]) == []  # 900 reserved + the 100 Lambda keeps free
    [message] = _messages([*_functions(2, reserved=460), request])
    assert "needs 1020 (2 functions, 920 reserved) but the quota is 1000 (requested" in message
    # A reservation in a new account without a request: 5 reserved + 100 unreserved, against the start of 10.
    new_account = resource(rules.ORGANIZATIONS_ACCOUNT, "dev", provider=_provider("management"))
    [message] = _messages([new_account, *_functions(1, reserved=5), *_functions(3)])
    assert "needs 105 (4 functions, 5 reserved) but the quota is 10 (new account" in message


def _scp(name: str, target: str, policy_type: str = "SERVICE_CONTROL_POLICY") -> list[rules.Resource]:
    policy = resource("aws:organizations/policy:Policy", f"{name}-policy", {"type": policy_type},
                      provider=_provider("management"))
    attachment = resource("aws:organizations/policyAttachment:PolicyAttachment", f"{name}-attachment",
                          {"targetId": "r-abcd"}, provider=_provider("management"),
                          sources={"policyId": [policy], "targetId": [target]})
    return [policy, attachment]


def test_full_aws_access_and_four_scps_fill_a_target_and_a_fifth_cannot_be_requested() -> None:
    organization = resource("aws:organizations/organization:Organization", "organization", provider=_provider("management"))
    four = [r for i in range(4) for r in _scp(f"scp{i}", organization.urn)]
    assert _messages([organization, *four]) == []
    [message] = _messages([organization, *four, *_scp("scp4", organization.urn)])
    assert "SCPs attached per root, OU or account (fixed) needs 6 (root) but the quota is 5" in message
    assert "AWS cannot raise it" in message
    assert _messages([organization, *four, *_scp("tags", organization.urn, "TAG_POLICY")]) == []
    unit = resource("aws:organizations/organizationalUnit:OrganizationalUnit", "ou-workloads", provider=_provider("management"))
    [message] = _messages([unit, *(r for i in range(5) for r in _scp(f"ou{i}", unit.urn))])
    assert "needs 6 (OU ou-workloads)" in message


def test_kms_keys_beyond_the_regional_quota() -> None:
    provider = {"region": HOME, "defaultTags": {"tags": {"Account": "dev"}}}  # decoded once, not per key
    keys = [resource(rules.KMS_KEY, f"key-{i}", provider=provider) for i in range(100_001)]
    [message] = _messages(keys)
    assert "KMS customer managed keys per Region (kms/L-C2F1777E) needs 100001" in message
    assert _messages([*keys, _request("kms_keys", 110_000)]) == []


def test_the_pack_reports_the_same_violation_through_crossguard() -> None:
    [policy] = [p for p in pack.policies() if p.name == RULE]
    assert isinstance(policy, StackValidationPolicy)
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
    provider = PolicyProviderResource("pulumi:providers:aws", _provider("dev"), "urn:provider", "dev")

    def eip(index: int) -> PolicyResource:
        return PolicyResource("aws:ec2/eip:Eip", {"domain": "vpc"}, f"urn:eip-{index}", f"eip-{index}", options,
                              provider, None, [], {})

    reported: list[tuple[str, str | None]] = []
    policy.validate(StackValidationArgs([eip(i) for i in range(6)]),
                    lambda message, urn=None: reported.append((message, urn)))
    assert len(reported) == 1
    assert reported[0][1] == "urn:eip-0"
    assert "Elastic IP addresses per Region (ec2/L-0263D0A3) needs 6" in reported[0][0]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_both_stacks_fit_their_quotas(stack: str, inventories: dict) -> None:
    uses = rules.quota_usage(inventories[stack].policy_resources())
    assert {use.quota.key for use in uses} == {quota.key for quota in rules.QUOTAS}
    assert [use for use in uses if use.exceeded] == []
