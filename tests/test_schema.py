"""The committed JSON Schema matches the models and underlines what the models refuse."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from config.schema import stack_file_schema
from tests.stackfiles import ROOT, fixture_path

SCHEMA_PATH = ROOT / "schema" / "landing-zone.schema.json"


def test_committed_schema_is_current() -> None:
    committed = json.loads(SCHEMA_PATH.read_text())
    assert committed == stack_file_schema(), "schema/landing-zone.schema.json is stale: run `make schema`"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_fixture_stack_files_satisfy_the_schema(stack: str) -> None:
    jsonschema.validate(yaml.safe_load(fixture_path(stack).read_text()), stack_file_schema())


def test_schema_underlines_unknown_sections_and_keys() -> None:
    document = yaml.safe_load(fixture_path("dev").read_text())
    unknown_section = copy.deepcopy(document)
    unknown_section["config"]["landing-zone:netwrok"] = {}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(unknown_section, stack_file_schema())
    unknown_key = copy.deepcopy(document)
    unknown_key["config"]["landing-zone:organization"]["regoin"] = "us-east-1"
    with pytest.raises(jsonschema.ValidationError, match="regoin"):
        jsonschema.validate(unknown_key, stack_file_schema())
