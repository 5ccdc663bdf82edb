"""The `briefgen` command group: every command imported only when used, and no traceback ever.

Exit codes (errors.py): 0 success; 1 a fact sheet (or a template) has errors, or warnings
under --strict; 2 a usage error: a bad option or path, a file briefgen would not overwrite,
an output folder it did not write, a bad briefgen.toml; 3 an internal error (a bug);
4 briefgen could not read or write a file it needed (permissions, a full disk);
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from briefgen import __version__
from briefgen.errors import EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_INTERRUPTED


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

    #: Every command lives in a module of its own, imported only when used (or listed by --help),
    #: so that `--version` and `check` do not pay for the others.
    lazy_commands = {
        "assemble": ("briefgen.commands.assemble", "assemble_command"),
        "build": ("briefgen.commands.build", "build_command"),
        "check": ("briefgen.commands.check", "check_command"),
        "diff": ("briefgen.commands.diff", "diff_command"),
        "doctor": ("briefgen.commands.doctor", "doctor_command"),
        "init": ("briefgen.commands.init", "init_command"),
        "new": ("briefgen.commands.new", "new_command"),
        "query": ("briefgen.commands.query", "query_command"),
        "schema": ("briefgen.commands.schema", "schema_command"),
        "serve": ("briefgen.commands.serve", "serve_command"),
        "sign": ("briefgen.commands.sign", "sign_command"),
        "verify": ("briefgen.commands.verify", "verify_command"),
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
