"""Style sheets: which a page inlines and for what media, read from the theme, and CSS text made
safe inside a <style> element."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from briefgen.render.template_problems import TemplateProblem
from briefgen.theme import MAX_TEMPLATE_BYTES, STYLES, Theme, packaged

if TYPE_CHECKING:
    from briefgen.inputs import Reads

#: Style sheets in the order they are inlined, with the media each applies to.
STYLESHEETS: tuple[tuple[str, str | None], ...] = (
    ("base.css", None),
    ("kinds.css", None),
    ("screen.css", "screen"),
    ("print.css", "print"),
)
#: The style sheets only pages across briefs add, after STYLESHEETS (render/cross_pages.py).
CROSS_STYLESHEETS: tuple[tuple[str, str | None], ...] = (("cross.css", None),)
#: Style sheets only WeasyPrint reads (string-set, bookmark-level: rules browsers and
#: validators reject), handed to it beside the HTML rather than inlined in it.
WEASYPRINT_STYLESHEETS: tuple[str, ...] = ("weasyprint.css",)

# Inside <style>, only "</style" ends the element; "<\/style" means the same in CSS
# (a backslash escapes "/"), so a style sheet cannot end it early.
_STYLE_END_RE = re.compile(r"</(?=style)", re.IGNORECASE)


@dataclass(frozen=True)
class InlineStyle:
    """A style sheet as it is inlined: its CSS and the media it applies to (None: all)."""

    css: Markup
    media: str | None


def inline_styles(theme: Theme, reads: Reads | None,
                  more: tuple[tuple[str, str | None], ...] = ()) -> tuple[InlineStyle, ...]:
    """The style sheets a page carries inline, in order, each with its media (`more` after STYLESHEETS)."""
    # Read on every render, like the templates: an edited style sheet shows at once in the preview.
    found = []
    for name, media in STYLESHEETS + more:
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
