"""The pictures of a country page as inline SVG: a timeline of its meetings and its commitments' status by sector.

Drawn by briefgen from data the view has already written out (dates, names, status labels in
the page's language), so that a reader needs no script, and WeasyPrint prints the same
picture in the PDF. Each picture is an image to assistive technology (role="img", its
<title> and <desc>); the page puts a table with the same data beside it. Text sizes are
estimated (no font is measured), so labels keep a margin, and one that cannot be placed
without overlapping is left to the table.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

#: The drawing's width in SVG units; it is scaled to the column's width.
WIDTH = 720
FONT = "Noto Sans, DejaVu Sans, IPAGothic, Noto Sans CJK JP, Noto Sans Devanagari, sans-serif"
INK = "#1b1b1b"
MUTED = "#5a5a5a"
RULE = "#8a8a84"
ACCENT = "#1f3a5f"
#: Each commitment status: its colour (at least 3:1 against white) and its shape, so that
#: the chart reads without colour too. Unknown statuses are drawn as "proposed".
STATUS_MARKS = {
    "agreed": ("#00734f", "circle"),
    "reaffirmed": ("#0057a3", "square"),
    "announced": ("#7a3e9d", "triangle"),
    "under-discussion": ("#a34f00", "diamond"),
    "proposed": ("#5a5a5a", "ring"),
}
#: Most label rows under the timeline; a label that fits in none is left to the table.
LABEL_ROWS = 4
LABEL_CHARS = 34


@dataclass(frozen=True)
class MeetingPoint:
    """A meeting on the timeline: its day, and the date and title as the page writes them."""

    day: _dt.date
    date_text: str
    title: str


@dataclass(frozen=True)
class StatusPoint:
    """A commitment as one meeting left it: its sector (the chart's row), day, status, and which commitment."""

    sector: str
    day: _dt.date
    status: str
    status_text: str
    date_text: str
    #: The commitment's key: its marks in a row are joined by a line.
    series: str


def tick_days(first: _dt.date, last: _dt.date) -> tuple[tuple[_dt.date, str], ...]:
    """Where the axis is marked: each month's first day over a span of up to 18 months ("month"), else
    each year's ("year"); the caller writes the labels in its locale."""
    months = (last.year - first.year) * 12 + last.month - first.month
    if months <= 18:
        found = []
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            found.append((_dt.date(year, month, 1), "month"))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(found)
    return tuple((_dt.date(year, 1, 1), "year") for year in range(first.year, last.year + 1))


class _Scale:
    """Days to x, over the axis from `left` to `right`; a span of one day sits in the middle."""

    def __init__(self, first: _dt.date, last: _dt.date, left: float, right: float) -> None:
        self.first, self.span = first.toordinal(), max(last.toordinal() - first.toordinal(), 0)
        self.left, self.right = left, right

    def x(self, day: _dt.date) -> float:
        if self.span == 0:
            return (self.left + self.right) / 2
        return self.left + (day.toordinal() - self.first) / self.span * (self.right - self.left)


def text_width(text: str, size: float) -> float:
    """An estimate of `text`'s width at `size`: wide (CJK) characters an em, others 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def shortened(text: str, chars: int = LABEL_CHARS) -> str:
    """`text` cut to `chars` characters with an ellipsis (the table beside the picture has it whole)."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _open(chart_id: str, width: float, height: float, title: str, desc: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={quoteattr(chart_id)} role="img" '
            f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family={quoteattr(FONT)}>',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>']


def _axis(scale: _Scale, y: float, ticks: Sequence[tuple[_dt.date, str]]) -> list[str]:
    """The time axis at `y` with its ticks (labels above it), clipped to the axis."""
    parts = [f'<line class="axis" x1="{scale.left:.1f}" y1="{y:.1f}" x2="{scale.right:.1f}" y2="{y:.1f}" '
             f'stroke="{RULE}" stroke-width="1.5"/>']
    last_end = -1e9
    for day, label in ticks:
        x = scale.x(day)
        if not scale.left - 0.5 <= x <= scale.right + 0.5:
            continue
        parts.append(f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x:.1f}" y2="{y + 4:.1f}" stroke="{RULE}"/>')
        width = text_width(label, 11)
        if x - width / 2 > last_end + 6 and x + width / 2 <= WIDTH:  # a label that would overlap is left out
            parts.append(f'<text class="tick" x="{x:.1f}" y="{y - 8:.1f}" font-size="11" fill="{MUTED}" '
                         f'text-anchor="middle">{escape(label)}</text>')
            last_end = x + width / 2
    return parts


def meetings_timeline(points: Sequence[MeetingPoint], ticks: Sequence[tuple[_dt.date, str]], *,
                      chart_id: str, title: str, desc: str) -> Markup:
    """The meetings on a time axis, each a dot with its date and title in rows below (see the module's docstring)."""
    days = [p.day for p in points]
    scale = _Scale(min(days), max(days), 40, WIDTH - 40) if days else _Scale(_dt.date.min, _dt.date.min, 40, 680)
    axis_y, row_height = 34, 36
    rows: list[float] = []  # the right end of each row's last label
    placed: list[tuple[MeetingPoint, float, int, str]] = []
    for point in sorted(points, key=lambda p: p.day):
        x = scale.x(point.day)
        label = shortened(point.title)
        width = max(text_width(label, 11.5), text_width(point.date_text, 11)) + 4
        anchor, start = "middle", x - width / 2
        if start < 4:
            anchor, start = "start", max(x - 6, 4)
        elif start + width > WIDTH - 4:
            anchor, start = "end", min(x + 6, WIDTH - 4) - width
        row = next((n for n, end in enumerate(rows) if start > end + 10), None)
        if row is None and len(rows) < LABEL_ROWS:
            rows.append(-1e9)
            row = len(rows) - 1
        if row is not None:
            rows[row] = start + width
            placed.append((point, x, row, anchor))
    height = axis_y + 26 + max(len(rows), 1) * row_height
    parts = _open(chart_id, WIDTH, height, title, desc)
    parts += _axis(scale, axis_y, ticks)
    for point, x, row, anchor in placed:
        label_y = axis_y + 30 + row * row_height
        text_x = x if anchor == "middle" else (x - 6 if anchor == "start" else x + 6)
        parts.append(f'<line x1="{x:.1f}" y1="{axis_y:.1f}" x2="{x:.1f}" y2="{label_y - 12:.1f}" '
                     f'stroke="{RULE}" stroke-dasharray="2 2"/>')
        parts.append(f'<text x="{text_x:.1f}" y="{label_y:.1f}" font-size="11" fill="{MUTED}" '
                     f'text-anchor="{anchor}">{escape(point.date_text)}</text>')
        parts.append(f'<text x="{text_x:.1f}" y="{label_y + 14:.1f}" font-size="11.5" fill="{INK}" '
                     f'text-anchor="{anchor}">{escape(shortened(point.title))}</text>')
    for point in points:
        parts.append(f'<circle class="meeting" data-date="{point.day.isoformat()}" cx="{scale.x(point.day):.1f}" '
                     f'cy="{axis_y:.1f}" r="6" fill="{ACCENT}" stroke="#ffffff" stroke-width="1.5"/>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _mark(status: str, x: float, y: float) -> str:
    colour, shape = STATUS_MARKS.get(status, STATUS_MARKS["proposed"])
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6.5" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{colour}"/>'
    if shape == "triangle":
        return (f'<path d="M{x:.1f} {y - 7.5:.1f} L{x + 7.5:.1f} {y + 6:.1f} L{x - 7.5:.1f} {y + 6:.1f} Z" '
                f'fill="{colour}"/>')
    if shape == "diamond":
        return (f'<path d="M{x:.1f} {y - 8:.1f} L{x + 8:.1f} {y:.1f} L{x:.1f} {y + 8:.1f} L{x - 8:.1f} {y:.1f} Z" '
                f'fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="#ffffff" stroke="{colour}" stroke-width="2.5"/>'


def _wrapped(text: str, size: float, width: float) -> list[str]:
    """`text` in at most two lines of `width` (the second shortened)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and text_width(trial, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    fit = int(width / (size * 0.6))
    return [shortened(one, fit) for one in lines]


def commitments_chart(points: Sequence[StatusPoint], ticks: Sequence[tuple[_dt.date, str]],
                      legend: Sequence[tuple[str, str]], *, chart_id: str, title: str, desc: str) -> Markup:
    """Each sector a row; each commitment's status at each meeting a mark on the time axis, its marks
    joined by a line; the legend names the statuses drawn (`legend`: status, label)."""
    sectors = sorted({p.sector for p in points}, key=str.casefold)
    days = [p.day for p in points]
    left, right = 200, WIDTH - 30
    scale = _Scale(min(days), max(days), left + 14, right - 14) if days else _Scale(_dt.date.min, _dt.date.min,
                                                                                      left, right)
    top, row_height = 34, 40
    axis_y = top + len(sectors) * row_height + 8
    legend_y = axis_y + 30
    height = legend_y + 14
    parts = _open(chart_id, WIDTH, height, title, desc)
    parts += _axis(scale, top - 6, ticks)
    for n, sector in enumerate(sectors):
        y = top + n * row_height + row_height / 2
        parts.append(f'<line class="row-rule" x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
                     'stroke="#e3e3de"/>')
        lines = _wrapped(sector, 12, left - 16)
        first_y = y + 4 - (len(lines) - 1) * 7
        for k, line in enumerate(lines):
            parts.append(f'<text x="{left - 12}" y="{first_y + k * 14:.1f}" font-size="12" fill="{INK}" '
                         f'text-anchor="end">{escape(line)}</text>')
        in_row = [p for p in points if p.sector == sector]
        for series in sorted({p.series for p in in_row}):
            trail = sorted((p for p in in_row if p.series == series), key=lambda p: p.day)
            if len(trail) > 1:
                path = " ".join(f"{'M' if i == 0 else 'L'}{scale.x(p.day):.1f} {y:.1f}" for i, p in enumerate(trail))
                parts.append(f'<path d="{path}" fill="none" stroke="{RULE}" stroke-width="2"/>')
        for p in sorted(in_row, key=lambda p: (p.day, p.series)):
            said = escape(f"{p.sector}: {p.status_text}, {p.date_text}")
            parts.append(f'<g class="status-mark" data-sector={quoteattr(p.sector)} data-date="{p.day.isoformat()}" '
                         f'data-status={quoteattr(p.status)}><title>{said}</title>'
                         f'{_mark(p.status, scale.x(p.day), y)}</g>')
    x = 20.0
    for status, label in legend:
        parts.append(f'<g class="legend-mark">{_mark(status, x, legend_y - 4)}</g>')
        parts.append(f'<text x="{x + 12:.1f}" y="{legend_y:.1f}" font-size="11.5" fill="{INK}">{escape(label)}</text>')
        x += 12 + text_width(label, 11.5) + 24
    parts.append("</svg>")
    return Markup("\n".join(parts))
