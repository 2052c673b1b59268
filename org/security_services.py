"""GuardDuty, Security Hub and Access Analyzer for the whole organization, run from a delegated administrator.

The management account designates the administrator; the administrator enables its own services first, then
turns them on for every account: GuardDuty by auto-enabling all members, Security Hub by a central configuration
policy on the root. Access Analyzer's organization analyzer is part of the administrator's baseline.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.waits import wait_for
from config.naming import aws_name

GUARDDUTY_FEATURES = ("S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION")


def _slug(feature: str) -> str:
    return feature.lower().replace("_", "-")


def security_hub_standards(region: str) -> list[str]:
    """The standards every account runs: AWS Foundational Security Best Practices and CIS AWS Foundations."""
    return [
        f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
        f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0",
    ]


class SecurityServices(pulumi.ComponentResource):
    """Designations from the management account (this component's provider) and the set-up in the administrator."""

    def __init__(self, name: str, org_name: str, admin_account_id: pulumi.Input[str], admin_provider: aws.Provider,
                 root_id: pulumi.Input[str], home_region: str, linked_regions: Sequence[str],
                 organization: pulumi.Resource, opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:org:SecurityServices", name, None, opts)

        def in_admin(*after: pulumi.Resource) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(parent=self, provider=admin_provider, depends_on=list(after))

        def in_management(*after: pulumi.Resource) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(parent=self, depends_on=[organization, *after])

        # GuardDuty: the administrator's detector exists before the designation, so AWS adopts it.
        self.detector = aws.guardduty.Detector(f"{name}-guardduty", enable=True,
                                               finding_publishing_frequency="FIFTEEN_MINUTES", opts=in_admin())
        for feature in GUARDDUTY_FEATURES:
            aws.guardduty.DetectorFeature(f"{name}-guardduty-{_slug(feature)}", detector_id=self.detector.id,
                                          name=feature, status="ENABLED", opts=in_admin())
        guardduty_admin = aws.guardduty.OrganizationAdminAccount(
            f"{name}-guardduty-admin", admin_account_id=admin_account_id, opts=in_management(self.detector))
        # The administrator's own GuardDuty learns of its designation a little after the management account.
        guardduty_admin_ready = wait_for(f"{name}-guardduty-admin-ready", "delegated-administrator",
                                         after=[guardduty_admin], opts=pulumi.ResourceOptions(parent=self))
        guardduty_org = aws.guardduty.OrganizationConfiguration(
            f"{name}-guardduty-organization", detector_id=self.detector.id, auto_enable_organization_members="ALL",
            opts=in_admin(guardduty_admin_ready))
        for feature in GUARDDUTY_FEATURES:
            aws.guardduty.OrganizationConfigurationFeature(
                f"{name}-guardduty-organization-{_slug(feature)}", detector_id=self.detector.id, name=feature,
                auto_enable="ALL", opts=in_admin(guardduty_org))

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
            name=aws_name(org_name, "organization", "security-hub"),
            description="Security Hub on in every account with the CIS and AWS foundational standards",
            configuration_policy=aws.securityhub.ConfigurationPolicyConfigurationPolicyArgs(
                service_enabled=True,
                enabled_standard_arns=security_hub_standards(home_region),
                security_controls_configuration=aws.securityhub.
                ConfigurationPolicyConfigurationPolicySecurityControlsConfigurationArgs(disabled_control_identifiers=[]),
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
