"""Markdown in fact sheets → sanitised HTML that is safe to put into a page.

Two layers, so that neither has to be perfect on its own: Python-Markdown runs with
raw HTML switched off (an analyst's `<b>` shows as text, never as markup), and nh3
then keeps only a short list of tags, attributes and link schemes.
"""

from __future__ import annotations

import functools
import re
import threading

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "em", "strong", "a", "ul", "ol", "li", "code", "pre", "blockquote", "br",
})
# "*" is given explicitly: otherwise nh3 keeps its generic attributes (lang, title).
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"*": set(), "a": {"href"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

_LINK_RE = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
_WRAPPING_P_RE = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
# What is left of a paragraph whose only content was removed (an image, say).
_EMPTY_P_RE = re.compile(r"<p>\s*</p>\n?")

# A Markdown instance is costly to build but keeps state while converting, so each
# thread (the build may render in threads) has its own and resets it between uses.
_local = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown.Markdown(output_format="html", extensions=["smarty"])
        # Raw HTML, block and inline, is not recognised: it stays text and is escaped.
        converter.preprocessors.deregister("html_block")
        converter.inlinePatterns.deregister("html")
        _local.converter = converter
    return converter


def _keep_link(tag: str, attribute: str, value: str) -> str | None:
    # nh3 checks the scheme of absolute URLs only; relative links ("x.html", "#top")
    # would point into the build's output folder, so only absolute ones are kept.
    if tag == "a" and attribute == "href":
        return value if _LINK_RE.match(value.strip()) else None
    return value


@functools.lru_cache(maxsize=512)
def render_markdown(text: str, *, inline: bool = False) -> Markup:
    """Render fact-sheet Markdown to sanitised HTML.

    Pure, so its results are kept (a bounded cache): the view renders some texts twice,
    once for the reading order and once for the template's own fields.

    With `inline=True`, a single wrapping paragraph is removed so that the result
    can sit inside a table cell or list item; text of several paragraphs keeps them.
    """
    converter = _converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_link,
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    clean = _EMPTY_P_RE.sub("", clean).strip()
    if inline:
        match = _WRAPPING_P_RE.match(clean)
        if match and "<p>" not in match[1]:
            clean = match[1].strip()
    return Markup(clean)
