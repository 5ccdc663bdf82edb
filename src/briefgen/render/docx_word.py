"""Word elements from briefgen's runs: runs with their formatting and language, and tables with a repeating header row.

The python-docx calls the body (docx_body.py) and the page marks (docx.py) share; python-docx
is imported inside each function, as everywhere in rendering.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from briefgen.render.docx_text import Run

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph as WordParagraph

#: A table cell's content: paragraphs of runs.
Cell = Sequence[Sequence[Run]]


def add_runs(paragraph: WordParagraph, items: Iterable[Run]) -> None:
    """Runs into a python-docx paragraph: bold, italic, code in a fixed-width font, a language of its own."""
    for item in items:
        if not item.text:
            continue
        run = paragraph.add_run(item.text)
        run.bold = item.bold or None
        run.italic = item.italic or None
        if item.code:
            run.font.name = "Courier New"
        if item.lang:
            set_lang(run._r.get_or_add_rPr(), item.lang)


#: Scripts Word keeps apart from Latin text (w:lang's eastAsia and bidi, ISO/IEC 29500-1 §17.3.2.20):
#: a language written in one of them is named there too, so that Word picks its fonts and proofing.
EAST_ASIAN = ("ja", "zh", "ko")
COMPLEX = ("hi", "ar", "he", "fa", "ur", "bn", "ta", "th")


def set_lang(properties: object, lang: str) -> None:
    """Set w:lang on run properties (a w:rPr element): the language in the slot of its script."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.oxml.xmlchemy import BaseOxmlElement

    assert isinstance(properties, BaseOxmlElement)
    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    element = OxmlElement("w:lang")
    primary = lang.split("-")[0].casefold()
    element.set(qn("w:val"), lang)
    if primary in EAST_ASIAN:
        element.set(qn("w:eastAsia"), lang)
    if primary in COMPLEX:
        element.set(qn("w:bidi"), lang)
    # In its place in the sequence of w:rPr (ISO/IEC 29500-1 §17.3.2.28): before these, after the rest.
    properties.insert_element_before(element, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def write_table(document: Document, header: Sequence[str], rows: Sequence[Sequence[Cell]], style: str | None) -> None:
    """A table with a header row that Word repeats at the top of every page it runs onto (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=1, cols=len(header))
    if style:
        table.style = style
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        fill(cell, [[Run(text, bold=True)]])
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(mark)
    for row in rows:
        for cell, content in zip(table.add_row().cells, row, strict=True):
            fill(cell, content)


def fill(cell: _Cell, content: Cell) -> None:
    """A cell's paragraphs: its first one is the one Word gives every cell."""
    for index, line in enumerate(content or [[]]):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        add_runs(paragraph, line)
