"""The command line: parse options, call the library, map results to exit codes.

Exit codes: 0 success, 1 a fact sheet has errors (or warnings under --strict),
2 usage errors (a missing path, a bad option), 3 an internal error (a bug).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from pathlib import Path
from typing import Sequence

import click

from . import __version__
from .diagnostics import Report, render_reports, use_colour

OUTPUT_FORMATS = click.Choice(["text", "json", "github"])


def _paths_argument(function):  # type: ignore[no-untyped-def]
    return click.argument("paths", nargs=-1, required=True,
                          type=click.Path(path_type=Path))(function)


def _output_format_option(function):  # type: ignore[no-untyped-def]
    return click.option("--output-format", "output_format", type=OUTPUT_FORMATS, default="text", show_default=True,
                        help="text for people; json for tools; github for workflow annotations.")(function)


def _strict_option(function):  # type: ignore[no-untyped-def]
    return click.option("--strict", is_flag=True, help="Treat warnings as errors.")(function)


class _Guarded(click.Group):
    """A group that turns an unexpected exception into a short message, not a traceback.

    Mistakes in a fact sheet are diagnostics; anything that still escapes is a bug in
    briefgen, and the analyst should be told so plainly. BRIEFGEN_DEBUG=1 shows it all.
    """

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("BRIEFGEN_DEBUG"):
                raise
            click.echo(f"briefgen: internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in briefgen, not a mistake in your fact sheet. Run again with "
                       "BRIEFGEN_DEBUG=1 to see the details, and report them.", err=True)
            ctx.exit(3)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="briefgen", message="%(prog)s %(version)s")
def main() -> None:
    """briefgen: validated, professionally typeset briefing notes from YAML fact sheets.

    Write one fact sheet per meeting (`briefgen new ID`), check it (`briefgen check`),
    then build the HTML and PDF note (`briefgen build`). Docs: docs/factsheet.md.

    Exit codes: 0 success; 1 a fact sheet has errors (or warnings, with --strict);
    2 a usage error; 3 an internal error (a bug in briefgen).
    """


def _emit(reports: Sequence[Report], output_format: str, verbose: bool = False) -> None:
    """Print the diagnostics in the chosen format (to stdout); see render_reports."""
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


def _find(paths: Sequence[Path]) -> list[Path]:
    from .sources import MissingPath, find_fact_sheets

    try:
        found = find_fact_sheets(list(paths))
    except MissingPath as exc:
        raise click.BadParameter(f"'{exc}' does not exist", param_hint="PATH") from None
    if not found:
        raise click.BadParameter("no fact sheets (*.yaml, *.yml) found in " + ", ".join(map(str, paths)),
                                 param_hint="PATH")
    return found


@main.command()
@_paths_argument
@_strict_option
@_output_format_option
@click.option("-v", "--verbose", is_flag=True,
              help="Show every placeholder warning in full, not one line per file.")
def check(paths: tuple[Path, ...], strict: bool, output_format: str, verbose: bool) -> None:
    """Check fact sheets and report every problem with its line.

    PATHS are fact sheets or folders (searched recursively for *.yaml and *.yml).
    Exits 0 when there are no errors, 1 when a fact sheet has errors (or warnings,
    with --strict), 2 for usage errors.
    """
    from .sources import load_fact_sheet

    reports = [load_fact_sheet(path).report for path in _find(paths)]
    _emit(reports, output_format, verbose)
    summary = _summary(reports, strict)
    click.echo(summary, err=output_format == "json")
    sys.exit(1 if any(r.failed(strict) for r in reports) else 0)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the fact-sheet format (draft-07).

    Editors use it for completion and hover help; this repository maps briefs/**/*.yaml
    to the copy that ships in the package (.vscode/settings.json).
    """
    from .schema import schema_text

    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        from .publish import write_atomic

        try:
            write_atomic(output, text.encode("utf-8"))
        except OSError as exc:
            click.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
            sys.exit(1)


@main.command()
@click.argument("sheet_id", metavar="ID")
@click.option("--kind", type=click.Choice(["brief", "readout"]), default="brief", show_default=True,
              help="brief: before the meeting; readout: after it.")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("briefs"),
              show_default=True, help="Folder to write ID.yaml into.")
def new(sheet_id: str, kind: str, out: Path) -> None:
    """Write a commented skeleton fact sheet OUT/ID.yaml to fill in.

    It passes `briefgen check` with `placeholder` warnings for every TODO left.
    An existing file is never overwritten.
    """
    from .model import is_valid_id
    from .schema import packaged_schema_path
    from .skeleton import skeleton

    if not is_valid_id(sheet_id):
        raise click.BadParameter("use lower-case letters, digits and single hyphens, e.g. g20-2025",
                                 param_hint="ID")
    target = out / f"{sheet_id}.yaml"
    schema_path = Path(str(packaged_schema_path())).resolve()
    try:
        schema_ref = os.path.relpath(schema_path, out.resolve())
    except ValueError:  # another drive
        schema_ref = schema_path.as_uri()
    if schema_ref.startswith("../" * 6) or os.path.isabs(schema_ref):
        schema_ref = schema_path.as_uri()
    text = skeleton(sheet_id, kind, schema_ref, _dt.date.today())
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, no permission…
        click.echo(f"error: cannot create the folder {out}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        click.echo(f"error: {target} already exists; briefgen new never overwrites a fact sheet", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"error: cannot write {target}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(f"wrote {target}: fill in the TODOs, then run `briefgen check {target}`")


@main.command()
@_paths_argument
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="Output folder for the HTML, PDF, index.html and manifest.json.")
@click.option("--release", "release_level", metavar="LEVEL",
              help="Build the version readers cleared to LEVEL may see: portions above it are left out.")
@click.option("--html/--no-html", default=True, show_default=True, help="Write DIR/ID.html.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Write DIR/ID.pdf.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of templates overriding the defaults file by file (default: ./templates if present).")
@click.option("--styles", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of stylesheets overriding the defaults file by file (default: ./styles if present).")
@_strict_option
@_output_format_option
def build(paths: tuple[Path, ...], out: Path, release_level: str | None, html: bool, pdf: bool,
          templates: Path | None, styles: Path | None, strict: bool, output_format: str) -> None:
    """Build briefing notes (HTML and PDF) from fact sheets.

    PATHS are fact sheets or folders. Each valid sheet becomes OUT/ID.html and OUT/ID.pdf;
    OUT/index.html lists every brief and OUT/manifest.json records what was written.
    Invalid sheets get their diagnostics and no output; the others still build.
    """
    from .build import BuildOptions, NotOurs
    from .build import build as run_build
    from .classification import SCHEMES
    from .render import Theme

    if release_level is not None and not any(release_level in s for s in SCHEMES.values()):
        levels = sorted({level for s in SCHEMES.values() for level in s.levels})
        raise click.BadParameter(f"'{release_level}' is not a classification level (one of: {', '.join(levels)})",
                                 param_hint="--release")
    if not html and not pdf:
        raise click.UsageError("--no-html and --no-pdf together leave nothing to build")
    found = _find(paths)
    options = BuildOptions(out=out, release=release_level, html=html, pdf=pdf, strict=strict,
                           theme=Theme.for_project(Path.cwd(), templates, styles))
    try:
        result = run_build(found, options)
    except NotOurs as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # the output folder: no space, no permission, a file in the way
        where = f" {exc.filename}" if exc.filename else ""
        click.echo(f"error: cannot write{where}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    _emit(result.reports, output_format)
    to_stderr = output_format == "json"
    for brief_id, pages, written in result.written:
        counted = f"{pages} page{'s' if pages != 1 else ''}" if pages is not None else "HTML"
        click.echo(f"built {brief_id}: {counted} → {', '.join(map(str, written))}", err=to_stderr)
    for brief_id, reason in result.withheld:
        click.echo(f"withheld {brief_id}: {reason}", err=to_stderr)
    click.echo(_summary(result.reports, strict), err=to_stderr)
    sys.exit(1 if result.failed(strict) else 0)
