"""A few components built alone under the preview's mocks and recording monitor (preview/mocks.py), for tests where
a whole-program run would be paid for one number; what they registered comes back as a `Run`, read like any other
(tests/run_view.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pulumi
from pulumi.runtime import settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from preview.mocks import LandingZoneMocks, RecordingMonitor
from preview.run import PROJECT, Run

REGION = "ap-northeast-2"
MANAGEMENT_ACCOUNT_ID = "111111111111"


def run_components(program: Callable[[], None], config: Mapping[str, str] | None = None,
                   secret_keys: Sequence[str] = (), stack: str = "components") -> Run:
    """Run `program` (which builds the components under test) with `config` set as the engine sets it (objects as
    JSON strings; `secret_keys` marked secret), as the preview runs __main__.py: same mocks, same recording."""
    values = {"aws:region": REGION, **(config or {})}
    mocks = LandingZoneMocks(region=values["aws:region"], management_account_id=MANAGEMENT_ACCOUNT_ID)
    recorder = RecordingMonitor(mocks)
    pulumi.runtime.set_all_config(values, list(secret_keys))
    settings.set_root_resource(None)  # type: ignore[arg-type]  # a fresh Stack for every run
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=recorder)
    _sync_await(run_pulumi_func(program))
    registrations = sorted(recorder.registrations, key=lambda r: r.urn)
    return Run(PROJECT, stack, registrations, {}, values, dict(mocks.provider_accounts))
