"""Security findings that need a person: GuardDuty and Security Hub findings of every account and region, posted
from the delegated administrator to its security alert topic, at or above the configured severity.

Where findings gather: GuardDuty sends the findings of every member to its administrator's EventBridge, in the
region they occur (docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html); Security Hub's
administrator receives "Findings - Imported" for its members' findings, and cross-region aggregation replicates
findings and their updates from the linked regions to the home region (docs.aws.amazon.com/securityhub/latest/
userguide/finding-aggregation.html), where the program's aggregator lives. GuardDuty runs in the home region.

Each finding reaches the channel once: GuardDuty's own event carries home-region GuardDuty findings (its formatter
shows more than the ASFF copy does); Security Hub carries everything else, including GuardDuty findings from any
other region, should GuardDuty be switched on there.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from components.home import Home
from config.monitoring import FindingsConfig

# The lowest GuardDuty score of each band (docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html).
GUARDDUTY_FLOOR = {"LOW": 1.0, "MEDIUM": 4.0, "HIGH": 7.0, "CRITICAL": 9.0}


def guardduty_pattern(spec: FindingsConfig) -> dict[str, Any]:
    """GuardDuty findings scored at or above the band `spec.min_severity` starts."""
    return {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
            "detail": {"severity": [{"numeric": [">=", GUARDDUTY_FLOOR[spec.min_severity]]}]}}


def security_hub_pattern(spec: FindingsConfig, home_region: str) -> dict[str, Any]:
    """New, active Security Hub findings at or above `spec.min_severity`, but not the GuardDuty findings of
    `home_region` (GuardDuty's own event posts those); ASFF fields as in
    docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html."""
    return {
        "source": ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        "detail": {"findings": {"Severity": {"Label": spec.severities}, "RecordState": ["ACTIVE"],
                                # A finding someone has already NOTIFIED, SUPPRESSED or RESOLVED is not news.
                                "Workflow": {"Status": ["NEW"]}}},
        "$or": [{"detail": {"findings": {"ProductName": [{"anything-but": "GuardDuty"}]}}},
                {"detail": {"findings": {"Region": [{"anything-but": home_region}]}}}],
    }


class SecurityFindings(pulumi.ComponentResource):
    """Two EventBridge rules in the delegated administrator's home region, both to its security alert topic."""

    def __init__(self, name: str, spec: FindingsConfig, home: Home, *, security_topic_arn: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        """`home` is the delegated administrator of GuardDuty and Security Hub (`baseline.admin_account`)."""
        super().__init__("landing-zone:monitoring:SecurityFindings", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        severities = ", ".join(spec.severities)
        rules = {
            "guardduty": (guardduty_pattern(spec), f"GuardDuty findings of every account, {severities}"),
            "security-hub": (security_hub_pattern(spec, home.region),
                             f"New Security Hub findings of every account and region, {severities}"),
        }
        self.rules: dict[str, aws.cloudwatch.EventRule] = {}
        for key, (pattern, description) in rules.items():
            rule = aws.cloudwatch.EventRule(
                f"{name}-{key}", name=home.name(f"{key}-findings"), description=description,
                event_pattern=json.dumps(pattern, sort_keys=True), opts=child)
            aws.cloudwatch.EventTarget(f"{name}-{key}-to-security", rule=rule.name, target_id="security-topic",
                                       arn=security_topic_arn, opts=child)
            self.rules[key] = rule
        self.register_outputs({"rule_arns": {key: rule.arn for key, rule in self.rules.items()}})
