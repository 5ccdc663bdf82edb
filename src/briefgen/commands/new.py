"""`briefgen new`: write a commented skeleton fact sheet of a kind, never over an existing file."""

from __future__ import annotations

import datetime as _dt
import os
import sys
from pathlib import Path

import click

from briefgen.commands.options import GuardedPath, locale_option
from briefgen.commands.shared import io_error, user_errors
from briefgen.errors import EXIT_IO, UsageProblem
from briefgen.sheet.kinds import KINDS


@click.command("new")
@click.argument("sheet_id", metavar="ID")
@click.option("--kind", type=click.Choice(list(KINDS)), default="brief", show_default=True,
              help="brief: before the meeting; readout: after it; submission: a UK submission to a minister; "
                   "action-memo: a US memo asking for a decision; info-memo: a US memo asking for none.")
@click.option("-o", "--out", "out", type=GuardedPath(file_okay=False, path_type=Path),
              help="Folder to write ID.yaml into (default: the project's briefs folder, else ./briefs).")
@locale_option("The language the sheet is written in, e.g. ja: its `lang:` (default: the first `locale` "
               "in briefgen.toml, else English).")
@user_errors
def new_command(sheet_id: str, kind: str, out: Path | None, locales: tuple[str, ...] | None) -> None:
    """Write a commented skeleton fact sheet OUT/ID.yaml to fill in.

    It passes `briefgen check` with `placeholder` warnings for every TODO left. In a
    brief repository its first line points editors at the repository's JSON Schema by
    a relative path. An existing file is never overwritten (exit 2).
    """
    from briefgen.sheet.ids import is_valid_id, is_windows_device_name
    from briefgen.sheet.skeleton import skeleton

    if not is_valid_id(sheet_id):
        if is_windows_device_name(sheet_id):
            raise click.BadParameter(f"'{sheet_id}' is a name Windows keeps for a device: no file {sheet_id}.yaml "
                                     f"can exist there; choose another, e.g. {sheet_id}-talks", param_hint="ID")
        raise click.BadParameter("use lower-case letters, digits and single hyphens, e.g. g20-2025",
                                 param_hint="ID")
    from briefgen.project import load_project

    project = load_project()
    folder = out if out is not None else project.briefs
    target = folder / f"{sheet_id}.yaml"
    twin = _same_but_for_case(target)
    if twin is not None:
        raise UsageProblem(f"{twin} already exists, and {target.name} differs from it only in case: on Windows "
                           "and macOS they would be one file; choose another id")
    schema_ref = None
    if project.schema is not None:
        schema_ref = os.path.relpath(project.schema.resolve(), folder.resolve()).replace(os.sep, "/")
    if locales is not None and len(locales) > 1:
        raise click.BadParameter("a fact sheet has one language of its own, e.g. --locale ja; give its text in "
                                 "others as {ja: …, en: …}", param_hint="--locale")
    chosen = locales or project.locales
    text = skeleton(sheet_id, kind, schema_ref, _dt.date.today(), chosen[0] if chosen else None)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, no permission…
        click.echo(f"error: cannot create the folder {folder}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_IO)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageProblem(f"{target} already exists; briefgen new never overwrites a fact sheet") from None
    except OSError as exc:
        io_error(exc)
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
