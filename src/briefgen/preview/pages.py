"""The preview's pages: a brief with the preview's chrome, side by side with its PDF, the home page."""

from __future__ import annotations

import functools
import hashlib
import html as html_lib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from briefgen.pipeline import PlanError, plan
from briefgen.preview.state import Entry, Preview, Remembered, Snapshot, html_of
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


class Pages:
    """What the preview shows of its state, composed once per snapshot and page."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self._lock = threading.RLock()
        self._pages: dict[tuple[Any, ...], Page] = {}
        self._pages_generation = -1

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

    def etag(self, kind: str, page_id: str, requested: str | None) -> str:
        """The etag of what a page would show now (for the event streams)."""
        if kind == "index":
            return self.index().etag
        return self.page(page_id, requested, embed=kind == "side").etag

    def _hidden(self, entry: Entry | None) -> bool:
        """Whether a brief is withheld from the preview's ceiling: then the preview shows nothing of it,
        not its title, its file name or why, as if it were not there."""
        return entry is not None and self.preview.settings.ceiling is not None and entry.planned.withheld is not None

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
            return self._finish(body, 404, page_id, level, "page", toolbar=None)
        planned, outcome = self.preview.render_at(entry, level)
        toolbar = None if embed else self._toolbar(entry, level)
        kind = "side" if embed else "page"
        if planned.withheld is not None:
            if self.preview.settings.ceiling is not None:
                # Under a ceiling, not even why: the reason names the header's marking.
                body = _message_document("Not released", "Nothing of this brief is released to this audience.")
            else:
                body = _message_document(f"{page_id}: withheld", f"Nothing of this brief is released to "
                                         f"{level.name if level else ''}: {planned.withheld}.")
            return self._finish(body, 200, page_id, level, kind, toolbar)
        html = html_of(outcome)
        if html is not None and planned.job is not None and not planned.report.failed():
            from briefgen.preview.sourcemarks import annotate, locator_for

            job = planned.job
            data = job.sheet.model_dump(exclude_none=True, warnings=False)
            annotated = annotate(html, locator_for(data, job.marks))
            record = outcome.record if outcome is not None else None
            self.preview.remember(page_id, level, Remembered(
                annotated, job.sheet.title, job.sheet.meeting.date.isoformat(),
                record.level if record is not None else job.sheet.classification.level,
                job.sheet.classification.scheme))
            warnings = len(planned.report.warnings)
            return self._finish(annotated, 200, page_id, level, kind, toolbar, warnings=warnings)
        good = self.preview.remembered(page_id, level)
        base = good.html if good is not None else _message_document(page_id, "No good render of this brief yet.")
        # Under --release, a source line could quote a portion above the ceiling: locations only.
        overlay = _overlay(planned.report, with_source=self.preview.settings.ceiling is None)
        return self._finish(base, 200, page_id, level, kind, toolbar, overlay=overlay)

    def _finish(self, document: str, status: int, page_id: str, level: Audience | None, kind: str,
                toolbar: str | None, overlay: str = "", warnings: int = 0) -> Page:
        chrome = overlay + (toolbar.replace("{warnings}", _warnings_note(warnings)) if toolbar else "")
        etag = _digest(document + chrome)
        events = _events_url(kind, page_id, level, etag)
        config = {"events": events, "editor": self._editor_url(page_id), "switchTo": _page_url(page_id, "html", None)
                  + "?release={level}"}
        return Page(status, inject(document, chrome, config).encode("utf-8"), etag)

    def _editor_url(self, page_id: str) -> str | None:
        entry = self.preview.snapshot.entries.get(page_id)
        if entry is None:
            return None
        return editor_url(self.preview.editor, Path(entry.planned.path).resolve())

    def _toolbar(self, entry: Entry, level: Audience | None) -> str:
        levels = self.preview.levels(entry)
        options = []
        if self.preview.settings.ceiling is None:
            options.append(f'<option value=""{" selected" if level is None else ""}>full document</option>')
        for each in levels:
            chosen = " selected" if level is not None and each == level.name else ""
            options.append(f'<option value="{_e(each)}"{chosen}>{_e(each)}</option>')
        switcher = ""
        if options:
            switcher = ('<label>Release for <select id="briefgen-release" name="release">'
                        + "".join(options) + "</select></label>")
        page_id = entry.page_id
        return ('<nav id="briefgen-toolbar" aria-label="briefgen preview">'
                '<a href="/">All briefs</a>' + switcher
                + f'<a id="briefgen-side-link" href="{_e(_page_url(page_id, "side.html", level))}">Side by side</a>'
                + f'<a href="{_e(_page_url(page_id, "pdf", level))}">PDF</a>'
                + "{warnings}</nav>")

    def _compose_side(self, entry: Entry, level: Audience | None) -> Page:
        page_id = entry.page_id
        html_url = _page_url(page_id, "html", level, embed=True)
        pdf_url = _page_url(page_id, "pdf", level)
        pdf_src = pdf_url + ("&" if "?" in pdf_url else "?") + "view=1"
        body = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{_e(page_id)}: HTML and PDF</title><style>"
                "html,body{margin:0;height:100%;background:#e9ebee}"
                ".briefgen-side{display:grid;grid-template-columns:1fr 1fr;gap:8px;height:100vh;"
                "padding:52px 8px 8px;box-sizing:border-box}"
                # The toolbar above the two frames, not over the PDF viewer's pages.
                "body #briefgen-toolbar{top:8px;bottom:auto;left:8px;right:auto}"
                ".briefgen-side iframe{width:100%;height:100%;border:1px solid #c8ccd1;background:#fff}"
                "</style></head><body><div class=\"briefgen-side\">"
                f'<iframe id="briefgen-side-html" title="HTML" src="{_e(html_url)}"></iframe>'
                f'<iframe id="briefgen-side-pdf" title="PDF" src="{_e(pdf_src)}" data-src="{_e(pdf_src)}"></iframe>'
                "</div></body></html>")
        toolbar = self._toolbar(entry, level).replace(
            f'<a id="briefgen-side-link" href="{_e(_page_url(page_id, "side.html", level))}">Side by side</a>',
            f'<a href="{_e(_page_url(page_id, "html", level))}">HTML only</a>')
        chrome = toolbar.replace("{warnings}", "")
        etag = self.page(page_id, _asked(level), embed=True).etag
        config = {"events": _events_url("side", page_id, level, etag), "editor": None, "side": True,
                  "switchTo": _page_url(page_id, "side.html", None) + "?release={level}"}
        return Page(200, inject(body, chrome, config).encode("utf-8"), etag)

    def _compose_index(self, snapshot: Snapshot) -> Page:
        rows = []
        ceiling = self.preview.settings.ceiling
        unlisted = 0
        for page_id, entry in snapshot.entries.items():
            if ceiling is not None and entry.planned.withheld is not None:
                unlisted += 1  # not even its file name: that too may tell of what it holds
                continue
            rows.append(self._index_row(page_id, entry, ceiling))
        problem = f'<p class="problem">{_e(snapshot.problem)}</p>' if snapshot.problem else ""
        if unlisted:
            problem += (f'<p class="withheld">{unlisted} fact sheet{"s are" if unlisted != 1 else " is"} '
                        "not released to this audience and not listed.</p>")
        cleared = f" (released for {_e(ceiling.name)})" if ceiling else ""
        table = ("<table><thead><tr><th>Brief</th><th>Meeting</th><th>Classification</th><th>Status</th>"
                 "<th>Diagnostics</th><th></th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
                 if rows else '<p class="empty">No fact sheets yet: save one (*.yaml) in '
                 + _e(", ".join(map(str, self.preview.paths))) + " and it appears here.</p>")
        body = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>briefgen preview</title><style>{_INDEX_CSS}</style></head><body>"
                f"<h1>briefgen preview{cleared}</h1>{problem}{table}"
                "<p class=\"hint\">Pages update as you save. Alt-click a value in a brief to open its line "
                "in your editor.</p></body></html>")
        etag = _digest(body)
        config = {"events": _events_url("index", "", None, etag), "editor": None, "switchTo": "/"}
        return Page(200, inject(body, "", config).encode("utf-8"), etag)

    def _index_row(self, page_id: str, entry: Entry, ceiling: Audience | None) -> str:
        report = entry.report
        count = len(report.diagnostics) + report.dropped
        errors = len(report.errors)
        good = self.preview.remembered(page_id, self.preview.default_level)
        job = entry.planned.job
        link = f'<a href="{_e(_page_url(page_id, "html", None))}">'
        if entry.planned.withheld is not None:
            return (f"<tr class=\"withheld\"><td><code>{_e(page_id)}</code> — <em>withheld"
                    "</em></td><td></td><td></td><td>withheld</td>"
                    f"<td>{count}</td><td></td></tr>")
        if job is not None:
            record = entry.outcome.record if entry.outcome is not None else None
            title = job.sheet.title
            meeting = job.sheet.meeting.date.isoformat()
            level = record.level if record is not None else job.sheet.classification.level
        elif good is not None and ceiling is None:
            title, meeting, level = good.title, good.meeting_date, good.level
        else:
            title, meeting, level = "(title not shown: the sheet has errors)", "", ""
        status = "valid" if not entry.failed else f"{errors or count} error{'s' if (errors or count) != 1 else ''}"
        css = "valid" if not entry.failed else "invalid"
        return (f"<tr class=\"{css}\" data-id=\"{_e(page_id)}\"><td>{link}{_e(title)}</a><br>"
                f"<code>{_e(entry.planned.path)}</code></td><td>{_e(meeting)}</td><td>{_e(level)}</td>"
                f"<td class=\"status\">{status}</td><td>{count}</td>"
                f"<td><a href=\"{_e(_page_url(page_id, 'side.html', None))}\">side by side</a> · "
                f"<a href=\"{_e(_page_url(page_id, 'pdf', None))}\">PDF</a></td></tr>")


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



def _e(text: str) -> str:
    return html_lib.escape(text, quote=True)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _asked(level: Audience | None) -> str | None:
    """How a page asks for `level` again (a level's name; a declared ceiling is the default anyway)."""
    return level.name if level is not None else None


def _page_url(page_id: str, kind: str, level: Audience | None, embed: bool = False) -> str:
    query = []
    if level is not None:
        query.append("release=" + quote(level.name))
    if embed:
        query.append("embed=1")
    return f"/{page_id}.{kind}" + ("?" + "&".join(query) if query else "")


def _events_url(kind: str, page_id: str, level: Audience | None, etag: str) -> str:
    query = f"kind={kind}&page={quote(page_id)}&etag={etag}"
    if level is not None:
        query += "&release=" + quote(level.name)
    return "/_briefgen/events?" + query


def _warnings_note(count: int) -> str:
    if not count:
        return ""
    return f'<span class="briefgen-warnings">{count} warning{"s" if count != 1 else ""}</span>'


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


def inject(document: str, chrome: str, config: dict[str, Any]) -> str:
    """`document` with the preview's style, chrome, configuration and script before `</body>`."""
    data = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    block = ("\n<!-- briefgen preview: not part of the published brief -->\n"
             f'<style id="briefgen-preview-style">{_cached_asset("preview.css")}</style>\n'
             f"{chrome}\n"
             f'<script id="briefgen-config" type="application/json">{data}</script>\n'
             f'<script id="briefgen-preview-script">{_cached_asset("preview.js")}</script>\n')
    end = document.lower().rfind("</body>")
    if end < 0:
        return document + block
    return document[:end] + block + document[end:]


def _overlay(report: Report, with_source: bool = True) -> str:
    """The diagnostics of a sheet that failed, worded exactly as `check` prints them."""
    return ('<div id="briefgen-overlay" role="alert"><div class="briefgen-panel">'
            f"<h2>{_e(report.path)} has errors — showing the last good render</h2>"
            f"<pre>{_e(overlay_text(report, with_source))}</pre>"
            "<p>Fix the file and save: this page updates by itself.</p></div></div>")


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
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{_INDEX_CSS}</style></head><body>"
            f"<h1>{_e(title)}</h1><p>{_e(message)}</p><p><a href=\"/\">All briefs</a></p></body></html>")


def _missing_document(page_id: str, problem: str | None) -> str:
    extra = f" ({problem})" if problem else ""
    return _message_document(f"{page_id}: not found",
                             f"No fact sheet has the id {page_id}{extra}. It may have been renamed or deleted; "
                             "this page comes back by itself when it reappears.")


def plain(status: int, message: str) -> Page:
    return Page(status, (message + "\n").encode("utf-8"), _digest(message), "text/plain; charset=utf-8")


_INDEX_CSS = (
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;margin:2em auto;"
    "max-width:72em;padding:0 1em}h1{font-size:1.4em}table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.45em .6em;border-bottom:1px solid #d8dce0;vertical-align:top}"
    "th{font-size:.85em;color:#57606a}code{font-size:.85em;color:#57606a}a{color:#0b5cad}"
    "tr.invalid .status{color:#c62828;font-weight:600}tr.valid .status{color:#1a7f37}"
    ".problem{color:#c62828}.hint{color:#57606a;font-size:.9em;margin-top:2em}"
)
