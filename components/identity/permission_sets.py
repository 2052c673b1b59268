"""Named permission sets: each name in config becomes these typed statements, scoped to the account they serve."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pulumi

from components.identity import actions
from components.policy_document import Statement
from config.identity import PermissionSetName, PolicyStatementConfig

# The tag every account provider's default_tags put on what the landing zone manages (org/providers.py).
PLATFORM_TAG = ("ManagedBy", "pulumi/landing-zone")

# Decrypting (and re-encrypting out of) a key: granted on named keys only.
DECRYPT_ACTIONS = ["kms:Decrypt", "kms:ReEncryptFrom"]

# Changes that would silence or subvert the platform (alert topics, root-activity rules, its functions and logs).
PLATFORM_CHANGES = [
    "cloudwatch:DeleteAlarms", "cloudwatch:DisableAlarmActions", "dynamodb:DeleteTable", "es:DeleteDomain",
    "es:UpdateDomainConfig", "events:DeleteRule", "events:DisableRule", "events:PutRule", "events:PutTargets",
    "events:RemoveTargets", "kinesis:DeleteStream", "lambda:AddPermission", "lambda:DeleteFunction",
    "lambda:RemovePermission", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "logs:DeleteLogGroup",
    "logs:PutRetentionPolicy", "secretsmanager:DeleteSecret", "secretsmanager:PutSecretValue", "sns:AddPermission",
    "sns:DeleteTopic", "sns:RemovePermission", "sns:SetTopicAttributes", "sqs:DeleteQueue", "sqs:SetQueueAttributes",
    "states:DeleteStateMachine", "states:UpdateStateMachine",
    # ... and the tag changes (removing or re-valuing the tag) that would take a resource out of its hands first.
    "cloudwatch:UntagResource", "dynamodb:UntagResource", "es:RemoveTags", "events:UntagResource",
    "kinesis:RemoveTagsFromStream", "lambda:UntagResource", "logs:UntagLogGroup", "logs:UntagResource",
    "secretsmanager:UntagResource", "sns:UntagResource", "sqs:UntagQueue", "states:UntagResource",
    "cloudwatch:TagResource", "dynamodb:TagResource", "es:AddTags", "events:TagResource", "kinesis:AddTagsToStream",
    "lambda:TagResource", "logs:TagLogGroup", "logs:TagResource", "secretsmanager:TagResource", "sns:TagResource",
    "sqs:TagQueue", "states:TagResource",
    # Alarms overwritten in place, and the log subscriptions and metric filters that feed alerting.
    "cloudwatch:PutMetricAlarm", "logs:DeleteMetricFilter", "logs:DeleteSubscriptionFilter", "logs:PutMetricFilter",
    "logs:PutSubscriptionFilter",
]
# S3 matches no resource tags for bucket settings, and Kinesis and Firehose not for every action: the platform's
# buckets and streams are named `<org>-<account>-...` (config/naming.py), so those names are what the denies match.
PLATFORM_BUCKET_CHANGES = [
    "s3:BypassGovernanceRetention", "s3:DeleteBucket*", "s3:DeleteObjectVersion", "s3:PutAccelerateConfiguration",
    "s3:PutAnalyticsConfiguration", "s3:PutBucket*", "s3:PutEncryptionConfiguration",
    "s3:PutIntelligentTieringConfiguration", "s3:PutInventoryConfiguration", "s3:PutLifecycleConfiguration",
    "s3:PutMetricsConfiguration", "s3:PutObjectAcl", "s3:PutObjectLegalHold", "s3:PutObjectRetention",
    "s3:PutObjectVersionAcl", "s3:PutReplicationConfiguration",
]
PLATFORM_STREAM_CHANGES = [
    "kinesis:AddTagsToStream", "kinesis:DecreaseStreamRetentionPeriod", "kinesis:DeleteResourcePolicy",
    "kinesis:DeleteStream", "kinesis:DeregisterStreamConsumer", "kinesis:DisableEnhancedMonitoring",
    "kinesis:EnableEnhancedMonitoring", "kinesis:IncreaseStreamRetentionPeriod", "kinesis:MergeShards",
    "kinesis:PutResourcePolicy", "kinesis:RemoveTagsFromStream", "kinesis:SplitShard", "kinesis:StartStreamEncryption",
    "kinesis:StopStreamEncryption", "kinesis:UpdateShardCount", "kinesis:UpdateStreamMode",
]
PLATFORM_DELIVERY_CHANGES = [
    "firehose:DeleteDeliveryStream", "firehose:StartDeliveryStreamEncryption", "firehose:StopDeliveryStreamEncryption",
    "firehose:TagDeliveryStream", "firehose:UntagDeliveryStream", "firehose:UpdateDestination",
]


@dataclass(frozen=True)
class PermissionContext:
    """Where a permission set applies: the account it is granted in, and the boundary roles created there carry."""

    account_id: pulumi.Input[str]
    region: str
    role_path: str = "/app/"
    boundary_arn: pulumi.Input[str] | None = None
    platform_prefix: str | None = None  # `<org>-<account>-`: the names of the platform's buckets and streams here

    def arn(self, service: str, resource: str, regional: bool = True) -> pulumi.Output[str]:
        """`arn:aws:<service>:<region>:<account>:<resource>` in this account (no region for global services)."""
        return pulumi.Output.concat("arn:aws:", service, ":", self.region if regional else "", ":", self.account_id, ":",
                                    resource)

    def iam(self, resource: str) -> pulumi.Output[str]:
        return self.arn("iam", resource, regional=False)


def platform_prefix(org_name: str, account: str) -> str:
    """How the platform's own bucket and stream names in `account` begin (aws_name's `<org>-<account>-`)."""
    return f"{org_name}-{account}-"


def keep_platform_resources(ctx: PermissionContext) -> list[Statement]:
    """Whatever else a set allows, what the landing zone manages in the account is changed by the program only:
    resources tagged as the platform's, and its buckets, streams and delivery streams by name."""
    key, value = PLATFORM_TAG
    statements = [Statement("Deny", PLATFORM_CHANGES, ["*"], conditions={"StringEquals": {f"aws:ResourceTag/{key}": value}},
                            sid="KeepPlatformResources")]
    if ctx.platform_prefix:
        prefix = ctx.platform_prefix
        statements += [
            Statement("Deny", PLATFORM_BUCKET_CHANGES, [f"arn:aws:s3:::{prefix}*", f"arn:aws:s3:::{prefix}*/*"],
                      sid="KeepPlatformBuckets"),
            Statement("Deny", PLATFORM_STREAM_CHANGES,
                      [pulumi.Output.concat("arn:aws:kinesis:*:", ctx.account_id, ":stream/", prefix, "*")],
                      sid="KeepPlatformStreams"),
            Statement("Deny", PLATFORM_DELIVERY_CHANGES,
                      [pulumi.Output.concat("arn:aws:firehose:*:", ctx.account_id, ":deliverystream/", prefix, "*")],
                      sid="KeepPlatformDeliveryStreams"),
        ]
    return statements


def own_keys(ctx: PermissionContext) -> pulumi.Output[str]:
    """Every KMS key of the account, in any region: decrypting is granted on these, never on `*` (Security Hub KMS.2)."""
    return pulumi.Output.concat("arn:aws:kms:*:", ctx.account_id, ":key/*")


def administrator(ctx: PermissionContext) -> list[Statement]:
    # Our own reviewable document rather than the AWS managed AdministratorAccess: same reach, pinned in code;
    # decryption is the one thing named per key: the account's own keys, never "*".
    return [Statement("Allow", not_actions=DECRYPT_ACTIONS, resources=["*"], sid="Administer"),
            Statement("Allow", DECRYPT_ACTIONS, [own_keys(ctx)], sid="DecryptWithOwnKeys")]


def read_only(_: PermissionContext) -> list[Statement]:
    return [Statement("Allow", actions.READ_CONFIGURATION, ["*"], sid="ReadConfiguration")]


def security_audit(_: PermissionContext) -> list[Statement]:
    return [Statement("Allow", actions.SECURITY_AUDIT, ["*"], sid="ReadSecurityConfiguration")]


def billing(ctx: PermissionContext) -> list[Statement]:
    return [
        Statement("Allow", actions.BILLING_READ, ["*"], sid="ReadBilling"),
        Statement("Allow", ["budgets:ModifyBudget", "budgets:ViewBudget"],
                  [ctx.arn("budgets", "budget/*", regional=False)], sid="ManageBudgets"),
    ]


def developer(ctx: PermissionContext) -> list[Statement]:
    return [
        Statement("Allow", actions.DEVELOPER_SERVICES, ["*"], sid="BuildServices"),
        Statement("Allow", ["kms:Decrypt"], [own_keys(ctx)], sid="DecryptWithOwnKeys"),
        # Beanstalk environments run with its service and instance roles; developers may hand over those only.
        Statement("Allow", ["iam:PassRole"], [ctx.iam("role/aws-elasticbeanstalk-*")], sid="PassBeanstalkRoles"),
        *keep_platform_resources(ctx),
    ]


def create_bounded_roles(ctx: PermissionContext) -> list[Statement]:
    """Create and manage roles under the role path, only ever with the boundary attached."""
    if ctx.boundary_arn is None:
        raise ValueError("create-bounded-roles needs the account's permissions boundary")
    roles = ctx.iam(f"role{ctx.role_path}*")
    policies = ctx.iam(f"policy{ctx.role_path}*")
    boundary = {"ArnEquals": {"iam:PermissionsBoundary": ctx.boundary_arn}}
    return [
        Statement("Allow", ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
                            "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"], [roles],
                  conditions=boundary, sid="CreateRolesWithBoundary"),
        Statement("Allow", ["iam:DeleteRole", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
                            "iam:ListRolePolicies", "iam:ListRoleTags", "iam:PassRole", "iam:TagRole", "iam:UntagRole",
                            "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription"], [roles],
                  sid="ManageBoundedRoles"),
        Statement("Allow", ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
                            "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:SetDefaultPolicyVersion",
                            "iam:TagPolicy", "iam:UntagPolicy"], [policies], sid="ManageRolePolicies"),
        Statement("Allow", ["iam:CreateServiceLinkedRole"], [ctx.iam("role/aws-service-role/*")],
                  sid="CreateServiceLinkedRoles"),
        # Belt and braces: the boundary itself and its attachment are never changed from inside the account.
        Statement("Deny", ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
                           "iam:SetDefaultPolicyVersion"], [ctx.boundary_arn], sid="KeepBoundaryPolicy"),
        Statement("Deny", ["iam:DeleteRolePermissionsBoundary"], [ctx.iam("role/*")], sid="KeepBoundaryAttached"),
    ]


def operator(ctx: PermissionContext) -> list[Statement]:
    return [
        Statement("Allow", actions.OPERATIONS, ["*"], sid="Operate"),
        Statement("Allow", ["ec2:RebootInstances", "ec2:StartInstances", "ec2:StopInstances"],
                  [ctx.arn("ec2", "instance/*")], sid="RestartInstances"),
        Statement("Allow", ["autoscaling:ResumeProcesses", "autoscaling:SetDesiredCapacity", "autoscaling:SetInstanceHealth",
                            "autoscaling:SuspendProcesses", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                  [ctx.arn("autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")], sid="ScaleGroups"),
        Statement("Allow", ["rds:FailoverDBCluster", "rds:RebootDBInstance"],
                  [ctx.arn("rds", "cluster:*"), ctx.arn("rds", "db:*")], sid="RecoverDatabases"),
        Statement("Allow", ["ssm:StartSession"],
                  [ctx.arn("ec2", "instance/*"), ctx.arn("ssm", "document/SSM-SessionManagerRunShell")],
                  sid="StartSessions"),
        Statement("Allow", ["ssm:ResumeSession", "ssm:TerminateSession"], [ctx.arn("ssm", "session/*")],
                  sid="ManageSessions"),
    ]


def deploy_services(ctx: PermissionContext) -> list[Statement]:
    """What a pipeline does to ship the shop: new Beanstalk versions, Lambda code, container images."""
    return [
        Statement("Allow", ["autoscaling:*", "cloudformation:Describe*", "cloudformation:GetTemplate", "cloudwatch:*",
                            "ec2:Describe*", "elasticbeanstalk:*", "elasticloadbalancing:*", "logs:*",
                            "ecr:GetAuthorizationToken"], ["*"], sid="DeployBeanstalk"),
        Statement("Allow", ["cloudformation:CancelUpdateStack", "cloudformation:ContinueUpdateRollback",
                            "cloudformation:CreateChangeSet", "cloudformation:CreateStack", "cloudformation:DeleteChangeSet",
                            "cloudformation:DeleteStack", "cloudformation:DescribeChangeSet",
                            "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource",
                            "cloudformation:DescribeStackResources", "cloudformation:ExecuteChangeSet",
                            "cloudformation:ListStackResources", "cloudformation:SignalResource",
                            "cloudformation:TagResource", "cloudformation:UpdateStack"],
                  [ctx.arn("cloudformation", "stack/awseb-*")], sid="ManageBeanstalkStacks"),
        # Beanstalk keeps bundles in its own `elasticbeanstalk-<region>-<account>` bucket.
        Statement("Allow", ["s3:GetBucketLocation", "s3:ListBucket"],
                  [pulumi.Output.concat("arn:aws:s3:::elasticbeanstalk-", ctx.region, "-", ctx.account_id)],
                  sid="BeanstalkBucket"),
        Statement("Allow", ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                  [pulumi.Output.concat("arn:aws:s3:::elasticbeanstalk-", ctx.region, "-", ctx.account_id, "/*")],
                  sid="BeanstalkBundles"),
        Statement("Allow", ["lambda:GetFunction", "lambda:PublishVersion", "lambda:UpdateAlias",
                            "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"],
                  [ctx.arn("lambda", "function:*")], sid="ShipFunctions"),
        Statement("Allow", ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
                            "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
                            "ecr:UploadLayerPart"], [ctx.arn("ecr", "repository/*")], sid="PushImages"),
        Statement("Allow", ["iam:PassRole"], [ctx.iam("role/aws-elasticbeanstalk-*"), ctx.iam(f"role{ctx.role_path}*")],
                  sid="PassServiceRoles"),
        *keep_platform_resources(ctx),
    ]


BUILDERS: dict[str, Callable[[PermissionContext], list[Statement]]] = {
    "administrator": administrator,
    "read-only": read_only,
    "security-audit": security_audit,
    "billing": billing,
    "developer": developer,
    "create-bounded-roles": create_bounded_roles,
    "operator": operator,
    "deploy-services": deploy_services,
}

NEEDS_BOUNDARY = frozenset({"create-bounded-roles"})


def statements_for(names: Sequence[PermissionSetName], extra: Sequence[PolicyStatementConfig],
                   ctx: PermissionContext) -> list[Statement]:
    """The named sets' statements, then the config's own, in order."""
    statements = [statement for name in names for statement in BUILDERS[name](ctx)]
    statements.extend(from_config(extra))
    return statements


def from_config(extra: Sequence[PolicyStatementConfig]) -> list[Statement]:
    return [Statement(item.effect, list(item.actions), list(item.resources), sid=item.sid,
                      conditions={op: dict(values) for op, values in item.conditions.items()} or None)
            for item in extra]
