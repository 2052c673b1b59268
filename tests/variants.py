"""Config changes that leave each other alone, made together: one whole-program run serves several tests.

A run costs seconds, so changes that touch disjoint parts of the program share a variant. Each test that uses one
checks only what its own change does; a change added here must leave what the other changes' tests look at alone
(the comment beside each names the test that checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.services_view import SERVICE_SWITCHES
from tests.stackfiles import base_config, write_stack_file


@dataclass(frozen=True)
class Variant:
    """A test-owned stack file changed by deep-merging `patch`, then setting dotted `sets` (tests/stackfiles.py);
    `overrides` are config values the run gets as the engine hands them over, after the file (a secret's real value,
    which a stack file only holds encrypted)."""

    base: str
    patch: dict[str, Any] = field(default_factory=dict)
    sets: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)

    def write(self, directory: Path, name: str) -> Path:
        return write_stack_file(directory, self.base, patch=self.patch, sets=self.sets, name=name)


PAYMENTS = {"name": "payments", "email": "aws-sandbox+payments@shop.example", "ou": "workloads"}
PASSWORD_POLICY = {"minimum_length": 20, "max_age_days": 60}
DATADOG = {"enabled": True, "external_ids": {"ops": "a1b2c3", "dev": "d4e5f6"}}
GUARDRAIL_TARGETS = {
    "deny_unencrypted_storage": {"targets": ["workloads"]},
    "deny_default_vpc": {"targets": ["workloads"]},
    "deny_leave_organization": {"enabled": False},
    "deny_other_regions": {"exempt_roles": ["BreakGlassAdmin"]},
}

# A bot token's real value, as `pulumi config set --secret` would hand it over: it must never appear in the inventory.
BOT_TOKEN = "xoxb-0000-should-never-show"
REAL_BOT_TOKEN = {"landing-zone:slack_bot_token": BOT_TOKEN}  # test_monitoring_wiring

# The data NACL opened on MySQL's port too, for dev's Aurora MySQL below.
DATA_NACL = {"inbound": [{"number": 100, "peer": "app", "from_port": 5432},
                         {"number": 110, "peer": "app", "from_port": 3306},
                         {"number": 200, "peer": "app", "from_port": 443}],
             "outbound": [{"number": 100, "peer": "app", "from_port": 1024, "to_port": 65535}]}

# The sandbox reorganized: another account, guardrails on other targets, a new security administrator, no OIDC,
# dev's database on MySQL and ops' without Aurora and search, the services switched (tests/services_view.py); the bot
# token's real value.
SANDBOX_REORGANIZED = Variant(
    "dev",
    patch={
        "landing-zone:accounts": [*base_config("dev")["landing-zone:accounts"], PAYMENTS],  # test_organization
        "landing-zone:guardrails": {"policies": GUARDRAIL_TARGETS},  # test_service_control_policies
        "landing-zone:network": {"nacls": {"data": DATA_NACL}},  # test_data_config
    },
    sets={
        "landing-zone:baseline.security_admin_account": "build",  # test_security_services
        "landing-zone:identity.oidc": "~",  # test_identity
        "landing-zone:data.dev.database.engine": "aurora-mysql",  # test_data_config
        "landing-zone:data.ops.database.enabled": False,
        "landing-zone:data.ops.search.enabled": False,
        **SERVICE_SWITCHES,  # test_web_service, test_email_service (the `services_switched` fixture)
    },
    overrides=REAL_BOT_TOKEN,
)

ALERT_ADDRESSES = ["oncall@shop.example", "platform@shop.example"]

# The sandbox with less switched on: no Slack (and no tokens: alerts by e-mail), dev's web service and search off.
SANDBOX_SWITCHED_OFF = Variant(
    "dev",
    patch={"landing-zone:slack_bot_token": None, "landing-zone:slack_provider_token": None},
    sets={
        "landing-zone:monitoring.slack": {"enabled": False},  # test_monitoring_wiring: no Slack side, e-mail instead
        "landing-zone:monitoring.email": {"addresses": ALERT_ADDRESSES},
        "landing-zone:services.dev.web.enabled": False,  # test_monitoring_wiring: no alarms for what is off
        "landing-zone:data.dev.search.enabled": False,
    },
)

# Production with other numbers: no region guardrail, a stricter password policy, Datadog on; the bot token's real
# value.
PRODUCTION_RETUNED = Variant(
    "prod",
    patch={"landing-zone:baseline": {"password_policy": PASSWORD_POLICY}},  # test_baseline
    sets={
        "landing-zone:guardrails.policies": {"deny_other_regions": {"enabled": False}},  # test_root_activity
        "landing-zone:monitoring.datadog": DATADOG,  # test_monitoring_wiring
    },
    overrides=REAL_BOT_TOKEN,
)
