"""The classifiable portions of a fact sheet, in document order, with the marking each carries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the model (pydantic) is imported only once a sheet is checked or cut
    from briefgen.sheet.model import FactSheet

#: Where a portion stands in the sheet's data: ("summary",) or (field, index).
PortionPath = tuple[str | int, ...]


@dataclass(frozen=True)
class ClassifiedPortion:
    """One classifiable portion of a fact sheet and the marking it states (None: the document's)."""

    field: str
    index: int | None
    #: The portion itself: a PortionText, or an item with a `classification` key.
    item: Any
    level: str | None
    #: Its own caveats, or None when it has the document's.
    caveats: tuple[str, ...] | None = None
    #: Whether it is cleared for public release, or None when the document's clearance applies.
    public: bool | None = None

    @property
    def path(self) -> PortionPath:
        return (self.field,) if self.index is None else (self.field, self.index)


def portions(sheet: FactSheet) -> Iterator[ClassifiedPortion]:
    """Every classifiable portion of a sheet, in document order.

    A partial sheet (validate.py builds one from the valid parts of an invalid file)
    may lack its summary or hold None for an invalid list item: those are skipped.
    """
    from briefgen.sheet.model import CLASSIFIED_ITEMS, PORTION_LISTS, SINGLE_PORTIONS
    def marked(field: str, index: int | None, portion: Any) -> ClassifiedPortion:
        item = as_portion_text(portion)
        caveats = getattr(item, "caveats", None)
        return ClassifiedPortion(field, index, item, getattr(item, "classification", None),
                                 tuple(caveats) if caveats is not None else None,
                                 getattr(item, "cleared_for_public", None))

    for field in SINGLE_PORTIONS:
        single = sheet.__dict__.get(field)  # absent from a partial sheet whose summary is invalid
        if single is not None:
            yield marked(field, None, single)
    for field in PORTION_LISTS:
        for index, portion in enumerate(sheet.__dict__.get(field) or ()):
            if portion is not None:
                yield marked(field, index, portion)
    for field in CLASSIFIED_ITEMS:
        for index, item in enumerate(getattr(sheet, field)):
            if item is not None:
                yield marked(field, index, item)


def as_portion_text(portion: Any) -> Any:
    """A portion as a PortionText (plain Markdown text becomes an unmarked one)."""
    from briefgen.sheet.model import PortionText

    return PortionText(text=portion) if isinstance(portion, str) else portion
