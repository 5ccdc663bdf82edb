"""Print a .docx's text in document order: the first section's header, the body (paragraphs with
their style, tables row by row), then its footer; fields show as {PAGE}, {NUMPAGES}.

    python scripts/docx-text-dump.py site/g20-2025.docx > docs/word-example-g20.txt

The Word output has no page images here (no Word or LibreOffice on this machine); this dump is the
evidence of what a reader gets, in order (docs/word.md).
"""

from __future__ import annotations

import sys

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph


def _text(paragraph: Paragraph) -> str:
    parts: list[str] = []
    in_field_result = False
    for node in paragraph._p.iter():
        if node.tag == qn("w:fldSimple"):
            parts.append("{" + node.get(qn("w:instr"), "").split()[0] + "}")
        elif node.tag == qn("w:t") and any(a.tag == qn("w:fldSimple") for a in node.iterancestors()):
            continue  # the field's last computed value: Word computes it again on every page
        elif node.tag == qn("w:fldChar"):
            kind = node.get(qn("w:fldCharType"))
            in_field_result = kind == "separate"
        elif node.tag == qn("w:instrText") and (node.text or "").strip():
            parts.append("{" + (node.text or "").split()[0] + "}")
        elif node.tag == qn("w:t") and not in_field_result:
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
    return "".join(parts)


def dump(path: str) -> list[str]:
    document = docx.Document(path)
    section = document.sections[0]
    lines = ["--- header (every page) ---", *(_text(p) for p in section.header.paragraphs), "--- body ---"]
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            if _text(paragraph).strip():
                lines.append(f"[{paragraph.style.name}] {_text(paragraph)}")
        elif child.tag == qn("w:tbl"):
            for index, row in enumerate(Table(child, document).rows):
                cells = " | ".join(cell.text.replace("\n", " / ") for cell in row.cells)
                lines.append(f"[{'table header' if index == 0 else 'table row'}] {cells}")
    lines += ["--- footer (every page) ---", *(_text(p) for p in section.footer.paragraphs)]
    return lines


if __name__ == "__main__":
    print("\n".join(dump(sys.argv[1])))
