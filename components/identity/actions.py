"""Action lists the permission sets share: what reading configuration, auditing and billing mean in this house.

Reading is `Describe*`/`List*` and chosen `Get*`; nothing here returns data (objects, records, secrets,
parameters, log events) except where a list says so.
"""

from __future__ import annotations

# Configuration of every service the landing zone and the shop use; no data-plane reads.
READ_CONFIGURATION = [
    "access-analyzer:Get*", "access-analyzer:List*", "acm:Describe*", "acm:List*", "apigateway:GET",
    "application-autoscaling:Describe*", "autoscaling:Describe*", "backup:Describe*", "backup:List*",
    "budgets:View*", "cloudformation:Describe*", "cloudformation:List*", "cloudfront:List*", "cloudtrail:Describe*",
    "cloudtrail:GetEventSelectors", "cloudtrail:GetTrailStatus", "cloudtrail:List*", "cloudwatch:Describe*",
    "cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:List*", "config:Describe*",
    "config:List*", "directconnect:Describe*", "dynamodb:Describe*", "dynamodb:List*", "ec2:Describe*",
    "ecr:Describe*", "ecs:Describe*", "ecs:List*", "elasticbeanstalk:Describe*", "elasticbeanstalk:List*",
    "elasticloadbalancing:Describe*", "es:Describe*", "es:List*", "events:Describe*", "events:List*",
    "firehose:Describe*", "firehose:List*", "guardduty:Get*", "guardduty:List*", "health:Describe*", "iam:Get*",
    "iam:List*", "kinesis:Describe*", "kinesis:List*", "kms:Describe*", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
    "kms:List*", "lambda:GetFunctionConfiguration", "lambda:List*", "logs:Describe*", "network-firewall:Describe*",
    "network-firewall:List*", "organizations:Describe*", "organizations:List*", "personalize:Describe*",
    "personalize:List*", "ram:Get*", "ram:List*", "rds:Describe*", "rds:List*", "route53:Get*", "route53:List*",
    "s3:GetAccountPublicAccessBlock", "s3:GetBucket*", "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration", "s3:ListAllMyBuckets", "secretsmanager:DescribeSecret",
    "secretsmanager:ListSecrets", "securityhub:Describe*", "securityhub:Get*", "securityhub:List*", "ses:Describe*",
    "ses:List*", "sns:GetTopicAttributes", "sns:List*", "sqs:GetQueueAttributes", "sqs:List*", "ssm:Describe*",
    "ssm:List*", "tag:Get*",
]

# What an auditor reads: identity, trails, findings, key and resource policies, network exposure, and logs.
SECURITY_AUDIT = [
    "access-analyzer:Get*", "access-analyzer:List*", "access-analyzer:ValidatePolicy", "account:GetAlternateContact",
    "acm:Describe*", "acm:List*", "backup:Describe*", "backup:GetBackupVaultAccessPolicy", "backup:List*",
    "cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:List*", "cloudtrail:LookupEvents", "config:Describe*",
    "config:Get*", "config:List*", "config:SelectResourceConfig", "ec2:Describe*", "ecr:GetRepositoryPolicy",
    "elasticloadbalancing:Describe*", "es:Describe*", "es:List*", "events:Describe*", "events:List*",
    "guardduty:Get*", "guardduty:List*", "iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails",
    "iam:Get*", "iam:List*", "inspector2:List*", "kms:Describe*", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
    "kms:List*", "lambda:GetPolicy", "lambda:List*", "logs:Describe*", "logs:FilterLogEvents", "logs:GetLogEvents",
    "logs:GetQueryResults", "logs:StartQuery", "logs:StopQuery", "macie2:Get*", "macie2:List*",
    "network-firewall:Describe*", "network-firewall:List*", "organizations:Describe*", "organizations:List*",
    "ram:Get*", "ram:List*", "rds:Describe*", "s3:GetAccountPublicAccessBlock", "s3:GetBucket*",
    "s3:GetEncryptionConfiguration", "s3:ListAllMyBuckets", "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecrets", "securityhub:Describe*", "securityhub:Get*",
    "securityhub:List*", "sns:GetTopicAttributes", "sns:List*", "sqs:GetQueueAttributes", "sqs:List*",
    "sso:Describe*", "sso:List*", "support:DescribeTrustedAdvisor*", "tag:Get*", "wafv2:Get*", "wafv2:List*",
]

# Bills, cost and usage, invoices and payments: read only (budgets are changed by a separate statement).
BILLING_READ = [
    "account:GetAccountInformation", "billing:Get*", "billing:List*", "budgets:Describe*", "budgets:View*",
    "ce:Describe*", "ce:Get*", "ce:List*", "consolidatedbilling:Get*", "consolidatedbilling:List*", "cur:Describe*",
    "cur:Get*", "freetier:Get*", "invoicing:Get*", "invoicing:List*", "organizations:DescribeOrganization",
    "organizations:List*", "payments:Get*", "payments:List*", "pricing:Describe*", "pricing:Get*", "tax:Get*",
    "tax:List*",
]

# The shop's application services, in full, inside the development account.
DEVELOPER_SERVICES = [
    "apigateway:*", "application-autoscaling:*", "athena:*", "cloudformation:*", "cloudwatch:*", "dynamodb:*",
    "ecr:*", "elasticbeanstalk:*", "es:*", "events:*", "firehose:*", "glue:*", "kinesis:*", "lambda:*", "logs:*",
    "personalize:*", "s3:*", "ses:*", "sns:*", "sqs:*", "states:*", "xray:*",
    "autoscaling:*", "elasticloadbalancing:*", "ec2:Describe*", "rds:Describe*", "rds:List*",
    "kms:Describe*", "kms:Encrypt", "kms:GenerateDataKey*", "kms:List*",  # decrypt: the account's own keys only
    "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:ListSecrets",
    "ssm:DescribeParameters", "ssm:GetParameter*", "iam:Get*", "iam:List*",
]

# Day-to-day operations on running services: logs, alarms, restarts, capacity, sessions, support cases.
OPERATIONS = [
    "cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions", "cloudwatch:GetDashboard",
    "cloudwatch:SetAlarmState", "elasticbeanstalk:RebuildEnvironment", "elasticbeanstalk:RequestEnvironmentInfo",
    "elasticbeanstalk:RestartAppServer", "elasticbeanstalk:RetrieveEnvironmentInfo",
    "elasticbeanstalk:SwapEnvironmentCNAMEs", "logs:FilterLogEvents", "logs:GetLogEvents", "logs:GetQueryResults",
    "logs:StartQuery", "logs:StopQuery", "support:*",
]
