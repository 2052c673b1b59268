"""House rules a reader of the code relies on: it speaks of the project, never of the issues or sessions that
shaped it (a newcomer has neither)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ISSUE_REFERENCE = re.compile(r"\bissues?\s*#?\d+|\bsession\s*#?\d+", re.IGNORECASE)


def _tracked() -> list[Path]:
    try:
        names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in names.splitlines() if name]


def test_no_file_names_an_issue_or_session() -> None:
    found = []
    for path in _tracked():
        if path.suffix in (".png", ".svg") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
                  for m in ISSUE_REFERENCE.finditer(text)]
        if re.match(r"i\d+-", path.name):
            found.append(f"{path.relative_to(ROOT)}: a name numbered after an issue")
    assert found == []
