"""The pages across briefs a folder publishes: which there are, the digest of what each shows, and their bytes.

`cross_page_list` is cheap (no template, no WeasyPrint): every page of a CrossIndex with the
sha256 of everything it shows, made from compact data (each appearance's fields hashed once), so
that publishing renders only the pages whose digest changed. `render_cross_page` makes one
page's files; equal digests give identical bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.across.history import KINDS, Appearance, CrossIndex, Meeting, Subject, overdue, page_path
from briefgen.render.cross_view import COUNTRY_GROUPS, listing_view, subject_view

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
    """Every page of `index`: per kind (KINDS' order) that has a subject, its listing, then its subjects by key."""
    from briefgen.render.toolchain import fingerprint

    common = repr((fingerprint(), theme.digest(), locale or "")).encode("utf-8", "surrogatepass")
    digests = _Digests()
    countries = digests.countries(index)
    pages = []
    for kind in KINDS:
        subjects = index.of(kind)
        if not subjects:
            continue  # no folder for a kind no brief names (a release's may have none): the index links none
        listing = (f"{kind}/{LISTING}",)
        pages.append(CrossPage(kind, None, listing, digests.page(common, listing, digests.listing(subjects))))
        for key, subject in subjects.items():
            outputs = (page_path(kind, key),) + ((page_path(kind, key, "pdf"),) if pdf and kind in PRINTED_KINDS
                                                 else ())
            shown = [digests.subject(subject)]
            if kind == "commitments":  # the follow-ups' state on `as_of`, not the day: a page changes when one does
                shown.append(repr([overdue(f, as_of) for a in subject.appearances for f in a.follow_ups]).encode())
            if kind == "countries":
                shown.append(countries[key])
            pages.append(CrossPage(kind, key, outputs, digests.page(common, outputs, *shown)))
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


class _Digests:
    """The sha256 of each brief, appearance and subject an index holds, each made once however many pages
    show it. What is hashed is the records' repr (frozen dataclasses of text, numbers and flags: every field,
    in a fixed order); the toolchain's fingerprint in every page's digest names the version that wrote them."""

    def __init__(self) -> None:
        self._meetings: dict[str, bytes] = {}
        self._appearances: dict[int, bytes] = {}  # by id(): the index keeps each Appearance alive meanwhile

    def meeting(self, meeting: Meeting) -> bytes:
        found = self._meetings.get(meeting.id)
        if found is None:
            found = self._meetings[meeting.id] = hashlib.sha256(repr(meeting).encode("utf-8", "surrogatepass")
                                                                ).digest()
        return found

    def appearance(self, appearance: Appearance) -> bytes:
        found = self._appearances.get(id(appearance))
        if found is None:
            said = repr((appearance.anchor, appearance.mention, appearance.follow_ups)).encode("utf-8", "surrogatepass")
            found = self._appearances[id(appearance)] = hashlib.sha256(self.meeting(appearance.meeting) + said
                                                                       ).digest()
        return found

    def subject(self, subject: Subject) -> bytes:
        """A subject's page as its own appearances make it: its names, and every brief naming it."""
        digest = hashlib.sha256(repr((subject.kind, subject.key, subject.name, subject.native_name)
                                     ).encode("utf-8", "surrogatepass"))
        for appearance in subject.appearances:
            digest.update(self.appearance(appearance))
        return digest.digest()

    def countries(self, index: CrossIndex) -> dict[str, bytes]:
        """What each country page lists of other subjects (cross_view.country_scope), in one pass: per
        country, each subject named in its briefs with those appearances, in the index's order (the page's
        own order is a function of them)."""
        found = {code: hashlib.sha256() for code in index.of("countries")}
        last: dict[str, object] = {}
        for kind in COUNTRY_GROUPS:
            for subject in index.of(kind).values():
                named = repr((kind, subject.key, subject.name, subject.native_name)).encode("utf-8", "surrogatepass")
                for appearance in subject.appearances:
                    said = self.appearance(appearance)
                    for code in appearance.meeting.countries:
                        if last.get(code) is not subject:
                            last[code] = subject
                            found[code].update(named)
                        found[code].update(said)
        return {code: digest.digest() for code, digest in found.items()}

    def listing(self, subjects: Mapping[str, Subject]) -> bytes:
        """A kind's listing: each subject's names, count and latest brief, and the markings of every brief."""
        digest = hashlib.sha256()
        markings: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {}
        for subject in subjects.values():
            ids = {a.meeting.id: a.meeting for a in subject.appearances}
            digest.update(repr((subject.key, subject.name, subject.native_name, len(ids))).encode("utf-8",
                                                                                                  "surrogatepass"))
            digest.update(self.appearance(subject.latest))
            for meeting_id, m in ids.items():
                if meeting_id not in markings:
                    markings[meeting_id] = (m.scheme, m.level, m.caveats, m.categories)
        digest.update(repr(sorted(set(markings.values()))).encode("utf-8", "surrogatepass"))
        return digest.digest()

    @staticmethod
    def page(common: bytes, outputs: tuple[str, ...], *shown: bytes) -> str:
        digest = hashlib.sha256(common + repr(outputs).encode("utf-8", "surrogatepass"))
        for part in shown:
            digest.update(part)
        return digest.hexdigest()
