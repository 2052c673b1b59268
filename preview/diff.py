"""What `pulumi preview` would say against an earlier inventory: each resource to create, update or delete.

Resources are matched by URN, as the engine matches them (a changed URN is a delete and a create, unless the new
resource names the old URN among its aliases). An update lists the input paths that changed; a change to an input
the resource lists in `replaceOnChanges` is a replacement. Deleting a protected resource, or renaming one without
an alias, is refused by the engine: the diff marks it, and the preview exits 1.

Values in an inventory are already masked (`"[secret]"`), so the lines never show a secret.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Operation = Literal["create", "update", "replace", "delete"]
SYMBOLS: dict[Operation, str] = {"create": "+", "update": "~", "replace": "+-", "delete": "-"}
# Options the engine records in the state: a change to one is an update without touching the cloud resource.
OPTIONS = ("protect", "retainOnDelete", "ignoreChanges", "deleteBeforeReplace", "replaceOnChanges", "provider")


class InventoryError(Exception):
    """The earlier inventory cannot be read as one."""


@dataclass(frozen=True)
class Change:
    """One resource's change. `paths` are the changed input paths (`inputs.tags.Owner`) and options (`protect`)."""

    op: Operation
    urn: str
    type: str
    name: str
    account: str | None
    paths: tuple[str, ...] = ()
    protected: bool = False  # a protected resource the change would delete: the engine refuses it
    renamed_to: str | None = None  # the new URN when a protected resource only changed its URN

    def as_json(self) -> dict[str, Any]:
        return {"op": self.op, "urn": self.urn, "type": self.type, "name": self.name, "account": self.account,
                "paths": list(self.paths), "protected": self.protected, "renamedTo": self.renamed_to}


@dataclass
class Diff:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {op: sum(1 for c in self.changes if c.op == op) for op in SYMBOLS}
        return {**counts, "unchanged": self.unchanged}

    @property
    def refused(self) -> list[Change]:
        """Changes the engine would refuse: deleting or renaming a protected resource."""
        return [c for c in self.changes if c.protected]

    def as_json(self) -> dict[str, Any]:
        return {"changes": [c.as_json() for c in self.changes], "summary": self.summary}


def compare(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> Diff:
    """The changes from inventory `old` (None: nothing deployed yet) to inventory `new`."""
    before = {r["urn"]: r for r in (old or {}).get("resources", [])}
    after = {r["urn"]: r for r in new.get("resources", [])}
    aliased = {alias: urn for urn, r in after.items() for alias in r.get("aliases") or []}
    diff = Diff()
    for urn, resource in after.items():
        previous = before.get(urn)
        if previous is None:
            if urn not in aliased.values() or not any(alias in before for alias in resource.get("aliases") or []):
                diff.changes.append(_change("create", resource))
                continue
            previous = next(before[alias] for alias in resource.get("aliases") or [] if alias in before)
        paths = tuple(_changed_paths(previous, resource))
        if not paths:
            diff.unchanged += 1
            continue
        replaced = any(_input_key(path) in (resource.get("replaceOnChanges") or []) for path in paths)
        diff.changes.append(_change("replace" if replaced else "update", resource, paths))
    created = [c for c in diff.changes if c.op == "create"]
    for urn, resource in before.items():
        if urn in after or urn in aliased:
            continue
        protected = bool(resource.get("protect"))
        twin = _same_resource(resource, created, after) if protected else None
        diff.changes.append(_change("delete", resource, protected=protected, renamed_to=twin))
    order = {"delete": 0, "replace": 1, "update": 2, "create": 3}
    diff.changes.sort(key=lambda c: (order[c.op], c.account or "", c.type, c.name))
    return diff


def _change(op: Operation, resource: Mapping[str, Any], paths: tuple[str, ...] = (), *, protected: bool = False,
            renamed_to: str | None = None) -> Change:
    return Change(op, resource["urn"], resource["type"], resource["name"], resource.get("account"), paths,
                  protected, renamed_to)


def _input_key(path: str) -> str:
    return path.split(".")[1] if path.startswith("inputs.") else ""


def _changed_paths(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[str]:
    for option in OPTIONS:
        if old.get(option) != new.get(option):
            yield option
    yield from _walk("inputs", old.get("inputs") or {}, new.get("inputs") or {})


def _walk(path: str, old: Any, new: Any) -> Iterator[str]:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            if key not in old or key not in new:
                yield f"{path}.{key}"
            else:
                yield from _walk(f"{path}.{key}", old[key], new[key])
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from _walk(f"{path}[{index}]", a, b)
    elif old != new:
        yield path


# Inputs that name the cloud resource itself: a new URN with the same value is the same resource renamed.
_PHYSICAL_NAMES = ("name", "bucket", "clusterIdentifier", "domainName", "email", "aliasName", "roleName")


def _same_resource(old: Mapping[str, Any], created: list[Change], after: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The URN of a resource created now that is `old` under a new URN: same type and the same physical name, or
    (lacking one) the same logical name under another parent."""
    old_inputs = old.get("inputs") or {}
    named = [key for key in _PHYSICAL_NAMES if isinstance(old_inputs.get(key), str)]
    for change in created:
        if change.type != old["type"]:
            continue
        new_inputs = after[change.urn].get("inputs") or {}
        if named and all(new_inputs.get(key) == old_inputs[key] for key in named):
            return change.urn
        if not named and change.name == old["name"]:
            return change.urn
    return None


def lines(diff: Diff, *, against: str | None) -> list[str]:
    """The text a person reads, like `pulumi preview`: a line per change, then the `Resources:` summary."""
    out = [f"Changes against {against}:" if against else "No earlier inventory: everything is to create."]
    if against:
        for change in diff.changes:
            where = f"  ({change.account})" if change.account else ""
            line = f"  {SYMBOLS[change.op]:>2} {change.type}  {change.name}{where}"
            if change.paths:
                shown = ", ".join(change.paths[:8]) + (f", ... {len(change.paths) - 8} more" if len(change.paths) > 8
                                                      else "")
                line += f"  [{shown}]"
            if change.protected:
                line += ("  PROTECTED: renamed to " + change.renamed_to.rsplit("::", 1)[-1]
                         if change.renamed_to else "  PROTECTED")
                line += "; the engine refuses to delete it (add an alias, or unprotect it deliberately)"
            out.append(line)
    summary = diff.summary
    replace = f", +- {summary['replace']} to replace" if summary["replace"] else ""
    out.append(f"Resources: + {summary['create']} to create, ~ {summary['update']} to update{replace}, "
               f"- {summary['delete']} to delete, {summary['unchanged']} unchanged")
    return out
