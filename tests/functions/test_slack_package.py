"""The Slack notifier's deployment package: small, standard library only, and loaded as Lambda loads it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from functions.slack_notifier import handler

from .notifier_samples import ALARM, sns_event
from .slack_stand_in import StandIn, environment

SOURCE = Path(handler.__file__).parent


def build_package(directory: Path) -> Path:
    archive = directory / "slack_notifier.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as package:
        for source in sorted(SOURCE.glob("*.py")):
            package.write(source, f"slack_notifier/{source.name}")
    return archive


def test_deployment_package_is_small_and_standard_library_only(tmp_path: Path) -> None:
    archive = build_package(tmp_path)
    assert archive.stat().st_size < 50 * 1024
    allowed = set(sys.stdlib_module_names)
    for source in SOURCE.glob("*.py"):
        for line in source.read_text().splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] in ("import", "from") and not words[1].startswith("."):
                assert words[1].split(".")[0] in allowed | {"__future__"}, f"{source.name}: {line}"


def test_package_runs_as_lambda_loads_it(env: StandIn, tmp_path: Path) -> None:
    archive = build_package(tmp_path)
    script = (
        "import importlib, json, sys\n"
        f"sys.path[:0] = [{str(archive)!r}]\n"
        "module = importlib.import_module('slack_notifier.handler')\n"
        "class Context:\n    def get_remaining_time_in_millis(self): return 10000\n"
        "print(json.dumps(module.handler(json.loads(sys.stdin.read()), Context())))\n"
    )
    run = subprocess.run([sys.executable, "-I", "-c", script], input=json.dumps(sns_event(ALARM)), text=True,
                         capture_output=True, env=environment(env.url), timeout=30, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["posted"][0]["channel"] == "C0CRITICAL"
    assert len(env.posts) == 1 and len(env.secret_calls) == 1


def test_flat_package_fails_with_a_clear_message(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(SOURCE)!r}); import handler"],
                         capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode != 0
    assert "slack_notifier.handler.handler" in run.stderr
