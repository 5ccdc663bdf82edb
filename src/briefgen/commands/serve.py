"""`briefgen serve`: preview briefs in a browser, rebuilt and reloaded as fact sheets are saved."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

from briefgen.commands.options import (
    audience_options,
    locale_option,
    paths_argument,
    resolve_audience,
    theme_options,
)
from briefgen.preview.http import DEFAULT_HOST, DEFAULT_PORT, PreviewServer
from briefgen.preview.state import Preview, Settings
from briefgen.project import ProjectError, load_project


@click.command("serve")
@paths_argument
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on. Only loopback names are answered (Host header), whatever the address.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port; the URL is printed).")
@audience_options
@locale_option("Preview the notes in this locale, e.g. ja (default: the first `locale` in briefgen.toml, "
               "else each sheet's scheme).")
@theme_options
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default web browser.")
@click.option("--editor", metavar="URL",
              help="URL template that opens a file at a line, for Alt-click on a value "
                   "(default: `editor` in briefgen.toml, else vscode://file/{path}:{line}:{column}).")
def serve_command(paths: tuple[Path, ...], host: str, port: int, release_level: str | None,
                  audience_name: str | None, public: bool, locales: tuple[str, ...] | None,
                  templates: Path | None, styles: Path | None, open_browser: bool, editor: str | None) -> None:
    """Preview briefs in a browser, rebuilt and reloaded as you save.

    PATHS are fact sheets or folders (default: the project's briefs folder). The home
    page lists every fact sheet; each brief is the HTML `build` writes, its PDF is one
    click away, and a sheet with errors shows them over its last good render. Alt-click
    a value to open the fact sheet at its line. With --release, --audience or --public
    nothing that audience may not read is ever shown: no value, message, title or file
    name of what it withholds. Ctrl-C stops the server.
    """
    try:
        project = load_project()
    except ProjectError as exc:
        raise click.UsageError(str(exc)) from None
    if editor is not None and "{path}" not in editor:
        raise click.BadParameter("the URL template must contain {path}", param_hint="--editor")
    ceiling = resolve_audience(project, release_level, audience_name, public)
    if locales is not None and len(locales) > 1:
        raise click.BadParameter("the preview shows one locale at a time, e.g. --locale ja; "
                                 "`briefgen build --locale " + ",".join(locales) + "` writes them all",
                                 param_hint="--locale")
    for path in paths:
        if not path.exists():
            raise click.BadParameter(f"'{path}' does not exist", param_hint="PATH")
    settings = Settings(paths=tuple(paths), ceiling=ceiling, templates=templates, styles=styles, editor=editor,
                        locale=locales[0] if locales else None)
    preview = Preview(settings, project, log=lambda line: click.echo(f"briefgen: {line}", err=True))
    try:
        server = PreviewServer((host, port), preview)
    except OSError as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                               + (" (choose another with --port)" if port else "")) from None
    sys.exit(run_server(server, preview, open_browser))


def run_server(server: PreviewServer, preview: Preview, open_browser: bool = False) -> int:
    """Serve until Ctrl-C (or SIGTERM); then stop the watcher, the workers and every connection."""
    # Also when started in the background (where SIGINT is ignored): Ctrl-C stops the server.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        preview.start()
        url = server.url
        count = len(preview.snapshot.entries)
        click.echo(f"briefgen: previewing {count} fact sheet{'s' if count != 1 else ''} at {url} "
                   "(Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping would leave workers behind: finish stopping first.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        preview.stop()
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
    try:
        click.echo("briefgen: preview stopped", err=True)
    except (OSError, ValueError):
        pass
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
