"""A note as a Word document: the released view → python-docx → reproducible .docx bytes.

The same view the templates print (view.brief_view, already cut for the release), so
nothing withheld can reach the document's text, headers, footers or properties. The
body is docx_body's; this module opens the base document (python-docx's own, or the
project's reference document for its house styles), puts the banner in every page's
header and footer with "Page N of M" made of PAGE and NUMPAGES fields, sets the document
properties and language, and makes the bytes reproducible (docx_package).

python-docx is imported only in here, when a note is written as a DOCX.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from briefgen.render.docx_body import Body
from briefgen.render.docx_package import as_document, reproducible
from briefgen.render.docx_word import set_lang

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import _Footer, _Header
    from docx.text.paragraph import Paragraph as WordParagraph

    from briefgen.render.view_records import BriefView

#: The page number label's placeholders, as _page_marks.html fills them.
_PAGE_PLACEHOLDERS = re.compile(r"(\{page\}|\{pages\})")


def write_docx(view: BriefView, reference: bytes | None = None) -> bytes:
    """The note as .docx bytes; from `reference` (a .docx or .dotx) when given. Raises ReferenceProblem for a
    reference that is not a Word document."""
    import docx

    document = docx.Document(io.BytesIO(as_document(reference)) if reference is not None else None)
    _emptied(document)
    Body(document, view, _style_finder(document)).write()
    _page_marks(document, view)
    _properties(document, view)
    out = io.BytesIO()
    document.save(out)
    return reproducible(out.getvalue())


def _emptied(document: Document) -> None:
    """A reference document's body, comments' anchors and thumbnail removed: it gives its styles, page setup
    and theme, never text of its own (its last w:sectPr, the page setup, stays)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype == RT.THUMBNAIL:  # a picture of another document's first page
            del package.rels[key]
    for key, relationship in list(document.part.rels.items()):
        if relationship.reltype == RT.COMMENTS:
            del document.part.rels[key]


def _style_finder(document: Document) -> Callable[[str], str | None]:
    """The style name to use for a built-in one: itself when the document has it, else None (Normal)."""
    have = {style.name for style in document.styles}

    def find(name: str) -> str | None:
        if name in have:
            return name
        if name.startswith("Heading "):  # a heading Word's navigation still sees: add one like the built-in
            _add_heading_style(document, name)
            have.add(name)
            return name
        stem = name.rstrip(" 0123456789")
        return stem if stem in have else None

    return find


def _add_heading_style(document: Document, name: str) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    level = int(name.rsplit(" ", 1)[1])
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.font.bold = True
    style.font.size = Pt({1: 16, 2: 13}.get(level, 12))
    style.paragraph_format.keep_with_next = True
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level - 1))
    # In its place in w:pPr's sequence (ISO/IEC 29500-1 §17.3.1.26): before these, after the rest.
    style.element.get_or_add_pPr().insert_element_before(outline, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                                                         "w:pPrChange")


def _page_marks(document: Document, view: BriefView) -> None:
    """The banner at the top and bottom of every page (first, odd and even pages of every section); the
    footer's reference, release statement and "Page N of M"."""
    for section in document.sections:
        headers = (section.header, section.first_page_header, section.even_page_header)
        footers = (section.footer, section.first_page_footer, section.even_page_footer)
        for header in headers:
            _banner(_cleared(header), view)
        for footer in footers:
            _banner(_cleared(footer), view)
            _footer_line(footer.add_paragraph(), view)


def _cleared(part: _Header | _Footer) -> _Header | _Footer:
    """A header or footer of its own (not the previous section's), with nothing in it but one empty paragraph."""
    part.is_linked_to_previous = False
    element = part._element
    for child in list(element):
        element.remove(child)
    part.add_paragraph()
    return part


def _banner(part: _Header | _Footer, view: BriefView) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = part.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(view.banner.text).bold = True
    if view.banner.translation:
        run = paragraph.add_run("\n" + view.banner.translation)
        if view.banner.translation_lang:
            set_lang(run._r.get_or_add_rPr(), view.banner.translation_lang)


def _footer_line(paragraph: WordParagraph, view: BriefView) -> None:
    """"G20-2025/JP-IN/01 · version 1.0 · For UK nationals · Page 2 of 3", the numbers PAGE and NUMPAGES fields."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lead = [text for text in (view.footer, view.footer_release) if text]
    if lead:
        paragraph.add_run(" · ".join(lead) + " · ")
    label = view.labels.gettext("Page %(page)s of %(pages)s") % {"page": "{page}", "pages": "{pages}"}
    for piece in _PAGE_PLACEHOLDERS.split(label):
        if piece in ("{page}", "{pages}"):
            _field(paragraph, "PAGE" if piece == "{page}" else "NUMPAGES")
        elif piece:
            paragraph.add_run(piece)


def _field(paragraph: WordParagraph, instruction: str) -> None:
    """A simple field (w:fldSimple, ISO/IEC 29500-1 §17.16.19) Word computes as it lays the pages out,
    with "1" shown until it does."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _properties(document: Document, view: BriefView) -> None:
    """Title, subject, keywords, language and dates as the PDF's metadata has them; the author only when the
    view names one (a release that withholds the drafter names none). Every other property is emptied, so a
    reference document's own never stays."""
    metadata = view.metadata
    properties = document.core_properties
    created = _dt.datetime.combine(_dt.date.fromisoformat(metadata.created), _dt.time(), _dt.UTC)
    modified = _dt.datetime.combine(_dt.date.fromisoformat(metadata.modified), _dt.time(), _dt.UTC)
    properties.title = metadata.title
    properties.subject = metadata.subject
    properties.keywords = metadata.keywords
    properties.language = metadata.language
    properties.author = metadata.author or ""
    properties.last_modified_by = metadata.author or ""
    properties.category = view.kind_label
    properties.content_status = view.status
    properties.comments = ""
    properties.identifier = ""
    properties.version = ""
    properties.revision = 1
    properties.created = created
    properties.modified = modified
    from docx.oxml.ns import qn

    for printed in properties._element.findall(qn("cp:lastPrinted")):  # a reference document's, not this note's
        properties._element.remove(printed)
    _default_language(document, metadata.language)


def _default_language(document: Document, language: str) -> None:
    """w:lang in the document's default run properties (w:docDefaults/w:rPrDefault/w:rPr, §17.7.5): the
    language Word proofs and hyphenates the note in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_default = defaults.find(qn("w:rPrDefault"))
    if run_default is None:
        run_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_default)
    properties = run_default.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_default.append(properties)
    set_lang(properties, language)
