"""Validation: loaded data → a FactSheet and the diagnostics an analyst can act on.

Pydantic's errors are rewritten here, keyed by error type, into messages about the
fact sheet (not about Python), placed at the right line through the SourceMap.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Iterable

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import rules
from .diagnostics import Diagnostic, Report, Span
from .loader import DataPath, Loaded, SourceMap
from .model import FactSheet, FormatError, describe, is_valid_id

# Tags of the portion union, which pydantic puts into error locations.
_UNION_TAGS = {"text", "mapping"}


@dataclass
class Checked:
    """The outcome of checking one fact sheet: the model when it is valid, and the report."""

    loaded: Loaded
    sheet: FactSheet | None
    report: Report

    @property
    def path(self) -> str:
        return self.loaded.path

    @property
    def sheet_id(self) -> str | None:
        if self.sheet is None:
            return None
        return self.sheet.id or PurePath(self.path).stem


def check(loaded: Loaded) -> Checked:
    """Validate a loaded fact sheet against the model and the cross-field rules."""
    found = list(loaded.diagnostics)
    sheet: FactSheet | None = None
    if loaded.data is not None:
        try:
            sheet = FactSheet.model_validate(loaded.data)
        except ValidationError as exc:
            found.extend(_model_diagnostics(loaded.path, exc, loaded.data, loaded.marks))
        # With model errors, the rules still run on the parts that are valid, so that
        # every problem in the file is reported at once.
        target = sheet if sheet is not None else _valid_parts(loaded.data)
        if target is not None:
            found.extend(rules.check(loaded.path, target, loaded.marks))
        found.extend(rules.placeholders(loaded.path, loaded.data, loaded.marks))
    if sheet is not None and sheet.id is None and not is_valid_id(PurePath(loaded.path).stem):
        found.append(Diagnostic.at(
            loaded.path, Span(1, 1), "error", "invalid-id",
            f"the file name '{PurePath(loaded.path).stem}' cannot be the brief's id",
            "add `id: some-name` (lower-case letters, digits and hyphens), or rename the file"))
    report = Report.of(loaded.path, found, loaded.lines)
    return Checked(loaded, sheet if not report.errors else None, report)


def _valid_parts(data: Any) -> FactSheet | None:
    """A FactSheet of the fields that are valid on their own; invalid list items become None.

    Required fields that are invalid are left unset, so a rule that needs one is skipped.
    """
    if not isinstance(data, dict):
        return None
    parts: dict[str, Any] = {}
    for name, info in FactSheet.model_fields.items():
        if name not in data:
            continue
        annotation = info.annotation
        if typing.get_origin(annotation) is list and isinstance(data[name], list):
            item_adapter = TypeAdapter(typing.get_args(annotation)[0])
            parts[name] = [_or_none(item_adapter, item) for item in data[name]]
        else:
            value = _or_none(TypeAdapter(annotation), data[name])
            if value is not None:
                parts[name] = value
    return FactSheet.model_construct(**parts)


def _or_none(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        return adapter.validate_python(value, strict=True)
    except ValidationError:
        return None


def _model_diagnostics(path: str, exc: ValidationError, data: Any, marks: SourceMap) -> Iterable[Diagnostic]:
    for error in exc.errors(include_url=False):
        loc: DataPath = tuple(part for part in error["loc"] if part not in _UNION_TAGS or not _is_tag(error["loc"], part))
        yield _rewrite(path, error, loc, data, marks)


def _is_tag(loc: tuple[Any, ...], part: Any) -> bool:
    # "text" is both a union tag and a field of the portion mapping; the tag comes
    # right after a portion's own position, the field after the "mapping" tag.
    index = loc.index(part)
    return not (part == "text" and index > 0 and loc[index - 1] == "mapping")


def _rewrite(path: str, error: dict[str, Any], loc: DataPath, data: Any, marks: SourceMap) -> Diagnostic:
    kind = error["type"]
    value = error.get("input")
    name = _name(loc)
    here = marks.value(loc)

    def at(span: Span, code: str, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic.at(path, span, "error", code, message, hint)

    if kind == "missing":
        parent = loc[:-1]
        # The key that opens the parent mapping; a list item has none, so its own start.
        span = (marks.value(parent) if parent and isinstance(parent[-1], int)
                else marks.key(parent) if parent else Span(1, 1))
        hint = f"add `{loc[-1]}:` under `{_name(parent)}`" if parent else f"add `{loc[-1]}:` at the top level"
        return at(span, "missing-key", f"`{name}` is required but missing", hint)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else (
            "allowed here: " + ", ".join(allowed) if allowed else None)
        return at(marks.key(loc), "unknown-key", f"unknown key `{loc[-1]}`" + (f" in `{_name(loc[:-1])}`" if len(loc) > 1 else ""), hint)
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, FormatError):
            return at(here, cause.code, f"`{name}`: {cause.message}", cause.hint)
        return at(here, "invalid-value", f"`{name}`: {error['msg']}")
    if kind == "string_type":
        raw = marks.typed_plain.get(loc)
        if value is None:
            return at(here, "empty-value", f"`{name}` is empty", "write the text after the colon, or remove the key")
        if raw is not None:
            written = f"- \"{raw}\"" if isinstance(loc[-1], int) else f"{loc[-1]}: \"{raw}\""
            return at(here, "number-as-text", f"`{name}` must be text, but YAML reads `{raw}` as {_reads_as(value)}",
                      f"quote it so it stays as written: {written}")
        return at(here, "wrong-type", f"`{name}` must be text, not {describe(value)}", _shape_hint(value))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        keys = ", ".join(_allowed_keys(loc)[:6])
        return at(here, "wrong-type", f"`{name or 'the file'}` must be a mapping of keys, not {describe(value)}",
                  f"write it as indented `key: value` lines (keys: {keys}…)" if keys else None)
    if kind == "list_type":
        return at(here, "wrong-type", f"`{name}` must be a list, not {describe(value)}",
                  "write each item on its own line starting with `- `")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        if loc == ("format",):
            return at(here, "format-version", f"unsupported format {describe(value)}: this briefgen reads format 1",
                      "write `format: 1`")
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",") if o.strip()]
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5) if isinstance(value, str) else []
        hint = f"did you mean `{close[0]}`?" if close else f"use one of: {', '.join(options)}"
        return at(here, "invalid-value", f"`{name}` cannot be {describe(value)}: expected {expected}", hint)
    if kind in ("int_type", "float_type", "int_parsing", "float_parsing", "int_from_float"):
        return at(here, "wrong-type", f"`{name}` must be a number, not {describe(value)}",
                  "write the number without quotes, e.g. 35" if isinstance(value, str) else None)
    if kind == "too_short" and loc == ("participants",):
        return at(here, "too-few-participants", "a meeting needs at least two participants",
                  "list each principal (and delegation members) under `participants`")
    if kind == "string_pattern_mismatch" and loc[-1] == "id":
        return at(here, "invalid-id", f"`{name}`: '{value}' is not a valid id",
                  "use lower-case letters, digits and single hyphens, e.g. g20-2025")
    if kind == "string_too_long" and loc[-1] == "id":
        return at(here, "invalid-id", f"`{name}` is longer than 64 characters", "shorten it")
    if kind in ("greater_than", "greater_than_equal"):
        return at(here, "invalid-value", f"`{name}`: {error['msg'].lower()}, got {describe(value)}")
    if kind == "bool_type":
        return at(here, "wrong-type", f"`{name}` must be true or false, not {describe(value)}")
    return at(here, "invalid-value", f"`{name}`: {error['msg']}")


def _name(loc: DataPath) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _reads_as(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the true/false value {str(value).lower()}"
    return f"the number {value}"


def _shape_hint(value: Any) -> str | None:
    if value is None:
        return "write the text after the colon, or remove the key"
    if isinstance(value, (dict, list)):
        return "check the indentation: this key takes a single line of text"
    return None


def _allowed_keys(loc: DataPath) -> list[str]:
    model: Any = FactSheet
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        model = _model_in(model.model_fields[part].annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside an annotation such as `list[Participant] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
