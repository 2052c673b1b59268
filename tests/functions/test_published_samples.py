"""AWS's published sample events run through the handlers that receive them in a deployed stack."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber

from functions.curation import api, ingest
from functions.curation.ingest import Ingest
from functions.curation.quarantine import Quarantine
from functions.curation.settings import Settings
from functions.curation.store import CurationTable
from functions.restore_validation import handler as restore_validation
from functions.slack_notifier import handler

from .published import SAMPLES, TOPIC_ACCOUNT, TOPIC_REGION, Sample, for_handler, manifest
from .slack_stand_in import Context, StandIn, assert_within_slack_limits, texts

HANDLERS = {"slack_notifier", "restore_validation", "curation.ingest", "curation.api"}
CONSOLE_LINK = re.compile(r"<https://([a-z0-9-]+\.)?console\.aws\.amazon\.com/[^|>\s]+\|[^>]+>")


def test_every_sample_file_is_in_the_manifest_with_its_source() -> None:
    on_disk = {str(path.relative_to(SAMPLES)) for path in SAMPLES.rglob("*.json")}
    assert on_disk == set(manifest())
    for sample in manifest().values():
        assert sample.source and all(url.startswith("https://") for url in sample.source), sample.path
        assert sample.delivered in {"lambda", "eventbridge", "ses"}, sample.path
        assert set(sample.handlers) <= HANDLERS, sample.path
        if "slack_notifier" in sample.handlers:
            assert sample.kind and sample.shows and sample.topic in {"critical", "warning", "security"}, sample.path


def test_the_guardduty_sample_uses_the_apis_own_member_names() -> None:
    """The finding is written with the wire names of botocore's guardduty model, as EventBridge carries it."""
    model = botocore.session.get_session().get_service_model("guardduty")

    def unknown(value: Any, shape: Any, path: str) -> list[str]:
        if shape.type_name == "structure":
            names = {member.serialization.get("name", name): member for name, member in shape.members.items()}
            return [f"{path}.{key}" for key in value if key not in names] + [
                problem for key, item in value.items() if key in names
                for problem in unknown(item, names[key], f"{path}.{key}")]
        if shape.type_name == "list":
            return [problem for item in value for problem in unknown(item, shape.member, path)]
        return []

    detail = manifest()["guardduty/finding.json"].body["detail"]
    assert unknown(detail, model.shape_for("Finding"), "detail") == []


@pytest.mark.parametrize("sample", for_handler("slack_notifier"), ids=lambda s: s.path)
def test_each_notifier_sample_says_what_who_where_how_urgent_with_a_link(sample: Sample, env: StandIn) -> None:
    result = handler.handler(sample.sns_event(), Context())

    assert [post["kind"] for post in result["posted"]] == [sample.kind]
    [post] = env.posts
    payload = post.json
    assert_within_slack_limits(payload)
    shown = texts(payload) + "\n" + payload["text"]
    missing = [text for text in sample.shows if text not in shown]
    assert missing == [], shown
    assert [text for text in sample.hides if text in shown] == []
    assert ("<!here>" in shown) is sample.urgent
    assert CONSOLE_LINK.search(texts(payload)), "no console link"
    # The place shown is the event's own, never the topic's that carried it.
    assert TOPIC_ACCOUNT not in shown and f"`{TOPIC_REGION}`" not in shown


def test_the_restore_validator_takes_awss_completed_restore_event() -> None:
    """AWS's sample restores an RDS instance outside any restore testing plan: a verdict, nothing reported."""
    [sample] = for_handler("restore_validation")
    event = sample.body
    backup = boto3.client("backup", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(backup) as stub:
        stub.add_response("describe_restore_job", {
            "RestoreJobId": event["detail"]["restoreJobId"], "Status": "COMPLETED", "ResourceType": "RDS",
            "CreatedResourceArn": event["detail"]["createdResourceArn"]}, {"RestoreJobId": event["detail"]["restoreJobId"]})
        verdict = restore_validation.handle(event, None, backup=backup, rds=object())
        stub.assert_no_pending_responses()
    assert verdict == {"status": "ignored", "message": "not a restore test", "reported": False}


def test_the_ingest_handler_quarantines_awss_plain_text_records(monkeypatch: pytest.MonkeyPatch) -> None:
    [sample] = for_handler("curation.ingest")
    event = sample.body
    dynamodb = boto3.client("dynamodb", region_name="us-east-2", aws_access_key_id="x", aws_secret_access_key="x")
    sqs = boto3.client("sqs", region_name="us-east-2", aws_access_key_id="x", aws_secret_access_key="x")
    queue = "https://sqs.us-east-2.amazonaws.com/123456789012/shop-dev-curation-malformed"
    with Stubber(dynamodb), Stubber(sqs) as sqs_stub:
        for record in event["Records"]:
            sqs_stub.add_response("send_message", {"MessageId": "m-1", "MD5OfMessageBody": "0" * 32}, {
                "QueueUrl": queue, "MessageBody": json.dumps({
                    "reason": "event is not JSON: Expecting value: line 1 column 1 (char 0)", "record": record})})
        monkeypatch.setattr(ingest, "ingest_from_env", lambda: Ingest(
            CurationTable(dynamodb, "shop-dev-curation"), Quarantine(sqs, queue), Settings()))
        assert ingest.handler(event, None) == {"batchItemFailures": []}
        sqs_stub.assert_no_pending_responses()


def test_the_recommendations_api_answers_awss_function_url_request(monkeypatch: pytest.MonkeyPatch) -> None:
    [sample] = for_handler("curation.api")
    monkeypatch.setattr(api, "table_from_env", lambda: None)  # a path it does not serve reads nothing
    response = api.handler(sample.body, None)
    assert response["statusCode"] == 404
    assert json.loads(response["body"]) == {"error": "no such path /my/path; ask GET /recommendations?item=ID&limit=N"}
