"""Quota requests as registered by both stacks, the organization's request template, the preview's quota table and
account states, and a generated 100-account organization against the organization's account quota."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest
import yaml

import config
import preview.__main__ as preview_main
from bench.cases import many_accounts_stack_file
from components.home import Home
from components.service_quotas import TEMPLATE_REGION, QuotaRequests
from config.quotas import SERVICE_QUOTAS_PRINCIPAL
from org.organization import Organization
from org.providers import management_provider
from policy import rules
from preview import stackfile
from preview.__main__ import main
from preview.account_states import account_states
from preview.inventory import Inventory
from preview.run import PROJECT, Run
from tests.component_runs import run_components
from tests.run_view import view_of
from tests.stackfiles import STACKS, config_sections

HOME = "ap-northeast-2"
MEMBERS = ("network", "build", "dev", "ops")
LAMBDA = rules.QUOTAS_BY_KEY["lambda_concurrent_executions"]


@pytest.fixture
def cached_runs(monkeypatch: pytest.MonkeyPatch, runs: dict[str, Run]) -> None:
    monkeypatch.setattr(preview_main, "run", lambda stack, stack_file=None: runs[stack])


def test_the_template_asks_for_lambdas_documented_concurrency_in_the_accounts_the_stack_creates(stack_run: Run) -> None:
    """Members start far below 1,000; the organization's template files the request in each account it creates, so
    the accounts themselves ask for nothing the template asks (one open request per quota)."""
    assert view_of(stack_run).by_account(rules.SERVICE_QUOTA) == {}
    resources = Inventory(stack_run).policy_resources()
    rows = [use for use in rules.quota_usage(resources) if use.quota is LAMBDA]
    assert {use.account for use in rows} == {"dev", "ops"}  # where functions run
    assert all((use.basis, use.quota_value) == ("template", 1000) for use in rows)


def test_an_adopted_account_asks_for_itself() -> None:
    """An account that exists already gets no template request: it files its own, above the template or not."""
    settings = config.validate(config_sections("prod"))
    adopted = settings.model_copy(update={"accounts": [
        account.model_copy(update={"id": "123456789012"}) if account.name == "ops" else account
        for account in settings.accounts]})
    assert [(r.quota.key, r.value) for r in adopted.quota_requests("ops")] == [("lambda_concurrent_executions", 1000)]
    assert adopted.quota_requests("dev") == [] and adopted.quota_requests("management") == []


@pytest.mark.parametrize("stack", STACKS)
def test_what_each_stack_needs_beyond_a_new_accounts_start_is_requested(stack: str, inventories: dict) -> None:
    resources = inventories[stack].policy_resources()
    requested = rules.requested_quotas(resources)
    templated = rules.template_quotas(resources)
    created = {r.name for r in resources if r.type == rules.ORGANIZATIONS_ACCOUNT}
    lambda_rows = [use for use in rules.quota_usage(resources) if use.quota is LAMBDA]
    assert {use.account for use in lambda_rows} <= set(created)
    for use in lambda_rows:
        assert use.basis == "template" and use.quota_value == 1000
        assert templated[(HOME, LAMBDA.code)] >= use.need
    for use in rules.quota_usage(resources):
        start = use.quota.starts_at if use.account in created else use.quota.default
        asked = max(requested.get((use.account, use.region, use.quota.code), 0),
                    templated.get((use.region, use.quota.code), 0) if use.account in created else 0)
        if use.need > start:
            assert asked >= use.need, use


def test_the_template_lives_in_management_us_east_1_before_the_stacks_own_accounts(stack_run: Run) -> None:
    inventory = Inventory(stack_run)
    [entry] = stack_run.of_type(rules.QUOTA_TEMPLATE)
    [association] = stack_run.of_type("aws:servicequotas/templateAssociation:TemplateAssociation")
    assert entry.inputs == {"awsRegion": HOME, "serviceCode": "lambda", "quotaCode": LAMBDA.quota_code, "value": 1000}
    for resource in (entry, association):
        assert (view_of(stack_run).account(resource), inventory.region(resource)) == ("management", TEMPLATE_REGION)
    accounts = {a.urn for a in stack_run.of_type(rules.ORGANIZATIONS_ACCOUNT)}
    [organization] = stack_run.of_type("aws:organizations/organization:Organization")
    # Associated first, so AWS files the template's requests in every account the stack then creates.
    assert organization.urn in entry.dependencies and entry.urn in association.dependencies
    assert not accounts & (set(entry.dependencies) | set(association.dependencies))
    assert all(association.urn in account.dependencies for account in stack_run.of_type(rules.ORGANIZATIONS_ACCOUNT))
    assert SERVICE_QUOTAS_PRINCIPAL in organization.inputs["awsServiceAccessPrincipals"]


@pytest.mark.parametrize("stack", STACKS)
def test_the_preview_prints_the_quota_table_and_account_states(stack: str, cached_runs: None,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main([stack]) == 0
    out = capsys.readouterr().out
    table = out[out.index("Service quotas: "):out.index("Account states to set by hand")]
    assert "account     region          quota" in table
    assert "management  us-east-1       Accounts in the organization           organizations/L-E619E033" in table
    for account in MEMBERS:
        assert f"   {account:<10}  {HOME}  VPCs per Region" in table
    assert "Lambda concurrent executions           lambda/L-B99A9384" in table
    assert "Quota request template, filed by AWS in every account the organization creates: Lambda concurrent " \
           f"executions (lambda/L-B99A9384) 1000 in {HOME}" in table
    assert " ! " not in table
    states = out[out.index("Account states to set by hand"):out.index("Policy: ")]
    for number, account in enumerate(("dev", "ops"), start=1):
        assert f"  {number}. after the full `pulumi up`: {account} ({HOME}): SES production access" in states
    assert f"$ aws sesv2 put-account-details --region {HOME} --production-access-enabled --mail-type TRANSACTIONAL " \
           "--website-url https://" in states
    assert out.index("Service quotas: ") < out.index("Policy: ")


def test_the_inventory_carries_the_quotas_and_account_states(cached_runs: None, tmp_path: Path) -> None:
    target = tmp_path / "dev.json"
    assert main(["dev", "--json", str(target)]) == 0
    document = json.loads(target.read_text())
    usage = {(row["account"], row["region"], row["quota"]): row for row in document["quotas"]["usage"]}
    row = usage[("dev", HOME, "lambda_concurrent_executions")]
    assert (row["code"], row["basis"], row["quota_value"], row["default"], row["exceeded"]) == \
        ("lambda/L-B99A9384", "template", 1000, 1000, False)
    assert row["source"] == LAMBDA.source
    assert usage[("management", "us-east-1", "organization_accounts")]["need"] == 5
    assert document["quotas"]["template"] == [{"quota": "lambda_concurrent_executions",
                                               "title": LAMBDA.title, "code": LAMBDA.code, "region": HOME,
                                               "value": 1000}]
    assert [(s["when"], s["account"], s["state"]) for s in document["account_states"]] == \
        [("after", "dev", "SES production access"), ("after", "ops", "SES production access")]


def _organization_with_quotas(path: Path) -> list[rules.Resource]:
    """The organization, its accounts and management's quota requests for the stack file at `path`, under the
    preview's mocks (the whole program for a hundred accounts would cost a minute for these few resources)."""
    values, secret_keys = stackfile.load(path, PROJECT)

    def program() -> None:
        stack = config.load()
        on_management = pulumi.ResourceOptions(providers=[management_provider(stack)])
        Organization("organization", stack, opts=on_management)
        home = Home(org=stack.organization.name, account=config.MANAGEMENT,
                    account_id=stack.organization.management_account_id, region=stack.organization.region,
                    production=stack.production)
        QuotaRequests("management-quotas", stack.quotas.requests_for(config.MANAGEMENT, stack.organization.region),
                      home, opts=on_management)

    return Inventory(run_components(program, values, secret_keys, stack="dev")).policy_resources()


def test_a_hundred_accounts_exceed_the_organizations_quota_unless_config_requests_it(tmp_path: Path) -> None:
    path = many_accounts_stack_file(tmp_path, total=100, with_vpcs=False)
    resources = _organization_with_quotas(path)
    assert sum(r.type == rules.ORGANIZATIONS_ACCOUNT for r in resources) == 100
    [message] = [m for _, m in rules.service_quotas_cover_needs(resources)]
    assert message.startswith("account management, region us-east-1: Accounts in the organization "
                              "(organizations/L-E619E033) needs 101 (organization) but the quota is 10")
    assert "landing-zone:quotas.accounts.management.organization_accounts: 101" in message

    document = yaml.safe_load(path.read_text())
    document["config"]["landing-zone:quotas"] = {"accounts": {"management": {"organization_accounts": 120}}}
    path.write_text(yaml.safe_dump(document))
    resources = _organization_with_quotas(path)
    [request] = [r for r in resources if r.type == rules.SERVICE_QUOTA]
    assert request.inputs == {"serviceCode": "organizations", "quotaCode": "L-E619E033", "value": 120,
                              "region": "us-east-1"}
    assert list(rules.service_quotas_cover_needs(resources)) == []
    # The accounts past ten wait for AWS's approval: the request is filed alone and awaited first.
    [wait] = account_states(resources)
    assert (wait.when, wait.account, wait.region, wait.state) == \
        ("before", "management", "us-east-1", "Accounts in the organization raised to 120")
    assert wait.steps[0] == f"pulumi up --target '{request.urn}'"
    assert "--service-code organizations --quota-code L-E619E033 --region us-east-1" in wait.check
