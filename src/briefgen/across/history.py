"""Each country, person, framework and commitment across a folder's briefs: every brief that names it, newest first.

Pure: `cross_index(records)` reads only the BriefRecords a build already has (their mentions:
refs, statuses, amounts, follow-ups), never a sheet; `cross_index_of` the same from (Meeting,
Mentions) pairs, for `briefgen query`, which renders nothing. The records of a release folder are
those of its released sheets, so an index made from them holds nothing above its audience:
a withheld commitment changes no count, date or status here.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from briefgen.across.identity import Mention, keyed_once, mention_name
from briefgen.sheet.mentions import (
    CommitmentMention,
    FollowUpMention,
    FrameworkMention,
    Mentions,
    PersonMention,
    anchor,
)

if TYPE_CHECKING:
    from briefgen.records import BriefRecord
    from briefgen.sheet.registry import Registry

#: The kinds of subject, as page folders and `briefgen query` name them.
KINDS = ("countries", "frameworks", "people", "commitments")


def page_path(kind: str, key: str, suffix: str = "html") -> str:
    """Where a subject's page lies in a built folder: "countries/IN.html", "frameworks/japan-india-joint-vision.html".

    Keys are slugs (identity.py) or ISO 3166 codes, so the name is safe on every file system."""
    assert kind in KINDS, kind
    return f"{kind}/{key}.{suffix}"


@dataclass(frozen=True)
class Meeting:
    """One brief as its subjects' pages list it."""

    id: str
    title: str
    meeting_date: _dt.date
    occasion: str | None
    venue: str | None
    #: The brief's HTML page in the folder (the first locale's), or None when it has no HTML.
    page: str | None
    #: The participants' countries (ISO 3166 codes), sorted.
    countries: tuple[str, ...]
    banner: str = ""
    tone: str = ""
    #: The banner's level, scheme, controls and CUI categories, as the record keeps them: what a page
    #: across briefs is marked from (render.site_index.index_banner), never parsed back from `banner`.
    level: str = ""
    scheme: str = ""
    caveats: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def order(self) -> tuple[_dt.date, str]:
        return self.meeting_date, self.id


@dataclass(frozen=True)
class Appearance:
    """A subject as one brief names it: the brief, the item's id in its page, and what the brief says."""

    meeting: Meeting
    #: The item's id in the brief's page ("commitment-2"); "" for a country (the brief itself).
    anchor: str
    #: The person, framework or commitment as the brief writes it (None for a country).
    mention: Mention | None = None
    #: A commitment's follow-ups in this brief (follow_up[].commitment naming it).
    follow_ups: tuple[FollowUpMention, ...] = ()

    @property
    def status(self) -> str | None:
        """reaffirmed / launched / agreed / … (a person's role): what it was then."""
        if isinstance(self.mention, PersonMention):
            return self.mention.role
        return self.mention.status if self.mention is not None else None

    @property
    def link(self) -> str | None:
        """The brief's page and the item's id in it ("g20-2025.html#commitment-2"), or None without a page."""
        if self.meeting.page is None:
            return None
        return f"{self.meeting.page}#{self.anchor}" if self.anchor else self.meeting.page


@dataclass(frozen=True)
class Subject:
    """One country, person, framework or commitment, with every brief that names it, newest first."""

    kind: str
    key: str
    #: What it is called: the registry's name, else as the newest brief writes it (a country: its ISO code).
    name: str
    appearances: tuple[Appearance, ...]
    native_name: str | None = None

    @property
    def latest(self) -> Appearance:
        return self.appearances[0]

    @property
    def countries(self) -> tuple[str, ...]:
        """Every country of the briefs that name it, sorted."""
        return tuple(sorted({c for a in self.appearances for c in a.meeting.countries}))

    def follow_ups(self) -> tuple[tuple[Meeting, FollowUpMention], ...]:
        """A commitment's follow-ups, by due date (undated last), each with the brief that set it."""
        found = [(a.meeting, f) for a in self.appearances for f in a.follow_ups]
        return tuple(sorted(found, key=lambda item: (item[1].due is None, item[1].due or "", item[0].order)))


@dataclass(frozen=True)
class Step:
    """A commitment's or framework's state in one brief, and what changed since the brief before it."""

    appearance: Appearance
    #: "status", "amount": what differs from the previous step (empty for the first).
    changed: tuple[str, ...]
    previous: Appearance | None = None


@dataclass(frozen=True)
class CrossIndex:
    """Every subject of a folder's briefs, by kind (KINDS) and key."""

    subjects: Mapping[str, Mapping[str, Subject]]

    def of(self, kind: str) -> Mapping[str, Subject]:
        return self.subjects[kind]

    def for_country(self, code: str, kind: str) -> tuple[Subject, ...]:
        """The subjects of `kind` named in any brief with `code` among its countries, newest first."""
        found = [s for s in self.subjects[kind].values()
                 if any(code in a.meeting.countries for a in s.appearances)]
        return tuple(sorted(found, key=lambda s: (_desc(s.latest.meeting.order), s.key)))


def meeting_of(record: BriefRecord) -> Meeting:
    """What the pages across briefs show of one brief."""
    pages = [name for kind, name in record.outputs.items() if kind.endswith("html") and "+" not in kind]
    countries = tuple(sorted({p.country for p in record.mentions.people}))
    return Meeting(record.id, record.title, record.meeting_date, record.occasion, record.venue,
                   pages[0] if pages else None, countries, record.banner, record.tone,
                   record.level, record.scheme, tuple(record.caveats), tuple(record.categories))


def cross_index(records: Iterable[BriefRecord], registry: Registry | None = None) -> CrossIndex:
    """The subjects of `records` (see the module's docstring); the order of `records` does not matter."""
    return cross_index_of(((meeting_of(record), record.mentions) for record in records), registry)


def cross_index_of(briefs: Iterable[tuple[Meeting, Mentions]], registry: Registry | None = None) -> CrossIndex:
    """The subjects of each brief's (Meeting, Mentions): what cross_index makes of a build's records, made
    from sheets read now (`briefgen query`, which renders nothing). The order of `briefs` does not matter."""
    found: dict[str, dict[str, list[Appearance]]] = {kind: {} for kind in KINDS}
    orphans: list[tuple[str, Appearance]] = []
    for meeting, mentions in briefs:
        for code in meeting.countries:
            found["countries"].setdefault(code, []).append(Appearance(meeting, ""))
        follow: dict[str, list[FollowUpMention]] = {}
        for item in mentions.follow_ups:
            follow.setdefault(item.commitment, []).append(item)
        named_commitments: set[str] = set()
        items: Sequence[Mention]
        for kind, items in (("people", mentions.people), ("frameworks", mentions.frameworks),
                            ("commitments", mentions.commitments)):
            for key, mention in keyed_once(items, registry):  # a brief appears once on a page, at its first
                extra: tuple[FollowUpMention, ...] = ()
                if isinstance(mention, CommitmentMention):
                    named_commitments.add(key)
                    extra = tuple(follow.get(key, ()))
                found[kind].setdefault(key, []).append(Appearance(meeting, anchor(mention.path), mention, extra))
        orphans += [(ref, Appearance(meeting, anchor(items[0].path), None, tuple(items)))
                    for ref, items in follow.items() if ref not in named_commitments]
    for ref, appearance in orphans:  # follow-ups of a commitment their brief does not list itself
        if ref in found["commitments"]:
            found["commitments"][ref].append(appearance)
    subjects = {kind: MappingProxyType({key: _subject(kind, key, appearances, registry)
                                        for key, appearances in sorted(by_key.items())})
                for kind, by_key in found.items()}
    return CrossIndex(MappingProxyType(subjects))


def _subject(kind: str, key: str, appearances: list[Appearance], registry: Registry | None) -> Subject:
    ordered = tuple(sorted(appearances, key=lambda a: (_desc(a.meeting.order), a.anchor)))
    entry = registry.of(kind).get(key) if registry is not None and kind != "countries" else None
    if entry is not None:
        return Subject(kind, key, entry.name, ordered, entry.native_name)
    named = next((a.mention for a in ordered if a.mention is not None), None)
    if named is None:
        return Subject(kind, key, key.upper() if kind == "countries" else key, ordered)
    native = named.native_name if isinstance(named, PersonMention) else None
    return Subject(kind, key, mention_name(named), ordered, native)


def _desc(order: tuple[_dt.date, str]) -> tuple[int, tuple[int, ...]]:
    """A sort key for newest first, then by id (ascending), as one tuple."""
    return -order[0].toordinal(), tuple(ord(c) for c in order[1])


def steps(subject: Subject) -> tuple[Step, ...]:
    """A framework's or commitment's history, oldest first: each brief's state and what changed since the one before."""
    found: list[Step] = []
    previous: Appearance | None = None
    for appearance in reversed(subject.appearances):
        if appearance.mention is None:
            found.append(Step(appearance, ()))
            continue
        changed = _changes(previous.mention, appearance.mention) if previous is not None else ()
        found.append(Step(appearance, changed, previous))
        previous = appearance
    return tuple(found)


def _changes(before: Mention | None, after: Mention) -> tuple[str, ...]:
    if before is None:
        return ()
    changed = []
    if getattr(before, "status", None) != getattr(after, "status", None):
        changed.append("status")
    if isinstance(before, CommitmentMention) and isinstance(after, CommitmentMention) \
            and (before.amount, before.currency) != (after.amount, after.currency):
        changed.append("amount")
    return tuple(changed)


def overdue(follow_up: FollowUpMention, as_of: _dt.date) -> bool:
    """Whether an action is overdue on `as_of`: not done, and due before that day."""
    return not follow_up.done and follow_up.due is not None and _dt.date.fromisoformat(follow_up.due) < as_of


__all__ = ["KINDS", "Appearance", "CrossIndex", "FrameworkMention", "Meeting", "Step", "Subject", "cross_index",
           "cross_index_of", "meeting_of", "overdue", "page_path", "steps"]

