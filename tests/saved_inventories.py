"""Saved inventories of the test-owned stack files: what the program registers, kept to prove a change of the
house (a refactor) leaves it untouched.

    .venv/bin/python -m tests.saved_inventories        # rewrite them, after a change that means to alter what is registered

Each file is `<stack>.json.gz`: the `--json` inventory's `resources`, keyed by URN (so the order of registration may
change), with this checkout's absolute path written as `<repository>` (a Lambda archive's path is absolute).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from preview.inventory import Inventory
from preview.run import run
from tests.stackfiles import ROOT, STACKS, fixture_path

SAVED = Path(__file__).resolve().parent / "inventories"
CHECKOUT = "<repository>"


def path_of(stack: str) -> Path:
    return SAVED / f"{stack}.json.gz"


def comparable(inventory: Inventory) -> dict[str, Any]:
    """URN -> the inventory entry, the checkout's absolute path replaced, as JSON would give it back."""
    text = json.dumps({r["urn"]: r for r in inventory.resources_json()}, sort_keys=True)
    return json.loads(text.replace(json.dumps(str(ROOT))[1:-1], CHECKOUT))


def saved(stack: str) -> dict[str, Any]:
    return json.loads(gzip.decompress(path_of(stack).read_bytes()))


def write() -> None:
    for stack in STACKS:
        document = comparable(Inventory(run(stack, stack_file=fixture_path(stack))))
        # mtime=0: the same inventory gives the same bytes, so git sees no change where there is none.
        path_of(stack).write_bytes(gzip.compress(json.dumps(document, sort_keys=True, indent=1).encode(), mtime=0))
        print(f"{path_of(stack).relative_to(ROOT)}: {len(document)} resources")


if __name__ == "__main__":
    write()
