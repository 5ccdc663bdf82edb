"""HTML rendering: a view through the Jinja templates into one self-contained page.

The page carries its styles inline (base for every medium, then screen and print),
so the same HTML is opened in a browser and handed to WeasyPrint for the PDF, and
neither makes a request of its own.

Fact-sheet text reaches the templates only as data in the view, never as template
source, and every value is escaped unless the view made it Markup (sanitised HTML).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Iterable

import jinja2
from markupsafe import Markup

from .view import BriefView, IndexEntry, SiteIndexView, site_index_view

PACKAGE = "briefgen"
TEMPLATES = "templates"
STYLES = "styles"
#: Style sheets in the order they are inlined, with the media each applies to.
STYLESHEETS: tuple[tuple[str, str | None], ...] = (
    ("base.css", None),
    ("screen.css", "screen"),
    ("print.css", "print"),
)
TEMPLATE_FOR_KIND = {"brief": "brief.html", "readout": "readout.html"}
INDEX_TEMPLATE = "index.html"

# Inside <style>, only "</style" ends the element; "<\/style" means the same in CSS
# (a backslash escapes "/"), so a style sheet cannot end it early.
_STYLE_END_RE = re.compile(r"</(?=style)", re.IGNORECASE)


@dataclass(frozen=True)
class Theme:
    """Where templates and styles come from: each directory overrides the packaged defaults file by file.

    The first directory that has a file wins; the packaged defaults come last.
    """

    template_dirs: tuple[Path, ...] = ()
    style_dirs: tuple[Path, ...] = ()

    def roots(self) -> tuple[Path, ...]:
        """Every folder templates and styles come from (file access while printing is confined to them)."""
        packaged = tuple(Path(str(_packaged(name))) for name in (TEMPLATES, STYLES))
        return self.template_dirs + self.style_dirs + packaged

    @classmethod
    def default(cls) -> Theme:
        """The packaged templates and styles only."""
        return cls()

    @classmethod
    def for_project(cls, root: Path, templates: Path | None = None, styles: Path | None = None) -> Theme:
        """The theme of a project: `templates`/`styles` when given, else `root/templates` and
        `root/styles` when they exist, over the packaged defaults."""
        return cls(
            template_dirs=_override(root, templates, TEMPLATES),
            style_dirs=_override(root, styles, STYLES),
        )


def _override(root: Path, given: Path | None, name: str) -> tuple[Path, ...]:
    if given is not None:
        return (given.resolve(),)
    candidate = root / name
    if candidate.is_dir() and candidate.resolve() != Path(str(_packaged(name))).resolve():
        return (candidate.resolve(),)
    return ()


def _packaged(name: str) -> Traversable:
    return files(PACKAGE) / name


def render_html(view: BriefView, theme: Theme) -> str:
    """The brief or readout as one self-contained HTML document."""
    template = _environment(theme).get_template(TEMPLATE_FOR_KIND[view.kind])
    return template.render(view=view, styles=_styles(theme))


def render_index(entries: SiteIndexView | Iterable[IndexEntry], theme: Theme) -> str:
    """The site index page, `index.html`, from its view or from the entries (sorted here)."""
    index = entries if isinstance(entries, SiteIndexView) else site_index_view(entries)
    template = _environment(theme).get_template(INDEX_TEMPLATE)
    return template.render(index=index, styles=_styles(theme))


@dataclass(frozen=True)
class InlineStyle:
    """A style sheet as it is inlined: its CSS and the media it applies to (None: all)."""

    css: Markup
    media: str | None


@lru_cache(maxsize=16)
def _environment(theme: Theme) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d)) for d in theme.template_dirs]
    loaders.append(jinja2.PackageLoader(PACKAGE, TEMPLATES))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


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
    for directory in theme.style_dirs:
        path = directory / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    packaged = _packaged(STYLES) / name
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return None


def inline_css(css: str) -> Markup:
    """CSS made safe to put inside a <style> element."""
    return Markup(_STYLE_END_RE.sub(r"<\\/", css))
