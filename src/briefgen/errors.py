"""What stops a command: one exception tree, each class knowing its exit code, and the codes themselves.

A mistake in a fact sheet is never an exception: it is a Diagnostic in a Report. These
classes are for a request briefgen refuses or cannot carry out (a bad path, a folder it
did not write, a template it cannot load). Every command maps them the same way
(`commands.shared.user_errors`): the message to stderr, or click's usage line when the
error names an option or argument, and the class's exit code:

    BriefgenError
      UsageProblem (2)     PlanError → ThemeError, ProjectError, NotOurs → DamagedManifest,
                           ShardError, DiffUsageError, AlreadyExists
      TemplateFailure (1)  TemplateProblem (a template's file and line; a brief's render and
                           the site index report it as a diagnostic)

A file that cannot be read or written stays an OSError (FolderBusy is one): each command
says what it was doing and exits 4. Exceptions a module raises and catches itself (a YAML
stop, a rejected pydantic value, NotReleasable) stay in that module.
"""

from __future__ import annotations

EXIT_OK = 0
#: A fact sheet (or a template) has errors, or warnings under --strict.
EXIT_SHEET = 1
#: A usage error: a bad option or path, a file briefgen would not overwrite, an output
#: folder it did not write, a bad briefgen.toml.
EXIT_USAGE = 2
#: An internal error: a bug in briefgen.
EXIT_INTERNAL = 3
#: briefgen could not read or write a file it needed (permissions, a full disk), or the
#: machine lacks what it needs (`doctor`).
EXIT_IO = 4
EXIT_INTERRUPTED = 130
#: What a process killed by SIGPIPE reports; used when the reader of our output went away.
EXIT_BROKEN_PIPE = 141


class BriefgenError(Exception):
    """A request briefgen refuses or cannot carry out; its message is for the user, never a traceback."""

    exit_code = EXIT_USAGE
    #: Whether the message comes with the command's usage line (click's UsageError), as for a
    #: request whose arguments cannot go together.
    shows_usage = False

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        #: The argument or option the error is about ("PATH", "--templates/--styles"), for click's
        #: usage line; None prints `error: message` alone.
        self.param = param


class UsageProblem(BriefgenError):
    """The request itself is wrong: a path, an option, a folder or a file briefgen will not touch (exit 2)."""

    exit_code = EXIT_USAGE


class TemplateFailure(BriefgenError):
    """A template or style sheet of the theme cannot be used (exit 1, like an error in a sheet)."""

    exit_code = EXIT_SHEET


class PlanError(UsageProblem):
    """The request itself cannot be planned: a missing path, no fact sheets, an unknown level, a bad theme."""

    def __init__(self, message: str, param: str | None = "PATH") -> None:
        super().__init__(message, param)
