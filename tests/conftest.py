"""Fixtures: the program run offline per test-owned stack file, through the same runner the preview uses."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest

from preview.inventory import Inventory
from preview.run import Run, run
from tests import network_view, variants
from tests.shared_runs import shared_run, shared_variant_run
from tests.stackfiles import STACKS, fixture_path
from tests.variants import Variant


@pytest.fixture(scope="session")
def shared_directory(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path | None:
    """Where this session's pytest-xdist workers leave runs for each other; None when pytest runs alone."""
    return None if worker_id == "master" else tmp_path_factory.getbasetemp().parent


@pytest.fixture(scope="session")
def runs(shared_directory: Path | None, worker_id: str) -> dict[str, Run]:
    """The program run once per test-owned stack file (tests/stacks/), shared by the whole session."""
    # Odd workers start from the other stack: two workers make the two runs at once, then each loads the other's.
    odd = worker_id != "master" and int(worker_id.removeprefix("gw")) % 2 == 1
    made = {stack: shared_run(shared_directory, f"{stack}\n{fixture_path(stack).read_text()}",
                              lambda stack=stack: run(stack, stack_file=fixture_path(stack)))
            for stack in (STACKS[::-1] if odd else STACKS)}
    # The runs live as long as the session: keep the collector from scanning their million objects after each test.
    gc.collect()
    gc.freeze()
    return {stack: made[stack] for stack in STACKS}


@pytest.fixture(scope="session")
def dev(runs: dict[str, Run]) -> Run:
    return runs["dev"]


@pytest.fixture(scope="session")
def prod(runs: dict[str, Run]) -> Run:
    return runs["prod"]


@pytest.fixture(scope="session", params=STACKS)
def stack_run(request: pytest.FixtureRequest, runs: dict[str, Run]) -> Run:
    """Each stack in turn, for assertions that hold in both."""
    return runs[request.param]


@pytest.fixture(scope="session")
def inventories(runs: dict[str, Run]) -> dict[str, Inventory]:
    return {stack: Inventory(result) for stack, result in runs.items()}


VARIANTS: dict[str, Variant] = {
    "sandbox_reorganized": variants.SANDBOX_REORGANIZED,
    "production_retuned": variants.PRODUCTION_RETUNED,
    "sandbox_switched_off": variants.SANDBOX_SWITCHED_OFF,
    "sandbox_direct_connect": network_view.SANDBOX_WITH_DIRECT_CONNECT,
}


@pytest.fixture(scope="session")
def variant_runs(shared_directory: Path | None, tmp_path_factory: pytest.TempPathFactory,
                 worker_id: str) -> dict[str, Run]:
    """The whole program on each of VARIANTS, made once per session for both pytest-xdist workers (each only when
    asked for, when pytest runs alone)."""
    if shared_directory is None:
        return _MadeWhenAsked(tmp_path_factory)
    # As with `runs`: the workers start from opposite ends, so each makes half and loads the other half.
    odd = int(worker_id.removeprefix("gw")) % 2 == 1
    made = {name: shared_variant_run(shared_directory, tmp_path_factory.mktemp(name), VARIANTS[name])
            for name in (list(VARIANTS)[::-1] if odd else VARIANTS)}
    gc.collect()
    gc.freeze()
    return made


class _MadeWhenAsked(dict[str, Run]):
    def __init__(self, tmp_path_factory: pytest.TempPathFactory):
        super().__init__()
        self.tmp_path_factory = tmp_path_factory

    def __missing__(self, name: str) -> Run:
        made = self[name] = shared_variant_run(None, self.tmp_path_factory.mktemp(name), VARIANTS[name])
        return made


def _variant_fixture(name: str) -> Callable[..., Run]:
    @pytest.fixture(scope="session", name=name)
    def made(variant_runs: dict[str, Run]) -> Run:
        return variant_runs[name]

    made.__doc__ = f"The whole program on tests/variants.py's {name.upper()}, made once per session."
    return made


sandbox_reorganized = _variant_fixture("sandbox_reorganized")
sandbox_switched_off = _variant_fixture("sandbox_switched_off")
production_retuned = _variant_fixture("production_retuned")
sandbox_direct_connect = _variant_fixture("sandbox_direct_connect")


@pytest.fixture(scope="session")
def services_switched(sandbox_reorganized: Run) -> Run:
    """The run with tests/services_view.py's SERVICE_SWITCHES: tests/variants.py's SANDBOX_REORGANIZED holds them."""
    return sandbox_reorganized
