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

import dataclasses
import errno
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import CodeType
from typing import TYPE_CHECKING, TypeVar

import jinja2
import jinja2.bccache
import jinja2.runtime
import jinja2.utils
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from briefgen.render.site_index import SiteIndexView
from briefgen.render.theme import STYLES, TEMPLATES, Theme, packaged
from briefgen.render.view_records import BriefView
from briefgen.sheet.kinds import KINDS

if TYPE_CHECKING:
    from briefgen.render.inputs import Reads

#: Style sheets in the order they are inlined, with the media each applies to.
STYLESHEETS: tuple[tuple[str, str | None], ...] = (
    ("base.css", None),
    ("kinds.css", None),
    ("screen.css", "screen"),
    ("print.css", "print"),
)
#: Style sheets only WeasyPrint reads (string-set, bookmark-level: rules browsers and
#: validators reject), handed to it beside the HTML rather than inlined in it.
WEASYPRINT_STYLESHEETS: tuple[str, ...] = ("weasyprint.css",)
TEMPLATE_FOR_KIND = {kind.name: kind.template for kind in KINDS.values()}
INDEX_TEMPLATE = "index.html"

# Inside <style>, only "</style" ends the element; "<\/style" means the same in CSS
# (a backslash escapes "/"), so a style sheet cannot end it early.
_STYLE_END_RE = re.compile(r"</(?=style)", re.IGNORECASE)

T = TypeVar("T")


class TemplateProblem(Exception):
    """A template could not be used: a syntax error, an undefined variable, a missing include,
    a reach outside the sandbox.

    `path` and `line` name the template file and line where it went wrong, as far as known.
    """

    def __init__(self, message: str, path: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line


def render_html(view: BriefView, theme: Theme, reads: Reads | None = None) -> str:
    """The brief or readout as one self-contained HTML document. Raises TemplateProblem.

    `reads` records every template and style sheet the render read (see inputs.py).
    """
    return _guarded(theme, reads, lambda env: env.get_template(TEMPLATE_FOR_KIND[view.kind])
                    .render(view=view, styles=_styles(theme, reads)))


def render_index(index: SiteIndexView, theme: Theme) -> str:
    """The site index page, `index.html`. Raises TemplateProblem."""
    return _guarded(theme, None, lambda env: env.get_template(INDEX_TEMPLATE)
                    .render(index=index, styles=_styles(theme, None)))


def _guarded(theme: Theme, reads: Reads | None, render: Callable[[jinja2.Environment], T]) -> T:
    try:
        return render(_environment(theme, reads))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax error: {exc.message}", _shown(theme, exc.filename or exc.name),
                              exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        path, line = _template_frame(exc)
        raise TemplateProblem(f"template not found: {exc.name}", path or _shown(theme, None), line) from None
    except _Refused as exc:
        path, line = _template_frame(exc)
        raise TemplateProblem(exc.message or "", path or exc.path, line) from None
    except SecurityError as exc:
        path, line = _template_frame(exc)
        raise TemplateProblem(f"the template reached outside what templates may use: {exc.message}",
                              path or _shown(theme, None), line) from None
    except jinja2.UndefinedError as exc:
        path, line = _template_frame(exc)
        raise TemplateProblem(exc.message or "undefined", path or _shown(theme, None), line) from None
    except jinja2.TemplateError as exc:
        path, line = _template_frame(exc)
        raise TemplateProblem(f"template error: {exc.message or type(exc).__name__}",
                              path or _shown(theme, None), line) from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
        # `{{ 1 / 0 }}`, `{{ view.title + 1 }}`, `range(10**9)`: the template's mistake, at its line.
        path, line = _template_frame(exc)
        if path is None:
            raise
        raise TemplateProblem(f"template error: {_plain_error(exc)}", path, line) from None


def _plain_error(exc: BaseException) -> str:
    text = str(exc)[:200]
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    return text or type(exc).__name__


def _template_frame(exc: BaseException) -> tuple[str | None, int]:
    """The innermost template file and line in a Jinja traceback (Jinja rewrites its frames so)."""
    found: tuple[str | None, int] = (None, 1)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".htm", ".j2", ".jinja")) and frame.lineno is not None:
            found = (frame.filename, frame.lineno)
    return found


def _shown(theme: Theme, filename: str | None) -> str:
    return filename or str(theme.roots()[0] if theme.template_dirs else packaged(TEMPLATES))


@dataclass(frozen=True)
class InlineStyle:
    """A style sheet as it is inlined: its CSS and the media it applies to (None: all)."""

    css: Markup
    media: str | None


# --- the sandbox ------------------------------------------------------------------------------

#: Jinja's globals templates may use (`lipsum`, `cycler` and `joiner` are left out: no template needs them).
GLOBALS = ("range", "dict", "namespace")
#: The longest text or list a template may make with `*`, and the largest exponent of `**`.
MAX_REPEAT = 1_000_000
MAX_EXPONENT = 1_000
#: The largest template file read.
MAX_TEMPLATE_BYTES = 1 << 20


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
        undefined=_Undefined,
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


# --- what a template asked for, in the template's terms ------------------------------------

#: What templates are given, by the type of the value: (its name in templates, what it is).
_GIVEN = {"BriefView": ("view", "the brief"), "SiteIndexView": ("index", "the site index")}


class _Undefined(jinja2.StrictUndefined):
    """An undefined value whose error says what the template asked for, and what there is instead."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        return undefined_message(self._undefined_hint, self._undefined_obj, self._undefined_name,
                                 self._undefined_exception is SecurityError)


def undefined_message(hint: str | None, owner: object, name: object, unsafe: bool = False) -> str:
    """The message of a value a template asked for and did not get."""
    if isinstance(owner, jinja2.Undefined):  # `nosuch.__init__`: what is missing is `nosuch`
        return str(owner._undefined_message)
    if unsafe:
        if str(name).startswith("_"):
            return f"`.{name}` is one of Python's internals, which templates are never given"
        return f"`.{name}` would change what the template was given, which templates may not do"
    if hint:
        return hint
    if owner is jinja2.utils.missing:
        return (f"`{name}` is not defined: a brief's templates are given `view` and `styles`, "
                "the index template `index` and `styles`")
    given, what = _described(owner)
    asked = f"`{given}.{name}`" if given else f"`.{name}`"
    if dataclasses.is_dataclass(owner) and not isinstance(owner, type):
        fields = ", ".join(f.name for f in dataclasses.fields(owner))
        return f"{asked} is not a field of {what}; its fields: {fields}"
    if isinstance(owner, Mapping):
        keys = ", ".join(map(str, list(owner)[:30])) or "none"
        return f"`[{name!r}]` is not a key of {what}; its keys: {keys}"
    if isinstance(owner, (tuple, list)) and isinstance(name, int):
        return f"item {name} is not there: {what} has {len(owner)} item{'s' if len(owner) != 1 else ''}"
    return f"{asked} is not a field of {what}"


def _described(owner: object) -> tuple[str | None, str]:
    kind = type(owner).__name__
    if kind in _GIVEN:
        return _GIVEN[kind]
    if isinstance(owner, str):
        return None, "text"
    if owner is None:
        return None, "an empty value (None)"
    if isinstance(owner, (tuple, list)):
        return None, "a list"
    if isinstance(owner, Mapping):
        return None, "a mapping"
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", kind.removesuffix("View")).lower() or "value"
    return None, ("an " if words[0] in "aeiou" else "a ") + words


# --- style sheets -------------------------------------------------------------------------------


def _styles(theme: Theme, reads: Reads | None) -> tuple[InlineStyle, ...]:
    # Read on every render, like the templates: an edited style sheet shows at once in the preview.
    found = []
    for name, media in STYLESHEETS:
        css = read_style(theme, name, reads)
        if css is not None:
            found.append(InlineStyle(css=inline_css(css), media=media))
    return tuple(found)


def read_style(theme: Theme, name: str, reads: Reads | None = None) -> str | None:
    """The text of style sheet `name` from the first style directory that has it, or None.

    Read as templates are (regular files, bounded, links only inside the theme and the
    project); one that exists but cannot be read is a TemplateProblem.
    """
    from briefgen.files import read_regular_file

    folders = [(f"{STYLES}.{n}", folder) for n, folder in enumerate(theme.style_dirs)]
    for label, directory in [*folders, (STYLES, packaged(STYLES))]:
        path = directory / name
        try:
            if not theme.allows_below(directory, [name]):
                raise OSError(errno.EACCES, "it is a symbolic link that leads outside the style folders and "
                                            "the project, or to its fact sheets", str(path))
            data = read_regular_file(path, MAX_TEMPLATE_BYTES, whole=True)
            css = data.decode("utf-8")
        except (FileNotFoundError, NotADirectoryError):
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problem = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            raise TemplateProblem(f"cannot read the style sheet {name}: {problem}", str(path), 1) from None
        if reads is not None:
            reads.add(label, name, data)
        return css
    return None


def weasyprint_styles(theme: Theme, reads: Reads | None = None) -> tuple[str, ...]:
    """The CSS that only WeasyPrint reads, in order (see WEASYPRINT_STYLESHEETS)."""
    return tuple(css for name in WEASYPRINT_STYLESHEETS if (css := read_style(theme, name, reads)) is not None)


def css_string(text: object) -> Markup:
    """`text` as a quoted CSS string, safe inside a <style> element.

    Backslash and quote are escaped; every other character outside printable ASCII
    (line breaks, "<", "&", non-Latin scripts) becomes a hex escape, so neither the
    CSS string nor the <style> element can end early and no HTML escaping is needed.
    """
    out = ['"']
    for char in str(text):
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~" and char not in "<>&":
            out.append(char)
        else:
            # The space ends the escape, so a following hex digit is not read into it.
            out.append(f"\\{ord(char):x} ")
    out.append('"')
    return Markup("".join(out))


#: What separates the parts of a marking: " - " (uk), "//" (us), " · " (the index of a mixed folder).
_MARKING_SEPARATORS = re.compile(r"( [-·] |//)")
#: A part up to this long is kept on one line: it fits the footer's centre box (30% of the
#: columns at 9 pt); a longer one ("REL TO USA, AUS, CAN, GBR, NZL") may break at its spaces.
_KEEP_WHOLE = 18


def css_marking(text: object) -> Markup:
    """A marking as a CSS string whose lines break between its parts: the spaces inside a short
    part ("UK EYES ONLY", "REL TO USA, AUS") become no-break spaces, so a narrow margin box
    writes "SECRET - LOCSEN -" above "UK EYES ONLY", never "UK EYES" above "ONLY". A part too
    long for the box keeps its spaces, so that it wraps rather than runs into the next box."""
    pieces = _MARKING_SEPARATORS.split(str(text))
    kept = [piece if position % 2 or len(piece) > _KEEP_WHOLE else piece.replace(" ", "\u00a0")
            for position, piece in enumerate(pieces)]
    return css_string("".join(kept))


def inline_css(css: str) -> Markup:
    """CSS made safe to put inside a <style> element."""
    return Markup(_STYLE_END_RE.sub(r"<\\/", css))


__all__ = ["TemplateProblem", "Theme", "css_marking", "css_string", "inline_css", "read_style", "render_html",
           "render_index", "weasyprint_styles"]
