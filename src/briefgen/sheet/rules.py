"""Cross-field rules: checks that need more than one field of a fact sheet."""

from __future__ import annotations

from collections.abc import Iterator

from briefgen.report.diagnostics import Diagnostic, Severity
from briefgen.sheet import marking_rules
from briefgen.sheet.citation_rules import source_references, uncited, unique_ids
from briefgen.sheet.kind_rules import decision_dates, final_note, keys_for_kind, needs_of_kind
from briefgen.sheet.level_rules import cui_designation, portion_levels, public_release
from briefgen.sheet.marks import DataPath, SourceMap
from briefgen.sheet.meeting_rules import note_dates, venue_and_countries
from briefgen.sheet.parts import SheetParts


def check(path: str, parts: SheetParts, marks: SourceMap) -> Iterator[Diagnostic]:
    """Every cross-field rule that the parts of the sheet allow, in no particular order (the Report sorts them)."""

    def at(loc: DataPath, severity: Severity, code: str, message: str, hint: str | None = None,
           key: bool = False) -> Diagnostic:
        span = marks.key(loc) if key else marks.value(loc)
        return Diagnostic.at(path, span, severity, code, message, hint)

    yield from unique_ids(parts, at)
    yield from source_references(parts, at)
    yield from uncited(parts, at)
    scheme_known = not parts.rejected_at(("classification", "scheme"), ("classification", "level"))
    if parts.classification is not None and scheme_known:
        yield from portion_levels(parts.portion_sheet(), at)
    if parts.meeting is not None:
        yield from venue_and_countries(parts, parts.meeting, at)
    if (parts.kind is not None and parts.document is not None and parts.meeting is not None
            and not parts.rejected_at(("document", "date"), ("meeting", "date"))):
        yield from note_dates(parts.kind, parts.document, parts.meeting, at)
    if parts.kind is not None:
        yield from keys_for_kind(parts, parts.kind, at)
        yield from needs_of_kind(parts, parts.kind, marks, at)
        if parts.document is not None:
            yield from decision_dates(parts, parts.kind, parts.document, at)
    if parts.document is not None:
        yield from final_note(parts, parts.document, at)
    if parts.classification is not None and scheme_known and not parts.rejected_at(("classification", "cui")):
        yield from cui_designation(parts, parts.classification, parts.portion_sheet(), at)
    if parts.classification is not None and scheme_known:
        yield from public_release(parts.portion_sheet(), at)
        yield from marking_rules.check(parts.portion_sheet(), parts.document, at, parts.rejected_at)
