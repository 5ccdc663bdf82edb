"""Rules on classification: levels within the scheme and the document, the CUI designation, public release."""

from __future__ import annotations

from collections.abc import Iterator

from briefgen.report.diagnostics import Diagnostic
from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.marks import DataPath
from briefgen.sheet.model import Classification, FactSheet
from briefgen.sheet.parts import At, SheetParts
from briefgen.sheet.portions import portions


def portion_levels(sheet: FactSheet, at: At) -> Iterator[Diagnostic]:
    scheme = SCHEMES[sheet.classification.scheme]
    allowed = ", ".join(scheme.levels)

    def unknown(loc: DataPath, level: str) -> Diagnostic:
        close = scheme.closest(level)
        hint = f"did you mean {close}?" if close else f"the {scheme.name} scheme has: {allowed}"
        return at(loc, "error", "unknown-level", f"'{level}' is not a level of the {scheme.name} scheme", hint)

    document = sheet.classification.level
    if document not in scheme:
        yield unknown(("classification", "level"), document)
        return  # nothing can be compared with an unknown document level
    header = sheet.classification.header
    if header is not None:
        if header not in scheme:
            yield unknown(("classification", "header"), header)
        elif scheme.rank(header) > scheme.rank(document):
            yield at(("classification", "header"), "error", "header-above-document",
                     f"the header is {header}, above the document's level {document}",
                     f"raise classification.level to {header}, or lower the header")
    for portion in portions(sheet):
        level = portion.level
        if level is None:
            continue
        level_loc = portion.path + ("classification",)
        if level not in scheme:
            yield unknown(level_loc, level)
        elif scheme.rank(level) > scheme.rank(document):
            yield at(level_loc, "error", "portion-above-document",
                     f"this portion is {level}, above the document's level {document}",
                     f"the document is as high as its highest portion: raise classification.level to {level}")


#: The parts of the CUI designation indicator a CUI document must carry (limited dissemination is optional).
CUI_REQUIRED = (("controlled_by", "Controlled by"), ("category", "CUI Category"), ("contact", "POC"))


def cui_designation(parts: SheetParts, classification: Classification, sheet: FactSheet,
                    at: At) -> Iterator[Diagnostic]:
    scheme = SCHEMES.get(classification.scheme)
    if scheme is None or scheme.cui_level is None:
        if classification.cui is not None:
            owners = [name for name, other in SCHEMES.items() if other.cui_level is not None]
            yield at(("classification", "cui"), "warning", "cui-outside-us",
                     f"`cui` is part of the {', '.join(owners)} scheme; this sheet uses {classification.scheme}, "
                     "which does not print it",
                     f"remove `cui`, or set scheme: {owners[0] if owners else 'us'}", key=True)
        return
    levels = [classification.level, *(p.level for p in portions(sheet) if p.level)]
    if scheme.cui_level not in levels:
        return
    given = classification.cui
    missing = [label for name, label in CUI_REQUIRED if given is None or (
        getattr(given, name) is None and not parts.rejected_at(("classification", "cui", name)))]
    if missing:
        loc: DataPath = ("classification", "cui") if given is not None else ("classification",)
        yield at(loc, "warning", "cui-designation-missing",
                 f"a document with CUI carries a designation indicator, but {', '.join(missing)} "
                 f"{'is' if len(missing) == 1 else 'are'} not given",
                 "add `cui: {controlled_by: …, category: …, contact: …}` under classification", key=True)


def public_release(sheet: FactSheet, at: At) -> Iterator[Diagnostic]:
    """Clearance for public release that cannot take effect: it is the press office's decision,
    so a contradiction is an error rather than a release that quietly publishes less."""
    classification = sheet.classification
    scheme = SCHEMES.get(classification.scheme)
    if scheme is None:
        return
    lowest = scheme.lowest
    if classification.cleared_for_public:
        header = classification.header or classification.level
        loc: DataPath = ("classification", "cleared_for_public")
        if classification.caveats:
            yield at(loc, "error", "public-with-caveat",
                     f"the note is cleared for public release but carries the caveat {classification.caveats[0]}, "
                     "which keeps it from the public",
                     "remove the caveat from classification, and give it to the portions it covers "
                     f"(`caveats: [{classification.caveats[0]}]`)", key=True)
        if header in scheme and header != lowest:
            yield at(loc, "error", "public-above-lowest",
                     f"the note is cleared for public release but its header is {header}; the public reads "
                     f"only {lowest}",
                     f"set `header: {lowest}` under classification if the title, meeting and participants are "
                     f"{lowest}, or remove cleared_for_public", key=True)
    for portion in portions(sheet):
        if portion.public is not True:
            continue
        loc = (*portion.path, "cleared_for_public")
        if not classification.cleared_for_public:
            yield at(loc, "warning", "public-portion-of-unreleased-note",
                     "this portion is cleared for public release, but the note is not: nothing of it is public",
                     "add `cleared_for_public: true` under classification once the note is cleared", key=True)
        level = portion.level or classification.level
        caveats = portion.caveats if portion.caveats is not None else tuple(classification.caveats)
        if level in scheme and level != lowest:
            yield at(loc, "error", "public-above-lowest",
                     f"this portion is {level} and cleared for public release; the public reads only {lowest}",
                     f"mark it {lowest}, or remove cleared_for_public from it", key=True)
        elif caveats:
            yield at(loc, "error", "public-with-caveat",
                     f"this portion is cleared for public release but carries the caveat {caveats[0]}",
                     "remove the caveat (`caveats: []`), or remove cleared_for_public from it", key=True)
