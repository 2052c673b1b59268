"""The repository's own stack files, whatever a company made of them: valid config, schema, policy clean.

Everything else in the suite runs on the test-owned files in tests/stacks/, so renaming the organization, moving
region or adding accounts in Pulumi.<stack>.yaml changes only what these checks look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from config.schema import stack_file_schema
from policy import rules
from preview.inventory import Inventory
from preview.run import Run, run
from tests.stackfiles import ROOT, fixture_path

STACK_FILES = sorted(ROOT.glob("Pulumi.*.yaml"))
MODELINE = "# yaml-language-server: $schema=./schema/landing-zone.schema.json"


def _stack(path: Path) -> str:
    return path.name.removeprefix("Pulumi.").removesuffix(".yaml")


@pytest.fixture(scope="module")
def repository_runs(runs: dict[str, Run]) -> dict[str, Run]:
    """One run per repository stack file; a file identical to its test fixture reuses the session's run."""
    results = {}
    for path in STACK_FILES:
        stack = _stack(path)
        fixture = fixture_path(stack)
        same = stack in runs and fixture.is_file() and fixture.read_bytes().split(b"\n", 1)[1] == \
            path.read_bytes().split(b"\n", 1)[1]  # the modelines differ by the schema's relative path
        results[stack] = runs[stack] if same else run(stack, stack_file=path)
    return results


def test_the_repository_has_stack_files() -> None:
    assert STACK_FILES, "no Pulumi.<stack>.yaml at the repository's root"


@pytest.mark.parametrize("path", STACK_FILES, ids=[p.name for p in STACK_FILES])
def test_stack_file_carries_the_modeline_and_satisfies_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE, f"{path.name}: first line should be {MODELINE!r} for editors"
    jsonschema.validate(yaml.safe_load(text), stack_file_schema())


@pytest.mark.parametrize("path", STACK_FILES, ids=[p.name for p in STACK_FILES])
def test_stack_file_previews_policy_clean(path: Path, repository_runs: dict[str, Run]) -> None:
    inventory = Inventory(repository_runs[_stack(path)])
    violations = [f"{v.policy}: {v.message}" for v in rules.evaluate(inventory.policy_resources())
                  if v.level == "mandatory"]
    assert violations == [], f"{path.name} would fail `make preview`"


def test_the_readme_needs_nothing_outside_the_repository() -> None:
    """A clone comes without the steering repository: README links stay inside the project."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../" not in readme
    for link in re.findall(r"\]\(([^)#]+)\)", readme):
        if not link.startswith(("http://", "https://")):
            assert (ROOT / link).exists(), f"README links to {link}, which is not in the repository"


@pytest.mark.parametrize("path", STACK_FILES, ids=[p.name for p in STACK_FILES])
def test_the_example_web_services_wait_for_their_certificates(path: Path) -> None:
    """README: keep web disabled until the account's ACM certificate exists; the examples do as README says."""
    services = yaml.safe_load(path.read_text(encoding="utf-8"))["config"].get("landing-zone:services") or {}
    for name, section in services.items():
        web = section.get("web") or {}
        assert not web.get("enabled", True) or web.get("certificate_arn"), \
            f"{path.name}: services.{name}.web is enabled without a certificate_arn"
