"""Parliament over policy documents: find every document in an inventory, lint each distinct one once.

Importing parliament loads its bundled IAM definitions (a few hundred ms); it happens once per test session,
and each distinct document text is analysed once (`functools.cache`), however many accounts and stacks carry it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from preview.mocks import Registration

SEVERITIES = ("MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL")
BLOCKING = "MEDIUM"


@dataclass(frozen=True)
class Document:
    """One policy document found in a registration's inputs: where it sits and its JSON text."""

    resource_type: str
    resource_name: str
    field: str
    text: str


@dataclass(frozen=True)
class Finding:
    issue: str
    severity: str
    detail: str


@dataclass(frozen=True)
class AcceptedFinding:
    """A finding we accept: the issue, a pattern its detail matches, why it is not a problem, and (optionally)
    a pattern the name of the one resource it is accepted on must match."""

    issue: str
    detail: str
    reason: str
    resource: str | None = None

    def covers(self, finding: Finding, document: Document | None = None) -> bool:
        if self.resource is not None and (document is None or not re.search(self.resource, document.resource_name)):
            return False
        return finding.issue == self.issue and re.search(self.detail, finding.detail) is not None


LOG_KEYS = r"^(organization-trail-log-key|slack-notifier-key|[a-z0-9-]+-vpc-flow-logs-key)$"
# Alert-topic keys admit publishers only for this account's topics, named in SNS's encryption context.
CONTEXT_KEYS = r"^(organization-trail-log-key|slack-notifier-key|[a-z0-9-]+-vpc-flow-logs-key|[a-z0-9-]+-alerts-key)$"

# Findings we accept, each with its reason; every entry must still be needed (see the tests below).
EXCEPTIONS = (
    AcceptedFinding("UNKNOWN_CONDITION_FOR_ACTION", r"Unknown condition aws:SourceOrgID for action ",
               "aws:SourceOrgID is a documented global condition key (2023); parliament 1.6.4's list of global keys "
               "predates it, so it asks each service for it and finds nothing"),
    AcceptedFinding("UNKNOWN_CONDITION_FOR_ACTION",
               r"Unknown condition [a-z0-9.-]+(/[A-Za-z0-9._~/-]*)?:(aud|sub) for action sts:AssumeRoleWithWebIdentity",
               "OIDC claim keys are named after the issuer (`<host>:aud`, `<host>:sub`); IAM documents them per identity "
               "provider, not in the service reference parliament reads"),
    AcceptedFinding("UNKNOWN_FEDERATION_SOURCE", r":oidc-provider/",
               "parliament recognises SAML providers and four fixed web-identity hosts; an IAM OIDC provider ARN is the "
               "documented Federated principal for AssumeRoleWithWebIdentity"),
    # Keys of log groups (the organization trail's, the Slack notifier's, VPC flow logs') follow AWS's documented key policy for
    # CloudWatch Logs.
    AcceptedFinding("UNKNOWN_CONDITION_FOR_ACTION",
               r"Unknown condition kms:EncryptionContext:aws:logs:arn for action kms:Describe(Key|CustomKeyStores)",
               "AWS's documented CloudWatch Logs key policy grants kms:Describe* beside Encrypt*/Decrypt*/GenerateDataKey* "
               "under kms:EncryptionContext:aws:logs:arn; Describe calls carry no context, so they simply never match",
               resource=LOG_KEYS),
    AcceptedFinding("MISMATCHED_TYPE", r"Arn(Equals|Like) requires a value of type Arn but given String",
               "kms:EncryptionContext:aws:logs:arn and :aws:sns:topicArn hold ARNs and AWS documents them with ARN "
               "operators; parliament types every encryption-context key as a String", resource=CONTEXT_KEYS),
    # The SCP's unencrypted-storage guardrail: a Deny, so an unknown key can only fail to deny, never allow.
    AcceptedFinding("UNKNOWN_CONDITION_FOR_ACTION",
                    r"Unknown condition lambda:InvokedViaFunctionUrl for action lambda:InvokeFunction",
                    "lambda:InvokedViaFunctionUrl is Lambda's documented key for InvokeFunction calls that come through a "
                    "function URL (Lambda developer guide, 'Control access to Lambda function URLs', October 2025); "
                    "parliament 1.6.4's IAM definitions predate it"),
    AcceptedFinding("UNKNOWN_CONDITION_FOR_ACTION", r"Unknown condition rds:StorageEncrypted for action rds:CreateDBInstance",
               "parliament 1.6.4 knows rds:StorageEncrypted for CreateDBCluster (Aurora, which this landing zone runs) "
               "but not for CreateDBInstance; in a Deny statement an unrecognised key can only fail to deny",
               resource=r"^scp-"),
)

def _as_policy(value: Any) -> dict[str, Any] | None:
    """The value as a fresh policy object (never the registration's own), or None when it is not a policy."""
    if isinstance(value, str) and value[:1] == "{":
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    elif isinstance(value, dict):
        value = json.loads(json.dumps(value))
    if isinstance(value, dict) and "Statement" in value:
        return value
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    policy = _as_policy(value)
    if policy is not None:
        yield path, policy
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def documents(registrations: list[Registration]) -> Iterator[Document]:
    """Every input of every resource that parses as an IAM policy (policy, assumeRolePolicy, content, ...).

    A trust policy is the role's own resource policy, so it is linted with the role's ARN as its Resource.
    """
    for registration in registrations:
        for field, policy in _walk(registration.inputs, ""):
            if field == "assumeRolePolicy":
                statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
                arn = registration.outputs.get("arn")
                for statement in statements:
                    if "Resource" not in statement and "NotResource" not in statement:
                        statement["Resource"] = arn
            yield Document(registration.type, registration.name, field, json.dumps(policy, sort_keys=True))


@functools.cache
def _parliament() -> Any:
    import parliament  # noqa: PLC0415  (loaded once, on first use)

    return parliament


@functools.cache
def lint(text: str) -> tuple[Finding, ...]:
    """Parliament's findings for one document, with its default auditors (what the `parliament` command runs)."""
    parliament = _parliament()
    policy = parliament.analyze_policy_string(text)
    findings = []
    for finding in policy.findings:
        enhanced = parliament.enhance_finding(finding)
        findings.append(Finding(enhanced.issue, enhanced.severity, json.dumps(enhanced.detail, default=str)))
    return tuple(findings)


def blocking(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    return [f for f in findings if SEVERITIES.index(f.severity) >= SEVERITIES.index(BLOCKING)]


def unexplained(findings: tuple[Finding, ...] | list[Finding], document: Document | None = None) -> list[Finding]:
    """The blocking findings no written exception accepts."""
    return [f for f in blocking(findings) if not any(exception.covers(f, document) for exception in EXCEPTIONS)]
