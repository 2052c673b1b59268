"""What of an account's baseline is regional, in every allowed region besides the home region: EBS encryption by
default, a Config recorder and an external access analyzer.

Security Hub runs in every linked region (the aggregator's), and there it checks these per region (EC2.7, Config.1,
IAM.28). Global types (IAM) are recorded once, in the home region, by the account's SecurityBaseline.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.audit_archive import ConfigDelivery
from components.home import Home
from org.baseline import record_configuration


class RegionalBaseline(pulumi.ComponentResource):
    """The regional part of the baseline in `region`, through the account's provider; `config_role_arn` is the
    account's AWS Config service-linked role (IAM roles are global)."""

    def __init__(self, name: str, home: Home, *, region: str, config_role_arn: pulumi.Input[str],
                 delivery: ConfigDelivery, opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:baseline:RegionalBaseline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        aws.ebs.EncryptionByDefault(f"{name}-ebs-encryption", enabled=True, region=region, opts=child)
        self.recorder = record_configuration(name, self, home.name("config"), role_arn=config_role_arn, delivery=delivery,
                                             region=region, global_types=False)
        self.analyzer = aws.accessanalyzer.Analyzer(
            f"{name}-access-analyzer", analyzer_name=home.name(f"account-{region}"), type="ACCOUNT",
            region=region, opts=child)
        self.register_outputs({"analyzer_arn": self.analyzer.arn})
