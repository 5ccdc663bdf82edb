"""The earlier briefs a plan hands each job: every planned sheet's mentions → its Since last time record.

The plan knows each sheet either parsed now or by its output folder's record (a reused sheet is
not parsed again); `history_of` turns what they name into each brief's record (across/since.py),
whose digest is part of the brief's job key. In a release, a sheet counts only as its release
for the plan's audience names things (`sighting` cuts it; a withheld sheet counts not at all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from briefgen.keys import reusable
from briefgen.records import Options, SinceLastTime
from briefgen.sheet.marks import DataPath
from briefgen.sheet.sources import Candidate, MissingPath, discover, load_candidate

if TYPE_CHECKING:
    from briefgen.across.since import Sighting
    from briefgen.publish.manifest import BriefEntry
    from briefgen.release.audience import Audience
    from briefgen.release.cut import Release, ReleasedSheet
    from briefgen.sheet.model import FactSheet
    from briefgen.sheet.validate import Checked


#: A sheet cut for the plan's audience: why it is withheld (and where), or its release.
Cut = tuple[tuple[str, DataPath] | None, "Release | None"]


def cut_of(item: Checked, audience: Audience, cuts: dict[str, Cut]) -> Cut:
    """`item`'s sheet cut for `audience`, once per plan (the history and the release notes both read it)."""
    if item.path not in cuts:
        from briefgen.release.cut import release, withholding

        assert item.sheet is not None
        found = withholding(item.sheet, audience)
        cuts[item.path] = (found, None) if found is not None else (None, release(item.sheet, audience))
    return cuts[item.path]


@dataclass(frozen=True)
class History:
    """Each sheet's Since last time record, and its digest (the part of its job key), by path."""

    records: Mapping[str, SinceLastTime]

    @cached_property
    def digests(self) -> Mapping[str, str]:
        """Worked out once: every reuse check and key of the plan asks for them."""
        return {path: found.digest() for path, found in self.records.items()}

    def get(self, path: str, default: str = "") -> str:
        return self.digests.get(path, default)


def history_of(sightings: Sequence[Sighting], options: Options) -> History:
    """The Since last time records of the briefs `sightings` see (across/since.py)."""
    from briefgen.across.since import since_last_time

    return History(since_last_time(sightings, options.registry) if options.theme is not None else {})


def history_only(found: Sequence[Candidate], options: Options) -> list[Candidate]:
    """The fact sheets of `options.history` that the plan's paths did not find: earlier briefs only."""
    if not options.history or options.theme is None:
        return []
    try:
        candidates = discover(list(options.history))
    except MissingPath:
        return []
    seen = {candidate.path.resolve() for candidate in found}
    return [candidate for candidate in candidates if candidate.path.resolve() not in seen]


def earlier_sightings(earlier: Sequence[Candidate], known: Mapping[str, BriefEntry], options: Options,
                       environment: str, assumed: History, cuts: dict[str, Cut],
                       parsed: Mapping[str, Checked]) -> list[Sighting]:
    """What the history-only sheets name: an output folder's record when its key still holds (the sheet is
    then read and hashed, not parsed), else the sheet parsed (`parsed` has those parsed already)."""
    recorded = reusable([c for c in earlier if str(c.path) not in parsed], known, options, environment,
                        assumed.digests)
    found = [recorded_sighting(path, entry) for path, (entry, _) in recorded.items()]
    for candidate in earlier:
        if str(candidate.path) not in recorded:
            seen = sighting(parsed.get(str(candidate.path)) or load_candidate(candidate), options.audience, cuts)
            if seen is not None:
                found.append(seen)
    return found


def recorded_sighting(path: str, entry: BriefEntry) -> Sighting:
    """A brief as its output folder recorded it (of its released sheet, in a release folder)."""
    from briefgen.across.since import Sighting, home_country

    record = entry.record
    return Sighting(path, record.id, record.meeting_date, home_country(record.scheme), record.mentions)


def sighting(item: Checked, audience: Audience | None, cuts: dict[str, Cut]) -> Sighting | None:
    """A brief as its sheet says now, of what `audience` may read: None when it is invalid or withheld."""
    from briefgen.across.since import Sighting, home_country
    from briefgen.sheet.mentions import mentions_of

    sheet = item.sheet
    if sheet is None or item.sheet_id is None:
        return None
    named: FactSheet | ReleasedSheet = sheet
    if audience is not None:
        withheld, cut = cut_of(item, audience, cuts)
        if withheld is not None or cut is None:
            return None
        named = cut.sheet
    return Sighting(item.path, item.sheet_id, sheet.meeting.date, home_country(sheet.classification.scheme),
                    mentions_of(named))
