"""What AWS does after creation: values it moves, what a destroy leaves behind, snapshots named once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .plumbing import Resource, resource_rule, stack_rule
from .resource_types import BUCKET_TYPES
from .services import beanstalk_settings

# Inputs AWS (or a managed update the program turns on) changes after creation. Pinning one makes every later `up`
# ask to go back, which fails or churns: each must be left unset or ignored after creation.
AWS_MOVES: dict[str, dict[str, str]] = {
    "aws:rds/cluster:Cluster": {"engineVersion": "RDS applies minor version upgrades in the maintenance window"},
    "aws:rds/clusterInstance:ClusterInstance": {
        "engineVersion": "an Aurora instance runs its cluster's version, which RDS upgrades"},
    "aws:rds/instance:Instance": {"engineVersion": "RDS applies minor version upgrades (auto_minor_version_upgrade)"},
    "aws:elasticbeanstalk/environment:Environment": {
        "solutionStackName": "managed platform updates move the environment to newer platform versions",
        "platformArn": "managed platform updates move the environment to newer platform versions"},
    "aws:opensearch/domain:Domain": {
        "engineVersion": "a domain's version changes only on request, but blue/green updates replace its nodes"},
}
# Where the move needs a switch to be on; without it the value stays as set.
_MOVES_WHEN: dict[tuple[str, str], Callable[[Mapping[str, Any]], bool]] = {
    ("aws:rds/instance:Instance", "engineVersion"): lambda inputs: inputs.get("autoMinorVersionUpgrade") is not False,
    ("aws:elasticbeanstalk/environment:Environment", "solutionStackName"):
        lambda inputs: beanstalk_settings(inputs).get(("aws:elasticbeanstalk:managedactions",
                                                       "ManagedActionsEnabled")) == "true",
    ("aws:elasticbeanstalk/environment:Environment", "platformArn"):
        lambda inputs: beanstalk_settings(inputs).get(("aws:elasticbeanstalk:managedactions",
                                                       "ManagedActionsEnabled")) == "true",
    ("aws:opensearch/domain:Domain", "engineVersion"): lambda inputs: False,
}


@resource_rule("aws-managed-values-left-to-aws",
               "Values AWS changes after creation (engine and platform versions under managed upgrades) are set at "
               "creation only: the resource ignores later changes to them.")
def aws_managed_values_left_to_aws(resource: Resource) -> Iterable[str]:
    for key, why in AWS_MOVES.get(resource.type, {}).items():
        moves = _MOVES_WHEN.get((resource.type, key), lambda inputs: True)(resource.inputs)
        if moves and resource.inputs.get(key) not in (None, "") and key not in resource.ignore_changes:
            yield (f"{resource.type} {resource.name} pins {key} ({resource.inputs.get(key)}), but {why}; the next "
                   f"`up` would try to go back: add `{key}` to ignore_changes (or leave it unset)")


def _in_sandbox(resource: Resource) -> bool:
    return resource.tags.get("Environment") == "sandbox"


@resource_rule("sandbox-destroyable",
               "In a sandbox, `pulumi destroy` removes everything it built and the next `up` can build it again: "
               "buckets and backup vaults are emptied on delete, secrets are deleted without a recovery window, no "
               "final snapshot is kept, no compliance-mode lock holds data, and nothing is protected; IAM users are "
               "deleted with the MFA devices and keys people added to them.")
def sandbox_destroyable(resource: Resource) -> Iterable[str]:
    inputs, label = resource.inputs, f"{resource.type} {resource.name}"
    if resource.type == "aws:iam/user:User" and inputs.get("forceDestroy") is not True:
        yield f"{label}: people add MFA devices and keys outside the program, which stop its deletion; set force_destroy"
    if not _in_sandbox(resource):
        return
    if resource.protect:
        yield (f"{label} is protected, so `pulumi destroy` of the sandbox stops at it; protect it only in production "
               "(retain_on_delete keeps what must outlive a destroy)")
    if resource.type in BUCKET_TYPES | {"aws:backup/vault:Vault"} and inputs.get("forceDestroy") is not True:
        yield f"{label} is not emptied on delete, so a sandbox destroy stops at it; set force_destroy in the sandbox"
    if resource.type == "aws:secretsmanager/secret:Secret" and inputs.get("recoveryWindowInDays") != 0:
        yield (f"{label} keeps its name reserved for its recovery window after a destroy, so the next `up` cannot "
               "create it; set recovery_window_in_days=0 in the sandbox")
    if resource.type == "aws:rds/cluster:Cluster" and inputs.get("skipFinalSnapshot") is not True:
        yield f"{label} keeps a final snapshot that outlives the sandbox; set skip_final_snapshot in the sandbox"
    if resource.type == "aws:backup/vaultLockConfiguration:VaultLockConfiguration" and \
            inputs.get("changeableForDays") is not None:
        yield (f"{label} becomes a compliance-mode lock that no one can remove, so the sandbox can never be "
               "destroyed; leave changeable_for_days unset (governance mode) in the sandbox")
    if resource.type == "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration":
        rule = inputs.get("rule") or {}
        mode = ((rule.get("defaultRetention") or {}) if isinstance(rule, Mapping) else {}).get("mode")
        if mode == "COMPLIANCE":
            yield f"{label} locks objects in COMPLIANCE mode, which no one can delete early; use GOVERNANCE in a sandbox"


@stack_rule("final-snapshot-named-once",
            "A database that keeps a final snapshot names it uniquely (from a value fixed at creation), so a later "
            "re-creation never meets the snapshot of an earlier one.")
def final_snapshot_named_once(resources: Sequence[Resource]) -> Iterable[tuple[str, str]]:
    # A stack rule: only the stack's resources carry the property dependencies that show where a value came from.
    for resource in resources:
        if resource.type != "aws:rds/cluster:Cluster" or resource.inputs.get("skipFinalSnapshot") is True:
            continue
        if "finalSnapshotIdentifier" not in resource.property_dependencies:  # built from no other resource
            yield resource.urn, (f"aws:rds/cluster:Cluster {resource.name} names its final snapshot "
                                 f"`{resource.inputs.get('finalSnapshotIdentifier')}` literally; the second deletion "
                                 "fails with DBClusterSnapshotAlreadyExists: derive it from a value fixed at creation "
                                 "(time.Static)")
