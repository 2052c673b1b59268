"""GuardDuty, Security Hub and Access Analyzer for the whole organization, run from a delegated administrator.

The management account designates the administrator; the administrator enables its own services first, then
turns them on for every account: GuardDuty by auto-enabling all members in every region Security Hub runs in,
Security Hub by a central configuration policy on the root. Access Analyzer's organization analyzer is part of the
administrator's baseline.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from aws_facts.security_hub_catalogue import catalog
from components.home import Home
from components.waits import wait_for
from config.baseline import BaselineConfig
from config.naming import aws_name
from org.organization import Organization

# S3 and RDS protection are Security Hub's GuardDuty.10 and GuardDuty.9.
GUARDDUTY_FEATURES = ("S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "EBS_MALWARE_PROTECTION")


def _slug(feature: str) -> str:
    return feature.lower().replace("_", "-")


def security_hub_standards(region: str) -> list[str]:
    """The standards every account runs, those of aws_facts/security_hub_controls.json: AWS Foundational Security Best
    Practices v1.0.0 and CIS AWS Foundations Benchmark v5.0.0 (ARNs as the Security Hub user guide gives them)."""
    return [standard.arn(region) for standard in catalog().standards]


class SecurityServices(pulumi.ComponentResource):
    """Designations from the management account (this component's provider) and the set-up in the administrator."""

    def __init__(self, name: str, spec: BaselineConfig, home: Home, *, admin: Home, admin_provider: aws.Provider,
                 linked_regions: Sequence[str], organization: Organization, opts: pulumi.ResourceOptions | None = None):
        """`home` is the management account; `admin` the delegated administrator (`baseline.admin_account`), reached
        through `admin_provider`; `spec.security_hub` lists the controls switched off, with their reasons."""
        super().__init__("landing-zone:org:SecurityServices", name, None, opts)
        home_region, admin_account_id, root_id = home.region, admin.account_id, organization.root_id
        disabled_controls = list(spec.security_hub.reasons)

        def in_admin(*after: pulumi.Resource) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(parent=self, provider=admin_provider, depends_on=list(after))

        def in_management(*after: pulumi.Resource) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(parent=self, depends_on=[organization.organization, *after])

        # GuardDuty is regional: in each region the administrator's detector exists before the designation, so AWS
        # adopts it, then the organization configuration enables every member with the features.
        self.detectors: dict[str, aws.guardduty.Detector] = {}
        for region in [home_region, *linked_regions]:
            suffix = "" if region == home_region else f"-{region}"
            place = None if region == home_region else region  # the home region is the provider's own
            detector = aws.guardduty.Detector(f"{name}-guardduty{suffix}", enable=True,
                                              finding_publishing_frequency="FIFTEEN_MINUTES", opts=in_admin(), region=place)
            self.detectors[region] = detector
            for feature in GUARDDUTY_FEATURES:
                aws.guardduty.DetectorFeature(f"{name}-guardduty{suffix}-{_slug(feature)}", detector_id=detector.id,
                                              name=feature, status="ENABLED", opts=in_admin(), region=place)
            guardduty_admin = aws.guardduty.OrganizationAdminAccount(
                f"{name}-guardduty-admin{suffix}", admin_account_id=admin_account_id, opts=in_management(detector),
                region=place)
            # The administrator's own GuardDuty learns of its designation a little after the management account.
            guardduty_admin_ready = wait_for(f"{name}-guardduty-admin{suffix}-ready", "delegated-administrator",
                                             after=[guardduty_admin], opts=pulumi.ResourceOptions(parent=self))
            guardduty_org = aws.guardduty.OrganizationConfiguration(
                f"{name}-guardduty-organization{suffix}", detector_id=detector.id,
                auto_enable_organization_members="ALL", opts=in_admin(guardduty_admin_ready), region=place)
            for feature in GUARDDUTY_FEATURES:
                aws.guardduty.OrganizationConfigurationFeature(
                    f"{name}-guardduty-organization{suffix}-{_slug(feature)}", detector_id=detector.id, name=feature,
                    auto_enable="ALL", opts=in_admin(guardduty_org), region=place)
        self.detector = self.detectors[home_region]

        # Security Hub: central configuration needs the aggregator (home region) before it can be switched on.
        hub = aws.securityhub.Account(f"{name}-securityhub", enable_default_standards=False, opts=in_admin())
        hub_admin = aws.securityhub.OrganizationAdminAccount(
            f"{name}-securityhub-admin", admin_account_id=admin_account_id, opts=in_management(hub))
        hub_admin_ready = wait_for(f"{name}-securityhub-admin-ready", "delegated-administrator", after=[hub_admin],
                                   opts=pulumi.ResourceOptions(parent=self))
        aggregator = aws.securityhub.FindingAggregator(
            f"{name}-securityhub-aggregator",
            linking_mode="SPECIFIED_REGIONS" if linked_regions else "NO_REGIONS",
            specified_regions=sorted(linked_regions) or None,
            opts=in_admin(hub_admin_ready),
        )
        hub_org = aws.securityhub.OrganizationConfiguration(
            f"{name}-securityhub-organization",
            auto_enable=False,
            auto_enable_standards="NONE",
            organization_configuration=aws.securityhub.OrganizationConfigurationOrganizationConfigurationArgs(
                configuration_type="CENTRAL"),
            opts=in_admin(aggregator),
        )
        self.hub_policy = aws.securityhub.ConfigurationPolicy(
            f"{name}-securityhub-policy",
            name=aws_name(home.org, "organization", "security-hub"),
            description="Security Hub on in every account with CIS v5.0.0 and AWS Foundational Security Best Practices",
            configuration_policy=aws.securityhub.ConfigurationPolicyConfigurationPolicyArgs(
                service_enabled=True,
                enabled_standard_arns=security_hub_standards(home_region),
                security_controls_configuration=aws.securityhub.
                ConfigurationPolicyConfigurationPolicySecurityControlsConfigurationArgs(
                    disabled_control_identifiers=sorted(disabled_controls)),
            ),
            opts=in_admin(hub_org),
        )
        aws.securityhub.ConfigurationPolicyAssociation(
            f"{name}-securityhub-policy-on-root", target_id=root_id, policy_id=self.hub_policy.id, opts=in_admin())

        # Access Analyzer: the administrator may hold an organization analyzer once it is delegated.
        delegation = aws.organizations.DelegatedAdministrator(
            f"{name}-access-analyzer-admin", account_id=admin_account_id,
            service_principal="access-analyzer.amazonaws.com", opts=in_management())
        self.access_analyzer_delegation = wait_for(f"{name}-access-analyzer-admin-ready", "delegated-administrator",
                                                   after=[delegation], opts=pulumi.ResourceOptions(parent=self))

        self.register_outputs({"detector_id": self.detector.id, "security_hub_policy_id": self.hub_policy.id})
