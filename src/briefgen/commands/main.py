"""The command line: options declared once, each command a thin driver of the pipeline.

Exit codes: 0 success; 1 a fact sheet (or a template) has errors, or warnings under
--strict; 2 a usage error: a bad option or path, a file briefgen would not overwrite,
an output folder it did not write, a bad briefgen.toml; 3 an internal error (a bug);
4 briefgen could not read or write a file it needed (permissions, a full disk);
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from briefgen import __version__
from briefgen.report.diagnostics import TEMPLATE_ERROR_CODE, Diagnostic, Report, render_reports, use_colour
from briefgen.sheet.kinds import KINDS

if TYPE_CHECKING:
    from briefgen.project import Project
    from briefgen.publish.folder import Published
    from briefgen.publish.manifest import BriefEntry
    from briefgen.records import Options, Plan
    from briefgen.release.audience import Audience
    from briefgen.report.ci import BriefRow

EXIT_OK = 0
EXIT_SHEET = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_IO = 4
EXIT_INTERRUPTED = 130
#: What a process killed by SIGPIPE reports; used when the reader of our output went away.
EXIT_BROKEN_PIPE = 141

OUTPUT_FORMATS = click.Choice(["text", "json", "github"])
F = TypeVar("F", bound=Callable[..., Any])


# --- options shared by commands, declared once -------------------------------------------

#: Limits for a path when the system cannot say (os.pathconf is POSIX): NAME_MAX and PATH_MAX
#: of Linux's file systems, in bytes.
NAME_MAX = 255
PATH_MAX = 4096


def path_problem(text: str) -> str | None:
    """Why the system could not open `text` (a name too long, a path too deep), or None.

    Every path argument of every command goes through this (GuardedPath), so that a path
    no file can have is a usage error (exit 2) before anything opens it, never an
    ENAMETOOLONG escaping as an internal error.
    """
    name_max, path_max = _limits(text)
    for part in Path(text).parts:
        size = len(os.fsencode(part))
        if size > name_max:
            return (f"a name in this path is too long: {size:,} {'characters' if size == len(part) else 'bytes'} "
                    f"('{_shortened(part)}'), at most {name_max} are possible here")
    size = len(os.fsencode(os.path.abspath(text)))
    if size >= path_max:
        return (f"this path is too long: {size:,} characters from the root of the file system "
                f"('{_shortened(text)}'), at most {path_max - 1:,} are possible here")
    return None


def _limits(text: str) -> tuple[int, int]:
    """NAME_MAX and PATH_MAX of the file system the nearest existing folder of `text` is on."""
    if not hasattr(os, "pathconf"):
        return NAME_MAX, PATH_MAX
    folder = os.path.dirname(os.path.abspath(text))
    while folder != os.path.dirname(folder) and not _is_folder(folder):
        folder = os.path.dirname(folder)
    try:
        name_max, path_max = os.pathconf(folder, "PC_NAME_MAX"), os.pathconf(folder, "PC_PATH_MAX")
    except (OSError, ValueError):
        return NAME_MAX, PATH_MAX
    # -1: the file system sets no limit of its own (the kernel's still applies).
    return name_max if name_max > 0 else NAME_MAX, path_max if path_max > 0 else PATH_MAX


def _is_folder(path: str) -> bool:
    try:
        return os.path.isdir(path)
    except (OSError, ValueError):
        return False


def _shortened(text: str, keep: int = 24) -> str:
    return text if len(text) <= 2 * keep + 1 else f"{text[:keep]}…{text[-keep:]}"


#: click.ParamType is generic from click 8.2 on and plain before: typed loosely to accept both.
_ParamType: Any = click.ParamType
_PathType: Any = click.Path


class GuardedPath(_PathType):  # type: ignore[misc]
    """click.Path that first refuses a path no file can have (path_problem): the type of every
    path argument and option of every command."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, (str, os.PathLike)):
            problem = path_problem(os.fspath(value))
            if problem is not None:
                self.fail(problem, param, ctx)
        return super().convert(value, param, ctx)


def paths_argument(function: F) -> F:
    return click.argument("paths", nargs=-1, type=GuardedPath(path_type=Path))(function)


def output_format_option(function: F) -> F:
    return click.option("--output-format", "output_format", type=OUTPUT_FORMATS, default="text", show_default=True,
                        help="text for people; json for tools; github for workflow annotations.")(function)


def strict_option(function: F) -> F:
    return click.option("--strict", is_flag=True, help="Treat warnings as errors.")(function)


def jobs_options(function: F) -> F:
    function = click.option("--timeout", type=click.FloatRange(min=1, max=86_400), metavar="SECONDS",
                            help="Stop rendering a brief that takes longer than this and report it "
                                 "(default: `timeout` in briefgen.toml, else 120).")(function)
    return click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
                        help="Render N briefs at once, in worker processes (default: `jobs` in "
                             "briefgen.toml, else every CPU this process may use).")(function)


class _ShardType(_ParamType):  # type: ignore[misc]
    name = "K/N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        number, _, count = str(value).partition("/")
        if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
            self.fail(f"'{value}' is not K/N with 1 <= K <= N, e.g. 2/4", param, ctx)
        return int(number), int(count)


def verbose_option(function: F) -> F:
    return click.option("-v", "--verbose", is_flag=True,
                        help="Show every diagnostic in full (placeholders are otherwise one line per file).")(function)


def audience_options(function: F) -> F:
    """--release LEVEL, --audience NAME and --public: the three ways to name whom a release is for."""
    function = click.option("--public", is_flag=True,
                            help="Cut for the public: the same as --audience public. Only what a sheet "
                                 "says is cleared for public release, and nothing caveated.")(function)
    function = click.option("--audience", "audience_name", metavar="NAME",
                            help="Cut for an audience declared in briefgen.toml ([audiences.NAME]): the "
                                 "level it reads in each scheme, and its nationality.")(function)
    return click.option("--release", "release_level", metavar="LEVEL",
                        help="Cut for readers of each sheet's own nationality with access to LEVEL in its "
                             "scheme (any case, e.g. official); sheets of a scheme without LEVEL are "
                             "withheld with a note.")(function)


def resolve_audience(project: Project, release_level: str | None, audience_name: str | None,
                     public: bool) -> Audience | None:
    """The audience the flags name (at most one of them), or None for full documents."""
    from briefgen.release.audience import PUBLIC, AudienceError, shorthand

    given = [flag for flag, value in (("--release", release_level), ("--audience", audience_name),
                                      ("--public", public)) if value]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)} together: choose one")
    try:
        if release_level is not None:
            return shorthand(release_level)
        if audience_name is not None or public:
            return project.audience(audience_name or PUBLIC)
    except AudienceError as exc:
        raise click.BadParameter(str(exc), param_hint=given[0]) from None
    return None


def theme_options(function: F) -> F:
    function = click.option("--styles", type=GuardedPath(exists=True, file_okay=False, path_type=Path),
                            help="Folder of stylesheets overriding the defaults file by file "
                                 "(default: `styles` in briefgen.toml).")(function)
    return click.option("--templates", type=GuardedPath(exists=True, file_okay=False, path_type=Path),
                        help="Folder of templates overriding the defaults file by file "
                             "(default: `templates` in briefgen.toml).")(function)


# --- the group ---------------------------------------------------------------------------


class _Guarded(click.Group):
    """A group that ends every run with a documented exit code and never a traceback.

    Mistakes in a fact sheet are diagnostics; anything that still escapes is a bug in
    briefgen, and the analyst should be told so plainly. BRIEFGEN_DEBUG=1 shows it all.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (`briefgen check | head`): end quietly, as other tools do.
            _silence_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except KeyboardInterrupt:
            # Ctrl-C: one line and 130, not click's "Aborted!" and 1 (which means "errors in a sheet").
            _quiet_line("briefgen: interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("BRIEFGEN_DEBUG"):
                raise
            click.echo(f"briefgen: internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in briefgen, not a mistake in your fact sheet. Run again with "
                       "BRIEFGEN_DEBUG=1 to see the details, and report them.", err=True)
            ctx.exit(EXIT_INTERNAL)

    #: Commands that live in modules of their own, imported only when used (or listed by --help),
    #: so that `--version` and `check` do not pay for them.
    lazy_commands = {
        "init": ("briefgen.commands.init", "init_command"),
        "doctor": ("briefgen.commands.doctor", "doctor_command"),
        "assemble": ("briefgen.commands.assemble", "assemble_command"),
        "diff": ("briefgen.commands.diff", "diff_command"),
        "serve": ("briefgen.preview.server", "serve_command"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands:
            import importlib

            module, attribute = self.lazy_commands[name]
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, name)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        formatter.write_text("Exit codes: 0 success; 1 a fact sheet has errors (or warnings, with --strict); "
                             "2 a usage error; 3 an internal error (a bug in briefgen); 4 a file could not be "
                             "read or written; 130 interrupted.")


def _silence_stdout() -> None:
    # Python flushes stdout at exit and would report the broken pipe again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _quiet_line(message: str) -> None:
    try:
        click.echo(message, err=True)
    except (OSError, ValueError):
        pass


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="briefgen", message="%(prog)s %(version)s")
def main() -> None:
    """briefgen: validated, professionally typeset briefing notes from YAML fact sheets.

    Write one fact sheet per meeting (`briefgen new ID`), check it (`briefgen check`),
    then build the HTML and PDF note (`briefgen build`). A brief repository keeps its
    settings in briefgen.toml (`briefgen init` writes one). Docs: docs/factsheet.md.
    """


# --- shared plumbing ---------------------------------------------------------------------


def project_or_exit() -> Project:
    """The project of the working folder (briefgen.toml), or exit 2 saying what is wrong with it."""
    from briefgen.project import ProjectError, load_project

    try:
        return load_project()
    except ProjectError as exc:
        _usage_error(str(exc))


def _usage_error(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _io_error(exc: OSError, doing: str = "write", path: Path | None = None) -> NoReturn:
    name = path or exc.filename
    where = f" {name}" if name else ""
    click.echo(f"error: cannot {doing}{where}: {exc.strerror or exc}", err=True)
    sys.exit(EXIT_IO)


def _paths(paths: Sequence[Path], project: Project) -> list[Path]:
    """The paths given, or the project's briefs folder."""
    return list(paths) if paths else [project.briefs]


def check_output(out: Path, project: Project, sources: Sequence[Path]) -> None:
    """Refuse (exit 2) an output folder that is a system folder, the project, or overlaps what is read."""
    from briefgen.project import output_problem

    if project.root is not None:  # the project's briefs folder, whatever PATHS say
        sources = [*sources, project.briefs]
    problem = output_problem(out, root=project.root, sources=sources)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="'-o' / '--out'")


def _plan(paths: Sequence[Path], options: Options, known: Mapping[str, BriefEntry] | None = None) -> Plan:
    from briefgen.pipeline import PlanError, plan

    try:
        return plan(paths, options, known)
    except PlanError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.param) from None


def _emit(reports: Sequence[Report], output_format: str, verbose: bool = False) -> tuple[Diagnostic, ...]:
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


def _step_summary(command: str, rows: Sequence[Any], overflow: Sequence[Diagnostic],
                  release: str | None = None) -> None:
    """Append the Markdown summary to $GITHUB_STEP_SUMMARY when a GitHub workflow step runs us."""
    from briefgen.report.ci import SUMMARY_VARIABLE, append_step_summary, step_summary

    if not os.environ.get(SUMMARY_VARIABLE):
        return
    try:
        append_step_summary(step_summary(command, rows, overflow, release))
    except OSError as exc:
        # The summary is a courtesy: the run's outcome (and exit code) is what it reports.
        click.echo(f"warning: cannot append to ${SUMMARY_VARIABLE}: {exc.strerror or exc}", err=True)


def _summary(reports: Sequence[Report], strict: bool) -> str:
    """The last line of check and build, e.g. "3 fact sheets: 2 valid, 1 with errors (1 warning)".

    A sheet that only a template problem stopped is valid: the template errors are counted
    apart ("; 1 template error stopped 2 briefs"), and still fail the run.
    """
    total = len(reports)
    failed = sum(_sheet_failed(r, strict) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    noun = "fact sheet" if total == 1 else "fact sheets"
    text = f"{total} {noun}: {total - failed} valid"
    if failed:
        text += f", {failed} with errors"
    if warnings:
        text += f" ({warnings} warning{'s' if warnings != 1 else ''}{', errors under --strict' if strict else ''})"
    problems = {(d.path, d.line, d.message) for r in reports for d in r.errors if d.code == TEMPLATE_ERROR_CODE}
    if problems:
        stopped = sum(r.failed(strict) and not _sheet_failed(r, strict) for r in reports)
        text += (f"; {len(problems)} template error{'s' if len(problems) != 1 else ''} stopped {stopped} "
                 f"brief{'s' if stopped != 1 else ''}")
    return text


def _sheet_failed(report: Report, strict: bool) -> bool:
    """Whether the sheet itself fails (an error of its own, or a warning under --strict): template errors aside."""
    return any(d.code != TEMPLATE_ERROR_CODE for d in report.errors) or (strict and bool(report.warnings))


# --- commands ----------------------------------------------------------------------------


@main.command()
@paths_argument
@strict_option
@verbose_option
@output_format_option
def check(paths: tuple[Path, ...], strict: bool, verbose: bool, output_format: str) -> None:
    """Check fact sheets and report every problem with its line.

    PATHS are fact sheets or folders (searched recursively for *.yaml and *.yml);
    default: the project's briefs folder (briefgen.toml), else ./briefs.
    Exits 0 when there are no errors, 1 when a fact sheet has errors (or warnings,
    with --strict), 2 for usage errors.
    """
    from briefgen.records import Options

    project = project_or_exit()
    planned = _plan(_paths(paths, project), Options(strict=strict, locale=project.locale))
    overflow = _emit(planned.reports, output_format, verbose)
    from briefgen.report.ci import BriefRow

    _step_summary("check", [BriefRow(s.sheet_id or s.path, "failed" if s.report.failed(strict) else "valid",
                                     None, len(s.report.warnings)) for s in planned.sheets], overflow)
    click.echo(_summary(planned.reports, strict), err=output_format == "json")
    sys.exit(EXIT_SHEET if any(r.failed(strict) for r in planned.reports) else EXIT_OK)


@main.command()
@click.option("-o", "--output", type=GuardedPath(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the fact-sheet format (draft-07).

    Editors use it for completion and hover help; `briefgen init` puts a copy into a
    brief repository and maps briefs/**/*.yaml to it (.vscode/settings.json).
    """
    from briefgen.sheet.schema import schema_text

    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    from briefgen.publish.folder import write_atomic

    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        _io_error(exc, path=output)


@main.command()
@click.argument("sheet_id", metavar="ID")
@click.option("--kind", type=click.Choice(list(KINDS)), default="brief", show_default=True,
              help="brief: before the meeting; readout: after it; submission: a UK submission to a minister; "
                   "action-memo: a US memo asking for a decision; info-memo: a US memo asking for none.")
@click.option("-o", "--out", "out", type=GuardedPath(file_okay=False, path_type=Path),
              help="Folder to write ID.yaml into (default: the project's briefs folder, else ./briefs).")
def new(sheet_id: str, kind: str, out: Path | None) -> None:
    """Write a commented skeleton fact sheet OUT/ID.yaml to fill in.

    It passes `briefgen check` with `placeholder` warnings for every TODO left. In a
    brief repository its first line points editors at the repository's JSON Schema by
    a relative path. An existing file is never overwritten (exit 2).
    """
    from briefgen.sheet.model import is_valid_id, is_windows_device_name
    from briefgen.sheet.skeleton import skeleton

    if not is_valid_id(sheet_id):
        if is_windows_device_name(sheet_id):
            raise click.BadParameter(f"'{sheet_id}' is a name Windows keeps for a device: no file {sheet_id}.yaml "
                                     f"can exist there; choose another, e.g. {sheet_id}-talks", param_hint="ID")
        raise click.BadParameter("use lower-case letters, digits and single hyphens, e.g. g20-2025",
                                 param_hint="ID")
    project = project_or_exit()
    folder = out if out is not None else project.briefs
    target = folder / f"{sheet_id}.yaml"
    twin = _same_but_for_case(target)
    if twin is not None:
        _usage_error(f"{twin} already exists, and {target.name} differs from it only in case: on Windows and "
                     "macOS they would be one file; choose another id")
    schema_ref = None
    if project.schema is not None:
        schema_ref = os.path.relpath(project.schema.resolve(), folder.resolve()).replace(os.sep, "/")
    text = skeleton(sheet_id, kind, schema_ref, _dt.date.today())
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, no permission…
        click.echo(f"error: cannot create the folder {folder}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_IO)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        _usage_error(f"{target} already exists; briefgen new never overwrites a fact sheet")
    except OSError as exc:
        _io_error(exc)
    click.echo(f"wrote {target}: fill in the TODOs, then run `briefgen check {target}`")


def _same_but_for_case(target: Path) -> Path | None:
    """A file beside `target` whose name differs from target's only in case, or None."""
    try:
        names = os.listdir(target.parent)
    except OSError:  # no folder yet (or none to read): creating the file says what is wrong
        return None
    wanted = target.name.casefold()
    return next((target.parent / name for name in sorted(names)
                 if name != target.name and name.casefold() == wanted), None)


@main.command()
@paths_argument
@click.option("-o", "--out", type=GuardedPath(file_okay=False, path_type=Path),
              help="Output folder for the HTML, PDF, index.html and manifest.json "
                   "(default: `output` in briefgen.toml, else ./site).")
@audience_options
@click.option("--html/--no-html", default=True, show_default=True, help="Write DIR/ID.html.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Write DIR/ID.pdf.")
@theme_options
@jobs_options
@click.option("--force", is_flag=True, help="Render every brief, even those whose outputs are up to date.")
@click.option("--shard", type=_ShardType(), help="Build only shard K of N (by a stable hash of each brief's id), "
              "for CI runners; `briefgen assemble` merges the shards' folders.")
@strict_option
@verbose_option
@output_format_option
def build(paths: tuple[Path, ...], out: Path | None, release_level: str | None, audience_name: str | None,
          public: bool, html: bool, pdf: bool, templates: Path | None, styles: Path | None, jobs: int | None,
          timeout: float | None, force: bool, shard: tuple[int, int] | None, strict: bool, verbose: bool,
          output_format: str) -> None:
    """Build briefing notes (HTML and PDF) from fact sheets.

    PATHS are fact sheets or folders (default: the project's briefs folder). Each valid
    sheet becomes OUT/ID.html and OUT/ID.pdf; OUT/index.html lists every brief and
    OUT/manifest.json records what was written. Invalid sheets get their diagnostics and
    no output; the others still build. A file briefgen wrote but someone changed since is
    left alone and reported (exit 1); a build waits while another builds into OUT.
    """
    from briefgen.publish.folder import publish, up_to_date
    from briefgen.publish.manifest import NotOurs
    from briefgen.records import Options
    from briefgen.render.template_problems import TemplateProblem
    from briefgen.render.theme import Theme
    from briefgen.report.progress import Progress
    from briefgen.workers import DEFAULT_TIMEOUT, default_workers, run_jobs

    project = project_or_exit()
    audience = resolve_audience(project, release_level, audience_name, public)
    if not html and not pdf:
        raise click.UsageError("--no-html and --no-pdf together leave nothing to build")
    theme = Theme.of_project(templates, styles, project)
    options = Options(audience=audience, html=html, pdf=pdf, strict=strict, theme=theme, shard=shard,
                      locale=project.locale)
    target = out if out is not None else project.output
    check_output(target, project, [*_paths(paths, project), *theme.template_dirs, *theme.style_dirs])
    # A sheet whose key is in the output folder's manifest, with its files intact, is
    # neither checked nor rendered again.
    try:
        recorded = {} if force else up_to_date(target)
    except NotOurs as exc:  # a damaged manifest: stop before rendering anything
        _usage_error(str(exc))
    planned = _plan(_paths(paths, project), options, {source: entry for source, (entry, _) in recorded.items()})
    cached = {s.sheet_id: recorded[s.path][1] for s in planned.sheets if s.reused and s.sheet_id}
    todo = list(planned.jobs)
    progress = Progress(len(todo), sys.stderr, enabled=output_format == "text" and sys.stderr.isatty())
    try:
        rendered = {o.sheet_id: o for o in run_jobs(todo, workers=jobs or project.jobs or default_workers(),
                                                    timeout=timeout or project.timeout or DEFAULT_TIMEOUT,
                                                    on_done=lambda outcome: progress.update(outcome.sheet_id))}
    finally:
        progress.close()
    outcomes = []
    for sheet in planned.sheets:  # in the plan's order: reused from the folder, or just rendered
        if sheet.reused and sheet.sheet_id:
            outcomes.append(cached[sheet.sheet_id])
        elif sheet.job is not None:
            outcomes.append(rendered[sheet.job.sheet_id])
    reports = planned.final_reports(outcomes)
    try:
        published = publish(planned, outcomes, target, notify=lambda line: click.echo(line, err=True))
    except NotOurs as exc:
        _usage_error(str(exc))
    except TemplateProblem as exc:
        from briefgen.report.diagnostics import Diagnostic, Span

        reports.append(Report.of(exc.path, [Diagnostic.at(exc.path, Span(exc.line, 1), "error", TEMPLATE_ERROR_CODE,
                                                          exc.message, "fix the site index template")]))
        _step_summary("build", [], _emit(reports, output_format, verbose), planned.release)
        sys.exit(EXIT_SHEET)
    except OSError as exc:  # the output folder: no space, no permission, a file in the way
        _io_error(exc)
    overflow = _emit(reports, output_format, verbose)
    _step_summary("build", _build_rows(planned, reports, published, strict, set(cached)), overflow, planned.release)
    to_stderr = output_format == "json"
    for brief_id, pages, written in published.written:
        if brief_id in cached:
            click.echo(f"unchanged {brief_id}", err=to_stderr)
            continue
        counted = f"{pages} page{'s' if pages != 1 else ''}" if pages is not None else "HTML"
        click.echo(f"built {brief_id}: {counted} → {', '.join(map(str, written))}", err=to_stderr)
    for sheet in planned.sheets:
        if sheet.withheld is not None:
            click.echo(f"withheld {sheet.sheet_id}: {sheet.withheld}", err=to_stderr)
    for line in published.left_alone:  # a hand-changed file: the folder is not what was asked for
        click.echo(f"warning: {line}", err=True)
    sheet_reports = [r for r in reports if any(r.path == s.path for s in planned.sheets)]
    click.echo(_summary(sheet_reports, strict), err=to_stderr)
    sys.exit(EXIT_SHEET if any(r.failed(strict) for r in reports) or published.left_alone else EXIT_OK)


def _build_rows(planned: Plan, reports: Sequence[Report], published: Published, strict: bool,
                cached: Collection[str] = ()) -> list[BriefRow]:
    """The step summary's rows of a build: each planned sheet's status, pages and warnings."""
    from briefgen.report.ci import BriefRow

    by_path = {r.path: r for r in reports}
    written = {brief_id: pages for brief_id, pages, _ in published.written}
    built = {brief_id: pages for brief_id, pages in written.items() if brief_id not in cached}
    unchanged = {brief_id: pages for brief_id, pages in written.items() if brief_id in cached}
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
        elif name in built:
            rows.append(BriefRow(name, "built", built[name], warnings))
        elif name in unchanged:
            rows.append(BriefRow(name, "unchanged", unchanged[name], warnings))
        else:
            rows.append(BriefRow(name, "failed", None, warnings, "not written"))
    return rows
