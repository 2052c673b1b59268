"""One offline run as the tests read it: what was registered, found by type, account, name, reference and
component, and the validated config the program ran with.

Subject modules (tests/network_view.py, tests/data_view.py) add thin functions over it.
"""

from __future__ import annotations

import fnmatch
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from config.loader import validate
from config.stack import StackConfig
from policy.rules import IAM_ROLE, IAM_ROLE_POLICY
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run
from tests.stackfiles import run_sections


class RunView:
    """`of(type, account)`, `one(...)`, `named(...)`, references by id or ARN, parents and children, dependencies,
    and `config`: the stack config as the program loaded it (tests/stackfiles.py's run_sections, validated)."""

    def __init__(self, run: Run):
        self.run = run
        self.inventory = Inventory(run)
        self._by_type: dict[str, list[Registration]] = defaultdict(list)
        self._children: dict[str, list[Registration]] = defaultdict(list)
        for registration in run.registrations:
            self._by_type[registration.type].append(registration)
            if registration.parent:
                self._children[registration.parent].append(registration)

    @cached_property
    def config(self) -> StackConfig:
        return validate(run_sections(self.run.config))

    # --- where a resource lives ----------------------------------------------------------------------------------

    def account(self, registration: Registration) -> str | None:
        """The config name of the account whose provider it uses (`management` for the default provider)."""
        return self.inventory.account(registration)

    def region(self, registration: Registration) -> str | None:
        return self.inventory.region(registration)

    # --- by type, account and name -------------------------------------------------------------------------------

    def of(self, token: str, account: str | None = None) -> list[Registration]:
        """Registrations of type `token`, in URN order; only `account`'s when given."""
        found = self._by_type.get(token, [])
        return list(found) if account is None else [r for r in found if self.account(r) == account]

    def by_account(self, token: str) -> dict[str | None, list[Registration]]:
        """Registrations of type `token`, grouped by account."""
        grouped: dict[str | None, list[Registration]] = defaultdict(list)
        for registration in self.of(token):
            grouped[self.account(registration)].append(registration)
        return dict(grouped)

    def one(self, token: str, account: str | None = None, suffix: str = "") -> Registration:
        """The one registration of type `token` (in `account`, its name ending with `suffix`)."""
        found = [r for r in self.of(token, account) if r.name.endswith(suffix)]
        assert len(found) == 1, f"{token} in {account} ending {suffix!r}: {[r.name for r in found]}"
        return found[0]

    def named(self, name: str, token: str | None = None) -> Registration:
        """The one registration named `name` (of type `token` when given)."""
        pool = self.run.registrations if token is None else self.of(token)
        found = [r for r in pool if r.name == name]
        assert len(found) == 1, f"{len(found)} {token or 'resources'} named {name}"
        return found[0]

    # --- references: what an id or ARN in some input names --------------------------------------------------------

    @cached_property
    def _ids(self) -> dict[str, list[Registration]]:
        index: dict[str, list[Registration]] = defaultdict(list)
        for registration in self.run.registrations:
            if registration.custom and registration.id:
                index[registration.id].append(registration)
        return index

    @cached_property
    def _arns(self) -> dict[str, Registration]:
        index: dict[str, Registration] = {}
        for registration in self.run.registrations:
            arn = registration.outputs.get("arn")
            # Only ARNs a resource was given by AWS, not one it was handed as an input (a TopicPolicy's, a target's).
            if registration.custom and isinstance(arn, str) and "arn" not in registration.inputs:
                assert arn not in index, f"ARN {arn} is not unique"
                index[arn] = registration
        return index

    def by_id(self, resource_id: str) -> Registration:
        found = self._ids.get(resource_id, [])
        assert len(found) == 1, f"{len(found)} resources with id {resource_id}"
        return found[0]

    def by_arn(self, arn: str) -> Registration:
        return self._arns[arn]

    def by_reference(self, value: Any) -> Registration:
        """The resource an ARN, or else an id, names."""
        if value in self._arns:
            return self._arns[value]
        return self.by_id(value)

    def ref(self, registration: Registration, key: str) -> Registration:
        """The resource whose id `registration.inputs[key]` holds."""
        return self.by_id(registration.inputs[key])

    # --- components: parents, children, dependencies -------------------------------------------------------------

    def parent(self, registration: Registration) -> Registration:
        assert registration.parent is not None, f"{registration.name} has no parent"
        return self.inventory.by_urn[registration.parent]

    def children(self, parent: Registration, token: str | None = None) -> list[Registration]:
        """The direct children of `parent` (of type `token` when given)."""
        return [r for r in self._children.get(parent.urn, []) if token is None or r.type == token]

    def under(self, component: Registration) -> list[Registration]:
        """Every resource under `component`, at any depth, components included."""
        found: list[Registration] = []
        pending = [component]
        while pending:
            below = self._children.get(pending.pop().urn, [])
            found.extend(below)
            pending.extend(below)
        return sorted(found, key=lambda r: r.urn)

    def ancestors(self, registration: Registration) -> list[Registration]:
        """The components `registration` sits in, nearest first."""
        found: list[Registration] = []
        while registration.parent in self.inventory.by_urn:
            registration = self.inventory.by_urn[registration.parent]
            found.append(registration)
        return found

    def dependencies(self, registration: Registration) -> list[Registration]:
        """What it waits for: explicit `depends_on` and every resource its inputs were built from."""
        return [self.inventory.by_urn[urn] for urn in self.inventory.dependencies(registration)]


_VIEWS: dict[int, tuple[Run, RunView]] = {}


def view_of(run: Run) -> RunView:
    """The view of `run`, made once per run (the session's runs live as long as the session)."""
    made = _VIEWS.get(id(run))
    if made is None or made[0] is not run:
        made = _VIEWS[id(run)] = (run, RunView(run))
    return made[1]


def document(value: Any) -> dict[str, Any]:
    """A policy input (JSON text as registered) as a dict."""
    return json.loads(value) if isinstance(value, str) else value


def statements_by_sid(value: Any) -> dict[str, dict[str, Any]]:
    """Sid -> statement of a policy input."""
    return {statement["Sid"]: statement for statement in document(value)["Statement"]}


def as_list(value: Any) -> list[Any]:
    """A policy element that may be one value or a list (Action, Resource, Statement), as a list."""
    return value if isinstance(value, list) else [value]


def allows(statements: Sequence[Mapping[str, Any]], action: str, resource: str) -> bool:
    """Whether an Allow statement grants `action` on `resource` (wildcards as IAM matches them; conditions not read)."""
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action")
        resources = statement.get("Resource")
        actions = [actions] if isinstance(actions, str) else actions or []
        resources = [resources] if isinstance(resources, str) else resources or []
        if any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions) and (
                resource == "*" or any(fnmatch.fnmatchcase(resource, r) for r in resources)):
            return True
    return False


def role_statements(run: Run, role_arn: str) -> list[Mapping[str, Any]]:
    """Every statement of the inline policies of the role whose ARN is `role_arn`."""
    role = next(r for r in run.of_type(IAM_ROLE) if r.outputs.get("arn") == role_arn)
    statements: list[Mapping[str, Any]] = []
    for policy in run.of_type(IAM_ROLE_POLICY):
        if role.urn in policy.property_dependencies.get("role", ()):
            document = json.loads(policy.inputs["policy"])
            found = document["Statement"]
            statements += found if isinstance(found, list) else [found]
    return statements
