"""HTML rendering: a view through the Jinja templates into one self-contained page.

The page carries its styles inline (base for every medium, then screen and print),
so the same HTML is opened in a browser and handed to WeasyPrint for the PDF, and
neither makes a request of its own.

Fact-sheet text reaches the templates only as data in the view, never as template
source, and every value is escaped unless the view made it Markup (sanitised HTML).
Templates are code from the project (and from pull requests): they run in Jinja's
immutable sandbox, are given only the view and the styles, and a mistake in one is a
`TemplateProblem` at its file and line, worded in the template's terms.
"""

from __future__ import annotations

from collections.abc import Callable
from types import CodeType
from typing import TYPE_CHECKING, TypeVar

import jinja2
import jinja2.bccache
import jinja2.runtime
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefgen.render.site_index import SiteIndexView
from briefgen.render.stylesheets import css_marking, css_string, inline_styles
from briefgen.render.template_problems import ExplainedUndefined, TemplateProblem, plain_error, template_frame
from briefgen.render.view_records import BriefView
from briefgen.sheet.kinds import KINDS
from briefgen.theme import MAX_TEMPLATE_BYTES, TEMPLATES, Theme, packaged

if TYPE_CHECKING:
    from briefgen.inputs import Reads

TEMPLATE_FOR_KIND = {kind.name: kind.template for kind in KINDS.values()}
INDEX_TEMPLATE = "index.html"

T = TypeVar("T")


def render_html(view: BriefView, theme: Theme, reads: Reads | None = None) -> str:
    """The brief or readout as one self-contained HTML document. Raises TemplateProblem.

    `reads` records every template and style sheet the render read (see inputs.py).
    """
    return _guarded(theme, reads, lambda env: env.get_template(TEMPLATE_FOR_KIND[view.kind])
                    .render(view=view, styles=inline_styles(theme, reads)))


def render_index(index: SiteIndexView, theme: Theme) -> str:
    """The site index page, `index.html`. Raises TemplateProblem."""
    return _guarded(theme, None, lambda env: env.get_template(INDEX_TEMPLATE)
                    .render(index=index, styles=inline_styles(theme, None)))


def _guarded(theme: Theme, reads: Reads | None, render: Callable[[jinja2.Environment], T]) -> T:
    try:
        return render(_environment(theme, reads))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax error: {exc.message}", _shown(theme, exc.filename or exc.name),
                              exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        path, line = template_frame(exc)
        raise TemplateProblem(f"template not found: {exc.name}", path or _shown(theme, None), line) from None
    except _Refused as exc:
        path, line = template_frame(exc)
        raise TemplateProblem(exc.message or "", path or exc.path, line) from None
    except SecurityError as exc:
        path, line = template_frame(exc)
        raise TemplateProblem(f"the template reached outside what templates may use: {exc.message}",
                              path or _shown(theme, None), line) from None
    except jinja2.UndefinedError as exc:
        path, line = template_frame(exc)
        raise TemplateProblem(exc.message or "undefined", path or _shown(theme, None), line) from None
    except jinja2.TemplateError as exc:
        path, line = template_frame(exc)
        raise TemplateProblem(f"template error: {exc.message or type(exc).__name__}",
                              path or _shown(theme, None), line) from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
        # `{{ 1 / 0 }}`, `{{ view.title + 1 }}`, `range(10**9)`: the template's mistake, at its line.
        path, line = template_frame(exc)
        if path is None:
            raise
        raise TemplateProblem(f"template error: {plain_error(exc)}", path, line) from None


def _shown(theme: Theme, filename: str | None) -> str:
    return filename or str(theme.roots()[0] if theme.template_dirs else packaged(TEMPLATES))


# --- the sandbox ------------------------------------------------------------------------------

#: Jinja's globals templates may use (`lipsum`, `cycler` and `joiner` are left out: no template needs them).
GLOBALS = ("range", "dict", "namespace")
#: The longest text or list a template may make with `*`, and the largest exponent of `**`.
MAX_REPEAT = 1_000_000
MAX_EXPONENT = 1_000


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox: no Python internals, no changing what templates are given,
    and no `*` or `**` that would fill the memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: object, right: object) -> object:
        sized = [o for o in (left, right) if isinstance(o, (str, list, tuple))]
        counts = [o for o in (left, right) if isinstance(o, int) and not isinstance(o, bool)]
        if operator == "*" and sized and counts and len(sized[0]) * counts[0] > MAX_REPEAT:
            raise SecurityError(f"`*` would make {len(sized[0]) * counts[0]:,} items, more than the "
                                f"{MAX_REPEAT:,} allowed")
        if operator == "**" and len(counts) == 2 and abs(counts[1]) > MAX_EXPONENT:
            raise SecurityError(f"`**` with an exponent over {MAX_EXPONENT:,} is not allowed")
        return super().call_binop(context, operator, left, right)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory by name, file and source checksum (a changed file compiles again).

    Each render has an environment of its own (so that its loader sees, and records, every
    template the render reads); this keeps them from compiling the same source each time.
    The code objects themselves are kept, not their marshalled bytes: nothing is decoded
    again for the next render.
    """

    MAX_ENTRIES = 512

    def __init__(self) -> None:
        self._stored: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        stored = self._stored.get(bucket.key)
        if stored is not None and stored[0] == bucket.checksum:
            bucket.code = stored[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is None:
            return
        if len(self._stored) >= self.MAX_ENTRIES:
            self._stored.clear()
        self._stored[bucket.key] = (bucket.checksum, bucket.code)


_COMPILED = _CompiledTemplates()


class _Refused(jinja2.TemplateError):
    """A template file that exists but is not read: not a regular file, too large, not UTF-8, or a link out."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class _ThemeLoader(jinja2.BaseLoader):
    """Templates from the theme's folders, first folder first, read as briefgen reads every file
    (regular files only, bounded, without blocking), each recorded in `reads`."""

    def __init__(self, theme: Theme, reads: Reads | None) -> None:
        self.theme = theme
        self.folders = [(f"{TEMPLATES}.{n}", folder) for n, folder in enumerate(theme.template_dirs)]
        self.folders.append((TEMPLATES, packaged(TEMPLATES)))
        self.reads = reads

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        from briefgen.files import read_regular_file

        pieces = split_template_path(template)  # refuses `..`
        for label, folder in self.folders:
            path = folder.joinpath(*pieces)
            if not self.theme.allows_below(folder, pieces):
                raise _Refused(f"the template {template} is a symbolic link that leads outside the template "
                               "folders and the project, or to its fact sheets; it was not read", str(path))
            try:
                data = read_regular_file(path, MAX_TEMPLATE_BYTES, whole=True)
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                raise _Refused(f"cannot read the template {template}: {exc.strerror or exc}", str(path)) from None
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refused(f"the template {template} is not UTF-8 text", str(path)) from None
            if self.reads is not None:
                self.reads.add(label, "/".join(pieces), data)
            return source, str(path), lambda: True
        raise jinja2.TemplateNotFound(template)


def _environment(theme: Theme, reads: Reads | None) -> jinja2.Environment:
    # A fresh environment per render, so that its loader sees every template the render
    # loads (compiled code is shared through _COMPILED); an edited template is read again.
    environment = _Sandbox(
        loader=_ThemeLoader(theme, reads),
        autoescape=True,  # every template, whatever its extension
        undefined=ExplainedUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED,
        auto_reload=False,
    )
    for name in list(environment.globals):
        if name not in GLOBALS:
            del environment.globals[name]
    environment.filters["css_string"] = css_string
    environment.filters["css_marking"] = css_marking
    return environment
