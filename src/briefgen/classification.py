"""Classification schemes: ordered levels, portion marks, banner tones, and the one walk
over the classified portions of a fact sheet (used by the rules and the release cut)."""

from __future__ import annotations

import re
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
    #: ISO 3166 alpha-3 code of the government whose scheme it is: a caveat such as
    #: UK EYES ONLY or NOFORN restricts a portion to its nationals.
    nationality: str = ""
    #: Caveats that restrict handling but not who may read by nationality (descriptors,
    #: ORCON…). Any other caveat this scheme does not know restricts a portion to the
    #: scheme's own nationals: fail closed.
    handling: frozenset[str] = frozenset()

    @property
    def lowest(self) -> str:
        """The level the public may read, once a portion is cleared for public release."""
        return self.levels[0]
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
        nationality="GBR",
        # Government Security Classifications: the OFFICIAL-SENSITIVE descriptors.
        handling=frozenset({"COMMERCIAL", "LOCSEN", "PERSONAL"}),
        caveats=_UK_CAVEATS,
    ),
    "us": Scheme(
        "us",
        ("UNCLASSIFIED", "CUI", "CONFIDENTIAL", "SECRET", "TOP SECRET"),
        ("U", "CUI", "C", "S", "TS"),
        ("unclassified", "cui", "confidential", "secret", "top-secret"),
        nationality="USA",
        # Dissemination controls that limit handling, not nationality (CAPCO register; the
        # CUI limited dissemination controls of 32 CFR 2002.20).
        handling=frozenset({"ORCON", "IMCON", "PROPIN", "RELIDO", "FEDCON", "NOCON", "DL ONLY", "FOUO"}),
        caveats=_US_CAVEATS,
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


#: Groups of countries that a REL TO list, or an audience's nationality, may name by one
#: tetragraph (the CAPCO register's coalition tetragraphs; e.g. "REL TO USA, FVEY").
TETRAGRAPHS: dict[str, frozenset[str]] = {
    "FVEY": frozenset({"AUS", "CAN", "GBR", "NZL", "USA"}),
}
#: The country names UK national caveats use ("UK/US EYES ONLY"), as ISO 3166 alpha-3 codes.
_EYES_NAMES = {"UK": "GBR", "US": "USA", "NZ": "NZL", "AUS": "AUS", "CAN": "CAN"}
_EYES_ONLY = re.compile(r"^([A-Z]{2,4}(?:\s*/\s*[A-Z]{2,4})*)\s+EYES\s+ONLY$")
_REL_TO = re.compile(r"^REL(?:EASABLE)?\s+TO\s+(.+)$")


def nationals(code: str) -> frozenset[str]:
    """The nationalities a code stands for: a tetragraph's members, else the code itself."""
    return TETRAGRAPHS.get(code, frozenset({code}))


def readers_allowed(scheme: Scheme, caveat: str) -> frozenset[str] | None:
    """The nationalities (alpha-3) that may read a portion carrying `caveat`; None when it
    restricts handling only.

    UK national caveats: "information bearing a national caveat must not be … released to
    any foreign nationals … without the originator's consent", written "UK EYES ONLY" or
    "UK / US EYES ONLY" (Government Security Classifications, 2014). US: NOFORN ("no foreign
    nationals") and REL TO lists of trigraphs and tetragraphs (CAPCO register). A caveat the
    scheme does not know is read as restricting to the scheme's own nationals.
    """
    text = " ".join(caveat.upper().split())
    own = frozenset({scheme.nationality})
    if text in scheme.handling:
        return None
    if text in ("NOFORN", "NF"):
        return own
    eyes = _EYES_ONLY.match(text)
    if eyes:
        names = [name.strip() for name in eyes[1].split("/")]
        codes = [_EYES_NAMES.get(name, name if len(name) == 3 else "") for name in names]
        if all(codes):
            return own | frozenset(code for group in codes for code in nationals(group))
        return own
    rel = _REL_TO.match(text)
    if rel:
        codes = [code.strip() for code in rel[1].split(",") if code.strip()]
        return own | frozenset(member for code in codes for member in nationals(code))
    return own


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
    from .model import CLASSIFIED_ITEMS, PORTION_LISTS, SINGLE_PORTIONS

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
    from .model import PortionText

    return PortionText(text=portion) if isinstance(portion, str) else portion
