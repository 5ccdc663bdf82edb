"""`briefgen diff OLD NEW`: what changed in the facts between two versions of a fact sheet.

The comparison is versions/compare.py; the versions (two files, or a git revision and the
working tree) are read by versions/revisions.py. With --releases, OLD and NEW are two output
folders and publish/release_diff.py compares the briefs their manifests publish.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.commands.options import GuardedPath
from briefgen.commands.shared import user_errors
from briefgen.versions.compare import FORMATTERS
from briefgen.versions.revisions import diff_paths


@click.command("diff")
@click.argument("old", metavar="OLD", type=GuardedPath())
@click.argument("new", metavar="NEW", type=GuardedPath())
@click.option("--output-format", "output_format", type=click.Choice(list(FORMATTERS)), default="text",
              show_default=True, help="text for people; markdown for a GitHub step summary; json for tools.")
@click.option("--releases", is_flag=True,
              help="OLD and NEW are output folders of `briefgen build` (e.g. two builds with --public): "
                   "name every brief NEW adds to the release or withholds from it.")
@user_errors
def diff_command(old: str, new: str, output_format: str, releases: bool) -> None:
    """Summarise what changed in the facts between two versions of fact sheets.

    OLD and NEW are two fact sheets, or a git revision and a sheet or folder in the
    working tree: `briefgen diff main briefs/g20-2025.yaml`, `briefgen diff HEAD~1 briefs/`.
    Lists participants, frameworks, commitments, outcomes, talking points, recommendations
    and sources added, removed or changed, and changes of classification, caveats and status; a
    raised or lowered classification comes first. Sheets added or deleted between
    revisions are named. Exits 0 when compared (with or without changes), 1 when a
    version is invalid (its diagnostics are shown), 2 for usage errors.

    With --releases, OLD and NEW are two output folders (`briefgen build --public -o
    DIR` of the base branch and of a change): their manifests are compared, and every
    brief the change would add to or withhold from the release is named, with any brief
    published under another banner. Exits 0 when compared, 2 when a folder holds no
    manifest: `briefgen diff --releases base-public/ public/ --output-format markdown`.
    """
    if releases:
        from briefgen.publish.release_diff import FORMATTERS as RELEASE_FORMATTERS
        from briefgen.publish.release_diff import compare_releases

        click.echo(RELEASE_FORMATTERS[output_format](compare_releases(Path(old), Path(new))))
        return
    diffs = diff_paths(old, new)
    click.echo(FORMATTERS[output_format](diffs))
    sys.exit(1 if any(d.status == "invalid" for d in diffs) else 0)
