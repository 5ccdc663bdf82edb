"""Options and arguments shared by commands, declared once: paths, output format, audiences, theme, jobs."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from briefgen.project import Project
    from briefgen.release.audience import Audience

OUTPUT_FORMATS = click.Choice(["text", "json", "github"])
F = TypeVar("F", bound=Callable[..., Any])

#: Limits for a path when the system cannot say (os.pathconf is POSIX): NAME_MAX and PATH_MAX
#: of Linux's file systems, in bytes.
NAME_MAX = 255
PATH_MAX = 4096


def path_problem(text: str) -> str | None:
    """Why the system could not open `text` (a name too long, a path too deep), or None.

    Every path argument of every command goes through this (GuardedPath), so that a path
    no file can have is a usage error (exit 2) before anything opens it, never an
    ENAMETOOLONG escaping as an internal error.
    """
    name_max, path_max = _limits(text)
    for part in Path(text).parts:
        size = len(os.fsencode(part))
        if size > name_max:
            return (f"a name in this path is too long: {size:,} {'characters' if size == len(part) else 'bytes'} "
                    f"('{_shortened(part)}'), at most {name_max} are possible here")
    size = len(os.fsencode(os.path.abspath(text)))
    if size >= path_max:
        return (f"this path is too long: {size:,} characters from the root of the file system "
                f"('{_shortened(text)}'), at most {path_max - 1:,} are possible here")
    return None


def _limits(text: str) -> tuple[int, int]:
    """NAME_MAX and PATH_MAX of the file system the nearest existing folder of `text` is on."""
    if not hasattr(os, "pathconf"):
        return NAME_MAX, PATH_MAX
    folder = os.path.dirname(os.path.abspath(text))
    while folder != os.path.dirname(folder) and not _is_folder(folder):
        folder = os.path.dirname(folder)
    try:
        name_max, path_max = os.pathconf(folder, "PC_NAME_MAX"), os.pathconf(folder, "PC_PATH_MAX")
    except (OSError, ValueError):
        return NAME_MAX, PATH_MAX
    # -1: the file system sets no limit of its own (the kernel's still applies).
    return name_max if name_max > 0 else NAME_MAX, path_max if path_max > 0 else PATH_MAX


def _is_folder(path: str) -> bool:
    try:
        return os.path.isdir(path)
    except (OSError, ValueError):
        return False


def _shortened(text: str, keep: int = 24) -> str:
    return text if len(text) <= 2 * keep + 1 else f"{text[:keep]}…{text[-keep:]}"


#: click.ParamType is generic from click 8.2 on and plain before: typed loosely to accept both.
_ParamType: Any = click.ParamType
_PathType: Any = click.Path


class GuardedPath(_PathType):  # type: ignore[misc]
    """click.Path that first refuses a path no file can have (path_problem): the type of every
    path argument and option of every command."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, (str, os.PathLike)):
            problem = path_problem(os.fspath(value))
            if problem is not None:
                self.fail(problem, param, ctx)
        return super().convert(value, param, ctx)


def paths_argument(function: F) -> F:
    return click.argument("paths", nargs=-1, type=GuardedPath(path_type=Path))(function)


def output_format_option(function: F) -> F:
    return click.option("--output-format", "output_format", type=OUTPUT_FORMATS, default="text", show_default=True,
                        help="text for people; json for tools; github for workflow annotations.")(function)


def strict_option(function: F) -> F:
    return click.option("--strict", is_flag=True, help="Treat warnings as errors.")(function)


def jobs_options(function: F) -> F:
    function = click.option("--timeout", type=click.FloatRange(min=1, max=86_400), metavar="SECONDS",
                            help="Stop rendering a brief that takes longer than this and report it "
                                 "(default: `timeout` in briefgen.toml, else 120).")(function)
    return click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
                        help="Render N briefs at once, in worker processes (default: `jobs` in "
                             "briefgen.toml, else every CPU this process may use).")(function)


class ShardType(_ParamType):  # type: ignore[misc]
    name = "K/N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        number, _, count = str(value).partition("/")
        if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
            self.fail(f"'{value}' is not K/N with 1 <= K <= N, e.g. 2/4", param, ctx)
        return int(number), int(count)


def verbose_option(function: F) -> F:
    return click.option("-v", "--verbose", is_flag=True,
                        help="Show every diagnostic in full (placeholders are otherwise one line per file).")(function)


def audience_options(function: F) -> F:
    """--release LEVEL, --audience NAME and --public: the three ways to name whom a release is for."""
    function = click.option("--public", is_flag=True,
                            help="Cut for the public: the same as --audience public. Only what a sheet "
                                 "says is cleared for public release, and nothing caveated.")(function)
    function = click.option("--audience", "audience_name", metavar="NAME",
                            help="Cut for an audience declared in briefgen.toml ([audiences.NAME]): the "
                                 "level it reads in each scheme, and its nationality.")(function)
    return click.option("--release", "release_level", metavar="LEVEL",
                        help="Cut for readers of each sheet's own nationality with access to LEVEL in its "
                             "scheme (any case, e.g. official); sheets of a scheme without LEVEL are "
                             "withheld with a note.")(function)


def resolve_audience(project: Project, release_level: str | None, audience_name: str | None,
                     public: bool) -> Audience | None:
    """The audience the flags name (at most one of them), or None for full documents."""
    from briefgen.release.audience import PUBLIC, AudienceError, shorthand

    given = [flag for flag, value in (("--release", release_level), ("--audience", audience_name),
                                      ("--public", public)) if value]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)} together: choose one")
    try:
        if release_level is not None:
            return shorthand(release_level)
        if audience_name is not None or public:
            return project.audience(audience_name or PUBLIC)
    except AudienceError as exc:
        raise click.BadParameter(str(exc), param_hint=given[0]) from None
    return None


def theme_options(function: F) -> F:
    function = click.option("--styles", type=GuardedPath(exists=True, file_okay=False, path_type=Path),
                            help="Folder of stylesheets overriding the defaults file by file "
                                 "(default: `styles` in briefgen.toml).")(function)
    return click.option("--templates", type=GuardedPath(exists=True, file_okay=False, path_type=Path),
                        help="Folder of templates overriding the defaults file by file "
                             "(default: `templates` in briefgen.toml).")(function)



class LocalesType(_ParamType):  # type: ignore[misc]
    """`--locale en-GB,ja`: one or more supported locales, checked here so a typo is a usage error (exit 2)."""

    name = "TAGS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, ...]:
        from briefgen.render.locale_tags import LocaleProblem, parse_locales

        if isinstance(value, tuple):
            return value
        try:
            return parse_locales(str(value))
        except LocaleProblem as exc:
            raise click.BadParameter(str(exc), ctx, param) from None


def locale_option(help_text: str) -> Callable[[F], F]:
    """--locale TAGS, with the help the command gives it."""
    def decorate(function: F) -> F:
        return click.option("--locale", "locales", type=LocalesType(), help=help_text)(function)
    return decorate


def resolve_locales(project: Project, locales: tuple[str, ...] | None, parallel: bool | None
                    ) -> tuple[tuple[str, ...], bool]:
    """The locales and side-by-side choice a build uses: the flags, else briefgen.toml's `locale` and `parallel`."""
    from briefgen.render.locale_tags import parallel_problem

    chosen = locales if locales else project.locales
    if parallel is None:  # briefgen.toml's `parallel` applies while the build has its two locales
        return chosen, project.parallel and parallel_problem(chosen) is None
    if parallel:
        problem = parallel_problem(chosen)
        if problem is not None:
            raise click.BadParameter(problem, param_hint="--parallel")
    return chosen, parallel


class PdfVariantType(_ParamType):  # type: ignore[misc]
    """`--pdf-variant pdf/a-2b`: a PDF variant briefgen prints, or a usage error (exit 2) saying why not."""

    name = "VARIANT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from briefgen.render.pdf_variants import pdf_variant_problem

        problem = pdf_variant_problem(value)
        if problem is not None:
            raise click.BadParameter(problem, ctx, param)
        return str(value)


class FormatsType(_ParamType):  # type: ignore[misc]
    """`--format html,docx` (repeatable): what each note is written as, checked so a typo is a usage error (exit 2)."""

    name = "FORMATS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, ...]:
        from briefgen.project import formats_problem

        if isinstance(value, tuple):
            return value
        given = [item.strip().casefold() for item in str(value).split(",") if item.strip()]
        problem = formats_problem(given)
        if problem is not None:
            self.fail(problem, param, ctx)
        return tuple(given)


def resolve_formats(project: Project, formats: tuple[tuple[str, ...], ...], html: bool | None, pdf: bool | None
                    ) -> tuple[str, ...]:
    """What a build writes: `--format` (which replaces the defaults), else briefgen.toml's `formats`, else HTML
    and PDF; then `--html`/`--pdf` add a format and `--no-html`/`--no-pdf` take one away."""
    from briefgen.project import FORMATS

    given = [name for group in formats for name in group]
    chosen = set(given) if given else set(project.formats or ("html", "pdf"))
    for name, wanted in (("html", html), ("pdf", pdf)):
        if wanted is True:
            chosen.add(name)
        elif wanted is False:
            chosen.discard(name)
    if not chosen:
        raise click.UsageError("these options leave nothing to build: choose at least one of "
                               f"{', '.join(FORMATS)} (--format)")
    return tuple(name for name in FORMATS if name in chosen)
