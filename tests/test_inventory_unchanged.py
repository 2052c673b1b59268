"""What the program registers for the test-owned stack files equals the saved inventories (tests/inventories/).

A change of the house (moving code, renaming parameters, splitting modules) must leave every resource as it was:
its URN, inputs, options, dependencies and provider. A change that means to alter what is registered rewrites the
saved inventories (`.venv/bin/python -m tests.saved_inventories`) in the same commit, so the review sees both.
"""

from __future__ import annotations

import pytest

from preview.inventory import Inventory
from tests import saved_inventories
from tests.stackfiles import STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_the_program_registers_what_was_saved(stack: str, inventories: dict[str, Inventory]) -> None:
    now, before = saved_inventories.comparable(inventories[stack]), saved_inventories.saved(stack)
    added, removed = sorted(now.keys() - before.keys()), sorted(before.keys() - now.keys())
    assert not added and not removed, f"URNs added: {added[:5]}, removed: {removed[:5]}"
    changed = [(urn, sorted(k for k in now[urn].keys() | before[urn].keys() if now[urn].get(k) != before[urn].get(k)))
               for urn in sorted(now) if now[urn] != before[urn]]
    assert changed == [], f"{len(changed)} resources differ, first: {changed[:5]}"
