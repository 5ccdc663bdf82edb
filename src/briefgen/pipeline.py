"""The pipeline every command drives: plan → run → publish, and the build that strings them together.

    plan(paths, options) -> Plan     find the fact sheets once; load and validate each;
                                     duplicate ids and the release level, once; the theme
                                     and its digest. Diagnostics are data in the plan.
    run(job) -> Outcome              one brief: release → view → HTML → PDF (render/brief.py).
                                     Pure and picklable, keyed by a hash of everything it reads.
    publish(plan, outcomes, out)     the only writer (publish/folder.py).
    build(paths, options, out, …)    a plan against what `out` holds, the jobs left run in
                                     the worker pool, the outcomes merged in the plan's order,
                                     and a publish: what `build` and `serve` drive.

`check` is a plan; `build` is `build`. Nothing mutates a stage's records after the
stage: later findings make new Reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from briefgen.earlier import Cut, cut_of, earlier_sightings, history_of, history_only, recorded_sighting, sighting
from briefgen.errors import PlanError
from briefgen.keys import environment_key, in_shard, job_key, plan_digest, recorded_report, reusable
from briefgen.publish.folder import Published, publish
from briefgen.records import Job, Options, Outcome, Plan, PlannedSheet, SinceLastTime
from briefgen.render.brief import run
from briefgen.report.diagnostics import TEMPLATE_ERROR_CODE, Diagnostic, Report, Span
from briefgen.sheet.marks import DataPath
from briefgen.sheet.sources import Candidate, MissingPath, discover, load_candidate
from briefgen.theme import Theme

if TYPE_CHECKING:  # the model (pydantic) is imported only when a sheet is checked
    from briefgen.publish.manifest import BriefEntry
    from briefgen.sheet.crossrefs import CrossFindings
    from briefgen.sheet.model import FactSheet
    from briefgen.sheet.validate import Checked


# --- plan ---------------------------------------------------------------------------


def plan(paths: Sequence[Path], options: Options, known: Mapping[str, BriefEntry] | None = None, *,
         keep_sheets: bool = False) -> Plan:
    """Find, load and validate the fact sheets named by `paths`, and plan a job for each valid one.

    `known` maps a fact sheet's path to what an output folder recorded for it (publish.
    up_to_date: entries whose files are intact). A sheet whose key equals the recorded one
    gets no job (`PlannedSheet.reused`); for full documents it is not even parsed or validated
    again (its report is the recorded one), but for a release it is, because a release folder
    records only what its audience may read. With `keep_sheets`, each valid sheet is kept on its
    PlannedSheet (`sheet`). Raises PlanError for a missing path or no fact sheets.
    """
    audience = options.audience
    try:
        found = discover(list(paths))
    except MissingPath as exc:
        raise PlanError(f"'{exc}' does not exist") from None
    if not found:
        raise PlanError("no fact sheets (*.yaml, *.yml) found in " + ", ".join(map(str, paths)))
    environment = environment_key(options) if options.theme is not None else ""
    known = known or {}
    earlier = history_only(found, options)
    # Sheets the output folder has no record of are parsed in any case: now, so that the history below has them.
    fresh = {str(c.path): load_candidate(c) for c in [*found, *earlier] if str(c.path) not in known}
    cuts: dict[str, Cut] = {}
    seen_fresh = [s for item in fresh.values() if (s := sighting(item, audience, cuts)) is not None] \
        if options.theme is not None else []
    pool = {str(candidate.path) for candidate in [*found, *earlier]}
    # Since last time, as the recorded briefs say: the key of each brief they still hold. Once every sheet is
    # known (parsed, or reused by that key) it is worked out again, and a brief whose block changed is rendered.
    assumed = history_of([*(recorded_sighting(path, entry) for path, entry in known.items() if path in pool),
                          *seen_fresh], options)
    reused = reusable(found, known, options, environment, assumed.digests)
    skipped = {} if audience is not None else reused  # sheets neither parsed nor validated
    checked = [fresh.get(str(c.path)) or load_candidate(c) for c in found if str(c.path) not in skipped]
    history = history_of([*(s for item in checked if (s := sighting(item, audience, cuts)) is not None),
                          *(recorded_sighting(path, entry) for path, (entry, _) in skipped.items()),
                          *earlier_sightings(earlier, known, options, environment, assumed, cuts, fresh)],
                         options) if options.theme is not None and (checked or fresh or earlier) else assumed
    stale = {path for path in reused if history.get(path, "") != assumed.get(path, "")}
    if stale:
        reused = {path: found for path, found in reused.items() if path not in stale}
        checked += [load_candidate(c) for c in found if str(c.path) in stale and str(c.path) in skipped]
        skipped = {path: found for path, found in skipped.items() if path not in stale}
    duplicates = _duplicate_ids(checked, {path: entry.id for path, (entry, _) in skipped.items()})
    twins = _case_twins(found)
    cross = _cross_refs(checked, skipped, options)
    if any(path in duplicates or path in twins for path in skipped):  # a clash: check every sheet
        reused = skipped = {}
        checked = [load_candidate(candidate) for candidate in found]
        duplicates = _duplicate_ids(checked, {})
        cross = _cross_refs(checked, skipped, options)
    elif cross.unparsed:
        # A warning across sheets for a sheet not parsed: parse every sheet, so that each warning is
        # reported at its line; the briefs are still reused (the warning changes none of them).
        skipped = {}
        checked = [load_candidate(candidate) for candidate in found]
        duplicates = _duplicate_ids(checked, {})
        cross = _cross_refs(checked, skipped, options)
    keys = {path: key for path, (_, key) in reused.items()}
    since = history.records
    sheets = []
    for candidate in found:
        path = str(candidate.path)
        if path in skipped:
            entry, key = skipped[path]
            if in_shard(entry.id, options.shard):
                sheets.append(PlannedSheet(path, recorded_report(path, entry), entry.id, None, reused=key))
    for item in checked:
        keys.setdefault(item.path, job_key(item.loaded.text, item.path, options, environment,
                                           history.get(item.path, "")))
        if not in_shard(item.sheet_id or Path(item.path).stem, options.shard):
            continue
        clashes = [*duplicates.get(item.path, ()), *twins.get(item.path, ())]
        planned = _planned(item, clashes, options, environment, reused.get(item.path),
                           cross.diagnostics.get(item.path, ()), since.get(item.path), cuts)
        sheets.append(replace(planned, sheet=item.sheet) if keep_sheets and not clashes else planned)
    order = {str(candidate.path): index for index, candidate in enumerate(found)}
    sheets.sort(key=lambda sheet: order[sheet.path])
    return Plan(options, tuple(sheets), tuple(paths), frozenset(order), plan_digest(keys),
                exact=audience is not None or options.shard is not None, registry_findings=tuple(cross.registry))


def _planned(item: Checked, clashes: Sequence[Diagnostic], options: Options, environment: str,
             reused: tuple[BriefEntry, str] | None, cross: Sequence[Diagnostic] = (),
             since: SinceLastTime | None = None, cuts: dict[str, Cut] | None = None) -> PlannedSheet:
    """One checked sheet planned: for a release, what the release stage says of it; and its job.

    `cross` are its warnings from the checks across sheets: reported (as a release reports
    any), never a reason to withhold its job; `since` its Since last time record, `cuts` the
    releases the plan already made (by path)."""
    from briefgen.release.reports import NOT_RELEASED, WITHHOLDS_SUBSTANCE, released_report

    audience = options.audience
    extra = list(clashes)
    sheet = item.sheet if not extra else None
    report = item.report.extended([*extra, *cross]) if extra or cross else item.report
    withheld = None
    if audience is not None:
        complete = False  # an invalid sheet cannot be cut: none of its messages is quoted
        notes = []
        if sheet is not None:
            found, cut = cut_of(item, audience, {} if cuts is None else cuts)
            if found is not None:
                withheld, where = found
                # A note, not a warning: withholding is the release working as meant,
                # so one brief the audience may not read never stops the others (not under --strict).
                notes.append(_at(item, where, "note", NOT_RELEASED,
                                 f"not released to {audience.name}: {withheld}",
                                 "nothing of this brief is written in this release"))
            elif cut is not None:
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
        shown = since if sheet.document.since_last_time else None
        job = _job(item, sheet, options, options.theme, environment, since, shown)
    return PlannedSheet(item.path, report, item.sheet_id, job, withheld)


def _cross_refs(checked: Sequence[Checked], skipped: Mapping[str, tuple[BriefEntry, str]],
                options: Options) -> CrossFindings:
    """The checks across sheets (sheet/crossrefs.py) over every sheet found: those checked now, and
    those reused unparsed, by what their records say they mention."""
    from briefgen.sheet.crossrefs import Site, cross_check
    from briefgen.sheet.mentions import mentions_of

    sites = [Site(item.path, item.sheet.meeting.date, mentions_of(item.sheet), item.loaded.marks)
             for item in checked if item.sheet is not None]
    sites += [Site(path, entry.record.meeting_date, entry.record.mentions) for path, (entry, _) in skipped.items()]
    return cross_check(sites, options.registry)


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


def _job(item: Checked, sheet: FactSheet, options: Options, theme: Theme, environment: str,
         since: SinceLastTime | None, shown: SinceLastTime | None) -> Job:
    """The job of one sheet; `since` keys it (whether or not the sheet prints the block), `shown` it prints."""
    from briefgen.render.formatting import note_locale

    source_dir = Path(item.path).parent.resolve()
    assert item.sheet_id is not None
    return Job(sheet_id=item.sheet_id, path=item.path, source_dir=source_dir, sheet=sheet,
               marks=item.loaded.marks, audience=options.audience, html=options.html, pdf=options.pdf,
               theme=theme, key=job_key(item.loaded.text, item.path, options, environment,
                                        since.digest() if since is not None else ""),
               locales=options.locales or (note_locale(sheet.classification.scheme),), parallel=options.parallel,
               pdf_variant=options.pdf_variant, docx=options.docx, docx_reference=options.docx_reference,
               since=shown)



# --- build --------------------------------------------------------------------------


class BuildProgress(Protocol):
    """Told as a build renders: how many briefs it will render, each one done, and when rendering ends."""

    def start(self, total: int) -> None: ...

    def done(self, outcome: Outcome) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Built:
    """What a build did: its plan, every brief's outcome (reused or rendered) and what was published."""

    plan: Plan
    outcomes: tuple[Outcome, ...]
    #: Every sheet's report with what rendering and publishing found.
    reports: tuple[Report, ...]
    #: None when the site index could not be written (its template failed: a report says where).
    published: Published | None
    #: Ids of the briefs whose outputs were already in the folder, intact, under the same key.
    unchanged: frozenset[str]


def build(paths: Sequence[Path], options: Options, out: Path, *, workers: int, timeout: float,
          force: bool = False, progress: BuildProgress | None = None,
          notify: Callable[[str], None] | None = None) -> Built:
    """Build into `out`: plan against what it holds, render what changed, publish.

    A sheet whose key is in the folder's manifest, with its files intact, is neither checked
    nor rendered again (unless `force`). Raises NotOurs for a damaged manifest or a folder
    briefgen did not write (before anything is rendered or written), PlanError for a request
    that cannot be planned and OSError when the folder cannot be written.
    """
    from briefgen.publish.folder import recorded_state
    from briefgen.render.template_problems import TemplateProblem
    from briefgen.workers import run_jobs

    seen, recorded = (None, {}) if force else recorded_state(out)
    planned = plan(paths, options, {source: entry for source, (entry, _) in recorded.items()})
    cached = {s.sheet_id: recorded[s.path][1] for s in planned.sheets if s.reused and s.sheet_id}
    todo = list(planned.jobs)
    if progress is not None:
        progress.start(len(todo))
    try:
        rendered = {o.sheet_id: o for o in run_jobs(todo, workers=workers, timeout=timeout,
                                                    on_done=progress.done if progress is not None else None)}
    finally:
        if progress is not None:
            progress.stop()
    outcomes = merged(planned, cached, rendered)
    reports = planned.final_reports(outcomes)
    try:
        published: Published | None = publish(planned, outcomes, out, notify=notify, seen=seen)
    except TemplateProblem as exc:
        reports.append(Report.of(exc.path, [Diagnostic.at(exc.path, Span(exc.line, 1), "error", TEMPLATE_ERROR_CODE,
                                                          exc.message, "fix the site index template")]))
        published = None
    return Built(planned, tuple(outcomes), tuple(reports), published, frozenset(cached))


def merged(planned: Plan, reused: Mapping[str, Outcome], rendered: Mapping[str, Outcome]) -> list[Outcome]:
    """Every brief's outcome in the plan's order: reused from the folder, or just rendered."""
    outcomes = []
    for sheet in planned.sheets:
        if sheet.reused and sheet.sheet_id:
            outcomes.append(reused[sheet.sheet_id])
        elif sheet.job is not None:
            outcomes.append(rendered[sheet.job.sheet_id])
    return outcomes


__all__ = ["BuildProgress", "Built", "Plan", "PlanError", "build", "plan", "publish", "run"]
