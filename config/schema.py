"""JSON Schema of a stack file, generated from the models: `make schema` (a test fails when it is stale)."""

from __future__ import annotations

import json
from typing import Any

from config.errors import NAMESPACE
from config.regions import REGIONS
from config.secrets import SECRET_KEYS
from config.stack import StackConfig


def stack_file_schema() -> dict[str, Any]:
    """Schema for Pulumi.<stack>.yaml: `config:` holds `landing-zone:<section>` keys and other namespaces."""
    model = StackConfig.model_json_schema(ref_template="#/$defs/{model}")
    definitions = model.pop("$defs", {})
    sections = model["properties"]
    known = "|".join(sorted([*sections, *SECRET_KEYS]))
    config_properties: dict[str, Any] = {
        "aws:region": {"type": "string", "enum": list(REGIONS), "description": "Region of the default provider; "
                       "must equal landing-zone:organization.region."},
    }
    for name, schema in sections.items():
        config_properties[f"{NAMESPACE}:{name}"] = schema
    for key, secret in sorted(SECRET_KEYS.items()):  # credentials: only ever `secure:` (pulumi config set --secret)
        config_properties[f"{NAMESPACE}:{key}"] = {
            "type": "object", "properties": {"secure": {"type": "string"}}, "required": ["secure"],
            "additionalProperties": False, "description": f"Secret: {secret.description}.",
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "landing-zone stack file (Pulumi.<stack>.yaml)",
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "properties": config_properties,
                "required": [f"{NAMESPACE}:{name}" for name in model.get("required", [])],
                # Other namespaces (aws:, pulumi:) are free; an unknown landing-zone: section is an error.
                "propertyNames": {"not": {"pattern": f"^{NAMESPACE}:(?!({known})$)"}},
            },
            "secretsprovider": {"type": "string"},
            "encryptedkey": {"type": "string"},
            "encryptionsalt": {"type": "string"},
        },
        "required": ["config"],
        "$defs": definitions,
    }


def main() -> None:
    print(json.dumps(stack_file_schema(), indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
