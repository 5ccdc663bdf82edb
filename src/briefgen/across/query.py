"""What `briefgen query` answers: the subjects of a cross index that pass its filters, as typed records and JSON.

Pure: an `Answer` is made from a CrossIndex (history.py) and `Filters`; the command reads the
sheets and prints it. The filters narrow each subject's history first (`--country`: the briefs
with that country among their participants', or for people those where the person is of that
country; `--since`/`--until`: the meeting dates), then the
subjects (`--status`: the status of the newest brief left; `--overdue`: a commitment with a
follow-up not done and due before `--as-of`, as the newest brief listing that action leaves
it). A subject with no brief left is not an answer.

The JSON (`Answer.to_json`, format 1) is a stable shape for CI: keys are only ever added.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefgen.across.history import KINDS, Appearance, CrossIndex, Meeting, Subject, overdue, page_path
from briefgen.across.identity import slug
from briefgen.records import note_stems
from briefgen.sheet.mentions import PersonMention
from briefgen.sheet.registry import Registry, name_key
from briefgen.sheet.translations import text_in

if TYPE_CHECKING:
    from briefgen.sheet.model import FactSheet

#: The version of `Answer.to_json`'s shape.
JSON_FORMAT = 1
#: Each word the command takes for a kind (singular or plural), and the kind (history.KINDS) it means.
KIND_WORDS = {"country": "countries", "countries": "countries", "framework": "frameworks",
              "frameworks": "frameworks", "person": "people", "people": "people",
              "commitment": "commitments", "commitments": "commitments"}
#: How one subject of each kind is called in a message.
NOUNS = {"countries": "country", "frameworks": "framework", "people": "person", "commitments": "commitment"}


@dataclass(frozen=True)
class Filters:
    """What narrows an answer (see the module's docstring); `as_of` is the day a follow-up is overdue after."""

    as_of: _dt.date
    #: An ISO 3166-1 alpha-2 code in capitals.
    country: str | None = None
    status: str | None = None
    overdue: bool = False
    since: _dt.date | None = None
    until: _dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "country": self.country, "status": self.status,
                "overdue": self.overdue, "since": _iso(self.since), "until": _iso(self.until)}


@dataclass(frozen=True)
class HistoryRow:
    """One brief in a subject's history: when, which, the status the subject had then, and where it says so."""

    date: _dt.date
    brief: str
    title: str
    status: str | None
    #: The brief's page and the item's id in it, as a built folder holds it ("g20-2025.html#framework-1").
    link: str | None

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "brief": self.brief, "title": self.title, "status": self.status,
                "link": self.link}


@dataclass(frozen=True)
class OverdueAction:
    """A follow-up of a commitment not done by its due date (before `Filters.as_of`)."""

    action: str
    owner: str | None
    due: str
    #: The brief that set it.
    brief: str

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "owner": self.owner, "due": self.due, "brief": self.brief}


@dataclass(frozen=True)
class Found:
    """One subject that passed the filters, with its history (newest first) within them."""

    kind: str
    key: str
    name: str
    native_name: str | None
    #: The status (a person's role) in the newest brief of its history; None for a country.
    status: str | None
    latest: _dt.date
    countries: tuple[str, ...]
    #: Its page in a built folder ("frameworks/japan-india-joint-vision.html").
    page: str
    history: tuple[HistoryRow, ...]
    overdue: tuple[OverdueAction, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "name": self.name, "native_name": self.native_name,
                "status": self.status, "latest": self.latest.isoformat(), "countries": list(self.countries),
                "page": self.page, "briefs": len(self.history), "history": [r.to_json() for r in self.history],
                "overdue": [a.to_json() for a in self.overdue]}


@dataclass(frozen=True)
class Answer:
    """What a query found: one subject's (`key` given) or a listing's subjects, newest first."""

    kind: str
    key: str | None
    filters: Filters
    found: tuple[Found, ...]

    def to_json(self) -> dict[str, Any]:
        return {"format": JSON_FORMAT, "kind": self.kind, "key": self.key, "filters": self.filters.to_json(),
                "count": len(self.found), "subjects": [f.to_json() for f in self.found]}


def kind_of(word: str) -> str | None:
    """The kind (history.KINDS) a word of the command names ("framework", "People"), or None."""
    return KIND_WORDS.get(word.casefold())


def resolve(index: CrossIndex, kind: str, key: str, registry: Registry | None = None) -> str | None:
    """The key of the subject `key` names, as the pages do: a key, a country code in any case, a ref the
    registry lists under `formerly`, a name or alias the registry or a brief gives, or its slug; else None."""
    subjects = index.of(kind)
    wanted = key.upper() if kind == "countries" else key
    if wanted in subjects:
        return wanted
    if kind == "countries":
        return None
    if registry is not None:
        renamed = registry.renamed(kind).get(key)
        if renamed in subjects:
            return renamed
        by_name = name_key(key)
        for entry in registry.of(kind).values():
            if by_name in entry.names and entry.ref in subjects:
                return entry.ref
    by_name = name_key(key)
    for subject in subjects.values():
        if name_key(subject.name) == by_name:
            return subject.key
    found = slug(key)
    return found if found in subjects else None


def suggestion(index: CrossIndex, kind: str, key: str) -> str | None:
    """The key most like `key` among the subjects of `kind`, for a "did you mean" hint."""
    close = difflib.get_close_matches(key, list(index.of(kind)), n=1, cutoff=0.6)
    return close[0] if close else None


def answer(index: CrossIndex, kind: str, key: str | None, filters: Filters) -> Answer:
    """The subjects of `kind` (only `key`, when given: already resolved) that pass `filters`, newest first."""
    assert kind in KINDS, kind
    subjects = index.of(kind)
    chosen = [subjects[key]] if key is not None and key in subjects else [] if key is not None else subjects.values()
    found = [item for item in (_found(subject, filters) for subject in chosen) if item is not None]
    found.sort(key=lambda f: (-f.latest.toordinal(), f.key))
    return Answer(kind, key, filters, tuple(found))


def _found(subject: Subject, filters: Filters) -> Found | None:
    person = subject.kind == "people"
    kept = [a for a in subject.appearances if _within(a.meeting, filters, by_country=not person)]
    if person and filters.country is not None:  # a person's own country, not their counterparts'
        kept = [a for a in kept if isinstance(a.mention, PersonMention) and a.mention.country == filters.country]
    if not kept:
        return None
    named = [a for a in kept if a.mention is not None]
    status = named[0].status if named else None
    if filters.status is not None and (status or "").casefold() != filters.status.casefold():
        return None
    late = tuple(_overdue(kept, filters.as_of))
    if filters.overdue and not late:
        return None
    countries = tuple(sorted({c for a in kept for c in a.meeting.countries}))
    return Found(subject.kind, subject.key, subject.name, subject.native_name, status, kept[0].meeting.meeting_date,
                 countries, page_path(subject.kind, subject.key), tuple(_row(a) for a in kept), late)


def _within(meeting: Meeting, filters: Filters, by_country: bool = True) -> bool:
    if by_country and filters.country is not None and filters.country not in meeting.countries:
        return False
    if filters.since is not None and meeting.meeting_date < filters.since:
        return False
    return filters.until is None or meeting.meeting_date <= filters.until


def _overdue(kept: Sequence[Appearance], as_of: _dt.date) -> list[OverdueAction]:
    """The overdue follow-ups of `kept` (newest first): an action a later brief lists again (the same words)
    is as that brief leaves it, so one it marks done is no longer overdue."""
    found, seen = [], set()
    for appearance in kept:
        for follow_up in appearance.follow_ups:
            action = name_key(follow_up.action)
            if action in seen:
                continue
            seen.add(action)
            if overdue(follow_up, as_of) and follow_up.due is not None:
                found.append(OverdueAction(follow_up.action, follow_up.owner, follow_up.due, appearance.meeting.id))
    return sorted(found, key=lambda item: (item.due, item.brief, item.action))


def _row(appearance: Appearance) -> HistoryRow:
    meeting = appearance.meeting
    return HistoryRow(meeting.meeting_date, meeting.id, meeting.title, appearance.status, appearance.link)


def meeting_of_sheet(sheet: FactSheet, sheet_id: str, locales: tuple[str, ...] = ()) -> Meeting:
    """What the pages across briefs show of one valid sheet, as a build of it would record it (history.meeting_of):
    its title in the first locale's language, its page the first note's HTML."""
    language = locales[0] if locales else sheet.lang
    stem = note_stems(locales, False)[0][0]
    occasion = sheet.meeting.occasion
    venue = sheet.meeting.venue
    city = venue.city if venue is not None else None
    return Meeting(sheet_id, text_in(sheet.title, language, sheet.lang)[0], sheet.meeting.date,
                   text_in(occasion, language, sheet.lang)[0] if occasion is not None else None,
                   text_in(city, language, sheet.lang)[0] if city is not None else None,
                   f"{sheet_id}.{stem}.html" if stem else f"{sheet_id}.html",
                   tuple(sorted({p.country for p in sheet.participants})))


def _iso(day: _dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None
