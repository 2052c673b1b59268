"""Stack files the benchmarks preview beyond the repository's own: the organization grown to 100 accounts."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.stackfiles import base_config


def many_accounts_stack_file(directory: Path, total: int = 100, with_vpcs: bool = True) -> Path:
    """The tests' dev stack grown to `total` member accounts (each with its own VPC when `with_vpcs`)."""
    config = base_config("dev")
    accounts = config["landing-zone:accounts"]
    vpcs = config["landing-zone:network"]["vpcs"]
    for index in range(total - len(accounts)):
        name = f"svc{index:03d}"
        accounts.append({"name": name, "email": f"aws-sandbox+{name}@shop.example", "ou": "workloads"})
        if with_vpcs:
            vpcs[name] = {"cidr": f"10.{100 + index // 4}.{(index % 4) * 64}.0/18"}
    path = directory / f"Pulumi.bench{total}{'' if with_vpcs else '-novpc'}.yaml"
    path.write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    return path
