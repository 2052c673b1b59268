"""Who an account's alert topics reach: its environment's Slack notifier, and people by e-mail; the subscriptions live
with the topics."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.alert_topics import AlertTopics


class AlertSubscriptions(pulumi.ComponentResource):
    """One Lambda subscription per severity topic of the account (cross-account when the notifier lives elsewhere)."""

    def __init__(self, name: str, topics: AlertTopics, *, function_arn: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:AlertSubscriptions", name, None, opts)
        self.subscriptions = {
            severity: aws.sns.TopicSubscription(
                f"{name}-{severity}", topic=topic.arn, protocol="lambda", endpoint=function_arn,
                opts=pulumi.ResourceOptions(parent=self))
            for severity, topic in topics.topics.items()
        }
        self.register_outputs({"subscriptions": {severity: sub.arn for severity, sub in self.subscriptions.items()}})


class EmailSubscriptions(pulumi.ComponentResource):
    """E-mail subscriptions of `addresses` to the account's alert topics of `severities`.

    SNS sends each address a confirmation link; the subscription delivers only once it is followed (SNS developer
    guide, 'Email notifications'), so a new address receives nothing until its owner confirms.
    """

    def __init__(self, name: str, topics: AlertTopics, *, addresses: Sequence[str], severities: Sequence[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:EmailSubscriptions", name, None, opts)
        self.subscriptions = [
            aws.sns.TopicSubscription(f"{name}-{severity}-{index}", topic=topics.topics[severity].arn, protocol="email",
                                      endpoint=address, opts=pulumi.ResourceOptions(parent=self))
            for severity in severities for index, address in enumerate(addresses)
        ]
        self.register_outputs({})
