"""`python -m preview STACK --diff OLD.json`: each resource to create, update or delete, like `pulumi preview`,
with a closing `Resources:` line; deleting or renaming a protected resource is refused (exit 1)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import preview.__main__ as preview_main
from preview.diff import compare, lines
from preview.run import Run


def _resource(name: str, *, token: str = "aws:s3/bucket:Bucket", protect: bool = False,
              parent: str = "landing-zone:data:DataLake", **inputs: Any) -> dict[str, Any]:
    return {"urn": f"urn:pulumi:dev::landing-zone::{parent}${token}::{name}", "type": token, "name": name,
            "custom": True, "account": "dev", "protect": protect, "retainOnDelete": False, "ignoreChanges": [],
            "deleteBeforeReplace": False, "replaceOnChanges": [], "provider": "urn:provider", "aliases": [],
            "inputs": inputs}


def _inventory(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"project": "landing-zone", "stack": "dev", "resources": list(resources)}


def test_create_update_delete_and_unchanged_are_counted() -> None:
    old = _inventory(_resource("kept", bucket="a"), _resource("changed", bucket="b", tags={"Owner": "x"}),
                     _resource("gone", bucket="c"))
    new = _inventory(_resource("kept", bucket="a"), _resource("changed", bucket="b", tags={"Owner": "y"}),
                     _resource("added", bucket="d"))
    diff = compare(old, new)
    assert diff.summary == {"create": 1, "update": 1, "replace": 0, "delete": 1, "unchanged": 1}
    assert [(c.op, c.name, c.paths) for c in diff.changes] == [
        ("delete", "gone", ()), ("update", "changed", ("inputs.tags.Owner",)), ("create", "added", ())]
    text = lines(diff, against="out/dev.json")
    assert text[-1] == "Resources: + 1 to create, ~ 1 to update, - 1 to delete, 1 unchanged"
    assert "   ~ aws:s3/bucket:Bucket  changed  (dev)  [inputs.tags.Owner]" in text
    assert not diff.refused


def test_without_an_earlier_inventory_everything_is_to_create() -> None:
    diff = compare(None, _inventory(_resource("a"), _resource("b")))
    assert lines(diff, against=None)[-1] == "Resources: + 2 to create, ~ 0 to update, - 0 to delete, 0 unchanged"


def test_a_change_to_a_replace_on_changes_input_is_a_replacement() -> None:
    old, new = _resource("db", clusterIdentifier="a"), _resource("db", clusterIdentifier="b")
    new["replaceOnChanges"] = old["replaceOnChanges"] = ["clusterIdentifier"]
    diff = compare(_inventory(old), _inventory(new))
    assert [c.op for c in diff.changes] == ["replace"]
    assert "+- 1 to replace" in lines(diff, against="old")[-1]


def test_deleting_a_protected_resource_is_refused() -> None:
    diff = compare(_inventory(_resource("vault", token="aws:backup/vault:Vault", protect=True)),
                   _inventory())
    [refused] = diff.refused
    assert (refused.op, refused.name, refused.renamed_to) == ("delete", "vault", None)
    assert "PROTECTED" in lines(diff, against="old")[1]


def test_renaming_a_protected_resource_is_refused_unless_aliased() -> None:
    old = _resource("lake", protect=True, bucket="shop-dev-lake")
    renamed = _resource("lake", protect=True, bucket="shop-dev-lake", parent="landing-zone:data:Lake")
    diff = compare(_inventory(old), _inventory(renamed))
    [refused] = diff.refused
    assert refused.renamed_to == renamed["urn"]
    assert "PROTECTED: renamed to lake" in "\n".join(lines(diff, against="old"))
    aliased = {**renamed, "aliases": [old["urn"]]}
    moved = compare(_inventory(old), _inventory(aliased))
    assert moved.refused == [] and moved.summary["unchanged"] == 1


def test_secrets_stay_masked_in_the_lines() -> None:
    old = _resource("token", token="aws:secretsmanager/secretVersion:SecretVersion", secretString="[secret]")
    new = _resource("token", token="aws:secretsmanager/secretVersion:SecretVersion", secretString="hunter2hunter2")
    text = "\n".join(lines(compare(_inventory(old), _inventory(new)), against="old"))
    assert "inputs.secretString" in text and "hunter2" not in text and "[secret]" not in text


@pytest.fixture
def cached_runs(monkeypatch: pytest.MonkeyPatch, runs: dict[str, Run]) -> None:
    monkeypatch.setattr(preview_main, "run", lambda stack, stack_file=None: runs[stack])


def test_the_cli_compares_and_exits_1_for_a_protected_delete(cached_runs: None, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    current = tmp_path / "prod.json"
    assert preview_main.main(["prod", "--json", str(current)]) == 0
    capsys.readouterr()
    assert preview_main.main(["prod", "--diff", str(current)]) == 0
    out = capsys.readouterr().out
    count = len(json.loads(current.read_text())["resources"])
    assert out.rstrip().splitlines()[-1] == f"Resources: + 0 to create, ~ 0 to update, - 0 to delete, {count} unchanged"

    earlier = json.loads(current.read_text())
    extra = copy.deepcopy(next(r for r in earlier["resources"] if r["type"] == "aws:kms/key:Key" and r["protect"]))
    extra["urn"] += "-retired"
    extra["name"] += "-retired"
    earlier["resources"].append(extra)
    older = tmp_path / "older.json"
    older.write_text(json.dumps(earlier))
    assert preview_main.main(["prod", "--diff", str(older)]) == 1
    out = capsys.readouterr().out
    assert f"- aws:kms/key:Key  {extra['name']}" in out and "PROTECTED" in out
    assert out.rstrip().splitlines()[-1] == f"Resources: + 0 to create, ~ 0 to update, - 1 to delete, {count} unchanged"


def test_a_file_that_is_no_inventory_is_a_clear_error(cached_runs: None, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "notes.json"
    bogus.write_text("[1, 2]")
    assert preview_main.main(["dev", "--diff", str(bogus)]) == 2
    assert "not an inventory" in capsys.readouterr().err


def test_make_preview_compares_with_the_previous_inventory() -> None:
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "$(if $(wildcard out/$(STACK).json),--diff out/$(STACK).json)" in makefile
