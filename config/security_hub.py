"""`landing-zone:baseline.security_hub` and `baseline.security_contact`: the Security Hub controls the organization
turns off (each with its reason), and who AWS calls about security.

The disabled controls feed both the Security Hub configuration policy (org/security_services.py) and the preview's
scorecard (policy/compliance.py), so AWS and the preview agree on what is off and why.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from aws_facts.security_hub_catalogue import catalog
from config.base import EMAIL_PATTERN, Model

# The stack output that carries {control id: reason}; the preview reads it for the scorecard.
DISABLED_CONTROLS_OUTPUT = "security_hub_disabled_controls"


class DisabledControlConfig(Model):
    """One control off in every account and region, and why."""

    id: str = Field(description="Security Hub control id, e.g. `EC2.10` (aws_facts/security_hub_controls.json lists them).")
    reason: str = Field(max_length=500, description="Why the control is off; the preview and the audit read it. "
                                                     "Every disabled control needs one.")

    @field_validator("id")
    @classmethod
    def _known_control(cls, value: str) -> str:
        known = {control.id for control in catalog().controls}
        if value not in known:
            service = value.split(".", maxsplit=1)[0]
            same = sorted(c for c in known if c.split(".")[0].lower() == service.lower())[:8]
            hint = f"; {service} controls are {same}" if same else "; see aws_facts/security_hub_controls.json"
            raise ValueError(f"`{value}` is not a control of the enabled standards{hint}")
        return value

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty; say why the control is off (it appears in the preview and the audit)")
        return value.strip()


class SecurityHubConfig(Model):
    disabled_controls: list[DisabledControlConfig] = Field(
        default_factory=list, description="Controls Security Hub does not run, each with the reason.")

    @property
    def reasons(self) -> dict[str, str]:
        return {control.id: control.reason for control in self.disabled_controls}


class SecurityContactConfig(Model):
    """The SECURITY alternate contact of every account (Security Hub Account.1)."""

    name: str = Field(min_length=1, max_length=64, description="Who AWS contacts about security, e.g. a team name.")
    title: str = Field(min_length=1, max_length=50, description="Their title or role, e.g. `Security on-call`.")
    email: str = Field(max_length=254, description="A mailbox several people read.")
    phone: str = Field(pattern=r"^[\s0-9()+-]{7,25}$", description="A phone number, e.g. `+82 2 1234 5678`.")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL_PATTERN.match(value):
            raise ValueError(f"`{value}` is not an e-mail address; write it like `security@example.com`")
        return value
