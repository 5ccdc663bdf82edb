"""`briefgen schema`: print or write the JSON Schema of the fact-sheet format, for editors."""

from __future__ import annotations

from pathlib import Path

import click

from briefgen.commands.options import GuardedPath
from briefgen.commands.shared import io_error, user_errors


@click.command("schema")
@click.option("-o", "--output", type=GuardedPath(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@user_errors
def schema_command(output: Path | None) -> None:
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
        io_error(exc, path=output)
