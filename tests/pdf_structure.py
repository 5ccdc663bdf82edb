"""Read a tagged PDF's structure back with pypdf, independently of briefgen's own finishing code.

The text of each marked-content sequence comes from pypdf's decoder (its visitor callbacks), so a
mistake in briefgen's decoding (render/pdf_finish.py) cannot hide itself from the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject


@dataclass
class Marked:
    """What a page draws: text per MCID, text inside artifacts, and text marked neither way."""

    by_mcid: dict[int, str] = field(default_factory=dict)
    artifacts: list[str] = field(default_factory=list)
    untagged: list[str] = field(default_factory=list)
    #: MCID → the marked-content properties (ActualText, Lang).
    properties: dict[int, dict[str, Any]] = field(default_factory=dict)


def marked(page: pypdf.PageObject) -> Marked:
    found = Marked()
    stack: list[tuple[str, int | None]] = []

    def before(operator: bytes, args: list[Any], cm: Any, tm: Any) -> None:
        if operator in (b"BDC", b"BMC"):
            props = args[1] if operator == b"BDC" and len(args) > 1 else None
            if isinstance(props, IndirectObject):
                props = props.get_object()
            mcid = int(props["/MCID"]) if isinstance(props, DictionaryObject) and "/MCID" in props else None
            if mcid is not None:
                found.properties[mcid] = {k: props[k] for k in props}  # type: ignore[union-attr]
            stack.append((str(args[0]), mcid))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not value:
            return
        if any(tag == "/Artifact" for tag, _ in stack):
            found.artifacts.append(value)
            return
        mcid = next((m for _, m in reversed(stack) if m is not None), None)
        if mcid is None:
            if value.strip():
                found.untagged.append(value)
            return
        found.by_mcid[mcid] = found.by_mcid.get(mcid, "") + value

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


@dataclass
class Element:
    kind: str
    depth: int
    text: str
    attributes: dict[str, Any]
    lang: str | None
    alt: str | None
    parent_kind: str


def _kids(element: DictionaryObject) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
    return list(kids) if isinstance(kids, ArrayObject) else [kids]


def structure(reader: pypdf.PdfReader) -> list[Element]:
    """Every structure element reachable from the root, in tree (reading) order, with its text."""
    pages = {page.indirect_reference.idnum: page for page in reader.pages}  # type: ignore[union-attr]
    texts: dict[tuple[int, int], str] = {}
    for number, page in pages.items():
        for mcid, value in marked(page).by_mcid.items():
            texts[(number, mcid)] = value
    found: list[Element] = []

    def text_of(element: DictionaryObject, page: int | None) -> str:
        parts = []
        for kid in _kids(element):
            if isinstance(kid, NumberObject | int):
                parts.append(texts.get((page or 0, int(kid)), ""))
            else:
                kid = kid.get_object()
                if isinstance(kid, DictionaryObject):
                    kid_page = kid.get("/Pg")
                    kid_page_number = kid_page.idnum if isinstance(kid_page, IndirectObject) else page
                    if kid.get("/Type") == "/MCR":
                        parts.append(texts.get((kid_page_number or 0, int(kid["/MCID"])), ""))
                    elif "/S" in kid:
                        parts.append(text_of(kid, kid_page_number))
        return "".join(parts)

    def walk(element: DictionaryObject, depth: int, parent_kind: str) -> None:
        page = element.get("/Pg")
        number = page.idnum if isinstance(page, IndirectObject) else None
        attributes = element.get("/A")
        attributes = attributes.get_object() if attributes is not None else {}
        found.append(Element(str(element["/S"]), depth, text_of(element, number),
                             dict(attributes) if isinstance(attributes, DictionaryObject) else {},
                             str(element["/Lang"]) if "/Lang" in element else None,
                             str(element["/Alt"]) if "/Alt" in element else None, parent_kind))
        for kid in _kids(element):
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                walk(kid, depth + 1, str(element["/S"]))

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    for kid in _kids(root):
        walk(kid.get_object(), 0, "")
    return found


def unlinked_mcids(reader: pypdf.PdfReader) -> list[tuple[int, int]]:
    """(page, MCID) of every marked sequence whose structure element is not reachable from the root."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    reachable: set[int] = set()
    todo = [root]
    while todo:
        element = todo.pop()
        for kid in _kids(element):
            if isinstance(kid, IndirectObject):
                target = kid.get_object()
                if isinstance(target, DictionaryObject) and "/S" in target and kid.idnum not in reachable:
                    reachable.add(kid.idnum)
                    todo.append(target)
    nums = root["/ParentTree"].get_object()["/Nums"]
    parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    unlinked = []
    for index, page in enumerate(reader.pages, start=1):
        owners = parents.get(int(page.get("/StructParents", -1)))
        for mcid in marked(page).properties:
            owner = owners[mcid] if isinstance(owners, ArrayObject) and mcid < len(owners) else None
            if not isinstance(owner, IndirectObject) or owner.idnum not in reachable:
                unlinked.append((index, mcid))
    return unlinked
