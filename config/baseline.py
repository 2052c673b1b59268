"""`landing-zone:baseline`: the security baseline every account gets, and where audit logs and findings gather."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from config.base import LOG_RETENTION_DAYS, AccountName, Model
from config.security_hub import SecurityContactConfig, SecurityHubConfig


class PasswordPolicyConfig(Model):
    """IAM password policy of every account; the floors are the CIS benchmark's, every character class is required."""

    minimum_length: int = Field(14, ge=14, le=128, description="Shortest password allowed (14-128).")
    reuse_prevention: int = Field(
        24, ge=24, le=24, description="Previous passwords that may not be reused; 24 is both CIS's floor and AWS's limit.")
    max_age_days: int = Field(90, ge=1, le=90, description="Days before a password expires (1-90).")


class AuditLockConfig(Model):
    """S3 Object Lock default retention of the audit bucket: no object version can be removed before it ends."""

    # COMPLIANCE by default: audit evidence no one can remove; a sandbox may choose GOVERNANCE.
    mode: Literal["GOVERNANCE", "COMPLIANCE"] = Field(
        "COMPLIANCE", description="COMPLIANCE: no one, root included, can shorten it; GOVERNANCE: a privileged role can.")
    days: int = Field(365, ge=1, le=36500, description="Days every log object stays locked.")


class BaselineConfig(Model):
    # `ops` holds the audit archive in the account split README describes.
    audit_account: AccountName = Field(
        "ops", description="Member account holding the audit archive (organization trail and Config deliveries).")
    # Findings gather where the audit trail does unless config separates them.
    security_admin_account: AccountName | None = Field(
        None, description="Delegated administrator of GuardDuty, Security Hub and Access Analyzer; "
                          "defaults to the audit account.")
    password_policy: PasswordPolicyConfig = Field(default_factory=PasswordPolicyConfig,
                                                  description="IAM password policy of every account.")
    # A year of trail events online matches CIS's guidance; dev keeps less.
    log_retention_days: int = Field(
        365, description=f"Days the trail's CloudWatch log group and S3 access logs are kept; one of {LOG_RETENTION_DAYS}.")
    audit_lock: AuditLockConfig = Field(default_factory=AuditLockConfig,
                                        description="Object lock of the audit bucket (mode and days).")
    security_hub: SecurityHubConfig = Field(default_factory=SecurityHubConfig,
                                            description="Security Hub controls turned off, each with its reason.")
    # None leaves Account.1 failing in the scorecard: AWS needs someone to call about a compromised account.
    security_contact: SecurityContactConfig | None = Field(
        None, description="The security contact of every account (name, title, email, phone).")

    @field_validator("log_retention_days")
    @classmethod
    def _retention_is_accepted(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            nearest = min(LOG_RETENTION_DAYS, key=lambda days: abs(days - value))
            raise ValueError(f"CloudWatch Logs does not accept {value} days; use one of {LOG_RETENTION_DAYS} "
                             f"(nearest: {nearest})")
        return value

    @property
    def admin_account(self) -> str:
        return self.security_admin_account or self.audit_account
