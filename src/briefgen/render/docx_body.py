"""The Word document's body: the view's blocks as Word paragraphs and tables, in the order the templates print them.

It mirrors templates/ part by part — the heading of the kind (a brief's header block, a
submission's From/To lines, a memo's MEMO FOR lines), the parts in `view.parts` (text parts
with their paragraph numbers and portion marks, tables, sources), the closing block, the
distribution list and the annexes — from the same view, already released and formatted.
The in-page contents, the language links and the site link are the web page's and are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from briefgen.render.docx_text import BULLET, CODE, NUMBER, QUOTE, Block, Run, blocks, inline, plain, runs
from briefgen.render.docx_word import Cell, add_runs, write_table
from briefgen.sheet.kinds import KINDS

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph as WordParagraph

    from briefgen.render.layout import Citation, Paragraph, Part
    from briefgen.render.view_records import BriefView, Clearance

#: Word's built-in styles (ISO/IEC 29500-1 §17.7.4.x names, as python-docx's default template has them).
ROLE_STYLES = {BULLET: "List Bullet", NUMBER: "List Number", QUOTE: "Quote", CODE: "No Spacing"}
DASH = "—"


class Body:
    """Writes one view into a python-docx Document, top to bottom."""

    def __init__(self, document: Document, view: BriefView, styles: Callable[[str], str | None]) -> None:
        self.document = document
        self.view = view
        #: The style to use for a built-in style's name, or None when the document has none like it.
        self.styles = styles
        #: The note's labels. The ones used here are the templates' own, which the catalogs hold from templates/;
        #: named `label`, not `_`, so that the extraction keeps finding each where the HTML prints it.
        self.label = view.labels.gettext

    def write(self) -> None:
        """Everything the kind's template prints, in its order."""
        template = KINDS[self.view.kind].template
        {"submission.html": self.submission_header, "memo.html": self.memo_header}.get(template, self.header)()
        for part in self.view.parts:
            self.part(part)
        self.memo_closing() if template == "memo.html" else self.closing()
        self.distribution()
        self.annexes()

    # --- paragraphs -----------------------------------------------------------------

    def paragraph(self, items: Iterable[Run] = (), style: str | None = None) -> WordParagraph:
        paragraph = self.document.add_paragraph(style=self.styles(style) if style else None)
        add_runs(paragraph, items)
        return paragraph

    def heading(self, text: str, level: int, mark: str = "") -> WordParagraph:
        paragraph = self.paragraph(style=f"Heading {level}")
        add_runs(paragraph, [Run(f"{mark} " if mark else ""), Run(plain(text))])
        return paragraph

    def line(self, label: str, value: Sequence[Run] | str) -> None:
        """A "Label: value" line of a heading or closing block, the label in bold."""
        shown = list(inline(value)) if isinstance(value, str) else list(value)
        self.paragraph([Run(f"{label.rstrip(':')}: ", bold=True), *shown])

    def blocks(self, html: str, indent: bool = False) -> None:
        """Rendered Markdown (lists, quotes, paragraphs) as Word paragraphs."""
        for block in blocks(html):
            self.block(block, indent)

    def block(self, block: Block, indent: bool = False) -> None:
        style = ROLE_STYLES.get(block.role)
        if style and block.level and block.role in (BULLET, NUMBER):
            style = f"{style} {min(block.level + 1, 3)}"
        paragraph = self.paragraph(block.runs, style)
        if indent and block.role not in (BULLET, NUMBER):
            from docx.shared import Cm

            paragraph.paragraph_format.left_indent = Cm(NUMBER_INDENT_CM)

    def numbered(self, p: Paragraph) -> None:
        """A numbered paragraph, as _macros.html `paragraph` prints it: "7. (O) text [2]", then its lists."""
        from docx.shared import Cm

        lead = [Run(f"{p.number}.\t"), *([Run(f"{p.mark} ")] if p.mark else []), *runs(p.lead)]
        if p.citations:
            lead.append(Run(" " + citations(p.citations)))
        if p.lang:
            lead = [Run(run.text, run.bold, run.italic, run.code, run.lang or p.lang) for run in lead]
        paragraph = self.paragraph(lead)
        paragraph.paragraph_format.left_indent = Cm(NUMBER_INDENT_CM)
        paragraph.paragraph_format.first_line_indent = Cm(-NUMBER_INDENT_CM)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(NUMBER_INDENT_CM))
        if p.rest:
            self.blocks(p.rest, indent=True)

    # --- headings of each kind ------------------------------------------------------

    def header(self) -> None:
        """_header.html: kind, title, occasion, release and handling lines, the meeting and document details."""
        view, label = self.view, self.label
        self.paragraph([Run(view.kind_label, bold=True)])
        self.heading(view.title, 1, view.title_mark)
        if view.occasion:
            self.paragraph(inline(view.occasion))
        self.release_lines()
        if view.title_mark:
            self.paragraph([Run(view.title_mark)])
        details = [(label("Date"), view.meeting_date), (label("Time"), view.time),
                   (label("Format"), view.meeting_format), (label("Venue"), view.venue),
                   (label("Reference"), view.reference), (label("Version"), view.version),
                   (label("Status"), view.status), (label("Date of origin"), view.date)]
        for name, value in details:
            if value:
                self.line(name, value)
        self.designation()

    def release_lines(self) -> None:
        view = self.view
        if view.release_note:
            self.paragraph([Run(plain(view.release_note), italic=True)])
        if view.handling:
            self.paragraph([Run(self.label("Handling instructions:") + " ", bold=True), *inline(view.handling)])

    def designation(self) -> None:
        """_designation.html: the classification authority block and the CUI designation indicator."""
        for block in (self.view.authority, self.view.cui):
            if block is not None:
                for name, value in block.lines:
                    self.line(name, value)

    def submission_header(self) -> None:
        """_submission_header.html: From, To, Date, Subject (the title), then the meeting."""
        view, layout, label = self.view, self.view.layout, self.label
        assert layout is not None
        self.paragraph([Run(view.kind_label, bold=True)])
        if layout.sender:
            self.line(layout.sender_label or label("From"), layout.sender)
        self.line(layout.addressee_label or "", inline(layout.addressee))
        self.line(label("Date"), view.date)
        self.paragraph([Run(label("Subject") + ":", bold=True)])
        self.heading(view.title, 1, view.title_mark)
        self.meeting_lines()

    def memo_header(self) -> None:
        """_memo_header.html: the date, ACTION (INFO) MEMO FOR, FROM, SUBJECT (the title), then the meeting."""
        view, layout, label = self.view, self.view.layout, self.label
        assert layout is not None
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.paragraph(inline(view.date)).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self.paragraph([Run(f"{layout.addressee_label} ", bold=True), *inline(layout.addressee)])
        self.line(label("FROM:"), inline(layout.sender))
        self.paragraph([Run(label("SUBJECT:"), bold=True)])
        self.heading(view.title, 1, view.title_mark)
        self.meeting_lines()

    def meeting_lines(self) -> None:
        """_memo_meeting.html: the meeting in one line, the document's reference, version and status."""
        view, label = self.view, self.label
        assert view.layout is not None
        self.line(label("Meeting"), f"{plain(view.occasion)} · {plain(view.layout.meeting_line)}" if view.occasion
                  else plain(view.layout.meeting_line))
        version = label("Version %(version)s") % {"version": plain(view.version)} if view.version else ""
        details = [plain(view.reference), version, plain(view.status)]
        self.paragraph([Run(" · ".join(d for d in details if d))])
        if view.release_note:
            self.paragraph([Run(plain(view.release_note), italic=True)])
        self.designation()

    # --- the parts ------------------------------------------------------------------

    def part(self, part: Part) -> None:
        tables: dict[str, Callable[[], None]] = {
            "_participants.html": self.participants, "_frameworks.html": self.frameworks,
            "_commitments.html": self.commitments, "_follow_up.html": self.follow_up, "_sources.html": self.sources,
            "_since_last_time.html": self.since_last_time}
        self.heading(part.heading, 2)
        if part.partial in tables:
            tables[part.partial]()
        elif part.decisions:
            self.recommendations(part)
        else:
            for p in part.paragraphs:
                self.numbered(p)

    def recommendations(self, part: Part) -> None:
        """_recommendations.html: each recommendation's paragraphs, then its decision lines."""
        for decision in part.decisions:
            for p in decision.paragraphs:
                self.numbered(p)
            found = [Run(f"{option} ________   ") for option in decision.options]
            if decision.decide_by:
                needed = self.label("Decision needed by %(date)s") % {"date": plain(decision.decide_by)}
                found.append(Run(needed, italic=True))
            if found:
                self.paragraph(found)

    def table(self, name: str, cells: Callable[[str, object], Cell], rows: Sequence[object]) -> None:
        """A table of the view's rows, its columns those the view shows (`view.columns`), header row repeated."""
        columns = self.view.columns.get(name, ())
        write_table(self.document, [self.label(column) for column in columns],
                    [[cells(column, row) for column in columns] for row in rows], self.styles("Table Grid"))

    def participants(self) -> None:
        mark = [Run(f"{self.view.title_mark} ")] if self.view.title_mark else []

        def cell(column: str, row: object) -> Cell:
            from briefgen.render.view_records import ParticipantView

            assert isinstance(row, ParticipantView)
            if column == "Name":
                native = [[Run(plain(row.native_name), lang=row.native_lang)]] if row.native_name else []
                return [[*mark, *inline(row.name)], *native]
            if column == "Position":
                return [[*inline(row.title)], *([b.runs for b in blocks(row.bio)] if row.bio else [])]
            return [[*inline(row.country if column == "Country" else row.role)]]

        self.table("participants", cell, self.view.participants)

    def frameworks(self) -> None:
        def cell(column: str, row: object) -> Cell:
            from briefgen.render.view_records import FrameworkView

            assert isinstance(row, FrameworkView)
            if column == "Framework":
                return [[*marked(row.mark), *inline(row.name)]]
            if column == "Note":
                text = [*(runs(row.note) if row.note else ()), *([Run(" ")] if row.note and row.citations else [])]
                return [[*text, Run(citations(row.citations))]]
            return [[*inline((row.status if column == "Status" else row.since) or DASH)]]

        self.table("frameworks", cell, self.view.frameworks)

    def since_last_time(self) -> None:
        """_since_last_time.html: the introduction, then a row per framework and commitment."""
        since = self.view.since_last_time
        assert since is not None
        self.paragraph([Run(plain(since.intro))])

        def cell(column: str, row: object) -> Cell:
            from briefgen.render.since_view import SinceRow

            assert isinstance(row, SinceRow)
            if column == "Framework or commitment":
                return [[*marked(row.mark), *inline(row.name)], [Run(plain(row.kind))]]
            value = {"Last time": row.last_time, "Status": row.status, "Amount": row.amount}[column]
            return [[*inline(value or DASH)]]

        write_table(self.document, [self.label(column) for column in since.columns],
                    [[cell(column, row) for column in since.columns] for row in since.rows], self.styles("Table Grid"))

    def commitments(self) -> None:
        label = self.label

        def cell(column: str, row: object) -> Cell:
            from briefgen.render.view_records import CommitmentView

            assert isinstance(row, CommitmentView)
            if column == "Sector":
                return [[*marked(row.mark), *inline(row.sector)]]
            if column == "Commitment":
                lines = [[*runs(row.summary), *([Run(" " + citations(row.citations))] if row.citations else [])]]
                for name, value in ((label("Amount"), row.amount), (label("Organisations"), row.organisations)):
                    if value:
                        lines.append([Run(f"{name} ", bold=True), *inline(value)])
                return lines
            return [[*inline((row.parties if column == "Parties" else row.status) or DASH)]]

        self.table("commitments", cell, self.view.commitments)

    def follow_up(self) -> None:
        def cell(column: str, row: object) -> Cell:
            from briefgen.render.view_records import FollowUpView

            assert isinstance(row, FollowUpView)
            if column == "Action":
                return [[*marked(row.mark), *runs(row.action)]]
            return [[*inline((row.owner if column == "Owner" else row.due) or DASH)]]

        self.table("follow_up", cell, self.view.follow_up)

    def sources(self) -> None:
        """_sources.html: "[n] Title. Publisher, date." and the URL, numbered as the citations are."""
        for source in self.view.sources:
            text = f"[{source.number}]\t{plain(source.title)}"
            text += f". {plain(source.publisher)}" if source.publisher else ""
            text += f", {plain(source.date)}" if source.date else ""
            self.paragraph([Run(text + "."), *([Run("\n" + plain(source.url))] if source.url else [])])

    # --- after the parts ------------------------------------------------------------

    def closing(self) -> None:
        """_closing.html: drafted by, cleared by, contact; with the header's mark at its start."""
        view, label = self.view, self.label
        if not (view.drafted_by or view.cleared_by or view.contact):
            return
        if view.title_mark:
            self.paragraph([Run(view.title_mark)])
        if view.drafted_by:
            office = view.drafter.office if view.drafter is not None else None
            drafted = plain(view.drafted_by)
            self.line(label("Drafted by"), f"{plain(office)}: {drafted}" if office else drafted)
        for index, clearance in enumerate(view.cleared_by):
            if index == 0:
                self.line(label("Cleared by"), cleared(clearance, dated=True))
            else:
                self.paragraph([Run(cleared(clearance, dated=True))])
        if view.contact:
            self.line(label("Contact"), inline(view.contact))

    def memo_closing(self) -> None:
        """_memo_closing.html: attachments, drafted by, and the clearance table."""
        view, layout, label = self.view, self.view.layout, self.label
        assert layout is not None
        if layout.annexes:
            self.paragraph([Run(f"{layout.annexes_heading}:", bold=True)])
            for annex in layout.annexes:
                self.paragraph([Run(f"{plain(annex.label)} – {plain(annex.title)}")])
        drafter = view.drafter
        if drafter is not None:
            text = f"{plain(drafter.office)}: " if drafter.office else ""
            text += plain(drafter.name) + (f", {plain(drafter.unit)}" if drafter.unit else "")
            self.line(label("Drafted by:"), text + (f", {plain(view.contact)}" if view.contact else ""))
        elif view.contact:
            self.line(label("Contact:"), inline(view.contact))
        if view.cleared_by:
            self.paragraph([Run(label("Cleared"), bold=True)])
            write_table(self.document, [label("Office"), label("Name"), label("Date")],
                        [[[[Run(plain(c.office) or DASH)]], [[Run(cleared(c, dated=False))]],
                          [[Run(plain(c.date) or DASH)]]] for c in view.cleared_by], self.styles("Table Grid"))

    def distribution(self) -> None:
        layout = self.view.layout
        if layout is None or not layout.distribution:
            return
        self.paragraph([Run(layout.distribution_heading, bold=True)])
        for line in layout.distribution:
            self.paragraph(inline(line), "List Bullet")

    def annexes(self) -> None:
        """_annexes.html: each annex on a page of its own (when it has a text), or named as sent separately."""
        layout = self.view.layout
        if layout is None:
            return
        for annex in layout.annexes:
            title = f"{plain(annex.label)}: " + (f"{annex.mark} " if annex.mark else "") + plain(annex.title)
            heading = self.heading(title, 2)
            heading.paragraph_format.page_break_before = bool(annex.body)
            if annex.body:
                self.blocks(annex.body)
            else:
                self.paragraph([Run(self.label("Sent separately."))])


#: The hanging indent of a numbered paragraph: the number, then its text.
NUMBER_INDENT_CM = 1.0


def marked(mark: str) -> list[Run]:
    return [Run(f"{mark} ")] if mark else []


def citations(items: Sequence[Citation]) -> str:
    return "".join(f"[{c.number}]" for c in items)


def cleared(clearance: Clearance, dated: bool) -> str:
    text = f"{plain(clearance.office)}: " if clearance.office and dated else ""
    text += plain(clearance.name) + (f", {plain(clearance.unit)}" if clearance.unit else "")
    return text + (f" ({plain(clearance.date)})" if dated and clearance.date else "")
