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
from pathlib import Path
from typing import Any, Callable, NoReturn, Sequence, TypeVar

import click

from . import __version__
from .diagnostics import Report, render_reports, use_colour

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


def paths_argument(function: F) -> F:
    return click.argument("paths", nargs=-1, type=click.Path(path_type=Path))(function)


def output_format_option(function: F) -> F:
    return click.option("--output-format", "output_format", type=OUTPUT_FORMATS, default="text", show_default=True,
                        help="text for people; json for tools; github for workflow annotations.")(function)


def strict_option(function: F) -> F:
    return click.option("--strict", is_flag=True, help="Treat warnings as errors.")(function)


def verbose_option(function: F) -> F:
    return click.option("-v", "--verbose", is_flag=True,
                        help="Show every diagnostic in full (placeholders are otherwise one line per file).")(function)


def release_option(function: F) -> F:
    return click.option("--release", "release_level", metavar="LEVEL",
                        help="Show what readers cleared to LEVEL may see (any case, e.g. official): "
                             "portions above it are left out.")(function)


def theme_options(function: F) -> F:
    function = click.option("--styles", type=click.Path(exists=True, file_okay=False, path_type=Path),
                            help="Folder of stylesheets overriding the defaults file by file "
                                 "(default: `styles` in briefgen.toml).")(function)
    return click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
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
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("BRIEFGEN_DEBUG"):
                raise
            click.echo(f"briefgen: internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in briefgen, not a mistake in your fact sheet. Run again with "
                       "BRIEFGEN_DEBUG=1 to see the details, and report them.", err=True)
            ctx.exit(EXIT_INTERNAL)

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


def _project() -> Any:
    from .project import ProjectError, load_project

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


def _paths(paths: Sequence[Path], project: Any) -> list[Path]:
    """The paths given, or the project's briefs folder."""
    return list(paths) if paths else [project.briefs]


def _plan(paths: Sequence[Path], options: Any) -> Any:
    from .pipeline import PlanError, plan

    try:
        return plan(paths, options)
    except PlanError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.param) from None


def _emit(reports: Sequence[Report], output_format: str, verbose: bool = False) -> None:
    """Print the diagnostics in the chosen format (to stdout); see diagnostics.render_reports."""
    for chunk in render_reports(reports, output_format, colour=use_colour(sys.stdout), verbose=verbose):
        click.echo(chunk)


def _summary(reports: Sequence[Report], strict: bool) -> str:
    total = len(reports)
    failed = sum(r.failed(strict) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    noun = "fact sheet" if total == 1 else "fact sheets"
    text = f"{total} {noun}: {total - failed} valid"
    if failed:
        text += f", {failed} with errors"
    if warnings:
        text += f" ({warnings} warning{'s' if warnings != 1 else ''}{', errors under --strict' if strict else ''})"
    return text


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
    from .pipeline import Options

    project = _project()
    planned = _plan(_paths(paths, project), Options(strict=strict))
    _emit(planned.reports, output_format, verbose)
    click.echo(_summary(planned.reports, strict), err=output_format == "json")
    sys.exit(EXIT_SHEET if any(r.failed(strict) for r in planned.reports) else EXIT_OK)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the fact-sheet format (draft-07).

    Editors use it for completion and hover help; `briefgen init` puts a copy into a
    brief repository and maps briefs/**/*.yaml to it (.vscode/settings.json).
    """
    from .schema import schema_text

    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    from .publish import write_atomic

    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        _io_error(exc, path=output)


@main.command()
@click.argument("sheet_id", metavar="ID")
@click.option("--kind", type=click.Choice(["brief", "readout"]), default="brief", show_default=True,
              help="brief: before the meeting; readout: after it.")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write ID.yaml into (default: the project's briefs folder, else ./briefs).")
def new(sheet_id: str, kind: str, out: Path | None) -> None:
    """Write a commented skeleton fact sheet OUT/ID.yaml to fill in.

    It passes `briefgen check` with `placeholder` warnings for every TODO left. In a
    brief repository its first line points editors at the repository's JSON Schema by
    a relative path. An existing file is never overwritten (exit 2).
    """
    from .model import is_valid_id
    from .skeleton import skeleton

    if not is_valid_id(sheet_id):
        raise click.BadParameter("use lower-case letters, digits and single hyphens, e.g. g20-2025",
                                 param_hint="ID")
    project = _project()
    folder = out if out is not None else project.briefs
    target = folder / f"{sheet_id}.yaml"
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


@main.command()
@paths_argument
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder for the HTML, PDF, index.html and manifest.json "
                   "(default: `output` in briefgen.toml, else ./site).")
@release_option
@click.option("--public", is_flag=True,
              help="Build the public release: --release at `public_release` of briefgen.toml.")
@click.option("--html/--no-html", default=True, show_default=True, help="Write DIR/ID.html.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Write DIR/ID.pdf.")
@theme_options
@strict_option
@verbose_option
@output_format_option
def build(paths: tuple[Path, ...], out: Path | None, release_level: str | None, public: bool, html: bool,
          pdf: bool, templates: Path | None, styles: Path | None, strict: bool, verbose: bool,
          output_format: str) -> None:
    """Build briefing notes (HTML and PDF) from fact sheets.

    PATHS are fact sheets or folders (default: the project's briefs folder). Each valid
    sheet becomes OUT/ID.html and OUT/ID.pdf; OUT/index.html lists every brief and
    OUT/manifest.json records what was written. Invalid sheets get their diagnostics and
    no output; the others still build.
    """
    from .pipeline import Options, run
    from .publish import NotOurs, publish
    from .render import TemplateProblem
    from .theme import Theme

    project = _project()
    if public:
        if release_level is not None:
            raise click.UsageError("--public and --release together: choose one")
        if project.public_release is None:
            raise click.UsageError("--public needs `public_release` in briefgen.toml")
        release_level = project.public_release
    if not html and not pdf:
        raise click.UsageError("--no-html and --no-pdf together leave nothing to build")
    theme = Theme.of(templates or project.templates, styles or project.styles)
    options = Options(release=release_level, html=html, pdf=pdf, strict=strict, theme=theme)
    planned = _plan(_paths(paths, project), options)
    outcomes = [run(job) for job in planned.jobs]
    target = out if out is not None else project.output
    reports = planned.final_reports(outcomes)
    try:
        published = publish(planned, outcomes, target)
    except NotOurs as exc:
        _usage_error(str(exc))
    except TemplateProblem as exc:
        from .diagnostics import Diagnostic, Span

        reports.append(Report.of(exc.path, [Diagnostic.at(exc.path, Span(exc.line, 1), "error", "template-error",
                                                          exc.message, "fix the site index template")]))
        _emit(reports, output_format, verbose)
        sys.exit(EXIT_SHEET)
    except OSError as exc:  # the output folder: no space, no permission, a file in the way
        _io_error(exc)
    _emit(reports, output_format, verbose)
    to_stderr = output_format == "json"
    for brief_id, pages, written in published.written:
        counted = f"{pages} page{'s' if pages != 1 else ''}" if pages is not None else "HTML"
        click.echo(f"built {brief_id}: {counted} → {', '.join(map(str, written))}", err=to_stderr)
    for sheet in planned.sheets:
        if sheet.withheld is not None:
            click.echo(f"withheld {sheet.sheet_id}: {sheet.withheld}", err=to_stderr)
    sheet_reports = [r for r in reports if any(r.path == s.path for s in planned.sheets)]
    click.echo(_summary(sheet_reports, strict), err=to_stderr)
    sys.exit(EXIT_SHEET if any(r.failed(strict) for r in reports) else EXIT_OK)


def _register_commands() -> None:
    # Commands that live in modules of their own (each declares its click command).
    from .doctor import doctor_command
    from .scaffold import init_command

    main.add_command(init_command)
    main.add_command(doctor_command)


_register_commands()


def _register_serve() -> None:
    # The preview server lives in serve.py, which imports this module's option decorators.
    from .serve import serve_command

    main.add_command(serve_command)


_register_serve()
