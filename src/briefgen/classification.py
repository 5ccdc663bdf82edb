"""Classification schemes: ordered levels, portion marks, banner tones, and the one walk
over the classified portions of a fact sheet (used by the rules and the release cut)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import FactSheet


@dataclass(frozen=True)
class Scheme:
    """An ordered set of classification levels, lowest first."""

    name: str
    levels: tuple[str, ...]
    marks: tuple[str, ...]
    tones: tuple[str, ...]

    def __contains__(self, level: object) -> bool:
        return level in self.levels

    def rank(self, level: str) -> int:
        """Position of `level` in the order (0 is the lowest). Raises KeyError when unknown."""
        try:
            return self.levels.index(level)
        except ValueError:
            raise KeyError(level) from None

    def mark(self, level: str) -> str:
        """The portion mark, e.g. "(OS)" for OFFICIAL-SENSITIVE."""
        return f"({self.marks[self.rank(level)]})"

    def tone(self, level: str) -> str:
        """A CSS-friendly name for the banner colour of `level`."""
        return self.tones[self.rank(level)]

    def highest(self, levels: list[str]) -> str:
        return max(levels, key=self.rank)

    def closest(self, level: str) -> str | None:
        """A level of this scheme that `level` was probably meant to be."""
        wanted = level.strip().upper().replace("_", "-")
        for candidate in self.levels:
            if candidate == wanted or candidate.replace(" ", "-") == wanted.replace(" ", "-"):
                return candidate
        return None


SCHEMES: dict[str, Scheme] = {
    "uk": Scheme(
        "uk",
        ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"),
        ("O", "OS", "S", "TS"),
        ("official", "official-sensitive", "secret", "top-secret"),
    ),
    "us": Scheme(
        "us",
        ("UNCLASSIFIED", "CUI", "CONFIDENTIAL", "SECRET", "TOP SECRET"),
        ("U", "CUI", "C", "S", "TS"),
        ("unclassified", "cui", "confidential", "secret", "top-secret"),
    ),
}


def all_levels() -> list[str]:
    """Every level of every scheme, each once, in a stable order."""
    return sorted({level for scheme in SCHEMES.values() for level in scheme.levels})


def canonical_level(text: str) -> str | None:
    """The level `text` names in any scheme, whatever its case ("official" → "OFFICIAL"), or None."""
    for scheme in SCHEMES.values():
        found = scheme.closest(text)
        if found is not None:
            return found
    return None


#: Where a portion stands in the sheet's data: ("summary",) or (field, index).
PortionPath = tuple[str | int, ...]


@dataclass(frozen=True)
class ClassifiedPortion:
    """One classifiable portion of a fact sheet and the level it states (None when unmarked)."""

    field: str
    index: int | None
    #: The portion itself: a PortionText, or an item with a `classification` key.
    item: Any
    level: str | None

    @property
    def path(self) -> PortionPath:
        return (self.field,) if self.index is None else (self.field, self.index)


def portions(sheet: FactSheet) -> Iterator[ClassifiedPortion]:
    """Every classifiable portion of a sheet, in document order.

    A partial sheet (validate.py builds one from the valid parts of an invalid file)
    may lack its summary or hold None for an invalid list item: those are skipped.
    """
    from .model import CLASSIFIED_ITEMS, PORTION_LISTS, SINGLE_PORTIONS, PortionText

    def stated(portion: Any) -> str | None:
        return portion.classification if isinstance(portion, PortionText) else None

    for field in SINGLE_PORTIONS:
        single = sheet.__dict__.get(field)  # absent from a partial sheet whose summary is invalid
        if single is not None:
            yield ClassifiedPortion(field, None, as_portion_text(single), stated(single))
    for field in PORTION_LISTS:
        for index, portion in enumerate(sheet.__dict__.get(field) or ()):
            if portion is not None:
                yield ClassifiedPortion(field, index, as_portion_text(portion), stated(portion))
    for field in CLASSIFIED_ITEMS:
        for index, item in enumerate(getattr(sheet, field)):
            if item is not None:
                yield ClassifiedPortion(field, index, item, item.classification)


def as_portion_text(portion: Any) -> Any:
    """A portion as a PortionText (plain Markdown text becomes an unmarked one)."""
    from .model import PortionText

    return portion if isinstance(portion, PortionText) else PortionText(text=portion)
