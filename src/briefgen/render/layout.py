"""Layout by kind: a release's parts in the reading order of its kind (kinds.py), numbered through.

The kinds table says which parts a kind prints and in what order; this module turns a
release into those parts — paragraphs numbered through the note, recommendations with
their decision lines, annexes with their labels, the lines of a memo's or submission's
heading — so that the templates only print them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from briefgen.render.catalogs import ENGLISH, Labels
from briefgen.render.formatting import HouseStyle
from briefgen.render.languages import lang_of, original_of
from briefgen.render.linebreaks import keep_together, keep_together_html
from briefgen.render.markup import render_markdown, split_paragraphs
from briefgen.render.typography import smart_quotes
from briefgen.sheet.kinds import KINDS, N_, SECTION_GROUPS, Kind

if TYPE_CHECKING:
    from briefgen.release.cut import Release, ReleasedSheet
    from briefgen.sheet.model import PortionText, Recommendation, Section


@dataclass(frozen=True)
class Typeset:
    """How one note sets its text: its house style, the names no line may break inside, and its labels."""

    style: HouseStyle
    names: tuple[str, ...] = ()
    labels: Labels = ENGLISH

    def markdown(self, text: str, inline: bool = False) -> Markup:
        """Markdown rendered, with dates, amounts, durations, references and names kept on one line;
        a text in another language than the note's (untranslated) is wrapped in an element with its `lang`."""
        html, lang = self.blocks(text, inline)
        if lang is None:
            return html
        return Markup('<{0} lang="{1}">{2}</{0}>').format("span" if inline else "div", lang, html)

    def blocks(self, text: str, inline: bool = False) -> tuple[Markup, str | None]:
        """Markdown rendered as `markdown` does, and the language it is in when not the note's (for its paragraphs)."""
        return keep_together_html(render_markdown(text, inline=inline), self.names), lang_of(text)

    def plain(self, text: str) -> Markup:
        """A plain field with typographic quotes, its runs kept on one line (in a span with its `lang`
        when it is not in the note's language)."""
        shown = keep_together(smart_quotes(text), self.names)
        lang = lang_of(text)
        return Markup('<span lang="{0}">{1}</span>').format(lang, shown) if lang else shown


#: What the principal writes an initial against, under each recommendation of an action memo
#: (the S/ES action memo template: "Approve/Disapprove by MM/DD/YY").
DECISION_OPTIONS = (N_("Approve"), N_("Disapprove"))


@dataclass(frozen=True)
class Citation:
    """A citation "[2]": a link to source 2, with an id the source links back to."""

    number: int
    id: str
    label: str


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
    #: Its language when not the note's (a text the sheet gives in no other language): set on its element.
    lang: str | None = None


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
    #: Recommendations, each with its paragraphs (and, in an action memo, its decision lines).
    decisions: tuple[Decision, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A recommendation: its numbered paragraphs, when the decision is needed, and the lines to initial."""

    paragraphs: tuple[Paragraph, ...]
    decide_by: str | None
    #: ("Approve", "Disapprove") in an action memo; () where no lines are initialled (a submission).
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnnexView:
    """An annex or attachment, printed after the note: "Annex A: (O) Draft statement"."""

    label: str
    title: str
    anchor: str
    mark: str
    body: Markup | None


@dataclass(frozen=True)
class Layout:
    """What a kind lays out besides its parts: the heading lines, distribution and annexes."""

    #: "To", "ACTION MEMO FOR", "INFO MEMO FOR", or None (a brief has no addressee line).
    addressee_label: str | None
    addressee: str | None
    #: "From" (submission) or "FROM" (memos); the sender falls back to the drafter in a submission.
    sender_label: str | None
    sender: str | None
    #: The meeting in one line, for headings that are not a meeting's: date, time, format, venue.
    meeting_line: str
    annexes_heading: str
    annexes: tuple[AnnexView, ...]
    distribution_heading: str
    distribution: tuple[str, ...]
    decision_lines: bool


#: Headings that make a section background when it has no `kind` (matched at the heading's start).
BACKGROUND_HEADINGS = ("background", "context", "history")
#: Anchors the view gives fixed parts; a section's anchor (from its heading) avoids them.
_FIXED_ANCHORS = frozenset({"summary", "objectives", "talking-points", "outcomes", "follow-up", "commitments",
                            "frameworks", "comment", "participants", "sources", "contents", "closing",
                            "issues-for-discussion", "lines-to-take", "if-pressed", "recommendations", "timing",
                            "argument", "discussion", "presentation", "distribution", "annexes",
                            "since-last-time"})


def section_kind(section: Section) -> str:
    """Where a section goes: its `kind`, or background when its heading starts with Background, Context or History."""
    if section.kind is not None:
        return section.kind
    # The heading in the sheet's own language decides, so a section is in the same place in every language.
    heading = original_of(section.heading).strip().casefold()
    return "background" if heading.startswith(BACKGROUND_HEADINGS) else "other"


def layout(release: Release, meeting_line: str, typeset: Typeset) -> Layout:
    """The heading lines, distribution and annexes of a release, as its kind lays them out."""
    sheet = release.sheet
    kind = KINDS[sheet.kind]
    document = sheet.document
    _ = typeset.labels.gettext
    labels = {key: _(label) for key, label in kind.document_keys}
    sender = document.sender
    if sender is None and "addressee" in labels and "sender" not in labels and document.drafted_by is not None:
        # A submission's From line is the official who submits it: the drafter, unless told otherwise.
        drafter = document.drafted_by
        sender = f"{drafter.name}, {drafter.unit}" if drafter.unit else drafter.name
    return Layout(
        addressee_label=labels.get("addressee"),
        addressee=typeset.plain(document.addressee) if document.addressee else None,
        sender_label=labels.get("sender", _(N_("From")) if "addressee" in labels else None),
        sender=_plain(sender),
        meeting_line=meeting_line,
        annexes_heading=_(kind.annexes_heading),
        annexes=annexes(kind, sheet, release, typeset),
        distribution_heading=_(kind.distribution_heading),
        distribution=tuple(smart_quotes(line) for line in sheet.distribution),
        decision_lines=kind.decision_lines,
    )


def annexes(kind: Kind, sheet: ReleasedSheet, release: Release, typeset: Typeset) -> tuple[AnnexView, ...]:
    """The released annexes, labelled in release order (a release labels its own, so gaps reveal nothing)."""
    found = []
    for index, annex in enumerate(sheet.annexes):
        label = kind.annex_name(index, typeset.labels.gettext)
        # The anchor is the English label's ("annex-a", "tab-1") in every language: links stay put.
        found.append(AnnexView(label, smart_quotes(annex.title), _slug(kind.annex_name(index)),
                               release.mark_of(annex), typeset.markdown(annex.body) if annex.body else None))
    return tuple(found)


def _plain(text: str | None) -> str | None:
    return smart_quotes(text) if text is not None else None


@dataclass
class _Text:
    """A text part before its paragraphs are numbered: (mark, rendered Markdown, citations) per portion."""

    heading: str
    anchor: str
    role: str
    portions: list[tuple[str, Markup, str | None, tuple[Citation, ...]]]
    #: For recommendations: (decide_by, options) per portion.
    decisions: list[tuple[str | None, tuple[str, ...]]] | None = None


@dataclass
class _Table:
    """A part printed by its own partial from the view's rows."""

    name: str
    heading: str


#: Parts printed from the view's rows by a partial of their own.
TABLE_PARTS = ("follow_up", "frameworks", "commitments", "participants", "sources")
#: The Since last time block: no part of the sheet, so no row of the kinds table; it follows the
#: frameworks and commitments (whichever of them the kind prints last), in every kind.
SINCE_PART = "since_last_time"
SINCE_HEADING = N_("Since last time")
#: Parts of one portion, rendered as blocks (model.SINGLE_PORTIONS; a test keeps them equal).
SINGLE_PARTS = frozenset({"summary", "comment", "timing"})
#: Every part made of portions (model.SINGLE_PORTIONS and PORTION_LISTS): the ones that cite sources.
PORTION_PARTS = SINGLE_PARTS | frozenset({"objectives", "talking_points", "outcomes", "issues_for_discussion",
                                          "lines_to_take", "if_pressed", "recommendations", "argument",
                                          "discussion", "presentation"})


def parts(release: Release, tables: Mapping[str, bool], typeset: Typeset,
          citations: Mapping[tuple[str, int], tuple[Citation, ...]]) -> tuple[Part, ...]:
    """The note's blocks in the reading order of its kind (kinds.py), with paragraphs numbered through.

    `tables` says which table parts have rows, `citations` what each portion cites (by
    field and index); the closing block, the distribution list and the annexes follow
    the parts in every kind.
    """
    sheet = release.sheet
    kind = KINDS[sheet.kind]
    anchors: set[str] = set()
    _ = typeset.labels.gettext

    def text(key: str, heading: str, portions: Iterable[PortionText | Recommendation]) -> _Text | None:
        inline = key not in SINGLE_PARTS
        found = [(release.mark_of(p), *typeset.blocks(p.text, inline=inline),
                  citations.get((key, i), ())) for i, p in enumerate(portions)]
        anchor = key.replace("_", "-")
        return _Text(heading, anchor, anchor, found) if found else None

    def recommendations(heading: str, items: tuple[Recommendation, ...]) -> _Text | None:
        made = text("recommendations", heading, items)
        if made is not None:
            options = tuple(_(option) for option in DECISION_OPTIONS) if kind.decision_lines else ()
            made.decisions = [(typeset.style.written_date(item.decide_by) if item.decide_by else None, options)
                              for item in items]
        return made

    def sections(wanted: tuple[str, ...]) -> list[_Text]:
        made = []
        for section in sheet.sections:
            group = section_kind(section)
            if group in wanted:
                # The anchor is made from the sheet's own language: the same in every language of the note.
                anchor = _unique(_slug(original_of(section.heading)), anchors)
                made.append(_Text(typeset.plain(section.heading), anchor, group,
                                  [(release.mark_of(section), *typeset.blocks(section.body), ())]))
        return made

    order: list[_Text | _Table | None] = []
    last_table = max(i for i, spec in enumerate(kind.parts) if spec.key in ("frameworks", "commitments"))
    for position, spec in enumerate(kind.parts):
        if spec.key in SECTION_GROUPS:
            order += sections(SECTION_GROUPS[spec.key])
        elif spec.key in TABLE_PARTS:
            order.append(_Table(spec.key.replace("_", "-"), _(spec.heading)) if tables.get(spec.key) else None)
            if position == last_table and tables.get(SINCE_PART):
                order.append(_Table(SINCE_PART.replace("_", "-"), _(SINCE_HEADING)))
        elif spec.key == "recommendations":
            order.append(recommendations(_(spec.heading_for(len(sheet.recommendations))), sheet.recommendations))
        else:
            value = getattr(sheet, spec.key)
            items = ([value] if value is not None else []) if spec.key in SINGLE_PARTS else list(value)
            order.append(text(spec.key, _(spec.heading_for(len(items))), items))
    return _numbered(order)


def _numbered(order: Iterable[_Text | _Table | None]) -> tuple[Part, ...]:
    parts: list[Part] = []
    number = 0
    for item in order:
        if isinstance(item, _Table):
            parts.append(Part(f"_{item.name.replace('-', '_')}.html", item.heading, item.name, item.name))
        elif isinstance(item, _Text):
            paragraphs: list[Paragraph] = []
            decisions: list[Decision] = []
            for position, (mark, html, lang, cited) in enumerate(item.portions):
                own = []
                blocks = split_paragraphs(html)
                for index, (lead, rest) in enumerate(blocks, start=1):
                    number += 1
                    own.append(Paragraph(number, f"para-{number}", mark, lead, rest,
                                         cited if index == len(blocks) else (), lang))
                paragraphs += own
                if item.decisions is not None:
                    decide_by, options = item.decisions[position]
                    decisions.append(Decision(tuple(own), decide_by, options))
            # The summary has a partial of its own, so that a theme can restyle the bottom line alone;
            # recommendations have theirs for the decision lines.
            partial = ("_summary.html" if item.role == "summary" else
                       "_recommendations.html" if item.decisions is not None else "_text.html")
            parts.append(Part(partial, item.heading, item.anchor, item.role, tuple(paragraphs), tuple(decisions)))
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


