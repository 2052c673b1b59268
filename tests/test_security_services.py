"""GuardDuty, Security Hub and Access Analyzer organization-wide through the delegated administrator."""

from __future__ import annotations

from org.security_services import security_hub_standards
from preview.run import Run
from tests.registrations import account_of, named

GD = "aws:guardduty"
SH = "aws:securityhub"


def _account_id(result: Run, account: str) -> str:
    return named(result, "aws:organizations/account:Account", account).id


def test_management_designates_the_audit_account_for_every_service(stack_run: Run) -> None:
    ops_id = _account_id(stack_run, "ops")
    for token, name in ((f"{GD}/organizationAdminAccount:OrganizationAdminAccount", "security-services-guardduty-admin"),
                        (f"{SH}/organizationAdminAccount:OrganizationAdminAccount", "security-services-securityhub-admin")):
        designation = named(stack_run, token, name)
        assert designation.inputs["adminAccountId"] == ops_id
        assert account_of(stack_run, designation) == "management"
    delegation = named(stack_run, "aws:organizations/delegatedAdministrator:DelegatedAdministrator",
                       "security-services-access-analyzer-admin")
    assert delegation.inputs == {"accountId": ops_id, "servicePrincipal": "access-analyzer.amazonaws.com"}
    assert account_of(stack_run, delegation) == "management"


def test_guardduty_runs_in_the_admin_and_auto_enables_every_member_with_s3_and_malware(stack_run: Run) -> None:
    detector = named(stack_run, f"{GD}/detector:Detector", "security-services-guardduty")
    assert detector.inputs["enable"] is True and account_of(stack_run, detector) == "ops"
    designation = named(stack_run, f"{GD}/organizationAdminAccount:OrganizationAdminAccount",
                        "security-services-guardduty-admin")
    assert detector.urn in designation.dependencies  # the admin's own detector first, so AWS adopts it
    organization = named(stack_run, f"{GD}/organizationConfiguration:OrganizationConfiguration",
                         "security-services-guardduty-organization")
    assert organization.inputs == {"detectorId": detector.id, "autoEnableOrganizationMembers": "ALL"}
    seen = named(stack_run, "time:index/sleep:Sleep", "security-services-guardduty-admin-ready")
    assert account_of(stack_run, organization) == "ops" and seen.urn in organization.dependencies
    assert designation.urn in seen.dependencies  # the administrator sees its designation a little later
    features = stack_run.of_type(f"{GD}/organizationConfigurationFeature:OrganizationConfigurationFeature")
    assert {(f.inputs["name"], f.inputs["autoEnable"]) for f in features} == {
        ("S3_DATA_EVENTS", "ALL"), ("RDS_LOGIN_EVENTS", "ALL"), ("EBS_MALWARE_PROTECTION", "ALL")}
    own = stack_run.of_type(f"{GD}/detectorFeature:DetectorFeature")
    assert {(f.inputs["name"], f.inputs["status"]) for f in own} == {
        ("S3_DATA_EVENTS", "ENABLED"), ("RDS_LOGIN_EVENTS", "ENABLED"), ("EBS_MALWARE_PROTECTION", "ENABLED")}
    # Members get their detectors from auto-enable, never from this program (it would race the service): the
    # administrator's own, one per region Security Hub runs in.
    detectors = stack_run.of_type(f"{GD}/detector:Detector")
    assert len(detectors) == 2 and {account_of(stack_run, d) for d in detectors} == {"ops"}


def test_security_hub_central_configuration_applies_both_standards_to_the_root(stack_run: Run) -> None:
    hub = named(stack_run, f"{SH}/account:Account", "security-services-securityhub")
    assert account_of(stack_run, hub) == "ops" and hub.inputs["enableDefaultStandards"] is False
    organization = named(stack_run, f"{SH}/organizationConfiguration:OrganizationConfiguration",
                         "security-services-securityhub-organization")
    assert organization.inputs["organizationConfiguration"] == {"configurationType": "CENTRAL"}
    aggregator = named(stack_run, f"{SH}/findingAggregator:FindingAggregator", "security-services-securityhub-aggregator")
    assert aggregator.urn in organization.dependencies
    policy = named(stack_run, f"{SH}/configurationPolicy:ConfigurationPolicy", "security-services-securityhub-policy")
    body = policy.inputs["configurationPolicy"]
    assert body["serviceEnabled"] is True
    assert body["enabledStandardArns"] == security_hub_standards("ap-northeast-2")
    assert any("cis-aws-foundations-benchmark" in arn for arn in body["enabledStandardArns"])
    assert any("aws-foundational-security-best-practices" in arn for arn in body["enabledStandardArns"])
    association = named(stack_run, f"{SH}/configurationPolicyAssociation:ConfigurationPolicyAssociation",
                        "security-services-securityhub-policy-on-root")
    root_id = named(stack_run, "aws:organizations/organization:Organization", "organization").outputs["roots"][0]["id"]
    assert association.inputs == {"policyId": policy.id, "targetId": root_id}


def test_security_hub_aggregates_the_allowed_regions(dev: Run, prod: Run) -> None:
    name = "security-services-securityhub-aggregator"
    assert named(dev, f"{SH}/findingAggregator:FindingAggregator", name).inputs == {
        "linkingMode": "SPECIFIED_REGIONS", "specifiedRegions": ["us-east-1"]}
    # Production allows one more region, for the data tier's backup copies.
    assert named(prod, f"{SH}/findingAggregator:FindingAggregator", name).inputs == {
        "linkingMode": "SPECIFIED_REGIONS", "specifiedRegions": ["ap-northeast-1"]}


def test_the_delegated_administrator_is_a_config_choice(sandbox_reorganized: Run) -> None:
    result = sandbox_reorganized  # tests/variants.py: baseline.security_admin_account is build
    assert account_of(result, named(result, f"{GD}/detector:Detector", "security-services-guardduty")) == "build"
    designation = named(result, f"{SH}/organizationAdminAccount:OrganizationAdminAccount",
                        "security-services-securityhub-admin")
    assert designation.inputs["adminAccountId"] == _account_id(result, "build")
    analyzers = {account_of(result, a): a.inputs["type"] for a in result.of_type("aws:accessanalyzer/analyzer:Analyzer")}
    assert analyzers["build"] == "ORGANIZATION" and analyzers["ops"] == "ACCOUNT"
    # The audit archive stays where it was.
    assert account_of(result, named(result, "aws:s3/bucket:Bucket", "audit-archive-bucket")) == "ops"
