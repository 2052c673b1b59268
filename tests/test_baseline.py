"""The security baseline in every account, management included, as registered in both stacks."""

from __future__ import annotations

from collections import Counter

import pytest

from preview.run import Run
from tests.registrations import account_of, as_list, by_account, children_of, named, statements_by_sid
from tests.variants import PASSWORD_POLICY

BASELINE = "landing-zone:baseline:SecurityBaseline"
ACCOUNTS = {"management", "network", "build", "dev", "ops"}

# What one baseline registers, per type: the count the list adds up to.
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
    baselines = stack_run.of_type(BASELINE)
    assert {account_of(stack_run, b) for b in baselines} == ACCOUNTS
    assert len(baselines) == len(ACCOUNTS)
    for baseline in baselines:
        account = account_of(stack_run, baseline)
        children = children_of(stack_run, baseline)
        assert Counter(child.type for child in children) == PER_ACCOUNT, account
        assert {account_of(stack_run, child) for child in children if child.type.startswith("aws:")} == {account}


def test_password_policy_meets_the_floors_everywhere(stack_run: Run) -> None:
    policies = by_account(stack_run, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy")
    assert set(policies) == ACCOUNTS
    for (policy,) in policies.values():
        assert policy.inputs["minimumPasswordLength"] >= 14
        assert policy.inputs["passwordReusePrevention"] == 24
        assert 0 < policy.inputs["maxPasswordAge"] <= 90
        for kind in ("Lowercase", "Uppercase", "Numbers", "Symbols"):
            key = f"require{kind}Characters" if kind in ("Lowercase", "Uppercase") else f"require{kind}"
            assert policy.inputs[key] is True


def test_ebs_is_encrypted_by_default_with_the_accounts_own_rotating_key(stack_run: Run) -> None:
    for account in ACCOUNTS:
        key = named(stack_run, "aws:kms/key:Key", f"{account}-baseline-ebs-key")
        assert key.inputs["enableKeyRotation"] is True
        assert account_of(stack_run, key) == account
        default = named(stack_run, "aws:ebs/defaultKmsKey:DefaultKmsKey", f"{account}-baseline-ebs-default-key")
        assert default.inputs["keyArn"] == key.outputs["arn"]
        encryption = named(stack_run, "aws:ebs/encryptionByDefault:EncryptionByDefault",
                           f"{account}-baseline-ebs-encryption")
        assert encryption.inputs["enabled"] is True
        use = statements_by_sid(key.inputs["policy"])["AccountUsesThroughEc2"]["Condition"]["StringEquals"]
        assert use["kms:ViaService"] == "ec2.ap-northeast-2.amazonaws.com"
        alias = named(stack_run, "aws:kms/alias:Alias", f"{account}-baseline-ebs-key-alias")
        assert alias.inputs["targetKeyId"] == key.outputs["keyId"]


def test_s3_account_public_access_block_sets_all_four_flags(stack_run: Run) -> None:
    blocks = by_account(stack_run, "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")
    assert set(blocks) == ACCOUNTS
    for (block,) in blocks.values():
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
            assert block.inputs[flag] is True


def test_access_analyzer_is_organization_wide_in_management_and_the_delegated_admin(stack_run: Run) -> None:
    analyzers = {account: named(stack_run, "aws:accessanalyzer/analyzer:Analyzer", f"{account}-baseline-access-analyzer")
                 for account in by_account(stack_run, "aws:accessanalyzer/analyzer:Analyzer")}
    assert set(analyzers) == ACCOUNTS
    types = {account: analyzer.inputs["type"] for account, analyzer in analyzers.items()}
    assert types == {"management": "ORGANIZATION", "ops": "ORGANIZATION", "network": "ACCOUNT", "build": "ACCOUNT",
                     "dev": "ACCOUNT"}
    delegation = named(stack_run, "aws:organizations/delegatedAdministrator:DelegatedAdministrator",
                       "security-services-access-analyzer-admin")
    # The administrator's own Access Analyzer learns of the delegation a little later: a wait after it.
    seen = named(stack_run, "time:index/sleep:Sleep", "security-services-access-analyzer-admin-ready")
    assert seen.urn in analyzers["ops"].dependencies and delegation.urn in seen.dependencies
    organization = named(stack_run, "aws:organizations/organization:Organization", "organization")
    assert organization.urn in analyzers["management"].dependencies


def test_config_records_everything_and_delivers_to_the_audit_bucket(stack_run: Run) -> None:
    bucket = named(stack_run, "aws:s3/bucket:Bucket", "audit-archive-bucket")
    key = named(stack_run, "aws:kms/key:Key", "audit-archive-key")
    bucket_policy = named(stack_run, "aws:s3/bucketPolicy:BucketPolicy", "audit-archive-bucket-policy")
    for account in ACCOUNTS:
        recorder = named(stack_run, "aws:cfg/recorder:Recorder", f"{account}-baseline-config-recorder")
        assert recorder.inputs["recordingGroup"] == {"allSupported": True, "includeGlobalResourceTypes": True}
        role = named(stack_run, "aws:iam/serviceLinkedRole:ServiceLinkedRole", f"{account}-baseline-config-service-role")
        assert role.inputs["awsServiceName"] == "config.amazonaws.com"
        assert recorder.inputs["roleArn"] == role.outputs["arn"]
        assert role.outputs["arn"].endswith(":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
        channel = named(stack_run, "aws:cfg/deliveryChannel:DeliveryChannel", f"{account}-baseline-config-delivery-channel")
        assert channel.inputs["s3BucketName"] == bucket.inputs["bucket"]
        assert channel.inputs["s3KmsKeyArn"] == key.outputs["arn"]
        assert channel.inputs["s3KeyPrefix"] == "config"
        assert bucket_policy.urn in channel.dependencies
        status = named(stack_run, "aws:cfg/recorderStatus:RecorderStatus", f"{account}-baseline-config-recorder-status")
        assert status.inputs["isEnabled"] is True and channel.urn in status.dependencies


def test_a_support_role_in_every_account(stack_run: Run) -> None:
    for account in ACCOUNTS:
        role = named(stack_run, "aws:iam/role:Role", f"{account}-baseline-support-role")
        trust = statements_by_sid(role.inputs["assumeRolePolicy"])["AccountPrincipals"]
        assert as_list(trust["Principal"]["AWS"])[0].endswith(":root")
        attachment = named(stack_run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                           f"{account}-baseline-support-access")
        assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/AWSSupportAccess"


def test_baseline_keys_are_protected_in_prod_only(dev: Run, prod: Run) -> None:
    for result, protected in ((dev, False), (prod, True)):
        for account in ACCOUNTS:
            assert named(result, "aws:kms/key:Key", f"{account}-baseline-ebs-key").protect is protected


@pytest.mark.parametrize("field", ["minimum_length", "max_age_days"])
def test_password_policy_numbers_come_from_config(production_retuned: Run, field: str) -> None:
    value = PASSWORD_POLICY[field]  # tests/variants.py: both numbers changed in one run
    result = production_retuned
    key = {"minimum_length": "minimumPasswordLength", "max_age_days": "maxPasswordAge"}[field]
    policies = result.of_type("aws:iam/accountPasswordPolicy:AccountPasswordPolicy")
    assert len(policies) == len(ACCOUNTS)
    assert {policy.inputs[key] for policy in policies} == {value}
