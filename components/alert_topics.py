"""Per-account SNS topics per severity (critical, warning, security), encrypted with the account's own key."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.kms import rotating_key
from components.policy_document import PolicyDocument, Statement

SEVERITIES = ("critical", "warning", "security")
ALERT_SEVERITY_TAG = "AlertSeverity"

# The services that publish alerts: alarms, EventBridge rules, Backup job events, SES bounce/complaint events.
PUBLISHERS = ("cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com", "ses.amazonaws.com")


class AlertTopics(pulumi.ComponentResource):
    """The account's alert topics; alarms and rules in the account publish here, the notifier subscribes."""

    def __init__(self, name: str, home: Home, *, organization_id: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:AlertTopics", name, None, opts)
        self.organization_id = organization_id
        account, account_id = home.account, home.account_id
        root = home.root_arn
        key_policy = PolicyDocument([
            Statement("Allow", ["kms:*"], ["*"], principals={"AWS": [root]}, sid="AccountAdministers"),
            # EventBridge and CloudWatch send no aws:Source* keys to KMS; SNS names the topic in the context instead.
            Statement("Allow", ["kms:Decrypt", "kms:GenerateDataKey*"], ["*"], principals={"Service": list(PUBLISHERS)},
                      conditions={"ArnLike": {"kms:EncryptionContext:aws:sns:topicArn": pulumi.Output.concat(
                          "arn:aws:sns:*:", account_id, ":*")}}, sid="PublishersEncrypt"),
        ])
        self.key = rotating_key(f"{name}-key", f"{account} alert topics", key_policy, alias=home.name("alerts"),
                                production=home.production, opts=pulumi.ResourceOptions(parent=self))

        self.topics: dict[str, aws.sns.Topic] = {}
        for severity in SEVERITIES:
            topic = aws.sns.Topic(
                f"{name}-{severity}",
                name=home.name(f"alerts-{severity}", kind="sns-topic"),
                kms_master_key_id=self.key.arn,
                tags={ALERT_SEVERITY_TAG: severity},  # what policy rules know alert topics by
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.sns.TopicPolicy(
                f"{name}-{severity}-policy",
                arn=topic.arn,
                policy=topic_policy(topic.arn, root, account_id, organization_id=organization_id).to_json(),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.topics[severity] = topic
        self.arns: dict[str, pulumi.Output[str]] = {severity: topic.arn for severity, topic in self.topics.items()}
        self.register_outputs({"topics": self.arns, "key_arn": self.key.arn})

    @property
    def critical(self) -> aws.sns.Topic:
        return self.topics["critical"]

    @property
    def warning(self) -> aws.sns.Topic:
        return self.topics["warning"]

    @property
    def security(self) -> aws.sns.Topic:
        return self.topics["security"]


def topic_policy(topic_arn: pulumi.Input[str], root: pulumi.Input[str], account_id: pulumi.Input[str],
                  *, organization_id: pulumi.Input[str]) -> PolicyDocument:
    return PolicyDocument([
        Statement("Allow", ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:Subscribe",
                            "sns:SetTopicAttributes"], [topic_arn], principals={"AWS": [root]}, sid="OwnerManages"),
        Statement("Allow", ["sns:Publish"], [topic_arn], principals={"Service": list(PUBLISHERS)},
                  conditions={"StringEquals": {"aws:SourceOrgID": organization_id}}, sid="OrganizationServicesPublish"),
        Statement("Deny", ["sns:Publish"], [topic_arn], principals="*",
                  conditions={"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport"),
    ])
