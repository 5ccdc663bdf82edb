"""Rules on the meeting: its venue, its participants' and parties' countries, and the note's date beside it."""

from __future__ import annotations

from collections.abc import Iterator

from briefgen.report.diagnostics import Diagnostic, format_path
from briefgen.sheet.model import Document, Meeting
from briefgen.sheet.parts import At, SheetParts


def venue_and_countries(sheet: SheetParts, meeting: Meeting, at: At) -> Iterator[Diagnostic]:
    if not sheet.rejected_at(("meeting", "format"), ("meeting", "venue")) and meeting.format != "call":
        venue = meeting.venue
        if venue is None:
            yield at(("meeting",), "error", "missing-venue",
                     f"a {meeting.format} meeting needs a venue with city and country",
                     "add `venue: {name: …, city: …, country: XX}` under meeting, or set `format: call`", key=True)
        else:
            for part in ("city", "country"):
                if getattr(venue, part) is None and not sheet.rejected_at(("meeting", "venue", part)):
                    yield at(("meeting", "venue"), "error", "missing-venue",
                             f"`{format_path(('meeting', 'venue', part))}` is required unless the meeting is a call",
                             f"add `{part}:` under venue", key=True)
    participants = sheet.participants
    if participants is None or any(p is None or sheet.rejected_at(("participants", index, "country"))
                                   for index, p in enumerate(participants)):
        # A participant whose country is invalid (already reported) is from a country we do
        # not know, so the checks that compare countries would report problems that may not exist.
        return
    countries = sorted({p.country for p in participants if p is not None})
    if meeting.format == "bilateral" and not sheet.rejected_at(("meeting", "format")) and len(countries) != 2:
        yield at(("participants",), "warning", "bilateral-countries",
                 f"a bilateral meeting has participants from two countries, but these are from "
                 f"{len(countries)} ({', '.join(countries)})",
                 "check the participants' countries, or set meeting.format to multilateral", key=True)
    for index, commitment in enumerate(sheet.commitments or ()):
        for party_index, party in enumerate((commitment.parties if commitment else None) or []):
            if party is not None and party not in countries:
                yield at(("commitments", index, "parties", party_index), "warning", "party-not-participant",
                         f"{party} is a party to this commitment but no participant is from {party}",
                         f"participants are from {', '.join(countries)}")


def note_dates(kind: str, document: Document, meeting: Meeting, at: At) -> Iterator[Diagnostic]:
    origin, held = document.date, meeting.date
    if kind == "readout" and origin < held:
        yield at(("document", "date"), "warning", "readout-before-meeting",
                 f"a readout dated {origin} is written before the meeting on {held}",
                 "check document.date and meeting.date, or set kind: brief")
    if kind == "brief" and origin > held:
        yield at(("document", "date"), "warning", "brief-after-meeting",
                 f"a brief dated {origin} is written after the meeting on {held}",
                 "check document.date and meeting.date, or set kind: readout")
