"""Finish a tagged PDF where WeasyPrint 70 cannot: margin boxes as artifacts, per-span /Lang, ActualText, scopes.

WeasyPrint tags the document body well, but four things a PDF/UA reader (and a search for a
name) needs are out of its reach in 70.0, so briefgen mends them with pikepdf (qpdf) after
`write_pdf`, reading only what WeasyPrint wrote:

- **Margin boxes.** The banners and "Page N of M" live in `@page` margin boxes. WeasyPrint marks
  their text with MCIDs but links the structure elements to nothing ("it could be included in
  tree as Artifact, but that's only allowed in PDF 2.0", weasyprint/pdf/tags.py;
  https://github.com/Kozea/WeasyPrint/issues/1836), so the content is neither in the structure
  tree nor an artifact, which PDF/UA-1 (ISO 14289-1 §7.1) forbids. Each such sequence becomes
  `/Artifact <</Type /Pagination>> BDC` (ISO 32000-1 §14.8.2.2) and leaves the parent tree.
- **Languages of spans.** WeasyPrint writes the document's /Lang only; a Japanese or Hindi name
  in an English note (`<span lang="hi">`) gets /Lang on its span (ISO 32000-1 §14.9.2).
- **ActualText for shaped scripts.** HarfBuzz shapes Devanagari clusters into glyphs whose
  positions make `pdftotext` split a word ("नरे न्द्र" for नरेन्द्र); an /ActualText on each
  marked sequence in such a script (ISO 32000-1 §14.9.4) gives readers the text as written.
- **Header scope.** A TH in a table head gets `/Scope /Column`, one in a body row `/Row`
  (ISO 32000-1 §14.8.5.7), as the HTML's `scope` says.

It also opens the document with its bookmarks shown (/PageMode /UseOutlines), writes the note's
language into the XMP (dc:language) of a variant that has XMP, and gives the file the /ID
PDF/A asks for (ISO 19005-2 §6.1.3), computed from the content so the bytes stay reproducible.
"""

from __future__ import annotations

import io
import re
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, TypeAlias

import pikepdf

#: Scripts whose glyphs are reordered or combined by shaping, so that the glyph positions do not
#: give the text back in order: Indic (Devanagari to Sinhala), Thai, Lao, Tibetan, Myanmar, Khmer.
SHAPED_SCRIPTS = re.compile("[\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]")
#: One instruction of a content stream, as pikepdf parses it.
Instruction: TypeAlias = pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage
_LETTER = re.compile(r"[^\W\d_]")


def finish_pdf(data: bytes, html: str, *, also_ua: bool = False) -> bytes:
    """The PDF `data` printed from `html`, finished as the module docstring says; same input, same bytes.

    `also_ua`: a PDF/A-2b file that is to declare PDF/UA-1 as well (pdf_variants.COMBINED).
    """
    languages = LanguageRuns.of(html)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _mend_marked_content(pdf, languages)
        _scope_headers(pdf)
        pdf.Root.PageMode = pikepdf.Name.UseOutlines
        if "/Metadata" in pdf.Root and languages.root:
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
                xmp["dc:language"] = [languages.root]
        if also_ua:
            _declare_ua(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


@dataclass
class LanguageRuns:
    """The document's language and the text of each element marked in another language."""

    root: str
    runs: list[tuple[str, str]]

    @property
    def letters(self) -> frozenset[str]:
        """Every letter of the runs in other languages."""
        return frozenset(char for text, _ in self.runs for char in text if _LETTER.match(char))

    @classmethod
    def of(cls, html: str) -> LanguageRuns:
        reader = _LangReader()
        reader.feed(html)
        reader.close()
        root = reader.root
        other = [(" ".join(text.split()), lang) for lang, text in reader.runs
                 if lang.split("-")[0].casefold() != root.split("-")[0].casefold()]
        return cls(root, [(text, lang) for text, lang in other if text])

    def language_of(self, text: str) -> str | None:
        """The language of a run of text drawn in the PDF, when it lies wholly in one element marked
        in another language than the document's (and only one such language could be meant)."""
        text = " ".join(text.split())
        if len(text) < 2 or not _LETTER.search(text):
            return None
        found = {lang for whole, lang in self.runs if text in whole}
        return found.pop() if len(found) == 1 else None


class _LangReader(HTMLParser):
    """Collects the text of every element with a `lang` attribute (innermost wins)."""

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                       "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ""
        self.stack: list[tuple[str, str | None]] = []
        self.runs: list[tuple[str, str]] = []
        self._open: list[list[str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            return
        lang = dict(attrs).get("lang")
        if tag == "html" and lang:
            self.root = lang
        elif lang:
            self._open.append([lang])
        self.stack.append((tag, lang if tag != "html" else None))
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, lang = self.stack.pop()
            if name in ("script", "style", "title"):
                self._skip -= 1
            if lang:
                run = self._open.pop()
                self.runs.append((run[0], "".join(run[1:])))
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open and not self._skip:
            self._open[-1].append(data)


def _mend_marked_content(pdf: pikepdf.Pdf, languages: LanguageRuns) -> None:
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    parents = pikepdf.NumberTree(tree.ParentTree)
    linked = _linked_elements(tree)
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parents:
            continue
        owners = parents[int(key)]
        instructions = list(pikepdf.parse_content_stream(page))
        # Decoding the text is the costly part: only where a language or a shaped script could be found.
        fonts = _page_fonts(page, languages)
        texts = _marked_texts(instructions, fonts) if any(font.read for font in fonts.values()) else {}
        changed = False
        for index, instruction in enumerate(instructions):
            operands, operator = instruction.operands, instruction.operator
            if str(operator) != "BDC" or not isinstance(operands[1], pikepdf.Dictionary) or "/MCID" not in operands[1]:
                continue
            properties: Any = operands[1]
            mcid = int(properties.MCID)
            owner = owners[mcid] if mcid < len(owners) else None
            replaced: list[Any]
            if not isinstance(owner, pikepdf.Dictionary) or owner.objgen not in linked:
                replaced = _artifact()
                if mcid < len(owners):
                    owners[mcid] = None
            else:
                mended = _described(properties, owner, texts.get(mcid, ""), languages)
                if mended is None:
                    continue
                replaced = [operands[0], mended]
            instructions[index] = pikepdf.ContentStreamInstruction(replaced, operator)
            changed = True
        if changed:
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _artifact() -> list[Any]:
    return [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]


def _described(properties: pikepdf.Dictionary, owner: pikepdf.Dictionary, text: str,
               languages: LanguageRuns) -> pikepdf.Dictionary | None:
    """The marked sequence's properties with /ActualText and /Lang where they are needed, or None."""
    lang = languages.language_of(text)
    shaped = bool(SHAPED_SCRIPTS.search(text))
    if lang is None and not shaped:
        return None
    mended = pikepdf.Dictionary(dict(properties.items()))
    if shaped:
        mended.ActualText = pikepdf.String(text)
    if lang is not None:
        kids = owner.get("/K")
        if isinstance(kids, pikepdf.Array) and len(kids) == 1 and str(owner.get("/S")) == "/Span":
            owner.Lang = pikepdf.String(lang)  # the span's own element: what checkers read
        else:
            mended.Lang = pikepdf.String(lang)
    return mended


def _linked_elements(tree: Any) -> set[tuple[int, int]]:
    """Every structure element reachable from the root (by object number)."""
    seen: set[tuple[int, int]] = set()
    todo: list[Any] = [tree]
    while todo:
        element = todo.pop()
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.objgen not in seen:
                seen.add(kid.objgen)
                todo.append(kid)
    return seen


@dataclass
class _Font:
    """A font's ToUnicode map, and whether text drawn in it must be read (see `_page_fonts`)."""

    codes: Mapping[int, str]
    read: bool


def _page_fonts(page: pikepdf.Page, languages: LanguageRuns) -> dict[str, _Font]:
    """The page's fonts. Text is read only where it could be in a shaped script or in a run of another
    language: a Latin font of an English note with a Hindi name is never decoded (most of the cost)."""
    fonts = page.Resources.get("/Font", pikepdf.Dictionary())
    found = {}
    for name in fonts.keys():
        codes = _to_unicode(fonts[name])
        drawn = "".join(codes.values())
        found[name] = _Font(codes, bool(SHAPED_SCRIPTS.search(drawn)) or not languages.letters.isdisjoint(drawn))
    return found


def _marked_texts(instructions: Sequence[Instruction], fonts: Mapping[str, _Font]
                  ) -> dict[int, str]:
    """MCID → the text that marked sequence shows, for every sequence drawn in a font worth reading."""
    font: _Font | None = None
    stack: list[int | None] = []
    shown: dict[int, list[tuple[_Font | None, object]]] = {}
    wanted: set[int] = set()
    for instruction in instructions:
        operands, name = instruction.operands, str(instruction.operator)
        if name == "Tf":
            font = fonts.get(str(operands[0]))
        elif name in ("BDC", "BMC"):
            properties = operands[1] if name == "BDC" else None
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            stack.append(int(mcid) if mcid is not None else (stack[-1] if stack else None))
        elif name == "EMC":
            if stack:
                stack.pop()
        elif name in ("Tj", "TJ") and stack and stack[-1] is not None:
            shown.setdefault(stack[-1], []).append((font, operands[0] if name == "TJ" else [operands[0]]))
            if font is not None and font.read:
                wanted.add(stack[-1])
    # A sequence is read whole or not at all: half its text could look like another language.
    return {mcid: "".join(_decoded(bytes(string), used.codes if used else {})
                          for used, strings in shown[mcid] for string in strings  # type: ignore[attr-defined]
                          if isinstance(string, pikepdf.String))
            for mcid in wanted}


def _decoded(codes: bytes, font: Mapping[int, str]) -> str:
    # WeasyPrint writes Type 0 fonts with two-byte glyph codes (Identity-H).
    glyphs = array("H", codes[:len(codes) // 2 * 2])
    if sys.byteorder == "little":
        glyphs.byteswap()
    return "".join([font.get(glyph, "") for glyph in glyphs])


_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _to_unicode(font: object) -> dict[int, str]:
    """A font's ToUnicode CMap as a map from glyph code to text (bfchar and simple bfrange entries)."""
    if not isinstance(font, pikepdf.Dictionary) or "/ToUnicode" not in font:
        return {}
    data = font.ToUnicode.read_bytes()
    found: dict[int, str] = {}
    for block in _BFCHAR.findall(data):
        for code, text in _PAIR.findall(block):
            found[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for block in _BFRANGE.findall(data):
        for first, last, start in _RANGE.findall(block):
            base = int(start, 16)
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                found[code] = chr(base + offset)
    return found


#: PDF/A-2 admits XMP properties outside its predefined schemas only with an extension schema
#: describing them (ISO 19005-2 §6.6.2.3); pdfuaid is one of those. As iText writes it
#: (itext-java, pdfa/src/main/java/com/itextpdf/pdfa/PdfAXMPUtil.java, PDF_UA_EXTENSION).
_UA_IDENTIFICATION = b"""<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
  xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfuaid:part>1</pdfuaid:part>
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:schema>PDF/UA identification schema</pdfaSchema:schema>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>PDF/UA version identifier</pdfaProperty:description>
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


def _declare_ua(pdf: pikepdf.Pdf) -> None:
    """Add the PDF/UA-1 identification, with its extension schema, to a PDF/A file's XMP."""
    stream = pdf.Root.Metadata
    xmp = stream.read_bytes()
    end = xmp.rindex(b"</rdf:RDF>")
    stream.write(xmp[:end] + _UA_IDENTIFICATION + xmp[end:])


def _scope_headers(pdf: pikepdf.Pdf) -> None:
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    todo: list[tuple[Any, str]] = [(tree, "")]
    while todo:
        element, section = todo.pop()
        kind = str(element.get("/S", ""))
        if kind == "/TH":
            attributes = element.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary):
                attributes = element.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
            attributes.Scope = pikepdf.Name.Column if section == "/THead" else pikepdf.Name.Row
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                todo.append((kid, kind if kind in ("/THead", "/TBody", "/TFoot") else section))
