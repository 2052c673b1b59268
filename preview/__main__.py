"""`python -m preview STACK [--json FILE] [--html FILE] [--diff OLD.json]`: what `pulumi preview` would do, offline.

Exit status: 0 clean, 1 a mandatory policy violation (or a change that would delete or rename a protected resource),
2 invalid config or stack file.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

from config.errors import ConfigError
from config.security_hub import DISABLED_CONTROLS_OUTPUT
from policy import compliance, rules
from preview import diff as changes
from preview.account_states import account_state_document, account_state_lines
from preview.inventory import Inventory
from preview.quotas import quota_document, quota_lines
from preview.render import render
from preview.run import run
from preview.stackfile import StackFileError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preview", description=__doc__.splitlines()[0])
    parser.add_argument("stack", help="stack name; reads Pulumi.STACK.yaml")
    parser.add_argument("--json", metavar="FILE", type=Path, help="write the inventory as JSON to FILE")
    parser.add_argument("--html", metavar="FILE", type=Path, help="write the report page (diagram and all) to FILE")
    parser.add_argument("--diff", metavar="OLD", type=Path,
                        help="compare with an earlier inventory (e.g. the previous out/STACK.json), as pulumi preview does")
    parser.add_argument("--stack-file", metavar="PATH", type=Path, help="read this stack file instead")
    args = parser.parse_args(argv)
    try:
        previous = _previous(args.diff)  # read before --json may overwrite the same file
        result = run(args.stack, stack_file=args.stack_file)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except StackFileError as error:
        print(f"invalid stack file: {error}", file=sys.stderr)
        return 2
    except changes.InventoryError as error:
        print(f"cannot compare: {error}", file=sys.stderr)
        return 2
    inventory = Inventory(result)
    resources = inventory.policy_resources()
    violations = rules.evaluate(resources)
    # Reasons of disabled controls: the program exports them beside the configuration policy that disables them.
    scorecard = compliance.scorecard(resources, result.outputs.get(DISABLED_CONTROLS_OUTPUT) or {})
    document = inventory.document(violations, scorecard)
    document |= {"quotas": quota_document(resources), "account_states": account_state_document(resources)}
    change = changes.compare(previous, document)
    print(render(inventory, violations, scorecard, blocks=[quota_lines(resources), account_state_lines(resources)]))
    print()
    print("\n".join(changes.lines(change, against=str(args.diff) if previous is not None else None)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    if args.html:
        from preview.report import page  # noqa: PLC0415  # its libraries load only when a report is asked for

        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(page(document, diff=change.as_json() if previous is not None else None))
    refused = bool(change.refused)
    return 1 if refused or any(v.level == "mandatory" for v in violations) else 0


def _previous(path: Path | None) -> dict[str, Any] | None:
    """The earlier inventory to compare with; InventoryError (exit 2) when it cannot be read as one."""
    if path is None:
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise changes.InventoryError(f"{path}: not an inventory ({error}); pass a file `--json` wrote") from None
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        raise changes.InventoryError(f"{path}: not an inventory (no `resources` list); pass a file `--json` wrote")
    return document


if __name__ == "__main__":
    gc.disable()  # a one-shot process: what it allocates lives until it exits, so the collector's scans buy nothing
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # everything is written: tearing down the run's million objects one by one would take a second
