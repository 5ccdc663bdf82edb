"""The preview's state: the latest snapshot of the fact sheets, rebuilt (plan → run) on every change.

A watched change (fact sheets, the project's templates and styles, briefgen.toml)
plans again, runs only the jobs whose key changed (HTML only; a PDF is printed on
demand, prints.py), keeps the outcomes in memory and counts a new generation, which
wakes the pages' event streams. Nothing is written: `publish` is never called.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen.errors import PlanError
from briefgen.pipeline import plan, run
from briefgen.preview.prints import Printer, still_fresh
from briefgen.preview.watch import Folders, Watcher
from briefgen.project import Project, ProjectError, read_project
from briefgen.records import BriefRecord, Job, Options, Outcome, PlannedSheet
from briefgen.release.audience import Audience, AudienceError, shorthand
from briefgen.report.diagnostics import Report
from briefgen.theme import Theme

#: Renders at release levels other than the default, and PDFs, kept in memory.
CACHE_SIZE = 32


@dataclass(frozen=True)
class Settings:
    """What the command line asked for; briefgen.toml fills in the rest (and may change)."""

    paths: tuple[Path, ...] = ()
    #: --release, --audience or --public: nothing it may not read is ever shown.
    ceiling: Audience | None = None
    templates: Path | None = None
    styles: Path | None = None
    editor: str | None = None
    #: --locale: the one locale the preview writes notes in (default: briefgen.toml's first).
    locale: str | None = None


@dataclass(frozen=True)
class Entry:
    """One fact sheet as the latest plan found it, with its HTML outcome at the default level."""

    page_id: str
    planned: PlannedSheet
    outcome: Outcome | None
    report: Report

    @property
    def failed(self) -> bool:
        return self.report.failed() or (self.planned.job is not None and not html_of(self.outcome))


@dataclass(frozen=True)
class Snapshot:
    """Everything the latest rebuild found; replaced whole, never changed."""

    generation: int = 0
    entries: dict[str, Entry] = field(default_factory=dict)
    #: Why nothing could be planned (a missing folder, a bad briefgen.toml), or None.
    problem: str | None = None
    project: Project = field(default_factory=Project)


@dataclass(frozen=True)
class Remembered:
    """What the preview keeps of a sheet's last good render, to show under an overlay."""

    html: str
    title: str
    meeting_date: str
    level: str
    scheme: str
    #: Its record, for the home page's row (what the published index would list), when it had one.
    record: BriefRecord | None = None


class Preview:
    """The preview's state: the latest snapshot, renders per release level, PDFs, the watcher."""

    def __init__(self, settings: Settings, project: Project, log: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        #: Where a line goes for each brief a rebuild renders (the terminal `serve` runs in), or nowhere.
        self.log = log
        self.project = project
        self.snapshot = Snapshot(project=project)
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.rebuilds = 0
        self.printer = Printer(CACHE_SIZE)
        self._dirty = threading.Event()
        self._config_changed = False
        self._config_problem: str | None = None
        self._lock = threading.RLock()
        self._outcomes: OrderedDict[str, Outcome] = OrderedDict()
        self._good: dict[tuple[str, Audience | None], Remembered] = {}
        self._threads: list[threading.Thread] = []
        self._watcher = Watcher(self.watched, self._saw_change, self.stopping)

    # -- configuration ---------------------------------------------------------------

    @property
    def paths(self) -> list[Path]:
        return list(self.settings.paths) if self.settings.paths else [self.project.briefs]

    @property
    def theme(self) -> Theme:
        return self.project.theme(self.settings.templates, self.settings.styles)

    @property
    def editor(self) -> str:
        return self.settings.editor or self.project.editor

    def options(self, level: Audience | None, pdf: bool = False) -> Options:
        """What to plan: HTML, or the PDF alone, at `level`, with the project's theme and one locale."""
        locales = (self.settings.locale,) if self.settings.locale else self.project.locales[:1]
        from briefgen.project import read_registry_file
        from briefgen.render.pdf_variants import chosen_variant

        # The preview shows what `build` would make of the project at `level`, variant included, and
        # checks the sheets against the registry as it is now (read again for every rebuild: it is small).
        try:
            registry = read_registry_file(self.project)[0]
        except OSError:
            registry = None  # as with errors in it: the checks across sheets go on without it
        return Options(audience=level, html=not pdf, pdf=pdf, theme=self.theme, locales=locales,
                       pdf_variant=chosen_variant(None, self.project.pdf_variant, level is not None),
                       registry=registry)

    def watched(self) -> Folders:
        """(folders watched recursively, folders watched for briefgen.toml only)."""
        recursive: list[Path] = []
        for path in self.paths:
            folder = path if path.is_dir() else path.parent
            recursive.append(folder)
        theme = self.theme
        recursive.extend(theme.template_dirs + theme.style_dirs)
        top = [self.project.root] if self.project.root is not None and self.project.config is not None else []
        return _existing(recursive), _existing(top)

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> None:
        """Watch, then build once (so no save between the two is missed), then rebuild on change."""
        self._spawn(self._watcher.run, "watch_loop")
        self._watcher.watching.wait(timeout=5.0)
        self.rebuild()
        self._spawn(self._rebuild_loop, "rebuild_loop")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, daemon=True, name=f"briefgen_{name}")
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        self._watcher.stop()
        self._dirty.set()
        with self.changed:
            self.changed.notify_all()
        self.printer.stop()
        for thread in self._threads:
            thread.join(timeout=1.0)

    def _saw_change(self, config: bool) -> None:
        if config:
            self._config_changed = True
        self._dirty.set()

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
                    self._watcher.rewatch()  # watch the folders the new settings name
        problem = self._config_problem
        entries: dict[str, Entry] = {}
        try:
            planned = plan(self.paths, self.options(self.settings.ceiling))
        except PlanError as exc:
            problem = "; ".join(filter(None, (problem, str(exc))))
        else:
            before = {entry.planned.path: entry.report for entry in self.snapshot.entries.values()}
            for sheet in planned.sheets:
                started = time.monotonic()
                outcome, rendered = self._run(sheet.job) if sheet.job is not None else (None, False)
                report = planned.final_reports([outcome] if outcome else [])[planned.sheets.index(sheet)]
                page_id = _page_id(sheet, entries)
                entries[page_id] = Entry(page_id, sheet, outcome, report)
                if rendered or before.get(sheet.path) != report:
                    self._log_line(sheet, report, time.monotonic() - started, rendered)
        with self.changed:
            self.rebuilds += 1
            self.snapshot = Snapshot(self.snapshot.generation + 1, entries, problem, self.project)
            self.changed.notify_all()

    def _run(self, job: Job) -> tuple[Outcome, bool]:
        """The job's outcome, and whether it was rendered now (False: the one kept from before)."""
        with self._lock:
            found = self._outcomes.get(job.key)
            if found is not None and still_fresh(found, job):
                self._outcomes.move_to_end(job.key)
                return found, False
        outcome = run(job)
        with self._lock:
            self._outcomes[job.key] = outcome
            while len(self._outcomes) > max(CACHE_SIZE, 2 * len(self.snapshot.entries) + 8):
                self._outcomes.popitem(last=False)
        return outcome, True

    def _log_line(self, sheet: PlannedSheet, report: Report, seconds: float, rendered: bool) -> None:
        """`rebuilt g20-2025 in 0.42 s: 1 warning`; for a sheet that cannot render, its errors; for one whose
        findings changed back to a render kept from before, that render's."""
        if self.log is None:
            return
        errors, warnings = len(report.errors), len(report.warnings)
        found = ", ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((errors, "error"), (warnings, "warning"))
                          if n) or "no problems"
        name = sheet.sheet_id or sheet.path
        done = (f"rebuilt {name} in {seconds:.2f} s" if rendered else f"not rendered {name}" if sheet.job is None
                else f"{name} as last rendered")  # an edit undone: its earlier render is shown again
        try:
            self.log(f"{done}: {found}")
        except (OSError, ValueError):  # a closed terminal must not stop the preview
            pass

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

    def hidden(self, entry: Entry | None) -> bool:
        """Whether a brief is withheld from the preview's ceiling: then the preview shows nothing of it,
        not its title, its file name or why, as if it were not there."""
        return entry is not None and self.settings.ceiling is not None and entry.planned.withheld is not None

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
        if not requested:
            return self.default_level
        try:
            asked = shorthand(requested)  # the level's own spelling, in any case asked
        except AudienceError:
            return self.default_level
        return asked if asked.name in self.levels(entry) else self.default_level

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
        try:
            planned = plan([Path(entry.planned.path)], self.options(level))
        except PlanError:
            return entry.planned, None
        sheet = planned.sheets[0]
        outcome = self._run(sheet.job)[0] if sheet.job is not None else None
        report = planned.final_reports([outcome] if outcome else [])[0]
        return replace(sheet, report=report), outcome

    # -- last good renders ------------------------------------------------------------------

    def remember(self, page_id: str, level: Audience | None, good: Remembered) -> None:
        """Keep a sheet's good render at `level`, to show under an overlay once it breaks."""
        self._good[(page_id, level)] = good

    def remembered(self, page_id: str, level: Audience | None) -> Remembered | None:
        return self._good.get((page_id, level))


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


def html_of(outcome: Outcome | None) -> str | None:
    """The HTML brief of an outcome, or None when it has none."""
    if outcome is None:
        return None
    data = outcome.outputs.get(f"{outcome.sheet_id}.html")
    return data.decode("utf-8") if data is not None else None
