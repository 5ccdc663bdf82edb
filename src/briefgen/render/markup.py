"""Markdown in fact sheets → sanitised HTML that is safe to put into a page.

Two layers, so that neither has to be perfect on its own: Python-Markdown runs with
raw HTML switched off (an analyst's `<b>` shows as text, never as markup), and nh3
then keeps only a short list of tags, attributes and link schemes.
"""

from __future__ import annotations

import functools
import re
import threading
from html.parser import HTMLParser

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


# --- rendered Markdown as numbered paragraphs ------------------------------------------


class _TopLevel(HTMLParser):
    """Splits sanitised HTML into its top-level elements; nh3's output is well formed, so depth is enough."""

    VOID = frozenset({"br", "hr", "img", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[tuple[str, str]] = []
        self.depth = 0
        self.current: list[str] = []
        self.tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            self.tag = tag
        self.current.append(self.get_starttag_text() or "")
        if tag not in self.VOID:
            self.depth += 1
        elif self.depth == 0:
            self._close()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        self.current.append(f"</{tag}>")
        self.depth -= 1
        if self.depth == 0:
            self._close()

    def handle_data(self, data: str) -> None:
        if self.depth == 0:
            if not data.strip():
                return
            self.tag = ""
        self.current.append(data)
        if self.depth == 0:
            self._close()

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")

    def _close(self) -> None:
        self.blocks.append((self.tag, "".join(self.current)))
        self.current = []


def split_paragraphs(html: Markup) -> list[tuple[Markup, Markup]]:
    """Rendered Markdown as numbered paragraphs: (a paragraph's text, the lists or quotes after it).

    Text with no block elements (an inline point) is one paragraph; a list before any
    paragraph is a paragraph of its own.
    """
    parser = _TopLevel()
    parser.feed(str(html))
    parser.close()
    blocks = parser.blocks
    if not any(tag in _BLOCK_TAGS for tag, _ in blocks):
        return [(html, Markup(""))]
    found: list[tuple[str, list[str]]] = []
    for tag, text in blocks:
        if tag == "p":
            found.append((text[len("<p>"):-len("</p>")], []))
        elif found and tag in _BLOCK_TAGS:
            found[-1][1].append(text)
        elif found and not found[-1][1]:  # inline text between blocks stays with the paragraph
            found[-1] = (found[-1][0] + text, found[-1][1])
        else:
            found.append(("", [text]))
    return [(Markup(lead), Markup("".join(rest))) for lead, rest in found]


_BLOCK_TAGS = frozenset({"p", "ul", "ol", "blockquote", "pre"})
