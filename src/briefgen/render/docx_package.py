"""The Word package (an OPC zip) at its edges: a reference document checked and retyped, the bytes made reproducible.

Pure and stdlib only (zipfile, ElementTree): `check` and a no-op rebuild may read a
reference document without importing python-docx.

- A template (.dotx) differs from a document only in the content type of its main part
  (ECMA-376 Part 1, §11.3.10, "Main Document" — application/vnd.openxmlformats-officedocument.
  wordprocessingml.template.main+xml); python-docx opens only documents, so the type is
  rewritten before it is given the package.
- python-docx writes zip entries with the time they are written; `reproducible` writes the
  same parts again with one fixed time, in one fixed order, so that the same note gives
  the same bytes.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

CONTENT_TYPES = "[Content_Types].xml"
MAIN_PART = "/word/document.xml"
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
#: Macro-enabled documents and templates (.docm, .dotm): their main part's types.
MACRO_TYPES = ("application/vnd.ms-word.document.macroEnabled.main+xml",
               "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")
_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
#: The earliest time a zip entry can carry (MS-DOS dates start in 1980): every entry carries it.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
#: The largest reference document read: house templates are tens of kilobytes, with a logo a few megabytes.
MAX_REFERENCE_BYTES = 32 << 20


class ReferenceProblem(ValueError):
    """The reference document is not a Word document or template python-docx can start from."""


def main_part_type(data: bytes) -> str:
    """The content type of the package's main document part. Raises ReferenceProblem saying what is wrong."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if CONTENT_TYPES not in names:
                raise ReferenceProblem("it is a zip file but not an Office document (it has no [Content_Types].xml)")
            types = ET.fromstring(package.read(CONTENT_TYPES))
            if MAIN_PART.lstrip("/") not in names:
                raise ReferenceProblem("it is not a Word document: it has no word/document.xml "
                                       "(an Excel or PowerPoint file?)")
            ET.fromstring(package.read(MAIN_PART.lstrip("/")))
    except zipfile.BadZipFile:
        raise ReferenceProblem("it is not a Word document (.docx or .dotx files are zip packages; "
                               "this one is not a zip file)") from None
    except ET.ParseError as exc:
        raise ReferenceProblem(f"its XML is broken ({exc})") from None
    except (RuntimeError, NotImplementedError, ValueError, EOFError) as exc:
        # An encrypted entry, an unknown compression, a truncated file.
        raise ReferenceProblem(f"its zip package cannot be read ({exc})") from None
    for override in types.iter(f"{_TYPES_NS}Override"):
        if override.get("PartName") == MAIN_PART:
            found = override.get("ContentType") or ""
            if found in (DOCUMENT_TYPE, TEMPLATE_TYPE):
                return found
            if found in MACRO_TYPES:
                raise ReferenceProblem("it holds macros (.docm, .dotm): save it as a .docx or .dotx without them")
            raise ReferenceProblem(f"its main part is not a Word document but {found[:120] or 'untyped'}")
    raise ReferenceProblem("its [Content_Types].xml does not type word/document.xml")


def as_document(data: bytes) -> bytes:
    """The reference as a Word document python-docx opens: a template's main part retyped as a document's.
    Raises ReferenceProblem."""
    if main_part_type(data) == DOCUMENT_TYPE:
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    text = parts[CONTENT_TYPES].decode("utf-8")
    parts[CONTENT_TYPES] = text.replace(TEMPLATE_TYPE, DOCUMENT_TYPE).encode("utf-8")
    return _zipped(parts, list(parts))


def reproducible(data: bytes) -> bytes:
    """The package's parts written again with one fixed time and in one order: same parts, same bytes.

    [Content_Types].xml comes first, as packages conventionally begin (ECMA-376 Part 2 lets any
    order stand), then the other parts by name.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    order = sorted(parts, key=lambda name: (name != CONTENT_TYPES, name))
    return _zipped(parts, order)


def _zipped(parts: dict[str, bytes], order: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # as MS-DOS: no Unix permission bits, which differ between machines
            info.external_attr = 0
            package.writestr(info, parts[name], compresslevel=9)
    return out.getvalue()

