"""SES e-mail as registered in both stacks: identity, DKIM, MAIL FROM, configuration set, events, templates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from config import email_templates
from config.email_templates import load_templates
from preview.__main__ import main
from preview.run import Run
from tests.run_view import view_of
from tests.services_view import (
    CONFIGURATION_SET,
    EMAIL_IDENTITY,
    ENVIRONMENT,
    EVENT_DESTINATION,
    MAIL_FROM,
    RECORD,
    ROLE_POLICY,
    SES_TEMPLATE,
    TOPIC,
    WORKLOADS,
)

DOMAINS = {"dev": {"dev": "dev.sandbox.shop.example", "ops": "sandbox.shop.example"},
           "prod": {"dev": "dev.shop.example", "ops": "shop.example"}}
TEMPLATE_NAMES = {"welcome_en", "welcome_ko", "signup-verification_en", "signup-verification_ko", "coupon_en",
                  "coupon_ko"}


@pytest.mark.parametrize("account", WORKLOADS)
def test_configuration_set_requires_tls_tracks_reputation_and_suppresses(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    configuration_set = view.one(CONFIGURATION_SET, account)
    assert configuration_set.inputs["configurationSetName"] == f"shop-{account}-email"
    assert configuration_set.inputs["deliveryOptions"] == {"tlsPolicy": "REQUIRE"}
    assert configuration_set.inputs["reputationOptions"] == {"reputationMetricsEnabled": True}
    assert configuration_set.inputs["sendingOptions"] == {"sendingEnabled": True}
    assert configuration_set.inputs["suppressionOptions"] == {"suppressedReasons": ["BOUNCE", "COMPLAINT"]}


@pytest.mark.parametrize("account", WORKLOADS)
def test_bounces_and_complaints_go_to_the_accounts_warning_topic(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    destination = view.one(EVENT_DESTINATION, account)
    assert destination.inputs["configurationSetName"] == f"shop-{account}-email"
    event = destination.inputs["eventDestination"]
    assert event["enabled"] is True
    assert event["matchingEventTypes"] == ["BOUNCE", "COMPLAINT"]
    topic = view.by_reference(event["snsDestination"]["topicArn"])
    assert topic.type == TOPIC
    assert topic.name == f"{account}-alerts-warning"
    assert view.account(topic) == account


@pytest.mark.parametrize("account", WORKLOADS)
def test_domain_identity_with_easy_dkim_and_custom_mail_from(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    domain = DOMAINS[stack_run.stack][account]
    identity = view.one(EMAIL_IDENTITY, account)
    assert identity.inputs == {"emailIdentity": domain, "configurationSetName": f"shop-{account}-email",
                               "dkimSigningAttributes": {"nextSigningKeyLength": "RSA_2048_BIT"}}
    mail_from = view.one(MAIL_FROM, account)
    assert mail_from.inputs == {"emailIdentity": domain, "mailFromDomain": f"mail.{domain}",
                                "behaviorOnMxFailure": "USE_DEFAULT_VALUE"}


def test_no_dns_records_without_a_hosted_zone(stack_run: Run) -> None:
    assert stack_run.of_type(RECORD) == []


def test_dns_records_in_the_configured_hosted_zone(services_switched: Run) -> None:
    view = view_of(services_switched)
    assert view.of(RECORD, "dev") == []  # e-mail is off in dev
    records = {r.name.removeprefix("ops-email-"): r.inputs for r in view.of(RECORD, "ops")}
    assert set(records) == {"dkim-1", "dkim-2", "dkim-3", "mail-from-mx", "mail-from-spf"}
    assert {r["zoneId"] for r in records.values()} == {"Z0EXAMPLE12345"}
    tokens = view.one(EMAIL_IDENTITY, "ops").outputs["dkimSigningAttributes"]["tokens"]
    for index, token in enumerate(tokens, start=1):
        assert records[f"dkim-{index}"] == {"zoneId": "Z0EXAMPLE12345", "type": "CNAME", "ttl": 1800,
                                            "name": f"{token}._domainkey.sandbox.shop.example",
                                            "records": [f"{token}.dkim.amazonses.com"]}
    assert records["mail-from-mx"]["name"] == records["mail-from-spf"]["name"] == "mail.sandbox.shop.example"
    assert records["mail-from-mx"]["type"] == "MX"
    assert records["mail-from-mx"]["records"] == ["10 feedback-smtp.ap-northeast-2.amazonses.com"]
    assert records["mail-from-spf"]["type"] == "TXT"
    assert records["mail-from-spf"]["records"] == ["v=spf1 include:amazonses.com ~all"]


@pytest.mark.parametrize("account", WORKLOADS)
def test_the_six_templates_are_the_template_files(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    registered = {r.inputs["name"]: r.inputs for r in view.of(SES_TEMPLATE, account)}
    assert set(registered) == TEMPLATE_NAMES
    for template in load_templates():
        assert registered[template.name] == {"name": template.name, "subject": template.subject,
                                             "html": template.html, "text": template.text}
        assert "{{" in template.html  # SES fills the placeholders at send time, not the program


def test_email_can_be_switched_off(services_switched: Run) -> None:
    view = view_of(services_switched)
    assert view.of(EMAIL_IDENTITY, "dev") == [] and view.of(SES_TEMPLATE, "dev") == []
    assert len(view.of(EMAIL_IDENTITY, "ops")) == 1
    policy = json.loads(view.one(ROLE_POLICY, "dev", "-web-app-policy").inputs["policy"])
    assert not [s for s in policy["Statement"] if "ses:SendTemplatedEmail" in s["Action"]]
    variables = {s["name"] for s in view.one(ENVIRONMENT, "dev").inputs["settings"]}
    assert not {name for name in variables if name.startswith("EMAIL_")}


def test_a_template_variable_used_but_not_declared_is_a_config_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(email_templates.TEMPLATES_DIR, broken)
    html = broken / "welcome.en.html"
    html.write_text(html.read_text().replace("</body>", "<p>{{coupon_code}}</p></body>"))
    monkeypatch.setattr(email_templates, "TEMPLATES_DIR", broken)

    assert main(["dev"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("invalid stack config (1 problem):")
    assert (f"landing-zone:services.dev.email: cannot deploy the e-mail templates in {broken}/: welcome_en: the "
            "HTML part (welcome.en.html) uses {{coupon_code}}, which manifest.json does not declare for welcome.") in error
    assert "Traceback" not in error
