"""Classification schemes: ordered levels, portion marks, banner tones, and the one walk
over the classified portions of a fact sheet (used by the rules and the release cut)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import FactSheet


@dataclass(frozen=True)
class Caveat:
    """A handling caveat or dissemination control a scheme's banner may carry after the level."""

    text: str
    meaning: str


@dataclass(frozen=True)
class Scheme:
    """An ordered set of classification levels, lowest first."""

    name: str
    levels: tuple[str, ...]
    marks: tuple[str, ...]
    tones: tuple[str, ...]
    #: The caveats an editor offers for `classification.caveats` (check accepts others too).
    caveats: tuple[Caveat, ...] = ()

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


# The caveats, until the marking registers (issue 15) replace these lists. UK: national
# caveats of the Government Security Classifications (Cabinet Office, April 2014: "Information
# should be marked in the format CLASSIFICATION – CAVEAT, e.g: TOP SECRET – UK / US EYES ONLY",
# quoted at statewatch.org/news/2014/february/uk-cabinet-office-government-security-
# classifications-april-2014; en.wikipedia.org/wiki/Eyes_only). US: dissemination controls of
# the Intelligence Community markings system as DoD Manual 5200.01 Vol. 2, Enclosure 4 §10
# lists them (NOFORN, RELIDO, IMCON; REL TO as "REL TO USA, AUS, CAN, GBR"), ORCON after
# ICPG 710.1, PROPIN and FISA as securejobs.com/definitions/caveats glosses the ODNI register.
_UK_CAVEATS = (
    Caveat("UK EYES ONLY", "National caveat: not to be released to foreign nationals"),
    Caveat("UK / US EYES ONLY", "National caveat: UK and US nationals only"),
)
_US_CAVEATS = (
    Caveat("NOFORN", "Not releasable to foreign nationals"),
    Caveat("REL TO USA, AUS, CAN, GBR", "Authorized for release to the countries listed (trigraphs: edit the list)"),
    Caveat("ORCON", "Originator controlled: further dissemination needs the originator's approval"),
    Caveat("RELIDO", "Releasable by information disclosure official"),
    Caveat("IMCON", "Controlled imagery"),
    Caveat("PROPIN", "Caution: proprietary information involved"),
    Caveat("FISA", "Foreign Intelligence Surveillance Act information"),
)

SCHEMES: dict[str, Scheme] = {
    "uk": Scheme(
        "uk",
        ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"),
        ("O", "OS", "S", "TS"),
        ("official", "official-sensitive", "secret", "top-secret"),
        _UK_CAVEATS,
    ),
    "us": Scheme(
        "us",
        ("UNCLASSIFIED", "CUI", "CONFIDENTIAL", "SECRET", "TOP SECRET"),
        ("U", "CUI", "C", "S", "TS"),
        ("unclassified", "cui", "confidential", "secret", "top-secret"),
        _US_CAVEATS,
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
