"""Diagnostics: problems found in a fact sheet, and their text, JSON and GitHub forms."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal, NamedTuple

from wcwidth import wcwidth

#: A note tells something the reader should know that is not a problem: it never fails
#: a run, not even under --strict (a brief withheld from a release is one).
Severity = Literal["error", "warning", "note"]

#: Code of the warnings for text that `briefgen new` left to fill in; the text output
#: collapses them into one line per file (see render_reports).
PLACEHOLDER_CODE = "placeholder"

#: Code of a problem in a template (not in the fact sheet): summaries count these apart.
TEMPLATE_ERROR_CODE = "template-error"

#: At most this many diagnostics are reported per file; more would bury the first.
MAX_PER_FILE = 50
#: A message or hint quotes at most this many characters (a value may be a megabyte long).
MAX_MESSAGE = 400
#: The source line under a diagnostic shows at most this many columns around the caret.
MAX_EXCERPT = 200


_SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}


class Span(NamedTuple):
    """A region of a source file; lines and columns count from 1, `end_*` is exclusive.

    A named tuple, not a dataclass: a sheet's SourceMap holds one for every value and key,
    and a tuple is made three times as fast, pickles smaller and is not tracked by the GC.
    """

    line: int
    col: int
    end_line: int = 0
    end_col: int = 0


@dataclass(frozen=True)
class Diagnostic:
    """One problem in one file, at a position the analyst can go to."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    end_line: int = 0
    end_col: int = 0

    def __post_init__(self) -> None:
        # Messages quote values from the sheet: escape what would drive a terminal or
        # forge a line, and bound the length, here once for every output format.
        object.__setattr__(self, "path", escape_controls(self.path))
        object.__setattr__(self, "message", bounded(self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", bounded(self.hint))

    @classmethod
    def at(cls, path: str, span: Span | None, severity: Severity, code: str, message: str,
           hint: str | None = None) -> Diagnostic:
        span = span or Span(1, 1)
        return cls(path, span.line, span.col, severity, code, message, hint,
                   span.end_line or span.line, span.end_col or span.col + 1)

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.line, self.col, _SEVERITY_ORDER[self.severity], self.code)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Report:
    """The diagnostics of one fact sheet, sorted and capped."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    dropped: int = 0
    #: The file's lines as they were checked, to show under each diagnostic.
    lines: tuple[str, ...] = ()

    @classmethod
    def of(cls, path: str, found: Iterable[Diagnostic], lines: Sequence[str] = ()) -> Report:
        # Ties (same place, severity and code) are broken by the message, so that the
        # order, and which diagnostics the cap keeps, do not depend on set iteration.
        unique = sorted(set(found), key=lambda d: (d.sort_key, d.message))
        return cls(path, unique[:MAX_PER_FILE], max(0, len(unique) - MAX_PER_FILE), tuple(lines))

    def extended(self, more: Iterable[Diagnostic]) -> Report:
        """This report with more diagnostics (found by a later stage), sorted and capped again."""
        report = Report.of(self.path, [*self.diagnostics, *more], self.lines)
        report.dropped += self.dropped
        return report

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def notes(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "note"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


def escape_controls(text: str) -> str:
    """`text` with control, line-separator and bidirectional-control characters written as escapes (`\\x1b`)."""
    return _UNSAFE.sub(lambda match: _escape(match[0]), text)


#: Bidirectional controls reorder what a terminal shows (the "Trojan Source" characters).
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


#: What _plain refuses, as one pattern (Cc, Zl, Zp, surrogates and the bidirectional controls).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
                     + "".join(sorted(_BIDI_CONTROLS)) + "]")


def _plain(char: str) -> bool:
    if char.isprintable() or char == " ":
        return True
    return unicodedata.category(char) not in ("Cc", "Zl", "Zp", "Cs") and char not in _BIDI_CONTROLS


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` escaped (see escape_controls) and cut to about `limit` characters."""
    text = escape_controls(text[: limit * 4])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_path(loc: Sequence[str | int]) -> str:
    """A data path as messages name it: `participants[0].name`, `meeting.venue.city`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- output formats ---------------------------------------------------------

_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "note": "\x1b[1;34m", "help": "\x1b[1;36m",
            "bold": "\x1b[1m", "dim": "\x1b[2m", "reset": "\x1b[0m"}


def use_colour(stream: object) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def format_text(diagnostic: Diagnostic, source_lines: Sequence[str] | None, colour: bool = False) -> str:
    """`PATH:LINE:COL: error[CODE]: MESSAGE`, the source line with a caret, then `help:`."""
    c = _COLOURS if colour else {k: "" for k in _COLOURS}
    d = diagnostic
    out = [(f"{c['bold']}{d.path}:{d.line}:{d.col}:{c['reset']} "
            f"{c[d.severity]}{d.severity}[{d.code}]{c['reset']}: {c['bold']}{d.message}{c['reset']}")]
    if source_lines and 1 <= d.line <= len(source_lines):
        # Columns count characters, and a tab is one character: expanding tabs to one
        # space keeps every character in its column.
        text = _printable(source_lines[d.line - 1].rstrip("\r\n").expandtabs(1))
        gutter = str(d.line)
        pad = " " * len(gutter)
        start = min(max(1, d.col), len(text) + 1)
        end = d.end_col if d.end_line == d.line and d.end_col > start else len(text) + 1
        end = min(end, len(text) + 1)
        text, start, end = _excerpt(text, start, end)
        offset = display_width(text[: start - 1])
        width = max(1, display_width(text[start - 1: end - 1]))
        out.append(f"{c['dim']}{pad} |{c['reset']}")
        out.append(f"{c['dim']}{gutter} |{c['reset']} {text}")
        out.append(f"{c['dim']}{pad} |{c['reset']} {' ' * offset}{c[d.severity]}{'^' * width}{c['reset']}")
    if d.hint:
        out.append(f"{c['help']}help{c['reset']}: {d.hint}")
    return "\n".join(out)


def _excerpt(text: str, start: int, end: int) -> tuple[str, int, int]:
    """At most MAX_EXCERPT characters of a source line around the caret, with `…` where it is cut."""
    if len(text) <= MAX_EXCERPT:
        return text, start, end
    first = max(0, min(start - 1 - MAX_EXCERPT // 4, len(text) - MAX_EXCERPT))
    last = first + MAX_EXCERPT
    cut = ("…" if first else "") + text[first:last] + ("…" if last < len(text) else "")
    shift = first - (1 if first else 0)
    new_start = start - shift
    new_end = min(end - shift, len(cut) + 1)
    return cut, new_start, max(new_end, new_start + 1)


def display_width(text: str) -> int:
    """Columns that `text` takes in a terminal: 2 for CJK and other wide characters, 0 for combining marks."""
    # wcwidth is -1 for control characters; _printable has already replaced them.
    return sum(max(0, wcwidth(char)) for char in text)


def _printable(text: str) -> str:
    # A control character would be printed raw (an escape could restyle the terminal)
    # and has no width of its own: show U+FFFD, one column wide, in its place.
    return "".join(char if wcwidth(char) >= 0 and _plain(char) else "\ufffd" for char in text)


def render_reports(reports: Sequence[Report], output_format: str, *, colour: bool = False,
                   verbose: bool = False) -> Iterator[str]:
    """The output for `reports` in `output_format` (text, json or github), one chunk to print at a time.

    json is one list and github one line per diagnostic, every diagnostic, in each file's
    order. text is for people: all errors first (file by file, in the order given), then
    all warnings, so that an error never drowns among warnings; a file's `placeholder`
    warnings, when there are two or more, are collapsed into one line unless `verbose`.
    """
    if output_format == "json":
        yield format_json(d for r in reports for d in r.diagnostics)
        return
    if output_format != "text" and output_format != "github":
        raise ValueError(f"unknown output format {output_format!r}")
    if output_format == "github":
        for report in reports:
            yield from (format_github(d) for d in report.diagnostics)
            if report.dropped:
                where = _github_escape(report.path, property_value=True)
                yield f"::warning file={where}::{report.dropped} more problems not shown"
        return
    for report in reports:
        for diagnostic in report.errors:
            yield format_text(diagnostic, _lines_for(report, diagnostic), colour=colour) + "\n"
    for report in reports:
        placeholders = [d for d in report.warnings if d.code == PLACEHOLDER_CODE]
        collapse = not verbose and len(placeholders) > 1
        for diagnostic in report.warnings:
            if not (collapse and diagnostic.code == PLACEHOLDER_CODE):
                yield format_text(diagnostic, _lines_for(report, diagnostic), colour=colour) + "\n"
        if collapse:
            yield format_placeholders(placeholders, colour=colour) + "\n"
    for report in reports:
        for diagnostic in report.notes:
            yield format_text(diagnostic, _lines_for(report, diagnostic), colour=colour) + "\n"
    for report in reports:
        if report.dropped:
            yield f"{report.path}: {report.dropped} more problems not shown (at most {MAX_PER_FILE} per file)"


def format_placeholders(placeholders: Sequence[Diagnostic], colour: bool = False) -> str:
    """One line for a file's placeholder warnings, at the first: `PATH:LINE:COL: warning[placeholder]: …`."""
    c = _COLOURS if colour else {k: "" for k in _COLOURS}
    first = placeholders[0]
    lines = sorted({d.line for d in placeholders})
    count = len(placeholders)
    where = f"on line {lines[0]}" if len(lines) == 1 else "on lines " + ", ".join(map(str, lines))
    return (f"{c['bold']}{first.path}:{first.line}:{first.col}:{c['reset']} "
            f"{c['warning']}warning[{PLACEHOLDER_CODE}]{c['reset']}: "
            f"{c['bold']}{count} TODO placeholders left, {where}{c['reset']} (--verbose shows each)")


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diagnostics], indent=2, ensure_ascii=False)


def _github_escape(text: str, *, property_value: bool = False) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


#: Workflow command of each severity (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def format_github(diagnostic: Diagnostic) -> str:
    """A workflow command that shows `diagnostic` as an annotation at its file, line and columns."""
    d = diagnostic
    message = d.message + (f" (help: {d.hint})" if d.hint else "")
    end_line = max(d.end_line, d.line)
    place = [f"line={d.line}", f"endLine={end_line}", f"col={d.col}"]
    if end_line == d.line:
        # GitHub marks columns only within one line, and its endColumn is the last
        # column marked, where a Span's end_col is the first one past it.
        place.append(f"endColumn={max(d.col, d.end_col - 1)}")
    props = ",".join([
        f"file={_github_escape(d.path, property_value=True)}", *place,
        f"title={_github_escape('briefgen ' + d.code, property_value=True)}",
    ])
    return f"::{GITHUB_COMMANDS[d.severity]} {props}::{_github_escape(message)}"


def _lines_for(report: Report, diagnostic: Diagnostic) -> Sequence[str]:
    # A diagnostic may name another file than its report's (a template error names its
    # template): the report's lines are not that file's.
    return report.lines if diagnostic.path == report.path else ()
