"""The report page: self-contained, every account with its resource count and folded component tree, the policy
verdict, the compliance scorecard and the diff when given, the outputs with secrets masked, and text escaped."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import preview.__main__ as preview_main
from preview import report
from preview.inventory import Inventory
from preview.run import Run
from preview.stackfile import SECRET_PLACEHOLDER
from tests.pictures import document, member_accounts, organization

CIS = "cis-aws-foundations-benchmark/v/5.0.0"
FSBP = "aws-foundational-security-best-practices/v/1.0.0"
COMPLIANCE = {
    "standards": [
        {"id": CIS, "name": "CIS AWS Foundations Benchmark v5.0.0",
         "arn": f"arn:aws:securityhub:ap-northeast-2::standards/{CIS}"},
        {"id": FSBP, "name": "AWS Foundational Security Best Practices v1.0.0", "arn": "arn:aws:securityhub:::x"},
    ],
    "controls": [
        {"id": "EC2.21", "title": "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or 3389",
         "standards": [CIS, FSBP], "status": "passed",
         "resources": ["urn:pulumi:prod::landing-zone::aws:ec2/networkAcl:NetworkAcl::ops-public"],
         "reason": "every public NACL denies 22 and 3389"},
        {"id": "S3.5", "title": "S3 general purpose buckets should require requests to use SSL",
         "standards": [FSBP], "status": "failed", "resources": ["urn:pulumi:prod::landing-zone::aws:s3/bucket:Bucket::lake"],
         "reason": "the lake's policy allows plain HTTP"},
        {"id": "IAM.6", "title": "Hardware MFA should be enabled for the root user", "standards": [CIS],
         "status": "runtime", "resources": [], "reason": "AWS reports it after deployment"},
    ],
}
DIFF = {
    "changes": [
        {"op": "update", "urn": "urn:pulumi:prod::landing-zone::aws:ec2/vpc:Vpc::ops-vpc", "type": "aws:ec2/vpc:Vpc",
         "name": "ops-vpc", "account": "ops", "paths": ["inputs.tags.Owner"], "protected": False},
        {"op": "delete", "urn": "urn:pulumi:prod::landing-zone::aws:kinesis/stream:Stream::ops-events",
         "type": "aws:kinesis/stream:Stream", "name": "ops-events", "account": "ops", "paths": [], "protected": True},
    ],
    "summary": {"create": 0, "update": 1, "delete": 1, "replace": 0, "unchanged": 973},
}


class _Elements(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def prod_document(inventories: dict[str, Inventory]) -> dict[str, Any]:
    return document(inventories["prod"])


@pytest.fixture(scope="module")
def prod_page(prod_document: dict[str, Any]) -> str:
    return report.page(prod_document | {"compliance": COMPLIANCE}, diff=DIFF)


def test_the_page_is_self_contained(prod_page: str) -> None:
    tags = _elements(prod_page)
    names = {tag for tag, _ in tags}
    assert {"svg", "details", "table"} <= names
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}, "nothing to run and nothing to fetch"
    for tag, attributes in tags:
        for key in ("src", "href"):
            assert not attributes.get(key), f"<{tag} {key}=...> would fetch"
    assert "@import" not in prod_page
    assert prod_page.count("url(") == prod_page.count("url(#"), "only references within the page"


def test_every_account_has_its_count_and_folded_tree(prod_page: str, prod_document: dict[str, Any]) -> None:
    rows = [a["data-account"] for tag, a in _elements(prod_page) if tag == "tr" and a.get("data-account")]
    assert rows[0] == "management"
    assert set(rows) == member_accounts(prod_document) | {report.NOT_AWS}
    custom = [r for r in prod_document["resources"] if r["custom"]]
    landscape = report.architecture_reader.read(prod_document)
    counts = {row.name: row.tree.total() for row in report.account_rows(prod_document, landscape)}
    assert sum(counts.values()) == len(custom)
    assert counts["ops"] == sum(1 for r in custom if r["account"] == "ops")
    assert f'<td class="number">{counts["ops"]}</td>' in prod_page
    assert "<summary><code>landing-zone:data:DataTier ops-data</code>" in prod_page


def test_the_policy_verdict_lists_violations_mandatory_first(prod_document: dict[str, Any]) -> None:
    clean = report.page(prod_document)
    assert "policy: no violations" in clean and "No violations" in clean
    violations = [{"policy": "advice", "urn": "urn:pulumi:prod::landing-zone::aws:s3/bucket:Bucket::lake",
                   "level": "advisory", "message": "consider it"},
                  {"policy": "no-public-buckets", "urn": "urn:pulumi:prod::landing-zone::aws:s3/bucket:Bucket::lake",
                   "level": "mandatory", "message": "the lake is public"}]
    page = report.page(prod_document | {"policy": {"violations": violations}})
    assert "policy: 1 mandatory, 1 advisory" in page
    assert page.index("the lake is public") < page.index("consider it")
    assert "<code>aws:s3/bucket:Bucket lake</code>" in page


def test_the_compliance_scorecard_counts_per_standard(prod_page: str, prod_document: dict[str, Any]) -> None:
    assert "compliance: 1 failed of 3 controls" in prod_page
    scores = {s.id: (s.counts, s.score) for s in report._standards(COMPLIANCE)}
    assert scores[CIS] == ({"passed": 1, "failed": 0, "disabled": 0, "not_applicable": 0, "runtime": 1}, "100%")
    assert scores[FSBP][1] == "50%"
    assert prod_page.index("S3.5") < prod_page.index("EC2.21"), "failed controls come first"
    assert "the lake&#39;s policy allows plain HTTP" in prod_page
    assert 'id="compliance"' not in report.page(prod_document), "no scorecard without a compliance section"


def test_the_diff_shows_each_change_and_protected_deletes(prod_page: str, prod_document: dict[str, Any]) -> None:
    assert "change: +0 ~1 -1 +-0" in prod_page
    assert "973 unchanged" in prod_page
    assert "<code>inputs.tags.Owner</code>" in prod_page
    assert prod_page.count('<span class="badge bad">protected</span>') == 1
    assert 'id="diff"' not in report.page(prod_document)


def test_outputs_are_shown_with_secrets_masked(prod_page: str, prod_document: dict[str, Any]) -> None:
    assert prod_document["outputs"]["initial_console_passwords"] == report.SECRET
    assert "<code>initial_console_passwords</code>" in prod_page
    assert report.SECRET not in prod_page and SECRET_PLACEHOLDER not in prod_page
    assert report.MASK in prod_page
    nested = report.page(organization(1) | {"outputs": {"keys": {"a": "[secret]", "b": "plain"}}})
    assert '&#34;a&#34;: &#34;' + report.MASK in nested and "plain" in nested


def test_text_from_the_inventory_is_escaped() -> None:
    doc = organization(1)
    doc["resources"][2]["name"] = "<script>alert(1)</script>"
    page = report.page(doc)
    assert "<script>" not in page and "&lt;script&gt;alert(1)" in page
    assert 'data-account="&lt;script&gt;alert(1)&lt;/script&gt;"' in page


def test_the_cli_writes_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runs: dict[str, Run]) -> None:
    monkeypatch.setattr(preview_main, "run", lambda stack, stack_file=None: runs[stack])
    target = tmp_path / "out" / "dev.html"
    assert preview_main.main(["dev", "--html", str(target)]) == 0
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<h1>landing-zone / dev</h1>" in page
    inventory = tmp_path / "dev.json"
    inventory.write_text(json.dumps(organization(2)))
    assert report.main([str(inventory), str(tmp_path / "big.html")]) == 0
    assert "svc001" in (tmp_path / "big.html").read_text()
