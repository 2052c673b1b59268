"""Run __main__.py under the SDK's mocks with a stack's config, and collect what it registered.

The preview and the tests both come through here: one way to run the program offline.
"""

from __future__ import annotations

import gc
import json
import os
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime import settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from preview import stackfile
from preview.mocks import SECRET_SHOWN, LandingZoneMocks, RecordingMonitor, Registration, plain

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "landing-zone"


@dataclass
class Run:
    """The result of one offline run: registrations in URN order, stack outputs, and the config it ran with."""

    project: str
    stack: str
    registrations: list[Registration]
    outputs: dict[str, Any]
    config: dict[str, str]
    provider_accounts: dict[str, tuple[str, str]] = field(default_factory=dict)

    def of_type(self, token: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == token]

    def by_urn(self, urn: str) -> Registration:
        for registration in self.registrations:
            if registration.urn == urn:
                return registration
        raise KeyError(urn)


def run(stack: str, stack_file: Path | None = None, overrides: dict[str, str] | None = None) -> Run:
    """Run the program for `stack` (reading `stack_file` instead of Pulumi.<stack>.yaml when given).

    Raises whatever the program raises; config.ConfigError for invalid config.
    """
    path = stack_file or ROOT / f"Pulumi.{stack}.yaml"
    values, secret_keys = stackfile.load(path, PROJECT)
    values.update(overrides or {})
    region = values.get("aws:region", "ap-northeast-2")
    management_id = _management_account_id(values)
    mocks = LandingZoneMocks(region=region, management_account_id=management_id)
    monitor = RecordingMonitor(mocks)

    pulumi.runtime.set_all_config(values, secret_keys)
    settings.set_root_resource(None)  # type: ignore[arg-type]  # a fresh Stack for every run
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    settings.SETTINGS.outputs.clear()

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    def program() -> None:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

    # The engine runs a program from its project directory; relative asset paths depend on it.
    previous = os.getcwd()
    os.chdir(ROOT)
    collecting = gc.isenabled()
    # A run's Outputs, futures and closures live until it ends: the collector's heap scans would cost a third of it.
    gc.disable()
    try:
        _sync_await(run_pulumi_func(program))
        outputs = _sync_await(_resolve_outputs())
    finally:
        os.chdir(previous)
        if collecting:
            gc.enable()
    registrations = sorted(monitor.registrations, key=lambda r: r.urn)
    return Run(PROJECT, stack, registrations, outputs, values, dict(mocks.provider_accounts))


def _management_account_id(values: dict[str, str]) -> str:
    try:
        return str(json.loads(values.get(f"{PROJECT}:organization", "{}")).get("management_account_id", "000000000000"))
    except (ValueError, AttributeError):
        return "000000000000"


async def _resolve_outputs() -> dict[str, Any]:
    root = settings.get_root_resource()
    exported: dict[str, Any] = getattr(root, "outputs", {}) or {}
    resolved: dict[str, Any] = {}
    for name, value in exported.items():
        output = pulumi.Output.from_input(value)
        if await output.is_secret():
            resolved[name] = SECRET_SHOWN
        else:
            resolved[name] = plain(await output.future())
    return resolved
