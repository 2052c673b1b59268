"""AWS notifications as they reach the notifier, and the names (accounts, topics, secrets) they use."""

from __future__ import annotations

import json
from typing import Any

TOKEN = "xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx"
ROTATED_TOKEN = "xoxb-1111111111-2222222222222-RotatedRotatedRotated00"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE-session-token"
ACCOUNT = "111122223333"
REGION = "eu-central-1"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:lz-ops-slack-bot-token-AbCdEf"
CHANNELS = {"critical": "C0CRITICAL", "warning": "C0WARNING", "security": "C0SECURITY"}
CRITICAL_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:lz-ops-alerts-critical"
WARNING_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:lz-ops-alerts-warning"
SECURITY_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:lz-ops-alerts-security"


def sns_event(message: Any, topic: str = CRITICAL_TOPIC, subject: str | None = None,
              attributes: dict[str, str] | None = None) -> dict[str, Any]:
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "Sns": {
        "Type": "Notification", "MessageId": "6c3a2f0e-0000-4000-8000-000000000001", "TopicArn": topic,
        "Subject": subject, "Message": message if isinstance(message, str) else json.dumps(message),
        "Timestamp": "2026-03-14T09:27:00.000Z",
        "MessageAttributes": {k: {"Type": "String", "Value": v} for k, v in (attributes or {}).items()},
    }}]}


ALARM = {
    "AlarmName": "lz-ops-web-5xx-rate", "AlarmDescription": "Web service answers 5xx to more than 5% of requests",
    "AWSAccountId": ACCOUNT, "NewStateValue": "ALARM", "OldStateValue": "OK",
    "NewStateReason": "Threshold Crossed: 1 datapoint [7.5 (14/03/26 09:21:00)] was greater than the threshold (5.0).",
    "StateChangeTime": "2026-03-14T09:26:53.412+0000", "Region": "EU (Frankfurt)",
    "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:lz-ops-web-5xx-rate",
    "OKActions": [], "AlarmActions": [CRITICAL_TOPIC], "InsufficientDataActions": [],
    "Trigger": {"MetricName": "HTTPCode_Target_5XX_Count", "Namespace": "AWS/ApplicationELB", "Statistic": "AVERAGE",
                "Dimensions": [{"value": "app/lz-ops-web/50dc6c495c0c9188", "name": "LoadBalancer"}], "Period": 60,
                "EvaluationPeriods": 3, "ComparisonOperator": "GreaterThanThreshold", "Threshold": 5.0},
}

ROOT_SIGN_IN = {
    "version": "0", "id": "e1b4bc41-1a0e-4c3f-9e16-c1b9a0f00001", "detail-type": "AWS Console Sign In via CloudTrail",
    "source": "aws.signin", "account": ACCOUNT, "time": "2026-03-14T08:02:11Z", "region": "us-east-1", "resources": [],
    "detail": {"eventVersion": "1.08", "userIdentity": {"type": "Root", "principalId": ACCOUNT,
                                                         "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT},
               "eventTime": "2026-03-14T08:02:11Z", "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
               "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.54",
               "userAgent": "Mozilla/5.0 (X11; Linux x86_64)", "responseElements": {"ConsoleLogin": "Success"},
               "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No",
                                       "MFAUsed": "No"},
               "eventID": "4f1d5c1e-7a4b-4c55-8d2b-2b9a6f000042", "eventType": "AwsConsoleSignIn"},
}

GUARDDUTY = {
    "version": "0", "id": "c8c4daa7-a20c-2f03-0070-b7393dd542ad", "detail-type": "GuardDuty Finding",
    "source": "aws.guardduty", "account": ACCOUNT, "time": "2026-03-14T07:40:00Z", "region": REGION,
    "detail": {"schemaVersion": "2.0", "accountId": ACCOUNT, "region": REGION, "partition": "aws",
               "id": "16afba5c5c43e07c9e3e5e2e544e95df",
               "arn": f"arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/12abc34d/finding/16afba5c5c43e07c9e3e5e2e544e95df",
               "type": "UnauthorizedAccess:EC2/SSHBruteForce",
               "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": "i-0a1b2c3d4e5f60718"}},
               "service": {"serviceName": "guardduty", "detectorId": "12abc34d", "count": 42,
                           "eventFirstSeen": "2026-03-14T07:12:00.000Z", "eventLastSeen": "2026-03-14T07:39:00.000Z"},
               "severity": 8, "createdAt": "2026-03-14T07:13:05.000Z", "updatedAt": "2026-03-14T07:39:30.000Z",
               "title": "198.51.100.7 is performing SSH brute force attacks against i-0a1b2c3d4e5f60718.",
               "description": "198.51.100.7 is performing SSH brute force attacks against i-0a1b2c3d4e5f60718."},
}

BACKUP_FAILED = {
    "version": "0", "id": "710b0398-d48e-f3c3-afca-cfeb2fdaa656", "detail-type": "Backup Job State Change",
    "source": "aws.backup", "account": ACCOUNT, "time": "2026-03-14T03:05:00Z", "region": REGION,
    "resources": [f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-0123456789abcdef0"],
    "detail": {"backupJobId": "A1B2C3D4-0000-4000-8000-00000000BEEF",
               "backupVaultArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:lz-ops-vault",
               "backupVaultName": "lz-ops-vault", "resourceArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-0123456789abcdef0",
               "resourceType": "EBS", "state": "FAILED", "creationDate": "2026-03-14T03:00:00.000Z",
               "statusMessage": "Access denied: the backup role may not use the KMS key",
               "iamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/lz-ops-backup"},
}

SES_BOUNCE = {
    "notificationType": "Bounce",
    "bounce": {"bounceType": "Permanent", "bounceSubType": "General", "timestamp": "2026-03-14T06:30:12.000Z",
               "feedbackId": "0100017e-bounce", "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com",
               "bouncedRecipients": [{"emailAddress": "jane.doe@customer.example", "action": "failed", "status": "5.1.1",
                                      "diagnosticCode": "smtp; 550 5.1.1 <jane.doe@customer.example>: user unknown"}]},
    "mail": {"timestamp": "2026-03-14T06:30:10.000Z", "source": "coupons@shop.example",
             "sourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/shop.example", "sourceIp": "192.0.2.10",
             "sendingAccountId": ACCOUNT, "messageId": "0100017e-message", "destination": ["jane.doe@customer.example"],
             "commonHeaders": {"subject": "Your 10% coupon"}},
}
