"""Rehearse another company adopting the project: its stack files, its `make test`.

    python tests/adopt.py [--keep]

Copies the repository's tracked files to a temporary directory, then makes both root stack files a different
company's: the organization renamed (`shop` -> `acme`), the home region moved to us-east-1 (AZs, allowed regions,
backup copies to us-west-2), and an account `payments` added with a VPC in the prod segment. It runs `make test`
in the copy, with this checkout's `.venv`, and exits with its status: the suite tests the program on its own
fixtures (tests/stacks/) and checks the adopted files, so it must stay green. `--keep` leaves the copy for a look.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REGION, COPY_REGION = "us-east-1", "us-west-2"
ZONES = {"dev": ["us-east-1a", "us-east-1b"], "prod": ["us-east-1a", "us-east-1b", "us-east-1c"]}


def adapt(config: dict[str, Any], stack: str) -> dict[str, Any]:
    """The stack's config as another company would write it."""
    organization = config["landing-zone:organization"]
    organization["name"] = "acme"
    organization["region"] = REGION
    organization["availability_zones"] = ZONES[stack]
    config["aws:region"] = REGION
    guardrails = config.setdefault("landing-zone:guardrails", {})
    guardrails["allowed_regions"] = [REGION, COPY_REGION]
    for account in config["landing-zone:accounts"]:
        account["email"] = account["email"].replace("shop.example", "acme.example")
    config["landing-zone:accounts"].append(
        {"name": "payments", "email": "aws+payments@acme.example", "ou": "workloads", "purpose": "payment service"})
    config["landing-zone:network"]["vpcs"]["payments"] = {"cidr": "10.30.0.0/16", "segment": "prod"}
    for data in (config.get("landing-zone:data") or {}).values():
        copy = (data.get("backup") or {}).get("copy_to")
        if copy and copy.get("region"):
            copy["region"] = COPY_REGION
    return config


def copy_repository(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        source, destination = ROOT / name.decode(), target / name.decode()
        if source.is_symlink():  # policy/aws_facts: the pack's link to the shared facts stays a link
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.symlink_to(source.readlink())
        elif source.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    (target / ".venv").symlink_to(ROOT / ".venv")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave the copy in place")
    args = parser.parse_args()
    target = Path(tempfile.mkdtemp(prefix="landing-zone-adopted-"))
    try:
        copy_repository(target)
        for stack in ("dev", "prod"):
            path = target / f"Pulumi.{stack}.yaml"
            modeline, _, body = path.read_text(encoding="utf-8").partition("\n")
            document = yaml.safe_load(body)
            document["config"] = adapt(document["config"], stack)
            path.write_text(f"{modeline}\n{yaml.safe_dump(document, sort_keys=False)}", encoding="utf-8")
        print(f"adopted copy: {target}", flush=True)
        return subprocess.run(["make", "test"], cwd=target, check=False).returncode
    finally:
        if not args.keep:
            shutil.rmtree(target, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
