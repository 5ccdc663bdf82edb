"""Runs of text a line must not break inside: dates and their ranges, amounts, durations, references, names.

Each run is wrapped in `<span class="nobr">` (`white-space: nowrap` in the styles), so
its characters stay exactly as written: copy and paste, `pdftotext` and search all see
"EX-2026/QUAD/07" and "22–23 November 2025", where a no-break hyphen (U+2011) would
give other characters. Only short runs are kept together: a run longer than
`MAX_RUN` characters may still break, so that nothing is ever wider than its box.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from markupsafe import Markup, escape

#: The longest run kept on one line: a date range or a reference, never a sentence.
MAX_RUN = 40
#: Characters without a space from which a run may break anywhere (`<span class="long-run">`):
#: longer than any English word, shorter than most pasted links.
LONG_RUN = 30
_LONG = re.compile(rf"[^\s\u00a0\u202f]{{{LONG_RUN},}}")

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_DASH = r"\s?[-–—]\s?"
_S = r"[ \u00a0\u202f]"
_SCALE = r"(?:thousand|million|billion|trillion|bn|m)"
_PATTERNS = [
    # 22–23 November 2025 · 22 November – 3 December 2025 · November 22–23, 2025 · 23 November 2025
    rf"\b\d{{1,2}}(?:{_S}{_MONTH})?{_DASH}\d{{1,2}}{_S}{_MONTH}(?:{_S}\d{{4}})?\b",
    rf"\b{_MONTH}{_S}\d{{1,2}}(?:{_DASH}(?:{_MONTH}{_S})?\d{{1,2}})?(?:,?{_S}\d{{4}})?\b",
    rf"\b\d{{1,2}}{_S}{_MONTH}(?:{_S}\d{{4}})?\b",
    # 2026–27 · 2025–2030 · August 2025
    r"\b(?:19|20)\d\d[-–](?:\d\d){1,2}\b",
    rf"\b{_MONTH}{_S}\d{{4}}\b",
    # 1 hour 30 minutes · 35 minutes · 13:40 SAST · 1:40 PM
    rf"\b\d+{_S}hours?(?:{_S}(?:and{_S})?\d+{_S}minutes?)?\b",
    rf"\b\d+{_S}minutes?\b",
    rf"\b\d{{1,2}}:\d\d(?:{_S}?[AaPp]\.?[Mm]\.?)?(?:{_S}[A-Z]{{2,5}}\b)?",
    # US$2 billion · ¥10 trillion · CHF 5 million · 10 trillion yen
    rf"(?:\b[A-Z]{{1,3}})?[$£€¥￥₹₩]{_S}?\d[\d,.]*(?:{_S}{_SCALE}\b)?",
    rf"\b[A-Z]{{3}}{_S}\d[\d,.]*(?:{_S}{_SCALE}\b)?",
    rf"\b\d[\d,.]*{_S}{_SCALE}(?:{_S}(?:yen|dollars|euros|pounds|rupees|yuan|won|rand))?\b",
    # EX-2026/QUAD/07 · G20-2025/JP-IN/01: letters and digits joined by hyphens or slashes, with a digit
    r"\b[A-Za-z0-9]+(?:[-/‐‑][A-Za-z0-9]+)+\b",
]
_RUNS = re.compile("|".join(f"(?:{pattern})" for pattern in _PATTERNS))


def _runs(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """The (start, end) of every run to keep together in `text`, longest first where they overlap."""
    found: list[tuple[int, int]] = []
    for match in _RUNS.finditer(text):
        run = match.group()
        if re.search(r"[-/‐‑]", run) and not re.search(r"\d", run) and not re.search(_MONTH, run):
            continue  # a hyphenated word ("Indo-Pacific") may break at its hyphen
        if re.search(r"[\s\u00a0\u202f\-–—/‐‑]", run):
            found.append(match.span())
    for name in names:
        if len(name) <= MAX_RUN and re.search(r"[\s\-‐]", name):
            found.extend(m.span() for m in re.finditer(re.escape(name), text))
    found = [(start, end) for start, end in found if end - start <= MAX_RUN]
    found.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int]] = []
    for start, end in found:
        if kept and start < kept[-1][1]:
            if end > kept[-1][1] and end - kept[-1][0] <= MAX_RUN:
                kept[-1] = (kept[-1][0], end)  # overlapping runs make one
            continue
        kept.append((start, end))
    return kept


def keep_together(text: str, names: Iterable[str] = ()) -> Markup:
    """Plain text as HTML: each run that must not break in a no-break span, each overlong one in a long-run span."""
    out: list[str] = []
    last = 0
    for start, end in _runs(text, tuple(names)):
        out.append(_long_runs(text[last:start]))
        out.append(Markup('<span class="nobr">{}</span>').format(text[start:end]))
        last = end
    out.append(_long_runs(text[last:]))
    return Markup("").join(out)


def _long_runs(text: str) -> Markup:
    out: list[str] = []
    last = 0
    for match in _LONG.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup('<span class="long-run">{}</span>').format(match.group()))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


class _Rewriter(HTMLParser):
    """Rebuilds sanitised HTML with its text runs kept together (nh3's output is well formed)."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.names = names
        self.out: list[str] = []
        self.inside_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in ("code", "pre"):
            self.inside_code += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if tag in ("code", "pre"):
            self.inside_code -= 1

    def handle_data(self, data: str) -> None:
        self.out.append(str(_long_runs(data)) if self.inside_code else str(keep_together(data, self.names)))


def keep_together_html(html: Markup, names: Iterable[str] = ()) -> Markup:
    """Rendered (sanitised) Markdown with the runs of its text that must not break wrapped in no-break spans."""
    rewriter = _Rewriter(tuple(names))
    rewriter.feed(str(html))
    rewriter.close()
    return Markup("".join(rewriter.out))
