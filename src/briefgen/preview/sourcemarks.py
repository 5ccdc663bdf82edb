"""Click-to-source for the preview: mark each rendered value with the fact-sheet line it came from.

The templates know nothing of this (the published brief must carry none of it): the
rendered HTML is read back, and the innermost element whose text is one of the sheet's
text values — exactly, or as the start of a Markdown value — gets `data-src-line` and
`data-src-col`. Text is compared after whitespace is collapsed and Markdown's own
markup (emphasis, links, list bullets) is dropped, as the reader sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from briefgen.report.diagnostics import Span
from briefgen.sheet.marks import DataPath, SourceMap, text_values

#: A value shorter than this matches only exactly: short prefixes ("Japan") are everywhere.
MIN_PREFIX = 16

#: Labels the templates put before a value: portion marks "(OS)", paragraph numbers "12." or "3.1".
_LEADING_LABELS = re.compile(r"^(?:\([A-Z]{1,4}\)\s*|\d{1,4}(?:\.\d{1,4})*\.?\s+)+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_BLOCK_MARKERS = re.compile(r"(?m)^[ \t]{0,3}(?:[-*+]|\d+[.)]|#{1,6}|>)[ \t]+")
_EMPHASIS = re.compile(r"\*\*|__|\*|`")
# Elements whose text is not part of what the reader sees as the brief.
_SKIPPED = frozenset({"head", "script", "style", "title", "template", "noscript"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


#: What typographic rendering (smart quotes, dashes, ellipses) makes of plain characters.
_TYPOGRAPHY = (("\u2018", "'"), ("\u2019", "'"), ("\u201a", "'"), ("\u201c", '"'), ("\u201d", '"'),
               ("\u201e", '"'), ("---", "\u2014"), ("--", "\u2013"), ("...", "\u2026"))


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces, ends trimmed, quotes and dashes as typeset."""
    text = " ".join(text.split())
    for plain, shown in _TYPOGRAPHY:
        text = text.replace(plain, shown)
    return text


def reader_text(markdown_text: str) -> str:
    """A Markdown value as its rendered text reads: links, bullets and emphasis markers dropped."""
    text = _LINK.sub(r"\1", markdown_text)
    text = _BLOCK_MARKERS.sub("", text)
    return normalise(_EMPHASIS.sub("", text))


@dataclass(frozen=True)
class Locator:
    """Rendered text → where its value stands in the fact sheet."""

    exact: dict[str, Span]
    prefixes: tuple[tuple[str, Span], ...]

    @classmethod
    def of(cls, values: Iterable[tuple[DataPath, str]], marks: SourceMap) -> Locator:
        exact: dict[str, Span] = {}
        prefixes: list[tuple[str, Span]] = []
        for loc, value in values:
            span = marks.value(loc)
            for text in (normalise(value), reader_text(value)):
                if text:
                    exact.setdefault(text, span)
            plain = reader_text(value)
            if len(plain) >= MIN_PREFIX:
                prefixes.append((plain, span))
        return cls(exact, tuple(prefixes))

    def find(self, rendered: str) -> Span | None:
        """Where the rendered text of one element came from, or None."""
        text = _LEADING_LABELS.sub("", normalise(rendered))
        if not text:
            return None
        span = self.exact.get(text)
        if span is not None or len(text) < MIN_PREFIX:
            return span
        for value, found in self.prefixes:
            if value.startswith(text):
                return found
        return None


def locator_for(data: object, marks: SourceMap) -> Locator:
    """A locator over every text value of the sheet's data."""
    return Locator.of(text_values(data), marks)


def annotate(html: str, locator: Locator) -> str:
    """`html` with `data-src-line`/`data-src-col` on the innermost element of each located value."""
    parser = _Annotator(html, locator)
    parser.feed(html)
    parser.close()
    parser.finish()
    out: list[str] = []
    last = 0
    for offset, text in sorted(parser.inserts):
        out.append(html[last:offset])
        out.append(text)
        last = offset
    out.append(html[last:])
    return "".join(out)


@dataclass
class _Element:
    tag: str
    #: Offset in the document where attributes may be added (before `>` or `/>`).
    insert_at: int
    skipped: bool
    parts: list[str] = field(default_factory=list)
    #: Locations already given to an element inside this one.
    claimed: set[tuple[int, int]] = field(default_factory=set)


class _Annotator(HTMLParser):
    def __init__(self, html: str, locator: Locator) -> None:
        super().__init__(convert_charrefs=True)
        self.locator = locator
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.stack: list[_Element] = []
        self.inserts: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        line, col = self.getpos()
        start = self.line_starts[line - 1] + col
        raw = self.get_starttag_text() or ""
        end = start + len(raw) - (2 if raw.endswith("/>") else 1)
        skipped = tag in _SKIPPED or bool(self.stack and self.stack[-1].skipped)
        self.stack.append(_Element(tag, end, skipped))

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                while len(self.stack) > index:
                    self._close(self.stack.pop())
                return

    def finish(self) -> None:
        while self.stack:
            self._close(self.stack.pop())

    def _close(self, element: _Element) -> None:
        text = "".join(element.parts)
        claimed = element.claimed
        if not element.skipped:
            span = self.locator.find(text)
            if span is not None and (span.line, span.col) not in claimed:
                self.inserts.append((element.insert_at, f' data-src-line="{span.line}" data-src-col="{span.col}"'))
                claimed = claimed | {(span.line, span.col)}
        if self.stack:
            parent = self.stack[-1]
            parent.parts.append(text)
            parent.claimed |= claimed


__all__ = ["Locator", "annotate", "locator_for", "normalise", "reader_text"]
