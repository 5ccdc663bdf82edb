"""The site index: every published brief, newest meeting first, from BriefRecords."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable
from urllib.parse import quote, urlsplit

from .classification import SCHEMES
from .formatting import LANGUAGE, written_date
from .record import BriefRecord
from .view import KIND_LABELS, Banner


@dataclass(frozen=True)
class IndexEntry:
    """One brief as the site index lists it."""

    id: str
    title: str
    kind: str
    kind_label: str
    meeting_date: str
    meeting_date_iso: str
    occasion: str | None
    venue: str | None
    level: str
    banner: str
    tone: str
    html_href: str | None
    pdf_href: str | None
    scheme: str | None = None

    @classmethod
    def of(cls, record: BriefRecord) -> IndexEntry:
        """The index entry of one published brief."""
        return cls(
            id=record.id,
            title=record.title,
            kind=record.kind,
            kind_label=KIND_LABELS.get(record.kind, record.kind.capitalize()),
            meeting_date=written_date(record.meeting_date),
            meeting_date_iso=record.meeting_date.isoformat(),
            occasion=record.occasion,
            venue=record.venue,
            level=record.level,
            banner=record.banner or record.level,
            tone=record.tone,
            html_href=_site_href(record.outputs.get("html")),
            pdf_href=_site_href(record.outputs.get("pdf")),
            scheme=record.scheme or None,
        )


@dataclass(frozen=True)
class SiteIndexView:
    """The site index: every brief, newest meeting first."""

    title: str
    entries: tuple[IndexEntry, ...]
    #: The page's own banner: the highest level among the listed briefs, whose titles it shows.
    banner: Banner | None = None
    language: str = LANGUAGE


def site_index_view(records: Iterable[BriefRecord], title: str = "Briefing notes") -> SiteIndexView:
    """The site index view: newest meeting first, ties by title."""
    entries = [IndexEntry.of(record) for record in records]
    by_title = sorted(entries, key=lambda e: (e.title.casefold(), e.id))
    ordered = sorted(by_title, key=lambda e: e.meeting_date_iso, reverse=True)  # stable
    return SiteIndexView(title=title, entries=tuple(ordered), banner=_index_banner(ordered))


def _index_banner(entries: list[IndexEntry]) -> Banner | None:
    schemes = {e.scheme for e in entries}
    if len(schemes) != 1 or None in schemes:
        return None  # levels of different schemes cannot be ranked together: each entry shows its own
    name = schemes.pop()
    scheme = SCHEMES.get(name or "")
    if scheme is None or any(e.level not in scheme for e in entries):
        return None
    top = scheme.highest([e.level for e in entries])
    return Banner(text=top, level=top, tone=scheme.tone(top), scheme=scheme.name)


def _site_href(path: str | None) -> str | None:
    # Outputs are files of the site itself; anything with a scheme or host is not.
    if not path:
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("/"):
        return None
    return quote(path, safe="/._-~")
