"""What changed since last time: a brief's frameworks and commitments against earlier briefs with its counterparts.

Pure: `since_last_time(briefs)` reads only what each brief names (its `Mentions`, those of its
released sheet in a release build), never a sheet, so the plan gives every job the small record
it prints (records.SinceLastTime) and the render reads no other sheet.

Which earlier briefs count. A brief's *counterparts* are its participants' countries other than
its own side: the country whose classification scheme it is written under (the scheme's
nationality: GBR for `uk`, USA for `us`). An earlier brief counts when it met before this one
(`meeting.date` strictly before) and has a participant of a counterpart country. The block
measures each framework and commitment (by `identity.subject_key`) against the most recent such
brief that named it — status and amount then and now — and marks what no such brief named as new
since the most recent such brief of all (`SinceLastTime.last`). A brief with no earlier brief of
its counterparts has no block. (A UK note of a Japan–India meeting has two counterparts, Japan and
India: an earlier brief with either counts.)
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from briefgen.across.identity import keyed_once
from briefgen.records import EarlierBrief, SinceItem, SinceLastTime
from briefgen.sheet.mentions import CommitmentMention, FrameworkMention, Mentions
from briefgen.sheet.registry import Registry


@dataclass(frozen=True)
class Sighting:
    """One brief as the history reads it: where it is, its id and date, its own side, and what it names."""

    path: str
    id: str
    meeting_date: _dt.date
    #: The ISO 3166 alpha-2 code of its own side (`home_country`), or None when its scheme names none.
    home: str | None
    mentions: Mentions

    @property
    def countries(self) -> frozenset[str]:
        return frozenset(p.country for p in self.mentions.people)

    @property
    def counterparts(self) -> frozenset[str]:
        return self.countries - {self.home} if self.home else self.countries

    @property
    def order(self) -> tuple[_dt.date, str]:
        return self.meeting_date, self.id


def home_country(scheme: str) -> str | None:
    """The alpha-2 code of the government whose classification scheme `scheme` is ("uk" → "GB"), or None."""
    from briefgen.sheet.classification import SCHEMES

    found = SCHEMES.get(scheme)
    if found is None or not found.nationality:
        return None
    import pycountry  # lazily: only when a brief of the scheme is planned

    country = pycountry.countries.get(alpha_3=found.nationality)
    return country.alpha_2 if country is not None else None


def since_last_time(briefs: Iterable[Sighting], registry: Registry | None = None) -> dict[str, SinceLastTime]:
    """Each brief's Since last time record, by path; briefs with no earlier brief of their counterparts are left out."""
    listed = sorted(briefs, key=lambda b: b.order)
    by_country: dict[str, list[Sighting]] = {}
    for brief in listed:
        for code in brief.countries:
            by_country.setdefault(code, []).append(brief)
    dates = {code: [b.meeting_date for b in briefs] for code, briefs in by_country.items()}
    named = _named(listed, registry)
    named_dates = {key: [b.meeting_date for b, _ in items] for key, items in named.items()}
    found: dict[str, SinceLastTime] = {}
    for brief in listed:
        sides = brief.counterparts
        last = max((earlier for code in sides
                    if (earlier := _last_before(by_country.get(code, []), dates.get(code, []), brief))),
                   key=lambda b: b.order, default=None)
        if last is None:
            continue
        items = []
        for path, key in _items(brief, registry):
            then = _last_naming(named.get(key, []), named_dates.get(key, []), brief, sides)
            if then is None:
                items.append(SinceItem(path))
            else:
                earlier, mention = then
                items.append(SinceItem(path, EarlierBrief(earlier.id, earlier.meeting_date), mention))
        found[brief.path] = SinceLastTime(EarlierBrief(last.id, last.meeting_date), tuple(items))
    return found


Named = tuple[Sighting, FrameworkMention | CommitmentMention]


def _items(brief: Sighting, registry: Registry | None) -> list[tuple[tuple[str, int], tuple[str, str]]]:
    """A brief's frameworks and commitments, each once (at the place it is named first), with its key."""
    found = []
    for kind, mentions in (("frameworks", keyed_once(brief.mentions.frameworks, registry)),
                           ("commitments", keyed_once(brief.mentions.commitments, registry))):
        for key, mention in mentions:
            index = mention.path[1]
            assert isinstance(index, int)
            found.append(((kind, index), (kind, key)))
    return found


def _named(listed: Sequence[Sighting], registry: Registry | None) -> Mapping[tuple[str, str], list[Named]]:
    """Every brief naming each framework and commitment, oldest first (`listed` is)."""
    named: dict[tuple[str, str], list[Named]] = {}
    for brief in listed:
        for (kind, index), key in _items(brief, registry):
            items = brief.mentions.frameworks if kind == "frameworks" else brief.mentions.commitments
            named.setdefault(key, []).append((brief, items[index]))
    return named


def _last_before(briefs: Sequence[Sighting], dates: Sequence[_dt.date], brief: Sighting) -> Sighting | None:
    """The most recent of `briefs` (oldest first; `dates` their meeting dates) that met before `brief`."""
    at = bisect.bisect_left(dates, brief.meeting_date)
    return briefs[at - 1] if at else None


def _last_naming(named: Sequence[Named], dates: Sequence[_dt.date], brief: Sighting,
                 sides: frozenset[str]) -> Named | None:
    """The most recent brief before `brief` naming the item with a country of `sides`, and what it said."""
    for index in range(bisect.bisect_left(dates, brief.meeting_date) - 1, -1, -1):
        earlier, mention = named[index]
        if earlier.countries & sides:
            return earlier, mention
    return None


__all__ = ["Sighting", "home_country", "since_last_time"]
