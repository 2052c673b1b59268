"""Prove that a change left what the program registers untouched: inventories before and after, byte for byte.

    python -m bench.same_inventories write DIR     # before the change
    python -m bench.same_inventories compare DIR   # after it: exit 1 when any inventory differs

Cases: the repository's and the tests' stack files (dev and prod) and the 100-account organization. The `--json`
inventories are compared whole, ignoring nothing, and so is what the preview prints; for each case that differs the
first differing resource (or line) is named.
Run both from the same checkout: a Lambda archive's path is absolute, so another directory is another input.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.cases import many_accounts_stack_file
from tests.stackfiles import ROOT, fixture_path


def cases(scratch: Path) -> dict[str, tuple[str, Path]]:
    """Case file slug -> (stack, stack file)."""
    return {"dev": ("dev", ROOT / "Pulumi.dev.yaml"), "prod": ("prod", ROOT / "Pulumi.prod.yaml"),
            "tests-dev": ("dev", fixture_path("dev")), "tests-prod": ("prod", fixture_path("prod")),
            "100-accounts": ("dev", many_accounts_stack_file(scratch))}


def write_inventory(stack: str, stack_file: Path, out: Path) -> None:
    """The preview's inventory of `stack_file` at `out`, what it printed beside it as `out` with .txt (exit 0 or 1
    is a verdict, not a failure)."""
    done = subprocess.run([sys.executable, "-m", "preview", stack, "--stack-file", str(stack_file), "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"preview of {stack_file} failed ({done.returncode}):\n{done.stderr}")
    out.with_suffix(".txt").write_text(done.stdout)


def first_different_line(old: str, new: str) -> str:
    for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines(), strict=False), start=1):
        if a != b:
            return f"printed line {number} differs: {a!r} became {b!r}"
    return f"printed {len(old.splitlines())} lines before, {len(new.splitlines())} after"


def first_difference(old: bytes, new: bytes) -> str:
    """The first resource (by position) whose entry differs, or the differing top-level keys."""
    before, after = json.loads(old), json.loads(new)
    for index, (a, b) in enumerate(zip(before["resources"], after["resources"], strict=False)):
        if a != b:
            keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            return f"resource {index} ({a.get('urn')}): {', '.join(keys)} differ"
    if len(before["resources"]) != len(after["resources"]):
        return f"{len(before['resources'])} resources before, {len(after['resources'])} after"
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return f"{', '.join(keys) or 'formatting'} differ"


def main(action: str, directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    different = 0
    with tempfile.TemporaryDirectory() as scratch:
        for slug, (stack, stack_file) in cases(Path(scratch)).items():
            kept = directory / f"{slug}.json"
            if action == "write":
                write_inventory(stack, stack_file, kept)
                print(f"{slug:<14} written ({len(json.loads(kept.read_bytes())['resources'])} resources)")
                continue
            fresh = Path(scratch) / f"{slug}.json"
            write_inventory(stack, stack_file, fresh)
            old, new = kept.read_bytes(), fresh.read_bytes()
            printed_before, printed_now = kept.with_suffix(".txt").read_text(), fresh.with_suffix(".txt").read_text()
            if old != new:
                different += 1
                print(f"{slug:<14} DIFFERENT: {first_difference(old, new)}")
            elif printed_before != printed_now:
                different += 1
                print(f"{slug:<14} DIFFERENT: {first_different_line(printed_before, printed_now)}")
            else:
                print(f"{slug:<14} identical ({len(json.loads(new)['resources'])} resources, {len(new):,} bytes, "
                      f"{len(printed_now.splitlines())} printed lines)")
    return 1 if different else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "compare"):
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
