"""The JSON Schema of the fact-sheet format, for editors (VS Code's YAML extension).

The model (model.py) is the single source of truth. Generating from it takes one
small step of our own (`_Draft07`), which keeps the schema draft-07 and helpful in an
editor:

- no `default: null`: completion would insert `key: null`;
- no titles made up from field names ("Page Limit"): hover shows the description;
- a `$ref` with a description next to it becomes `allOf: [{$ref}]` plus the
  description, because draft-07 ignores every keyword beside `$ref`.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

#: Where the committed copy lives inside the package (and in the source tree).
PACKAGED = ("schema", "factsheet.schema.json")


class _Draft07(GenerateJsonSchema):
    """Pydantic's generator, with the editor-friendly draft-07 changes listed above."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        generated = super().default_schema(schema)
        if generated.get("default", ...) is None:
            del generated["default"]
        return generated

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _ref_siblings_to_all_of(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _ref_siblings_to_all_of(value) for key, value in node.items()}
        if "$ref" in node and len(node) > 1:
            ref = node.pop("$ref")
            return {"allOf": [{"$ref": ref}], **node}
        return node
    if isinstance(node, list):
        return [_ref_siblings_to_all_of(value) for value in node]
    return node


def json_schema() -> dict[str, Any]:
    """The schema generated from the model, limited to draft-07 features."""
    from .model import FactSheet

    schema = FactSheet.model_json_schema(ref_template="#/definitions/{model}", schema_generator=_Draft07)
    definitions = schema.pop("$defs", {})
    generated: dict[str, Any] = _ref_siblings_to_all_of({
        "$schema": DRAFT_07,
        **schema,
        "definitions": definitions,
    })
    return generated


def schema_text() -> str:
    """The schema as the committed file holds it (stable key order, trailing newline)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def packaged_schema_path() -> Any:
    """The schema file that ships in the package (a Traversable)."""
    return resources.files("briefgen").joinpath(*PACKAGED)
