"""Strict YAML: fact-sheet bytes → plain data plus where each value came from.

The data is built from the parser's events rather than by PyYAML's constructor, so
nothing is ever constructed from a tag, aliases never expand, and every value keeps
its position. Plain scalars resolve by the YAML 1.2 core schema: `NO`, `on`, `13:40`
and `2025-11-23` stay text; only true/false, null/~, integers and floats are typed.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.report.diagnostics import Diagnostic, Span

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 50
MAX_NODES = 100_000
#: Items in one list, keys in one mapping: far above any meeting's, far below what makes a build slow.
MAX_ITEMS = 200
#: Integers are bounded (a year, a page limit, minutes): longer ones are refused before
#: Python converts them (5,000 digits raise ValueError under its int-string limit).
MAX_INT_DIGITS = 18

DataPath = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
#: Line breaks as editors (and GitHub) count them. YAML 1.1, which the parser follows, and
#: str.splitlines also break at NEL, U+2028 and U+2029, which editors show inside a line.
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of the data stands in the file."""

    values: dict[DataPath, Span] = field(default_factory=dict)
    keys: dict[DataPath, Span] = field(default_factory=dict)
    #: Source text of plain scalars that YAML typed (numbers, booleans, null).
    typed_plain: dict[DataPath, str] = field(default_factory=dict)

    def value(self, path: DataPath) -> Span:
        """Span of the value at `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            span = self.values.get(path[:end])
            if span is not None:
                return span
        return Span(1, 1)

    def key(self, path: DataPath) -> Span:
        """Span of the key that introduces `path` (falls back to the value)."""
        for end in range(len(path), 0, -1):
            span = self.keys.get(path[:end])
            if span is not None:
                return span
        return Span(1, 1)


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


def source_lines(text: str) -> list[str]:
    """The lines of `text`, numbered as editors number them (see _BREAK)."""
    lines = _BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


class _Stop(Exception):
    """Parsing cannot go on (a syntax error or a limit); the diagnostic is already recorded."""


def read_source(path: Path) -> bytes:
    """Read a fact sheet's bytes, refusing more than MAX_BYTES before reading it all."""
    from briefgen.files import read_regular_file

    return read_regular_file(path, MAX_BYTES)


def read_text(path: Path) -> str | None:
    """A fact sheet's text exactly as `load` would read it, or None when it cannot be read as text."""
    try:
        raw = read_source(path)
    except OSError:
        return None
    if len(raw) > MAX_BYTES:
        return None
    text, problem = _decode(str(path), raw)
    return None if problem else text


def load(path: str, raw: bytes) -> Loaded:
    """Parse fact-sheet bytes strictly; every problem becomes a Diagnostic, never an exception."""
    marks = SourceMap()
    if len(raw) > MAX_BYTES:
        return Loaded(path, "", None, marks, [Diagnostic.at(
            path, Span(1, 1), "error", "file-too-large",
            f"the file is larger than {MAX_BYTES // 1024} KiB and was not read",
            "a fact sheet is one meeting: split it, or move long text elsewhere")])
    text, problem = _decode(path, raw)
    if problem:
        return Loaded(path, text, None, marks, [problem])
    builder = _Builder(path, marks)
    try:
        builder.run(text)
    except _Stop:
        pass
    except RecursionError:  # pragma: no cover - the event parser is not recursive
        builder.report(Span(1, 1), "too-deep", "the file nests too deeply to read")
    if builder.fatal and builder.stopped_by == "yaml-syntax":
        recovered = _recover(path, text, builder.diagnostics[-1])
        if recovered is not None:
            return recovered
    data = None if builder.fatal else builder.root
    return Loaded(path, text, data, marks, builder.diagnostics)


@dataclass
class _Block:
    """A top-level block: the lines from a key at column 0 to the next one (1-based, inclusive)."""

    first: int
    last: int
    key: str | None


_TOP_KEY = re.compile(r"""^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"][^:#]*?))\s*:(?:\s|$)""")


def _top_level_blocks(lines: list[str]) -> list[_Block]:
    """The top-level blocks of a sheet's lines: comments, blank and indented lines go with the key above."""
    blocks: list[_Block] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line[0] in " \t#" or line.rstrip() in ("---", "..."):
            continue
        match = _TOP_KEY.match(line)
        key = None if match is None else next(group for group in match.groups() if group is not None)
        if blocks:
            blocks[-1].last = number - 1
        blocks.append(_Block(number, len(lines), key.strip() if key is not None else None))
    return blocks


def _recover(path: str, text: str, error: Diagnostic) -> Loaded | None:
    """What the rest of a file with a YAML syntax error says: the data of every top-level block that reads.

    The block holding the error is blanked (its lines emptied, so that every other line
    keeps its number and column) and the file is read again, as often as there are blocks;
    each further syntax error is reported too. None when nothing is left to read, or when
    something other than a syntax error stops the reading: then the first error stands alone.
    """
    lines = source_lines(text)
    blocks = _top_level_blocks(lines)
    if not blocks or blocks[0].key is None:
        return None  # not a mapping of keys at the top: there are no blocks to read apart
    pieces = _BREAK_KEPT.split(text)  # line texts at even indexes, the breaks between them at odd ones
    blanked: list[_Block] = []
    errors = [error]
    for _ in range(len(blocks)):
        block = _block_of(blocks, errors[-1].line, blanked)
        if block is None:
            return None
        blanked.append(block)
        for number in range(block.first, block.last + 1):
            pieces[2 * (number - 1)] = ""
        marks = SourceMap()
        builder = _Builder(path, marks)
        try:
            builder.run("".join(pieces))
        except _Stop:
            pass
        if not builder.fatal:
            lost = frozenset(b.key for b in blanked if b.key is not None)
            return Loaded(path, text, builder.root, marks, [*errors, *builder.diagnostics], lost)
        if builder.stopped_by != "yaml-syntax":
            return None
        errors.append(builder.diagnostics[-1])
    return None


_BREAK_KEPT = re.compile(r"(\r\n|\r|\n)")


def _block_of(blocks: list[_Block], line: int, blanked: list[_Block]) -> _Block | None:
    """The block that holds `line`, or else the nearest one above it still read (the parser may notice late)."""
    open_blocks = [b for b in blocks if b not in blanked and b.first <= line]
    holding = [b for b in open_blocks if line <= b.last]
    return holding[0] if holding else (open_blocks[-1] if open_blocks else None)


def _decode(path: str, raw: bytes) -> tuple[str, Diagnostic | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        text = raw.decode("utf-8", errors="replace")
        bad = raw[exc.start: exc.end].hex(" ")
        return text, Diagnostic.at(
            path, Span(line, col, line, col + 1), "error", "encoding",
            f"the file is not valid UTF-8 (byte {bad} at line {line}, column {col})",
            "save the file as UTF-8 (in most editors: File › Save with encoding › UTF-8)")


#: The characters a plain scalar other than text can start with (numbers, null, true, false).
_TYPED_START = frozenset("0123456789+-.~nNtTfF")


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if text and (text[0] not in _TYPED_START or " " in text):
        return text  # most scalars are prose: no pattern below matches them (none allows a space)
    if _NULL.match(text):
        return None
    if _TRUE.match(text):
        return True
    if _FALSE.match(text):
        return False
    if _INT10.match(text) or _INT8.match(text) or _INT16.match(text):
        return _integer(text)
    if _FLOAT.match(text):
        return WrittenFloat.of(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


class WrittenFloat(float):
    """A float that keeps the text it was written as, so that an amount is exact (`1.96e9`, `0.1`).

    It is a float for everything else (messages say "the number 1.1"); the model reads an
    amount's value from `text` as a Decimal.
    """

    __slots__ = ("text",)
    text: str

    @classmethod
    def of(cls, text: str) -> WrittenFloat:
        number = cls(text)
        number.text = text
        return number

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return WrittenFloat.of, (self.text,)


class TooLarge(int):
    """Marker value: an integer literal too long to be a fact-sheet number (see MAX_INT_DIGITS)."""


def _integer(text: str) -> int:
    digits = text.lstrip("+-")
    digits = digits[2:] if digits[:2] in ("0x", "0o") else digits
    if len(digits.lstrip("0")) > MAX_INT_DIGITS:
        return TooLarge(0)
    return int(text, 0) if text[:2] in ("0x", "0o") else int(text)


_RESOLVERS: dict[str, Callable[[str], Any]] = {
    _CORE + "str": lambda text: text,
    _CORE + "null": lambda text: None if _NULL.match(text) else _Bad,
    _CORE + "bool": lambda text: True if _TRUE.match(text) else False if _FALSE.match(text) else _Bad,
    _CORE + "int": lambda text: v if isinstance(v := resolve_plain(text), int) and not isinstance(v, bool) else _Bad,
    _CORE + "float": lambda text: v if isinstance(v := resolve_plain(text), (TooLarge, WrittenFloat)) else float(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool) else _Bad,
}


class _Bad:
    """Marker: a scalar that does not match the type its explicit tag names."""


@dataclass
class _Frame:
    container: Any
    path: DataPath
    is_map: bool
    as_key: bool = False
    key: Any = None
    key_span: Span | None = None
    key_pending: bool = True
    skip_value: bool = False
    first_seen: dict[str, Span] = field(default_factory=dict)


class _Builder:
    def __init__(self, path: str, marks: SourceMap) -> None:
        self.path = path
        self.marks = marks
        self.diagnostics: list[Diagnostic] = []
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.nodes = 0
        self.documents = 0
        self.fatal = False
        self.line_starts = [0]
        self.text = ""
        self.plain_breaks = False
        #: The code of the diagnostic that stopped the reading, if one did.
        self.stopped_by: str | None = None

    def position(self, index: int) -> tuple[int, int]:
        """Line and column (from 1) of a character offset, with lines as editors count them."""
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def span(self, start: Any, end: Any) -> Span:
        if self.plain_breaks:
            return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)
        # From the marks' character offsets rather than their line and column: the parser
        # counts NEL, U+2028 and U+2029 as line breaks, which would shift every later line.
        return Span(*self.position(start.index), *self.position(end.index))

    def report(self, span: Span, code: str, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic.at(self.path, span, "error", code, message, hint))

    def stop(self, span: Span, code: str, message: str, hint: str | None = None) -> None:
        self.report(span, code, message, hint)
        self.fatal = True
        self.stopped_by = code
        raise _Stop

    def run(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [match.end() for match in _BREAK.finditer(text)]
        # Without NEL, U+2028 and U+2029 the parser counts lines as editors do, and its own
        # line and column can be used as they are (the common case, and much faster).
        self.plain_breaks = not any(char in text for char in "\x85\u2028\u2029")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        events = yaml.parse(text, Loader=loader)
        last: Any = None
        try:
            for event in events:
                last = event
                self.handle(event)
        except yaml.MarkedYAMLError as exc:
            self.unclosed_quote(exc, last)
            mark = exc.problem_mark or exc.context_mark
            span = Span(*self.position(mark.index)) if mark else Span(1, 1)
            problem = exc.problem or exc.context or "malformed YAML"
            at_tab = mark is not None and text[mark.index: mark.index + 1] == "\t"
            self.stop(span, "yaml-syntax", f"this is not valid YAML: {problem}",
                      _syntax_hint("tab" if at_tab else problem))
        except yaml.YAMLError as exc:
            position = getattr(exc, "position", None)
            if isinstance(position, int) and loader is not yaml.SafeLoader:
                # libyaml counts bytes of the UTF-8 text, not characters.
                position = len(text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore"))
            span = Span(*self.position(min(position, len(text)))) if isinstance(position, int) else Span(1, 1)
            reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
            self.stop(span, "yaml-syntax", f"this is not valid YAML: {reason}",
                      "remove control characters; only printable text is allowed")
        # No document, or one that holds nothing (`---` alone, `~`): the data would be None,
        # which the validator takes for "could not be read", so the file would pass unchecked.
        if self.documents == 0 or (self.root is None and not self.diagnostics):
            self.stop(Span(1, 1), "empty-file", "the file is empty: a fact sheet needs at least "
                      "format, kind, title, classification, document, meeting, participants and summary",
                      "start from `briefgen new ID`, which writes a skeleton to fill in")

    def unclosed_quote(self, exc: yaml.MarkedYAMLError, last: Any) -> None:
        """Stop at the opening quote when the error comes from a quote that is never closed.

        The scanner gives up at the end of the file, or, when a later quote closes the
        one left open, at the line where that quoted text ends; the analyst needs the
        line where the quote was opened.
        """
        if (exc.context or "").startswith("while scanning a quoted scalar") and exc.context_mark is not None:
            start = exc.context_mark.index
            self.stop(Span(*self.position(start), *self.position(start + 1)), "yaml-syntax",
                      "this is not valid YAML: the quote opened here is never closed",
                      f"add the closing {self.text[start: start + 1]} where the text ends")
        problem = exc.problem_mark
        if not (isinstance(last, yaml.ScalarEvent) and last.style in ("'", '"') and problem is not None
                and last.start_mark is not None and last.end_mark is not None):
            return
        line, col = self.position(last.start_mark.index)
        end_line = self.position(last.end_mark.index)[0]
        if end_line != line and self.position(problem.index)[0] == end_line:
            self.stop(Span(line, col, line, col + 1), "yaml-syntax",
                      f"this is not valid YAML: the quote opened here runs on to line {end_line}",
                      f"add the closing {last.style} where the text should end")

    # -- events --------------------------------------------------------------

    def handle(self, event: Any) -> None:
        if type(event) is yaml.ScalarEvent and event.anchor is None and event.tag is None:
            # The common case first: an untagged scalar without an anchor.
            self.count(event)
            span = self.span(event.start_mark, event.end_mark)
            self.add(self.scalar(event, span), span, event)
            return
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.stop(self.span(event.start_mark, event.end_mark), "multiple-documents",
                          "the file holds more than one YAML document",
                          "one fact sheet per file: remove the `---` line and what follows, or move it to its own file")
            return
        if isinstance(event, yaml.AliasEvent):
            self.count(event)
            span = self.span(event.start_mark, event.end_mark)
            self.report(span, "alias", f"aliases (*{event.anchor}) are not allowed in fact sheets",
                        "write the value out in full where it is needed")
            self.add(None, span, event)
            return
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.count(event)
            span = self.span(event.start_mark, event.end_mark)
            if event.anchor is not None:
                self.report(span, "anchor", f"anchors (&{event.anchor}) are not allowed in fact sheets",
                            "remove the anchor; write repeated values out in full")
            tag_ok = self.check_tag(event, span)
            if isinstance(event, yaml.ScalarEvent):
                self.add(self.scalar(event, span) if tag_ok else None, span, event)
                return
            if len(self.stack) >= MAX_DEPTH:
                self.stop(span, "too-deep", f"the data nests more than {MAX_DEPTH} levels deep",
                          "a fact sheet needs only a few levels; check the indentation")
            is_map = isinstance(event, yaml.MappingStartEvent)
            container: Any = {} if is_map else []
            path = self.child_path()
            as_key = self.expecting_key()
            self.add(container, span, event, opening=True)
            self.stack.append(_Frame(container, path, is_map, as_key=as_key))
            return
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)) and not self.stack.pop().as_key:
            self.after_value()

    def count(self, event: Any) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.stop(self.span(event.start_mark, event.end_mark), "too-many-nodes",
                      f"the file has more than {MAX_NODES:,} values", "a fact sheet describes one meeting: split it")

    def check_tag(self, event: Any, span: Span) -> bool:
        tag = event.tag
        if tag is None or tag == "!":
            return True
        allowed = {_CORE + n for n in ("str", "int", "float", "bool", "null")}
        allowed |= {_CORE + "map"} if isinstance(event, yaml.MappingStartEvent) else set()
        allowed |= {_CORE + "seq"} if isinstance(event, yaml.SequenceStartEvent) else set()
        if tag in allowed and (isinstance(event, yaml.ScalarEvent) or tag.endswith(("map", "seq"))):
            return True
        shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
        self.report(span, "tag", f"the tag {shown} is not allowed in fact sheets",
                    "remove the tag; write plain values (quote text that looks like a number)")
        return False

    def scalar(self, event: Any, span: Span) -> Any:
        value = self.typed_scalar(event, span)
        if isinstance(value, TooLarge):
            self.report(span, "number-too-large",
                        f"this number has more than {MAX_INT_DIGITS} digits, more than any fact-sheet value needs",
                        "check the number; quote it if it is text")
            return None
        return value

    def typed_scalar(self, event: Any, span: Span) -> Any:
        text = event.value
        if event.tag not in (None, "!"):
            value = _RESOLVERS[event.tag](text)
            if value is _Bad:
                self.report(span, "tag", f"'{text}' is not a valid {event.tag[len(_CORE):]}",
                            "remove the tag, or correct the value")
                return None
            return value
        if event.style or event.tag == "!":
            return text
        value = resolve_plain(text)
        if not isinstance(value, str) and not self.expecting_key():
            self.marks.typed_plain[self.child_path()] = text
        return value

    # -- building ------------------------------------------------------------

    def expecting_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_map and self.stack[-1].key_pending

    def child_path(self) -> DataPath:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if frame.is_map:
            return frame.path + (frame.key,)
        return frame.path + (len(frame.container),)

    def add(self, value: Any, span: Span, event: Any, opening: bool = False) -> None:
        if not self.stack:
            self.root = value
            self.marks.values[()] = span
            return
        frame = self.stack[-1]
        if frame.is_map and frame.key_pending:
            if len(frame.first_seen) >= MAX_ITEMS:
                self.stop(span, "too-many-items", f"this mapping has more than {MAX_ITEMS} keys",
                          "a fact sheet describes one meeting: check the indentation, or split it")
            self.add_key(frame, value, span, event, opening)
            return
        if not frame.is_map and len(frame.container) >= MAX_ITEMS:
            self.stop(span, "too-many-items", f"this list has more than {MAX_ITEMS} items",
                      "a fact sheet describes one meeting: shorten the list, or split the sheet")
        if frame.is_map:
            if not frame.skip_value:
                frame.container[frame.key] = value
                self.marks.values[frame.path + (frame.key,)] = span
        else:
            self.marks.values[frame.path + (len(frame.container),)] = span
            frame.container.append(value)
        if not opening:
            self.after_value()

    def add_key(self, frame: _Frame, key: Any, span: Span, event: Any, opening: bool) -> None:
        frame.key_pending = False
        frame.key_span = span
        frame.skip_value = True
        if opening:
            # A mapping or list used as a key: skip it and its value.
            self.report(span, "key-not-string", "a key must be text, not a mapping or a list",
                        "use a plain word as the key")
            frame.key = object()
            return
        if isinstance(event, yaml.ScalarEvent) and event.value == "<<" and not event.style:
            self.report(span, "merge-key", "merge keys (<<) are not allowed in fact sheets",
                        "write the keys out in full")
            frame.key = object()
            return
        if not isinstance(key, str):
            shown = event.value if isinstance(event, yaml.ScalarEvent) else "*alias"
            self.report(span, "key-not-string", f"the key '{shown}' is not text (YAML reads it as {_kind(key)})",
                        f"quote the key: \"{shown}\"")
            frame.key = object()
            return
        first = frame.first_seen.get(key)
        if first is not None:
            self.report(span, "duplicate-key", f"the key '{key}' appears twice in this mapping "
                        f"(first on line {first.line})", "keep one of them and delete the other")
            frame.key = object()
            return
        frame.first_seen[key] = span
        frame.key = key
        frame.skip_value = False
        self.marks.keys[frame.path + (key,)] = span

    def after_value(self) -> None:
        if self.stack and self.stack[-1].is_map:
            frame = self.stack[-1]
            if not frame.key_pending:
                frame.key_pending = True
                frame.skip_value = False


def text_values(data: Any, loc: DataPath = ()) -> Iterator[tuple[DataPath, str]]:
    """Every text value in plain data (mappings, lists, scalars), with its path, in document order."""
    # An explicit stack rather than recursion: this runs over every sheet that is checked.
    stack: list[tuple[DataPath, Any]] = [(loc, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            stack.extend((where + (key,), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((where + (index,), item) for index, item in reversed(list(enumerate(value))))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a true/false value"
    return "a number"


def _syntax_hint(problem: str) -> str | None:
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, e.g. title: \"Japan: a readout\""
    if "could not find expected ':'" in problem or "simple key" in problem:
        return "each line is `key: value`; check the indentation and any unclosed quotes above"
    if "found character" in problem and "that cannot start any token" in problem:
        return "quote values that begin with special characters like @, ` or %"
    if "expected <block end>" in problem:
        return "check the indentation: items of the same list or mapping must line up"
    return "check the indentation and quotes around this position"
