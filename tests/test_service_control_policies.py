"""The guardrails as SCPs: what each denies, who is exempt, where they attach, and AWS's size and count limits."""

from __future__ import annotations

from collections import Counter

import pytest

from config.errors import ConfigError
from config.guardrails import GuardrailConfig, GuardrailsConfig, ServiceControlPoliciesConfig
from org.guardrail_statements import GLOBAL_SERVICE_ACTIONS, GUARDRAILS
from org.service_control_policies import SCP_MAX_CHARACTERS, plan_policies
from preview.run import Run
from tests.run_view import as_list, statements_by_sid, view_of

POLICY = "aws:organizations/policy:Policy"
ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"
DEPLOY_ROLE = "arn:aws:iam::*:role/OrganizationAccountAccessRole"
BREAK_GLASS = "arn:aws:iam::*:role/BreakGlassAdmin"


def _statements(result: Run) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for policy in result.of_type(POLICY):
        found |= statements_by_sid(policy.inputs["content"])
    return found


def _exempt(statement: dict) -> list[str]:
    return as_list(statement.get("Condition", {}).get("ArnNotLike", {}).get("aws:PrincipalArn", []))


def test_one_scp_holds_every_guardrail_attached_to_the_root(stack_run: Run) -> None:
    view = view_of(stack_run)
    policies = stack_run.of_type(POLICY)
    assert len(policies) == 1
    policy = policies[0]
    assert policy.inputs["type"] == "SERVICE_CONTROL_POLICY"
    assert policy.inputs["name"] == "shop-guardrails-root"
    assert set(statements_by_sid(policy.inputs["content"])) == {
        "DenyRootUser", "DenyLeaveOrganization", "ProtectSecurityServices", "ProtectAccountSettings", "DenyIamUsers",
        "DenyOtherRegions", "DenyUnencryptedRds", "DenyUnencryptedEbs", "DenyDefaultVpc"}
    attachments = stack_run.of_type(ATTACHMENT)
    organization = view.named("organization", "aws:organizations/organization:Organization")
    root_id = organization.outputs["roots"][0]["id"]
    assert [(a.inputs["policyId"], a.inputs["targetId"]) for a in attachments] == [(policy.id, root_id)]
    assert organization.urn in policy.dependencies  # the SCP policy type must be on first
    assert set(view.by_account(POLICY)) == {"management"}


def test_documents_fit_the_scp_size_limit_and_targets_the_policy_count(stack_run: Run) -> None:
    for policy in stack_run.of_type(POLICY):
        assert len(policy.inputs["content"]) <= SCP_MAX_CHARACTERS
    per_target = Counter(a.inputs["targetId"] for a in stack_run.of_type(ATTACHMENT))
    assert all(count + 1 <= 5 for count in per_target.values())  # + FullAWSAccess


def test_root_user_of_member_accounts_is_denied_everything(stack_run: Run) -> None:
    statement = _statements(stack_run)["DenyRootUser"]
    assert statement["Effect"] == "Deny" and statement["Action"] == "*" and statement["Resource"] == "*"
    assert statement["Condition"]["StringLike"] == {"aws:PrincipalArn": "arn:aws:iam::*:root"}


def test_no_account_may_leave(stack_run: Run) -> None:
    statement = _statements(stack_run)["DenyLeaveOrganization"]
    assert statement["Action"] == "organizations:LeaveOrganization" and "Condition" not in statement


def test_security_services_cannot_be_stopped_except_by_the_deploy_role(stack_run: Run) -> None:
    statement = _statements(stack_run)["ProtectSecurityServices"]
    actions = set(statement["Action"])
    for action in ("cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "guardduty:DeleteDetector",
                   "guardduty:DisassociateFromAdministratorAccount", "securityhub:DisableSecurityHub",
                   "config:StopConfigurationRecorder", "config:DeleteDeliveryChannel",
                   "access-analyzer:DeleteAnalyzer", "ec2:DeleteFlowLogs"):
        assert action in actions
    assert _exempt(statement) == [DEPLOY_ROLE]


def test_account_encryption_and_public_access_settings_are_locked(stack_run: Run) -> None:
    statement = _statements(stack_run)["ProtectAccountSettings"]
    assert set(statement["Action"]) == {"ec2:DisableEbsEncryptionByDefault", "ec2:ModifyEbsDefaultKmsKeyId",
                                        "ec2:ResetEbsDefaultKmsKeyId", "s3:PutAccountPublicAccessBlock"}
    assert _exempt(statement) == [DEPLOY_ROLE]


def test_iam_users_and_keys_only_for_break_glass(stack_run: Run) -> None:
    statement = _statements(stack_run)["DenyIamUsers"]
    assert set(statement["Action"]) == {"iam:CreateUser", "iam:CreateAccessKey"}
    assert _exempt(statement) == [BREAK_GLASS]  # not even the deploy role: people come in through roles


def test_other_regions_are_denied_except_global_services(dev: Run, prod: Run) -> None:
    # Production also allows ap-northeast-1, where the data tier copies its backups.
    for result, regions in ((dev, ["ap-northeast-2", "us-east-1"]), (prod, ["ap-northeast-1", "ap-northeast-2"])):
        statement = _statements(result)["DenyOtherRegions"]
        assert "Action" not in statement
        assert set(statement["NotAction"]) == set(GLOBAL_SERVICE_ACTIONS)
        assert {"iam:*", "organizations:*", "sts:*", "cloudfront:*", "route53:*", "support:*"} <= set(
            statement["NotAction"])
        assert as_list(statement["Condition"]["StringNotEquals"]["aws:RequestedRegion"]) == regions


def test_unencrypted_storage_is_denied(stack_run: Run) -> None:
    statements = _statements(stack_run)
    rds, ebs = statements["DenyUnencryptedRds"], statements["DenyUnencryptedEbs"]
    assert set(rds["Action"]) == {"rds:CreateDBCluster", "rds:CreateDBInstance"}
    assert rds["Condition"] == {"Bool": {"rds:StorageEncrypted": "false"}}
    assert set(ebs["Action"]) == {"ec2:CreateVolume", "ec2:RunInstances"}
    assert ebs["Resource"] == "arn:aws:ec2:*:*:volume/*"
    assert ebs["Condition"] == {"Bool": {"ec2:Encrypted": "false"}}


def test_default_vpcs_cannot_be_recreated(stack_run: Run) -> None:
    statement = _statements(stack_run)["DenyDefaultVpc"]
    assert set(statement["Action"]) == {"ec2:CreateDefaultVpc", "ec2:CreateDefaultSubnet"}
    assert "Condition" not in statement


def test_guardrails_attach_where_config_says(sandbox_reorganized: Run) -> None:
    result = sandbox_reorganized  # tests/variants.py: GUARDRAIL_TARGETS
    policies = {p.inputs["name"]: p for p in result.of_type(POLICY)}
    assert set(policies) == {"shop-guardrails-root", "shop-guardrails-workloads"}
    workloads = statements_by_sid(policies["shop-guardrails-workloads"].inputs["content"])
    assert set(workloads) == {"DenyUnencryptedRds", "DenyUnencryptedEbs", "DenyDefaultVpc"}
    root = statements_by_sid(policies["shop-guardrails-root"].inputs["content"])
    assert "DenyLeaveOrganization" not in root
    assert _exempt(root["DenyOtherRegions"]) == [BREAK_GLASS]
    unit = view_of(result).named("ou-workloads", "aws:organizations/organizationalUnit:OrganizationalUnit")
    targets = {a.name: a.inputs["targetId"] for a in result.of_type(ATTACHMENT)}
    assert targets["scp-workloads-on-workloads"] == unit.id
    assert targets["scp-root-on-root"].startswith("r-")


def _config(**policies: GuardrailConfig) -> GuardrailsConfig:
    return GuardrailsConfig(break_glass_roles=["BreakGlassAdmin"], policies=ServiceControlPoliciesConfig(**policies))


def test_every_guardrail_has_a_statement_builder() -> None:
    assert set(GUARDRAILS) == set(ServiceControlPoliciesConfig.model_fields)


def _long_exemptions(count: int) -> GuardrailsConfig:
    roles = [f"Role{index:02d}WithALongEnoughNameToFillTheDocument" for index in range(count)]
    return GuardrailsConfig(break_glass_roles=roles, policies=ServiceControlPoliciesConfig(
        **{name: GuardrailConfig(exempt_roles=roles) for name in ServiceControlPoliciesConfig.model_fields}))


def test_a_group_too_large_for_one_document_is_split() -> None:
    planned = plan_policies(_long_exemptions(10), "ap-northeast-2", ["OrganizationAccountAccessRole"])
    assert len(planned) > 1
    assert all(len(policy.text) <= SCP_MAX_CHARACTERS for policy in planned)
    assert [name for policy in planned for name in policy.guardrails] == list(GUARDRAILS)
    assert all(policy.targets == ("root",) for policy in planned)


def test_too_many_documents_on_one_target_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"`root` would carry \d+ SCPs \(FullAWSAccess included\), AWS allows 5"):
        plan_policies(_long_exemptions(30), "ap-northeast-2", ["OrganizationAccountAccessRole"])


def test_a_guardrail_alone_over_the_limit_is_a_config_error() -> None:
    roles = [f"Role{index:03d}" + "x" * 50 for index in range(90)]
    with pytest.raises(ConfigError, match=r"guardrails\.policies\.deny_iam_users: its SCP would be \d+ characters"):
        plan_policies(GuardrailsConfig(break_glass_roles=roles), "ap-northeast-2", ["OrganizationAccountAccessRole"])


def test_disabled_guardrails_are_left_out() -> None:
    config = _config(deny_root_user=GuardrailConfig(enabled=False), deny_default_vpc=GuardrailConfig(enabled=False))
    planned = plan_policies(config, "ap-northeast-2", ["OrganizationAccountAccessRole"])
    assert [name for policy in planned for name in policy.guardrails] == [
        "deny_leave_organization", "protect_security_services", "protect_account_settings", "deny_iam_users",
        "deny_other_regions", "deny_unencrypted_storage"]
