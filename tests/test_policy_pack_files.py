"""The pack a user runs: `pulumi preview --policy-pack policy` creates the pack's own virtualenv from
policy/requirements.txt, and `pulumi policy publish` takes the version from PulumiPolicy.yaml."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
POLICY_DIR = ROOT / "policy"
# What the pack imports from outside the standard library (policy/*.py); the rest are their dependencies.
PACK_IMPORTS = ("pulumi_policy", "pulumi_aws")  # pulumi_aws: imported by name in rules.is_taggable


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            name, _, version = requirement.partition("==")
            assert version, f"{path.name}: {requirement} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def _closure(names: tuple[str, ...]) -> set[str]:
    """The installed distributions `names` need, themselves included (extras and foreign markers aside)."""
    needed: set[str] = set()
    pending = [canonicalize_name(name) for name in names]
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        needed.add(name)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(canonicalize_name(requirement.name))
    return needed


def test_the_pack_pins_exactly_what_it_needs_at_the_projects_versions() -> None:
    pack_pins = _pins(POLICY_DIR / "requirements.txt")
    project_pins = _pins(ROOT / "requirements.txt")
    assert set(pack_pins) == _closure(PACK_IMPORTS)
    assert {name: version for name, version in pack_pins.items() if name in project_pins} == {
        name: project_pins[name] for name in pack_pins if name in project_pins}
    assert {name: metadata.version(name) for name in pack_pins} == pack_pins  # what the tests ran the pack with


def _top_level_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_pack_imports_only_what_it_pins() -> None:
    sources = [path for path in POLICY_DIR.rglob("*.py") if ".venv" not in path.parts]
    imported = {name for path in sources for name in _top_level_imports(path)}
    local = {path.stem for path in POLICY_DIR.glob("*.py")} | {path.parent.name for path in POLICY_DIR.glob("*/__init__.py")}
    third_party = imported - local - sys.stdlib_module_names - {"__future__"}
    assert third_party == {"pulumi", "pulumi_policy", "google"}  # google.protobuf comes with pulumi


def test_the_pack_has_a_version_and_its_own_virtualenv() -> None:
    project = yaml.safe_load((POLICY_DIR / "PulumiPolicy.yaml").read_text())
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(project["version"]))
    assert project["runtime"] == {"name": "python", "options": {"virtualenv": ".venv"}}
    assert ".venv/" in (ROOT / ".gitignore").read_text().split()
