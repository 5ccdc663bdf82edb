"""Validation: loaded data → a FactSheet and the diagnostics an analyst can act on.

Pydantic's errors are rewritten here, keyed by error type, into messages about the
fact sheet (not about Python), placed at the right line through the SourceMap.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from briefgen.report.diagnostics import Diagnostic, Report, Span, format_path
from briefgen.sheet import rules
from briefgen.sheet.fields import COUNTRY_HINT, FormatError, country_hint, describe
from briefgen.sheet.ids import is_reserved_id, is_valid_id, is_windows_device_name
from briefgen.sheet.language_fields import LANGUAGE_HINT
from briefgen.sheet.loader import Loaded
from briefgen.sheet.marks import DataPath, SourceMap, text_values
from briefgen.sheet.model import FactSheet
from briefgen.sheet.partial import valid_parts
from briefgen.sheet.parts import SheetParts
from briefgen.sheet.text_rules import ambiguous_currency, placeholders

# Tags of the portion union and of a translatable text, which pydantic puts into error locations.
_UNION_TAGS = {"text", "mapping", "approx:flag", "approx:list", "text:kept", "text:one", "text:languages"}
#: Where pydantic says an error is in a mapping's key, not its value (a translated text's language tag).
_KEY = "[key]"
#: Codes of a translated text's mistakes that are the mapping's as a whole: shown at the key that opens it.
_MAPPING_CODES = {"missing-sheet-language"}
#: Fuzzy did-you-mean searches per sheet: they cost milliseconds each, and only the
#: first diagnostics of a file are shown (Report caps them), so the rest keep a plain hint.
MAX_FUZZY_HINTS = 10
#: Characters of text in one sheet (about 80 pages of PDF); a real brief has a tenth of it.
MAX_SHEET_TEXT = 200_000
#: Model errors rewritten into diagnostics per sheet (the Report shows MAX_PER_FILE of them).
MAX_REWRITTEN = 500


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
    findings = _ModelFindings([], [], {})
    if loaded.data is not None:
        try:
            sheet = FactSheet.model_validate(loaded.data)
        except ValidationError as exc:
            findings = _model_diagnostics(loaded.path, exc, loaded.marks, loaded.lost)
            found.extend(findings.diagnostics)
        unknown = findings.unknown
        # With model errors, the rules still run on the parts that are valid, so that
        # every problem in the file is reported at once.
        # A block lost to a syntax error is unknown, not empty: the partial parts say so.
        parts = SheetParts.of(sheet) if sheet is not None and not loaded.lost else valid_parts(loaded.data, loaded.lost)
        if parts is not None:
            found.extend(rules.check(loaded.path, parts, loaded.marks))
        texts = list(text_values(loaded.data))  # once for the three rules on the text as written
        found.extend(placeholders(loaded.path, texts, loaded.marks, skip=unknown))
        if parts is not None:
            found.extend(ambiguous_currency(loaded.path, texts, parts, loaded.marks, skip=unknown))
        found.extend(_text_budget(loaded, texts))
    name = PurePath(loaded.path).name
    stem = PurePath(loaded.path).stem
    if is_windows_device_name(name):
        found.append(Diagnostic.at(
            loaded.path, Span(1, 1), "error", "unportable-file-name",
            f"no file can be named '{name}' on Windows, which keeps '{name.partition('.')[0]}' for a device: "
            "the repository could not be checked out there",
            "rename the file, e.g. to " + name.partition(".")[0] + "-talks.yaml"))
    elif sheet is not None and sheet.id is None and not is_valid_id(stem):
        found.append(Diagnostic.at(
            loaded.path, Span(1, 1), "error", "reserved-id" if is_reserved_id(stem) else "invalid-id",
            f"the file name '{stem}' cannot be the brief's id"
            + (": briefgen writes a file of that name" if is_reserved_id(stem) else ""),
            "add `id: some-name` (lower-case letters, digits and hyphens), or rename the file"))
    report = _with_hints(Report.of(loaded.path, found, loaded.lines), findings.countries)
    report.dropped += findings.skipped
    return Checked(loaded, sheet if not report.errors else None, report)


def _text_budget(loaded: Loaded, texts: list[tuple[DataPath, str]]) -> list[Diagnostic]:
    """`too-much-text` at the value where the sheet's text passes MAX_SHEET_TEXT characters.

    Each field has its own limit; this one bounds the whole brief, so that a sheet
    that passes check builds in seconds (1 MB of prose is a 400-page PDF).
    """
    if sum(len(text) for _, text in texts) <= MAX_SHEET_TEXT:
        return []
    total = 0
    for loc, text in texts:
        total += len(text)
        if total > MAX_SHEET_TEXT:
            return [Diagnostic.at(
                loaded.path, loaded.marks.value(loc), "error", "too-much-text",
                f"the sheet holds more than {MAX_SHEET_TEXT:,} characters of text by `{format_path(loc)}`",
                "a briefing note is read in minutes: shorten it, or split it into several sheets")]
    return []


def _model_diagnostics(path: str, exc: ValidationError, marks: SourceMap, lost: frozenset[str]) -> _ModelFindings:
    """The model's errors as diagnostics, and the paths of the unknown keys among them.

    A misspelled required key is one mistake: it is reported once, as the unknown key
    that names the key it was meant to be, and not again as that key missing. A key
    whose block was lost to a syntax error (`lost`) is not reported missing either.
    """
    errors = [(error, _location(error)) for error in exc.errors(include_url=False)]
    errors = [(error, loc) for error, loc in errors if not (loc and loc[0] in lost)]
    missing = {loc for error, loc in errors if error["type"] == "missing"}
    meant: set[DataPath] = set()
    found: list[Diagnostic] = []
    unknown: list[DataPath] = []
    for error, loc in errors:
        if error["type"] == "extra_forbidden":
            unknown.append(loc)
            found.append(_unknown_key(path, loc, marks, missing, meant))
    rest = [(error, loc) for error, loc in errors if error["type"] != "extra_forbidden" and loc not in meant]
    skipped = 0
    if len(rest) > MAX_REWRITTEN:
        # Only the first diagnostics of a file are shown: rewrite those nearest its top.
        rest.sort(key=lambda item: marks.value(item[1]))
        skipped = len(rest) - MAX_REWRITTEN
        rest = rest[:MAX_REWRITTEN]
    countries: dict[Diagnostic, str] = {}
    for error, loc in rest:
        diagnostic = _rewrite(path, error, loc, marks, translatable="text:one" in error["loc"])
        value = error.get("input")
        if diagnostic.code == "unknown-country" and diagnostic.hint == COUNTRY_HINT and isinstance(value, str):
            countries[diagnostic] = value
        found.append(diagnostic)
    return _ModelFindings(found, unknown, countries, skipped)


@dataclass
class _ModelFindings:
    diagnostics: list[Diagnostic]
    #: Paths of the unknown keys.
    unknown: list[DataPath]
    #: unknown-country diagnostics whose did-you-mean is still to be found (see _with_hints), with the value.
    countries: dict[Diagnostic, str]
    #: Errors not rewritten (beyond MAX_REWRITTEN).
    skipped: int = 0


def _with_hints(report: Report, countries: dict[Diagnostic, str]) -> Report:
    """The report with fuzzy did-you-mean hints, computed only for the diagnostics it shows.

    A fuzzy country search takes tens of milliseconds: a sheet of thousands of bad codes
    must not pay for the hints nobody sees. Each value is searched once, at most
    MAX_FUZZY_HINTS values in all.
    """
    if not countries:
        return report
    hints: dict[str, str] = {}
    shown: list[Diagnostic] = []
    for diagnostic in report.diagnostics:
        value = countries.get(diagnostic)
        if value is not None:
            if value not in hints and len(hints) < MAX_FUZZY_HINTS:
                hints[value] = country_hint(value)
            diagnostic = dataclasses.replace(diagnostic, hint=hints.get(value, diagnostic.hint))
        shown.append(diagnostic)
    return Report(report.path, shown, report.dropped, report.lines)


def _location(error: ErrorDetails) -> DataPath:
    loc = error["loc"]
    return tuple(part for part in loc if part not in _UNION_TAGS or not _is_tag(loc, part))


def _unknown_key(path: str, loc: DataPath, marks: SourceMap, missing: set[DataPath],
                 meant: set[DataPath]) -> Diagnostic:
    """`unknown key`, with the key it was probably meant to be; adds that key's path to `meant` when it is missing."""
    parent, key = loc[:-1], str(loc[-1])
    allowed = _allowed_keys(parent)
    where = f" in `{format_path(parent)}`" if parent else ""
    required = [name for name in allowed if parent + (name,) in missing]
    close = difflib.get_close_matches(key, required, n=1, cutoff=0.6)
    if close:
        meant.add(parent + (close[0],))
        return Diagnostic.at(path, marks.key(loc), "error", "unknown-key",
                             f"unknown key `{key}`{where}; did you mean `{close[0]}` (required)?",
                             f"rename `{key}` to `{close[0]}`")
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"did you mean `{close[0]}`?" if close else (
        "allowed here: " + ", ".join(allowed) if allowed else None)
    return Diagnostic.at(path, marks.key(loc), "error", "unknown-key", f"unknown key `{key}`{where}", hint)


def _is_tag(loc: tuple[Any, ...], part: Any) -> bool:
    # "text" is both a union tag and a field of the portion mapping; the tag comes
    # right after a portion's own position, the field after the "mapping" tag.
    index = loc.index(part)
    return not (part == "text" and index > 0 and loc[index - 1] == "mapping")


def _rewrite(path: str, error: ErrorDetails, loc: DataPath, marks: SourceMap, translatable: bool = False) -> Diagnostic:
    kind = error["type"]
    value = error.get("input")
    if loc and loc[-1] == _KEY:
        return _bad_key(path, error, loc[:-1], marks)
    name = format_path(loc)
    here = marks.value(loc)

    def at(span: Span, code: str, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic.at(path, span, "error", code, message, hint)

    if kind == "missing":
        parent = loc[:-1]
        span = _mapping_span(marks, parent)
        hint = f"add `{loc[-1]}:` under `{format_path(parent)}`" if parent else f"add `{loc[-1]}:` at the top level"
        return at(span, "missing-key", f"`{name}` is required but missing", hint)
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, FormatError):
            span = _mapping_span(marks, loc) if cause.code in _MAPPING_CODES else here
            return at(span, cause.code, f"`{name}`: {cause.message}", cause.hint)
        return at(here, "invalid-value", f"`{name}`: {error['msg']}")
    if kind == "string_type":
        return _not_text(path, loc, value, marks, translatable)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        keys = ", ".join(_allowed_keys(loc)[:6])
        subject = f"`{name}`" if name else "the file"
        return at(here, "wrong-type", f"{subject} must be a mapping of keys, {_not(value)}",
                  f"write it as indented `key: value` lines (keys: {keys}…)" if keys else None)
    if kind == "list_type":
        return at(here, "wrong-type", f"`{name}` must be a list, {_not(value)}",
                  "write each item on its own line starting with `- `")
    if kind == "literal_error":
        if loc == ("format",):
            return _format_version(path, here, value)
        return _not_a_choice(path, loc, value, error.get("ctx", {}).get("expected", ""), here)
    if kind in ("int_type", "float_type", "int_parsing", "float_parsing", "int_from_float") or (
            kind == "is_instance_of" and error.get("ctx", {}).get("class") == "Decimal"):
        return at(here, "wrong-type", f"`{name}` must be a number, {_not(value)}",
                  "write the number without quotes, e.g. 35" if isinstance(value, str) else None)
    if kind == "too_short" and loc == ("participants",):
        return at(here, "too-few-participants", "a meeting needs at least two participants",
                  "list each principal (and delegation members) under `participants`")
    if kind == "string_pattern_mismatch" and loc[-1] == "id":
        return at(here, "invalid-id", f"`{name}`: '{value}' is not a valid id",
                  "use lower-case letters, digits and single hyphens, e.g. g20-2025")
    if kind == "string_too_long" and loc[-1] == "id":
        return at(here, "invalid-id", f"`{name}` is longer than 64 characters", "shorten it")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        ctx = error.get("ctx", {})
        bound = (f"more than {_bound(ctx['gt'])}" if "gt" in ctx else f"at least {_bound(ctx['ge'])}" if "ge" in ctx
                 else f"less than {_bound(ctx['lt'])}" if "lt" in ctx else f"at most {_bound(ctx.get('le'))}")
        code = "out-of-range" if kind.startswith("less") else "invalid-value"
        return at(here, code, f"`{name}` must be {bound}, {_not(value)}")
    if kind == "finite_number":
        return at(here, "out-of-range", f"`{name}` must be a finite number, {_not(value)}",
                  "write the amount as a number, e.g. 1.5e9")
    if kind == "bool_type":
        return at(here, "wrong-type", f"`{name}` must be true or false, {_not(value)}")
    return at(here, "invalid-value", f"`{name}`: {error['msg']}")


def _bad_key(path: str, error: ErrorDetails, loc: DataPath, marks: SourceMap) -> Diagnostic:
    """A key of a translated text that is no language tag, at the key (`loc` is the key's own path)."""
    where, key = format_path(loc[:-1]), loc[-1]
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, FormatError):
        return Diagnostic.at(path, marks.key(loc), "error", cause.code,
                             f"`{where}` gives a text under `{key}`: {cause.message}", cause.hint)
    return Diagnostic.at(path, marks.key(loc), "error", "invalid-language",
                         f"`{where}` gives a text under {describe(key)}, which is not a language tag",
                         LANGUAGE_HINT)


def _not_text(path: str, loc: DataPath, value: Any, marks: SourceMap, translatable: bool = False) -> Diagnostic:
    """A value that must be text: empty, a number YAML read from unquoted text, or another type."""
    name, here = format_path(loc), marks.value(loc)
    raw = marks.typed_plain.get(loc)
    if value is None:
        return Diagnostic.at(path, here, "error", "empty-value", f"`{name}` is empty",
                             "write the text after the colon, or remove the key")
    if raw is not None:
        written = f"- \"{raw}\"" if isinstance(loc[-1], int) else f"{loc[-1]}: \"{raw}\""
        return Diagnostic.at(path, here, "error", "number-as-text",
                             f"`{name}` must be text, but YAML reads `{raw}` as {_reads_as(value)}",
                             f"quote it so it stays as written: {written}")
    hint = _shape_hint(value)
    if translatable and isinstance(value, dict):
        hint = "write the text, or give it per language with language tags as keys, e.g. {en: …, ja: …}"
    return Diagnostic.at(path, here, "error", "wrong-type", f"`{name}` must be text, {_not(value)}", hint)


def _not_a_choice(path: str, loc: DataPath, value: Any, expected: str, here: Span) -> Diagnostic:
    """A value outside a fixed set: the closest choice as a hint, else the choices."""
    name = format_path(loc)
    options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",") if o.strip()]
    close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5) if isinstance(value, str) else []
    hint = f"did you mean `{close[0]}`?" if close else f"use one of: {', '.join(options)}"
    if value is None:
        return Diagnostic.at(path, here, "error", "invalid-value", f"`{name}` is empty: expected {expected}", hint)
    return Diagnostic.at(path, here, "error", "invalid-value",
                         f"`{name}` cannot be {describe(value)}: expected {expected}", hint)


def _bound(value: Any) -> str:
    """A limit as an analyst reads it: an amount's "1,000,000,000,000,000" rather than "1E+15"."""
    return f"{value:,f}" if isinstance(value, Decimal) else str(value)


def _mapping_span(marks: SourceMap, loc: DataPath) -> Span:
    """Where to point at a mapping: the key that opens it, or (a list item, the top level) its first key."""
    if loc and not isinstance(loc[-1], int):
        return marks.key(loc)
    first = [span for key, span in marks.keys.items() if len(key) == len(loc) + 1 and key[:-1] == loc]
    return min(first) if first else marks.value(loc)


def _not(value: Any) -> str:
    """The end of "`x` must be …, not the number 3" (or "…, but it is empty")."""
    return "but it is empty" if value is None else f"not {describe(value)}"


def _format_version(path: str, span: Span, value: Any) -> Diagnostic:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        message = f"unsupported format version {value}: this briefgen reads format 1"
        hint = "write `format: 1` (a sheet in another format needs the briefgen that reads it)"
    elif isinstance(value, str) and value.strip() == "1":
        message = "`format` is the text '1', not the number 1"
        hint = "write `format: 1` without quotes"
    else:
        message = f"`format` must be the version number 1, {_not(value)}"
        hint = "write `format: 1`"
    return Diagnostic.at(path, span, "error", "format-version", message, hint)


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
