"""Rules on what a note carries: the keys its kind prints and needs, decision dates, a final note's lines."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator

from briefgen.report.diagnostics import Diagnostic
from briefgen.sheet.kinds import KIND_KEYS, KINDS, article, describe_kind, kinds_printing
from briefgen.sheet.marks import SourceMap
from briefgen.sheet.model import Document, FactSheet
from briefgen.sheet.parts import At, SheetParts


def keys_for_kind(sheet: SheetParts, kind: str, at: At) -> Iterator[Diagnostic]:
    """`not-for-kind`: a key that some kinds print, given to a kind that does not (kinds.py decides)."""
    printed = KINDS[kind].keys
    for key in sorted(KIND_KEYS - printed):
        if getattr(sheet, key):
            owners = [KINDS[name].label.lower() for name in kinds_printing(key)]
            shown = " or ".join(article(label) for label in owners)
            yield at((key,), "warning", "not-for-kind",
                     f"`{key}` belongs in {shown}; {article(KINDS[kind].label)} does not print it",
                     f"remove `{key}`, move its text elsewhere, or set kind: {kinds_printing(key)[0]}", key=True)


def needs_of_kind(sheet: SheetParts, kind: str, marks: SourceMap, at: At) -> Iterator[Diagnostic]:
    """`missing-for-kind`: a part (or a document line) that the kind's format cannot do without.

    Reported at `kind`, which makes it required. A key that is there but invalid has been
    reported already; one the model itself requires (summary) is the model's to report.
    """
    spec = KINDS[kind]
    for part in spec.required:
        key = part.sheet_key
        if FactSheet.model_fields[key].is_required() or getattr(sheet, key):
            continue
        given = (key,) in marks.keys
        if given and getattr(sheet, key) is None:
            continue  # invalid: already reported where it is
        what = "decision lines" if spec.decision_lines and key == "recommendations" else f"{part.heading.lower()}"
        yield at(("kind",), "error", "missing-for-kind",
                 f"{article(spec.label)} needs {what}: `{key}` is {'empty' if given else 'missing'}",
                 f"add `{key}:`; {describe_kind(spec)}")
    document = sheet.document
    if document is None:
        return
    for key, line in spec.document_keys:
        if getattr(document, key) is None:
            yield at(("document",), "error", "missing-for-kind",
                     f"{article(spec.label)} needs its {line} line: `document.{key}` is missing",
                     f"add `{key}:` under document, e.g. {_DOCUMENT_EXAMPLES[key]}", key=True)


_DOCUMENT_EXAMPLES = {"addressee": "addressee: Foreign Secretary, or addressee: THE SECRETARY",
                      "sender": "sender: EAP – Jane Example, Assistant Secretary"}

#: Business days between an action memo and the decision it asks for, at least (S/ES action memo template).
DECISION_BUSINESS_DAYS = 5


def decision_dates(sheet: SheetParts, kind: str, document: Document, at: At) -> Iterator[Diagnostic]:
    """`decision-too-soon`: an action memo asks for its decision at least five business days ahead."""
    if not KINDS[kind].decision_lines:
        return
    earliest = _business_days_after(document.date, DECISION_BUSINESS_DAYS)
    for index, item in enumerate(sheet.recommendations or ()):
        if item is None or item.decide_by is None or item.decide_by >= earliest:
            continue
        yield at(("recommendations", index, "decide_by"), "warning", "decision-too-soon",
                 f"the decision is asked for by {item.decide_by}, less than {DECISION_BUSINESS_DAYS} business days "
                 f"after the memo's date {document.date}",
                 f"give the principal until {earliest} at least, or say in the background why it cannot wait")


def _business_days_after(start: _dt.date, days: int) -> _dt.date:
    day = start
    while days:
        day += _dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def final_note(sheet: SheetParts, document: Document, at: At) -> Iterator[Diagnostic]:
    if document.status != "final":
        return
    if not document.contact and not sheet.rejected_at(("document", "contact")):
        yield at(("document", "status"), "error", "final-without-contact",
                 "a final note has no contact officer (`document.contact`)",
                 "readers of a final note must be able to reach the drafting desk: add `contact:` under "
                 "document (a name with a telephone number or e-mail address), or set status: draft")
    missing = [name for name, given in (("reference", document.reference), ("drafted_by", document.drafted_by),
                                        ("cleared_by", document.cleared_by))
               if not given and not sheet.rejected_at(("document", name))]
    if missing:
        listed = ", ".join(f"`{name}`" for name in missing)
        yield at(("document", "status"), "warning", "incomplete-final",
                 f"a final note has no {listed.replace(', ', ' or ')}",
                 f"a note readers act on says how to file it and who drafted and cleared it: add {listed} "
                 "under document, or set status: draft")
