"""The first `pulumi up` of a brand-new organization, in dependency order: what AWS finishes only eventually is
waited for, explicitly (a dependency, or a documented pulumiverse-time Sleep from components/waits.py).

Each check walks the recorded dependencies (explicit `depends_on` and those implied by inputs) transitively, the
way the engine orders creation, and names the resource that could run too early.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from components.waits import WAITS
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run

SLEEP = "time:index/sleep:Sleep"
ROLE = "aws:iam/role:Role"
ROLE_POLICIES = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
# A service assumes a role handed to it in one of these inputs, right when the resource is created.
ROLE_INPUTS = ("roleArn", "iamRoleArn", "executionRoleArn", "serviceRoleArn", "deliverLogsPermissionArn",
               "cloudWatchLogsRoleArn", "monitoringRoleArn")


class Order:
    """Transitive dependencies of every registration: what must exist before it is created.

    A component's own `depends_on` is not inherited by its children (the SDK sends each resource only its own), so
    only what each custom resource names, its inputs' sources and its provider count; depending on a component is
    depending on everything in it.
    """

    def __init__(self, registrations: Sequence[Registration]):
        self.by_urn = {r.urn: r for r in registrations}
        self.children: dict[str, list[str]] = {}
        self.direct: dict[str, set[str]] = {}
        for registration in registrations:
            if registration.parent:
                self.children.setdefault(registration.parent, []).append(registration.urn)
            direct = set(registration.dependencies)
            for urns in registration.property_dependencies.values():
                direct.update(urns)
            if registration.provider:  # a resource waits for its provider, and so for what the provider waits for
                direct.add(registration.provider.rsplit("::", 1)[0])
            self.direct[registration.urn] = direct
        self._closure: dict[str, frozenset[str]] = {}

    def before(self, urn: str) -> frozenset[str]:
        if urn not in self._closure:
            self._closure[urn] = frozenset()  # cycles cannot happen in a valid program; guard anyway
            found: set[str] = set()
            pending = list(self.direct.get(urn, ()))
            while pending:
                dependency = pending.pop()
                if dependency in found:
                    continue
                found.add(dependency)
                found |= self.before(dependency)
                pending.extend(self.children.get(dependency, ()))  # waiting for a component is waiting for all in it
            self._closure[urn] = frozenset(found)
        return self._closure[urn]


def role_policies_ready(registrations: Sequence[Registration]) -> list[str]:
    """Resources that hand a role to a service before that role's policies exist (the service would be refused)."""
    order = Order(registrations)
    policies_of: dict[str, list[Registration]] = {}
    for policy in (r for r in registrations if r.type in ROLE_POLICIES):
        for urn in policy.property_dependencies.get("role", ()):
            policies_of.setdefault(urn, []).append(policy)
    problems = []
    for registration in registrations:
        if registration.type in ROLE_POLICIES or not registration.custom:
            continue
        for key in ROLE_INPUTS:
            for role_urn in registration.property_dependencies.get(key, ()):
                role = order.by_urn.get(role_urn)
                if role is None or role.type != ROLE:
                    continue
                missing = [p.name for p in policies_of.get(role_urn, []) if p.urn not in order.before(registration.urn)]
                if missing:
                    problems.append(f"{registration.type} {registration.name} hands role {role.name} to its service "
                                    f"before its policies {missing} exist")
    return problems


def account_readiness(run: Run, inventory: Inventory) -> list[str]:
    """Member-account providers whose account is created by the stack but not waited for."""
    order = Order(run.registrations)
    accounts = {r.name: r for r in run.of_type("aws:organizations/account:Account")}
    problems = []
    for provider in run.of_type("pulumi:providers:aws"):
        account = inventory.account(provider)
        created = accounts.get(account or "")
        if created is None or created.import_id:
            continue  # management, or an adopted account that is long ready
        waits = [order.by_urn[u] for u in order.before(provider.urn) if order.by_urn[u].type == SLEEP]
        if not any(created.urn in order.before(wait.urn) and wait.inputs.get("createDuration") ==
                   f"{WAITS['account'].seconds}s" for wait in waits):
            problems.append(f"provider {provider.name} can assume a role in account {account} as soon as "
                            "CreateAccount returns, before the role and the account's services are ready")
    return problems


def service_linked_roles_ready(registrations: Sequence[Registration]) -> list[str]:
    """Resources that use a service-linked role the stack creates before the wait after it is over."""
    order = Order(registrations)
    roles = [r for r in registrations if r.type == "aws:iam/serviceLinkedRole:ServiceLinkedRole"]
    waits = [r for r in registrations if r.type == SLEEP]
    problems = []
    for registration in registrations:
        if registration.type == SLEEP or not registration.custom:
            continue
        for role in roles:
            if role.urn not in order.direct.get(registration.urn, ()):
                continue
            if not any(w.urn in order.before(registration.urn) and role.urn in order.before(w.urn) for w in waits):
                problems.append(f"{registration.type} {registration.name} uses the new service-linked role "
                                f"{role.name} before its service can")
    return problems


def _by_name(run: Run, token: str) -> Mapping[str, Registration]:
    return {r.name: r for r in run.of_type(token)}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_member_provider_waits_for_its_new_account(stack: str, runs: dict[str, Run],
                                                         inventories: dict[str, Inventory]) -> None:
    assert account_readiness(runs[stack], inventories[stack]) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_new_service_linked_role_is_waited_for(stack: str, runs: dict[str, Run]) -> None:
    assert service_linked_roles_ready(runs[stack].registrations) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_role_handed_to_a_service_has_its_policies_first(stack: str, runs: dict[str, Run]) -> None:
    assert role_policies_ready(runs[stack].registrations) == []


def test_ram_waits_for_the_organization_and_attachments_wait_for_the_share(dev: Run) -> None:
    order = Order(dev.registrations)
    organization = _by_name(dev, "aws:organizations/organization:Organization")["organization"]
    sharing = _by_name(dev, "aws:ram/sharingWithOrganization:SharingWithOrganization")["ram-sharing-with-organization"]
    assert organization.urn in order.before(sharing.urn)
    principal = _by_name(dev, "aws:ram/principalAssociation:PrincipalAssociation")["transit-hub-share-organization"]
    shared = [r for r in dev.of_type(SLEEP) if principal.urn in order.before(r.urn)]
    assert shared and all(s.inputs["createDuration"] == f"{WAITS['ram-share'].seconds}s" for s in shared)
    for attachment in dev.of_type("aws:ec2transitgateway/vpcAttachment:VpcAttachment"):
        assert sharing.urn in order.before(attachment.urn) and principal.urn in order.before(attachment.urn)
        assert any(s.urn in order.before(attachment.urn) for s in shared), attachment.name


def test_the_trail_waits_for_the_cross_account_bucket_policy(dev: Run) -> None:
    order = Order(dev.registrations)
    trail = _by_name(dev, "aws:cloudtrail/trail:Trail")["organization-trail-trail"]
    policy = _by_name(dev, "aws:s3/bucketPolicy:BucketPolicy")["audit-archive-bucket-policy"]
    waits = [r for r in dev.of_type(SLEEP) if r.urn in order.before(trail.urn) and policy.urn in order.before(r.urn)]
    assert [w.inputs["createDuration"] for w in waits] == [f"{WAITS['cross-account-policy'].seconds}s"]


def test_delegated_administrators_are_waited_for_in_the_administrator(dev: Run) -> None:
    order = Order(dev.registrations)
    delegations = [*dev.of_type("aws:guardduty/organizationAdminAccount:OrganizationAdminAccount"),
                   *dev.of_type("aws:securityhub/organizationAdminAccount:OrganizationAdminAccount")]
    dependents = [*dev.of_type("aws:guardduty/organizationConfiguration:OrganizationConfiguration"),
                  *dev.of_type("aws:securityhub/findingAggregator:FindingAggregator")]
    assert delegations and dependents
    for dependent in dependents:
        waits = [r for r in dev.of_type(SLEEP) if r.urn in order.before(dependent.urn)
                 and any(d.urn in order.before(r.urn) for d in delegations)]
        assert waits, f"{dependent.name} runs in the administrator as soon as it is designated"


def test_opensearch_waits_for_its_new_service_linked_role(dev: Run) -> None:
    order = Order(dev.registrations)
    roles = _by_name(dev, "aws:iam/serviceLinkedRole:ServiceLinkedRole")
    for domain in dev.of_type("aws:opensearch/domain:Domain"):
        linked = [r for r in roles.values() if r.urn in order.before(domain.urn)]
        assert linked, domain.name
        waits = [r for r in dev.of_type(SLEEP) if r.urn in order.before(domain.urn)
                 and any(role.urn in order.before(r.urn) for role in linked)]
        assert [w.inputs["createDuration"] for w in waits] == [f"{WAITS['service-linked-role'].seconds}s"]


def test_the_checks_find_a_missing_wait() -> None:
    """The two general checks fail on small bad inputs: a role used before its policy, an account not waited for."""
    role = Registration(urn="urn:role", type=ROLE, name="r", custom=True, parent=None, provider=None, providers={},
                        protect=False, retain_on_delete=False, ignore_changes=[], aliases=[], dependencies=[],
                        inputs={})
    policy = Registration(urn="urn:policy", type=ROLE_POLICIES[0], name="p", custom=True, parent=None, provider=None,
                          providers={}, protect=False, retain_on_delete=False, ignore_changes=[], aliases=[],
                          dependencies=["urn:role"], inputs={}, property_dependencies={"role": ["urn:role"]})
    flow_log = Registration(urn="urn:flow", type="aws:ec2/flowLog:FlowLog", name="f", custom=True, parent=None,
                            provider=None, providers={}, protect=False, retain_on_delete=False, ignore_changes=[],
                            aliases=[], dependencies=["urn:role"], inputs={},
                            property_dependencies={"iamRoleArn": ["urn:role"]})
    assert role_policies_ready([role, policy, flow_log]) == [
        "aws:ec2/flowLog:FlowLog f hands role r to its service before its policies ['p'] exist"]
    waited = Registration(**{**flow_log.__dict__, "dependencies": ["urn:role", "urn:policy"]})
    assert role_policies_ready([role, policy, waited]) == []


def test_an_account_not_waited_for_and_a_role_used_at_once_are_found(dev: Run, inventories: dict[str, Inventory]) -> None:
    """Without the waits, the checks name the member providers and the recorders that would run too early."""
    sleeps = {r.urn: r.dependencies for r in dev.of_type(SLEEP)}

    def through(urns: list[str]) -> list[str]:  # what waited for a Sleep now waits only for what the Sleep followed
        return [found for urn in urns for found in (sleeps.get(urn) or [urn])]

    stripped = [Registration(**{**registration.__dict__, "dependencies": through(registration.dependencies),
                                "property_dependencies": {k: through(v) for k, v in
                                                          registration.property_dependencies.items()}})
                for registration in dev.registrations if registration.type != SLEEP]
    bare = Run(dev.project, dev.stack, stripped, {}, dev.config)
    problems = account_readiness(bare, inventories["dev"])
    members = [p for p in dev.of_type("pulumi:providers:aws") if inventories["dev"].account(p) != "management"]
    assert len(problems) == len(members) > 4
    assert all("before the role and the account's services are ready" in p for p in problems)
    recorders = [p for p in service_linked_roles_ready(bare.registrations) if "config-recorder" in p]
    assert recorders, "the recorders would use Config's new role at once"
