"""The site index: every published brief, newest meeting first, from BriefRecords."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from briefgen.records import BriefRecord
from briefgen.release.marking import Marked, MarkingError, banner, statement_label
from briefgen.render.catalogs import ENGLISH, Labels, labels
from briefgen.render.formatting import DEFAULT_LOCALE, HouseStyle
from briefgen.render.index_subjects import (
    IndexFrameworks,
    IndexSubject,
    KindLink,
    brief_countries,
    filter_options,
    index_frameworks,
    kind_links,
)
from briefgen.render.view import KIND_LABELS
from briefgen.render.view_records import Banner
from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.kinds import N_
from briefgen.sheet.scheme import Scheme

if TYPE_CHECKING:
    from briefgen.sheet.registry import Registry
    from briefgen.theme import Theme

#: The index's title when the project names none.
INDEX_TITLE = N_("Briefing notes")
#: Briefs on one page of the site index: a page a reader scans, and a few hundred KiB at most;
#: a folder of more briefs gets index-2.html, index-3.html… (search covers them all).
INDEX_PAGE_SIZE = 100


def page_file(number: int) -> str:
    """The file name of page `number` (from 1) of the site index: index.html, then index-2.html…"""
    return "index.html" if number == 1 else f"index-{number}.html"


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
    status: str | None = None
    reference: str | None = None
    owner: str | None = None
    countries: tuple[str, ...] = ()
    #: The controls its banner carries ("NOFORN", "REL TO USA, AUS"), and its CUI categories.
    caveats: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    #: With several locales: the note in each ("日本語", its HTML, its PDF), the side-by-side one last.
    notes: tuple[IndexNote, ...] = ()
    #: The Word document (`--format docx`), when one was written.
    docx_href: str | None = None
    #: Its participants' countries and the frameworks it names, each with its page across briefs
    #: (index_subjects.py): what the row links to and the country and framework filters read.
    country_links: tuple[IndexSubject, ...] = ()
    framework_links: tuple[IndexSubject, ...] = ()

    @property
    def country_keys(self) -> str:
        """The row's countries as the country filter reads them: ISO codes joined by "|" ("IN|JP")."""
        return "|".join(subject.key for subject in self.country_links)

    @property
    def framework_keys(self) -> str:
        """The row's frameworks as the framework filter reads them: keys (slugs) joined by "|"."""
        return "|".join(subject.key for subject in self.framework_links)

    @classmethod
    def of(cls, record: BriefRecord, style: HouseStyle, the_labels: Labels = ENGLISH,
           frameworks: IndexFrameworks | None = None) -> IndexEntry:
        """The index entry of one published brief: its date in the index's house style, its kind in its labels,
        its frameworks as `frameworks` (those of the index's records, read together) key and name them."""
        notes = _notes(record)
        return cls(
            id=record.id,
            title=record.title,
            kind=record.kind,
            kind_label=the_labels.gettext(KIND_LABELS[record.kind]) if record.kind in KIND_LABELS
            else record.kind.capitalize(),
            meeting_date=style.written_date(record.meeting_date),
            meeting_date_iso=record.meeting_date.isoformat(),
            occasion=record.occasion,
            venue=record.venue,
            level=record.level,
            banner=record.banner or record.level,
            tone=record.tone,
            html_href=_site_href(record.outputs.get("html") or next(
                (n.html_href for n in notes if n.html_href), None)),
            pdf_href=_site_href(record.outputs.get("pdf") or next((n.pdf_href for n in notes if n.pdf_href), None)),
            notes=notes,
            docx_href=_site_href(record.outputs.get("docx")),
            scheme=record.scheme or None,
            status=record.status,
            reference=record.reference,
            owner=record.owner,
            countries=record.countries,
            caveats=record.caveats,
            categories=record.categories,
            country_links=brief_countries(record, style.locale),
            framework_links=(frameworks or index_frameworks([record])).of(record),
        )


@dataclass(frozen=True)
class IndexNote:
    """A brief's note in one locale (or two side by side), as the index links it."""

    label: str
    lang: str
    html_href: str | None
    pdf_href: str | None
    docx_href: str | None = None


def _notes(record: BriefRecord) -> tuple[IndexNote, ...]:
    """The notes of a brief built in several locales: outputs named "ja.html", "en-GB+ja.pdf"."""
    by_stem: dict[str, dict[str, str]] = {}
    for kind, name in record.outputs.items():
        stem, dot, form = kind.rpartition(".")
        if dot:
            by_stem.setdefault(stem, {})[form] = name
    if not by_stem:
        return ()
    from briefgen.render.names import languages_label

    return tuple(IndexNote(languages_label(stem.split("+")), stem.replace("+", " "),
                           _site_href(files.get("html")), _site_href(files.get("pdf")),
                           _site_href(files.get("docx")))
                 for stem, files in by_stem.items())


@dataclass(frozen=True)
class IndexPage:
    """A link to one page of the site index, as its page navigation draws it."""

    number: int
    href: str
    current: bool = False


@dataclass(frozen=True)
class SiteIndexView:
    """The site index, or one page of it: briefs newest meeting first.

    A folder of more than INDEX_PAGE_SIZE briefs is indexed on several pages (`index_pages`):
    each page lists its slice (`entries`), and says where it lies among `count`.
    """

    title: str
    entries: tuple[IndexEntry, ...]
    #: The banner of every page: the highest marking of the whole index, not only of the
    #: page's own titles (see `index_banner`), since each page's search box shows results from every brief.
    banner: Banner | None = None
    language: str = DEFAULT_LOCALE
    #: This page's number (from 1) and the number of pages; the briefs on all of them.
    page: int = 1
    pages: int = 1
    total: int | None = None
    #: The position (from 1) of this page's first brief among all of them.
    first: int = 1
    #: The optional columns, decided over all pages so that every page has the same ones (None: from `entries`).
    shown_columns: tuple[str, ...] | None = None
    #: The pages across briefs of each kind the whole index's records name ("Across briefs": countries/index.html…).
    across_links: tuple[KindLink, ...] = ()

    @property
    def country_options(self) -> tuple[IndexSubject, ...]:
        """The country filter's options: the countries of this page's rows, by name (none if it would hide nothing)."""
        return filter_options(entry.country_links for entry in self.entries)

    @property
    def framework_options(self) -> tuple[IndexSubject, ...]:
        """The framework filter's options: the frameworks of this page's rows, by name."""
        return filter_options(entry.framework_links for entry in self.entries)

    @property
    def columns(self) -> dict[str, bool]:
        """The optional columns worth drawing: those some listed brief has a value for."""
        names = ("reference", "status", "owner")
        if self.shown_columns is not None:
            return {name: name in self.shown_columns for name in names}
        return {name: any(getattr(e, name) for e in self.entries) for name in names}

    @property
    def count(self) -> int:
        """How many briefs the whole index lists."""
        return len(self.entries) if self.total is None else self.total

    @property
    def last(self) -> int:
        """The position (from 1) of this page's last brief among all of them."""
        return self.first + len(self.entries) - 1

    @property
    def previous_href(self) -> str | None:
        return page_file(self.page - 1) if self.page > 1 else None

    @property
    def next_href(self) -> str | None:
        return page_file(self.page + 1) if self.page < self.pages else None

    @property
    def page_links(self) -> tuple[IndexPage | None, ...]:
        """The pages the navigation names: the first, the last and two either side of this one;
        None where pages are skipped."""
        wanted = sorted({1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)})
        links: list[IndexPage | None] = []
        for number in wanted:
            previous = links[-1] if links else None
            if previous is not None and number - previous.number > 1:
                links.append(None)
            links.append(IndexPage(number, page_file(number), number == self.page))
        return tuple(links)


def index_pages(view: SiteIndexView, size: int | None = None) -> list[SiteIndexView]:
    """The site index cut into pages of `size` briefs, by default INDEX_PAGE_SIZE (one page, however
    few: an empty index is a page too). Every page keeps the whole index's banner and columns."""
    size = size or INDEX_PAGE_SIZE
    entries = view.entries
    if len(entries) <= size:
        return [view]
    shown = tuple(name for name, wanted in view.columns.items() if wanted)
    count = -(-len(entries) // size)
    return [replace(view, entries=entries[start: start + size], page=number, pages=count, total=len(entries),
                    first=start + 1, shown_columns=shown)
            for number, start in enumerate(range(0, len(entries), size), start=1)]


def site_index_view(records: Iterable[BriefRecord], title: str | None = None,
                    locale: str | None = None, theme: Theme | None = None,
                    registry: Registry | None = None) -> SiteIndexView:
    """The site index view: newest meeting first, ties by title; dates and labels in `locale` (default en-GB),
    with the `theme`'s catalogs over the packaged ones; frameworks keyed and named with the project's `registry`
    as the pages across briefs are."""
    style = HouseStyle(locale or DEFAULT_LOCALE)
    the_labels = labels(style.locale, theme)
    listed = list(records)
    frameworks = index_frameworks(listed, registry)
    entries = [IndexEntry.of(record, style, the_labels, frameworks) for record in listed]
    by_title = sorted(entries, key=lambda e: (e.title.casefold(), e.id))
    ordered = sorted(by_title, key=lambda e: e.meeting_date_iso, reverse=True)  # stable
    return SiteIndexView(title=title if title is not None else the_labels.gettext(INDEX_TITLE), entries=tuple(ordered),
                         banner=index_banner(ordered), language=style.locale,
                         across_links=kind_links(listed, the_labels))


#: The scheme whose lowest level marks an index that lists nothing.
DEFAULT_SCHEME = "uk"
#: Tones from least to most restrictive across schemes: the banner of an index that lists
#: briefs of both schemes takes the colour of its most restrictive part.
_TONE_ORDER = ("unclassified", "official", "cui", "official-sensitive", "confidential", "secret", "top-secret")


def index_banner(entries: Iterable[IndexEntry]) -> Banner:
    """The site index's banner: the highest marking of what it lists, never none.

    The page shows every listed title, so it is as high as its highest entry. Per scheme:
    its highest level, with the caveats that every listed entry of that level carries (a
    caveat that one SECRET entry lacks is not the page's); with briefs of both schemes,
    each scheme's marking with the scheme named, "SECRET (UK) · CONFIDENTIAL (US)".
    An index that lists nothing is marked with the lowest level of the default scheme, OFFICIAL.
    """
    by_scheme: dict[str, list[IndexEntry]] = {}
    for entry in entries:
        name = _scheme_of(entry)
        if name is not None:
            by_scheme.setdefault(name, []).append(entry)
    if not by_scheme:
        lowest = SCHEMES[DEFAULT_SCHEME].levels[0]
        return Banner(text=lowest, level=lowest, tone=SCHEMES[DEFAULT_SCHEME].tone(lowest), scheme=DEFAULT_SCHEME)
    markings: list[tuple[str, str, str]] = []  # (scheme, level, text)
    for name in SCHEMES:  # a stable order: uk, then us
        listed = by_scheme.get(name)
        if not listed:
            continue
        scheme = SCHEMES[name]
        top = scheme.highest([e.level for e in listed])
        top_entries = [e for e in listed if e.level == top]
        common = [c for c in top_entries[0].caveats if all(c in e.caveats for e in top_entries)]
        categories = [c for c in top_entries[0].categories if all(c in e.categories for e in top_entries)]
        markings.append((name, top, _written(scheme, top, common, categories)))
    if len(markings) == 1:
        name, top, text = markings[0]
        return Banner(text=text, level=top, tone=SCHEMES[name].tone(top), scheme=name,
                      label=statement_label(SCHEMES[name], top))
    tones = [(SCHEMES[name].tone(top), name, top) for name, top, _ in markings]
    tone, _, level = max(tones, key=lambda t: _TONE_ORDER.index(t[0]) if t[0] in _TONE_ORDER else -1)
    return Banner(text=" · ".join(f"{text} ({name.upper()})" for name, _, text in markings), level=level,
                  tone=tone, scheme="+".join(name for name, _, _ in markings))


def _scheme_of(entry: IndexEntry) -> str | None:
    # Manifests written before records kept their scheme: the scheme that has the level, uk first.
    if entry.scheme is not None and entry.scheme in SCHEMES and entry.level in SCHEMES[entry.scheme]:
        return entry.scheme
    if entry.scheme:
        return None  # a scheme or level this version does not know: it cannot be ranked
    return next((name for name, scheme in SCHEMES.items() if entry.level in scheme), None)


def _written(scheme: Scheme, level: str, caveats: list[str], categories: list[str]) -> str:
    """A banner in the scheme's grammar; a caveat it cannot write (from an old manifest) is left out."""
    readable = [c for c in caveats if scheme.canonical(c) is not None]
    try:
        return banner(scheme, [Marked(level, tuple(readable))], categories).text
    except MarkingError:  # pragma: no cover - every caveat kept was read above
        return level


def _site_href(path: str | None) -> str | None:
    # Outputs are files of the site itself; anything with a scheme or host is not.
    if not path:
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("/"):
        return None
    return quote(path, safe="/._-~")
