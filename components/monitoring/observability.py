"""Central observability: a CloudWatch OAM sink in the monitoring account and a link to it from every other account."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.policy_document import PolicyDocument, Statement
from components.waits import wait_for

# What every account shares with the monitoring account: metrics, logs and traces.
SHARED_RESOURCE_TYPES = ("AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace")


class ObservabilitySink(pulumi.ComponentResource):
    """The OAM sink; its policy admits links from accounts of the organization only, for the shared types only."""

    def __init__(self, name: str, home: Home, *, organization_id: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:ObservabilitySink", name, None, opts)
        self.sink = aws.oam.Sink(name, name=home.name("observability", kind="oam-sink"),
                                 opts=pulumi.ResourceOptions(parent=self))
        policy = PolicyDocument([
            Statement("Allow", ["oam:CreateLink", "oam:UpdateLink"], ["*"], principals="*", sid="OrganizationLinks",
                      conditions={"StringEquals": {"aws:PrincipalOrgID": organization_id},
                                  "ForAllValues:StringEquals": {"oam:ResourceTypes": list(SHARED_RESOURCE_TYPES)}}),
        ])
        self.policy = aws.oam.SinkPolicy(f"{name}-policy", sink_identifier=self.sink.arn, policy=policy.to_json(),
                                         opts=pulumi.ResourceOptions(parent=self))
        # Member accounts' CreateLink is checked against the policy as their requests see it, eventually.
        self.ready = wait_for(f"{name}-policy-ready", "cross-account-policy", after=[self.policy],
                              opts=pulumi.ResourceOptions(parent=self))
        self.sink_arn: pulumi.Output[str] = self.sink.arn
        self.register_outputs({"sink_arn": self.sink_arn})


class ObservabilityLink(pulumi.ComponentResource):
    """This account's link to the sink: its metrics, logs and traces appear in the monitoring account."""

    def __init__(self, name: str, sink: ObservabilitySink, *, opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:ObservabilityLink", name, None, opts)
        self.link = aws.oam.Link(
            name,
            label_template="$AccountName",
            resource_types=list(SHARED_RESOURCE_TYPES),
            sink_identifier=sink.sink_arn,
            # The sink policy must admit the account before the link can be made.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[sink.ready]),
        )
        self.register_outputs({"link_arn": self.link.arn})
