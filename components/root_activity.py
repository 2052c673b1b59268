"""The root fast path: an EventBridge rule on root sign-in and root API use, straight to the security topic."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.policy_document import PolicyDocument, Statement
from components.waits import usable_arn

# Console sign-in, and IAM and other global API calls, land in us-east-1; everything regional in its own region.
GLOBAL_EVENTS_REGION = "us-east-1"

# Anything the root user does by hand; AWS services acting for root (invokedBy, AwsServiceEvent) are not alerts.
ROOT_ACTIVITY_PATTERN = {
    "detail-type": ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"],
    "detail": {
        "userIdentity": {"type": ["Root"], "invokedBy": [{"exists": False}]},
        "eventType": [{"anything-but": "AwsServiceEvent"}],
    },
}
# Read-only calls (Get/List/Describe) reach EventBridge only in this state; root browsing is an alert too.
RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


class RootActivityAlerts(pulumi.ComponentResource):
    """Root activity in the home region goes to the security topic; in us-east-1 it is forwarded to the home bus.

    `forward_global_events=False` where the stack may not deploy to us-east-1 (a region-deny SCP on the account).
    """

    def __init__(self, name: str, home: Home, *, security_topic_arn: pulumi.Input[str], forward_global_events: bool = True,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:identity:RootActivityAlerts", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        pattern = json.dumps(ROOT_ACTIVITY_PATTERN, sort_keys=True)
        rule_name = home.name("root-activity")
        self.rule = aws.cloudwatch.EventRule(
            f"{name}-rule", name=rule_name, description="Root user sign-in or API use in this account",
            event_pattern=pattern, state=RULE_STATE, opts=child,
        )
        aws.cloudwatch.EventTarget(f"{name}-to-security", rule=self.rule.name, target_id="security-topic",
                                   arn=security_topic_arn, opts=child)
        self.forward_rule: aws.cloudwatch.EventRule | None = None
        if forward_global_events and home.region != GLOBAL_EVENTS_REGION:
            self._forward_global_events(name, home, pattern, child=child)
        self.register_outputs({"rule_arn": self.rule.arn,
                               "forward_rule_arn": self.forward_rule.arn if self.forward_rule else None})

    def _forward_global_events(self, name: str, home: Home, pattern: str, *, child: pulumi.ResourceOptions) -> None:
        """A twin rule in us-east-1 (per-resource `region`, so no extra provider) that hands events to the home bus."""
        home_region, account_id = home.region, home.account_id
        home_bus = pulumi.Output.concat("arn:aws:events:", home_region, ":", account_id, ":event-bus/default")
        self.forward_rule = aws.cloudwatch.EventRule(
            f"{name}-global-rule", name=home.name("root-activity-global"),
            description=f"Root sign-in and global API use, forwarded to {home_region}",
            event_pattern=pattern, state=RULE_STATE, region=GLOBAL_EVENTS_REGION, opts=child,
        )
        trust = PolicyDocument([
            Statement("Allow", ["sts:AssumeRole"], principals={"Service": ["events.amazonaws.com"]},
                      conditions={"StringEquals": {"aws:SourceAccount": account_id},
                                  "ArnEquals": {"aws:SourceArn": self.forward_rule.arn}}, sid="ForwardingRuleOnly"),
        ])
        role = aws.iam.Role(
            f"{name}-forwarder", name=home.name("root-activity-forwarder", kind="iam"),
            description="EventBridge forwards root activity from us-east-1 to the home region",
            assume_role_policy=trust.to_json(), tags={"Access": "service"}, opts=child,
        )
        put_home_bus = aws.iam.RolePolicy(
            f"{name}-forwarder-policy", role=role.name, name="put-home-bus",
            policy=PolicyDocument([Statement("Allow", ["events:PutEvents"], [home_bus], sid="PutHomeBus")]).to_json(),
            opts=child,
        )
        aws.cloudwatch.EventTarget(f"{name}-global-to-home", rule=self.forward_rule.name, target_id="home-region-bus",
                                   arn=home_bus, role_arn=usable_arn(role, role.arn, put_home_bus),
                                   region=GLOBAL_EVENTS_REGION, opts=child)
