"""Views: a released fact sheet turned into what templates print, already formatted.

Everything a reader sees is decided here — dates written out, money in words,
country names, Markdown rendered and sanitised, portion marks, the order of
blocks — so templates only loop and test. The functions are pure: same release,
same view.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from markupsafe import Markup

from .formatting import (
    HouseStyle,
    country_currencies,
    country_name,
    currency_symbols,
    note_locale,
    script_language,
    smart_quotes,
)
from .linebreaks import keep_together, keep_together_html
from .markup import render_markdown

if TYPE_CHECKING:  # annotations only: the site index imports this module without the model
    from .model import Commitment, Framework, Participant, PortionText, Section
    from .release import Release, ReleasedSheet

#: Where the site index is, from a brief: publish writes both into the same folder.
INDEX_HREF = "index.html"
INDEX_LINK_TEXT = "All briefing notes"
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
class Typeset:
    """How one note sets its text: its house style, and the names no line may break inside."""

    style: HouseStyle
    names: tuple[str, ...] = ()

    def markdown(self, text: str, inline: bool = False) -> Markup:
        """Markdown rendered, with dates, amounts, durations, references and names kept on one line."""
        return keep_together_html(render_markdown(text, inline=inline), self.names)

    def plain(self, text: str) -> Markup:
        """A plain field with typographic quotes, its runs kept on one line."""
        return keep_together(smart_quotes(text), self.names)


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
class Paragraph:
    """A numbered paragraph or point: "7. (O) text", with any list or quote that belongs to it.

    Numbers run through the whole note, in the order it is printed, as in FCDO and State
    Department papers; `lead` is the paragraph's own text (its <p> removed, so that the
    number and mark sit on its first line), `rest` the blocks that follow it (a list).
    """

    number: int
    anchor: str
    mark: str
    lead: Markup
    rest: Markup
    #: The sources its portion cites, printed after the portion's last paragraph.
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Part:
    """One block of the note in reading order, and the partial template that prints it.

    Text parts (summary, objectives, points, comment, free sections) carry their
    paragraphs; table parts (participants, actions, …) read their rows from the view.
    """

    partial: str
    heading: str
    anchor: str
    #: What kind of block it is, also its CSS class: summary, objectives, background, sensitivities…
    role: str
    paragraphs: tuple[Paragraph, ...] = ()


@dataclass(frozen=True)
class ContentsEntry:
    heading: str
    anchor: str


@dataclass(frozen=True)
class Citation:
    """A citation "[2]": a link to source 2, with an id the source links back to."""

    number: int
    id: str
    label: str


@dataclass(frozen=True)
class CuiBlock:
    """The CUI designation indicator (32 CFR 2002.20): label and value per line, first page."""

    lines: tuple[tuple[str, str], ...]


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
    #: Language (BCP 47) and direction of native_name, for lang= and dir= (CSS picks fonts by :lang).
    native_lang: str | None = None
    native_dir: str | None = None


@dataclass(frozen=True)
class FrameworkView:
    name: str
    status: str
    since: str | None
    note: Markup | None
    citations: tuple[Citation, ...]
    mark: str


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
    #: Reference and version for the running footer, e.g. "G20-2025/JP-IN/01 · version 1.0"; a
    #: release adds "Released for UK nationals at OFFICIAL" (whom the copy is for).
    footer: str
    #: The blocks of the note in reading order (decisions first); the template prints them in turn.
    parts: tuple[Part, ...] = ()
    #: The in-page contents: a link to each part.
    contents: tuple[ContentsEntry, ...] = ()
    #: The closing block's contact line, e.g. "Asia-Pacific Desk, +44 20 7008 5000".
    contact: str | None = None
    #: US scheme: the CUI designation indicator, when the release holds CUI.
    cui: CuiBlock | None = None
    #: Each table's columns that have something to show (a column of "—" only is left out).
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    index_href: str = INDEX_HREF
    index_link_text: str = INDEX_LINK_TEXT


def brief_view(release: Release, locale: str | None = None) -> BriefView:
    """Turn a released fact sheet into the view its template prints, in `locale` (default: its scheme's)."""
    sheet = release.sheet
    document = sheet.document
    meeting = sheet.meeting
    style = house_style(sheet, note_locale(sheet.classification.scheme, locale))
    typeset = Typeset(style, _names(sheet))
    written_date = style.written_date
    header_mark = release.mark(sheet.classification.header or sheet.classification.level)
    numbers = {source.id: number for number, source in enumerate(sheet.sources, start=1)}
    cites = _CitationCounter({number: source.title for number, source in enumerate(sheet.sources, start=1)})
    participants = tuple(_participant(p, typeset) for p in _principals_first(sheet.participants))
    portion_cites: dict[tuple[str, int], tuple[Citation, ...]] = {}

    def cite_portions(field: str, items: Iterable[PortionText | None]) -> None:
        for index, portion in enumerate(items):
            if portion is not None and portion.sources:
                portion_cites[(field, index)] = _citations(portion.sources, numbers, cites)

    # Citation ids follow reading order ("the first citing spot"), and the kinds print their parts
    # in different orders (see _parts); a kind cites only the portions it prints.
    if sheet.kind == "readout":
        cite_portions("summary", [sheet.summary])
        cite_portions("outcomes", sheet.outcomes)
        commitments = tuple(_commitment(c, release, numbers, cites, typeset) for c in sheet.commitments)
        frameworks = tuple(_framework(f, release, numbers, cites, typeset) for f in sheet.frameworks)
        cite_portions("comment", [sheet.comment])
        cite_portions("talking_points", sheet.talking_points)
    else:
        cite_portions("summary", [sheet.summary])
        for name in ("objectives", "talking_points", "outcomes"):
            cite_portions(name, getattr(sheet, name))
        frameworks = tuple(_framework(f, release, numbers, cites, typeset) for f in sheet.frameworks)
        commitments = tuple(_commitment(c, release, numbers, cites, typeset) for c in sheet.commitments)
    talking_points = tuple(_point(p, release, typeset) for p in sheet.talking_points)
    outcomes = tuple(_point(p, release, typeset) for p in sheet.outcomes)
    follow_up = tuple(
        FollowUpView(
            action=typeset.markdown(f.action, inline=True),
            owner=typeset.plain(f.owner) if f.owner else None,
            due=written_date(f.due) if f.due else None,
            mark=release.mark(f.classification),
        )
        for f in sheet.follow_up
    )
    parts = _parts(sheet, release, typeset, bool(participants), bool(frameworks), bool(commitments),
                   bool(follow_up), portion_cites)
    title = smart_quotes(sheet.title)
    occasion = _plain(meeting.occasion)
    reference = release.reference
    the_banner = banner(release)
    return BriefView(
        kind=sheet.kind,
        kind_label=KIND_LABELS[sheet.kind],
        title=typeset.plain(sheet.title),
        title_mark=header_mark,
        # An occasion that only repeats the title says nothing new.
        occasion=None if occasion is None or occasion.casefold() == title.casefold() else occasion,
        meeting_date=style.meeting_date(meeting.date),
        meeting_date_iso=meeting.date.isoformat(),
        time=style.meeting_time(meeting.start, meeting.duration_minutes, meeting.date, meeting.timezone),
        meeting_format=FORMAT_LABELS[meeting.format],
        venue=_venue(sheet),
        reference=keep_together(reference) if reference else None,
        version=document.version,
        status=STATUS_LABELS[document.status],
        is_draft=document.status == "draft",
        date=written_date(document.date),
        drafted_by=smart_quotes(_person(document.drafted_by.name, document.drafted_by.unit))
        if document.drafted_by else None,
        cleared_by=tuple(
            Clearance(typeset.plain(c.name), _plain(c.unit), written_date(c.date) if c.date else None)
            for c in document.cleared_by
        ),
        banner=the_banner,
        release_note=_released_for(release),
        summary=_summary(sheet.summary, release, typeset),
        participants=participants,
        frameworks=frameworks,
        commitments=commitments,
        talking_points=talking_points,
        outcomes=outcomes,
        point_lists=_point_lists(sheet.kind, talking_points, outcomes),
        follow_up=follow_up,
        sections=tuple(
            SectionView(smart_quotes(s.heading), typeset.markdown(s.body), release.mark(s.classification))
            for s in sheet.sections
        ),
        sources=tuple(
            SourceView(
                number=number,
                anchor=f"source-{number}",
                id=s.id,
                title=smart_quotes(s.title),
                publisher=_plain(s.publisher),
                date=written_date(s.date) if s.date else None,
                url=s.url,
                cited_at=cites.first.get(number),
            )
            for number, s in enumerate(sheet.sources, start=1)
        ),
        metadata=_metadata(sheet, participants, frameworks, the_banner, style.locale),
        footer=" · ".join(_footer_parts(reference, document.version, _released_for(release))),
        parts=parts,
        contents=tuple(ContentsEntry(part.heading, part.anchor) for part in parts),
        contact=_plain(document.contact),
        cui=_cui(release),
        columns=_columns(participants, frameworks, commitments, follow_up),
    )


def house_style(sheet: ReleasedSheet, locale: str) -> HouseStyle:
    """The note's house style: its locale, and for each currency it prints a symbol no other of its currencies shares.

    The currencies at stake are those of its amounts and those of its countries (participants,
    parties, venue) on the meeting's date: in a note where Australia is a party, US dollars are "US$".
    """
    shown: list[str] = []
    for commitment in sheet.commitments:
        if commitment.amount is not None:
            shown += [commitment.amount.currency, *(m.currency for m in commitment.amount.in_other_currencies)]
    if not shown:
        return HouseStyle(locale)
    countries = {p.country for p in sheet.participants} | {c for item in sheet.commitments for c in item.parties}
    if sheet.meeting.venue is not None and sheet.meeting.venue.country is not None:
        countries.add(sheet.meeting.venue.country)
    at_stake = (code for country in sorted(countries) for code in country_currencies(country, sheet.meeting.date))
    in_play = [*shown, *at_stake]
    return HouseStyle(locale, currency_symbols(shown, in_play))


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


def _plain(text: str | None) -> str | None:
    return smart_quotes(text) if text is not None else None


def _names(sheet: ReleasedSheet) -> tuple[str, ...]:
    """The people a note names, as written and with typographic quotes: no line breaks inside their names."""
    people = [p.name for p in sheet.participants]
    if sheet.document.drafted_by is not None:
        people.append(sheet.document.drafted_by.name)
    people += [c.name for c in sheet.document.cleared_by]
    return tuple(dict.fromkeys(form for name in people for form in (name, smart_quotes(name))))


def _participant(participant: Participant, typeset: Typeset) -> ParticipantView:
    lang, direction = (script_language(participant.native_name, participant.native_name_lang, participant.country)
                       if participant.native_name else (None, None))
    return ParticipantView(
        name=typeset.plain(participant.name),
        native_name=participant.native_name,
        title=typeset.plain(participant.title),
        country=country_name(participant.country),
        role=ROLE_LABELS[participant.role],
        is_principal=participant.role == "principal",
        bio=typeset.markdown(participant.bio, inline=True) if participant.bio else None,
        native_lang=lang,
        native_dir=direction,
    )


class _CitationCounter:
    """Gives each citation of a source its own id ("cite-2-1", "cite-2-2"), and remembers the first."""

    def __init__(self, titles: Mapping[int, str]) -> None:
        self.titles = titles
        self.counts: dict[int, int] = {}
        self.first: dict[int, str] = {}

    def cite(self, number: int) -> Citation:
        count = self.counts[number] = self.counts.get(number, 0) + 1
        anchor = f"cite-{number}-{count}"
        self.first.setdefault(number, anchor)
        return Citation(number, anchor, f"Source {number}: {smart_quotes(self.titles[number])}")


def _citations(refs: Iterable[str], numbers: Mapping[str, int], cites: _CitationCounter) -> tuple[Citation, ...]:
    # A release keeps every source a kept item cites, so a missing number means the
    # sheet was never validated; the citation is dropped rather than invented.
    found = dict.fromkeys(numbers[ref] for ref in refs if ref in numbers)
    return tuple(cites.cite(number) for number in found)


def _framework(framework: Framework, release: Release, numbers: Mapping[str, int],
               cites: _CitationCounter, typeset: Typeset) -> FrameworkView:
    return FrameworkView(
        name=typeset.plain(framework.name),
        status=FRAMEWORK_STATUS_LABELS[framework.status],
        since=typeset.style.partial_date(framework.since) if framework.since else None,
        note=typeset.markdown(framework.note, inline=True) if framework.note else None,
        citations=_citations(framework.sources, numbers, cites),
        mark=release.mark(framework.classification),
    )


def _commitment(commitment: Commitment, release: Release, numbers: Mapping[str, int],
                cites: _CitationCounter, typeset: Typeset) -> CommitmentView:
    return CommitmentView(
        sector=typeset.plain(commitment.sector),
        summary=typeset.markdown(commitment.summary, inline=True),
        status=COMMITMENT_STATUS_LABELS[commitment.status],
        parties=", ".join(country_name(c) for c in commitment.parties) or None,
        organisations=typeset.plain(", ".join(commitment.organisations)) if commitment.organisations else None,
        amount=typeset.style.amount_text(commitment.amount) if commitment.amount else None,
        citations=_citations(commitment.sources, numbers, cites),
        mark=release.mark(commitment.classification),
    )


def _summary(summary: PortionText | None, release: Release, typeset: Typeset) -> Portion | None:
    if summary is None:  # above the release level
        return None
    return Portion(typeset.markdown(summary.text), release.mark(summary.classification))


def _point(point: PortionText, release: Release, typeset: Typeset) -> Portion:
    return Portion(typeset.markdown(point.text, inline=True), release.mark(point.classification))


def _point_lists(kind: str, talking_points: tuple[Portion, ...],
                 outcomes: tuple[Portion, ...]) -> tuple[PointList, ...]:
    lists = [
        PointList("Talking points", "talking-points", talking_points),
        PointList("Outcomes", "outcomes", outcomes),
    ]
    if kind == "readout":
        lists.reverse()
    return tuple(points for points in lists if points.items)


# --- reading order and numbering --------------------------------------------------------

#: Headings that make a section background when it has no `kind` (matched at the heading's start).
BACKGROUND_HEADINGS = ("background", "context", "history")
#: Anchors the view gives fixed parts; a section's anchor (from its heading) avoids them.
_FIXED_ANCHORS = frozenset({"summary", "objectives", "talking-points", "outcomes", "follow-up", "commitments",
                            "frameworks", "comment", "participants", "sources", "contents", "closing"})


def section_kind(section: Section) -> str:
    """Where a section goes: its `kind`, or background when its heading starts with Background, Context or History."""
    if section.kind is not None:
        return section.kind
    heading = section.heading.strip().casefold()
    return "background" if heading.startswith(BACKGROUND_HEADINGS) else "other"


@dataclass
class _Text:
    """A text part before its paragraphs are numbered: (mark, rendered Markdown, citations) per portion."""

    heading: str
    anchor: str
    role: str
    portions: list[tuple[str, Markup, tuple[Citation, ...]]]


@dataclass
class _Table:
    """A part printed by its own partial from the view's rows."""

    name: str
    heading: str


def _parts(sheet: ReleasedSheet, release: Release, typeset: Typeset, participants: bool, frameworks: bool,
           commitments: bool, follow_up: bool,
           citations: Mapping[tuple[str, int], tuple[Citation, ...]]) -> tuple[Part, ...]:
    """The note's blocks in reading order, decisions first, with paragraphs numbered through.

    Brief: summary → objectives → talking points → sensitivities, press lines and other
    sections → outcomes → actions → background sections → frameworks → commitments →
    participants → sources. Readout: summary → outcomes → actions → commitments →
    frameworks → comment → talking points → other sections → background sections →
    participants → sources. The closing block (drafted by, cleared by, contact) follows.
    """
    anchors: set[str] = set()

    def text(heading: str, anchor: str, role: str, portions: Iterable[PortionText], inline: bool) -> _Text | None:
        field = role.replace("-", "_")  # each portion part's role is its field, e.g. talking-points
        found = [(release.mark(p.classification), typeset.markdown(p.text, inline=inline),
                  citations.get((field, i), ())) for i, p in enumerate(portions)]
        return _Text(heading, anchor, role, found) if found else None

    def sections(wanted: tuple[str, ...]) -> list[_Text]:
        made = []
        for section in sheet.sections:
            kind = section_kind(section)
            if kind in wanted:
                anchor = _unique(_slug(section.heading), anchors)
                made.append(_Text(smart_quotes(section.heading), anchor, kind,
                                  [(release.mark(section.classification), typeset.markdown(section.body), ())]))
        return made

    def table(name: str, heading: str, present: bool) -> _Table | None:
        return _Table(name, heading) if present else None

    summary = [sheet.summary] if sheet.summary is not None else []
    comment = [sheet.comment] if sheet.comment is not None else []
    order: list[_Text | _Table | None]
    if sheet.kind == "brief":
        order = [
            text("Summary", "summary", "summary", summary, False),
            text("Objectives", "objectives", "objectives", sheet.objectives, True),
            text("Talking points", "talking-points", "talking-points", sheet.talking_points, True),
            *sections(("sensitivities", "press-lines", "other")),
            text("Outcomes", "outcomes", "outcomes", sheet.outcomes, True),
            table("follow-up", "Actions", follow_up),
            *sections(("background",)),
            table("frameworks", "Frameworks", frameworks),
            table("commitments", "Commitments", commitments),
        ]
    else:
        order = [
            text("Summary", "summary", "summary", summary, False),
            text("Outcomes", "outcomes", "outcomes", sheet.outcomes, True),
            table("follow-up", "Actions", follow_up),
            table("commitments", "Commitments", commitments),
            table("frameworks", "Frameworks", frameworks),
            text("Comment", "comment", "comment", comment, False),
            text("Talking points", "talking-points", "talking-points", sheet.talking_points, True),
            *sections(("sensitivities", "press-lines", "other")),
            *sections(("background",)),
        ]
    order += [table("participants", "Participants", participants),
              table("sources", "Sources", bool(sheet.sources))]

    parts: list[Part] = []
    number = 0
    for item in order:
        if isinstance(item, _Table):
            parts.append(Part(f"_{item.name.replace('-', '_')}.html", item.heading, item.name, item.name))
        elif isinstance(item, _Text):
            paragraphs = []
            for mark, html, cited in item.portions:
                blocks = list(_blocks(html))
                for index, (lead, rest) in enumerate(blocks, start=1):
                    number += 1
                    paragraphs.append(Paragraph(number, f"para-{number}", mark, lead, rest,
                                                cited if index == len(blocks) else ()))
            # The summary has a partial of its own, so that a theme can restyle the bottom line alone.
            partial = "_summary.html" if item.role == "summary" else "_text.html"
            parts.append(Part(partial, item.heading, item.anchor, item.role, tuple(paragraphs)))
    return tuple(parts)


def _slug(heading: str) -> str:
    words = re.findall(r"[a-z0-9]+", heading.casefold())
    return "-".join(words) or "section"


def _unique(anchor: str, taken: set[str]) -> str:
    candidate, n = anchor, 1
    while candidate in taken or candidate in _FIXED_ANCHORS or re.match(r"(para|cite|source)-\d", candidate):
        n += 1
        candidate = f"{anchor}-{n}"
    taken.add(candidate)
    return candidate


class _TopLevel(HTMLParser):
    """Splits sanitised HTML into its top-level elements; nh3's output is well formed, so depth is enough."""

    VOID = frozenset({"br", "hr", "img", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[tuple[str, str]] = []
        self.depth = 0
        self.current: list[str] = []
        self.tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            self.tag = tag
        self.current.append(self.get_starttag_text() or "")
        if tag not in self.VOID:
            self.depth += 1
        elif self.depth == 0:
            self._close()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        self.current.append(f"</{tag}>")
        self.depth -= 1
        if self.depth == 0:
            self._close()

    def handle_data(self, data: str) -> None:
        if self.depth == 0:
            if not data.strip():
                return
            self.tag = ""
        self.current.append(data)
        if self.depth == 0:
            self._close()

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")

    def _close(self) -> None:
        self.blocks.append((self.tag, "".join(self.current)))
        self.current = []


def _blocks(html: Markup) -> list[tuple[Markup, Markup]]:
    """Rendered Markdown as numbered paragraphs: (a paragraph's text, the lists or quotes after it).

    Text with no block elements (an inline point) is one paragraph; a list before any
    paragraph is a paragraph of its own.
    """
    parser = _TopLevel()
    parser.feed(str(html))
    parser.close()
    blocks = parser.blocks
    if not any(tag in _BLOCK_TAGS for tag, _ in blocks):
        return [(html, Markup(""))]
    found: list[tuple[str, list[str]]] = []
    for tag, text in blocks:
        if tag == "p":
            found.append((text[len("<p>"):-len("</p>")], []))
        elif found and tag in _BLOCK_TAGS:
            found[-1][1].append(text)
        elif found and not found[-1][1]:  # inline text between blocks stays with the paragraph
            found[-1] = (found[-1][0] + text, found[-1][1])
        else:
            found.append(("", [text]))
    return [(Markup(lead), Markup("".join(rest))) for lead, rest in found]


_BLOCK_TAGS = frozenset({"p", "ul", "ol", "blockquote", "pre"})


def _columns(participants: tuple[ParticipantView, ...], frameworks: tuple[FrameworkView, ...],
             commitments: tuple[CommitmentView, ...],
             follow_up: tuple[FollowUpView, ...]) -> dict[str, tuple[str, ...]]:
    """The columns of each table that have something in them: a column that would be all "—" is not drawn."""

    def shown(rows: Iterable[object], columns: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, ...]:
        listed = list(rows)
        return tuple(label for label, attributes in columns
                     if any(any(getattr(row, a) for a in attributes) for row in listed))

    return {
        "participants": shown(participants, (("Name", ("name",)), ("Position", ("title",)),
                                             ("Country", ("country",)), ("Role", ("role",)))),
        "frameworks": shown(frameworks, (("Framework", ("name",)), ("Status", ("status",)),
                                         ("Since", ("since",)), ("Note", ("note", "citations")))),
        "commitments": shown(commitments, (("Sector", ("sector",)), ("Commitment", ("summary",)),
                                           ("Parties", ("parties",)), ("Status", ("status",)))),
        "follow_up": shown(follow_up, (("Action", ("action",)), ("Owner", ("owner",)), ("Due", ("due",)))),
    }


def _cui(release: Release) -> CuiBlock | None:
    """The CUI designation indicator, when the release holds CUI (a US release cut to UNCLASSIFIED does not)."""
    given = release.sheet.classification.cui
    if release.scheme.name != "us" or "CUI" not in release.levels or given is None:
        return None
    lines = [("Controlled by", given.controlled_by), ("CUI Category", given.category),
             ("Limited dissemination control", given.dissemination), ("POC", given.contact)]
    return CuiBlock(tuple((label, value) for label, value in lines if value))


def _venue(sheet: ReleasedSheet) -> str | None:
    venue = sheet.meeting.venue
    if venue is None:
        return None
    parts = [venue.name, venue.city, country_name(venue.country) if venue.country else None]
    return ", ".join(p for p in parts if p) or None


def _person(name: str, unit: str | None) -> str:
    return f"{name}, {unit}" if unit else name


def _released_for(release: Release) -> str | None:
    """"Released for UK nationals at OFFICIAL", "Released for the public": whom this copy is for."""
    if release.audience is None:
        return None
    # Deliberately silent on how much was left out: even a count tells a reader something.
    return f"Released for {release.audience.describe(release.scheme)}"


def _footer_parts(reference: str | None, version: str | None, released_for: str | None = None) -> list[str]:
    parts = [reference] if reference else []
    if version:
        parts.append(f"version {version}")
    if released_for:
        parts.append(released_for)
    return parts


def _metadata(sheet: ReleasedSheet, participants: tuple[ParticipantView, ...],
              frameworks: tuple[FrameworkView, ...], the_banner: Banner | None, language: str) -> Metadata:
    words = [KIND_LABELS[sheet.kind], sheet.meeting.occasion,
             *(p.country for p in participants), *(smart_quotes(f.name) for f in sheet.frameworks)]
    created = sheet.document.date.isoformat()
    return Metadata(
        # Tabs, history and file managers show the title: it carries the classification, as the banners do.
        title=f"{the_banner.text} — {smart_quotes(sheet.title)}" if the_banner else smart_quotes(sheet.title),
        author=sheet.document.drafted_by.name if sheet.document.drafted_by else None,
        subject=smart_quotes(sheet.meeting.occasion or sheet.title),
        # Commas separate keywords, so one inside a name would split it.
        keywords=", ".join(dict.fromkeys(w.replace(",", "") for w in words if w)),
        language=language,
        created=created,
        modified=created,
    )
