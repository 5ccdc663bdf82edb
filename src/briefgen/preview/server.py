"""The preview server: `briefgen serve`, one more thin driver of plan → run.

A watched change (fact sheets, the project's templates and styles, briefgen.toml)
plans again, runs only the jobs whose key changed (HTML only; a PDF is printed on
demand in a worker process), keeps the outcomes in memory and tells each open page
whose output changed to reload (Server-Sent Events). A sheet that turns invalid keeps
its last good render under an overlay of its diagnostics, worded as `check` words
them. Nothing is written: `publish` is never called.

Safe by default: it binds 127.0.0.1, answers only requests naming a loopback host
(DNS rebinding), serves only its own pages, and bounds connections and time.
"""

from __future__ import annotations

import functools
import hashlib
import html as html_lib
import json
import re
import signal
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import click

from briefgen.commands.main import audience_options, paths_argument, resolve_audience, theme_options
from briefgen.pipeline import PlanError, plan, run
from briefgen.project import CONFIG_NAME, Project, ProjectError, load_project, read_project
from briefgen.records import Job, Options, Outcome, PlannedSheet
from briefgen.release.audience import Audience, shorthand
from briefgen.render.theme import Theme
from briefgen.report.diagnostics import Report, render_reports

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Open connections at once; more are refused with 503 rather than queued without end.
MAX_CONNECTIONS = 256
#: Open live-reload streams at once (each holds a thread).
MAX_EVENT_STREAMS = 64
#: Seconds a connection may stay silent (reading a request, or a stalled reader).
CONNECTION_TIMEOUT = 10.0
#: Seconds between keep-alive comments on an event stream (also finds dead readers).
PING_SECONDS = 15.0
#: How long a PDF may take to print before the request gives up (the print goes on).
PDF_TIMEOUT = 300.0
#: Renders at release levels other than the default, and PDFs, kept in memory.
CACHE_SIZE = 32

#: What the preview answers for a brief its ceiling's audience may not read.
NOT_RELEASED = "No brief of that name is released to this audience."
_ROUTE = re.compile(r"^/(?:index\.html)?$|^/(?P<id>[A-Za-z0-9][A-Za-z0-9_-]{0,127})\.(?P<kind>side\.html|html|pdf)$")
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


# --- the command -----------------------------------------------------------------------


@click.command("serve")
@paths_argument
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on. Only loopback names are answered (Host header), whatever the address.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port; the URL is printed).")
@audience_options
@theme_options
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default web browser.")
@click.option("--editor", metavar="URL",
              help="URL template that opens a file at a line, for Alt-click on a value "
                   "(default: `editor` in briefgen.toml, else vscode://file/{path}:{line}:{column}).")
def serve_command(paths: tuple[Path, ...], host: str, port: int, release_level: str | None,
                  audience_name: str | None, public: bool, templates: Path | None, styles: Path | None,
                  open_browser: bool, editor: str | None) -> None:
    """Preview briefs in a browser, rebuilt and reloaded as you save.

    PATHS are fact sheets or folders (default: the project's briefs folder). The home
    page lists every fact sheet; each brief is the HTML `build` writes, its PDF is one
    click away, and a sheet with errors shows them over its last good render. Alt-click
    a value to open the fact sheet at its line. With --release, --audience or --public
    nothing that audience may not read is ever shown: no value, message, title or file
    name of what it withholds. Ctrl-C stops the server.
    """
    try:
        project = load_project()
    except ProjectError as exc:
        raise click.UsageError(str(exc)) from None
    if editor is not None and "{path}" not in editor:
        raise click.BadParameter("the URL template must contain {path}", param_hint="--editor")
    ceiling = resolve_audience(project, release_level, audience_name, public)
    for path in paths:
        if not path.exists():
            raise click.BadParameter(f"'{path}' does not exist", param_hint="PATH")
    settings = Settings(paths=tuple(paths), ceiling=ceiling, templates=templates, styles=styles, editor=editor)
    preview = Preview(settings, project)
    try:
        server = PreviewServer((host, port), preview)
    except OSError as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                               + (" (choose another with --port)" if port else "")) from None
    sys.exit(run_server(server, preview, open_browser))


def run_server(server: PreviewServer, preview: Preview, open_browser: bool = False) -> int:
    """Serve until Ctrl-C (or SIGTERM); then stop the watcher, the workers and every connection."""
    # Also when started in the background (where SIGINT is ignored): Ctrl-C stops the server.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        preview.start()
        url = server.url
        count = len(preview.snapshot.entries)
        click.echo(f"briefgen: previewing {count} fact sheet{'s' if count != 1 else ''} at {url} "
                   "(Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping would leave workers behind: finish stopping first.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        preview.stop()
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
    try:
        click.echo("briefgen: preview stopped", err=True)
    except (OSError, ValueError):
        pass
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# --- settings and state ----------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What the command line asked for; briefgen.toml fills in the rest (and may change)."""

    paths: tuple[Path, ...] = ()
    #: --release, --audience or --public: nothing it may not read is ever shown.
    ceiling: Audience | None = None
    templates: Path | None = None
    styles: Path | None = None
    editor: str | None = None


@dataclass(frozen=True)
class Entry:
    """One fact sheet as the latest plan found it, with its HTML outcome at the default level."""

    page_id: str
    planned: PlannedSheet
    outcome: Outcome | None
    report: Report

    @property
    def failed(self) -> bool:
        return self.report.failed() or (self.planned.job is not None and not _html_of(self.outcome))


@dataclass(frozen=True)
class Snapshot:
    """Everything the latest rebuild found; replaced whole, never changed."""

    generation: int = 0
    entries: dict[str, Entry] = field(default_factory=dict)
    #: Why nothing could be planned (a missing folder, a bad briefgen.toml), or None.
    problem: str | None = None
    project: Project = field(default_factory=Project)


@dataclass(frozen=True)
class Page:
    status: int
    body: bytes
    etag: str
    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Remembered:
    """What the preview keeps of a sheet's last good render, to show under an overlay."""

    html: str
    title: str
    meeting_date: str
    level: str
    scheme: str


class Preview:
    """The preview's state: the latest snapshot, renders per release level, PDFs, the watcher."""

    def __init__(self, settings: Settings, project: Project) -> None:
        self.settings = settings
        self.project = project
        self.snapshot = Snapshot(project=project)
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.rebuilds = 0
        self._dirty = threading.Event()
        self._config_changed = False
        self._config_problem: str | None = None
        self._lock = threading.RLock()
        self._outcomes: OrderedDict[str, Outcome] = OrderedDict()
        self._pages: dict[tuple[Any, ...], Page] = {}
        self._pages_generation = -1
        self._good: dict[tuple[str, Audience | None], Remembered] = {}
        self._pdfs: OrderedDict[str, Future[Outcome]] = OrderedDict()
        self._executor: ProcessPoolExecutor | None = None
        self._threads: list[threading.Thread] = []
        self._watch_stop = threading.Event()
        self._watching = threading.Event()

    # -- configuration ---------------------------------------------------------------

    @property
    def paths(self) -> list[Path]:
        return list(self.settings.paths) if self.settings.paths else [self.project.briefs]

    @property
    def theme(self) -> Theme:
        return Theme.of_project(self.settings.templates, self.settings.styles, self.project)

    @property
    def editor(self) -> str:
        return self.settings.editor or self.project.editor

    def watched(self) -> tuple[list[Path], list[Path]]:
        """(folders watched recursively, folders watched for briefgen.toml only)."""
        recursive: list[Path] = []
        for path in self.paths:
            folder = path if path.is_dir() else path.parent
            recursive.append(folder)
        theme = self.theme
        recursive.extend(theme.template_dirs + theme.style_dirs)
        top = [self.project.root] if self.project.root is not None else []
        return _existing(recursive), _existing(top)

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> None:
        """Watch, then build once (so no save between the two is missed), then rebuild on change."""
        self._spawn(self._watch_loop)
        self._watching.wait(timeout=5.0)
        self.rebuild()
        self._spawn(self._rebuild_loop)

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True, name=f"briefgen{target.__name__}")
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        self._watch_stop.set()
        self._dirty.set()
        with self.changed:
            self.changed.notify_all()
        executor, self._executor = self._executor, None
        if executor is not None:
            _stop_executor(executor)
        for thread in self._threads:
            thread.join(timeout=1.0)

    def _rebuild_loop(self) -> None:
        while not self.stopping.is_set():
            self._dirty.wait()
            if self.stopping.is_set():
                return
            self._dirty.clear()
            try:
                self.rebuild()
            except Exception as exc:  # noqa: BLE001 - the preview outlives any one rebuild
                with self.changed:
                    self.snapshot = replace(self.snapshot, generation=self.snapshot.generation + 1,
                                            problem=f"rebuilding failed: {type(exc).__name__}: {exc}")
                    self.changed.notify_all()

    def _watch_loop(self) -> None:
        import watchfiles

        while not self.stopping.is_set():
            recursive, top = self.watched()
            self._watch_stop = threading.Event()
            stop = self._watch_stop
            groups: list[tuple[list[Path], bool, Callable[[Any, str], bool]]] = []
            if top and self.project.config is not None:
                groups.append((top, False, lambda change, path: Path(path).name == CONFIG_NAME))
            if recursive:
                groups.append((recursive, True, watchfiles.DefaultFilter()))
            ready = [threading.Event() for _ in groups]
            watchers = [threading.Thread(target=self._watch, daemon=True, args=(*group, stop, flag))
                        for group, flag in zip(groups, ready, strict=True)]
            for watcher in watchers:
                watcher.start()
            for flag in ready:
                flag.wait(timeout=5.0)
            self._watching.set()
            stop.wait()
            for watcher in watchers:
                watcher.join(timeout=2.0)

    def _watch(self, paths: list[Path], recursive: bool, keep: Callable[[Any, str], bool],
               stop: threading.Event, ready: threading.Event) -> None:
        import watchfiles

        # step: saves less than 15 ms apart are one change (a burst, an editor's rename
        # dance); debounce caps how long a steady stream of saves can delay a rebuild.
        # An empty yield on each idle timeout says the watches are in place.
        try:
            for changes in watchfiles.watch(*paths, watch_filter=keep, debounce=400, step=15, stop_event=stop,
                                            rust_timeout=250, yield_on_timeout=True, recursive=recursive,
                                            raise_interrupt=False):
                ready.set()
                if not changes:
                    continue
                if any(Path(path).name == CONFIG_NAME for _, path in changes):
                    self._config_changed = True
                self._dirty.set()
        except Exception as exc:  # noqa: BLE001 - a folder removed under the watcher, no inotify left…
            ready.set()
            if not self.stopping.is_set():
                click.echo(f"briefgen: watching stopped: {exc}; restart `briefgen serve` to watch again",
                           err=True)

    # -- rebuilding -----------------------------------------------------------------------

    def rebuild(self) -> None:
        """Plan again, run the jobs whose key changed, publish the new snapshot, wake the pages."""
        if self._config_changed and self.project.config is not None:
            self._config_changed = False
            try:
                project = read_project(self.project.config)
            except ProjectError as exc:
                # Keep the last good settings; say why until the file is fixed.
                self._config_problem = f"{exc} (the previous settings are still used)"
            else:
                self._config_problem = None
                if project != self.project:
                    self.project = project
                    self._watch_stop.set()  # watch the folders the new settings name
        problem = self._config_problem
        options = Options(audience=self.settings.ceiling, html=True, pdf=False, theme=self.theme,
                          locale=self.project.locale)
        entries: dict[str, Entry] = {}
        try:
            planned = plan(self.paths, options)
        except PlanError as exc:
            problem = "; ".join(filter(None, (problem, str(exc))))
        else:
            for sheet in planned.sheets:
                outcome = self._run(sheet.job) if sheet.job is not None else None
                report = planned.final_reports([outcome] if outcome else [])[planned.sheets.index(sheet)]
                page_id = _page_id(sheet, entries)
                entries[page_id] = Entry(page_id, sheet, outcome, report)
        with self.changed:
            self.rebuilds += 1
            self.snapshot = Snapshot(self.snapshot.generation + 1, entries, problem, self.project)
            self.changed.notify_all()

    def _run(self, job: Job) -> Outcome:
        with self._lock:
            found = self._outcomes.get(job.key)
            if found is not None and _still_fresh(found, job):
                self._outcomes.move_to_end(job.key)
                return found
        outcome = run(job)
        with self._lock:
            self._outcomes[job.key] = outcome
            while len(self._outcomes) > max(CACHE_SIZE, 2 * len(self.snapshot.entries) + 8):
                self._outcomes.popitem(last=False)
        return outcome

    def wait_for_change(self, generation: int, timeout: float) -> int:
        """The snapshot's generation once it differs from `generation` (or after `timeout`)."""
        with self.changed:
            self.changed.wait_for(lambda: self.snapshot.generation != generation or self.stopping.is_set(),
                                  timeout=timeout)
            return self.snapshot.generation

    # -- audiences ----------------------------------------------------------------------

    @property
    def default_level(self) -> Audience | None:
        return self.settings.ceiling

    def levels(self, entry: Entry) -> list[str]:
        """The levels of the sheet's scheme the switcher offers, each the `--release LEVEL`
        audience: under a ceiling, only when it is such an audience too, and none above it."""
        from briefgen.sheet.classification import SCHEMES

        scheme_name = self._scheme(entry)
        if scheme_name is None:
            return []
        scheme = SCHEMES[scheme_name]
        ceiling = self.settings.ceiling
        if ceiling is None:
            return list(scheme.levels)
        top = ceiling.ceiling(scheme.name)
        if ceiling.public or ceiling.nationality is not None or top is None:
            return []  # a declared audience: its readers, and nobody else's view
        return [level for level in scheme.levels if scheme.rank(level) <= scheme.rank(top)]

    def level_for(self, entry: Entry, requested: str | None) -> Audience | None:
        """The audience to show: the level asked for when the switcher offers it, else the default."""
        from briefgen.sheet.classification import canonical_level

        if requested:
            level = canonical_level(requested)
            if level is not None and level in self.levels(entry):
                return shorthand(level)
        return self.default_level

    def _scheme(self, entry: Entry) -> str | None:
        job = entry.planned.job
        if job is not None:
            return job.sheet.classification.scheme
        good = self._good.get((entry.page_id, self.default_level))
        return good.scheme if good is not None else None

    def render_at(self, entry: Entry, level: Audience | None) -> tuple[PlannedSheet, Outcome | None]:
        """The sheet planned and rendered (HTML) for `level`, through the same release stage as build."""
        if level == self.default_level:
            return replace(entry.planned, report=entry.report), entry.outcome
        options = Options(audience=level, html=True, pdf=False, theme=self.theme, locale=self.project.locale)
        try:
            planned = plan([Path(entry.planned.path)], options)
        except PlanError:
            return entry.planned, None
        sheet = planned.sheets[0]
        outcome = self._run(sheet.job) if sheet.job is not None else None
        report = planned.final_reports([outcome] if outcome else [])[0]
        return replace(sheet, report=report), outcome

    # -- pages ------------------------------------------------------------------------------

    def page(self, page_id: str, requested: str | None, embed: bool = False) -> Page:
        """The brief page `page_id` at the requested level (HTML), with the preview's script."""
        snapshot = self.snapshot
        entry = snapshot.entries.get(page_id)
        if self._hidden(entry):
            return _plain(404, NOT_RELEASED)
        level = self.level_for(entry, requested) if entry is not None else self.default_level
        return self._cached(("page", page_id, level, embed), snapshot,
                            lambda: self._compose_page(snapshot, page_id, entry, level, embed))

    def side(self, page_id: str, requested: str | None) -> Page:
        snapshot = self.snapshot
        entry = snapshot.entries.get(page_id)
        if entry is None or self._hidden(entry):
            return self.page(page_id, requested)
        level = self.level_for(entry, requested)
        return self._cached(("side", page_id, level), snapshot, lambda: self._compose_side(entry, level))

    def index(self) -> Page:
        snapshot = self.snapshot
        return self._cached(("index",), snapshot, lambda: self._compose_index(snapshot))

    def etag(self, kind: str, page_id: str, requested: str | None) -> str:
        """The etag of what a page would show now (for the event streams)."""
        if kind == "index":
            return self.index().etag
        return self.page(page_id, requested, embed=kind == "side").etag

    def _hidden(self, entry: Entry | None) -> bool:
        """Whether a brief is withheld from the preview's ceiling: then the preview shows nothing of it,
        not its title, its file name or why, as if it were not there."""
        return entry is not None and self.settings.ceiling is not None and entry.planned.withheld is not None

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
        planned, outcome = self.render_at(entry, level)
        remembered_key = (page_id, level)
        toolbar = None if embed else self._toolbar(entry, level)
        kind = "side" if embed else "page"
        if planned.withheld is not None:
            if self.settings.ceiling is not None:
                # Under a ceiling, not even why: the reason names the header's marking.
                body = _message_document("Not released", "Nothing of this brief is released to this audience.")
            else:
                body = _message_document(f"{page_id}: withheld", f"Nothing of this brief is released to "
                                         f"{level.name if level else ''}: {planned.withheld}.")
            return self._finish(body, 200, page_id, level, kind, toolbar)
        html = _html_of(outcome)
        if html is not None and planned.job is not None and not planned.report.failed():
            from briefgen.preview.sourcemarks import annotate, locator_for

            job = planned.job
            data = job.sheet.model_dump(exclude_none=True, warnings=False)
            annotated = annotate(html, locator_for(data, job.marks))
            record = outcome.record if outcome is not None else None
            self._good[remembered_key] = Remembered(
                annotated, job.sheet.title, job.sheet.meeting.date.isoformat(),
                record.level if record is not None else job.sheet.classification.level,
                job.sheet.classification.scheme)
            warnings = len(planned.report.warnings)
            return self._finish(annotated, 200, page_id, level, kind, toolbar, warnings=warnings)
        good = self._good.get(remembered_key)
        base = good.html if good is not None else _message_document(page_id, "No good render of this brief yet.")
        # Under --release, a source line could quote a portion above the ceiling: locations only.
        overlay = _overlay(planned.report, with_source=self.settings.ceiling is None)
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
        entry = self.snapshot.entries.get(page_id)
        if entry is None:
            return None
        return editor_url(self.editor, Path(entry.planned.path).resolve())

    def _toolbar(self, entry: Entry, level: Audience | None) -> str:
        levels = self.levels(entry)
        options = []
        if self.settings.ceiling is None:
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
        ceiling = self.settings.ceiling
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
                 + _e(", ".join(map(str, self.paths))) + " and it appears here.</p>")
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
        good = self._good.get((page_id, self.default_level))
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

    # -- PDFs ---------------------------------------------------------------------------------

    def pdf(self, page_id: str, requested: str | None) -> Page:
        """The PDF at the requested level, printed in a worker process and cached by its job key."""
        entry = self.snapshot.entries.get(page_id)
        if entry is None:
            return _plain(404, f"no fact sheet with the id {page_id}")
        if self._hidden(entry):
            return _plain(404, NOT_RELEASED)
        level = self.level_for(entry, requested)
        options = Options(audience=level, html=False, pdf=True, theme=self.theme, locale=self.project.locale)
        try:
            planned = plan([Path(entry.planned.path)], options)
        except PlanError as exc:
            return _plain(404, str(exc))
        job = planned.sheets[0].job
        if job is None:
            return self.page(page_id, _asked(level))  # the overlay says why there is no PDF
        future = self._pdf_future(job)
        try:
            outcome = future.result(timeout=PDF_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - a broken worker must not take the server down
            with self._lock:
                self._pdfs.pop(job.key, None)
            return _plain(500, f"printing the PDF failed: {type(exc).__name__}: {exc}")
        data = outcome.outputs.get(f"{job.sheet_id}.pdf")
        if data is None:
            return self.page(page_id, _asked(level))
        return Page(200, data, job.key[:32], "application/pdf")

    def _pdf_future(self, job: Job) -> Future[Outcome]:
        with self._lock:
            found = self._pdfs.get(job.key)
            if found is not None and (not found.done() or found.exception() is not None
                                      or _still_fresh(found.result(), job)):
                self._pdfs.move_to_end(job.key)
                return found
            if self.stopping.is_set():
                raise RuntimeError("the preview is stopping")
            if self._executor is None:
                self._executor = _new_executor()
            try:
                future = self._executor.submit(run, job)
            except Exception:  # a worker died (BrokenProcessPool): start afresh
                _stop_executor(self._executor)
                self._executor = _new_executor()
                future = self._executor.submit(run, job)
            self._pdfs[job.key] = future
            while len(self._pdfs) > CACHE_SIZE:
                self._pdfs.popitem(last=False)
            return future


def _still_fresh(outcome: Outcome, job: Job) -> bool:
    """Whether the files the render of `outcome` read (a logo beside the sheet, say) still hold the
    bytes it read: the key covers the sheet and the theme, not what a template embeds."""
    from briefgen.render.inputs import input_roots, unchanged

    return unchanged(outcome.inputs, input_roots(job.theme, job.source_dir))


def _new_executor() -> ProcessPoolExecutor:
    import multiprocessing

    from briefgen.workers import start_worker

    # spawn: this process has threads, which fork would copy in whatever state they are in.
    # The worker ignores Ctrl-C, which reaches the whole process group (the server stops it
    # itself), and ends when the server dies, however it dies (its executor's queue alone
    # would keep it waiting for ever). No kernel watch: a request's thread starts it.
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker)


def _stop_executor(executor: ProcessPoolExecutor) -> None:
    processes = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=1.0)
        if process.is_alive():
            process.kill()
            process.join(timeout=1.0)
    # With its worker gone, the executor's manager thread sees the pool end and closes its
    # queues: wait for that here, while the interpreter is whole. Left to the exit, the
    # queues' semaphores could be finalised after multiprocessing's own exit handlers, and
    # the resource tracker then printed "leaked semaphore objects" after "preview stopped"
    # (seen once in CI, tests/test_serve.py::test_ctrl_c_stops_quickly_…).
    executor.shutdown(wait=True)


def _existing(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        resolved = path.resolve()
        if resolved.is_dir() and resolved not in found:
            found.append(resolved)
    return found


def _page_id(sheet: PlannedSheet, taken: dict[str, Entry]) -> str:
    base = sheet.sheet_id or Path(sheet.path).stem
    base = re.sub(r"[^A-Za-z0-9_-]", "-", base).strip("-_") or "sheet"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _html_of(outcome: Outcome | None) -> str | None:
    if outcome is None:
        return None
    data = outcome.outputs.get(f"{outcome.sheet_id}.html")
    return data.decode("utf-8") if data is not None else None


# --- HTML pieces -------------------------------------------------------------------------


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
    from briefgen.render.theme import MAX_TEMPLATE_BYTES
    from briefgen.sheet.loader import source_lines

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


def _plain(status: int, message: str) -> Page:
    return Page(status, (message + "\n").encode("utf-8"), _digest(message), "text/plain; charset=utf-8")


_INDEX_CSS = (
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;margin:2em auto;"
    "max-width:72em;padding:0 1em}h1{font-size:1.4em}table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.45em .6em;border-bottom:1px solid #d8dce0;vertical-align:top}"
    "th{font-size:.85em;color:#57606a}code{font-size:.85em;color:#57606a}a{color:#0b5cad}"
    "tr.invalid .status{color:#c62828;font-weight:600}tr.valid .status{color:#1a7f37}"
    ".problem{color:#c62828}.hint{color:#57606a;font-size:.9em;margin-top:2em}"
)


# --- HTTP ----------------------------------------------------------------------------------


def host_allowed(header: str | None, bound: str, port: int) -> bool:
    """Whether a Host header names this server by a loopback name (or its bound address)."""
    if not header:
        return False
    host = header.strip().lower()
    bound_name = f"[{bound}]" if ":" in bound and not bound.startswith("[") else bound
    for name in {*_LOOPBACK_NAMES, bound_name.lower()}:
        if host == name or host == f"{name}:{port}":
            return True
    return False


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server with a cap on connections, and quiet about clients that go away."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], preview: Preview) -> None:
        import socket

        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.preview = preview
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.streams = threading.BoundedSemaphore(MAX_EVENT_STREAMS)
        super().__init__(address, PreviewHandler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except RuntimeError:  # no thread could be started: the slot was never used
            self.slots.release()
            self.shutdown_request(request)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that resets or times out is not worth a traceback on the terminal.
        return


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    timeout = CONNECTION_TIMEOUT
    server_version = "briefgen-preview"
    sys_version = ""
    # Errors in a request line that is not HTTP at all still get a status line (never HTTP/0.9).
    default_request_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        return

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if not host_allowed(self.headers.get("Host"), str(self.server.server_address[0]),
                            int(self.server.server_address[1])):
            self._send(_plain(403, "forbidden: this preview answers only to localhost"))
            return False
        if self.command not in ("GET", "HEAD"):
            self._send(_plain(405, f"method {self.command} not allowed"), {"Allow": "GET, HEAD"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - the base class dispatches by this name
        self._route(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._route(head=True)

    def _route(self, head: bool) -> None:
        preview = self.server.preview
        try:
            split = urlsplit(self.path)
            query = parse_qs(split.query, max_num_fields=8)
        except ValueError:
            self._send(_plain(400, "bad request"), head=head)
            return
        if not self.path.startswith("/"):
            self._send(_plain(404, "not found"), head=head)
            return
        release = query.get("release", [None])[0]
        if split.path == "/_briefgen/events":
            if head:
                self._send(Page(200, b"", "", "text/event-stream"), head=True)
            else:
                self._events(query)
            return
        if split.path == "/_briefgen/status":
            snapshot = preview.snapshot
            status = {"generation": snapshot.generation, "rebuilds": preview.rebuilds,
                      "sheets": sorted(snapshot.entries)}
            self._send(Page(200, json.dumps(status).encode(), "", "application/json"), head=head)
            return
        match = _ROUTE.match(split.path)
        if match is None:
            self._send(_plain(404, "not found"), head=head)
            return
        page_id, kind = match.group("id"), match.group("kind")
        if page_id is None:
            page = preview.index()
        elif kind == "pdf":
            page = preview.pdf(page_id, release)
        elif kind == "side.html":
            page = preview.side(page_id, release)
        else:
            page = preview.page(page_id, release, embed=query.get("embed", [""])[0] == "1")
        self._send(page, head=head)

    def _send(self, page: Page, headers: dict[str, str] | None = None, head: bool = False) -> None:
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head and self.command != "HEAD":
            self.wfile.write(page.body)

    def _events(self, query: dict[str, list[str]]) -> None:
        """A stream that says `changed` whenever the page the script sits in would look different."""
        preview = self.server.preview
        if not self.server.streams.acquire(blocking=False):
            self._send(_plain(503, "too many live-reload streams"))
            return
        try:
            kind = query.get("kind", ["page"])[0]
            page_id = query.get("page", [""])[0]
            release = query.get("release", [None])[0]
            etag = query.get("etag", [""])[0]
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n")
            generation = -1
            while not preview.stopping.is_set():
                now = preview.wait_for_change(generation, PING_SECONDS)
                if preview.stopping.is_set():
                    break
                if now == generation:
                    self.wfile.write(b": ping\n\n")
                    continue
                generation = now
                current = preview.etag(kind, page_id, release)
                if current != etag:
                    etag = current
                    self.wfile.write(f"event: changed\ndata: {etag}\n\n".encode())
        except OSError:
            pass
        finally:
            self.close_connection = True
            self.server.streams.release()


__all__ = ["Page", "Preview", "PreviewServer", "Settings", "editor_url", "host_allowed", "inject",
           "run_server", "serve_command"]
