"""An account's default VPC in one region, adopted and closed.

AWS gives every account a default VPC in every region: an internet gateway, public subnets in every AZ that hand
out public IPs, a security group that admits itself and sends anywhere, and a network ACL that allows everything
(https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html). The region guardrail keeps the regions outside
`guardrails.allowed_regions` unusable; in the allowed ones the program adopts the default VPC instead of deleting it
(Pulumi cannot delete what it did not create, and the default-VPC guardrail forbids re-creating one): every rule of
its default security group and network ACL is removed, its subnets stop assigning public IPs, and a flow log to the
audit archive records whatever still tries. Removing the program leaves the VPC as it then is.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.home import Home
from config.regions import zones_of


class DefaultVpcLockdown(pulumi.ComponentResource):
    """The default VPC of `home`'s account in `place` (a region), with nothing let through.

    Every AZ of `place` holds a default subnet; `flow_log_destination` is an S3 ARN (bucket and prefix) that admits
    VPC flow log delivery from this account. In the home region the provider's own region is used.
    """

    def __init__(self, name: str, home: Home, *, place: str, flow_log_destination: pulumi.Input[str],
                 ready: Sequence[pulumi.Resource] = (), opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:baseline:DefaultVpcLockdown", name, None, opts)
        # Adopted, never deleted: a destroy forgets it, which keeps the sandbox's destroy and re-create clean.
        adopted = pulumi.ResourceOptions(parent=self, retain_on_delete=True)
        label = home.name("default-unused")
        region = None if place == home.region else place
        zones = zones_of(place)
        self.vpc = aws.ec2.DefaultVpc(f"{name}-vpc", region=region, tags={"Name": label}, opts=adopted)
        self.security_group = aws.ec2.DefaultSecurityGroup(
            f"{name}-sg", vpc_id=self.vpc.id, region=region, tags={"Name": label}, opts=adopted)  # no rules: nothing
        self.network_acl = aws.ec2.DefaultNetworkAcl(
            f"{name}-nacl", default_network_acl_id=self.vpc.default_network_acl_id, region=region,
            tags={"Name": label},  # no entries: AWS's final deny drops every packet both ways
            # Subnets join the default ACL on their own; the program does not manage the associations.
            opts=pulumi.ResourceOptions.merge(adopted, pulumi.ResourceOptions(ignore_changes=["subnetIds"])))
        self.subnets = [
            aws.ec2.DefaultSubnet(f"{name}-subnet-{zone}", availability_zone=zone, map_public_ip_on_launch=False,
                                  region=region, tags={"Name": label}, opts=adopted)
            for zone in zones
        ]
        self.flow_log = aws.ec2.FlowLog(
            f"{name}-flow-log", vpc_id=self.vpc.id, traffic_type="ALL", log_destination_type="s3",
            log_destination=flow_log_destination, region=region, tags={"Name": label},
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(ready)))
        self.register_outputs({"vpc_id": self.vpc.id})
