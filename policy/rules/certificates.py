"""Certificates: a load balancer uses one of its own account and region."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .plumbing import Resource, decode, resource_rule
from .services import beanstalk_settings

_CERTIFICATE = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):certificate/")


def _certificate_arns(resource: Resource) -> list[str]:
    if resource.type == "aws:elasticbeanstalk/environment:Environment":
        value = beanstalk_settings(resource.inputs).get(("aws:elbv2:listener:443", "SSLCertificateArns"))
        return [arn.strip() for arn in str(value or "").split(",") if arn.strip()]
    if resource.type in ("aws:lb/listener:Listener", "aws:alb/listener:Listener"):
        return [str(resource.inputs["certificateArn"])] if resource.inputs.get("certificateArn") else []
    return []


@resource_rule("certificate-of-its-own-account",
               "A load balancer's ACM certificate (Beanstalk's HTTPS listener, an ALB listener) is one of the account "
               "and region the load balancer is in: ACM certificates cannot be used across accounts or regions.")
def certificate_of_its_own_account(resource: Resource) -> Iterable[str]:
    arns = _certificate_arns(resource)
    if not arns or resource.provider_inputs is None:
        return
    allowed = decode(resource.provider_inputs.get("allowedAccountIds")) or []
    account = str(allowed[0]) if len(allowed) == 1 else None
    region = resource.inputs.get("region") or resource.provider_inputs.get("region")
    for arn in arns:
        match = _CERTIFICATE.match(arn)
        if match is None:
            yield f"{resource.type} {resource.name}: `{arn}` is not an ACM certificate ARN"
        elif account is not None and match["account"] != account:
            yield (f"{resource.type} {resource.name} uses a certificate of account {match['account']} but runs in "
                   f"account {account}; request or import the certificate in {account}")
        elif region and match["region"] != region:
            yield (f"{resource.type} {resource.name} uses a certificate of {match['region']} but runs in {region}; "
                   f"request or import the certificate in {region}")
