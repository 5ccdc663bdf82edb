"""The view records: what templates print for a brief, already formatted — they hold no logic.

`view.brief_view` makes them from a released sheet; templates only loop and test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup

from briefgen.render.catalogs import ENGLISH, Labels
from briefgen.render.layout import Citation, Layout, Part
from briefgen.render.since_view import SinceView
from briefgen.sheet.kinds import N_

#: Where the site index is, from a brief: publish writes both into the same folder.
INDEX_HREF = "index.html"
INDEX_LINK_TEXT = N_("All briefing notes")


@dataclass(frozen=True)
class Banner:
    """The classification line at the top and bottom of every page."""

    text: str
    level: str
    tone: str
    scheme: str
    #: How page 1 introduces it: "Classification", or "Marking" for CUI (which is not a classification).
    label: str = "Classification"
    #: The controls it carries, as the banner writes each ("NOFORN", "REL TO USA, AUS").
    caveats: tuple[str, ...] = ()
    #: The CUI categories it writes ("SP-EXPT").
    categories: tuple[str, ...] = ()
    #: A line beneath it in a note of another language, when its scheme configures one
    #: (`[banner.translations]`), and that line's language. The banner itself stays as written.
    translation: str | None = None
    translation_lang: str | None = None


@dataclass(frozen=True)
class Portion:
    """A piece of rendered text and the portion mark printed before it ("" when unmarked)."""

    html: Markup
    mark: str


@dataclass(frozen=True)
class ContentsEntry:
    heading: str
    anchor: str


@dataclass(frozen=True)
class CuiBlock:
    """The CUI designation indicator (32 CFR 2002.20): label and value per line, first page."""

    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AuthorityBlock:
    """The classification authority block of a classified US note (E.O. 13526 §1.6), first page."""

    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PointList:
    """Talking points or outcomes, with the heading they are printed under."""

    heading: str
    anchor: str
    items: tuple[Portion, ...]


@dataclass(frozen=True)
class Clearance:
    """A clearance (or the drafter): office symbol, name, unit and date, as the closing block prints them."""

    name: str
    unit: str | None
    date: str | None
    office: str | None = None


@dataclass(frozen=True)
class ParticipantView:
    name: str
    native_name: str | None
    title: str
    country: str
    role: str
    is_principal: bool
    bio: Markup | None
    #: Language (BCP 47) and direction of native_name, for lang= and dir= (CSS picks fonts by :lang).
    native_lang: str | None = None
    native_dir: str | None = None
    #: Its id in the page (mentions.anchor: "participant-2", by its place in the sheet), which pages across
    #: briefs link to.
    anchor: str = ""


@dataclass(frozen=True)
class FrameworkView:
    name: str
    status: str
    since: str | None
    note: Markup | None
    citations: tuple[Citation, ...]
    mark: str
    anchor: str = ""


@dataclass(frozen=True)
class CommitmentView:
    sector: str
    summary: Markup
    status: str
    parties: str | None
    organisations: str | None
    amount: str | None
    citations: tuple[Citation, ...]
    mark: str
    anchor: str = ""


@dataclass(frozen=True)
class FollowUpView:
    action: Markup
    owner: str | None
    due: str | None
    mark: str
    anchor: str = ""


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
    #: Id of the first citation of this source in the note, for the link back (None when uncited).
    cited_at: str | None = None


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
class LanguageLink:
    """The same note in another language: "日本語", its HTML and PDF, and whether it is this one."""

    #: The language's name in itself ("日本語", "English"), or both for the side-by-side note.
    label: str
    #: BCP 47 tag of the note ("ja"); "en-GB ja" for the side-by-side note.
    lang: str
    html: str | None
    pdf: str | None
    current: bool = False


@dataclass(frozen=True)
class BriefView:
    """Everything the templates of every kind print, already formatted."""

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
    #: Said when the document was cut for an audience, e.g. "Releasable at OFFICIAL to UK nationals".
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
    #: Reference and version for the running footer, e.g. "G20-2025/JP-IN/01 · version 1.0"; a
    #: release's statement of whom it is for (`footer_release`) is printed beside the page number.
    footer: str
    #: The release statement as the footer prints it (shortened when very long), or None.
    footer_release: str | None = None
    #: The blocks of the note in reading order (decisions first); the template prints them in turn.
    parts: tuple[Part, ...] = ()
    #: The in-page contents: a link to each part.
    contents: tuple[ContentsEntry, ...] = ()
    #: The closing block's contact line, e.g. "Asia-Pacific Desk, +44 20 7008 5000".
    contact: str | None = None
    #: US scheme: the CUI designation indicator, when the release holds CUI.
    cui: CuiBlock | None = None
    #: US scheme: the classification authority block, when the release is classified.
    authority: AuthorityBlock | None = None
    #: The originator's handling instruction (UK), printed under the header.
    handling: str | None = None
    #: Each table's columns that have something to show (a column of "—" only is left out).
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: What the kind lays out besides its parts: addressee and sender lines, distribution, annexes.
    layout: Layout | None = None
    #: The drafter with office symbol and unit, for the clearance lists of memos.
    drafter: Clearance | None = None
    index_href: str = INDEX_HREF
    index_link_text: str = INDEX_LINK_TEXT
    #: The note's labels: the templates print theirs through these (render_html passes their gettext).
    labels: Labels = ENGLISH
    #: The same note in the build's other locales (and side by side), when it has several: each links to the others.
    languages: tuple[LanguageLink, ...] = ()
    #: What changed since earlier briefs with the same counterparts (render/since_view.py), or None.
    since_last_time: SinceView | None = None

    @property
    def countries(self) -> tuple[str, ...]:
        """The participants' countries by name, in order: the search index's country filter (as the site index's)."""
        return tuple(sorted({p.country for p in self.participants}))

    @property
    def meeting_year(self) -> str:
        """The meeting's year, for the search index's year filter."""
        return self.meeting_date_iso[:4]
