"""The strict reading of YAML: parser events → plain data and its SourceMap, every problem a Diagnostic.

Tags, anchors, aliases, merge keys, duplicate and non-text keys are refused at their
position; the limits below stop a file that would make a build slow.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import yaml

from briefgen.report.diagnostics import Diagnostic, Span
from briefgen.sheet.marks import LINE_BREAK, DataPath, SourceMap
from briefgen.sheet.scalars import CORE, MAX_INT_DIGITS, RESOLVERS, Mismatch, TooLarge, resolve_plain

MAX_DEPTH = 50
MAX_NODES = 100_000
#: Items in one list, keys in one mapping: far above any meeting's, far below what makes a build slow.
MAX_ITEMS = 200


class Stop(Exception):
    """Parsing cannot go on (a syntax error or a limit); the diagnostic is already recorded."""


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


class Builder:
    """Plain data and its SourceMap, built from the parser's events for one file."""

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
        raise Stop

    def run(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
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
        allowed = {CORE + n for n in ("str", "int", "float", "bool", "null")}
        allowed |= {CORE + "map"} if isinstance(event, yaml.MappingStartEvent) else set()
        allowed |= {CORE + "seq"} if isinstance(event, yaml.SequenceStartEvent) else set()
        if tag in allowed and (isinstance(event, yaml.ScalarEvent) or tag.endswith(("map", "seq"))):
            return True
        shown = "!!" + tag[len(CORE):] if tag.startswith(CORE) else tag
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
            value = RESOLVERS[event.tag](text)
            if value is Mismatch:
                self.report(span, "tag", f"'{text}' is not a valid {event.tag[len(CORE):]}",
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
