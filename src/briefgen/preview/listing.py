"""The preview's list of briefs: the home page's rows in the published index's order, and each brief's neighbours.

The home page lists what the published index would (site_index.py's entries: kind,
banner, status, countries), newest meeting first, ties by title, so that its search and
filters are the published index's own script over the same row attributes. A sheet that
cannot be rendered now keeps its place by its last good render; one that never rendered
comes last. Previous and next follow the same order, skipping what the reader chosen in
the release switcher may not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from briefgen.preview.state import Entry, Preview, Snapshot
from briefgen.records import BriefRecord
from briefgen.release.audience import Audience
from briefgen.render.site_index import IndexEntry, site_index_view


@dataclass(frozen=True)
class Listed:
    """One listed fact sheet: its entry, and what the published index would show of it (None: nothing yet)."""

    entry: Entry
    shown: IndexEntry | None
    title: str
    meeting: str

    @property
    def page_id(self) -> str:
        return self.entry.page_id


@dataclass(frozen=True)
class IndexRow:
    """A fact sheet's row on the home page; a withheld sheet shows its id and count alone.

    `kind`, `level` (the banner), `status` (the document's) and `countries` are the published
    index's, and its filter script reads them from the row's data attributes; `check` is the preview's
    own finding ("valid", "2 errors").
    """

    page_id: str
    count: int
    withheld: bool = False
    css: str = ""
    title: str = ""
    path: str = ""
    meeting: str = ""
    level: str = ""
    check: str = ""
    html_url: str = ""
    side_url: str = ""
    pdf_url: str = ""
    kind: str = ""
    status: str = ""
    countries: tuple[str, ...] = ()


def listing(preview: Preview, snapshot: Snapshot) -> tuple[list[Listed], int]:
    """The fact sheets the home page lists, in its order, and how many it leaves unlisted (under a ceiling)."""
    records: dict[str, BriefRecord] = {}
    kept: list[tuple[Entry, BriefRecord | None]] = []
    unlisted = 0
    for entry in snapshot.entries.values():
        if preview.hidden(entry):
            unlisted += 1  # not even its file name: that too may tell of what it holds
            continue
        record = _record(preview, entry)
        if record is not None:
            records[entry.page_id] = record
        kept.append((entry, record))
    view = site_index_view(records.values(), locale=preview.options(preview.default_level).locale, theme=preview.theme)
    shown = {record_id: item for record_id, item in zip(_ids(view.entries, records), view.entries, strict=True)}
    listed = []
    for entry, record in kept:
        item = shown.get(entry.page_id) if record is not None else None
        good = preview.remembered(entry.page_id, preview.default_level)
        if item is not None:
            title, meeting = item.title, item.meeting_date_iso
        elif entry.planned.job is not None:
            title, meeting = str(entry.planned.job.sheet.title), entry.planned.job.sheet.meeting.date.isoformat()
        elif good is not None and preview.settings.ceiling is None:
            title, meeting = good.title, good.meeting_date
        else:
            title, meeting = "", ""
        listed.append(Listed(entry, item, title, meeting))
    # The published index's order (site_index_view): newest meeting first, ties by title, then id.
    by_title = sorted(listed, key=lambda each: (each.title.casefold(), each.page_id))
    dated = sorted((each for each in by_title if each.meeting), key=lambda each: each.meeting, reverse=True)
    return dated + [each for each in by_title if not each.meeting], unlisted


def _record(preview: Preview, entry: Entry) -> BriefRecord | None:
    """What the published index would list of a sheet: its record now, or of its last good render."""
    if entry.planned.withheld is not None:
        return None
    if entry.outcome is not None and entry.outcome.record is not None and not entry.failed:
        return entry.outcome.record
    good = preview.remembered(entry.page_id, preview.default_level)
    if good is not None and preview.settings.ceiling is None:
        return good.record
    return None


def _ids(entries: tuple[IndexEntry, ...], records: dict[str, BriefRecord]) -> list[str]:
    """The page id of each index entry (a record's id is its sheet's; a page id may differ)."""
    by_id = {record.id: page_id for page_id, record in records.items()}
    return [by_id[item.id] for item in entries]


def neighbours(preview: Preview, listed: list[Listed], page_id: str, level: Audience | None
               ) -> tuple[Listed | None, Listed | None]:
    """The briefs before and after `page_id` in the home page's order that `level`'s readers may read."""
    at = next((number for number, each in enumerate(listed) if each.page_id == page_id), None)
    if at is None:
        return None, None
    before = next((each for each in reversed(listed[:at]) if readable(preview, each.entry, level)), None)
    after = next((each for each in listed[at + 1:] if readable(preview, each.entry, level)), None)
    return before, after


def readable(preview: Preview, entry: Entry, level: Audience | None) -> bool:
    """Whether the page of `entry` at `level` shows a brief that level's readers may read.

    At the preview's own level, what the home page lists. At a level chosen in the release
    switcher, only a sheet that the switcher offers that level for and whose header the
    release stage would release to it; a sheet that cannot be read now cannot be told, so
    it is not linked either.
    """
    if preview.hidden(entry):
        return False
    if level == preview.default_level:
        return True
    job = entry.planned.job
    if job is None or level is None or level.name not in preview.levels(entry):
        return False
    from briefgen.release.cut import withholding

    return withholding(job.sheet, level) is None


def page_url(page_id: str, kind: str, level: Audience | None, embed: bool = False) -> str:
    """A preview page's URL: `/ID.html`, `/ID.side.html` or `/ID.pdf`, at `level` (None: the default)."""
    query = []
    if level is not None:
        query.append("release=" + quote(level.name))
    if embed:
        query.append("embed=1")
    return f"/{page_id}.{kind}" + ("?" + "&".join(query) if query else "")


def index_row(preview: Preview, listed: Listed) -> IndexRow:
    """The home page's row of a listed sheet."""
    entry, page_id, shown = listed.entry, listed.page_id, listed.shown
    report = entry.report
    count = len(report.diagnostics) + report.dropped
    if entry.planned.withheld is not None:
        return IndexRow(page_id, count, withheld=True)
    job = entry.planned.job
    good = preview.remembered(page_id, preview.default_level)
    if shown is not None:
        level = shown.banner
    elif job is not None:
        level = job.sheet.classification.level
    elif good is not None and preview.settings.ceiling is None:
        level = good.level
    else:
        level = ""
    title = listed.title or "(title not shown: the sheet has errors)"
    errors = errors_of(entry)
    check = "valid" if not entry.failed else f"{errors} error{'s' if errors != 1 else ''}"
    return IndexRow(page_id, count, css="valid" if not entry.failed else "invalid", title=title,
                    path=entry.planned.path, meeting=listed.meeting, level=level, check=check,
                    html_url=page_url(page_id, "html", None), side_url=page_url(page_id, "side.html", None),
                    pdf_url=page_url(page_id, "pdf", None), kind=shown.kind_label if shown else "",
                    status=(shown.status or "") if shown else "", countries=shown.countries if shown else ())


def errors_of(entry: Entry) -> int:
    """The errors a sheet has (at least one when it failed to render without a diagnostic saying so)."""
    errors = len(entry.report.errors)
    return max(errors, 1) if entry.failed else errors
