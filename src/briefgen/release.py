"""Releases: the part of a fact sheet that readers cleared to a level may see.

Fail closed: a portion without its own classification has the document's level, so
it is released only when the document's level is. The header block (title, document
details, meeting and participants) has the header level (default: the document's
level); when that is above the release level, nothing of the brief is released.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .classification import SCHEMES, PortionPath, Scheme, portions
from .model import (
    PORTION_LISTS,
    SINGLE_PORTIONS,
    Classification,
    Commitment,
    Document,
    FactSheet,
    FollowUp,
    Framework,
    Meeting,
    Participant,
    PortionText,
    Section,
    Source,
)


@dataclass(frozen=True)
class ReleasedSheet:
    """What a release shows: the header block and the kept portions, each with its level explicit."""

    kind: str
    title: str
    classification: Classification
    document: Document
    meeting: Meeting
    participants: tuple[Participant, ...]
    summary: PortionText | None
    objectives: tuple[PortionText, ...]
    talking_points: tuple[PortionText, ...]
    outcomes: tuple[PortionText, ...]
    frameworks: tuple[Framework, ...]
    commitments: tuple[Commitment, ...]
    follow_up: tuple[FollowUp, ...]
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]
    comment: PortionText | None = None


@dataclass(frozen=True)
class Release:
    """A fact sheet cut to a release level."""

    sheet: ReleasedSheet
    scheme: Scheme
    #: The highest level actually present: what the banners show.
    level: str
    caveats: tuple[str, ...]
    #: Whether portions carry marks such as "(OS)": when any released portion has an explicit level.
    marked: bool
    #: The level the release was cut at, or None for the full document.
    cleared_to: str | None
    #: Where each kept portion (and kept source) stood in the original sheet.
    kept: frozenset[PortionPath]
    #: Every level present in the release (header and kept portions).
    levels: frozenset[str] = frozenset()

    def mark(self, level: str | None) -> str:
        """The portion mark to print before a portion of `level`, or "" when unmarked."""
        return self.scheme.mark(level) if self.marked and level else ""

    def shows(self, path: tuple[Any, ...]) -> bool:
        """Whether the value at `path` of the original sheet is part of this release."""
        if not path or path[0] not in _CUT_FIELDS:
            return True  # the header block: released whenever the brief is
        return path[:1] in self.kept if path[0] in ("summary", "comment") else path[:2] in self.kept

    @property
    def reference(self) -> str | None:
        """The reference a reader files this copy under (see `released_reference`)."""
        return released_reference(self.sheet.document.reference, self.cleared_to)


#: The parts of a sheet whose items cite sources (frameworks, commitments and every portion).
_CITING = ("frameworks", "commitments", *PORTION_LISTS, *SINGLE_PORTIONS)

_CUT_FIELDS = frozenset({"summary", "comment", "objectives", "talking_points", "outcomes", "frameworks",
                         "commitments", "follow_up", "sections", "sources"})

#: Joins a reference and the release level: "G20-2025/JP-IN/01" → "G20-2025/JP-IN/01-R-OFFICIAL".
RELEASE_SUFFIX = "-R-"


def released_reference(reference: str | None, cleared_to: str | None) -> str | None:
    """The reference of a release: the original's, with "-R-" and the release level ("TOP SECRET" → "TOP-SECRET").

    Every release gets the suffix, whether or not anything was left out, so that the
    reference tells a reader this is a release and for whom, and nothing about what was withheld.
    """
    if reference is None or cleared_to is None:
        return reference
    return f"{reference}{RELEASE_SUFFIX}{cleared_to.replace(' ', '-')}"


class NotReleasable(Exception):
    """The header block is above the release level, so nothing can be shown."""


def header_level(sheet: FactSheet) -> str:
    """The level of the title, meeting and participant block."""
    return sheet.classification.header or sheet.classification.level


def withheld_reason(sheet: FactSheet, cleared_to: str | None) -> str | None:
    """Why nothing of `sheet` may be released at `cleared_to`, or None when its header may be."""
    if cleared_to is None:
        return None
    scheme = SCHEMES[sheet.classification.scheme]
    header = header_level(sheet)
    if scheme.rank(header) > scheme.rank(cleared_to):
        return f"its header (title, meeting and participants) is {header}, above {cleared_to}"
    return None


def release(sheet: FactSheet, cleared_to: str | None = None) -> Release:
    """Cut a valid sheet to `cleared_to` (None keeps everything). Raises NotReleasable."""
    scheme = SCHEMES[sheet.classification.scheme]
    if cleared_to is not None and cleared_to not in scheme:
        raise ValueError(f"{cleared_to!r} is not a level of the {scheme.name} scheme")
    reason = withheld_reason(sheet, cleared_to)
    if reason is not None:
        raise NotReleasable(reason)
    document = sheet.classification.level
    limit = scheme.rank(cleared_to) if cleared_to is not None else len(scheme.levels)

    kept: dict[str, list[Any]] = {}
    kept_paths: set[PortionPath] = set()
    kept_levels = [header_level(sheet)]
    explicit = False
    for portion in portions(sheet):
        effective = portion.level or document
        if scheme.rank(effective) > limit:
            continue
        # Marks depend only on what is released: a withheld portion's own marking must not
        # decide whether the released ones are marked (that would tell a reader it existed).
        explicit = explicit or portion.level is not None
        kept_levels.append(effective)
        kept_paths.add(portion.path)
        kept.setdefault(portion.field, []).append(portion.item.model_copy(update={"classification": effective}))

    # Sources carry no level of their own: one is kept when a kept item cites it,
    # otherwise it has the document's level like any unmarked text.
    cited = {ref for field in _CITING for item in kept.get(field, []) for ref in item.sources}
    whole = scheme.rank(document) <= limit
    sources = []
    for index, source in enumerate(sheet.sources):
        if whole or source.id in cited:
            sources.append(source)
            kept_paths.add(("sources", index))

    def keep(field: str) -> tuple[Any, ...]:
        return tuple(kept.get(field, ()))

    summary = kept.get("summary")
    comment = kept.get("comment")
    released = ReleasedSheet(
        kind=sheet.kind,
        title=sheet.title,
        classification=sheet.classification,
        document=sheet.document,
        meeting=sheet.meeting,
        participants=tuple(sheet.participants),
        summary=summary[0] if summary else None,
        comment=comment[0] if comment else None,
        objectives=keep("objectives"),
        talking_points=keep("talking_points"),
        outcomes=keep("outcomes"),
        frameworks=keep("frameworks"),
        commitments=keep("commitments"),
        follow_up=keep("follow_up"),
        sections=keep("sections"),
        sources=tuple(sources),
    )
    return Release(
        sheet=released,
        scheme=scheme,
        level=scheme.highest(kept_levels),
        caveats=tuple(sheet.classification.caveats),
        marked=explicit,
        cleared_to=cleared_to,
        kept=frozenset(kept_paths),
        levels=frozenset(kept_levels),
    )
