"""`briefgen assemble`: merge the output folders of shards into one site.

Each shard folder is what `briefgen build --shard K/N` wrote: outputs and a manifest.
The assembled folder holds every brief's outputs, and the manifest and index that one
build of all the sheets would have written (the index byte for byte). Shards built at
different release levels, or holding the same brief twice, are refused.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .pipeline import Options, Outcome, Plan, PlannedSheet, recorded_report
from .publish import Manifest, NotOurs, publish, recorded_outcome
from .theme import Theme


class ShardError(Exception):
    """The shard folders cannot be merged; the message says which and why."""


def shard_outcomes(folders: list[Path]) -> tuple[str | None, list[Outcome], dict[str, dict[str, Any]]]:
    """The release level the shards were built at, every brief of every shard as an outcome,
    and each brief's manifest entry.

    Raises ShardError for a folder without a manifest, shards of different release levels,
    a brief in two shards, or a file whose bytes are not the ones its manifest recorded.
    """
    outcomes: list[Outcome] = []
    entries: dict[str, dict[str, Any]] = {}
    seen: dict[str, Path] = {}
    levels: dict[str | None, Path] = {}
    for folder in folders:
        try:
            manifest = Manifest.read(folder)
        except NotOurs as exc:
            raise ShardError(str(exc)) from None
        if manifest is None:
            raise ShardError(f"{folder} holds no manifest.json: it is not the output of `briefgen build`")
        for brief_id, entry in sorted(manifest.briefs.items()):
            if brief_id in seen:
                raise ShardError(f"the brief '{brief_id}' is in both {seen[brief_id]} and {folder}: "
                                 "shards must not overlap")
            seen[brief_id] = folder
            levels.setdefault(entry.get("cleared_to"), folder)
            if len(levels) > 1:
                shown = ", ".join(f"{level or 'full documents'} ({where})" for level, where in levels.items())
                raise ShardError(f"the shards were built at different release levels: {shown}")
            outcomes.append(_outcome(folder, brief_id, entry))
            entries[brief_id] = entry
    return (next(iter(levels)) if levels else None), outcomes, entries


def _outcome(folder: Path, brief_id: str, entry: dict[str, Any]) -> Outcome:
    try:
        return recorded_outcome(folder, brief_id, entry)
    except ValueError as exc:
        raise ShardError(f"{folder}: {exc}: rebuild that shard") from None


def assemble(folders: list[Path], out: Path, theme: Theme, locale: str | None = None) -> tuple[str | None, int]:
    """Merge `folders` into `out`; the release level and the number of briefs. Raises ShardError."""
    release, outcomes, entries = shard_outcomes(folders)
    sheets = tuple(PlannedSheet(o.path, recorded_report(o.path, entries[o.sheet_id]), o.sheet_id, None)
                   for o in outcomes)
    plan = Plan(Options(release=release, theme=theme, locale=locale), release, sheets)
    publish(plan, outcomes, out)
    return release, len(outcomes)


@click.command("assemble")
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder of the assembled site.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of templates the shards were built with (default: `templates` in briefgen.toml).")
@click.option("--styles", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of stylesheets the shards were built with (default: `styles` in briefgen.toml).")
def assemble_command(shards: tuple[Path, ...], out: Path, templates: Path | None, styles: Path | None) -> None:
    """Merge the output folders of `briefgen build --shard K/N` runs into one site.

    The manifest and the index are those one build of every sheet would have written.
    Shards built at different release levels, or holding the same brief, are refused (exit 2).
    """
    from .cli import EXIT_IO, EXIT_USAGE, _project

    project = _project()
    theme = Theme.of(templates or project.templates, styles or project.styles)
    try:
        release, count = assemble(list(shards), out, theme, project.locale)
    except (ShardError, NotOurs) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or out}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_IO)
    noun = "brief" if count == 1 else "briefs"
    click.echo(f"assembled {count} {noun} from {len(shards)} shards into {out}"
               + (f" (released at {release})" if release else ""))
