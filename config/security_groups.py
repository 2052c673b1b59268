"""`landing-zone:network.security_groups`: the shared tier groups every matching VPC gets, least privilege.

Each rule names another configured group or a CIDR. Only a group marked `public` may admit the internet
(0.0.0.0/0 or ::/0), and only on TCP 80 and 443; egress is written out, never the allow-all default.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from config.aws_text import Ec2Description
from config.base import NAME_PATTERN, Model
from config.cidrs import IpCidr, is_anywhere
from config.ports import check_ports, port_range
from config.segments import Segment

GroupName = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN, min_length=2, max_length=32),
    Field(description="Name of a configured security group (2-32 chars, a-z 0-9 -), e.g. `app`."),
]
Protocol = Literal["tcp", "udp", "all"]
PUBLIC_PORTS = (80, 443)


class SecurityGroupRuleConfig(Model):
    protocol: Protocol = Field("tcp", description="tcp, udp, or all (every protocol and port).")
    from_port: int | None = Field(None, ge=0, le=65535, description="First port; required for tcp and udp.")
    to_port: int | None = Field(None, ge=0, le=65535, description="Last port; defaults to from_port.")
    cidr: IpCidr | None = Field(None, description="Peer address range; give this or `group`.")
    group: GroupName | None = Field(None, description="Peer security group (a key of network.security_groups).")
    description: Ec2Description = Field("", description="Why the rule exists; shown in the AWS console.")

    @model_validator(mode="after")
    def _shape(self) -> SecurityGroupRuleConfig:
        if (self.cidr is None) == (self.group is None):
            raise ValueError("give exactly one peer: `cidr` (an address range) or `group` (a configured group)")
        check_ports(self.protocol, self.from_port, self.to_port)
        return self

    @property
    def ports(self) -> tuple[int, int]:
        return port_range(self.from_port, self.to_port)


class SecurityGroupConfig(Model):
    description: Ec2Description = Field(min_length=1, description="What the group's members are.")
    public: bool = Field(False, description="A public load balancer's group: may admit 0.0.0.0/0 on TCP 80/443.")
    segments: list[Segment] | None = Field(
        None, description="Create the group only in VPCs of these segments; none means every VPC."
    )
    ingress: list[SecurityGroupRuleConfig] = Field(default_factory=list, description="What may connect in.")
    egress: list[SecurityGroupRuleConfig] = Field(
        default_factory=list, description="Where members may connect; nothing when empty (no allow-all default)."
    )


def internet_exposure_problem(public: bool, protocol: str, ports: tuple[int, int], *, cidr: str) -> str | None:
    """Why an ingress rule from `cidr` is not allowed, or None. The one statement of the exposure rule."""
    if not is_anywhere(cidr):
        return None
    if not public:
        return (f"admits {cidr} to a group not marked public; only a public load balancer group may admit the "
                "internet; name a source group or a narrower CIDR")
    if protocol != "tcp" or ports[0] != ports[1] or ports[0] not in PUBLIC_PORTS:
        shown = "all traffic" if protocol == "all" else f"{protocol} {ports[0]}" + (
            f"-{ports[1]}" if ports[1] != ports[0] else "")
        return (f"admits {cidr} on {shown}; a public group may admit the internet only on TCP 80 or 443, one "
                "port per rule")
    return None
