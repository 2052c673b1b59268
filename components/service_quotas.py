"""Service quota requests as code: the values one account needs, and the organization's request template.

    QuotaRequests("ops-quotas", settings.quotas.requests_for("ops", region), account="ops", opts=on("ops"))
    QuotaTemplate("quota-template", settings.quotas.template_requests(region), after=[organization],
                  opts=<management, us-east-1>)   # inside Organization, before any account is created

An aws.servicequotas.ServiceQuota asks AWS for its value when the value exceeds the one applied (a value equal to it
is a no-op; the provider refuses a lower one) and reads back the request's value while AWS considers it. Destroying
it leaves the quota as it is (the provider's delete does nothing). The template (Service Quotas
`PutServiceQuotaIncreaseRequestIntoTemplate`, then `AssociateServiceQuotaTemplate`) can only be managed from the
management account in us-east-1 (pulumi-aws `servicequotas.Template` and `TemplateAssociation` docs), and AWS files
its requests in every account created after the association. Service Quotas keeps one open request per quota
(Service Quotas user guide, "Service quotas for Service Quotas"), so the association comes first and the accounts the
stack creates afterwards file their own requests only for values above the template's (StackConfig.quota_requests).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.home import Home
from config.quotas import QuotaRequest

# Only the management account, in us-east-1, may change or associate the organization's quota request template.
TEMPLATE_REGION = "us-east-1"


def _label(request: QuotaRequest) -> str:
    return f"{request.quota.key.replace('_', '-')}-{request.region}"


class QuotaRequests(pulumi.ComponentResource):
    """One aws.servicequotas.ServiceQuota per request, in the account whose provider `opts` hands down; a request
    for a global quota names its region (us-east-1) on the resource, the rest use the provider's region."""

    def __init__(self, name: str, requests: Sequence[QuotaRequest], home: Home, *,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:quotas:QuotaRequests", name, None, opts)
        self.account = home.account
        self.quotas: dict[str, aws.servicequotas.ServiceQuota] = {}
        for request in requests:
            quota = request.quota
            self.quotas[quota.key] = aws.servicequotas.ServiceQuota(
                f"{name}-{_label(request)}",
                service_code=request.service_code,
                quota_code=request.quota_code,
                value=float(request.value),
                region=quota.home,  # None: the provider's (home) region
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"values": {key: quota.value for key, quota in self.quotas.items()}})


class QuotaTemplate(pulumi.ComponentResource):
    """The organization's quota request template and its association; `opts` must hand down the management
    account's provider in us-east-1. Everything waits for `after`: the organization (trusted access for Service
    Quotas); the accounts the stack creates wait for the association."""

    def __init__(self, name: str, entries: Sequence[QuotaRequest], *, after: Sequence[pulumi.Resource],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:quotas:QuotaTemplate", name, None, opts)
        ready = pulumi.ResourceOptions(parent=self, depends_on=list(after))
        self.entries = [
            aws.servicequotas.Template(
                f"{name}-{_label(entry)}",
                aws_region=entry.region,
                service_code=entry.service_code,
                quota_code=entry.quota_code,
                value=float(entry.value),
                opts=ready,
            )
            for entry in entries
        ]
        self.association = aws.servicequotas.TemplateAssociation(
            f"{name}-association", opts=pulumi.ResourceOptions(parent=self, depends_on=[*after, *self.entries]))
        self.register_outputs({"status": self.association.status})
