"""`briefgen build`: drive pipeline.build into an output folder and say what it did, brief by brief."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.commands.options import (
    FormatsType,
    GuardedPath,
    PdfVariantType,
    ShardType,
    audience_options,
    jobs_options,
    locale_option,
    output_format_option,
    paths_argument,
    resolve_audience,
    resolve_formats,
    resolve_locales,
    strict_option,
    theme_options,
    verbose_option,
)
from briefgen.commands.shared import (
    as_of_day,
    check_output,
    emit,
    history_roots,
    io_error,
    project_registry,
    sheet_paths,
    step_summary,
    summary_line,
    user_errors,
    with_registry_findings,
)
from briefgen.errors import EXIT_OK, EXIT_SHEET

if TYPE_CHECKING:
    from briefgen.pipeline import BuildProgress, Built
    from briefgen.project import Project
    from briefgen.records import Plan, ReferenceDocument
    from briefgen.report.ci import BriefRow
    from briefgen.report.diagnostics import Report


@click.command("build")
@paths_argument
@click.option("-o", "--out", type=GuardedPath(file_okay=False, path_type=Path),
              help="Output folder for the HTML, PDF, DOCX, index.html and manifest.json "
                   "(default: `output` in briefgen.toml, else ./site).")
@audience_options
@click.option("--format", "formats", type=FormatsType(), multiple=True,
              help="What each note is written as: html, pdf, docx (Word), repeated or as a list, e.g. "
                   "--format html,pdf,docx. Given, it replaces the defaults (`formats` in briefgen.toml, "
                   "else html and pdf).")
@click.option("--html/--no-html", default=None, help="Write DIR/ID.html as well as what --format or "
              "briefgen.toml ask for, or (--no-html) leave it out of them.")
@click.option("--pdf/--no-pdf", default=None, help="Write DIR/ID.pdf as well as what --format or "
              "briefgen.toml ask for, or (--no-pdf) leave it out of them.")
@locale_option("Write each note in these locales (en-GB, en-US, en-IN, ja, hi, fr), e.g. ja or en-GB,ja: "
               "labels, dates, numbers and the sheet's text in that language. With several, each brief "
               "becomes ID.LOCALE.html and .pdf, linked to each other (default: `locale` in briefgen.toml, "
               "else each sheet's scheme: uk en-GB, us en-US).")
@click.option("--parallel/--no-parallel", default=None,
              help="With two locales, also write ID.A+B.html and .pdf: both languages side by side, "
                   "paragraph by paragraph, with shared paragraph numbers (default: `parallel` in briefgen.toml).")
@click.option("--pdf-variant", type=PdfVariantType(),
              help="Print each PDF as pdf/a-2b (archival: XMP identifiers, an sRGB output intent), pdf/ua-1 "
                   "(accessible), pdf/a-2b+ua-1 (both), or none (a tagged PDF that declares no conformance) "
                   "(default: `pdf` in briefgen.toml, else pdf/a-2b for a release cut with --public, --audience "
                   "or --release, none otherwise). Not checked by veraPDF: see docs/outputs.md.")
@theme_options
@jobs_options
@click.option("--force", is_flag=True, help="Render every brief, even those whose outputs are up to date.")
@click.option("--shard", type=ShardType(), help="Build only shard K of N (by a stable hash of each brief's id), "
              "for CI runners; `briefgen assemble` merges the shards' folders.")
@strict_option
@verbose_option
@output_format_option
@user_errors
def build_command(paths: tuple[Path, ...], out: Path | None, release_level: str | None, audience_name: str | None,
                  public: bool, formats: tuple[tuple[str, ...], ...], html: bool | None, pdf: bool | None,
                  locales: tuple[str, ...] | None, parallel: bool | None,
                  pdf_variant: str | None,
                  templates: Path | None, styles: Path | None,
                  jobs: int | None, timeout: float | None, force: bool, shard: tuple[int, int] | None,
                  strict: bool, verbose: bool, output_format: str) -> None:
    """Build briefing notes (HTML, PDF, and Word with --format docx) from fact sheets.

    PATHS are fact sheets or folders (default: the project's briefs folder). Each valid
    sheet becomes OUT/ID.html and OUT/ID.pdf (and OUT/ID.docx); OUT/index.html lists every brief and
    OUT/manifest.json records what was written. Invalid sheets get their diagnostics and
    no output; the others still build. A file briefgen wrote but someone changed since is
    left alone and reported (exit 1); a build waits while another builds into OUT.
    On a terminal a progress line is redrawn; elsewhere (a CI log) a line comes on stderr as
    each brief finishes rendering, and a count every ten seconds while a long build runs.
    """
    from briefgen.pipeline import build
    from briefgen.project import load_project
    from briefgen.records import Options
    from briefgen.render.pdf_variants import chosen_variant
    from briefgen.workers import DEFAULT_TIMEOUT, default_workers

    project = load_project()
    registry, registry_reports = project_registry(project)
    audience = resolve_audience(project, release_level, audience_name, public)
    written = resolve_formats(project, formats, html, pdf)
    theme = project.theme(templates, styles)
    chosen, side_by_side = resolve_locales(project, locales, parallel)
    options = Options(audience=audience, html="html" in written, pdf="pdf" in written, strict=strict, theme=theme,
                      shard=shard, locales=chosen, parallel=side_by_side,
                      pdf_variant=chosen_variant(pdf_variant, project.pdf_variant, audience is not None),
                      docx="docx" in written, docx_reference=_reference(project) if "docx" in written else None,
                      registry=registry, as_of=as_of_day())
    target = out if out is not None else project.output
    sources = sheet_paths(paths, project)
    options = dataclasses.replace(options, history=history_roots(sources, project))
    check_output(target, project, [*sources, *theme.template_dirs, *theme.style_dirs])
    try:
        built = build(sources, options, target, workers=jobs or project.jobs or default_workers(),
                      timeout=timeout or project.timeout or DEFAULT_TIMEOUT, force=force,
                      progress=_progress(output_format),
                      notify=lambda line: click.echo(line, err=True))
    except OSError as exc:  # the output folder: no space, no permission, a file in the way
        io_error(exc)
    registry_reports = with_registry_findings(registry_reports, built.plan.registry_findings, paths, project)
    sys.exit(_report(built, strict, output_format, verbose, registry_reports))


def _progress(output_format: str) -> BuildProgress:
    """A redrawn line on a terminal (text output), log lines off one (a CI log shows each brief as it finishes)."""
    from briefgen.commands.progress import LogProgress, Progress

    if sys.stderr.isatty():
        return Progress(sys.stderr, enabled=output_format == "text")
    return LogProgress(sys.stderr)


def _reference(project: Project) -> ReferenceDocument | None:
    """briefgen.toml's `docx_reference`, read and checked to be a Word document or template (exit 2 if not, 4 if
    it cannot be read)."""
    from briefgen.project import read_reference

    try:
        return read_reference(project)
    except OSError as exc:
        io_error(exc, "read", project.docx_reference)


def _report(built: Built, strict: bool, output_format: str, verbose: bool, before: Sequence[Report] = ()) -> int:
    """Print what the build did (diagnostics, one line per brief, the summary line); its exit code.
    `before`: reports of project files (the registry), printed first."""
    planned, reports, published = built.plan, [*before, *built.reports], built.published
    overflow = emit(reports, output_format, verbose)
    if published is None:  # the site index's template failed: its diagnostic is among the reports
        step_summary("build", [], overflow, planned.release)
        return EXIT_SHEET
    step_summary("build", _build_rows(planned, reports, built, strict), overflow, planned.release)
    to_stderr = output_format == "json"
    for brief_id, pages, written in published.written:
        if brief_id in built.unchanged:
            click.echo(f"unchanged {brief_id}", err=to_stderr)
            continue
        kinds = dict.fromkeys("Word" if Path(name).suffix == ".docx" else Path(name).suffix[1:].upper()
                              for name in map(str, written))
        counted = f"{pages} page{'s' if pages != 1 else ''}" if pages is not None else " and ".join(kinds)
        click.echo(f"built {brief_id}: {counted} → {', '.join(map(str, written))}", err=to_stderr)
    for sheet in planned.sheets:
        if sheet.withheld is not None:
            click.echo(f"withheld {sheet.sheet_id}: {sheet.withheld}", err=to_stderr)
    for line in published.unsigned:  # a signed PDF rebuilt: the new one is unsigned, which is no failure
        click.echo(f"warning: {line}", err=True)
    for line in published.left_alone:  # a hand-changed file: the folder is not what was asked for
        click.echo(f"warning: {line}", err=True)
    if published.search_failed is not None:  # the site was to have search: the folder is not what was asked for
        click.echo(f"warning: search: {published.search_failed}", err=True)
    planned_paths = {sheet.path for sheet in planned.sheets}
    sheet_reports = [r for r in reports if r.path in planned_paths]
    click.echo(summary_line(sheet_reports, strict), err=to_stderr)
    return EXIT_SHEET if any(r.failed(strict) for r in reports) or published.left_alone \
        or published.search_failed is not None else EXIT_OK


def _build_rows(planned: Plan, reports: Sequence[Report], built: Built, strict: bool) -> list[BriefRow]:
    """The step summary's rows of a build: each planned sheet's status, pages and warnings."""
    from briefgen.report.ci import BriefRow

    assert built.published is not None
    by_path = {r.path: r for r in reports}
    written = {brief_id: pages for brief_id, pages, _ in built.published.written}
    built_now = {brief_id: pages for brief_id, pages in written.items() if brief_id not in built.unchanged}
    unchanged = {brief_id: pages for brief_id, pages in written.items() if brief_id in built.unchanged}
    rows = []
    for sheet in planned.sheets:
        report = by_path.get(sheet.path, sheet.report)
        name = sheet.sheet_id or sheet.path
        warnings = len(report.warnings)
        if sheet.withheld is not None:
            rows.append(BriefRow(name, "withheld", None, warnings, sheet.withheld))
        elif report.failed(strict):
            first = report.errors[0].code if report.errors else "warnings under --strict"
            rows.append(BriefRow(name, "failed", None, warnings, first))
        elif name in built_now:
            rows.append(BriefRow(name, "built", built_now[name], warnings))
        elif name in unchanged:
            rows.append(BriefRow(name, "unchanged", unchanged[name], warnings))
        else:
            rows.append(BriefRow(name, "failed", None, warnings, "not written"))
    return rows
