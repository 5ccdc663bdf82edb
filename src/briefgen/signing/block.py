"""What the visible signature block says (approver, role, date) and the embedded font it is drawn in.

PDF/A-2b requires every font to be embedded (ISO 19005-2, 6.2.11.4), so the block is set
in a font file pyHanko embeds (a subset), never in the standard Courier pyHanko uses by
default. fontconfig finds it: Noto Sans first (briefgen's house face), else the first
font that covers every character of the text. pyHanko 0.38 writes the glyph widths of
the font file unscaled, which is right only for fonts of 1000 units per em (Noto Sans,
CFF fonts), so only those are taken.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhanko.stamp import TextStampStyle

#: The size of the block's text, in points.
FONT_SIZE = 9
#: fontconfig's first choice; the styles name it first too (styles/print.css).
PREFERRED_FAMILY = "Noto Sans"
#: How many of fontconfig's candidates are opened before giving up.
MAX_CANDIDATES = 40


class NoFont(ValueError):
    """No installed font can draw the block's text (and be embedded as pyHanko embeds fonts)."""


@dataclass(frozen=True)
class Approval:
    """What the block states: who approved the brief, in what role, and on which day."""

    name: str
    role: str | None
    day: date

    def lines(self) -> tuple[str, ...]:
        when = f"{self.day.day} {self.day:%B %Y}"
        return tuple(line for line in (f"Approved by {self.name}", self.role, f"Signed {when}") if line)


def stamp_style(approval: Approval) -> TextStampStyle:
    """pyHanko's style for the block: its lines in an embedded font, a thin frame, no background."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    text = "\n".join(line.replace("%", "%%") for line in approval.lines())
    font = GlyphAccumulatorFactory(block_font(text), font_size=FONT_SIZE)
    corner = AxisAlignment.ALIGN_MIN
    return TextStampStyle(
        stamp_text=text, background=None, border_width=1,
        text_box_style=TextBoxStyle(font=font, font_size=FONT_SIZE, leading=round(FONT_SIZE * 1.35),
                                    box_layout_rule=SimpleBoxLayoutRule(corner, corner, margins=Margins(0, 0, 0, 0))),
        # A name or role too long for the box is shrunk to fit, never cut off.
        inner_content_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID,
                                                 margins=Margins(8, 8, 6, 6),
                                                 inner_content_scaling=InnerScaling.SHRINK_TO_FIT))


def block_font(text: str) -> str:
    """The path of a font file that draws every character of `text`; NoFont when none does."""
    needed = {ord(char) for char in text if not char.isspace()}
    for path in _candidates(needed):
        if _fits(path, needed):
            return path
    raise NoFont("no installed font draws the signature block's text (" + "".join(sorted(map(chr, needed)))[:60]
                 + ") and can be embedded: install fonts-noto-core, or give --name in Latin letters")


def _candidates(needed: set[int]) -> list[str]:
    """Font files fontconfig offers for the text, best first (Noto Sans before any other)."""
    tool = shutil.which("fc-match")
    if tool is None:
        return []
    charset = " ".join(f"{code:x}" for code in sorted(needed))
    pattern = f"{PREFERRED_FAMILY}:charset={charset}" if charset else PREFERRED_FAMILY
    try:
        found = subprocess.run([tool, "-s", "-f", "%{file}\n", pattern], capture_output=True, text=True,
                               timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = [line for line in found.splitlines() if line.lower().endswith((".ttf", ".otf"))]
    return files[:MAX_CANDIDATES]


def _fits(path: str, needed: set[int]) -> bool:
    """Whether the font file covers `needed` and has the 1000 units per em pyHanko's widths assume."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True) as font:
            cmap = font.getBestCmap() or {}
            return bool(font["head"].unitsPerEm == 1000 and needed <= set(cmap))
    except (OSError, TTLibError, KeyError):
        return False
