"""Strict YAML: fact-sheet bytes → plain data plus where each value came from.

The data is built from libyaml's composed tree when that is provably what the parser's
events give (fast_yaml.py), else from the events (strict_yaml.py), never by PyYAML's
constructor, so nothing is ever constructed from a tag, aliases never expand, and every
value keeps its position. Plain scalars resolve by the YAML 1.2 core schema: `NO`, `on`, `13:40`
and `2025-11-23` stay text; only true/false, null/~, integers and floats are typed (scalars.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefgen.report.diagnostics import Diagnostic, Span
from briefgen.sheet import fast_yaml
from briefgen.sheet.marks import LINE_BREAK, SourceMap, source_lines
from briefgen.sheet.recovery import recover
from briefgen.sheet.strict_yaml import Builder, Stop

MAX_BYTES = 1024 * 1024


@dataclass
class Loaded:
    """A decoded, parsed fact sheet. `data` is None when the file could not be read as YAML.

    After a YAML syntax error, `data` holds what the rest of the file says (`recover`):
    `lost` names the top-level keys whose blocks could not be read.
    """

    path: str
    text: str
    data: Any
    marks: SourceMap
    diagnostics: list[Diagnostic]
    lost: frozenset[str] = frozenset()

    @property
    def lines(self) -> list[str]:
        return source_lines(self.text)


def load(path: str, raw: bytes, *, fast: bool = True) -> Loaded:
    """Parse fact-sheet bytes strictly; every problem becomes a Diagnostic, never an exception.

    Most sheets are read by the fast path (fast_yaml.py), which gives up on anything the
    event-by-event reading would report; that reading (strict_yaml.py) is the reference,
    and `fast=False` takes it alone (the differential test compares the two).
    """
    marks = SourceMap()
    if len(raw) > MAX_BYTES:
        return Loaded(path, "", None, marks, [Diagnostic.at(
            path, Span(1, 1), "error", "file-too-large",
            f"the file is larger than {MAX_BYTES // 1024} KiB and was not read",
            "a fact sheet is one meeting: split it, or move long text elsewhere")])
    text, problem = decode(path, raw)
    if problem:
        return Loaded(path, text, None, marks, [problem])
    read = fast_yaml.read(text) if fast else None
    if read is not None:
        return Loaded(path, text, read[0], read[1], [])
    builder = Builder(path, marks)
    try:
        builder.run(text)
    except Stop:
        pass
    except RecursionError:  # pragma: no cover - the event parser is not recursive
        builder.report(Span(1, 1), "too-deep", "the file nests too deeply to read")
    if builder.fatal and builder.stopped_by == "yaml-syntax":
        recovered = recover(path, text, builder.diagnostics[-1])
        if recovered is not None:
            return Loaded(path, text, recovered.data, recovered.marks, recovered.diagnostics, recovered.lost)
    data = None if builder.fatal else builder.root
    return Loaded(path, text, data, marks, builder.diagnostics)


def decode(path: str, raw: bytes) -> tuple[str, Diagnostic | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        # Lines counted as editors (and the caret under the diagnostic) count them: a lone \r ends one too.
        before = LINE_BREAK.split(raw[: exc.start].decode("utf-8"))
        line, col = len(before), len(before[-1]) + 1
        text = raw.decode("utf-8", errors="replace")
        bad = raw[exc.start: exc.end].hex(" ")
        return text, Diagnostic.at(
            path, Span(line, col, line, col + 1), "error", "encoding",
            f"the file is not valid UTF-8 (byte {bad} at line {line}, column {col})",
            "save the file as UTF-8 (in most editors: File › Save with encoding › UTF-8)")
