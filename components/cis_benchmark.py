"""The CIS AWS Foundations Benchmark monitoring controls (section 4, v3.0): one metric filter pattern each.

Patterns are the benchmark's, written out from event-name lists so each is reviewable at a glance. Where the
benchmark's text relies on operator precedence (4.1), the intended grouping is made explicit with parentheses.
"""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "LandingZone/CIS"


@dataclass(frozen=True)
class CisControl:
    control: str  # the benchmark's number, e.g. "4.3"
    slug: str  # short name for resource and alarm names
    metric: str  # CloudWatch metric the filter counts into
    title: str
    pattern: str


def _any_event(*names: str, quoted: bool = False) -> str:
    quote = '"' if quoted else ""
    return " || ".join(f"($.eventName = {quote}{name}{quote})" for name in names)


def _from_source(source: str, *names: str, quoted: bool = False) -> str:
    return f"{{ ($.eventSource = {source}) && ({_any_event(*names, quoted=quoted)}) }}"


CONTROLS: tuple[CisControl, ...] = (
    CisControl("4.1", "unauthorized-api-calls", "UnauthorizedAPICalls", "Unauthorized API calls",
               '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
               '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }'),
    CisControl("4.2", "console-sign-in-without-mfa", "ConsoleSignInWithoutMfa", "Management console sign-in without MFA",
               '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
               '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'),
    CisControl("4.3", "root-usage", "RootAccountUsage", "Usage of the root account",
               '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
               '$.eventType != "AwsServiceEvent" }'),
    CisControl("4.4", "iam-policy-changes", "IamPolicyChanges", "IAM policy changes",
               _from_source("iam.amazonaws.com", "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy",
                            "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy",
                            "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion", "AttachRolePolicy",
                            "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy",
                            "DetachGroupPolicy")),
    CisControl("4.5", "cloudtrail-changes", "CloudTrailChanges", "CloudTrail configuration changes",
               "{ " + _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging") + " }"),
    CisControl("4.6", "console-authentication-failures", "ConsoleAuthenticationFailures",
               "Management console authentication failures",
               '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'),
    CisControl("4.7", "cmk-disable-or-deletion", "CmkDisableOrDeletion",
               "Disabling or scheduled deletion of customer-managed keys",
               _from_source("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion")),
    CisControl("4.8", "s3-bucket-policy-changes", "S3BucketPolicyChanges", "S3 bucket policy changes",
               _from_source("s3.amazonaws.com", "PutBucketAcl", "PutBucketPolicy", "PutBucketCors",
                            "PutBucketLifecycle", "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors",
                            "DeleteBucketLifecycle", "DeleteBucketReplication")),
    CisControl("4.9", "config-changes", "ConfigChanges", "AWS Config configuration changes",
               _from_source("config.amazonaws.com", "StopConfigurationRecorder", "DeleteDeliveryChannel",
                            "PutDeliveryChannel", "PutConfigurationRecorder")),
    CisControl("4.10", "security-group-changes", "SecurityGroupChanges", "Security group changes",
               "{ " + _any_event("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                                 "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup",
                                 "DeleteSecurityGroup") + " }"),
    CisControl("4.11", "nacl-changes", "NaclChanges", "Network ACL changes",
               "{ " + _any_event("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                                 "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation")
               + " }"),
    CisControl("4.12", "network-gateway-changes", "NetworkGatewayChanges", "Network gateway changes",
               "{ " + _any_event("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                                 "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway") + " }"),
    CisControl("4.13", "route-table-changes", "RouteTableChanges", "Route table changes",
               _from_source("ec2.amazonaws.com", "CreateRoute", "CreateRouteTable", "ReplaceRoute",
                            "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable")),
    CisControl("4.14", "vpc-changes", "VpcChanges", "VPC changes",
               "{ " + _any_event("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                                 "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
                                 "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
                                 "DisableVpcClassicLink", "EnableVpcClassicLink") + " }"),
    CisControl("4.15", "organizations-changes", "OrganizationsChanges", "AWS Organizations changes",
               _from_source("organizations.amazonaws.com", "AcceptHandshake", "AttachPolicy", "CreateAccount",
                            "CreateOrganizationalUnit", "CreatePolicy", "DeclineHandshake", "DeleteOrganization",
                            "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy", "DisablePolicyType",
                            "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
                            "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit", quoted=True)),
)
