"""A note in two languages side by side: the two views of one release, part by part and paragraph by paragraph.

Both views come from the same release, so they have the same parts in the same order and,
where each translation keeps its source's paragraphs (`translation-paragraphs` warns where
one does not), the same paragraphs under the same numbers: a row holds a paragraph in each
language. A part whose paragraphs differ in number is one row of the whole part. Tables are
printed in each language in turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.render.layout import Paragraph, Part
from briefgen.render.view_records import BriefView

if TYPE_CHECKING:
    from briefgen.inputs import Reads
    from briefgen.theme import Theme

PARALLEL_TEMPLATE = "parallel.html"


@dataclass(frozen=True)
class ParallelRow:
    """Paragraphs side by side: in the first language and in the second (one each, or a whole part's)."""

    left: tuple[Paragraph, ...]
    right: tuple[Paragraph, ...]


@dataclass(frozen=True)
class ParallelPart:
    """A part of the note in both languages: text parts as rows, tables as they are, one after the other."""

    left: Part
    right: Part
    rows: tuple[ParallelRow, ...] = ()


def parallel_parts(left: BriefView, right: BriefView) -> tuple[ParallelPart, ...]:
    """The two views' parts paired, their paragraphs in rows."""
    pairs = []
    for one, other in zip(left.parts, right.parts, strict=True):
        if not one.paragraphs:
            pairs.append(ParallelPart(one, other))
        elif len(one.paragraphs) == len(other.paragraphs):
            rows = tuple(ParallelRow((a,), (b,)) for a, b in zip(one.paragraphs, other.paragraphs, strict=True))
            pairs.append(ParallelPart(one, other, rows))
        else:
            pairs.append(ParallelPart(one, other, (ParallelRow(one.paragraphs, other.paragraphs),)))
    return tuple(pairs)


def render_parallel_html(views: Sequence[BriefView], theme: Theme, reads: Reads | None = None) -> str:
    """The note in the two views' languages side by side, as one HTML document. Raises TemplateProblem."""
    from briefgen.render.templates import render_html, template_gettext

    left, right = views
    other = template_gettext(right.labels)
    return render_html(left, theme, reads, template=PARALLEL_TEMPLATE, context={
        "right": right, "right_gettext": other["gettext"], "right_ngettext": other["ngettext"],
        "pairs": parallel_parts(left, right)})
