"""Cross-field rules: checks that need more than one field of a valid FactSheet."""

from __future__ import annotations

import difflib
from typing import Any, Iterator

from .classification import SCHEMES, portions
from .diagnostics import Diagnostic, Severity
from .loader import DataPath, SourceMap, text_values
from .model import FactSheet

#: Text that `briefgen new` leaves for the analyst to replace.
PLACEHOLDER = "TODO"


def check(path: str, sheet: FactSheet, marks: SourceMap) -> Iterator[Diagnostic]:
    """Every cross-field rule, in no particular order (the Report sorts them)."""

    def at(loc: DataPath, severity: Severity, code: str, message: str, hint: str | None = None,
           key: bool = False) -> Diagnostic:
        span = marks.key(loc) if key else marks.value(loc)
        return Diagnostic.at(path, span, severity, code, message, hint)

    for rule in (_unique_ids, _source_references, _levels, _meeting):
        try:
            yield from list(rule(sheet, at))
        except AttributeError:
            # A partial sheet (see validate.py) lacks a field this rule needs;
            # the model has already reported why, so the rule has nothing to add.
            continue


def _unique_ids(sheet: FactSheet, at: Any) -> Iterator[Diagnostic]:
    for field, items in (("participants", sheet.participants), ("sources", sheet.sources)):
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item is None or item.id is None:
                continue
            if item.id in seen:
                yield at((field, index, "id"), "error", "duplicate-id",
                         f"the id '{item.id}' is already used by {field}[{seen[item.id]}]",
                         "ids must be unique: rename one of them")
            else:
                seen[item.id] = index


def _source_references(sheet: FactSheet, at: Any) -> Iterator[Diagnostic]:
    if any(source is None for source in sheet.sources):
        # An invalid source (already reported) may well have the id that is cited:
        # without all the ids, "no source has the id" could be false.
        return
    known = [source.id for source in sheet.sources]
    for field, items in (("frameworks", sheet.frameworks), ("commitments", sheet.commitments)):
        for index, item in enumerate(items):
            for ref_index, ref in enumerate(item.sources if item is not None else []):
                if ref in known:
                    continue
                close = difflib.get_close_matches(ref, known, n=1, cutoff=0.6)
                hint = (f"did you mean '{close[0]}'?" if close else
                        f"known sources: {', '.join(known)}" if known else
                        "add the source under `sources:` with this id")
                yield at((field, index, "sources", ref_index), "error", "unknown-source",
                         f"no source has the id '{ref}'", hint)


def _levels(sheet: FactSheet, at: Any) -> Iterator[Diagnostic]:
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


def _meeting(sheet: FactSheet, at: Any) -> Iterator[Diagnostic]:
    meeting = sheet.meeting
    if meeting.format != "call":
        venue = meeting.venue
        if venue is None:
            yield at(("meeting",), "error", "missing-venue",
                     f"a {meeting.format} meeting needs a venue with city and country",
                     "add `venue: {name: …, city: …, country: XX}` under meeting, or set `format: call`", key=True)
        else:
            for part in ("city", "country"):
                if getattr(venue, part) is None:
                    yield at(("meeting", "venue"), "error", "missing-venue",
                             f"`meeting.venue.{part}` is required unless the meeting is a call",
                             f"add `{part}:` under venue", key=True)
    if any(p is None for p in sheet.participants):
        # An invalid participant (already reported) has a country we do not know, so the
        # checks that compare countries would report problems that may not exist.
        countries = None
    else:
        countries = sorted({p.country for p in sheet.participants})
    if countries is not None and meeting.format == "bilateral" and len(countries) != 2:
        yield at(("participants",), "warning", "bilateral-countries",
                 f"a bilateral meeting has participants from two countries, but these are from "
                 f"{len(countries)} ({', '.join(countries)})",
                 "check the participants' countries, or set meeting.format to multilateral", key=True)
    for index, commitment in enumerate(sheet.commitments if countries is not None else []):
        for party_index, party in enumerate(commitment.parties if commitment else []):
            if party not in countries:
                yield at(("commitments", index, "parties", party_index), "warning", "party-not-participant",
                         f"{party} is a party to this commitment but no participant is from {party}",
                         f"participants are from {', '.join(countries)}")
    origin, held = sheet.document.date, meeting.date
    if sheet.kind == "readout" and origin < held:
        yield at(("document", "date"), "warning", "readout-before-meeting",
                 f"a readout dated {origin} is written before the meeting on {held}",
                 "check document.date and meeting.date, or set kind: brief")
    if sheet.kind == "brief" and origin > held:
        yield at(("document", "date"), "warning", "brief-after-meeting",
                 f"a brief dated {origin} is written after the meeting on {held}",
                 "check document.date and meeting.date, or set kind: readout")


def placeholders(path: str, data: Any, marks: SourceMap) -> Iterator[Diagnostic]:
    """A warning for every text value that still starts with the skeleton's TODO."""
    for loc, text in text_values(data):
        if text.lstrip().startswith(PLACEHOLDER):
            yield Diagnostic.at(path, marks.value(loc), "warning", "placeholder",
                                f"`{'.'.join(map(str, loc))}` is still a placeholder", "replace the TODO text")

