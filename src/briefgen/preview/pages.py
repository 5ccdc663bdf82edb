"""The preview's pages: a brief with the preview's chrome, side by side with its PDF, the home page.

Every page tells the script how many errors and warnings it shows (`state` in its
configuration, and in each `changed` event), so that the tab's title and icon say so.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from briefgen.errors import PlanError
from briefgen.pipeline import plan
from briefgen.preview.listing import Listed, errors_of, index_row, listing, neighbours, page_url
from briefgen.preview.state import Entry, Preview, Remembered, Snapshot, html_of
from briefgen.preview.templating import render
from briefgen.release.audience import Audience
from briefgen.report.diagnostics import Report, render_reports
from briefgen.workers import CRASHED, TIMED_OUT

#: How long a PDF may take to print before the request gives up (the print goes on).
PDF_TIMEOUT = 300.0
#: What the preview answers for a brief its ceiling's audience may not read.
NOT_RELEASED = "No brief of that name is released to this audience."


@dataclass(frozen=True)
class Page:
    status: int
    body: bytes
    etag: str
    content_type: str = "text/html; charset=utf-8"
    #: What the page shows of its sheets' findings (the tab's title and icon say it).
    errors: int = 0
    warnings: int = 0

    @property
    def state(self) -> dict[str, int]:
        return {"errors": self.errors, "warnings": self.warnings}


@dataclass(frozen=True)
class LevelChoice:
    """One choice of the toolbar's release switcher: `value` is what the page asks for again."""

    value: str
    label: str
    selected: bool


class Pages:
    """What the preview shows of its state, composed once per snapshot and page."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self._lock = threading.RLock()
        self._pages: dict[tuple[Any, ...], Page] = {}
        self._pages_generation = -1
        self._listing: tuple[int, list[Listed], int] = (-1, [], 0)

    def page(self, page_id: str, requested: str | None, embed: bool = False) -> Page:
        """The brief page `page_id` at the requested level (HTML), with the preview's script."""
        snapshot = self.preview.snapshot
        entry = snapshot.entries.get(page_id)
        if self.preview.hidden(entry):
            return plain(404, NOT_RELEASED)
        level = self.preview.level_for(entry, requested) if entry is not None else self.preview.default_level
        return self._cached(("page", page_id, level, embed), snapshot,
                            lambda: self._compose_page(snapshot, page_id, entry, level, embed))

    def side(self, page_id: str, requested: str | None) -> Page:
        snapshot = self.preview.snapshot
        entry = snapshot.entries.get(page_id)
        if entry is None or self.preview.hidden(entry):
            return self.page(page_id, requested)
        level = self.preview.level_for(entry, requested)
        return self._cached(("side", page_id, level), snapshot, lambda: self._compose_side(entry, level))

    def index(self) -> Page:
        snapshot = self.preview.snapshot
        return self._cached(("index",), snapshot, lambda: self._compose_index(snapshot))

    def current(self, kind: str, page_id: str, requested: str | None) -> Page:
        """What a page would show now (for the event streams: its etag and its findings)."""
        if kind == "index":
            return self.index()
        return self.page(page_id, requested, embed=kind == "side")

    def listed(self, snapshot: Snapshot) -> tuple[list[Listed], int]:
        """The home page's list for `snapshot` (and how many it leaves out), worked out once per snapshot."""
        with self._lock:
            generation, found, unlisted = self._listing
            if generation != snapshot.generation:
                found, unlisted = listing(self.preview, snapshot)
                self._listing = (snapshot.generation, found, unlisted)
            return found, unlisted

    def _cached(self, key: tuple[Any, ...], snapshot: Snapshot, compose: Callable[[], Page]) -> Page:
        with self._lock:
            if self._pages_generation != snapshot.generation:
                self._pages = {}
                self._pages_generation = snapshot.generation
            found = self._pages.get(key)
            if found is None:
                found = compose()
                if self._pages_generation == snapshot.generation:
                    self._pages[key] = found
            return found

    def _compose_page(self, snapshot: Snapshot, page_id: str, entry: Entry | None, level: Audience | None,
                      embed: bool) -> Page:
        if entry is None:
            body = _missing_document(page_id, snapshot.problem)
            return self._finish(body, 404, page_id, level, "page", toolbar_of=None)
        planned, outcome = self.preview.render_at(entry, level)
        toolbar_of = None if embed else entry
        kind = "side" if embed else "page"
        if planned.withheld is not None:
            if self.preview.settings.ceiling is not None:
                # Under a ceiling, not even why: the reason names the header's marking.
                body = _message_document("Not released", "Nothing of this brief is released to this audience.")
            else:
                body = _message_document(f"{page_id}: withheld", f"Nothing of this brief is released to "
                                         f"{level.name if level else ''}: {planned.withheld}.")
            return self._finish(body, 200, page_id, level, kind, toolbar_of)
        html = html_of(outcome)
        warnings = len(planned.report.warnings)
        if html is not None and planned.job is not None and not planned.report.failed():
            from briefgen.preview.sourcemarks import annotate, locator_for

            job = planned.job
            data = job.sheet.model_dump(exclude_none=True, warnings=False)
            annotated = annotate(html, locator_for(data, job.marks))
            record = outcome.record if outcome is not None else None
            self.preview.remember(page_id, level, Remembered(
                annotated, str(job.sheet.title), job.sheet.meeting.date.isoformat(),
                record.level if record is not None else job.sheet.classification.level,
                job.sheet.classification.scheme, record))
            return self._finish(annotated, 200, page_id, level, kind, toolbar_of, warnings=warnings)
        good = self.preview.remembered(page_id, level)
        base = good.html if good is not None else _message_document(page_id, "No good render of this brief yet.")
        # Under --release, a source line could quote a portion above the ceiling: locations only.
        overlay = _overlay(planned.report, with_source=self.preview.settings.ceiling is None)
        return self._finish(base, 200, page_id, level, kind, toolbar_of, overlay=overlay,
                            errors=max(1, len(planned.report.errors)), warnings=warnings)

    def _finish(self, document: str, status: int, page_id: str, level: Audience | None, kind: str,
                toolbar_of: Entry | None, overlay: Markup | None = None, warnings: int = 0, errors: int = 0) -> Page:
        """The page with its chrome: the overlay, if any, and the toolbar of the brief `toolbar_of`, if any."""
        toolbar = self._toolbar(toolbar_of, level, warnings) if toolbar_of is not None else Markup("")
        chrome = (overlay or Markup("")) + toolbar
        etag = _digest(document + str(chrome))
        events = _events_url(kind, page_id, level, etag)
        config = {"events": events, "editor": self._editor_url(page_id), "switchTo": page_url(page_id, "html", None)
                  + "?release={level}", "state": {"errors": errors, "warnings": warnings}, "brand": True}
        return Page(status, inject(document, chrome, config).encode("utf-8"), etag, errors=errors, warnings=warnings)

    def _editor_url(self, page_id: str) -> str | None:
        entry = self.preview.snapshot.entries.get(page_id)
        if entry is None:
            return None
        return editor_url(self.preview.editor, Path(entry.planned.path).resolve())

    def _toolbar(self, entry: Entry, level: Audience | None, warnings: int = 0, side: bool = False) -> Markup:
        """The toolbar over a brief (`side`: over the side-by-side page, with a link back to the HTML):
        home, previous and next (in the home page's order, at the same level), the release switcher, the views."""
        choices = []
        if self.preview.settings.ceiling is None:
            choices.append(LevelChoice("", "full document", level is None))
        for each in self.preview.levels(entry):
            choices.append(LevelChoice(each, each, level is not None and each == level.name))
        page_id = entry.page_id
        view = "side.html" if side else "html"
        before, after = neighbours(self.preview, self.listed(self.preview.snapshot)[0], page_id, level)
        previous = (before.title or before.page_id, page_url(before.page_id, view, level)) if before else None
        following = (after.title or after.page_id, page_url(after.page_id, view, level)) if after else None
        return render("toolbar.html", options=choices, side=side, warnings=warnings, previous=previous,
                      following=following, html_url=page_url(page_id, "html", level),
                      side_url=page_url(page_id, "side.html", level), pdf_url=page_url(page_id, "pdf", level))

    def _compose_side(self, entry: Entry, level: Audience | None) -> Page:
        page_id = entry.page_id
        html_url = page_url(page_id, "html", level, embed=True)
        pdf_url = page_url(page_id, "pdf", level)
        pdf_src = pdf_url + ("&" if "?" in pdf_url else "?") + "view=1"
        body = str(render("side.html", page_id=page_id, html_url=html_url, pdf_src=pdf_src))
        chrome = self._toolbar(entry, level, side=True)
        embedded = self.page(page_id, _asked(level), embed=True)
        config = {"events": _events_url("side", page_id, level, embedded.etag), "editor": None, "side": True,
                  "switchTo": page_url(page_id, "side.html", None) + "?release={level}", "state": embedded.state,
                  "brand": True}
        return Page(200, inject(body, chrome, config).encode("utf-8"), embedded.etag, errors=embedded.errors,
                    warnings=embedded.warnings)

    def _compose_index(self, snapshot: Snapshot) -> Page:
        ceiling = self.preview.settings.ceiling
        listed, unlisted = self.listed(snapshot)
        rows = [index_row(self.preview, each) for each in listed]
        errors = sum(errors_of(each.entry) for each in listed)
        warnings = sum(len(each.entry.report.warnings) for each in listed)
        body = str(render("index.html", title="briefgen preview", ceiling=ceiling.name if ceiling else None,
                          problem=snapshot.problem, unlisted=unlisted, rows=rows,
                          columns={"status": any(row.status for row in rows)},
                          folders=", ".join(map(str, self.preview.paths))))
        etag = _digest(body)
        config = {"events": _events_url("index", "", None, etag), "editor": None, "switchTo": "/",
                  "state": {"errors": errors, "warnings": warnings}, "brand": False}
        return Page(200, inject(body, Markup(""), config).encode("utf-8"), etag, errors=errors, warnings=warnings)

    def pdf(self, page_id: str, requested: str | None) -> Page:
        """The PDF at the requested level, printed in a worker process and cached by its job key."""
        entry = self.preview.snapshot.entries.get(page_id)
        if entry is None:
            return plain(404, f"no fact sheet with the id {page_id}")
        if self.preview.hidden(entry):
            return plain(404, NOT_RELEASED)
        level = self.preview.level_for(entry, requested)
        try:
            planned = plan([Path(entry.planned.path)], self.preview.options(level, pdf=True))
        except PlanError as exc:
            return plain(404, str(exc))
        job = planned.sheets[0].job
        if job is None:
            return self.page(page_id, _asked(level))  # the overlay says why there is no PDF
        future = self.preview.printer.future(job)
        try:
            outcome = future.result(timeout=PDF_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - a broken worker must not take the server down
            self.preview.printer.forget(job)
            return plain(500, f"printing the PDF failed: {type(exc).__name__}: {exc}")
        stopped = next((d for d in outcome.diagnostics if d.code in (CRASHED, TIMED_OUT)), None)
        if stopped is not None:  # the worker died or was stopped: try again on the next request
            self.preview.printer.forget(job)
            return plain(500, f"printing the PDF failed: {stopped.message}")
        data = outcome.outputs.get(f"{job.sheet_id}.pdf")
        if data is None:
            return self.page(page_id, _asked(level))
        return Page(200, data, job.key[:32], "application/pdf")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _asked(level: Audience | None) -> str | None:
    """How a page asks for `level` again (a level's name; a declared ceiling is the default anyway)."""
    return level.name if level is not None else None


def _events_url(kind: str, page_id: str, level: Audience | None, etag: str) -> str:
    query = f"kind={kind}&page={quote(page_id)}&etag={etag}"
    if level is not None:
        query += "&release=" + quote(level.name)
    return "/_briefgen/events?" + query


def editor_url(template: str, path: Path) -> str:
    """The editor URL template with {path} filled in (its {line} and {column} stay for the script).

    `vscode://file/{path}` wants `vscode://file/home/…`, not `…file//home/…`: a slash
    before {path} stands for the path's own leading slash.
    """
    shown = quote(path.as_posix(), safe="/:~")
    if "/{path}" in template and shown.startswith("/"):
        return template.replace("/{path}", shown)
    return template.replace("{path}", shown)


@functools.lru_cache(maxsize=4)
def _cached_asset(name: str) -> str:
    """The preview's script or stylesheet (package data), read once."""
    return (files("briefgen") / "preview" / name).read_text(encoding="utf-8")


def inject(document: str, chrome: Markup, config: dict[str, Any]) -> str:
    """`document` with the preview's style, chrome, configuration and script before `</body>`."""
    block = str(render("block.html", style=Markup(_cached_asset("preview.css")), chrome=chrome, config=config,
                       script=Markup(_cached_asset("preview.js"))))
    end = document.lower().rfind("</body>")
    if end < 0:
        return document + block
    return document[:end] + block + document[end:]


def _overlay(report: Report, with_source: bool = True) -> Markup:
    """The diagnostics of a sheet that failed, worded exactly as `check` prints them."""
    return render("overlay.html", path=report.path, text=overlay_text(report, with_source))


def overlay_text(report: Report, with_source: bool = True) -> str:
    """`check`'s text for a report; a template error also shows its template's line.

    Without `with_source`, each diagnostic is shown without the source line under it.
    """
    from briefgen.report.diagnostics import format_text

    if not with_source:
        return "\n".join(format_text(d, None) for d in [*report.errors, *report.warnings])
    if all(d.path == report.path for d in report.diagnostics):
        return "\n".join(chunk.rstrip("\n") for chunk in render_reports([report], "text"))
    chunks = []
    for diagnostic in [*report.errors, *report.warnings]:
        lines = report.lines if diagnostic.path == report.path else _template_lines(diagnostic.path)
        chunks.append(format_text(diagnostic, lines))
    return "\n".join(chunks)


def _template_lines(path: str) -> list[str]:
    from briefgen.files import read_regular_file
    from briefgen.sheet.marks import source_lines
    from briefgen.theme import MAX_TEMPLATE_BYTES

    try:
        return source_lines(read_regular_file(Path(path), MAX_TEMPLATE_BYTES).decode("utf-8", errors="replace"))
    except OSError:
        return []


def _message_document(title: str, message: str) -> str:
    return str(render("message.html", title=title, message=message))


def _missing_document(page_id: str, problem: str | None) -> str:
    extra = f" ({problem})" if problem else ""
    return _message_document(f"{page_id}: not found",
                             f"No fact sheet has the id {page_id}{extra}. It may have been renamed or deleted; "
                             "this page comes back by itself when it reappears.")


def plain(status: int, message: str) -> Page:
    return Page(status, (message + "\n").encode("utf-8"), _digest(message), "text/plain; charset=utf-8")

