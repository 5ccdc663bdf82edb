"""`briefgen query`: one subject's history across briefs, or a filtered list of subjects, for a terminal or CI."""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.commands.options import path_problem
from briefgen.commands.shared import EPOCH_VARIABLE, as_of_day, project_registry, sheet_paths, user_errors
from briefgen.errors import EXIT_OK, EXIT_SHEET

if TYPE_CHECKING:
    from briefgen.across.query import Filters



#: click.ParamType is generic from click 8.2 on and plain before (as in options.py).
_ParamType: Any = click.ParamType


class _Day(_ParamType):  # type: ignore[misc]
    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(str(value))
        except ValueError:
            pass
        message = f"'{str(value)[:40]}' is not a date: write YYYY-MM-DD, e.g. 2026-08-29"
        raise click.BadParameter(message, ctx, param)


@click.command("query", epilog="""\b
Examples:
  briefgen query framework japan-india-joint-vision
  briefgen query commitments --country IN --status agreed
  briefgen query commitments --overdue --as-of 2026-09-01 --format json
  briefgen query people --country jp
  briefgen query countries briefs/history

Exit codes: 0 something found; 1 nothing found (or the registry has errors); 2 a usage
error; 4 a file (the registry) could not be read.""")
@click.argument("kind", metavar="KIND")
@click.argument("rest", nargs=-1, metavar="[KEY] [PATHS]...")
@click.option("--country", metavar="CODE",
              help="Only briefs with a participant of this country (ISO 3166, e.g. IN); people: those of it.")
@click.option("--status", metavar="STATUS",
              help="Only subjects whose newest brief gives this status (agreed, reaffirmed…; a person's role).")
@click.option("--overdue", is_flag=True, help="Only commitments with a follow-up not done and due before --as-of.")
@click.option("--as-of", "as_of", type=_Day(),
              help=f"The day --overdue counts from (default: today, or ${EPOCH_VARIABLE}'s day when set).")
@click.option("--since", type=_Day(), help="Only briefs of meetings on or after this date.")
@click.option("--until", type=_Day(), help="Only briefs of meetings on or before this date.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json for tools (docs/factsheet.md#briefgen-query).")
@user_errors
def query_command(kind: str, rest: tuple[str, ...], country: str | None, status: str | None, overdue: bool,
                  as_of: _dt.date | None, since: _dt.date | None, until: _dt.date | None,
                  output_format: str) -> None:
    """What the briefs say together: one subject's history, newest first, or a list of subjects.

    KIND is country, framework, person or commitment (or the plural). KEY (optional) is
    one subject: its ref, a former ref, a name or alias, or a country code; without it,
    every subject of KIND that passes the filters is listed. PATHS are fact sheets or
    folders, as `briefgen check` takes them (default: the project's briefs folder); an
    argument after KIND is a path when it names an existing file or folder, contains a
    slash or ends in .yaml or .yml. Invalid sheets are reported on stderr and left out.
    """
    from briefgen.across.query import Filters, kind_of

    chosen = kind_of(kind)
    if chosen is None:
        raise click.BadParameter(f"'{kind[:40]}' is not a kind: use country, framework, person or commitment "
                                 "(or the plural)", param_hint="'KIND'")
    key, paths = _split(rest)
    if overdue and chosen != "commitments":
        raise click.UsageError("--overdue applies to commitments only (their follow-ups)")
    if since is not None and until is not None and since > until:
        raise click.BadParameter(f"{since} is after --until {until}", param_hint="'--since'")
    filters = Filters(as_of or as_of_day(), _country(country), status, overdue, since, until)
    sys.exit(_answer(chosen, key, paths, filters, output_format))


def _split(rest: tuple[str, ...]) -> tuple[str | None, list[Path]]:
    """KEY and PATHS from the arguments after KIND (see the command's help)."""
    key = rest[0] if rest and not _looks_like_path(rest[0]) else None
    paths = list(rest[1:] if key is not None else rest)
    for text in paths:
        problem = path_problem(text)
        if problem is not None:
            raise click.BadParameter(problem, param_hint="'PATHS'")
    return key, [Path(text) for text in paths]


def _looks_like_path(text: str) -> bool:
    if "/" in text or os.sep in text or text.endswith((".yaml", ".yml")):
        return True
    try:
        return os.path.exists(text)
    except (OSError, ValueError):
        return False


def _country(code: str | None) -> str | None:
    if code is None:
        return None
    import pycountry

    if len(code) != 2 or pycountry.countries.get(alpha_2=code.upper()) is None:
        raise click.BadParameter(f"'{code[:40]}' is not an ISO 3166-1 alpha-2 country code (e.g. IN, JP)",
                                 param_hint="'--country'")
    return code.upper()


def _answer(kind: str, key: str | None, paths: list[Path], filters: Filters, output_format: str) -> int:
    from briefgen.across.history import cross_index_of
    from briefgen.across.query import NOUNS, answer, meeting_of_sheet, resolve, suggestion
    from briefgen.across.query_text import answer_text
    from briefgen.pipeline import plan
    from briefgen.project import load_project
    from briefgen.records import Options
    from briefgen.report.diagnostics import render_reports, use_colour
    from briefgen.sheet.mentions import mentions_of

    project = load_project()
    registry, registry_reports = project_registry(project)
    failed_registry = [r for r in registry_reports if r.failed()]
    planned = plan(sheet_paths(paths, project), Options(locales=project.locales, registry=registry),
                   keep_sheets=True)
    failed = [s.report for s in planned.sheets if s.report.failed()]
    for chunk in render_reports([*failed_registry, *failed], "text", colour=use_colour(sys.stderr)):
        click.echo(chunk, err=True)
    if failed_registry:
        click.echo("error: the registry has errors, so refs would not resolve as the pages do: correct it "
                   "(`briefgen check` lists them)", err=True)
        return EXIT_SHEET
    if failed:
        click.echo(f"query: {len(failed)} fact sheet{'s' if len(failed) != 1 else ''} with errors left out",
                   err=True)
    briefs = []
    for sheet in planned.sheets:
        if sheet.report.failed() or sheet.sheet is None:
            continue
        briefs.append((meeting_of_sheet(sheet.sheet, sheet.sheet_id or Path(sheet.path).stem, project.locales),
                       mentions_of(sheet.sheet)))
    index = cross_index_of(briefs, registry)
    resolved = resolve(index, kind, key, registry) if key is not None else None
    found = answer(index, kind, resolved if key is not None else None, filters) if key is None or resolved else None
    if output_format == "json":
        data = found.to_json() if found is not None else {"format": 1, "kind": kind, "key": key,
                                                          "filters": filters.to_json(), "count": 0, "subjects": []}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif found is not None:
        for line in answer_text(found):
            click.echo(line)
    if found is not None and found.found:
        return EXIT_OK
    noun = NOUNS[kind]
    if key is not None and resolved is None:
        guess = suggestion(index, kind, key)
        click.echo(f"query: no {noun} '{key}' in {len(briefs)} brief{'s' if len(briefs) != 1 else ''}"
                   + (f"; did you mean '{guess}'?" if guess else ""), err=True)
    else:
        click.echo(f"query: no {noun if key is not None else kind} found{_with(filters)}", err=True)
    return EXIT_SHEET


def _with(filters: Filters) -> str:
    said = [f"--country {filters.country}" if filters.country else "", f"--status {filters.status}"
            if filters.status else "", f"--overdue (as of {filters.as_of})" if filters.overdue else "",
            f"--since {filters.since}" if filters.since else "", f"--until {filters.until}" if filters.until else ""]
    said = [s for s in said if s]
    return f" with {' '.join(said)}" if said else ""
