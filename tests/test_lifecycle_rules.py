"""After the first `up`: values AWS moves are left to AWS, the sandbox can be destroyed and rebuilt any number of
times, and grants hold under the authorization AWS applies at run time. Each rule passes on the program's own
inventories (the policy verdict of every stack) and fails on a small bad input here."""

from __future__ import annotations

import json

import pytest

from config import data as config_data
from config import services as config_services
from policy import rules
from preview.inventory import Inventory
from tests.rule_resources import provider_inputs, resource

SANDBOX = provider_inputs(environment="sandbox")
PRODUCTION = provider_inputs(environment="production")


def messages(check, item: rules.Resource) -> list[str]:
    return list(check(item))


@pytest.mark.parametrize(("token", "inputs", "ignored"), [
    ("aws:rds/cluster:Cluster", {"engineVersion": "16.6"}, "engineVersion"),
    ("aws:rds/clusterInstance:ClusterInstance", {"engineVersion": "16.6"}, "engineVersion"),
    ("aws:elasticbeanstalk/environment:Environment",
     {"solutionStackName": "64bit Amazon Linux 2023 v4.5.2 running Python 3.12",
      "settings": [{"namespace": "aws:elasticbeanstalk:managedactions", "name": "ManagedActionsEnabled",
                    "value": "true"}]}, "solutionStackName"),
])
def test_a_pinned_value_aws_moves_fails_until_ignored(token: str, inputs: dict, ignored: str) -> None:
    check = rules.aws_managed_values_left_to_aws
    found = messages(check, resource(token, **inputs))
    assert len(found) == 1 and f"add `{ignored}` to ignore_changes" in found[0]
    assert messages(check, resource(token, ignore=(ignored,), **inputs)) == []


def test_a_value_aws_leaves_alone_may_be_pinned() -> None:
    check = rules.aws_managed_values_left_to_aws
    unmanaged = resource("aws:elasticbeanstalk/environment:Environment", solutionStackName="stack", settings=[])
    assert messages(check, unmanaged) == []  # no managed platform updates: the stack stays as set
    assert messages(check, resource("aws:rds/instance:Instance", engineVersion="16.6",
                                    autoMinorVersionUpgrade=False)) == []
    assert messages(check, resource("aws:opensearch/domain:Domain", engineVersion="OpenSearch_2.17")) == []


@pytest.mark.parametrize(("token", "bad", "good"), [
    ("aws:s3/bucket:Bucket", {"forceDestroy": False}, {"forceDestroy": True}),
    ("aws:backup/vault:Vault", {}, {"forceDestroy": True}),
    ("aws:secretsmanager/secret:Secret", {"recoveryWindowInDays": 7}, {"recoveryWindowInDays": 0}),
    ("aws:rds/cluster:Cluster", {"skipFinalSnapshot": False}, {"skipFinalSnapshot": True}),
    ("aws:backup/vaultLockConfiguration:VaultLockConfiguration", {"changeableForDays": 3}, {"minRetentionDays": 7}),
    ("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
     {"rule": {"defaultRetention": {"mode": "COMPLIANCE", "days": 1}}},
     {"rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 1}}}),
])
def test_what_a_sandbox_destroy_would_stop_at(token: str, bad: dict, good: dict) -> None:
    check = rules.sandbox_destroyable
    assert len(messages(check, resource(token, provider=SANDBOX, **bad))) == 1
    assert messages(check, resource(token, provider=SANDBOX, **good)) == []
    assert messages(check, resource(token, provider=PRODUCTION, **bad)) == []  # production keeps what it keeps on purpose


def test_nothing_in_a_sandbox_is_protected() -> None:
    protected = resource("aws:kms/key:Key", "k", protect=True, provider=SANDBOX)
    assert "is protected" in messages(rules.sandbox_destroyable, protected)[0]
    assert messages(rules.sandbox_destroyable, resource("aws:kms/key:Key", "k", protect=True, provider=PRODUCTION)) == []


def test_users_are_deleted_with_what_people_added_to_them_in_every_stack() -> None:
    check = rules.sandbox_destroyable
    for provider in (SANDBOX, PRODUCTION):
        assert len(messages(check, resource("aws:iam/user:User", provider=provider, name="mina"))) == 1
        assert messages(check, resource("aws:iam/user:User", provider=provider, name="mina", forceDestroy=True)) == []


def test_a_literal_final_snapshot_name_fails_the_second_deletion() -> None:
    def check(item: rules.Resource) -> list[str]:
        return [message for _, message in rules.final_snapshot_named_once([item])]

    literal = resource("aws:rds/cluster:Cluster", provider=PRODUCTION, skipFinalSnapshot=False,
                       finalSnapshotIdentifier="shop-ops-aurora-final")
    assert len(messages(check, literal)) == 1
    derived = resource("aws:rds/cluster:Cluster", provider=PRODUCTION, skipFinalSnapshot=False,
                       finalSnapshotIdentifier="shop-ops-aurora-final-1767225600",
                       sources={"finalSnapshotIdentifier": ["urn:time:index/static:Static::created"]})
    assert messages(check, derived) == []


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


FUNCTION = "arn:aws:lambda:ap-northeast-2:111111111111:function:shop-ops-curation-api"


def test_a_function_url_grant_without_invoke_function_returns_403() -> None:
    check = rules.function_url_grants_both_actions
    url_only = resource("aws:iam/rolePolicy:RolePolicy", policy=_policy(
        {"Effect": "Allow", "Action": "lambda:InvokeFunctionUrl", "Resource": FUNCTION}))
    assert len(messages(check, url_only)) == 1
    both = resource("aws:iam/rolePolicy:RolePolicy", policy=_policy(
        {"Effect": "Allow", "Action": "lambda:InvokeFunctionUrl", "Resource": FUNCTION},
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": FUNCTION,
         "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}}))
    assert messages(check, both) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_program_passes_every_lifecycle_rule(stack: str, inventories: dict[str, Inventory]) -> None:
    names = {"aws-managed-values-left-to-aws", "sandbox-destroyable", "final-snapshot-named-once",
             "function-url-grants-both-actions"}
    assert {rule.name for rule in [*rules.RESOURCE_RULES, *rules.STACK_RULES]} >= names
    violations = [v for v in rules.evaluate(inventories[stack].policy_resources()) if v.policy in names]
    assert violations == []


def test_only_what_cannot_be_deleted_outlives_a_sandbox_destroy(inventories: dict[str, Inventory]) -> None:
    """An organization with accounts cannot be deleted and accounts are closed only by hand: they, and the OUs
    holding them, are retained (and adopted by id on the next `up`); AWS's own default network of each account and
    region is adopted, never deleted (the next `up` adopts it again); nothing else in the sandbox is retained."""
    retained = {r.type for r in inventories["dev"].run.registrations if r.retain_on_delete}
    assert retained == {"aws:organizations/organization:Organization",
                        "aws:organizations/organizationalUnit:OrganizationalUnit",
                        "aws:organizations/account:Account",
                        "aws:ec2/defaultVpc:DefaultVpc", "aws:ec2/defaultSubnet:DefaultSubnet",
                        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
                        "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"}


def _environment(arn: str) -> rules.Resource:
    provider = {"allowedAccountIds": json.dumps(["313997161770"]), "region": "ap-northeast-2"}
    return resource("aws:elasticbeanstalk/environment:Environment", provider=provider, settings=[
        {"namespace": "aws:elbv2:listener:443", "name": "SSLCertificateArns", "value": arn}])


@pytest.mark.parametrize(("arn", "expected"), [
    ("arn:aws:acm:ap-northeast-2:313997161770:certificate/4f1c7a2e-0b6d-4e8a-9c3f-1a2b3c4d5e6f", None),
    ("arn:aws:acm:ap-northeast-2:999999999999:certificate/4f1c7a2e-0b6d-4e8a-9c3f-1a2b3c4d5e6f", "account 999999999999"),
    ("arn:aws:acm:us-east-1:313997161770:certificate/4f1c7a2e-0b6d-4e8a-9c3f-1a2b3c4d5e6f", "of us-east-1"),
])
def test_a_load_balancer_uses_a_certificate_of_its_own_account_and_region(arn: str, expected: str | None) -> None:
    found = messages(rules.certificate_of_its_own_account, _environment(arn))
    assert (found == []) if expected is None else (len(found) == 1 and expected in found[0])


@pytest.mark.parametrize(("model", "field", "says"), [
    ("DatabaseConfig", "engine_version", "leaves the version to AWS"),
    ("SearchConfig", "engine_version", "Pinned: AWS never moves"),
    ("WebConfig", "solution_stack", "leaves the version to"),
])
def test_each_version_field_says_who_owns_it_after_creation(model: str, field: str, says: str) -> None:
    """Every config field behind a value AWS may change after creation states the program's choice."""
    owner = getattr(config_data, model, None) or getattr(config_services, model)
    assert says in (owner.model_fields[field].description or "")
