"""The JSON Schema of the fact-sheet format, for editors (VS Code's YAML extension).

The model (model.py) is the single source of truth. Generating from it takes a few
small steps of our own, which keep the schema draft-07 and helpful in an editor (Red
Hat's YAML language server, which tests/test_schema.py drives):

- no `default: null`: completion would insert `key: null`;
- no titles made up from field or model names ("Page Limit", "Participant"): hover shows
  the description alone;
- a `$ref` with a description next to it becomes `allOf: [{$ref}]` plus the
  description, because draft-07 ignores every keyword beside `$ref`;
- a closed set of values (`enum`) becomes a pattern and the values the editor offers
  (`defaultSnippets`): the language server appends every value of an enum to a hover
  (249 lines for a country), but not a pattern's;
- `required` moves into an `allOf` beside the properties: next to them it makes the
  server offer a pseudo-item named after the model ("Participant") that inserts them;
- the long lists (countries, currencies, time zones) are written once, in `definitions`;
- a property that refers to a model gets the model's type, so that completing its key
  inserts `venue:` and a new line rather than the bare word;
- the properties that an `if`/`then`/`else` narrows (levels by scheme, a venue unless
  the meeting is a call) are described like the ones they narrow, and marked
  `doNotSuggest`, so that the editor offers each key once.
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


def _choices(node: Any) -> Any:
    """Every enum of words as a pattern and the values an editor offers (see the module's docstring)."""
    from briefgen.sheet.completions import editor_choice, one_of

    if isinstance(node, list):
        return [_choices(value) for value in node]
    if not isinstance(node, dict):
        return node
    # What a value must not be (the reserved ids) is nothing to offer: it keeps its enum.
    node = {key: value if key == "not" else _choices(value) for key, value in node.items()}
    values = node.get("enum")
    if isinstance(values, list) and values and all(isinstance(value, str) for value in values):
        del node["enum"]
        described = node.get("description")
        node["pattern"] = one_of(values)
        node.setdefault("patternErrorMessage", f"one of: {', '.join(values)}")
        node["defaultSnippets"] = [editor_choice(value, value, described) for value in values]
    return node


def _required_apart(node: Any) -> Any:
    """`required` in an `allOf` beside the properties it names (see the module's docstring)."""
    if isinstance(node, list):
        return [_required_apart(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: (value if key == "if" else _required_apart(value)) for key, value in node.items()}
    if "properties" in node and node.get("required"):
        node["allOf"] = [*node.get("allOf", []), {"required": node.pop("required")}]
    return node


def _resolved(node: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """The object or array schema a property stands for: through `$ref`, `allOf: [{$ref}]`, `X | None`
    and a portion's `oneOf` (text, its text per language, or a mapping)."""
    if "$ref" in node:
        return _resolved(definitions[node["$ref"].rsplit("/", 1)[1]], definitions)
    if "properties" in node or "items" in node:
        return node
    for part in (*node.get("allOf", ()), *node.get("anyOf", ()), *node.get("oneOf", ())):
        found = _resolved(part, definitions)
        # A text per language ({en: …}) is a mapping of free keys, not the model a condition narrows.
        if ("properties" in found or "items" in found) and "propertyNames" not in found:
            return found
    return node


def _describe_branch(branch: dict[str, Any], declared: dict[str, Any], definitions: dict[str, Any]) -> None:
    """Give each property an if/then/else narrows the description of the one it narrows, and doNotSuggest."""
    for name, stub in branch.get("properties", {}).items():
        target = _resolved(declared["properties"][name], definitions)
        stub["description"] = declared["properties"][name]["description"]
        stub["doNotSuggest"] = True
        if "properties" in stub:
            _describe_branch(stub, target, definitions)
        if "items" in stub and "properties" in stub["items"]:
            _describe_branch(stub["items"], _resolved(target["items"], definitions), definitions)


def _described_branches(node: dict[str, Any], definitions: dict[str, Any]) -> None:
    for part in (node, *node.get("allOf", [])):
        if "if" in part:
            while part:
                for branch in ("then", "else"):
                    if branch in part and "if" not in part[branch]:
                        _describe_branch(part[branch], node, definitions)
                part = part.get("else") if "if" in part.get("else", {}) else None


def json_schema() -> dict[str, Any]:
    """The schema generated from the model, limited to draft-07 features and shaped for editors."""
    from briefgen.sheet.model import FactSheet

    schema = FactSheet.model_json_schema(ref_template="#/definitions/{model}", schema_generator=_Draft07)
    definitions = schema.pop("$defs", {})
    generated: dict[str, Any] = _ref_siblings_to_all_of({
        "$schema": DRAFT_07,
        **schema,
        "definitions": definitions,
    })
    lists: dict[str, Any] = {}
    generated = _hoisted(generated, lists)
    definitions = generated["definitions"]
    definitions.update(sorted(lists.items()))
    for node in (generated, *definitions.values()):
        # The server heads every hover with the nearest title ("#### Participant"): a model's
        # class name is no help to an analyst, and the description says what the key is.
        node.pop("title", None)
        _described_branches(node, definitions)
    generated = _required_apart(_choices(_typed_refs(generated, definitions)))
    return generated


def _hoisted(node: Any, definitions: dict[str, Any]) -> Any:
    """Each schema marked with completions.DEFINITION written once, in `definitions`, and referred to."""
    from briefgen.sheet.completions import DEFINITION

    if isinstance(node, list):
        return [_hoisted(value, definitions) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _hoisted(value, definitions) for key, value in node.items()}
    if "description" in node:
        # An optional key (`anyOf: [list, null]`) is described once, by itself: two descriptions
        # would both be shown on hover.
        for part in node.get("anyOf", []):
            refs = part.get("allOf", [{}]) if isinstance(part, dict) else [{}]
            if len(refs) == 1 and refs[0].get("$ref", "").rsplit("/", 1)[-1] in definitions:
                part.pop("description", None)
    if DEFINITION in node:
        name = node.pop(DEFINITION)
        # The key's own description stays with the key: hover shows it.
        wrapper = {"allOf": [{"$ref": f"#/definitions/{name}"}], "type": node["type"]}
        if "description" in node:
            wrapper["description"] = node["description"]
        definitions.setdefault(name, node)
        return wrapper
    return node


def _typed_refs(node: Any, definitions: dict[str, Any]) -> Any:
    """A property that is `allOf: [{$ref}]` gets its definition's type, so that the editor
    completes its key as `venue:` and a new line (without a type it inserts the bare key)."""
    if isinstance(node, list):
        return [_typed_refs(value, definitions) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _typed_refs(value, definitions) for key, value in node.items()}
    parts = node.get("allOf")
    if isinstance(parts, list) and len(parts) == 1 and "$ref" in parts[0] and "type" not in node:
        found = definitions[parts[0]["$ref"].rsplit("/", 1)[1]].get("type")
        if found is not None:
            node["type"] = found
    return node


def schema_text() -> str:
    """The schema as the committed file holds it (stable key order, trailing newline)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def packaged_schema_path() -> Any:
    """The schema file that ships in the package (a Traversable)."""
    return resources.files("briefgen").joinpath(*PACKAGED)
