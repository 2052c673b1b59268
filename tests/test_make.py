"""`make` checks the interpreter before pip meets it, and makes a .venv an older Python left behind again."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _project(tmp_path: Path, requirements: str = "") -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "requirements.txt").write_text(requirements)
    return tmp_path


def _python(path: Path, version: str) -> Path:
    """A stand-in interpreter that says it is `version` and fails the version check."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho 'Python {version}'\nexit 1\n")
    path.chmod(0o755)
    return path


def test_an_old_python_is_named_before_pip_runs(tmp_path: Path) -> None:
    project = _project(tmp_path)
    old = _python(tmp_path / "bin" / "python3.9", "3.9.18")
    result = subprocess.run(["make", "-s", ".venv/.installed", f"PYTHON={old}"], cwd=project, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "landing-zone needs Python 3.11 or newer" in result.stderr and "Python 3.9.18" in result.stderr
    assert not (project / ".venv").exists()


def test_a_venv_an_older_python_made_is_made_again(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _python(project / ".venv" / "bin" / "python", "3.9.18")
    result = subprocess.run(["make", "-s", ".venv/.installed", f"PYTHON={sys.executable}"], cwd=project,
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr
    assert "made by an older or broken Python; making it again" in result.stdout
    version = subprocess.run([str(project / ".venv" / "bin" / "python"), "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout
    assert version.strip() >= "(3, 11)"
