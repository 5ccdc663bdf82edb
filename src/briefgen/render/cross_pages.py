"""The pages across briefs a folder publishes: which there are, the digest of what each shows, and their bytes.

`cross_page_list` is cheap (no template, no WeasyPrint): every page of a CrossIndex with the
sha256 of everything it shows, made from compact data (the appearances' fields as JSON), so
that publishing renders only the pages whose digest changed. `render_cross_page` makes one
page's files; equal digests give identical bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.across.history import KINDS, Appearance, CrossIndex, Meeting, Subject, overdue, page_path
from briefgen.render.cross_view import COUNTRY_GROUPS, CountryScope, country_scope, listing_view, subject_view

if TYPE_CHECKING:
    from briefgen.theme import Theme

#: The pages of a kind with a PDF beside their HTML when a build prints PDFs.
PRINTED_KINDS = ("countries",)
#: The listing page of each kind.
LISTING = "index.html"


@dataclass(frozen=True)
class CrossPage:
    """One page across briefs to publish: its files and the digest of everything it shows."""

    kind: str
    #: The subject's key; None for the kind's listing page (KIND/index.html).
    key: str | None
    #: ("countries/IN.html", "countries/IN.pdf"), or a listing's ("countries/index.html",).
    outputs: tuple[str, ...]
    #: sha256 hex over everything the page shows: equal inputs give identical bytes.
    inputs: str


def cross_page_list(index: CrossIndex, theme: Theme, *, locale: str | None, as_of: _dt.date,
                    pdf: bool) -> list[CrossPage]:
    """Every page of `index`: per kind (KINDS' order) its listing, then its subjects by key."""
    from briefgen.render.toolchain import fingerprint

    common = (fingerprint(), theme.digest(), locale or "")
    meetings: dict[str, object] = {}
    scope = country_scope(index)
    pages = []
    for kind in KINDS:
        subjects = index.of(kind)
        listing = (f"{kind}/{LISTING}",)
        pages.append(CrossPage(kind, None, listing, _digest(common, listing, _listing_data(subjects, meetings))))
        for key, subject in subjects.items():
            outputs = (page_path(kind, key),) + ((page_path(kind, key, "pdf"),) if pdf and kind in PRINTED_KINDS
                                                 else ())
            data = _subject_data(subject, meetings, as_of if kind == "commitments" else None)
            if kind == "countries":
                data = [data, _scope_data(scope, key, meetings)]
            pages.append(CrossPage(kind, key, outputs, _digest(common, outputs, data)))
    return pages


def render_cross_page(page: CrossPage, index: CrossIndex, theme: Theme, *, locale: str | None,
                      as_of: _dt.date) -> dict[str, bytes]:
    """{output name: bytes} for `page.outputs`. Raises TemplateProblem for a broken template."""
    from briefgen.render.templates import render_cross_html

    if page.key is None:
        view = listing_view(page.kind, index, theme, locale=locale)
    else:
        view = subject_view(page.kind, page.key, index, theme, locale=locale, as_of=as_of)
    written: dict[str, bytes] = {}
    for name in page.outputs:
        if name.endswith(".pdf"):
            written[name] = _printed(render_cross_html(dataclasses.replace(view, printed=True), theme), theme)
        else:
            written[name] = render_cross_html(view, theme).encode("utf-8")
    return written


def _printed(html: str, theme: Theme) -> bytes:
    from briefgen.render.pdf import print_pdf
    from briefgen.render.stylesheets import weasyprint_styles
    from briefgen.theme import TEMPLATES, packaged

    # Nothing is fetched: the page is self-contained (fonts are the system's, pictures inline SVG).
    return print_pdf(html, base=packaged(TEMPLATES), roots=theme.roots(),
                     stylesheets=weasyprint_styles(theme, None)).data


# --- the digests: compact data of what each page shows --------------------------------------------


def _digest(common: tuple[str, ...], outputs: tuple[str, ...], data: object) -> str:
    text = json.dumps([common, outputs, data], ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _meeting(meeting: Meeting, meetings: dict[str, object]) -> object:
    # Each brief's fields once per list, however many pages name it (the same Meeting throughout an index).
    found = meetings.get(meeting.id)
    if found is None:
        found = meetings[meeting.id] = (meeting.id, meeting.title, meeting.meeting_date.isoformat(), meeting.occasion,
                                        meeting.venue, meeting.page, meeting.countries, meeting.banner, meeting.tone,
                                        meeting.level, meeting.scheme, meeting.caveats, meeting.categories)
    return found


def _appearance(appearance: Appearance, meetings: dict[str, object], as_of: _dt.date | None) -> object:
    mention = appearance.mention
    said = (type(mention).__name__, *vars(mention).values()) if mention is not None else None
    # A follow-up's overdue state, not the day itself: a page changes when a state does.
    follow = [(*vars(f).values(), overdue(f, as_of) if as_of is not None else None) for f in appearance.follow_ups]
    return (_meeting(appearance.meeting, meetings), appearance.anchor, said, follow)


def _subject_data(subject: Subject, meetings: dict[str, object], as_of: _dt.date | None) -> object:
    return (subject.key, subject.name, subject.native_name,
            [_appearance(a, meetings, as_of) for a in subject.appearances])


def _scope_data(scope: CountryScope, code: str, meetings: dict[str, object]) -> object:
    return [[(s.key, s.name, s.native_name, [_appearance(a, meetings, None) for a in shown])
             for s, shown in scope[code].get(kind, ())] for kind in COUNTRY_GROUPS]


def _listing_data(subjects: Mapping[str, Subject], meetings: dict[str, object]) -> object:
    rows = []
    markings: set[tuple[object, ...]] = set()
    for subject in subjects.values():
        rows.append((subject.key, subject.name, subject.native_name, len({a.meeting.id for a in subject.appearances}),
                     _appearance(subject.latest, meetings, None)))
        markings.update((a.meeting.scheme, a.meeting.level, a.meeting.caveats, a.meeting.categories)
                        for a in subject.appearances)
    return [rows, sorted(markings, key=repr)]
