"""The curation package loads the way Lambda loads it: as `curation`, with only what the runtime has."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "functions" / "curation"
RUNTIME = set(sys.stdlib_module_names) | {"boto3", "botocore"}


def test_the_handlers_import_from_a_directory_named_curation() -> None:
    loaded = subprocess.run(
        [sys.executable, "-E", "-s", "-c", "import curation.ingest, curation.api; "
                                     "print(callable(curation.ingest.handler), callable(curation.api.handler))"],
        cwd=PACKAGE.parent, capture_output=True, text=True, check=False, timeout=60,
    )
    assert (loaded.returncode, loaded.stdout.strip()) == (0, "True True"), loaded.stderr


def test_modules_import_nothing_beyond_the_standard_library_and_boto3() -> None:
    outside: dict[str, set[str]] = {}
    for source in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            foreign = {name.split(".")[0] for name in names} - RUNTIME
            if foreign:
                outside.setdefault(source.name, set()).update(foreign)
    assert outside == {}
