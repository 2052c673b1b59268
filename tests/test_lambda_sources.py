"""Every Lambda function both stacks register has its source on disk, and its handler imports from the archive's
layout (mocks accept a FileArchive of a path that does not exist; the engine would not)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from preview.run import Run
from tests.stackfiles import ROOT

FUNCTION = "aws:lambda/function:Function"


def _sources(code: dict[str, Any]) -> dict[str, Path]:
    """Where each part of a registered archive comes from: {name inside the zip ("" for its root): path}."""
    if "path" in code:
        return {"": ROOT / code["path"]}
    return {name: ROOT / asset["path"] for name, asset in code["assets"].items()}


def _functions(runs: dict[str, Run]) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """(handler, archive) of every function, once per distinct pair."""
    found = {}
    for result in runs.values():
        for function in result.of_type(FUNCTION):
            code = function.inputs["code"]
            found[(function.inputs["handler"], repr(code))] = (function.inputs["handler"], code)
    return found


def test_every_function_in_both_stacks_is_checked(runs: dict[str, Run]) -> None:
    handlers = {handler for handler, _ in _functions(runs).values()}
    assert {"curation.ingest.handler", "curation.api.handler"} <= handlers


def test_every_source_exists_and_every_handler_imports(runs: dict[str, Run], tmp_path: Path) -> None:
    for index, (handler, code) in enumerate(_functions(runs).values()):
        layout = tmp_path / str(index)
        layout.mkdir()
        for name, source in _sources(code).items():
            assert source.exists(), f"{handler}: {source} does not exist"
            target = layout / name if name else layout
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, target)
        module, _, function = handler.rpartition(".")
        loaded = subprocess.run(
            [sys.executable, "-E", "-s", "-c", f"import {module}; print(callable({module}.{function}))"],
            cwd=layout, capture_output=True, text=True, check=False, timeout=60,
        )
        assert (loaded.returncode, loaded.stdout.strip()) == (0, "True"), f"{handler}: {loaded.stderr}"


@pytest.mark.parametrize("handler", ["curation.ingest.handler", "curation.api.handler"])
def test_a_missing_source_or_handler_would_fail(tmp_path: Path, handler: str) -> None:
    (tmp_path / "curation").mkdir()  # an empty package: the handler module is missing
    module = handler.rpartition(".")[0]
    loaded = subprocess.run([sys.executable, "-E", "-s", "-c", f"import {module}"], cwd=tmp_path,
                            capture_output=True, text=True, check=False, timeout=60)
    assert loaded.returncode != 0 and "ModuleNotFoundError" in loaded.stderr
