"""Releases: the part of a fact sheet that readers cleared to a level may see.

Fail closed: a portion without its own classification has the document's level, so
it is released only when the document's level is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .classification import SCHEMES, Scheme
from .model import CLASSIFIED_ITEMS, PORTION_LISTS, FactSheet, PortionText


@dataclass(frozen=True)
class Release:
    """A fact sheet cut to a release level, with every kept portion's level made explicit."""

    sheet: FactSheet
    scheme: Scheme
    #: The highest level actually present: what the banners show.
    level: str
    caveats: tuple[str, ...]
    #: Whether portions carry marks such as "(OS)": when any portion had an explicit level.
    marked: bool
    omitted: int
    #: The level the release was cut at, or None for the full document.
    cleared_to: str | None

    def mark(self, level: str | None) -> str:
        """The portion mark to print before a portion of `level`, or "" when unmarked."""
        return self.scheme.mark(level) if self.marked and level else ""


class NotReleasable(Exception):
    """The header block is above the release level, so nothing can be shown."""


def release(sheet: FactSheet, cleared_to: str | None = None) -> Release:
    """Cut a valid sheet to `cleared_to` (None keeps everything). Raises NotReleasable."""
    scheme = SCHEMES[sheet.classification.scheme]
    document = sheet.classification.level
    header = sheet.classification.header or document
    if cleared_to is not None and cleared_to not in scheme:
        raise ValueError(f"{cleared_to!r} is not a level of the {scheme.name} scheme")
    limit = scheme.rank(cleared_to) if cleared_to is not None else len(scheme.levels)
    if scheme.rank(header) > limit:
        raise NotReleasable(f"its header (title, meeting and participants) is {header}, above {cleared_to}")

    explicit = False
    kept_levels = [header]
    omitted = 0

    def keep(level: str | None) -> str | None:
        nonlocal explicit, omitted
        explicit = explicit or level is not None
        effective = level or document
        if scheme.rank(effective) > limit:
            omitted += 1
            return None
        kept_levels.append(effective)
        return effective

    def cut_portion(portion: PortionText) -> PortionText | None:
        level = keep(portion.classification)
        return portion.model_copy(update={"classification": level}) if level else None

    def cut_item(item: Any) -> Any:
        level = keep(item.classification)
        return item.model_copy(update={"classification": level}) if level else None

    update: dict[str, Any] = {"summary": cut_portion(sheet.summary)}
    for field in PORTION_LISTS:
        update[field] = [p for p in map(cut_portion, getattr(sheet, field)) if p is not None]
    for field in CLASSIFIED_ITEMS:
        update[field] = [i for i in map(cut_item, getattr(sheet, field)) if i is not None]
    # Sources carry no level of their own: one is kept when a kept item cites it,
    # otherwise it has the document's level like any unmarked text.
    cited = {ref for field in ("frameworks", "commitments") for item in update[field] for ref in item.sources}
    whole = scheme.rank(document) <= limit
    update["sources"] = [s for s in sheet.sources if whole or s.id in cited]
    cut = sheet.model_copy(update=update)
    return Release(
        sheet=cut,
        scheme=scheme,
        level=scheme.highest(kept_levels),
        caveats=tuple(sheet.classification.caveats),
        marked=explicit,
        omitted=omitted,
        cleared_to=cleared_to,
    )
