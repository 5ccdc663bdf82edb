"""The view's rendered text (sanitised HTML, markup.ALLOWED_TAGS) as the runs and paragraphs a Word document holds.

The view gives every text already rendered and sanitised for the templates; the Word
writer needs the same text as plain runs (bold, italic, code, a language) in paragraphs
(body text, list items, quotes). This reads that HTML back — only the few tags nh3 keeps,
plus the `span`/`div` with `lang` the view wraps untranslated text in — and never imports
python-docx, so it is tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from markupsafe import Markup

#: Paragraph roles the writer gives a Word style each (docx.py).
BODY, BULLET, NUMBER, QUOTE, CODE = "body", "bullet", "number", "quote", "code"

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting: what python-docx's `add_run` writes."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    #: Its language (BCP 47) when not the note's, for w:lang.
    lang: str | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph: its role (BODY, BULLET, NUMBER, QUOTE, CODE), list depth, and runs."""

    role: str
    runs: tuple[Run, ...]
    level: int = 0

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


class _Reader(HTMLParser):
    """Walks sanitised HTML, keeping the formatting in force and the paragraph being filled."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.runs: list[Run] = []
        self.style = Run("")
        #: The open elements that decide a paragraph's role: ul, ol, blockquote, pre.
        self.context: list[str] = []
        self.langs: list[str | None] = []
        #: Inside how many spans the view keeps on one line (linebreaks.keep_together: class "nobr").
        self.unbroken: list[bool] = []
        self.role = BODY

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        lang = dict(attrs).get("lang")
        if tag in ("span", "div"):
            self.unbroken.append("nobr" in (dict(attrs).get("class") or "").split())
            self.langs.append(lang)
            self.style = replace(self.style, lang=lang or self.style.lang)
        elif tag in ("strong", "b"):
            self.style = replace(self.style, bold=True)
        elif tag in ("em", "i"):
            self.style = replace(self.style, italic=True)
        elif tag == "code":
            self.style = replace(self.style, code=True)
        elif tag == "br":
            self.runs.append(replace(self.style, text="\n"))
        elif tag in ("ul", "ol", "blockquote", "pre"):
            self.flush()
            self.context.append(tag)
            self.role = self._role("p")
        elif tag in ("p", "li"):
            self.flush()
            self.role = self._role(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("span", "div"):
            if self.langs:
                self.langs.pop()
                self.unbroken.pop()
            self.style = replace(self.style, lang=next((lang for lang in reversed(self.langs) if lang), None))
        elif tag in ("strong", "b"):
            self.style = replace(self.style, bold=False)
        elif tag in ("em", "i"):
            self.style = replace(self.style, italic=False)
        elif tag == "code":
            self.style = replace(self.style, code=False)
        elif tag in ("ul", "ol", "blockquote", "pre"):
            self.flush()
            if self.context:
                self.context.pop()
            self.role = self._role("p")
        elif tag in ("p", "li"):
            self.flush()
            self.role = self._role("p")

    def handle_data(self, data: str) -> None:
        if "pre" not in self.context:
            # What the HTML keeps on one line (a date, an amount, a name), Word keeps with no-break spaces.
            data = _SPACES.sub("\u00a0" if any(self.unbroken) else " ", data)
        if data:
            self.runs.append(replace(self.style, text=data))

    def _role(self, tag: str) -> str:
        if "pre" in self.context:
            return CODE
        if tag == "li" and self.context and self.context[-1] in ("ul", "ol"):
            return NUMBER if self.context[-1] == "ol" else BULLET
        return QUOTE if "blockquote" in self.context else BODY

    def flush(self) -> None:
        runs = _trimmed(self.runs) if self.role != CODE else _code(self.runs)
        if runs:
            depth = max(0, sum(tag in ("ul", "ol") for tag in self.context) - 1)
            self.blocks.append(Block(self.role, runs, depth if self.role in (BULLET, NUMBER) else 0))
        self.runs = []


def _merged(runs: list[Run]) -> tuple[Run, ...]:
    """Neighbouring runs of one formatting joined (fewer, longer w:r elements)."""
    found: list[Run] = []
    for run in runs:
        if found and replace(found[-1], text="") == replace(run, text=""):
            found[-1] = replace(run, text=found[-1].text + run.text)
        else:
            found.append(run)
    return tuple(run for run in found if run.text)


def _code(runs: list[Run]) -> tuple[Run, ...]:
    """A code block's runs as written, without the line break Markdown ends it with."""
    found = list(_merged(runs))
    if found:
        found[-1] = replace(found[-1], text=found[-1].text.rstrip("\n"))
    return tuple(run for run in found if run.text)


def _trimmed(runs: list[Run]) -> tuple[Run, ...]:
    """Runs with the paragraph's outer spaces, and the spaces doubled across runs, removed (as HTML shows them)."""
    found = list(_merged(runs))
    for index in range(1, len(found)):
        if found[index - 1].text.endswith((" ", "\n")) and found[index].text.startswith(" "):
            found[index] = replace(found[index], text=found[index].text.lstrip(" "))
    if found:
        found[0] = replace(found[0], text=found[0].text.lstrip())
        found[-1] = replace(found[-1], text=found[-1].text.rstrip())
    return tuple(run for run in found if run.text)


def blocks(html: str) -> tuple[Block, ...]:
    """Rendered block HTML (paragraphs, lists, quotes) as Word paragraphs, in order."""
    reader = _Reader()
    reader.feed(str(html))
    reader.close()
    reader.flush()
    return tuple(reader.blocks)


def runs(html: str) -> tuple[Run, ...]:
    """Rendered inline HTML (a point, a table cell) as the runs of one paragraph; blocks inside are joined by breaks."""
    found: list[Run] = []
    for block in blocks(html):
        if found:
            found.append(Run("\n"))
        found.extend(block.runs)
    return tuple(found)


def inline(value: str | None) -> tuple[Run, ...]:
    """A field of the view as runs: Markup (rendered or kept together) read as HTML, plain text as it is."""
    if not value:
        return ()
    return runs(value) if isinstance(value, Markup) else (Run(value),)


def plain(value: str | None) -> str:
    """A field of the view as its text alone (for a heading, whose style sets the formatting)."""
    return "".join(run.text for run in inline(value))
