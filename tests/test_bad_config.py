"""The bad-config corpus: every variant is refused with exit status 2, each problem named by its YAML path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from preview.__main__ import main
from tests.stackfiles import ROOT, write_stack_file

CORPUS = sorted((Path(__file__).parent / "bad_config").glob("*.yaml"))


def _variant(tmp_path: Path, case: Path) -> tuple[Path, dict]:
    spec = yaml.safe_load(case.read_text())
    path = write_stack_file(tmp_path, spec["base"], patch=spec.get("patch"), sets=spec.get("set"), name=case.stem)
    return path, spec


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 15


@pytest.mark.parametrize("case", CORPUS, ids=[case.stem for case in CORPUS])
def test_bad_config_exits_2_naming_the_path(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, spec = _variant(tmp_path, case)
    status = main([spec["base"], "--stack-file", str(path)])
    captured = capsys.readouterr()
    assert status == 2, captured.out + captured.err
    for expected in spec["expect"]:
        assert expected in captured.err, f"{expected!r} not in:\n{captured.err}"
    assert "Traceback" not in captured.err + captured.out
    assert captured.err.startswith("invalid stack config (")


def test_exit_status_and_message_from_a_real_process(tmp_path: Path) -> None:
    path, spec = _variant(tmp_path, CORPUS[0])
    result = subprocess.run([sys.executable, "-m", "preview", "dev", "--stack-file", str(path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert spec["expect"][0] in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_stack_file_is_a_config_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nosuchstack"]) == 2
    assert "Pulumi.nosuchstack.yaml: no such stack file" in capsys.readouterr().err
