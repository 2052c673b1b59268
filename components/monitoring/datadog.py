"""Datadog's AWS integration role: Datadog's AWS account assumes it with the account's external ID, and only reads.

The actions are the read-only part of the permission list Datadog documents for its AWS integration role
(docs.datadoghq.com, AWS integration, manual setup; DataDog/cloudformation-template). Datadog's list also
holds a few writes (creating an event bus, log subscription filters, bucket notifications, sns:Publish) that
only its log-forwarder automation uses; we forward nothing that way, so they are left out.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.home import account_root_arn
from components.policy_document import PolicyDocument, Statement
from config.monitoring import DatadogConfig

# Grouped by what Datadog reads them for; each group becomes one statement.
READ_ONLY_ACTIONS: dict[str, tuple[str, ...]] = {
    "Metrics": (
        "cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*",
        "oam:ListAttachedLinks", "oam:ListSinks",
    ),
    "Tags": ("tag:GetResources", "tag:GetTagKeys", "tag:GetTagValues"),
    "Compute": (
        "autoscaling:Describe*", "batch:DescribeJobDefinitions", "ec2:Describe*", "ecs:Describe*", "ecs:List*",
        "eks:DescribeCluster", "eks:ListClusters", "lambda:List*", "states:DescribeStateMachine",
        "states:ListStateMachines",
    ),
    "Data": (
        "dynamodb:Describe*", "dynamodb:List*", "elasticache:Describe*", "elasticache:List*",
        "elasticfilesystem:DescribeAccessPoints", "elasticfilesystem:DescribeFileSystems",
        "elasticfilesystem:DescribeTags", "elasticmapreduce:Describe*", "elasticmapreduce:List*",
        "es:DescribeElasticsearchDomains", "es:ListDomainNames", "es:ListTags", "fsx:DescribeFileSystems",
        "fsx:ListTagsForResource", "kinesis:Describe*", "kinesis:List*", "rds:Describe*", "rds:List*",
        "redshift:DescribeClusters", "redshift:DescribeLoggingStatus", "redshift-serverless:ListNamespaces",
        "dms:DescribeReplicationInstances", "timestream:DescribeEndpoints", "backup:List*",
        "s3:GetBucketLocation", "s3:GetBucketLogging", "s3:GetBucketNotification", "s3:GetBucketTagging",
        "s3:ListAllMyBuckets",
    ),
    "Network": (
        "apigateway:GET", "cloudfront:GetDistributionConfig", "cloudfront:ListDistributions", "directconnect:Describe*",
        "elasticloadbalancing:Describe*", "network-firewall:DescribeLoggingConfiguration",
        "network-firewall:ListFirewalls", "route53:List*", "route53resolver:ListResolverQueryLogConfigs",
        "wafv2:ListLoggingConfigurations",
    ),
    "Messaging": (
        "appsync:ListGraphqlApis", "ses:Get*", "ses:List*", "sns:GetSubscriptionAttributes", "sns:List*",
        "sqs:ListQueues", "airflow:GetEnvironment", "airflow:ListEnvironments",
    ),
    "Logs": (
        "logs:DescribeDeliveries", "logs:DescribeDeliverySources", "logs:DescribeLogGroups", "logs:DescribeLogStreams",
        "logs:DescribeSubscriptionFilters", "logs:FilterLogEvents", "logs:GetDeliveryDestination",
        "logs:TestMetricFilter", "xray:BatchGetTraces", "xray:GetTraceSummaries",
    ),
    "Delivery": (
        "codebuild:BatchGetProjects", "codebuild:ListProjects", "codedeploy:BatchGet*", "codedeploy:List*",
    ),
    "Account": (
        "account:GetAccountInformation", "budgets:ViewBudget", "bcm-data-exports:GetExport",
        "bcm-data-exports:ListExports", "cur:DescribeReportDefinitions", "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:ListTrails", "cloudtrail:LookupEvents",
        "health:DescribeAffectedEntities", "health:DescribeEventDetails", "health:DescribeEvents",
        "iam:ListAccountAliases", "organizations:Describe*", "organizations:List*", "ssm:GetServiceSetting",
        "ssm:ListCommands", "trustedadvisor:ListRecommendationResources", "trustedadvisor:ListRecommendations",
    ),
}


def integration_policy() -> PolicyDocument:
    """The role's permissions: Datadog's documented read-only actions, on every resource."""
    return PolicyDocument([Statement("Allow", list(actions), ["*"], sid=f"DatadogReads{group}")
                           for group, actions in READ_ONLY_ACTIONS.items()])


def trust_policy(principal_account_id: str, external_id: str) -> PolicyDocument:
    """Only Datadog's AWS account, presenting this account's external ID, may assume the role."""
    return PolicyDocument([
        Statement("Allow", ["sts:AssumeRole"], principals={"AWS": [account_root_arn(principal_account_id)]},
                  conditions={"StringEquals": {"sts:ExternalId": external_id}}, sid="DatadogAssumes"),
    ])


class DatadogIntegration(pulumi.ComponentResource):
    """The integration role in one account."""

    def __init__(self, name: str, spec: DatadogConfig, *, external_id: str, opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:DatadogIntegration", name, None, opts)
        self.role = aws.iam.Role(
            f"{name}-role",
            name=spec.role_name,
            description="Datadog AWS integration (read-only)",
            assume_role_policy=trust_policy(spec.principal_account_id, external_id).to_json(),
            max_session_duration=3600,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(f"{name}-read-only", role=self.role.id, policy=integration_policy().to_json(),
                           opts=pulumi.ResourceOptions(parent=self))
        self.role_arn: pulumi.Output[str] = self.role.arn
        self.register_outputs({"role_arn": self.role_arn})
