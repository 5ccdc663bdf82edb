"""Where the visible signature block goes: the last page's closing area, above the footer, clear of text.

The block is a fixed box at the left edge of the text, just above the bottom page margin
(where the classification banner and "Page N of M" are printed: styles/print.css, `@page
{ margin: 22mm 20mm }`). It is placed only when no text of the page reaches into it; a
last page full to the bottom is refused (sign with `--invisible`, or shorten the brief),
never overprinted. Only text is looked at: a picture or a rule drawn that low is not seen.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PageObject

MM = 72 / 25.4
#: The page margins of styles/print.css: the footer lives below BOTTOM_MARGIN.
BOTTOM_MARGIN = 22 * MM
LEFT_MARGIN = 20 * MM
#: The block: wide enough for a long name and role at 9 pt, three lines high.
BLOCK_WIDTH = 95 * MM
BLOCK_HEIGHT = 17 * MM
#: Room kept between the block and the text above it, and the footer margin below it.
GAP = 3 * MM


class NoRoom(ValueError):
    """The last page has no free space for the block above its footer."""


@dataclass(frozen=True)
class Box:
    """A rectangle on a page in PDF points from the bottom left: lower left and upper right corners."""

    left: float
    bottom: float
    right: float
    top: float

    def as_tuple(self) -> tuple[int, int, int, int]:
        return round(self.left), round(self.bottom), round(self.right), round(self.top)


def block_box(pdf: bytes) -> Box:
    """The box for the signature block on the last page of `pdf`; NoRoom when text is in the way."""
    import pypdf

    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[-1]
    box = Box(LEFT_MARGIN, BOTTOM_MARGIN + GAP / 2, LEFT_MARGIN + BLOCK_WIDTH, BOTTOM_MARGIN + GAP / 2 + BLOCK_HEIGHT)
    lowest = lowest_body_text(page)
    if lowest is not None and lowest < box.top + GAP:
        raise NoRoom(f"the text of the last page reaches {(lowest - BOTTOM_MARGIN) / MM:.0f} mm above the footer "
                     f"margin, and the signature block needs {(BLOCK_HEIGHT + 1.5 * GAP) / MM:.0f} mm")
    return box


def lowest_body_text(page: PageObject) -> float | None:
    """The lowest point (PDF points) that text above the bottom margin reaches on `page`; None for no text."""
    lowest: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        baseline = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        height = abs(size * tm[3] * cm[3]) or abs(size)
        if baseline > BOTTOM_MARGIN:  # the footer's runs are in the margin, below it
            lowest.append(baseline - 0.3 * height)  # descenders reach about 0.3 em below the baseline

    page.extract_text(visitor_text=visit)
    return min(lowest) if lowest else None
