"""House rules a reader of the code relies on: it speaks of the project, never of the issues or sessions that
shaped it (a newcomer has neither)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
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


# Data flows one way (docs: DESIGN.md): config reads the stack file and AWS facts, and everything else reads config.
CONFIG_MAY_NOT_IMPORT = ("components", "org", "policy", "preview", "bench", "functions", "__main__")


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for each import in the file; relative imports resolved against its package."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found += [(node.lineno, f"{module}.{alias.name}" if not node.module else module) for alias in node.names]
    return found


def test_config_imports_nothing_downstream() -> None:
    found = [f"{path.relative_to(ROOT)}:{line}: imports {module}"
             for path in sorted((ROOT / "config").rglob("*.py"))
             for line, module in _imported_modules(path)
             if module.split(".")[0] in CONFIG_MAY_NOT_IMPORT]
    assert found == [], "config/ reads only itself, aws_facts/ and libraries; move the fact both need to aws_facts/"


def test_aws_facts_need_only_the_standard_library() -> None:
    """The policy pack loads aws_facts/ through the link policy/aws_facts, in its own virtualenv."""
    found = [f"{path.relative_to(ROOT)}:{line}: imports {module}"
             for path in sorted((ROOT / "aws_facts").rglob("*.py"))
             for line, module in _imported_modules(path)
             if module.split(".")[0] not in sys.stdlib_module_names | {"__future__", "aws_facts"}]
    assert found == []
    assert (ROOT / "policy" / "aws_facts").resolve() == (ROOT / "aws_facts").resolve()


def test_management_is_named_once() -> None:
    sources = {path.resolve() for path in ROOT.rglob("*.py") if not {".venv", "out"} & set(path.relative_to(ROOT).parts)}
    defined = [f"{path.relative_to(ROOT)}:{line}"
               for path in sorted(sources)
               for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
               if re.match(r"MANAGEMENT\s*=", text)]
    assert defined == ["aws_facts/accounts.py:4"]


def test_policy_defines_each_resource_type_once() -> None:
    """Named type tokens live in policy/rules/resource_types.py, one name each (a rule may still spell a type it alone
    reads inline)."""
    token = re.compile(r'^(_?[A-Z][A-Z0-9_]*)\s*=\s*"(aws:[a-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+)"', re.MULTILINE)
    found = [(path.relative_to(ROOT).as_posix(), name, value)
             for path in sorted((ROOT / "policy").rglob("*.py")) if not {".venv", "aws_facts"} & set(path.parts)
             for name, value in token.findall(path.read_text(encoding="utf-8"))]
    assert [f"{path}: {name}" for path, name, _ in found if path != "policy/rules/resource_types.py"] == []
    values = [value for _, _, value in found]
    assert sorted(value for value in set(values) if values.count(value) > 1) == []


MAX_MODULE_LINES = 400


def test_no_module_is_longer_than_a_reader_holds() -> None:
    """A module a newcomer reads in one sitting: split by subject past 400 lines (tests included)."""
    long = [f"{path.relative_to(ROOT)}: {count} lines" for path in _tracked() if path.suffix == ".py" and path.exists()
            and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert long == []


def _component_classes() -> set[str]:
    """Names of the ComponentResource subclasses the program defines (components/ and org/)."""
    found = set()
    for path in [*(ROOT / "components").rglob("*.py"), *(ROOT / "org").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any("ComponentResource" in ast.unparse(base) for base in node.bases):
                found.add(node.name)
    return found


def test_the_composition_root_passes_named_values() -> None:
    """Each component call in __main__.py passes at most two values by position (its name and its config section or
    its home); everything else by keyword, so two ids cannot be swapped unnoticed."""
    components = _component_classes()
    assert {"Organization", "Vpc", "DataTier", "AlertTopics", "SlackNotifier"} <= components
    calls = [node for node in ast.walk(ast.parse((ROOT / "__main__.py").read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in components]
    assert len(calls) >= 20
    assert [f"line {c.lineno}: {ast.unparse(c.func)} with {len(c.args)} positional values"
            for c in calls if len(c.args) > 2] == []


def test_the_readme_layout_names_every_top_level_folder() -> None:
    """README's layout table lists each folder of the repository, and only folders that exist."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z_]+)/` \|", layout, re.MULTILINE))
    folders = {path.relative_to(ROOT).parts[0] for path in _tracked() if len(path.relative_to(ROOT).parts) > 1
               and not path.relative_to(ROOT).parts[0].startswith(".")}
    assert listed == folders
