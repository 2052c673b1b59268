"""Fixtures: the program run offline per test-owned stack file, through the same runner the preview uses."""

from __future__ import annotations

import gc

import pytest

from preview.inventory import Inventory
from preview.run import Run, run
from tests.stackfiles import STACKS, fixture_path


@pytest.fixture(scope="session")
def runs() -> dict[str, Run]:
    """The program run once per test-owned stack file (tests/stacks/), shared by the whole session."""
    runs = {stack: run(stack, stack_file=fixture_path(stack)) for stack in STACKS}
    # The runs live as long as the session: keep the collector from scanning their million objects after each test.
    gc.collect()
    gc.freeze()
    return runs


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
