"""`briefgen check`: report every problem of the fact sheets at its line; a plan with no theme."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from briefgen.commands.options import output_format_option, paths_argument, strict_option, verbose_option
from briefgen.commands.shared import (
    emit,
    project_registry,
    sheet_paths,
    step_summary,
    summary_line,
    user_errors,
    with_registry_findings,
)
from briefgen.errors import EXIT_OK, EXIT_SHEET


@click.command("check")
@paths_argument
@strict_option
@verbose_option
@output_format_option
@user_errors
def check_command(paths: tuple[Path, ...], strict: bool, verbose: bool, output_format: str) -> None:
    """Check fact sheets and report every problem with its line.

    PATHS are fact sheets or folders (searched recursively for *.yaml and *.yml);
    default: the project's briefs folder (briefgen.toml), else ./briefs.
    Exits 0 when there are no errors, 1 when a fact sheet has errors (or warnings,
    with --strict), 2 for usage errors.
    """
    from briefgen.pipeline import plan
    from briefgen.project import load_project
    from briefgen.records import Options
    from briefgen.report.ci import BriefRow

    # A check keeps what it reads of every sheet until it reports. At the GC's default pace
    # (a young collection every 700 allocations, a full one every 100 young ones) a
    # 10,000-sheet check spent a third of its time scanning those objects again; young
    # collections still run, so a cycle (an exception's traceback) is collected soon enough.
    gc.set_threshold(10_000, 10, 100)
    project = load_project()
    registry, registry_reports = project_registry(project)
    planned = plan(sheet_paths(paths, project), Options(strict=strict, locales=project.locales, registry=registry))
    registry_reports = with_registry_findings(registry_reports, planned.registry_findings, paths, project)
    reports = [*registry_reports, *planned.reports]
    overflow = emit(reports, output_format, verbose)
    step_summary("check", [BriefRow(s.sheet_id or s.path, "failed" if s.report.failed(strict) else "valid",
                                    None, len(s.report.warnings)) for s in planned.sheets], overflow)
    click.echo(summary_line(planned.reports, strict), err=output_format == "json")
    sys.exit(EXIT_SHEET if any(r.failed(strict) for r in reports) else EXIT_OK)
