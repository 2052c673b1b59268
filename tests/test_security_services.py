"""GuardDuty, Security Hub and Access Analyzer organization-wide through the delegated administrator."""

from __future__ import annotations

from org.security_services import security_hub_standards
from preview.run import Run
from tests.run_view import view_of

GD = "aws:guardduty"
SH = "aws:securityhub"


def _account_id(result: Run, account: str) -> str:
    return view_of(result).named(account, "aws:organizations/account:Account").id


def test_management_designates_the_audit_account_for_every_service(stack_run: Run) -> None:
    view = view_of(stack_run)
    ops_id = _account_id(stack_run, "ops")
    for token, name in ((f"{GD}/organizationAdminAccount:OrganizationAdminAccount", "security-services-guardduty-admin"),
                        (f"{SH}/organizationAdminAccount:OrganizationAdminAccount", "security-services-securityhub-admin")):
        designation = view.named(name, token)
        assert designation.inputs["adminAccountId"] == ops_id
        assert view.account(designation) == "management"
    delegation = view.named("security-services-access-analyzer-admin",
                            "aws:organizations/delegatedAdministrator:DelegatedAdministrator")
    assert delegation.inputs == {"accountId": ops_id, "servicePrincipal": "access-analyzer.amazonaws.com"}
    assert view.account(delegation) == "management"


def test_guardduty_runs_in_the_admin_and_auto_enables_every_member_with_s3_and_malware(stack_run: Run) -> None:
    view = view_of(stack_run)
    detector = view.named("security-services-guardduty", f"{GD}/detector:Detector")
    assert detector.inputs["enable"] is True and view.account(detector) == "ops"
    designation = view.named("security-services-guardduty-admin", f"{GD}/organizationAdminAccount:OrganizationAdminAccount")
    assert detector.urn in designation.dependencies  # the admin's own detector first, so AWS adopts it
    organization = view.named("security-services-guardduty-organization",
                              f"{GD}/organizationConfiguration:OrganizationConfiguration")
    assert organization.inputs == {"detectorId": detector.id, "autoEnableOrganizationMembers": "ALL"}
    seen = view.named("security-services-guardduty-admin-ready", "time:index/sleep:Sleep")
    assert view.account(organization) == "ops" and seen.urn in organization.dependencies
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
    assert len(detectors) == 2 and {view.account(d) for d in detectors} == {"ops"}


def test_security_hub_central_configuration_applies_both_standards_to_the_root(stack_run: Run) -> None:
    view = view_of(stack_run)
    hub = view.named("security-services-securityhub", f"{SH}/account:Account")
    assert view.account(hub) == "ops" and hub.inputs["enableDefaultStandards"] is False
    organization = view.named("security-services-securityhub-organization",
                              f"{SH}/organizationConfiguration:OrganizationConfiguration")
    assert organization.inputs["organizationConfiguration"] == {"configurationType": "CENTRAL"}
    aggregator = view.named("security-services-securityhub-aggregator", f"{SH}/findingAggregator:FindingAggregator")
    assert aggregator.urn in organization.dependencies
    policy = view.named("security-services-securityhub-policy", f"{SH}/configurationPolicy:ConfigurationPolicy")
    body = policy.inputs["configurationPolicy"]
    assert body["serviceEnabled"] is True
    assert body["enabledStandardArns"] == security_hub_standards("ap-northeast-2")
    assert any("cis-aws-foundations-benchmark" in arn for arn in body["enabledStandardArns"])
    assert any("aws-foundational-security-best-practices" in arn for arn in body["enabledStandardArns"])
    association = view.named("security-services-securityhub-policy-on-root",
                             f"{SH}/configurationPolicyAssociation:ConfigurationPolicyAssociation")
    root_id = view.named("organization", "aws:organizations/organization:Organization").outputs["roots"][0]["id"]
    assert association.inputs == {"policyId": policy.id, "targetId": root_id}


def test_security_hub_aggregates_the_allowed_regions(dev: Run, prod: Run) -> None:
    name = "security-services-securityhub-aggregator"
    assert view_of(dev).named(name, f"{SH}/findingAggregator:FindingAggregator").inputs == {
        "linkingMode": "SPECIFIED_REGIONS", "specifiedRegions": ["us-east-1"]}
    # Production allows one more region, for the data tier's backup copies.
    assert view_of(prod).named(name, f"{SH}/findingAggregator:FindingAggregator").inputs == {
        "linkingMode": "SPECIFIED_REGIONS", "specifiedRegions": ["ap-northeast-1"]}


def test_the_delegated_administrator_is_a_config_choice(sandbox_reorganized: Run) -> None:
    result = sandbox_reorganized  # tests/variants.py: baseline.security_admin_account is build
    assert view_of(result).account(view_of(result).named("security-services-guardduty", f"{GD}/detector:Detector")) == "build"
    designation = view_of(result).named("security-services-securityhub-admin",
                                        f"{SH}/organizationAdminAccount:OrganizationAdminAccount")
    assert designation.inputs["adminAccountId"] == _account_id(result, "build")
    analyzers = {view_of(result).account(a): a.inputs["type"] for a in result.of_type("aws:accessanalyzer/analyzer:Analyzer")}
    assert analyzers["build"] == "ORGANIZATION" and analyzers["ops"] == "ACCOUNT"
    # The audit archive stays where it was.
    assert view_of(result).account(view_of(result).named("audit-archive-bucket", "aws:s3/bucket:Bucket")) == "ops"
