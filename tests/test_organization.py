"""The organization, its OUs and accounts, and one provider per account, as registered for both stacks."""

from __future__ import annotations

import json
import re

import pytest

from components.service_quotas import TEMPLATE_REGION
from config.naming import aws_name
from preview.inventory import Inventory
from preview.run import Run
from tests.stackfiles import base_config

ACCOUNTS = {"network": "infrastructure", "build": "infrastructure", "dev": "workloads", "ops": "workloads"}


def copy_regions(stack: str) -> dict[str, str]:
    """Account -> second region its backups are copied to (the data tier adds a provider there)."""
    data = base_config(stack).get("landing-zone:data", {})
    return {account: spec["backup"]["copy_to"]["region"] for account, spec in data.items()
            if spec.get("backup", {}).get("copy_to", {}).get("region")}


def test_organization_has_all_features_and_trusted_services(stack_run: Run) -> None:
    [organization] = stack_run.of_type("aws:organizations/organization:Organization")
    assert organization.inputs["featureSet"] == "ALL"
    assert {"cloudtrail.amazonaws.com", "config.amazonaws.com", "guardduty.amazonaws.com", "securityhub.amazonaws.com",
            "ram.amazonaws.com", "backup.amazonaws.com"} <= set(organization.inputs["awsServiceAccessPrincipals"])
    assert "SERVICE_CONTROL_POLICY" in organization.inputs["enabledPolicyTypes"]
    assert organization.retain_on_delete


def test_organization_protected_only_in_production(dev: Run, prod: Run) -> None:
    assert not dev.of_type("aws:organizations/organization:Organization")[0].protect
    assert prod.of_type("aws:organizations/organization:Organization")[0].protect


def test_four_accounts_in_their_ous(stack_run: Run) -> None:
    units = {u.id: u.inputs["name"] for u in stack_run.of_type("aws:organizations/organizationalUnit:OrganizationalUnit")}
    [organization] = stack_run.of_type("aws:organizations/organization:Organization")
    root_id = organization.outputs["roots"][0]["id"]
    assert {u.inputs["parentId"] for u in stack_run.of_type("aws:organizations/organizationalUnit:OrganizationalUnit")} \
        == {root_id}
    accounts = {a.name: a for a in stack_run.of_type("aws:organizations/account:Account")}
    assert set(accounts) == set(ACCOUNTS)
    for name, ou in ACCOUNTS.items():
        account = accounts[name]
        assert units[account.inputs["parentId"]] == ou
        assert account.inputs["name"] == aws_name("shop", name, kind="account")
        assert account.inputs["closeOnDeletion"] is False
        assert account.inputs["roleName"] == "OrganizationAccountAccessRole"
        assert account.retain_on_delete, f"{name} must be retained: removing it never closes it"
        # Protected in production; the sandbox must stay destroyable by `pulumi destroy`.
        assert account.protect is (stack_run.stack == "prod"), name
        assert set(account.ignore_changes) == {"roleName", "iamUserAccessToBilling"}
    assert len({a.inputs["email"] for a in accounts.values()}) == 4


def test_each_member_provider_assumes_its_role_in_its_own_account(stack_run: Run) -> None:
    account_ids = {a.name: a.id for a in stack_run.of_type("aws:organizations/account:Account")}
    providers = {p.name: p for p in stack_run.of_type("pulumi:providers:aws")}
    copies = copy_regions(stack_run.stack)
    # The management account's us-east-1 provider manages the organization's quota request template.
    assert set(providers) == {"management", f"management-{TEMPLATE_REGION}", *ACCOUNTS,
                              *(f"{name}-{region}" for name, region in copies.items())}
    for name, region in copies.items():  # the same role, pin and tags, in the copy region
        regional, home = providers[f"{name}-{region}"].inputs, providers[name].inputs
        assert regional["region"] == region
        assert (regional["assumeRoles"], regional["allowedAccountIds"], regional["defaultTags"]) == \
            (home["assumeRoles"], home["allowedAccountIds"], home["defaultTags"])
    for name, account_id in account_ids.items():
        inputs = providers[name].inputs
        [assume] = json.loads(inputs["assumeRoles"])
        assert assume["roleArn"] == f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
        assert json.loads(inputs["allowedAccountIds"]) == [account_id]
        assert inputs["region"] == "ap-northeast-2"
        tags = json.loads(inputs["defaultTags"])["tags"]
        assert tags["Account"] == name
        assert tags["ManagedBy"] == "pulumi/landing-zone"


def test_management_provider_is_pinned_to_the_management_account(dev: Run, prod: Run) -> None:
    for result, account_id in ((dev, "111111111111"), (prod, "222222222222")):
        [management] = [p for p in result.of_type("pulumi:providers:aws") if p.name == "management"]
        assert json.loads(management.inputs["allowedAccountIds"]) == [account_id]
        assert "assumeRoles" not in management.inputs


def test_environment_tag_follows_the_stack(dev: Run, prod: Run) -> None:
    for result, environment in ((dev, "sandbox"), (prod, "production")):
        for provider in result.of_type("pulumi:providers:aws"):
            assert json.loads(provider.inputs["defaultTags"])["tags"]["Environment"] == environment


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_resource_is_attributed_to_an_account(stack: str, inventories: dict[str, Inventory]) -> None:
    inventory = inventories[stack]
    organization_resources = [r for r in inventory.resources_json() if r["type"].startswith("aws:organizations/")]
    assert organization_resources and {r["account"] for r in organization_resources} == {"management"}
    for resource in inventory.resources_json():
        if resource["type"].startswith("aws:"):
            assert resource["account"] in {"management", *ACCOUNTS}, resource["urn"]
            # Only the root-activity twin rules sit in us-east-1, where global sign-in and IAM events arrive, with
            # the quota request template, managed only from there; backup copies (vault and key) in the account's
            # copy region, and what Security Hub checks in every region it runs in (default VPCs, the regional
            # baseline, GuardDuty) in the region the name gives.
            in_us_east_1 = "root-activity-global" in resource["name"] or resource["type"].startswith("aws:servicequotas/t")
            expected = "us-east-1" if in_us_east_1 else "ap-northeast-2"
            if "-backup-copy" in resource["name"] and resource["type"] != "aws:cloudwatch/metricAlarm:MetricAlarm":
                expected = copy_regions(stack)[resource["account"]]
            regional = re.search(r"(?:default-vpc|baseline|guardduty[a-z-]*?)-((?:us|ap)-[a-z]+-\d)", resource["name"])
            if regional:
                expected = regional.group(1)
            assert resource["region"] == expected, resource["urn"]


def test_a_fifth_account_is_a_config_change(sandbox_reorganized: Run) -> None:
    result = sandbox_reorganized  # tests/variants.py: the accounts with `payments` added
    names = {a.name for a in result.of_type("aws:organizations/account:Account")}
    assert names == {*ACCOUNTS, "payments"}
    assert "payments" in {p.name for p in result.of_type("pulumi:providers:aws")}
