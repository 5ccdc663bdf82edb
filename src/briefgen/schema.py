"""The JSON Schema of the fact-sheet format, for editors (VS Code's YAML extension)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

#: Where the committed copy lives inside the package (and in the source tree).
PACKAGED = ("schema", "factsheet.schema.json")


def json_schema() -> dict[str, Any]:
    """The schema generated from the model, limited to draft-07 features."""
    from .model import FactSheet

    schema = FactSheet.model_json_schema(ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", {})
    return {
        "$schema": DRAFT_07,
        **schema,
        "definitions": definitions,
    }


def schema_text() -> str:
    """The schema as the committed file holds it (stable key order, trailing newline)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def packaged_schema_path() -> Any:
    """The schema file that ships in the package (a Traversable)."""
    return resources.files("briefgen").joinpath(*PACKAGED)
