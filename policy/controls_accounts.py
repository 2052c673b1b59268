"""Controls Security Hub evaluates per account (and per region): contacts, trails, Config, EBS defaults, GuardDuty,
Access Analyzer, password policy, support role, the S3 account block and object-level S3 logging.

Each control's page in the Security Hub user guide (https://docs.aws.amazon.com/securityhub/latest/userguide/
<service>-controls.html) gives the AWS Config rule and parameters these evaluations follow.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

if __package__:  # imported as policy.controls_accounts by the preview and the tests
    from . import rules
    from .security_hub import Estate, Finding, decided_at_runtime, evaluates, label
else:  # the CrossGuard pack imports its modules from the pack directory
    import rules  # type: ignore[no-redef]
    from security_hub import Estate, Finding, decided_at_runtime, evaluates, label  # type: ignore[no-redef]

CONFIG_SERVICE_LINKED_ROLE = ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
SUPPORT_POLICY = "arn:aws:iam::aws:policy/AWSSupportAccess"
# The analyzer types that look for external access (ACCOUNT_UNUSED_ACCESS and the like do not).
EXTERNAL_ACCESS_ANALYZERS = frozenset({"ACCOUNT", "ORGANIZATION"})

decided_at_runtime("the root user's access keys and MFA devices exist only in the live account; the program "
                   "denies member-account root use by SCP", "IAM.4", "IAM.6", "IAM.9")
decided_at_runtime("EBS snapshots are taken at run time", "EC2.1")
decided_at_runtime("EMR block public access is on by default in every account and region and the program leaves "
                   "it so; only live AWS shows it", "EMR.2")


def _covers(account: str, resource: rules.Resource, estate: Estate) -> bool:
    """An organization trail or organization-wide configuration in management covers every account."""
    return estate.account_of(resource) == account or resource.inputs.get("isOrganizationTrail") is True


@evaluates("Account.1")
def security_contact(estate: Estate) -> Iterator[Finding]:
    """Account.1: a SECURITY alternate contact, set in the account itself or for it from management."""
    contacts = [c for c in estate.of(rules.ALTERNATE_CONTACT) if c.inputs.get("alternateContactType") == "SECURITY"]
    for name, account, _ in _once_per_account(estate):
        ours = [c for c in contacts if (estate.account_of(c) == name and not c.inputs.get("accountId"))
                or account.urn in c.property_dependencies.get("accountId", ())]
        yield Finding(account.urn, bool(ours), f"{name} has a security contact" if ours else
                      f"{name} has no security contact; set baseline.security_contact")


def _once_per_account(estate: Estate) -> list[tuple[str, rules.Resource, str]]:
    return [(name, account, estate.home_region) for name, account in sorted(estate.accounts.items())]


def _logs_management_events(trail: rules.Resource) -> bool:
    advanced = rules.as_list(trail.inputs.get("advancedEventSelectors"))
    if advanced:
        return any(_field(selector, "eventCategory") == ["Management"] and not _field(selector, "readOnly")
                   for selector in advanced)
    classic = rules.as_list(trail.inputs.get("eventSelectors"))
    return not classic or any(s.get("includeManagementEvents", True) is not False
                              and s.get("readWriteType", "All") == "All" for s in classic)


def _field(selector: Mapping[str, Any], name: str) -> list[str]:
    """The `equals` values of one field of an advanced event selector ([] when the field is absent)."""
    for field in rules.as_list(selector.get("fieldSelectors")):
        if field.get("field") == name:
            return [str(v) for v in rules.as_list(field.get("equals"))]
    return []


def _active_multi_region_trails(estate: Estate, account: str) -> list[rules.Resource]:
    return [t for t in estate.of(rules.TRAIL) if t.inputs.get("isMultiRegionTrail") is True
            and t.inputs.get("enableLogging") is not False and _covers(account, t, estate)]


@evaluates("CloudTrail.1")
def multi_region_trail(estate: Estate) -> Iterator[Finding]:
    """CloudTrail.1: at least one multi-Region trail logging read and write management events covers the account."""
    for name, account, _ in _once_per_account(estate):
        trails = [t for t in _active_multi_region_trails(estate, name) if _logs_management_events(t)]
        yield Finding(account.urn, bool(trails),
                      f"{name}: {label(trails[0])} logs management events in every region" if trails
                      else f"{name} has no multi-Region trail logging read and write management events")


def _logs_all_s3_objects(trail: rules.Resource, read: bool) -> bool:
    """Whether the trail records S3 data events of every bucket for reads (`read`) or writes."""
    for selector in rules.as_list(trail.inputs.get("advancedEventSelectors")):
        fields = {f.get("field"): f for f in rules.as_list(selector.get("fieldSelectors"))}
        if _field(selector, "eventCategory") != ["Data"] or _field(selector, "resources.type") != ["AWS::S3::Object"]:
            continue
        if set(fields) - {"eventCategory", "resources.type", "readOnly"}:
            continue  # narrowed to some buckets (resources.ARN) or events: not every bucket
        if _field(selector, "readOnly") in ([], ["true" if read else "false"]):
            return True
    for selector in rules.as_list(trail.inputs.get("eventSelectors")):
        kinds = {"All", "ReadOnly" if read else "WriteOnly"}
        for data in rules.as_list(selector.get("dataResources")):
            if (data.get("type") == "AWS::S3::Object" and selector.get("readWriteType", "All") in kinds
                    and any(str(v) in ("arn:aws:s3", "arn:aws:s3:::") for v in rules.as_list(data.get("values")))):
                return True
    return False


@evaluates("S3.22")
def object_level_writes(estate: Estate) -> Iterator[Finding]:
    """S3.22 is an account control: a multi-Region trail records the write data events of every bucket
    (cloudtrail-all-write-s3-data-event-check); data events of chosen buckets do not count."""
    yield from _object_level(estate, read=False)


@evaluates("S3.23")
def object_level_reads(estate: Estate) -> Iterator[Finding]:
    """S3.23: likewise for read data events (cloudtrail-all-read-s3-data-event-check)."""
    yield from _object_level(estate, read=True)


def _object_level(estate: Estate, read: bool) -> Iterator[Finding]:
    kind = "read" if read else "write"
    for name, account, _ in _once_per_account(estate):
        trails = [t for t in _active_multi_region_trails(estate, name) if _logs_all_s3_objects(t, read)]
        yield Finding(account.urn, bool(trails),
                      f"{name}: {label(trails[0])} records every bucket's {kind} data events" if trails
                      else f"{name}: no multi-Region trail records the {kind} data events of every bucket")


@evaluates("Config.1")
def config_enabled(estate: Estate) -> Iterator[Finding]:
    """Config.1: a recorder that records every supported type with the service-linked role, switched on, in every
    account and region Security Hub runs in."""
    for name, account, region in estate.places():
        recorders = estate.where(name, region, rules.CONFIG_RECORDER)
        statuses = [s for s in estate.where(name, region, rules.CONFIG_RECORDER_STATUS) if s.inputs.get("isEnabled") is True]
        problems = []
        if not recorders:
            problems.append("no configuration recorder")
        for recorder in recorders:
            group = recorder.inputs.get("recordingGroup") or {}
            if not str(recorder.inputs.get("roleArn") or "").endswith(CONFIG_SERVICE_LINKED_ROLE):
                problems.append(f"{label(recorder)} records with its own role, not AWSServiceRoleForConfig")
            if group.get("allSupported") is not True:
                problems.append(f"{label(recorder)} does not record every supported resource type")
            if not any(_names(s, "name", recorder) for s in statuses):
                problems.append(f"{label(recorder)} is not switched on")
        yield Finding(account.urn, not problems, f"{name} in {region}: " + ("; ".join(problems) if problems else
                                                                            "Config records with its service-linked role"))


def _names(resource: rules.Resource, key: str, target: rules.Resource) -> bool:
    """`resource.<key>` was built from `target` or equals its name."""
    return (target.urn in resource.property_dependencies.get(key, ())
            or resource.inputs.get(key) == target.inputs.get("name"))


@evaluates("EC2.7")
def ebs_encryption_by_default(estate: Estate) -> Iterator[Finding]:
    """EC2.7: EBS encryption by default is on in every account and region Security Hub runs in."""
    for name, account, region in estate.places():
        on = [e for e in estate.where(name, region, rules.EBS_ENCRYPTION) if e.inputs.get("enabled", True) is True]
        yield Finding(account.urn, bool(on), f"{name} in {region}: EBS encryption by default is "
                                             + ("on" if on else "off (no aws.ebs.EncryptionByDefault)"))


@evaluates("GuardDuty.1")
def guardduty(estate: Estate) -> Iterator[Finding]:
    """GuardDuty.1 for every account and region: the delegated administrator's detector there, auto-enabled for ALL
    members by the organization configuration."""
    yield from guardduty_feature(estate, None)


@evaluates("GuardDuty.9")
def guardduty_rds(estate: Estate) -> Iterator[Finding]:
    """GuardDuty.9: RDS Protection (RDS_LOGIN_EVENTS) on the detector and auto-enabled for members."""
    yield from guardduty_feature(estate, "RDS_LOGIN_EVENTS")


@evaluates("GuardDuty.10")
def guardduty_s3(estate: Estate) -> Iterator[Finding]:
    """GuardDuty.10: S3 Protection (S3_DATA_EVENTS) on the detector and auto-enabled for members."""
    yield from guardduty_feature(estate, "S3_DATA_EVENTS")


def guardduty_feature(estate: Estate, feature: str | None) -> Iterator[Finding]:
    """Findings for the detector itself (`feature` None) or one protection plan."""
    for name, account, region in estate.places():
        detectors = [d for d in estate.of(rules.GUARDDUTY_DETECTOR)
                     if estate.region_of(d) == region and d.inputs.get("enable", True)]
        own = [d for d in detectors if estate.account_of(d) == name]
        organizations = [o for o in estate.of(rules.GUARDDUTY_ORGANIZATION) if estate.region_of(o) == region
                         and o.inputs.get("autoEnableOrganizationMembers") == "ALL"
                         and any(_names(o, "detectorId", d) for d in detectors)]
        covered = bool(own) or bool(organizations)
        what = "GuardDuty"
        if covered and feature is not None:
            what = f"GuardDuty {feature}"
            by_members = any(f.inputs.get("name") == feature and f.inputs.get("autoEnable") == "ALL"
                             for f in estate.of(rules.GUARDDUTY_ORGANIZATION_FEATURE) if estate.region_of(f) == region)
            by_admin = any(f.inputs.get("name") == feature and f.inputs.get("status") == "ENABLED"
                           and any(_names(f, "detectorId", d) for d in own) for f in estate.of(rules.GUARDDUTY_DETECTOR_FEATURE))
            covered = by_admin if own else by_members
        yield Finding(account.urn, covered, f"{name} in {region}: {what} " + ("on" if covered else "off"))


@evaluates("IAM.28")
def access_analyzer(estate: Estate) -> Iterator[Finding]:
    """IAM.28: an external access analyzer (account or organization) in every account and region."""
    for name, account, region in estate.places():
        analyzers = [a for a in estate.where(name, region, rules.ACCESS_ANALYZER)
                     if a.inputs.get("type", "ACCOUNT") in EXTERNAL_ACCESS_ANALYZERS]
        yield Finding(account.urn, bool(analyzers), f"{name} in {region}: "
                      + (f"analyzer {label(analyzers[0])}" if analyzers else "no external access analyzer"))


def _password_policy(estate: Estate, name: str) -> Mapping[str, Any] | None:
    policies = estate.where(name, None, rules.PASSWORD_POLICY)
    return policies[0].inputs if policies else None


def _password_findings(estate: Estate, ok: Any, what: str) -> Iterator[Finding]:
    for name, account, _ in _once_per_account(estate):
        policy = _password_policy(estate, name)
        good = policy is not None and ok(policy)
        yield Finding(account.urn, good, f"{name}: password policy " + (what if good else f"does not require {what}"))


@evaluates("IAM.7")
def strong_passwords(estate: Estate) -> Iterator[Finding]:
    """IAM.7: upper and lower case, numbers, symbols and at least 8 characters (the control's defaults)."""
    flags = ("requireUppercaseCharacters", "requireLowercaseCharacters", "requireNumbers", "requireSymbols")
    yield from _password_findings(estate, lambda p: all(p.get(f) is True for f in flags)
                                  and int(p.get("minimumPasswordLength") or 0) >= 8, "every character class")


@evaluates("IAM.15")
def password_length(estate: Estate) -> Iterator[Finding]:
    """IAM.15: at least 14 characters."""
    yield from _password_findings(estate, lambda p: int(p.get("minimumPasswordLength") or 0) >= 14, "14+ characters")


@evaluates("IAM.16")
def password_reuse(estate: Estate) -> Iterator[Finding]:
    """IAM.16: the last 24 passwords may not be reused."""
    yield from _password_findings(estate, lambda p: int(p.get("passwordReusePrevention") or 0) >= 24,
                                  "24 remembered passwords")


@evaluates("IAM.18")
def support_role(estate: Estate) -> Iterator[Finding]:
    """IAM.18: a role in the account holds AWSSupportAccess."""
    for name, account, _ in _once_per_account(estate):
        held = [a for a in estate.where(name, None, rules.IAM_ROLE_POLICY_ATTACHMENT)
                if a.inputs.get("policyArn") == SUPPORT_POLICY]
        yield Finding(account.urn, bool(held), f"{name}: " + (f"role {held[0].inputs.get('role')} handles support cases"
                                                              if held else "no role holds AWSSupportAccess"))


@evaluates("S3.1")
def account_public_access_block(estate: Estate) -> Iterator[Finding]:
    """S3.1: the account's S3 public access block has all four settings on."""
    for name, account, _ in _once_per_account(estate):
        blocks = [b for b in estate.where(name, None, rules.ACCOUNT_PUBLIC_ACCESS_BLOCK)
                  if all(b.inputs.get(flag) is True for flag in rules.PUBLIC_ACCESS_FLAGS)]
        yield Finding(account.urn, bool(blocks), f"{name}: account public access block "
                      + ("blocks everything" if blocks else "is missing or partial"))


@evaluates("Macie.1")
def macie(estate: Estate) -> Iterator[Finding]:
    """Macie.1: Macie is enabled in every account and region."""
    for name, account, region in estate.places():
        on = [m for m in estate.where(name, region, rules.MACIE_ACCOUNT) if m.inputs.get("status", "ENABLED") == "ENABLED"]
        yield Finding(account.urn, bool(on), f"{name} in {region}: Macie " + ("enabled" if on else "not enabled"))
