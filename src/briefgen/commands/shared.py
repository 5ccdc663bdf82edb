"""What every command does at its edges: errors mapped to exit codes, diagnostics printed, the last line."""

from __future__ import annotations

import datetime as _dt
import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import click

from briefgen.errors import EXIT_IO, BriefgenError
from briefgen.report.diagnostics import TEMPLATE_ERROR_CODE, Diagnostic, Report, render_reports, use_colour

if TYPE_CHECKING:
    from briefgen.project import Project
    from briefgen.report.ci import BriefRow
    from briefgen.sheet.registry import Registry

P = ParamSpec("P")
R = TypeVar("R")


def io_error(exc: OSError, doing: str = "write", path: Path | None = None) -> NoReturn:
    name = path or exc.filename
    where = f" {name}" if name else ""
    click.echo(f"error: cannot {doing}{where}: {exc.strerror or exc}", err=True)
    sys.exit(EXIT_IO)


def quiet_pyhanko() -> None:
    """Keep pyHanko's log lines (tracebacks of expected failures among them) off the terminal: `sign` and
    `verify` say what went wrong themselves. BRIEFGEN_DEBUG=1 lets them through."""
    import logging

    if os.environ.get("BRIEFGEN_DEBUG"):
        return
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


#: The environment variable that fixes "today" for reproducible builds (reproducible-builds.org).
EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


def as_of_day() -> _dt.date:
    """The day a follow-up is overdue against (the pages across briefs, `query --overdue`): SOURCE_DATE_EPOCH's
    (UTC) when it is set, so that the same sheets make the same bytes and answers on any day, else today.
    A value that is not a number of seconds is a usage error (exit 2), not a silent today."""
    epoch = os.environ.get(EPOCH_VARIABLE, "").strip()
    if not epoch:
        return _dt.date.today()
    try:
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise click.UsageError(f"${EPOCH_VARIABLE} is '{epoch[:40]}', not a number of seconds since 1970; "
                               "unset it or set it to one") from None


def sheet_paths(paths: Sequence[Path], project: Project) -> list[Path]:
    """The paths given, or the project's briefs folder."""
    return list(paths) if paths else [project.briefs]


def history_roots(sources: Sequence[Path], project: Project) -> tuple[Path, ...]:
    """Where a build finds earlier briefs for the Since last time block besides `sources`: the project's
    briefs folder, when something given lies inside it but the folder itself is not given (`build
    briefs/g20-2025.yaml`). The other sheets there are read for what they name, never built."""
    if project.root is None or not project.briefs.is_dir():
        return ()
    folder = project.briefs.resolve()
    given = [path.resolve() for path in sources]
    if any(folder.is_relative_to(path) for path in given) or not any(path.is_relative_to(folder) for path in given):
        return ()
    return (project.briefs,)


def check_output(out: Path, project: Project, sources: Sequence[Path]) -> None:
    """Refuse (exit 2) an output folder that is a system folder, the project, or overlaps what is read."""
    from briefgen.project import output_problem

    if project.root is not None:  # the project's briefs folder, whatever PATHS say
        sources = [*sources, project.briefs]
    problem = output_problem(out, root=project.root, sources=sources)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="'-o' / '--out'")


def project_registry(project: Project) -> tuple[Registry | None, list[Report]]:
    """The project's registry for the checks across sheets, and its report (printed before the sheets'):
    none when it has no registry, and a registry with errors is reported and not used. One that
    cannot be read is exit 4, before any sheet is read."""
    from briefgen.project import read_registry_file

    try:
        registry, report = read_registry_file(project)
    except OSError as exc:
        io_error(exc, "read the registry", project.registry)
    return registry, [report] if report is not None else []


def with_registry_findings(reports: Sequence[Report], findings: Sequence[Diagnostic], paths: Sequence[Path],
                           project: Project) -> list[Report]:
    """The registry's report with the plan's findings about it (registry-unused) when the plan read the
    project's whole briefs folder: checking one sheet, every entry the others use would seem unused."""
    if not findings or not covers_briefs(paths, project):
        return list(reports)
    return [report.extended(d for d in findings if d.path == report.path) for report in reports]


def covers_briefs(paths: Sequence[Path], project: Project) -> bool:
    """Whether `paths` (as given to a command) take in the whole of the project's briefs folder."""
    if not paths:
        return True
    briefs = Path(os.path.realpath(project.briefs))
    return any(briefs == Path(os.path.realpath(path)) or Path(os.path.realpath(path)) in briefs.parents
               for path in paths)


def emit(reports: Sequence[Report], output_format: str, verbose: bool = False) -> tuple[Diagnostic, ...]:
    """Print the diagnostics in the chosen format (to stdout); see diagnostics.render_reports.

    Returns the diagnostics GitHub will not show as annotations (past its cap per step),
    for the step summary; see ci.annotate.
    """
    if output_format == "github":
        from briefgen.report.ci import annotate

        shown = annotate(reports)
        for line in shown.lines:
            click.echo(line)
        return shown.overflow
    for chunk in render_reports(reports, output_format, colour=use_colour(sys.stdout), verbose=verbose):
        click.echo(chunk)
    return ()


def step_summary(command: str, rows: Sequence[BriefRow], overflow: Sequence[Diagnostic],
                 release: str | None = None) -> None:
    """Append the Markdown summary to $GITHUB_STEP_SUMMARY when a GitHub workflow step runs us."""
    from briefgen.report.ci import SUMMARY_VARIABLE, append_step_summary
    from briefgen.report.ci import step_summary as summary_of

    if not os.environ.get(SUMMARY_VARIABLE):
        return
    try:
        append_step_summary(summary_of(command, rows, overflow, release))
    except OSError as exc:
        # The summary is a courtesy: the run's outcome (and exit code) is what it reports.
        click.echo(f"warning: cannot append to ${SUMMARY_VARIABLE}: {exc.strerror or exc}", err=True)


def summary_line(reports: Sequence[Report], strict: bool) -> str:
    """The last line of check and build, e.g. "3 fact sheets: 2 valid, 1 with errors (1 warning)".

    A sheet that only a template problem stopped is valid: the template errors are counted
    apart ("; 1 template error stopped 2 briefs"), and still fail the run.
    """
    total = len(reports)
    failed = sum(sheet_failed(r, strict) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    noun = "fact sheet" if total == 1 else "fact sheets"
    text = f"{total} {noun}: {total - failed} valid"
    if failed:
        text += f", {failed} with errors"
    if warnings:
        text += f" ({warnings} warning{'s' if warnings != 1 else ''}{', errors under --strict' if strict else ''})"
    problems = {(d.path, d.line, d.message) for r in reports for d in r.errors if d.code == TEMPLATE_ERROR_CODE}
    if problems:
        stopped = sum(r.failed(strict) and not sheet_failed(r, strict) for r in reports)
        text += (f"; {len(problems)} template error{'s' if len(problems) != 1 else ''} stopped {stopped} "
                 f"brief{'s' if stopped != 1 else ''}")
    return text


def sheet_failed(report: Report, strict: bool) -> bool:
    """Whether the sheet itself fails (an error of its own, or a warning under --strict): template errors aside."""
    return any(d.code != TEMPLATE_ERROR_CODE for d in report.errors) or (strict and bool(report.warnings))



def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """The one map from briefgen's errors (errors.py) to what the user sees, for every command.

    An error that names an option or argument becomes click's message for it, one that
    `shows_usage` click's usage message (both exit 2); any other prints `error: message`
    and exits with the error's own code. It runs inside
    the command, so that click's usage line names the command.
    """

    @functools.wraps(command)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except BriefgenError as exc:
            if exc.param is not None:
                raise click.BadParameter(str(exc), param_hint=exc.param) from None
            if exc.shows_usage:
                raise click.UsageError(str(exc)) from None
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return guarded
