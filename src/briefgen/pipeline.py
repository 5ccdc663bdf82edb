"""The pipeline every command drives: plan → run → publish.

    plan(paths, options) -> Plan     find the fact sheets once; load and validate each;
                                     duplicate ids and the release level, once; the theme
                                     and its digest. Diagnostics are data in the plan.
    run(job) -> Outcome              one brief: release → view → HTML → PDF. Pure and
                                     picklable, keyed by a hash of everything it reads.
    publish(plan, outcomes, out)     the only writer (publish.py).

`check` is a plan; `build` is a plan, a run of each job and a publish. Nothing
mutates a stage's records after the stage: later findings make new Reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.publish.folder import Published, publish
from briefgen.records import BriefRecord, Job, Options, Outcome, Plan, PlannedSheet
from briefgen.render.theme import Theme
from briefgen.report.diagnostics import TEMPLATE_ERROR_CODE, Diagnostic, Report, Span, format_path
from briefgen.sheet.loader import DataPath, text_values
from briefgen.sheet.sources import Candidate, MissingPath, discover, load_candidate

if TYPE_CHECKING:  # the model (pydantic) is imported only when a sheet is checked
    from briefgen.publish.manifest import BriefEntry
    from briefgen.sheet.model import FactSheet
    from briefgen.sheet.validate import Checked


class PlanError(Exception):
    """The request itself cannot be planned: a missing path, no fact sheets, an unknown level."""

    def __init__(self, message: str, param: str = "PATH") -> None:
        super().__init__(message)
        self.param = param


def in_shard(name: str, shard: tuple[int, int] | None) -> bool:
    """Whether the brief `name` belongs to shard K of N.

    By a stable hash of the name alone, so every brief keeps its shard when others are
    added or removed, and every runner agrees without talking to the others.
    """
    if shard is None:
        return True
    number, count = shard
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:16], 16) % count == number - 1


# --- plan ---------------------------------------------------------------------------


def plan(paths: Sequence[Path], options: Options, known: Mapping[str, BriefEntry] | None = None) -> Plan:
    """Find, load and validate the fact sheets named by `paths`, and plan a job for each valid one.

    `known` maps a fact sheet's path to what an output folder recorded for it (publish.
    up_to_date: entries whose files are intact). A sheet whose key equals the recorded one
    gets no job (`PlannedSheet.reused`); for full documents it is not even parsed or validated
    again (its report is the recorded one), but for a release it is, because a release folder
    records only what its audience may read. Raises PlanError for a missing path or no fact sheets.
    """
    audience = options.audience
    try:
        found = discover(list(paths))
    except MissingPath as exc:
        raise PlanError(f"'{exc}' does not exist") from None
    if not found:
        raise PlanError("no fact sheets (*.yaml, *.yml) found in " + ", ".join(map(str, paths)))
    environment = _environment_key(options) if options.theme is not None else ""
    reused = _reusable(found, known or {}, options, environment)
    skipped = {} if audience is not None else reused  # sheets neither parsed nor validated
    checked = [load_candidate(candidate) for candidate in found if str(candidate.path) not in skipped]
    duplicates = _duplicate_ids(checked, {path: entry.id for path, (entry, _) in skipped.items()})
    twins = _case_twins(found)
    if any(path in duplicates or path in twins for path in skipped):  # a clash: check every sheet
        reused = skipped = {}
        checked = [load_candidate(candidate) for candidate in found]
        duplicates = _duplicate_ids(checked, {})
    keys = {path: key for path, (_, key) in reused.items()}
    sheets = []
    for candidate in found:
        path = str(candidate.path)
        if path in skipped:
            entry, key = skipped[path]
            if in_shard(entry.id, options.shard):
                sheets.append(PlannedSheet(path, recorded_report(path, entry), entry.id, None, reused=key))
    for item in checked:
        keys.setdefault(item.path, job_key(item.loaded.text, item.path, options, environment))
        if not in_shard(item.sheet_id or Path(item.path).stem, options.shard):
            continue
        clashes = [*duplicates.get(item.path, ()), *twins.get(item.path, ())]
        sheets.append(_planned(item, clashes, options, environment, reused.get(item.path)))
    order = {str(candidate.path): index for index, candidate in enumerate(found)}
    sheets.sort(key=lambda sheet: order[sheet.path])
    return Plan(options, tuple(sheets), tuple(paths), frozenset(order), _plan_digest(keys),
                exact=audience is not None or options.shard is not None)


def _planned(item: Checked, clashes: Sequence[Diagnostic], options: Options, environment: str,
             reused: tuple[BriefEntry, str] | None) -> PlannedSheet:
    """One checked sheet planned: for a release, what the release stage says of it; and its job."""
    from briefgen.release.cut import NOT_RELEASED, WITHHOLDS_SUBSTANCE, released_report

    audience = options.audience
    extra = list(clashes)
    sheet = item.sheet if not extra else None
    report = item.report.extended(extra) if extra else item.report
    withheld = None
    if audience is not None:
        complete = False  # an invalid sheet cannot be cut: none of its messages is quoted
        notes = []
        if sheet is not None:
            from briefgen.release.cut import release, withholding

            found = withholding(sheet, audience)
            if found is not None:
                withheld, where = found
                # A note, not a warning: withholding is the release working as meant,
                # so one brief the audience may not read never stops the others (not under --strict).
                notes.append(_at(item, where, "note", NOT_RELEASED,
                                 f"not released to {audience.name}: {withheld}",
                                 "nothing of this brief is written in this release"))
            else:
                cut = release(sheet, audience)
                complete = cut.complete
                if not cut.substance:
                    notes.append(_at(item, ("classification",), "warning", WITHHOLDS_SUBSTANCE,
                                     f"the release for {audience.name} keeps none of this brief's substance: "
                                     "its summary, recommendations, argument or discussion, objectives, points, "
                                     "lines to take, issues for discussion, outcomes and commitments are all "
                                     "withheld",
                                     "clear some of them for this audience, or leave the brief out of this release"))
        report = released_report(report, complete, withheld is not None).extended(notes)
    job = None
    if sheet is not None and withheld is None and options.theme is not None and not report.failed(options.strict):
        if reused is not None:
            return PlannedSheet(item.path, report, item.sheet_id, None, reused=reused[1])
        job = _job(item, sheet, options, options.theme, environment)
    return PlannedSheet(item.path, report, item.sheet_id, job, withheld)


def _plan_digest(keys: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(keys):
        digest.update(f"{path}\0{keys[path]}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _at(item: Checked, loc: DataPath, severity: str, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic.at(item.path, item.loaded.marks.value(loc), severity, code, message, hint)  # type: ignore[arg-type]


def _duplicate_ids(checked: list[Checked], reused: Mapping[str, str]) -> dict[str, list[Diagnostic]]:
    """Diagnostics for sheets that share an id, by path (`reused`: path → id of reused sheets).

    A reused sheet in a clash gets an entry too (with no diagnostic): the caller then checks
    every sheet again, so that each clash is reported at its line.
    """
    by_id: dict[str, list[str]] = {}
    for item in checked:
        if item.sheet_id is not None:
            by_id.setdefault(item.sheet_id, []).append(item.path)
    for path, sheet_id in reused.items():
        by_id.setdefault(sheet_id, []).append(path)
    items_by_path = {item.path: item for item in checked}
    found: dict[str, list[Diagnostic]] = {}
    for sheet_id, paths in by_id.items():
        if len(paths) < 2:
            continue
        for path in paths:
            found.setdefault(path, [])
            clashing = items_by_path.get(path)
            if clashing is None:
                continue
            others = ", ".join(other for other in paths if other != path)
            found[path].append(_at(
                clashing, ("id",), "error", "duplicate-build-id",
                f"the id '{sheet_id}' is also used by {others}; outputs would collide",
                "give each fact sheet its own `id:`"))
    return found


def _case_twins(found: Sequence[Candidate]) -> dict[str, list[Diagnostic]]:
    """`unportable-file-name` for sheets whose paths differ only in case (one file on Windows and macOS)."""
    by_folded: dict[str, list[str]] = {}
    for candidate in found:
        by_folded.setdefault(str(candidate.path).casefold(), []).append(str(candidate.path))
    return {path: [Diagnostic.at(path, Span(1, 1), "error", "unportable-file-name",
                                 f"this path differs only in case from {', '.join(o for o in paths if o != path)}: "
                                 "on Windows and macOS they are one file, and one sheet would be lost",
                                 "rename one of them")]
            for paths in by_folded.values() if len(paths) > 1 for path in paths}


def _reusable(found: Sequence[Candidate], known: Mapping[str, BriefEntry],
              options: Options, environment: str) -> dict[str, tuple[BriefEntry, str]]:
    """The found sheets whose key equals the one recorded for them, and whose render's inputs
    still hold the bytes recorded: path → (entry, key)."""
    if options.theme is None or not known:
        return {}
    from briefgen.render.inputs import input_roots, unchanged
    from briefgen.sheet.loader import read_text

    expected = {kind for kind, wanted in (("html", options.html), ("pdf", options.pdf)) if wanted}
    hashed: dict[tuple[Path, str], str | None] = {}  # a template read by every brief is hashed once
    roots_of: dict[Path, dict[str, Path]] = {}
    reusable: dict[str, tuple[BriefEntry, str]] = {}
    for candidate in found:
        path = str(candidate.path)
        entry = known.get(path)
        if entry is None or candidate.refusal is not None or entry.key is None or set(entry.outputs) != expected:
            continue
        text = read_text(candidate.path)
        if text is None or entry.key != job_key(text, path, options, environment):
            continue
        folder = Path(path).parent.resolve()
        if folder not in roots_of:
            roots_of[folder] = input_roots(options.theme, folder)
        if unchanged(entry.inputs, roots_of[folder], hashed):
            reusable[path] = (entry, entry.key)
    return reusable


def recorded_report(path: str, entry: BriefEntry) -> Report:
    """The report a sheet had when its outputs were written (what `check` found then), from its manifest entry."""
    from briefgen.sheet.loader import source_lines

    lines: list[str] = []
    if entry.checked:  # the lines are shown under each diagnostic
        from briefgen.sheet.loader import read_text

        lines = source_lines(read_text(Path(path)) or "")
    return Report.of(path, entry.checked, lines)


def _environment_key(options: Options) -> str:
    """The toolchain's fingerprint and the theme's digest. Raises PlanError for a theme that cannot be one."""
    from briefgen.render.theme import ThemeError
    from briefgen.render.toolchain import fingerprint

    assert options.theme is not None
    try:
        digest = options.theme.digest()
    except ThemeError as exc:
        raise PlanError(str(exc), param="--templates/--styles") from None
    return f"{fingerprint()}\ntheme={digest}"


def _job(item: Checked, sheet: FactSheet, options: Options, theme: Theme, environment: str) -> Job:
    from briefgen.render.formatting import note_locale

    source_dir = Path(item.path).parent.resolve()
    assert item.sheet_id is not None
    return Job(sheet_id=item.sheet_id, path=item.path, source_dir=source_dir, sheet=sheet,
               marks=item.loaded.marks, audience=options.audience, html=options.html, pdf=options.pdf,
               theme=theme, key=job_key(item.loaded.text, item.path, options, environment),
               locale=note_locale(sheet.classification.scheme, options.locale))


def job_key(text: str, path: str, options: Options, environment: str) -> str:
    """A job's key: sha256 of the sheet's text, its path as shown, the audience, the options and the environment.

    The sheet's folder is left out: moving a repository (a CI runner's workspace) changes
    no output, since a brief reads nothing beside its sheet that the theme does not cover.
    """
    key = hashlib.sha256()
    audience = options.audience.digest() if options.audience is not None else "None"
    for part in (text, path, audience, str(options.html), str(options.pdf), str(options.locale), environment):
        key.update(part.encode("utf-8", "surrogatepass"))
        key.update(b"\0")
    return key.hexdigest()


# --- run ----------------------------------------------------------------------------


def run(job: Job) -> Outcome:
    """Render one brief: release → view → HTML → PDF, in memory. Never raises for one brief's problem.

    A template problem becomes a `template-error` diagnostic naming the template file and
    line; anything else a renderer raises is reported for this brief (`render-failed`),
    so the other briefs of the build still build.
    """
    from briefgen.render.template_problems import TemplateProblem

    try:
        return _render(job)
    except TemplateProblem as exc:
        problem = Diagnostic.at(exc.path, Span(exc.line, 1), "error", TEMPLATE_ERROR_CODE, exc.message,
                                "fix the template; `briefgen build` names the file and line")
    except RecursionError:
        problem = Diagnostic.at(job.path, Span(1, 1), "error", "render-failed",
                                "the brief nests too deeply to render", "flatten nested lists and quotes")
    except Exception as exc:  # noqa: BLE001 - the job boundary: one brief's failure is reported, not fatal
        detail = f"{type(exc).__name__}: {exc}"[:300]
        problem = Diagnostic.at(job.path, Span(1, 1), "error", "render-failed",
                                f"rendering this brief failed ({detail})",
                                "this is a bug in briefgen or a library it uses: please report it")
    return Outcome(job.sheet_id, job.path, job.key, diagnostics=(problem,))


def _render(job: Job) -> Outcome:
    from briefgen.release.cut import release
    from briefgen.render.inputs import Reads, input_roots
    from briefgen.render.stylesheets import weasyprint_styles
    from briefgen.render.templates import render_html
    from briefgen.render.view import brief_view

    cut = release(job.sheet, job.audience)
    view = brief_view(cut, job.locale)
    reads = Reads(input_roots(job.theme, job.source_dir))
    html = render_html(view, job.theme, reads)
    found = list(_glyph_warnings(job, cut.shows))
    outputs: dict[str, bytes] = {}
    names: dict[str, str] = {}
    pages = None
    if job.html:
        names["html"] = f"{job.sheet_id}.html"
        outputs[names["html"]] = html.encode("utf-8")
    if job.pdf:
        from briefgen.render.pdf import print_pdf

        printed = print_pdf(html, base=job.source_dir, roots=job.theme.roots(),
                            stylesheets=weasyprint_styles(job.theme, reads), reads=reads)
        names["pdf"] = f"{job.sheet_id}.pdf"
        outputs[names["pdf"]] = printed.data
        pages = printed.pages
        for url in printed.refused:
            found.append(_diagnostic(job, (), "warning", "refused-resource",
                                     f"the brief refers to {url[:200]}, which briefgen does not fetch",
                                     "only data: URLs and files beside the fact sheet, the templates "
                                     "and the styles are used"))
        limit = job.sheet.document.page_limit
        if limit is not None and pages > limit:
            found.append(_diagnostic(job, ("document", "page_limit"), "warning", "page-limit",
                                     f"the PDF has {pages} pages, over the page limit of {limit}",
                                     "shorten the text, or raise document.page_limit"))
    record = BriefRecord(
        id=job.sheet_id,
        title=job.sheet.title,
        kind=job.sheet.kind,
        meeting_date=job.sheet.meeting.date,
        occasion=view.occasion,
        venue=view.venue,
        level=cut.level,
        scheme=cut.scheme.name,
        banner=view.banner.text,
        tone=view.banner.tone,
        audience=cut.cleared_to,
        pages=pages,
        outputs=names,
        status=view.status,
        reference=cut.reference,
        owner=view.drafted_by,
        countries=tuple(sorted({p.country for p in view.participants})),
        caveats=view.banner.caveats,
        categories=view.banner.categories,
    )
    return Outcome(job.sheet_id, job.path, job.key, outputs, tuple(found), record, inputs=reads.files)


def _diagnostic(job: Job, loc: DataPath, severity: str, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic.at(job.path, job.marks.value(loc), severity, code, message, hint)  # type: ignore[arg-type]


def _glyph_warnings(job: Job, shows: Callable[[DataPath], bool]) -> Iterable[Diagnostic]:
    from briefgen.render.fonts import missing_glyphs, package_for

    texts = [(loc, text) for loc, text in text_values(job.sheet.model_dump(exclude_none=True, warnings=False))
             if shows(loc)]
    for loc, chars in missing_glyphs(texts):
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:12])
        packages = " or ".join(package_for(chars))
        yield _diagnostic(job, loc, "warning", "missing-glyphs",
                          f"`{format_path(loc)}`: no installed font can draw {shown}",
                          f"install a font that covers them, e.g. `apt-get install {packages}`")


__all__ = ["Job", "Options", "Outcome", "Plan", "PlanError", "PlannedSheet", "Published", "plan", "publish", "run"]
