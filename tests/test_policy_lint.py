"""Parliament lints every policy document the program emits: no finding at MEDIUM or above but the written ones."""

from __future__ import annotations

import json

import pytest

from preview.run import Run
from tests.policy_lint import EXCEPTIONS, Document, Finding, blocking, documents, lint

LintResult = list[tuple[Document, Finding]]


@pytest.fixture(scope="session")
def found(runs: dict[str, Run]) -> dict[str, list[Document]]:
    return {stack: list(documents(result.registrations)) for stack, result in runs.items()}


@pytest.fixture(scope="session")
def linted(found: dict[str, list[Document]]) -> dict[str, LintResult]:
    return {stack: [(doc, finding) for doc in docs for finding in blocking(lint(doc.text))]
            for stack, docs in found.items()}


def _policy_inputs(run: Run) -> set[tuple[str, str]]:
    """(resource name, field) of every top-level input that holds a policy document, found independently."""
    fields = ("policy", "assumeRolePolicy", "content")
    return {(r.name, field) for r in run.registrations for field in fields
            if isinstance(r.inputs.get(field), str) and '"Statement"' in r.inputs[field]}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_scan_finds_every_kind_of_document(stack: str, runs: dict[str, Run], found: dict[str, list[Document]]) -> None:
    docs = found[stack]
    assert {(doc.resource_name, doc.field) for doc in docs} >= _policy_inputs(runs[stack])
    kinds = {(doc.resource_type, doc.field) for doc in docs}
    for expected in [("aws:iam/role:Role", "assumeRolePolicy"), ("aws:iam/rolePolicy:RolePolicy", "policy"),
                     ("aws:iam/groupPolicy:GroupPolicy", "policy"), ("aws:iam/policy:Policy", "policy"),
                     ("aws:kms/key:Key", "policy"), ("aws:sns/topicPolicy:TopicPolicy", "policy")]:
        assert expected in kinds
    trust = [json.loads(doc.text) for doc in docs if doc.field == "assumeRolePolicy"]
    assert trust and all(statement["Resource"].startswith("arn:aws:iam::") and ":role/" in statement["Resource"]
                         for doc in trust for statement in doc["Statement"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_finding_at_medium_or_above_but_the_written_exceptions(stack: str, linted: dict[str, LintResult]) -> None:
    unexplained = [(doc.resource_type, doc.resource_name, doc.field, finding) for doc, finding in linted[stack]
                   if not any(exception.covers(finding, doc) for exception in EXCEPTIONS)]
    assert unexplained == []


def test_every_exception_is_still_needed(linted: dict[str, LintResult]) -> None:
    findings = [pair for result in linted.values() for pair in result]
    for exception in EXCEPTIONS:
        assert any(exception.covers(finding, doc) for doc, finding in findings), f"stale exception: {exception}"
        assert len(exception.reason) > 40


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_parliament_really_runs_and_blocks_real_mistakes() -> None:
    wrong_resource = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:sqs:ap-northeast-2:111111111111:q"})
    weak_mfa = _doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}})
    bad_key = _doc({"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:ap-northeast-2:111111111111:t",
                    "Condition": {"StringEquals": {"sns:NoSuchKey": "x"}}})
    for text, issue in [(wrong_resource, "RESOURCE_MISMATCH"), (weak_mfa, "BAD_PATTERN_FOR_MFA"),
                        (bad_key, "UNKNOWN_CONDITION_FOR_ACTION")]:
        findings = blocking(lint(text))
        assert issue in {finding.issue for finding in findings}
        assert not any(exception.covers(finding) for finding in findings for exception in EXCEPTIONS)


def test_exceptions_cover_only_what_they_name() -> None:
    source_org = _doc({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish",
                       "Resource": "arn:aws:sns:ap-northeast-2:111111111111:t",
                       "Condition": {"StringEquals": {"aws:SourceOrgID": "o-abc"}}})
    [finding] = blocking(lint(source_org))
    assert EXCEPTIONS[0].covers(finding) and not EXCEPTIONS[1].covers(finding)
    near_misses = [
        Finding("UNKNOWN_CONDITION_FOR_ACTION", "MEDIUM", "Unknown condition example.com:sub for action s3:GetObject"),
        Finding("UNKNOWN_CONDITION_FOR_ACTION", "MEDIUM", "Unknown condition aws:SourceOrgId2 for action sns:Publish"),
        Finding("UNKNOWN_FEDERATION_SOURCE", "MEDIUM", '"accounts.example.com"'),
        Finding("UNKNOWN_PRINCIPAL", "MEDIUM", '"arn:aws:iam::111111111111:oidc-provider/x"'),
    ]
    for near_miss in near_misses:
        assert not any(exception.covers(near_miss) for exception in EXCEPTIONS), near_miss
    # Exceptions tied to one resource cover that resource only.
    mismatch = Finding("MISMATCHED_TYPE", "MEDIUM", '"Type mismatch: ArnEquals requires a value of type Arn but given String"')
    trail_key = Document("aws:kms/key:Key", "organization-trail-log-key", "policy", "{}")
    other_key = Document("aws:kms/key:Key", "dev-data-keys-database", "policy", "{}")
    assert any(exception.covers(mismatch, trail_key) for exception in EXCEPTIONS)
    assert not any(exception.covers(mismatch, other_key) for exception in EXCEPTIONS)
