"""The security baseline in every account, management included, as registered in both stacks."""

from __future__ import annotations

from collections import Counter

import pytest

from preview.run import Run
from tests.run_view import as_list, statements_by_sid, view_of
from tests.variants import PASSWORD_POLICY

BASELINE = "landing-zone:baseline:SecurityBaseline"
ACCOUNTS = {"management", "network", "build", "dev", "ops"}

# What one baseline registers, per type.
PER_ACCOUNT = Counter({
    "aws:iam/accountPasswordPolicy:AccountPasswordPolicy": 1,
    "aws:kms/key:Key": 1,
    "aws:kms/alias:Alias": 1,
    "aws:ebs/encryptionByDefault:EncryptionByDefault": 1,
    "aws:ebs/defaultKmsKey:DefaultKmsKey": 1,
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": 1,
    "aws:accessanalyzer/analyzer:Analyzer": 1,
    "aws:iam/role:Role": 1,  # AWS Support
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": 1,  # AWS Config's, which Security Hub's Config.1 asks for
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
    "aws:cfg/recorder:Recorder": 1,
    "aws:cfg/deliveryChannel:DeliveryChannel": 1,
    "aws:cfg/recorderStatus:RecorderStatus": 1,
    "aws:account/alternativeContact:AlternativeContact": 1,  # the security contact (Account.1)
    "time:index/sleep:Sleep": 1,  # until Config can use its new service-linked role
})


def test_every_account_has_exactly_one_baseline_with_every_part(stack_run: Run) -> None:
    view = view_of(stack_run)
    baselines = stack_run.of_type(BASELINE)
    assert {view.account(b) for b in baselines} == ACCOUNTS
    assert len(baselines) == len(ACCOUNTS)
    for baseline in baselines:
        account = view.account(baseline)
        children = view.under(baseline)
        assert Counter(child.type for child in children) == PER_ACCOUNT, account
        assert {view.account(child) for child in children if child.type.startswith("aws:")} == {account}


def test_password_policy_meets_the_floors_everywhere(stack_run: Run) -> None:
    policies = view_of(stack_run).by_account("aws:iam/accountPasswordPolicy:AccountPasswordPolicy")
    assert set(policies) == ACCOUNTS
    for (policy,) in policies.values():
        assert policy.inputs["minimumPasswordLength"] >= 14
        assert policy.inputs["passwordReusePrevention"] == 24
        assert 0 < policy.inputs["maxPasswordAge"] <= 90
        for kind in ("Lowercase", "Uppercase", "Numbers", "Symbols"):
            key = f"require{kind}Characters" if kind in ("Lowercase", "Uppercase") else f"require{kind}"
            assert policy.inputs[key] is True


def test_ebs_is_encrypted_by_default_with_the_accounts_own_rotating_key(stack_run: Run) -> None:
    view = view_of(stack_run)
    for account in ACCOUNTS:
        key = view.named(f"{account}-baseline-ebs-key", "aws:kms/key:Key")
        assert key.inputs["enableKeyRotation"] is True
        assert view.account(key) == account
        default = view.named(f"{account}-baseline-ebs-default-key", "aws:ebs/defaultKmsKey:DefaultKmsKey")
        assert default.inputs["keyArn"] == key.outputs["arn"]
        encryption = view.named(f"{account}-baseline-ebs-encryption", "aws:ebs/encryptionByDefault:EncryptionByDefault")
        assert encryption.inputs["enabled"] is True
        use = statements_by_sid(key.inputs["policy"])["AccountUsesThroughEc2"]["Condition"]["StringEquals"]
        assert use["kms:ViaService"] == "ec2.ap-northeast-2.amazonaws.com"
        alias = view.named(f"{account}-baseline-ebs-key-alias", "aws:kms/alias:Alias")
        assert alias.inputs["targetKeyId"] == key.outputs["keyId"]


def test_s3_account_public_access_block_sets_all_four_flags(stack_run: Run) -> None:
    blocks = view_of(stack_run).by_account("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")
    assert set(blocks) == ACCOUNTS
    for (block,) in blocks.values():
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
            assert block.inputs[flag] is True


def test_access_analyzer_is_organization_wide_in_management_and_the_delegated_admin(stack_run: Run) -> None:
    view = view_of(stack_run)
    analyzers = {account: view.named(f"{account}-baseline-access-analyzer", "aws:accessanalyzer/analyzer:Analyzer")
                 for account in view.by_account("aws:accessanalyzer/analyzer:Analyzer")}
    assert set(analyzers) == ACCOUNTS
    types = {account: analyzer.inputs["type"] for account, analyzer in analyzers.items()}
    assert types == {"management": "ORGANIZATION", "ops": "ORGANIZATION", "network": "ACCOUNT", "build": "ACCOUNT",
                     "dev": "ACCOUNT"}
    delegation = view.named("security-services-access-analyzer-admin",
                            "aws:organizations/delegatedAdministrator:DelegatedAdministrator")
    # The administrator's own Access Analyzer learns of the delegation a little later: a wait after it.
    seen = view.named("security-services-access-analyzer-admin-ready", "time:index/sleep:Sleep")
    assert seen.urn in analyzers["ops"].dependencies and delegation.urn in seen.dependencies
    organization = view.named("organization", "aws:organizations/organization:Organization")
    assert organization.urn in analyzers["management"].dependencies


def test_config_records_everything_and_delivers_to_the_audit_bucket(stack_run: Run) -> None:
    view = view_of(stack_run)
    bucket = view.named("audit-archive-bucket", "aws:s3/bucket:Bucket")
    key = view.named("audit-archive-key", "aws:kms/key:Key")
    bucket_policy = view.named("audit-archive-bucket-policy", "aws:s3/bucketPolicy:BucketPolicy")
    for account in ACCOUNTS:
        recorder = view.named(f"{account}-baseline-config-recorder", "aws:cfg/recorder:Recorder")
        assert recorder.inputs["recordingGroup"] == {"allSupported": True, "includeGlobalResourceTypes": True}
        role = view.named(f"{account}-baseline-config-service-role", "aws:iam/serviceLinkedRole:ServiceLinkedRole")
        assert role.inputs["awsServiceName"] == "config.amazonaws.com"
        assert recorder.inputs["roleArn"] == role.outputs["arn"]
        assert role.outputs["arn"].endswith(":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
        channel = view.named(f"{account}-baseline-config-delivery-channel", "aws:cfg/deliveryChannel:DeliveryChannel")
        assert channel.inputs["s3BucketName"] == bucket.inputs["bucket"]
        assert channel.inputs["s3KmsKeyArn"] == key.outputs["arn"]
        assert channel.inputs["s3KeyPrefix"] == "config"
        assert bucket_policy.urn in channel.dependencies
        status = view.named(f"{account}-baseline-config-recorder-status", "aws:cfg/recorderStatus:RecorderStatus")
        assert status.inputs["isEnabled"] is True and channel.urn in status.dependencies


def test_a_support_role_in_every_account(stack_run: Run) -> None:
    view = view_of(stack_run)
    for account in ACCOUNTS:
        role = view.named(f"{account}-baseline-support-role", "aws:iam/role:Role")
        trust = statements_by_sid(role.inputs["assumeRolePolicy"])["AccountPrincipals"]
        assert as_list(trust["Principal"]["AWS"])[0].endswith(":root")
        attachment = view.named(f"{account}-baseline-support-access", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/AWSSupportAccess"


def test_baseline_keys_are_protected_in_prod_only(dev: Run, prod: Run) -> None:
    for result, protected in ((dev, False), (prod, True)):
        for account in ACCOUNTS:
            assert view_of(result).named(f"{account}-baseline-ebs-key", "aws:kms/key:Key").protect is protected


@pytest.mark.parametrize("field", ["minimum_length", "max_age_days"])
def test_password_policy_numbers_come_from_config(production_retuned: Run, field: str) -> None:
    value = PASSWORD_POLICY[field]  # tests/variants.py: both numbers changed in one run
    result = production_retuned
    key = {"minimum_length": "minimumPasswordLength", "max_age_days": "maxPasswordAge"}[field]
    policies = result.of_type("aws:iam/accountPasswordPolicy:AccountPasswordPolicy")
    assert len(policies) == len(ACCOUNTS)
    assert {policy.inputs[key] for policy in policies} == {value}
