"""Views: a released fact sheet turned into what templates print, already formatted.

Everything a reader sees is decided here — dates written out, money in words,
country names, Markdown rendered and sanitised, portion marks, the order of
blocks — so templates only loop and test. The functions are pure: same release,
same view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from markupsafe import Markup

from .formatting import (
    LANGUAGE,
    amount_text,
    country_name,
    meeting_date,
    meeting_time,
    partial_date,
    written_date,
)
from .markup import render_markdown
from .model import Commitment, Framework, Participant, PortionText
from .release import Release, ReleasedSheet

KIND_LABELS = {"brief": "Meeting brief", "readout": "Meeting readout"}
FORMAT_LABELS = {
    "bilateral": "Bilateral meeting",
    "multilateral": "Multilateral meeting",
    "call": "Call",
    "pull-aside": "Pull-aside",
}
STATUS_LABELS = {"draft": "Draft", "final": "Final"}
ROLE_LABELS = {"principal": "Principal", "delegation": "Delegation"}
FRAMEWORK_STATUS_LABELS = {"reaffirmed": "Reaffirmed", "launched": "Launched", "referenced": "Referenced"}
COMMITMENT_STATUS_LABELS = {
    "agreed": "Agreed",
    "reaffirmed": "Reaffirmed",
    "announced": "Announced",
    "proposed": "Proposed",
    "under-discussion": "Under discussion",
}
# --- the view ------------------------------------------------------------------------


@dataclass(frozen=True)
class Banner:
    """The classification line at the top and bottom of every page."""

    text: str
    level: str
    tone: str
    scheme: str


@dataclass(frozen=True)
class Portion:
    """A piece of rendered text and the portion mark printed before it ("" when unmarked)."""

    html: Markup
    mark: str


@dataclass(frozen=True)
class PointList:
    """Talking points or outcomes, with the heading they are printed under."""

    heading: str
    anchor: str
    items: tuple[Portion, ...]


@dataclass(frozen=True)
class Clearance:
    name: str
    unit: str | None
    date: str | None


@dataclass(frozen=True)
class ParticipantView:
    name: str
    native_name: str | None
    title: str
    country: str
    role: str
    is_principal: bool
    bio: Markup | None


@dataclass(frozen=True)
class FrameworkView:
    name: str
    status: str
    since: str | None
    note: Markup | None
    citations: tuple[int, ...]
    mark: str


@dataclass(frozen=True)
class CommitmentView:
    sector: str
    summary: Markup
    status: str
    parties: str | None
    organisations: str | None
    amount: str | None
    citations: tuple[int, ...]
    mark: str


@dataclass(frozen=True)
class FollowUpView:
    action: Markup
    owner: str | None
    due: str | None
    mark: str


@dataclass(frozen=True)
class SectionView:
    heading: str
    body: Markup
    mark: str


@dataclass(frozen=True)
class SourceView:
    number: int
    anchor: str
    id: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None


@dataclass(frozen=True)
class Metadata:
    """What goes into the HTML head and from there into the PDF's document information."""

    title: str
    author: str | None
    subject: str
    keywords: str
    language: str
    created: str
    modified: str


@dataclass(frozen=True)
class BriefView:
    """Everything the brief and readout templates print, already formatted."""

    kind: str
    kind_label: str
    title: str
    #: Portion mark of the header block (title, meeting, participants), "" when unmarked.
    title_mark: str
    occasion: str | None
    meeting_date: str
    meeting_date_iso: str
    #: Start time and duration, e.g. "13:40, 35 minutes".
    time: str | None
    meeting_format: str
    venue: str | None
    reference: str | None
    version: str | None
    status: str
    is_draft: bool
    date: str
    drafted_by: str | None
    cleared_by: tuple[Clearance, ...]
    banner: Banner
    #: Said when the document was cut to a release level, e.g. "Released at OFFICIAL; …".
    release_note: str | None
    summary: Portion | None
    participants: tuple[ParticipantView, ...]
    frameworks: tuple[FrameworkView, ...]
    commitments: tuple[CommitmentView, ...]
    talking_points: tuple[Portion, ...]
    outcomes: tuple[Portion, ...]
    #: The non-empty point lists in the order this kind prints them.
    point_lists: tuple[PointList, ...]
    follow_up: tuple[FollowUpView, ...]
    sections: tuple[SectionView, ...]
    sources: tuple[SourceView, ...]
    metadata: Metadata
    #: Reference and version for the running footer, e.g. "G20-2025/JP-IN/01 · version 1.0".
    footer: str


def brief_view(release: Release) -> BriefView:
    """Turn a released fact sheet into the view its template prints."""
    sheet = release.sheet
    document = sheet.document
    meeting = sheet.meeting
    numbers = {source.id: number for number, source in enumerate(sheet.sources, start=1)}
    participants = tuple(_participant(p) for p in _principals_first(sheet.participants))
    frameworks = tuple(_framework(f, release, numbers) for f in sheet.frameworks)
    talking_points = tuple(_point(p, release) for p in sheet.talking_points)
    outcomes = tuple(_point(p, release) for p in sheet.outcomes)
    return BriefView(
        kind=sheet.kind,
        kind_label=KIND_LABELS[sheet.kind],
        title=sheet.title,
        title_mark=release.mark(sheet.classification.header or sheet.classification.level),
        occasion=meeting.occasion,
        meeting_date=meeting_date(meeting.date),
        meeting_date_iso=meeting.date.isoformat(),
        time=meeting_time(meeting.start, meeting.duration_minutes),
        meeting_format=FORMAT_LABELS[meeting.format],
        venue=_venue(sheet),
        reference=document.reference,
        version=document.version,
        status=STATUS_LABELS[document.status],
        is_draft=document.status == "draft",
        date=written_date(document.date),
        drafted_by=_person(document.drafted_by.name, document.drafted_by.unit) if document.drafted_by else None,
        cleared_by=tuple(
            Clearance(c.name, c.unit, written_date(c.date) if c.date else None) for c in document.cleared_by
        ),
        banner=banner(release),
        release_note=_release_note(release),
        summary=_summary(sheet.summary, release),
        participants=participants,
        frameworks=frameworks,
        commitments=tuple(_commitment(c, release, numbers) for c in sheet.commitments),
        talking_points=talking_points,
        outcomes=outcomes,
        point_lists=_point_lists(sheet.kind, talking_points, outcomes),
        follow_up=tuple(
            FollowUpView(
                action=render_markdown(f.action, inline=True),
                owner=f.owner,
                due=written_date(f.due) if f.due else None,
                mark=release.mark(f.classification),
            )
            for f in sheet.follow_up
        ),
        sections=tuple(
            SectionView(s.heading, render_markdown(s.body), release.mark(s.classification)) for s in sheet.sections
        ),
        sources=tuple(
            SourceView(
                number=number,
                anchor=f"source-{number}",
                id=s.id,
                title=s.title,
                publisher=s.publisher,
                date=written_date(s.date) if s.date else None,
                url=s.url,
            )
            for number, s in enumerate(sheet.sources, start=1)
        ),
        metadata=_metadata(sheet, participants, frameworks),
        footer=" · ".join(_footer_parts(document.reference, document.version)),
    )


def banner(release: Release) -> Banner:
    """The classification banner of a release: its level and caveats, e.g. "SECRET — UK EYES ONLY"."""
    text = release.level
    if release.caveats:
        text = f"{text} — {', '.join(release.caveats)}"
    return Banner(text=text, level=release.level, tone=release.scheme.tone(release.level),
                  scheme=release.scheme.name)


# --- pieces of the view --------------------------------------------------------------


def _principals_first(participants: Iterable[Participant]) -> list[Participant]:
    return sorted(participants, key=lambda p: p.role != "principal")  # sorted() is stable


def _participant(participant: Participant) -> ParticipantView:
    return ParticipantView(
        name=participant.name,
        native_name=participant.native_name,
        title=participant.title,
        country=country_name(participant.country),
        role=ROLE_LABELS[participant.role],
        is_principal=participant.role == "principal",
        bio=render_markdown(participant.bio, inline=True) if participant.bio else None,
    )


def _citations(refs: Iterable[str], numbers: Mapping[str, int]) -> tuple[int, ...]:
    # A release keeps every source a kept item cites, so a missing number means the
    # sheet was never validated; the citation is dropped rather than invented.
    return tuple(dict.fromkeys(numbers[ref] for ref in refs if ref in numbers))


def _framework(framework: Framework, release: Release, numbers: Mapping[str, int]) -> FrameworkView:
    return FrameworkView(
        name=framework.name,
        status=FRAMEWORK_STATUS_LABELS[framework.status],
        since=partial_date(framework.since) if framework.since else None,
        note=render_markdown(framework.note, inline=True) if framework.note else None,
        citations=_citations(framework.sources, numbers),
        mark=release.mark(framework.classification),
    )


def _commitment(commitment: Commitment, release: Release, numbers: Mapping[str, int]) -> CommitmentView:
    return CommitmentView(
        sector=commitment.sector,
        summary=render_markdown(commitment.summary, inline=True),
        status=COMMITMENT_STATUS_LABELS[commitment.status],
        parties=", ".join(country_name(c) for c in commitment.parties) or None,
        organisations=", ".join(commitment.organisations) or None,
        amount=amount_text(commitment.amount) if commitment.amount else None,
        citations=_citations(commitment.sources, numbers),
        mark=release.mark(commitment.classification),
    )


def _summary(summary: PortionText | None, release: Release) -> Portion | None:
    if summary is None:  # above the release level
        return None
    return Portion(render_markdown(summary.text), release.mark(summary.classification))


def _point(point: PortionText, release: Release) -> Portion:
    return Portion(render_markdown(point.text, inline=True), release.mark(point.classification))


def _point_lists(kind: str, talking_points: tuple[Portion, ...], outcomes: tuple[Portion, ...]) -> tuple[PointList, ...]:
    lists = [
        PointList("Talking points", "talking-points", talking_points),
        PointList("Outcomes", "outcomes", outcomes),
    ]
    if kind == "readout":
        lists.reverse()
    return tuple(points for points in lists if points.items)


def _venue(sheet: ReleasedSheet) -> str | None:
    venue = sheet.meeting.venue
    if venue is None:
        return None
    parts = [venue.name, venue.city, country_name(venue.country) if venue.country else None]
    return ", ".join(p for p in parts if p) or None


def _person(name: str, unit: str | None) -> str:
    return f"{name}, {unit}" if unit else name


def _release_note(release: Release) -> str | None:
    if release.cleared_to is None:
        return None
    # Deliberately silent on how much was left out: even a count tells a reader something.
    return f"Released at {release.cleared_to}."


def _footer_parts(reference: str | None, version: str | None) -> list[str]:
    parts = [reference] if reference else []
    if version:
        parts.append(f"version {version}")
    return parts


def _metadata(sheet: ReleasedSheet, participants: tuple[ParticipantView, ...],
              frameworks: tuple[FrameworkView, ...]) -> Metadata:
    words = [KIND_LABELS[sheet.kind], sheet.meeting.occasion,
             *(p.country for p in participants), *(f.name for f in frameworks)]
    created = sheet.document.date.isoformat()
    return Metadata(
        title=sheet.title,
        author=sheet.document.drafted_by.name if sheet.document.drafted_by else None,
        subject=sheet.meeting.occasion or sheet.title,
        # Commas separate keywords, so one inside a name would split it.
        keywords=", ".join(dict.fromkeys(w.replace(",", "") for w in words if w)),
        language=LANGUAGE,
        created=created,
        modified=created,
    )
