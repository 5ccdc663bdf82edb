"""`briefgen assemble`: merge the output folders of shards into one site.

Each shard folder is what `briefgen build --shard K/N` wrote: outputs and a manifest
whose build stamp names K/N, the audience, the plan and briefgen's version. The assembled
folder holds every brief's outputs, and the manifest and index that one build of all the
sheets would have written (the index byte for byte), and nothing else. Anything but the
complete set of shards of one build is refused, and then nothing is published.
"""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.commands.options import GuardedPath
from briefgen.commands.shared import user_errors
from briefgen.errors import UsageProblem
from briefgen.keys import in_shard, recorded_report
from briefgen.publish.folder import publish, recorded_outcome
from briefgen.publish.manifest import BriefEntry, BuildStamp, Manifest, NotOurs
from briefgen.records import Options, Outcome, Plan, PlannedSheet
from briefgen.release.audience import Audience
from briefgen.theme import Theme

if TYPE_CHECKING:
    from briefgen.sheet.registry import Registry


class ShardError(UsageProblem):
    """The shard folders cannot be merged; the message says which and why."""


def shard_outcomes(folders: list[Path]) -> tuple[BuildStamp, list[Outcome], dict[str, BriefEntry]]:
    """What the shards were built as, every brief of every shard as an outcome, and each brief's
    manifest entry.

    Raises ShardError — and nothing is published — unless the folders are exactly the N shards
    of one build: each written by `build --shard K/N` with the same N, every K from 1 to N
    once, the same plan (the same sheets with the same keys), audience and briefgen version;
    each brief in the shard its id belongs to, in one shard only, with the bytes its manifest
    recorded.
    """
    stamps: list[tuple[Path, BuildStamp]] = []
    manifests = []
    for folder in folders:
        try:
            manifest = Manifest.read(folder)
        except NotOurs as exc:
            raise ShardError(str(exc)) from None
        if manifest is None:
            raise ShardError(f"{folder} holds no manifest.json: it is not the output of `briefgen build --shard`")
        if manifest.stamp is None or manifest.stamp.shard is None:
            raise ShardError(f"{folder} was not built with --shard K/N: build every shard with "
                             "`briefgen build --shard K/N`, then assemble them")
        stamps.append((folder, manifest.stamp))
        manifests.append((folder, manifest))
    first_folder, first = stamps[0]
    count = first.shard[1] if first.shard else 0
    for folder, stamp in stamps[1:]:
        for what, mine, theirs in (("number of shards", stamp.shard[1] if stamp.shard else 0, count),
                                   ("audience", _named(stamp.audience), _named(first.audience)),
                                   ("briefgen version", stamp.version, first.version),
                                   ("plan (the fact sheets and their keys)", stamp.plan, first.plan)):
            if mine != theirs:
                raise ShardError(f"{folder} and {first_folder} differ in their {what} ({mine or 'none'} against "
                                 f"{theirs or 'none'}): they are shards of different builds; build every shard "
                                 "again from the same commit and settings")
    by_number: dict[int, Path] = {}
    for folder, stamp in stamps:
        number = stamp.shard[0] if stamp.shard else 0
        if number in by_number:
            raise ShardError(f"{folder} and {by_number[number]} are both shard {number}/{count}")
        by_number[number] = folder
    missing = [str(k) for k in range(1, count + 1) if k not in by_number]
    if missing:
        raise ShardError(f"shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} of {count} "
                         f"{'are' if len(missing) > 1 else 'is'} missing: a partial site is never assembled")
    outcomes: list[Outcome] = []
    entries: dict[str, BriefEntry] = {}
    seen: dict[str, Path] = {}
    for folder, manifest in manifests:
        assert manifest.stamp is not None and manifest.stamp.shard is not None
        for brief_id, entry in sorted(manifest.briefs.items()):
            if brief_id in seen:
                raise ShardError(f"the brief '{brief_id}' is in both {seen[brief_id]} and {folder}: "
                                 "shards must not overlap")
            if not in_shard(brief_id, manifest.stamp.shard):
                raise ShardError(f"{folder} holds '{brief_id}', which belongs to another shard: it is stale; "
                                 "build that shard again")
            seen[brief_id] = folder
            outcomes.append(_outcome(folder, entry))
            entries[brief_id] = entry
    return first, outcomes, entries


def _named(audience: Audience | None) -> str | None:
    return None if audience is None else f"{audience.name} ({audience.digest()})"


def _outcome(folder: Path, entry: BriefEntry) -> Outcome:
    try:
        return recorded_outcome(folder, entry)
    except ValueError as exc:
        raise ShardError(f"{folder}: {exc}: rebuild that shard") from None


def assemble(folders: list[Path], out: Path, theme: Theme, locales: tuple[str, ...] = (),
             registry: Registry | None = None, as_of: _dt.date | None = None) -> tuple[str | None, int]:
    """Merge `folders` into `out`: the audience's label and the number of briefs. Raises ShardError.

    The pages across briefs are drawn here, from every shard's records (a shard writes none)."""
    stamp, outcomes, entries = shard_outcomes(folders)
    sheets = tuple(PlannedSheet(o.path, recorded_report(o.path, entries[o.sheet_id]), o.sheet_id, None)
                   for o in outcomes)
    # The country pages are printed when the briefs were (a shard's formats are its outputs').
    printed = any(name.endswith(".pdf") for o in outcomes for name in o.outputs)
    plan = Plan(Options(audience=stamp.audience, theme=theme, locales=locales, registry=registry, as_of=as_of,
                        pdf=printed),
                sheets, digest=stamp.plan, exact=True)
    publish(plan, outcomes, out)
    return plan.release, len(outcomes)


@click.command("assemble")
@click.argument("shards", nargs=-1, required=True, type=GuardedPath(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", type=GuardedPath(file_okay=False, path_type=Path), required=True,
              help="The folder of the assembled site.")
@click.option("--templates", type=GuardedPath(exists=True, file_okay=False, path_type=Path),
              help="Folder of templates the shards were built with (default: `templates` in briefgen.toml).")
@click.option("--styles", type=GuardedPath(exists=True, file_okay=False, path_type=Path),
              help="Folder of stylesheets the shards were built with (default: `styles` in briefgen.toml).")
@user_errors
def assemble_command(shards: tuple[Path, ...], out: Path, templates: Path | None, styles: Path | None) -> None:
    """Merge the output folders of `briefgen build --shard K/N` runs into one site.

    The manifest and the index are those one build of every sheet would have written.
    Refused (exit 2), with nothing published: a missing or duplicate shard, shards of
    different builds (another plan, audience, number of shards or briefgen version), and a
    brief in the wrong shard or in two.
    """
    from briefgen.commands.shared import as_of_day, check_output, project_registry
    from briefgen.errors import EXIT_IO
    from briefgen.project import load_project

    project = load_project()
    theme = project.theme(templates, styles)
    check_output(out, project, [*shards, *theme.template_dirs, *theme.style_dirs])
    try:
        release, count = assemble(list(shards), out, theme, project.locales, project_registry(project)[0],
                                  as_of_day())
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or out}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_IO)
    noun = "brief" if count == 1 else "briefs"
    click.echo(f"assembled {count} {noun} from {len(shards)} shards into {out}"
               + (f" (released at {release})" if release else ""))
