"""The policy rules as plain functions, one module per subject; the CrossGuard pack (../__main__.py) and the offline
preview both call them.

SUBJECTS lists the subject modules in the order the pack and the preview report their rules: keep it. plumbing.py
holds what every rule shares (Resource, Violation, the registries, evaluate_rules); resource_types.py the type tokens.
The package imports nothing from the program so the pack can load it on its own; the AWS facts it shares with the config
(quotas, secret-looking text) come from aws_facts/.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_facts.quotas import QUOTAS, QUOTAS_BY_KEY
from aws_facts.secret_text import looks_like_secret

from . import (
    alerts,
    audit_evidence,
    certificates,
    data,
    grants,
    guardrails,
    identity,
    lifecycle,
    monitoring,
    network,
    quotas,
    services,
    storage,
)
from .alerts import alert_topics_have_subscribers
from .audit_evidence import aurora_statement_logging, bucket_aborts_incomplete_uploads, primary_data_object_logging
from .certificates import certificate_of_its_own_account
from .data import backup_vault_encrypted, schedule_interval_hours
from .grants import function_url_grants_both_actions
from .guardrails import is_taggable
from .identity import ADMINISTRATOR_ACCESS, policy_statements
from .lifecycle import aws_managed_values_left_to_aws, final_snapshot_named_once, sandbox_destroyable
from .monitoring import RESTRICTING_CONDITION_KEYS, public_statements
from .network import anywhere
from .plumbing import (
    RESOURCE_RULES,
    STACK_RULES,
    Graph,
    Level,
    Resource,
    ResourceRule,
    StackRule,
    Violation,
    as_list,
    decode,
    evaluate_rules,
    in_subject_order,
    is_everyone,
    number,
    once_per_resources,
    stack_rule,
)
from .quotas import (
    QUOTA_COUNTERS,
    account_of,
    quota_usage,
    region_of,
    requested_quotas,
    service_quotas_cover_needs,
    template_quotas,
)
from .resource_types import *  # noqa: F403  (every resource type token, as rules.<TOKEN>)
from .services import SUPPORTED_LAMBDA_RUNTIMES, beanstalk_settings, names_function
from .storage import (
    PUBLIC_ACCESS_FLAGS,
    bucket_settings,
    cloudtrail_encrypted_and_validated,
    kms_key_rotation,
    log_group_encrypted_with_retention,
    s3_bucket_blocks_public_access,
    s3_bucket_enforces_tls,
)

# The subjects in the order their rules are reported (the pack's policies, the preview's verdict).
SUBJECTS = (guardrails, storage, identity, monitoring, network, data, services, lifecycle, grants, quotas, audit_evidence,
            certificates, alerts)
in_subject_order(SUBJECTS)


def evaluate(resources: Sequence[Resource]) -> list[Violation]:
    """Every violation of every registered rule over `resources` (custom resources only), as the CrossGuard analyzer
    reports them (plumbing.evaluate_rules)."""
    return evaluate_rules(resources, RESOURCE_RULES, STACK_RULES)


__all__ = [
    "ADMINISTRATOR_ACCESS",
    "PUBLIC_ACCESS_FLAGS",
    "QUOTAS",
    "QUOTAS_BY_KEY",
    "QUOTA_COUNTERS",
    "RESOURCE_RULES",
    "RESTRICTING_CONDITION_KEYS",
    "STACK_RULES",
    "SUBJECTS",
    "SUPPORTED_LAMBDA_RUNTIMES",
    "Graph",
    "Level",
    "Resource",
    "ResourceRule",
    "StackRule",
    "Violation",
    "account_of",
    "alert_topics_have_subscribers",
    "anywhere",
    "as_list",
    "aurora_statement_logging",
    "aws_managed_values_left_to_aws",
    "backup_vault_encrypted",
    "beanstalk_settings",
    "bucket_aborts_incomplete_uploads",
    "bucket_settings",
    "certificate_of_its_own_account",
    "cloudtrail_encrypted_and_validated",
    "decode",
    "evaluate",
    "evaluate_rules",
    "final_snapshot_named_once",
    "function_url_grants_both_actions",
    "is_everyone",
    "is_taggable",
    "kms_key_rotation",
    "log_group_encrypted_with_retention",
    "looks_like_secret",
    "names_function",
    "number",
    "once_per_resources",
    "policy_statements",
    "primary_data_object_logging",
    "public_statements",
    "quota_usage",
    "region_of",
    "requested_quotas",
    "s3_bucket_blocks_public_access",
    "s3_bucket_enforces_tls",
    "sandbox_destroyable",
    "schedule_interval_hours",
    "service_quotas_cover_needs",
    "stack_rule",
    "template_quotas",
]
