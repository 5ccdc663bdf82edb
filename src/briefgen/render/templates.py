"""HTML rendering: a view through the Jinja templates into one self-contained page.

The page carries its styles inline (base for every medium, then screen and print),
so the same HTML is opened in a browser and handed to WeasyPrint for the PDF, and
neither makes a request of its own.

Fact-sheet text reaches the templates only as data in the view, never as template
source, and every value is escaped unless the view made it Markup (sanitised HTML).
Templates are code from the project (and from pull requests): they run in Jinja's
immutable sandbox, are given only the view and the styles, and a mistake in one is a
`TemplateProblem` at its file and line, worded in the template's terms.

Labels go through gettext (Jinja's i18n extension, newstyle): `{{ _("Summary") }}` or
`{% trans %}`. The translations are never installed in the environment: each render passes
its note's `gettext` and `ngettext` in the context, so a template may switch language for a
part of the page (`{% with gettext=other_gettext, ngettext=other_ngettext %}{% include … %}{% endwith %}`:
the include, and `gettext(…)` in the block, speak the other language; `_` in the block itself
still looks up the page's, as Jinja's alias reads the render's context).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import CodeType
from typing import TYPE_CHECKING, TypeVar

import jinja2
import jinja2.bccache
import jinja2.runtime
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from briefgen.render.catalogs import Labels, labels
from briefgen.render.cross_view import CrossPageView
from briefgen.render.site_index import SiteIndexView
from briefgen.render.stylesheets import CROSS_STYLESHEETS, css_marking, css_string, inline_styles
from briefgen.render.template_problems import ExplainedUndefined, TemplateProblem, plain_error, template_frame
from briefgen.render.view_records import BriefView
from briefgen.sheet.kinds import KINDS
from briefgen.theme import MAX_TEMPLATE_BYTES, TEMPLATES, Theme, packaged

if TYPE_CHECKING:
    from briefgen.inputs import Reads

TEMPLATE_FOR_KIND = {kind.name: kind.template for kind in KINDS.values()}
INDEX_TEMPLATE = "index.html"
#: The template of every page across briefs (a subject's page and a kind's listing).
CROSS_TEMPLATE = "cross.html"

T = TypeVar("T")


def render_html(view: BriefView, theme: Theme, reads: Reads | None = None,
                context: Mapping[str, object] | None = None, template: str | None = None) -> str:
    """The brief or readout as one self-contained HTML document, its labels in `view.labels`. Raises TemplateProblem.

    `reads` records every template and style sheet the render read (see inputs.py);
    `context` gives the templates more names (another note's view and `template_gettext`,
    say, for a note in two languages side by side, whose `template` is not its kind's).
    """
    given = {**(context or {}), "view": view, **template_gettext(view.labels)}
    return _guarded(theme, reads, lambda env: env.get_template(template or TEMPLATE_FOR_KIND[view.kind])
                    .render(given, styles=inline_styles(theme, reads)))


def render_index(index: SiteIndexView, theme: Theme) -> str:
    """The site index page, `index.html`, its labels in the index's language (and the theme's catalogs).
    Raises TemplateProblem."""
    translated = template_gettext(labels(index.language, theme))
    return _guarded(theme, None, lambda env: env.get_template(INDEX_TEMPLATE)
                    .render(translated, index=index, styles=inline_styles(theme, None)))


def render_cross_html(view: CrossPageView, theme: Theme) -> str:
    """A page across briefs (render/cross_pages.py), its labels in the view's. Raises TemplateProblem."""
    translated = template_gettext(view.labels)
    return _guarded(theme, None, lambda env: env.get_template(CROSS_TEMPLATE).render(
        translated, view=view, styles=inline_styles(theme, None, CROSS_STYLESHEETS)))


def template_gettext(the_labels: Labels) -> dict[str, Callable[..., str]]:
    """`gettext` and `ngettext` for the templates, newstyle: `_("Page %(page)s", page=2)` formats and escapes.

    As Jinja's newstyle gettext does, the translation is a format string even with no values
    (a literal `%` is written `%%`), and Markup when the template autoescapes, so that the
    values are escaped and the label is not.
    """

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, message: str, /, **values: object) -> str:
        text = the_labels.gettext(message)
        return (Markup(text) if context.eval_ctx.autoescape else text) % values

    @jinja2.pass_context
    def ngettext(context: jinja2.runtime.Context, singular: str, plural: str, number: int, /,
                 **values: object) -> str:
        values.setdefault("num", number)
        text = the_labels.ngettext(singular, plural, number)
        return (Markup(text) if context.eval_ctx.autoescape else text) % values

    return {"gettext": gettext, "ngettext": ngettext}


#: An id, or a link to one, in HTML the templates wrote (attribute values are escaped: no quote inside).
_ID_OR_FRAGMENT = re.compile(r'\b(id|href|aria-describedby|aria-labelledby)="(#?)([^"\s]+)"')
#: What `second_copy` appends to each id of the copy.
SECOND_COPY_SUFFIX = "-2"


def second_copy(html: str) -> Markup:
    """The second language's copy of a part of the page, its ids and in-page links made its own ("para-3-2"),
    so that a note in two languages side by side has no id twice. Links out of the page are left alone."""

    def renamed(match: re.Match[str]) -> str:
        attribute, hash_mark, value = match.groups()
        if attribute == "href" and not hash_mark:
            return match[0]
        return f'{attribute}="{hash_mark}{value}{SECOND_COPY_SUFFIX}"'

    return Markup(_ID_OR_FRAGMENT.sub(renamed, str(html)))


def css_counters(label: str) -> Markup:
    r"""A translated "Page {page} of {pages}" as CSS `content`: its words as strings, joined by no-break spaces
    (the line never splits), `{page}` and `{pages}` as the page counters.

    `_("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")|css_counters` →
    `"Page\a0" counter(page) "\a0of\a0" counter(pages)`.
    """
    pieces = []
    for piece in re.split(r"(\{pages?\})", str(label)):
        if piece in ("{page}", "{pages}"):
            pieces.append(f"counter({piece[1:-1]})")
        elif piece:
            pieces.append(css_string(piece.replace(" ", "\u00a0")))
    return Markup(" ".join(pieces) or '""')


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

#: Jinja's globals templates may use (`lipsum`, `cycler` and `joiner` are left out: no template needs them);
#: `_` is the i18n extension's, which calls the `gettext` the render passes.
GLOBALS = ("range", "dict", "namespace", "_")
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
        extensions=["jinja2.ext.i18n"],
    )
    # Newstyle gettext (`_("…", name=value)`, autoescaped), without installing any translations:
    # the render's context gives `gettext` and `ngettext` (template_gettext).
    environment.newstyle_gettext = True  # type: ignore[attr-defined]
    for name in list(environment.globals):
        if name not in GLOBALS:
            del environment.globals[name]
    environment.filters["css_string"] = css_string
    environment.filters["css_marking"] = css_marking
    environment.filters["css_counters"] = css_counters
    environment.filters["second_copy"] = second_copy
    return environment
