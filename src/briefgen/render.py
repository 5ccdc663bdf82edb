"""HTML rendering: a view through the Jinja templates into one self-contained page.

The page carries its styles inline (base for every medium, then screen and print),
so the same HTML is opened in a browser and handed to WeasyPrint for the PDF, and
neither makes a request of its own.

Fact-sheet text reaches the templates only as data in the view, never as template
source, and every value is escaped unless the view made it Markup (sanitised HTML).
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import jinja2
from markupsafe import Markup

from .kinds import KINDS
from .site_index import SiteIndexView
from .theme import STYLES, TEMPLATES, Theme, packaged
from .view import BriefView

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
    """A template could not be used: a syntax error, an undefined variable, a missing include.

    `path` and `line` name the template file and line where it went wrong, as far as known.
    """

    def __init__(self, message: str, path: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line


def render_html(view: BriefView, theme: Theme) -> str:
    """The brief or readout as one self-contained HTML document. Raises TemplateProblem."""
    return _guarded(theme, lambda env: env.get_template(TEMPLATE_FOR_KIND[view.kind])
                    .render(view=view, styles=_styles(theme)))


def render_index(index: SiteIndexView, theme: Theme) -> str:
    """The site index page, `index.html`. Raises TemplateProblem."""
    return _guarded(theme, lambda env: env.get_template(INDEX_TEMPLATE).render(index=index, styles=_styles(theme)))


def _guarded(theme: Theme, render: Callable[[jinja2.Environment], T]) -> T:
    try:
        return render(_environment(theme))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax error: {exc.message}", _shown(theme, exc.filename or exc.name),
                              exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        path, line = _template_frame(exc)
        raise TemplateProblem(f"template not found: {exc.name}", path or _shown(theme, None), line) from None
    except jinja2.TemplateError as exc:  # UndefinedError, SecurityError and the rest
        path, line = _template_frame(exc)
        raise TemplateProblem(f"template error: {exc.message or type(exc).__name__}",
                              path or _shown(theme, None), line) from None


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


@lru_cache(maxsize=16)
def _environment(theme: Theme) -> jinja2.Environment:
    # Cached per theme: building an environment is costly, and its loaders check each
    # template's modification time, so an edited template is read again.
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d)) for d in theme.template_dirs]
    loaders.append(jinja2.FileSystemLoader(str(packaged(TEMPLATES))))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["css_string"] = css_string
    return environment


def _styles(theme: Theme) -> tuple[InlineStyle, ...]:
    # Read on every render, unlike the templates: an edited style sheet shows at once
    # in the preview, and three small files cost nothing next to a render.
    found = []
    for name, media in STYLESHEETS:
        css = read_style(theme, name)
        if css is not None:
            found.append(InlineStyle(css=inline_css(css), media=media))
    return tuple(found)


def read_style(theme: Theme, name: str) -> str | None:
    """The text of style sheet `name` from the first style directory that has it, or None."""
    for directory in theme.style_dirs + (packaged(STYLES),):
        path = directory / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def weasyprint_styles(theme: Theme) -> tuple[str, ...]:
    """The CSS that only WeasyPrint reads, in order (see WEASYPRINT_STYLESHEETS)."""
    return tuple(css for name in WEASYPRINT_STYLESHEETS if (css := read_style(theme, name)) is not None)


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


def inline_css(css: str) -> Markup:
    """CSS made safe to put inside a <style> element."""
    return Markup(_STYLE_END_RE.sub(r"<\\/", css))


__all__ = ["TemplateProblem", "Theme", "css_string", "inline_css", "read_style", "render_html", "render_index",
           "weasyprint_styles"]
