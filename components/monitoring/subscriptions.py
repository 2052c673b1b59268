"""An account's alert topics subscribed to its environment's Slack notifier; the subscriptions live with the topics."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alert_topics import AlertTopics


class AlertSubscriptions(pulumi.ComponentResource):
    """One Lambda subscription per severity topic of the account (cross-account when the notifier lives elsewhere)."""

    def __init__(self, name: str, topics: AlertTopics, function_arn: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:AlertSubscriptions", name, None, opts)
        self.subscriptions = {
            severity: aws.sns.TopicSubscription(
                f"{name}-{severity}", topic=topic.arn, protocol="lambda", endpoint=function_arn,
                opts=pulumi.ResourceOptions(parent=self))
            for severity, topic in topics.topics.items()
        }
        self.register_outputs({"subscriptions": {severity: sub.arn for severity, sub in self.subscriptions.items()}})
