"""The view of a brief: a released fact sheet turned into the records templates print, already formatted.

Everything a reader sees is decided here — dates written out, money in words,
country names, Markdown rendered and sanitised, portion marks, the order of
blocks — so templates only loop and test. The functions are pure: same release,
same view.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from briefgen.render.catalogs import Labels, labels
from briefgen.render.formatting import HouseStyle, country_name, note_locale
from briefgen.render.layout import PORTION_PARTS, SINGLE_PARTS, Citation, Typeset, layout, parts
from briefgen.render.linebreaks import keep_together
from briefgen.render.page_marks import authority_block, banner, cui_block, released_for
from briefgen.render.since_view import since_view
from briefgen.render.typography import script_language, smart_quotes
from briefgen.render.view_records import (
    INDEX_LINK_TEXT,
    Banner,
    BriefView,
    Clearance,
    CommitmentView,
    ContentsEntry,
    FollowUpView,
    FrameworkView,
    Metadata,
    ParticipantView,
    PointList,
    Portion,
    SectionView,
    SourceView,
)
from briefgen.sheet.currencies import country_currencies, currency_symbols
from briefgen.sheet.kinds import KINDS, N_, Kind
from briefgen.sheet.mentions import anchor

if TYPE_CHECKING:  # annotations only: the site index imports the labels without the model
    from briefgen.records import SinceLastTime
    from briefgen.release.cut import Release, ReleasedSheet
    from briefgen.sheet.model import Commitment, Framework, Participant, PortionText, Recommendation
    from briefgen.theme import Theme

# The labels below are English, the source language; a note prints each through its Labels
# (catalogs.py), so `N_` only marks them for `pybabel extract`.

KIND_LABELS = {kind.name: kind.label for kind in KINDS.values()}
FORMAT_LABELS = {
    "bilateral": N_("Bilateral meeting"),
    "multilateral": N_("Multilateral meeting"),
    "call": N_("Call"),
    "pull-aside": N_("Pull-aside"),
}
STATUS_LABELS = {"draft": N_("Draft"), "final": N_("Final")}
ROLE_LABELS = {"principal": N_("Principal"), "delegation": N_("Delegation")}
FRAMEWORK_STATUS_LABELS = {"reaffirmed": N_("Reaffirmed"), "launched": N_("Launched"),
                           "referenced": N_("Referenced")}
COMMITMENT_STATUS_LABELS = {
    "agreed": N_("Agreed"),
    "reaffirmed": N_("Reaffirmed"),
    "announced": N_("Announced"),
    "proposed": N_("Proposed"),
    "under-discussion": N_("Under discussion"),
}
#: The columns of each table, by the English label the templates test for and print through gettext.
TABLE_COLUMNS = {
    "participants": ((N_("Name"), ("name",)), (N_("Position"), ("title",)), (N_("Country"), ("country",)),
                     (N_("Role"), ("role",))),
    "frameworks": ((N_("Framework"), ("name",)), (N_("Status"), ("status",)), (N_("Since"), ("since",)),
                   (N_("Note"), ("note", "citations"))),
    "commitments": ((N_("Sector"), ("sector",)), (N_("Commitment"), ("summary",)), (N_("Parties"), ("parties",)),
                    (N_("Status"), ("status",))),
    "follow_up": ((N_("Action"), ("action",)), (N_("Owner"), ("owner",)), (N_("Due"), ("due",))),
}
TALKING_POINTS = N_("Talking points")
OUTCOMES = N_("Outcomes")
#: A citation's accessible label, and the footer's version.
SOURCE_LABEL = N_("Source {number}: {title}")
VERSION_LABEL = N_("version {version}")
#: An annex in the contents list: "Annex A: Draft statement".
ANNEX_ENTRY = N_("{label}: {title}")


def view_locale(release: Release, locale: str | None = None) -> str:
    """The locale a note is written in: `locale`, else its scheme's (a kind the US State Department
    writes, in US style)."""
    kind = KINDS[release.sheet.kind]
    return locale or ("en-US" if kind.dates == "us" else note_locale(release.sheet.classification.scheme))


def brief_view(release: Release, locale: str | None = None, theme: Theme | None = None,
               since: SinceLastTime | None = None) -> BriefView:
    """Turn a released fact sheet into the view its template prints, in `locale` (default: `view_locale`'s).

    `since` is the job's Since last time record (across/since.py), printed after the frameworks and commitments.

    Labels come from the packaged catalogs of the locale and, with a `theme`, from its
    project's catalogs over them; the view carries them on to the templates (`BriefView.labels`).
    """
    from briefgen.render.languages import in_language

    written_in = view_locale(release, locale)
    release = in_language(release, written_in, release.sheet.lang)
    sheet = release.sheet
    document = sheet.document
    meeting = sheet.meeting
    kind = KINDS[sheet.kind]
    the_labels = labels(written_in, theme)
    style = house_style(sheet, written_in, the_labels)
    _ = the_labels.gettext
    typeset = Typeset(style, _names(sheet), the_labels)
    written = style.written_date
    numbers = {source.id: number for number, source in enumerate(sheet.sources, start=1)}
    cites = _CitationCounter({number: source.title for number, source in enumerate(sheet.sources, start=1)},
                             the_labels)
    participants = tuple(_participant(p, typeset, anchor(('participants', i)))
                         for i, p in _principals_first(enumerate(sheet.participants)))
    frameworks, commitments, portion_cites = _cited_parts(release, kind, numbers, cites, typeset)
    talking_points = tuple(_point(p, release, typeset) for p in sheet.talking_points)
    outcomes = tuple(_point(p, release, typeset) for p in sheet.outcomes)
    follow_up = _follow_up(release, typeset)
    since_last_time = since_view(since, release, typeset, FRAMEWORK_STATUS_LABELS, COMMITMENT_STATUS_LABELS)
    tables = {"participants": bool(participants), "frameworks": bool(frameworks), "commitments": bool(commitments),
              "follow_up": bool(follow_up), "sources": bool(sheet.sources), "since_last_time": bool(since_last_time)}
    the_parts = parts(release, tables, typeset, portion_cites)
    reference = release.reference
    the_banner = banner(release)
    explained = release.scheme.banner_translation(release.level, written_in)
    if explained is not None:
        the_banner = dataclasses.replace(the_banner, translation=explained, translation_lang=written_in)
    the_time = style.meeting_time(meeting.start, meeting.duration_minutes, meeting.date, meeting.timezone)
    venue = _venue(sheet, style)
    the_layout = layout(release, _meeting_line(sheet, style, the_time, venue, the_labels), typeset)
    return BriefView(
        kind=sheet.kind,
        kind_label=_(KIND_LABELS[sheet.kind]),
        title=typeset.plain(sheet.title),
        title_mark=release.header_mark,
        occasion=_occasion(sheet),
        meeting_date=style.meeting_date(meeting.date),
        meeting_date_iso=meeting.date.isoformat(),
        time=the_time,
        meeting_format=_(FORMAT_LABELS[meeting.format]),
        venue=venue,
        reference=keep_together(reference) if reference else None,
        version=document.version,
        status=_(STATUS_LABELS[document.status]),
        is_draft=document.status == "draft",
        date=written(document.date),
        drafted_by=smart_quotes(_person(document.drafted_by.name, document.drafted_by.unit))
        if document.drafted_by else None,
        cleared_by=tuple(Clearance(typeset.plain(c.name), _plain(c.unit), written(c.date) if c.date else None,
                                   c.office) for c in document.cleared_by),
        banner=the_banner,
        release_note=released_for(release),
        summary=_summary(sheet.summary, release, typeset),
        participants=participants,
        frameworks=frameworks,
        commitments=commitments,
        talking_points=talking_points,
        outcomes=outcomes,
        point_lists=_point_lists(sheet.kind, talking_points, outcomes, the_labels),
        follow_up=follow_up,
        since_last_time=since_last_time,
        sections=tuple(SectionView(typeset.plain(s.heading), typeset.markdown(s.body), release.mark_of(s))
                       for s in sheet.sections),
        sources=_source_views(sheet, style, cites),
        metadata=_metadata(sheet, participants, frameworks, the_banner, style.locale, the_labels),
        footer=" · ".join(_footer_parts(reference, document.version, the_labels)),
        footer_release=shortened(note, FOOTER_STATEMENT_MAX, keep_end=False) if (note := released_for(release))
        else None,
        parts=the_parts,
        contents=(*(ContentsEntry(part.heading, part.anchor) for part in the_parts),
                  *(ContentsEntry(the_labels.format(ANNEX_ENTRY, label=annex.label, title=annex.title), annex.anchor)
                    for annex in the_layout.annexes)),
        contact=_plain(document.contact),
        cui=cui_block(release),
        authority=authority_block(release),
        handling=_plain(sheet.classification.handling) if release.scheme.handling_line else None,
        columns=_columns(participants, frameworks, commitments, follow_up),
        layout=the_layout,
        drafter=_drafter(sheet),
        index_link_text=_(INDEX_LINK_TEXT),
        labels=the_labels,
    )


def _cited_parts(release: Release, kind: Kind, numbers: dict[str, int], cites: _CitationCounter, typeset: Typeset
                 ) -> tuple[tuple[FrameworkView, ...], tuple[CommitmentView, ...],
                            dict[tuple[str, int], tuple[Citation, ...]]]:
    """The frameworks, the commitments and the citations of each portion, numbered in reading order.

    Citation ids follow reading order ("the first citing spot"): the kind's parts in turn, so a
    kind cites only the portions it prints.
    """
    sheet = release.sheet
    portion_cites: dict[tuple[str, int], tuple[Citation, ...]] = {}
    frameworks: tuple[FrameworkView, ...] = ()
    commitments: tuple[CommitmentView, ...] = ()
    for spec in kind.parts:
        if spec.key == "frameworks":
            frameworks = tuple(_framework(f, release, numbers, cites, typeset, anchor(('frameworks', i)))
                               for i, f in enumerate(sheet.frameworks))
        elif spec.key == "commitments":
            commitments = tuple(_commitment(c, release, numbers, cites, typeset, anchor(('commitments', i)))
                                for i, c in enumerate(sheet.commitments))
        elif spec.key in PORTION_PARTS:
            value = getattr(sheet, spec.key)
            items: Iterable[PortionText | Recommendation | None] = [value] if spec.key in SINGLE_PARTS else value
            for index, portion in enumerate(items):
                if portion is not None and portion.sources:
                    portion_cites[(spec.key, index)] = _citations(portion.sources, numbers, cites)
    return frameworks, commitments, portion_cites


def _follow_up(release: Release, typeset: Typeset) -> tuple[FollowUpView, ...]:
    written = typeset.style.written_date
    return tuple(
        FollowUpView(
            action=typeset.markdown(f.action, inline=True),
            owner=typeset.plain(f.owner) if f.owner else None,
            due=written(f.due) if f.due else None,
            mark=release.mark_of(f),
            anchor=anchor(("follow_up", i)),
        )
        for i, f in enumerate(release.sheet.follow_up)
    )


def _meeting_line(sheet: ReleasedSheet, style: HouseStyle, the_time: str | None, venue: str | None,
                  the_labels: Labels) -> str:
    """The meeting in one line, as memos head it: date and time · format · venue."""
    meeting = sheet.meeting
    line = ", ".join(part for part in (style.meeting_date(meeting.date), the_time) if part)
    return " · ".join(part for part in (line, the_labels.gettext(FORMAT_LABELS[meeting.format]), venue) if part)


def _occasion(sheet: ReleasedSheet) -> str | None:
    # An occasion that only repeats the title says nothing new.
    occasion = _plain(sheet.meeting.occasion)
    return None if occasion is None or occasion.casefold() == smart_quotes(sheet.title).casefold() else occasion


def _source_views(sheet: ReleasedSheet, style: HouseStyle, cites: _CitationCounter) -> tuple[SourceView, ...]:
    return tuple(
        SourceView(
            number=number,
            anchor=f"source-{number}",
            id=s.id,
            title=smart_quotes(s.title),
            publisher=_plain(s.publisher),
            date=style.written_date(s.date) if s.date else None,
            url=s.url,
            cited_at=cites.first.get(number),
        )
        for number, s in enumerate(sheet.sources, start=1)
    )


def _drafter(sheet: ReleasedSheet) -> Clearance | None:
    drafter = sheet.document.drafted_by
    return Clearance(smart_quotes(drafter.name), _plain(drafter.unit), None, drafter.office) if drafter else None


def house_style(sheet: ReleasedSheet, locale: str, the_labels: Labels | None = None) -> HouseStyle:
    """The note's house style: its locale, and for each currency it prints a symbol no other of its currencies shares.

    The currencies at stake are those of its amounts and those of its countries (participants,
    parties, venue) on the meeting's date: in a note where Australia is a party, US dollars are "US$".
    """
    shown: list[str] = []
    for commitment in sheet.commitments:
        if commitment.amount is not None:
            shown += [commitment.amount.currency, *(m.currency for m in commitment.amount.in_other_currencies)]
    gettext = (the_labels or labels(locale)).gettext
    if not shown:
        return HouseStyle(locale, gettext=gettext)
    countries = {p.country for p in sheet.participants} | {c for item in sheet.commitments for c in item.parties}
    if sheet.meeting.venue is not None and sheet.meeting.venue.country is not None:
        countries.add(sheet.meeting.venue.country)
    at_stake = (code for country in sorted(countries) for code in country_currencies(country, sheet.meeting.date))
    in_play = [*shown, *at_stake]
    return HouseStyle(locale, currency_symbols(shown, in_play), gettext)


# --- pieces of the view --------------------------------------------------------------


def _principals_first(participants: Iterable[tuple[int, Participant]]) -> list[tuple[int, Participant]]:
    return sorted(participants, key=lambda p: p[1].role != "principal")  # sorted() is stable


def _plain(text: str | None) -> str | None:
    return smart_quotes(text) if text is not None else None


def _names(sheet: ReleasedSheet) -> tuple[str, ...]:
    """The people a note names, as written and with typographic quotes: no line breaks inside their names."""
    people = [p.name for p in sheet.participants]
    if sheet.document.drafted_by is not None:
        people.append(sheet.document.drafted_by.name)
    people += [c.name for c in sheet.document.cleared_by]
    return tuple(dict.fromkeys(form for name in people for form in (name, smart_quotes(name))))


def _participant(participant: Participant, typeset: Typeset, the_anchor: str) -> ParticipantView:
    lang, direction = (script_language(participant.native_name, participant.native_name_lang, participant.country)
                       if participant.native_name else (None, None))
    return ParticipantView(
        name=typeset.plain(participant.name),
        native_name=participant.native_name,
        title=typeset.plain(participant.title),
        country=country_name(participant.country, typeset.style.locale),
        role=typeset.labels.gettext(ROLE_LABELS[participant.role]),
        is_principal=participant.role == "principal",
        bio=typeset.markdown(participant.bio, inline=True) if participant.bio else None,
        native_lang=lang,
        native_dir=direction,
        anchor=the_anchor,
    )


class _CitationCounter:
    """Gives each citation of a source its own id ("cite-2-1", "cite-2-2"), and remembers the first."""

    def __init__(self, titles: Mapping[int, str], the_labels: Labels) -> None:
        self.titles = titles
        self.labels = the_labels
        self.counts: dict[int, int] = {}
        self.first: dict[int, str] = {}

    def cite(self, number: int) -> Citation:
        count = self.counts[number] = self.counts.get(number, 0) + 1
        anchor = f"cite-{number}-{count}"
        self.first.setdefault(number, anchor)
        return Citation(number, anchor, self.labels.format(SOURCE_LABEL, number=number,
                                                           title=smart_quotes(self.titles[number])))


def _citations(refs: Iterable[str], numbers: Mapping[str, int], cites: _CitationCounter) -> tuple[Citation, ...]:
    # A release keeps every source a kept item cites, so a missing number means the
    # sheet was never validated; the citation is dropped rather than invented.
    found = dict.fromkeys(numbers[ref] for ref in refs if ref in numbers)
    return tuple(cites.cite(number) for number in found)


def _framework(framework: Framework, release: Release, numbers: Mapping[str, int],
               cites: _CitationCounter, typeset: Typeset, the_anchor: str) -> FrameworkView:
    return FrameworkView(
        name=typeset.plain(framework.name),
        status=typeset.labels.gettext(FRAMEWORK_STATUS_LABELS[framework.status]),
        since=typeset.style.partial_date(framework.since) if framework.since else None,
        note=typeset.markdown(framework.note, inline=True) if framework.note else None,
        citations=_citations(framework.sources, numbers, cites),
        mark=release.mark_of(framework),
        anchor=the_anchor,
    )


def _commitment(commitment: Commitment, release: Release, numbers: Mapping[str, int],
                cites: _CitationCounter, typeset: Typeset, the_anchor: str) -> CommitmentView:
    return CommitmentView(
        sector=typeset.plain(commitment.sector),
        summary=typeset.markdown(commitment.summary, inline=True),
        status=typeset.labels.gettext(COMMITMENT_STATUS_LABELS[commitment.status]),
        parties=typeset.style.series(country_name(c, typeset.style.locale) for c in commitment.parties) or None,
        organisations=typeset.plain(", ".join(commitment.organisations)) if commitment.organisations else None,
        amount=typeset.style.amount_text(commitment.amount) if commitment.amount else None,
        citations=_citations(commitment.sources, numbers, cites),
        mark=release.mark_of(commitment),
        anchor=the_anchor,
    )


def _summary(summary: PortionText | None, release: Release, typeset: Typeset) -> Portion | None:
    if summary is None:  # above the release level
        return None
    return Portion(typeset.markdown(summary.text), release.mark_of(summary))


def _point(point: PortionText, release: Release, typeset: Typeset) -> Portion:
    return Portion(typeset.markdown(point.text, inline=True), release.mark_of(point))


def _point_lists(kind: str, talking_points: tuple[Portion, ...], outcomes: tuple[Portion, ...],
                 the_labels: Labels) -> tuple[PointList, ...]:
    lists = [
        PointList(the_labels.gettext(TALKING_POINTS), "talking-points", talking_points),
        PointList(the_labels.gettext(OUTCOMES), "outcomes", outcomes),
    ]
    if kind == "readout":
        lists.reverse()
    return tuple(points for points in lists if points.items)


def _columns(participants: tuple[ParticipantView, ...], frameworks: tuple[FrameworkView, ...],
             commitments: tuple[CommitmentView, ...],
             follow_up: tuple[FollowUpView, ...]) -> dict[str, tuple[str, ...]]:
    """The columns of each table that have something in them: a column that would be all "—" is not drawn."""

    def shown(rows: Iterable[object], columns: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, ...]:
        listed = list(rows)
        return tuple(label for label, attributes in columns
                     if any(any(getattr(row, a) for a in attributes) for row in listed))

    rows: dict[str, Iterable[object]] = {"participants": participants, "frameworks": frameworks,
                                         "commitments": commitments, "follow_up": follow_up}
    # English names: the templates test for a column by its name and print it through gettext.
    return {table: shown(rows[table], columns) for table, columns in TABLE_COLUMNS.items()}


def _venue(sheet: ReleasedSheet, style: HouseStyle) -> str | None:
    venue = sheet.meeting.venue
    if venue is None:
        return None
    parts = [venue.name, venue.city, country_name(venue.country, style.locale) if venue.country else None]
    shown = [p for p in parts if p]
    return style.series(shown) if shown else None


def _person(name: str, unit: str | None) -> str:
    return f"{name}, {unit}" if unit else name


#: The longest reference the footer prints whole: its box holds about this many characters on
#: a line (print.css: 35% of A4's text width at 8 pt). A longer one is shortened from the
#: front, which keeps the file number and the release suffix; page 1 gives it in full.
FOOTER_REFERENCE_MAX = 38
#: The longest statement of whom a release is for that the footer prints whole (three lines
#: of its box); page 1 gives it in full.
FOOTER_STATEMENT_MAX = 90


def shortened(text: str, limit: int, keep_end: bool = True) -> str:
    """`text`, or when longer than `limit` its last (or first) limit - 1 characters and an ellipsis."""
    if len(text) <= limit:
        return text
    return "…" + text[-(limit - 1):] if keep_end else text[:limit - 1] + "…"


def _footer_parts(reference: str | None, version: str | None, the_labels: Labels) -> list[str]:
    # Whom a release is for goes in its own footer box beside the page number (_page_marks.html).
    parts = [shortened(reference, FOOTER_REFERENCE_MAX)] if reference else []
    if version:
        parts.append(the_labels.format(VERSION_LABEL, version=version))
    return parts


def _metadata(sheet: ReleasedSheet, participants: tuple[ParticipantView, ...],
              frameworks: tuple[FrameworkView, ...], the_banner: Banner | None, language: str,
              the_labels: Labels) -> Metadata:
    words = [the_labels.gettext(KIND_LABELS[sheet.kind]), sheet.meeting.occasion,
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

