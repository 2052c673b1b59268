"""Every resource: the required tags, and protection of what holds state in production."""

from __future__ import annotations

import functools
import importlib
import inspect
import warnings
from collections.abc import Iterable

from .plumbing import Resource, resource_rule

REQUIRED_TAGS = ("Environment", "Owner", "CostCenter", "ManagedBy")

# What must survive a `pulumi destroy` or a refactor in production (README: stateful resources are protected in production).
STATEFUL_TYPES = frozenset({
    "aws:organizations/organization:Organization",
    "aws:organizations/account:Account",
    "aws:kms/key:Key",
    "aws:rds/cluster:Cluster",
    "aws:opensearch/domain:Domain",
    "aws:s3/bucket:Bucket",
    "aws:kinesis/stream:Stream",
    "aws:backup/vault:Vault",
    "aws:dynamodb/table:Table",
})

@functools.cache
def is_taggable(type_token: str) -> bool:
    """Whether a pulumi-aws resource type accepts `tags`, read from the SDK's own signature."""
    package, module_path, class_name = type_token.split(":")
    if package != "aws" or class_name == "Provider":
        return False
    module_name = module_path.split("/")[0]
    with warnings.catch_warnings():  # importing a module announces its deprecated classes
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            module = importlib.import_module("pulumi_aws" if module_name == "index" else f"pulumi_aws.{module_name}")
        except ImportError:
            return False
        resource_class = getattr(module, class_name, None)
    init = getattr(resource_class, "_internal_init", None)
    return init is not None and "tags" in inspect.signature(init).parameters


@resource_rule("required-tags", f"Every taggable AWS resource carries {', '.join(REQUIRED_TAGS)} "
                                "(through its provider's default_tags or its own).")
def required_tags(resource: Resource) -> Iterable[str]:
    if not is_taggable(resource.type):
        return
    missing = [tag for tag in REQUIRED_TAGS if not resource.tags.get(tag)]
    if missing:
        yield f"{resource.type} {resource.name} lacks tags {missing}; set them in the provider's default_tags"


@resource_rule("stateful-protected-in-production", "Stateful resources are protected when Environment=production.")
def stateful_protected(resource: Resource) -> Iterable[str]:
    if resource.type in STATEFUL_TYPES and resource.tags.get("Environment") == "production" and not resource.protect:
        yield f"{resource.type} {resource.name} holds state in production but is not protected; pass protect=True"
