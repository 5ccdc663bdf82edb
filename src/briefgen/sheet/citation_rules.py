"""Rules on ids and sources: ids unique, every citation resolved, every stated fact cited."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from briefgen.report.diagnostics import Diagnostic, format_path
from briefgen.sheet.marks import DataPath
from briefgen.sheet.model import PORTION_LISTS, SINGLE_PORTIONS, Commitment, Framework, PortionText, Recommendation
from briefgen.sheet.parts import At, SheetParts

#: Fuzzy did-you-mean searches per rule and sheet (the Report shows at most MAX_PER_FILE diagnostics).
MAX_FUZZY_HINTS = 50


def unique_ids(sheet: SheetParts, at: At) -> Iterator[Diagnostic]:
    for field, items in (("participants", sheet.participants), ("sources", sheet.sources)):
        seen: dict[str, int] = {}
        for index, item in enumerate(items or ()):
            if item is None or item.id is None:
                continue
            if item.id in seen:
                yield at((field, index, "id"), "error", "duplicate-id",
                         f"the id '{item.id}' is already used by {format_path((field, seen[item.id]))}",
                         "ids must be unique: rename one of them")
            else:
                seen[item.id] = index


def source_references(sheet: SheetParts, at: At) -> Iterator[Diagnostic]:
    if sheet.sources is None or any(source is None or sheet.rejected_at(("sources", index, "id"))
                                    for index, source in enumerate(sheet.sources)):
        # An invalid source id (already reported) may well be the one that is cited:
        # without all the ids, "no source has the id" could be false.
        return
    known = [source.id for source in sheet.sources if source is not None]
    known_set = set(known)
    # A did-you-mean is a fuzzy search over every id: only for as many as can be shown.
    fuzzy = MAX_FUZZY_HINTS
    for loc, item in _citing(sheet):
        for ref_index, ref in enumerate(item.sources or []):
            if ref is None or ref in known_set:  # None: an invalid reference, already reported
                continue
            close = difflib.get_close_matches(ref, known, n=1, cutoff=0.6) if fuzzy > 0 else []
            fuzzy -= 1
            hint = (f"did you mean '{close[0]}'?" if close else
                    f"known sources: {', '.join(known)}" if known else
                    "add the source under `sources:` with this id")
            yield at((*loc, "sources", ref_index), "error", "unknown-source",
                     f"no source has the id '{ref}'", hint)


#: The parts of a sheet that must cite a source: each item states a fact a reader may check.
MUST_CITE = ("frameworks", "commitments", "outcomes")


def _citing(sheet: SheetParts) -> Iterator[tuple[DataPath, Framework | Commitment | PortionText | Recommendation]]:
    """Every valid part that can cite sources (frameworks, commitments, portions), with its path."""
    for field in SINGLE_PORTIONS:
        single = getattr(sheet, field)
        if single is not None:
            yield (field,), single
    for field in ("frameworks", "commitments", *PORTION_LISTS):
        for index, item in enumerate(getattr(sheet, field) or ()):
            if item is not None:
                yield (field, index), item


def uncited(sheet: SheetParts, at: At) -> Iterator[Diagnostic]:
    for loc, item in _citing(sheet):
        if loc[0] not in MUST_CITE or item.sources:
            continue
        # The message names the item by its kind only: diagnostics travel into every release's
        # manifest, and a portion's own text may be above the release level.
        what = {"frameworks": "framework", "commitments": "commitment", "outcomes": "outcome"}[str(loc[0])]
        hint = ("write it as `- text: …` with `sources: [ID]` on the next line, ID being a source listed "
                "under `sources:`" if isinstance(item, PortionText) else
                "add `sources: [ID]`, ID being a source listed under `sources:` that backs it")
        yield at(loc, "warning", "uncited", f"this {what} cites no source", hint)
