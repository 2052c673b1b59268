"""The AWS service quotas a landing zone meets first, with their Service Quotas codes and documented defaults.

The config (landing-zone:quotas) names them by key; the policy rule service-quotas-cover-needs and the preview
count the stack's needs against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ORGANIZATIONS_LIMITS = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"
VPC_LIMITS = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"
LAMBDA_LIMITS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
KMS_LIMITS = "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html"


@dataclass(frozen=True)
class Quota:
    """One AWS service quota a landing zone meets first.

    `key` names it in `landing-zone:quotas`; `service_code` and `quota_code` name it in Service Quotas (both None
    when Service Quotas does not carry it: AWS cannot raise it). `default` is AWS's documented default and
    `new_account` what a brand-new account starts with where AWS says it starts lower. `scope` is what one value
    covers: the organization, a region of an account, one VPC, one AZ, or one SCP target. `home` is the region a
    global quota lives in (Organizations: us-east-1), None for regional ones. `source` is the AWS page of the facts.
    """

    key: str
    title: str
    service_code: str | None
    quota_code: str | None
    default: int
    scope: Literal["organization", "region", "VPC", "AZ", "target"]
    source: str
    new_account: int | None = None
    home: str | None = None

    @property
    def adjustable(self) -> bool:
        return self.quota_code is not None

    @property
    def code(self) -> str:
        return f"{self.service_code}/{self.quota_code}" if self.quota_code else "fixed"

    @property
    def starts_at(self) -> int:
        """What an account has before anyone asks: a new account's lower start, else the default."""
        return self.new_account if self.new_account is not None else self.default


# Codes as Service Quotas lists them (ListServiceQuotas). AWS notes that codes can change: when a request fails with
# NoSuchResourceException, look the code up with `aws service-quotas list-service-quotas --service-code <service>`.
# The organization's account quota was L-29A0C5DF before; Service Quotas lists it as L-E619E033 now.
QUOTAS: tuple[Quota, ...] = (
    Quota("organization_accounts", "Accounts in the organization", "organizations", "L-E619E033", 10,
          "organization", ORGANIZATIONS_LIMITS, home="us-east-1"),
    Quota("elastic_ips", "Elastic IP addresses per Region", "ec2", "L-0263D0A3", 5, "region", VPC_LIMITS),
    Quota("vpcs", "VPCs per Region", "vpc", "L-F678F1CE", 5, "region", VPC_LIMITS),
    Quota("interface_endpoints_per_vpc", "Interface VPC endpoints per VPC", "vpc", "L-29B6F2EB", 50, "VPC",
          VPC_LIMITS),
    Quota("nat_gateways_per_az", "NAT gateways per Availability Zone", "vpc", "L-FE5A380F", 5, "AZ", VPC_LIMITS),
    # "New AWS accounts have reduced concurrency and memory quotas" (Lambda quotas page); such accounts report 10.
    Quota("lambda_concurrent_executions", "Lambda concurrent executions", "lambda", "L-B99A9384", 1000, "region",
          LAMBDA_LIMITS, new_account=10),
    # FullAWSAccess counts among the five; Organizations cannot raise this one.
    Quota("scps_per_target", "SCPs attached per root, OU or account", None, None, 5, "target",
          ORGANIZATIONS_LIMITS, home="us-east-1"),
    Quota("kms_keys", "KMS customer managed keys per Region", "kms", "L-C2F1777E", 100_000, "region", KMS_LIMITS),
)
QUOTAS_BY_KEY = {quota.key: quota for quota in QUOTAS}
