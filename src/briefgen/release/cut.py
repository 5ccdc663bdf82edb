"""Releases: the part of a fact sheet that an audience may read.

Fail closed: a portion without its own marking has the document's level, caveats and
public clearance, so it is released only when the document would be. The header block
(title, document details, meeting and participants) has the header level (default: the
document's level) and the document's caveats and clearance; when the audience may not
read it, nothing of the brief is released. Which audience may read what is decided in
audience.py (`Audience.admits`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefgen.release.audience import Audience
from briefgen.release.marking import BannerMarking, Marked, banner, portion_mark
from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.portions import ClassifiedPortion, PortionPath, portions
from briefgen.sheet.scheme import Scheme

if TYPE_CHECKING:  # the model (pydantic) is not imported by publish, which reads only the codes below
    from briefgen.sheet.model import (
        Annex,
        Classification,
        Commitment,
        Document,
        FactSheet,
        FollowUp,
        Framework,
        Meeting,
        Participant,
        PortionText,
        Recommendation,
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
    timing: PortionText | None = None
    issues_for_discussion: tuple[PortionText, ...] = ()
    lines_to_take: tuple[PortionText, ...] = ()
    if_pressed: tuple[PortionText, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    argument: tuple[PortionText, ...] = ()
    discussion: tuple[PortionText, ...] = ()
    presentation: tuple[PortionText, ...] = ()
    annexes: tuple[Annex, ...] = ()
    #: Who receives a copy: part of the header block, released whenever the brief is.
    distribution: tuple[str, ...] = ()
    #: The language the sheet is written in (its `lang`): the one every translated text has.
    lang: str = "en"


@dataclass(frozen=True)
class Release:
    """A fact sheet cut for an audience."""

    sheet: ReleasedSheet
    scheme: Scheme
    #: The highest level actually present: what the banners show.
    level: str
    #: The caveats of the header and of every kept portion, in the order first met.
    caveats: tuple[str, ...]
    #: Whether portions carry marks such as "(OS)": when any released portion has an explicit level.
    marked: bool
    #: The audience the release was cut for, or None for the full document.
    audience: Audience | None
    #: Where each kept portion (and kept source) stood in the original sheet.
    kept: frozenset[PortionPath]
    #: Every level present in the release (header and kept portions).
    levels: frozenset[str] = frozenset()
    #: Whether the release keeps every portion and source of the sheet (nothing was withheld).
    complete: bool = True
    #: The banner the scheme's grammar writes for what is kept (marking.banner).
    banner: BannerMarking | None = None

    def mark(self, level: str | None, caveats: Iterable[str] | None = ()) -> str:
        """The portion mark to print before a portion of `level` with `caveats` (its effective
        marking, as the kept copy carries it), or "" when unmarked."""
        if not self.marked or not level:
            return ""
        return portion_mark(self.scheme, level, caveats or (), self.banner)

    def mark_of(self, item: Any) -> str:
        """The portion mark of a kept portion or item (it carries its effective level and caveats)."""
        return self.mark(getattr(item, "classification", None), getattr(item, "caveats", None))

    @property
    def header_mark(self) -> str:
        """The mark of the header block: the header level and the document's caveats."""
        classification = self.sheet.classification
        return self.mark(classification.header or classification.level, classification.caveats)

    def shows(self, path: tuple[Any, ...]) -> bool:
        """Whether the value at `path` of the original sheet is part of this release.

        Fail closed: only the header block's keys are shown whenever the brief is; any
        other key is shown only where a kept portion (or source) stands.
        """
        if not path or path[0] in HEADER_KEYS:
            return True
        return path[:1] in self.kept if path[0] in SINGLE_KEYS else path[:2] in self.kept

    @property
    def cleared_to(self) -> str | None:
        """The audience's label ("OFFICIAL", "PUBLIC"), or None for the full document."""
        return self.audience.label if self.audience is not None else None

    @property
    def reference(self) -> str | None:
        """The reference a reader files this copy under (see `released_reference`)."""
        return released_reference(self.sheet.document.reference, self.cleared_to)

    @property
    def substance(self) -> bool:
        """Whether it keeps any of the substance: summary, recommendation, argument, discussion,
        objective, point, line to take, issue for discussion, outcome or commitment."""
        sheet = self.sheet
        return bool(sheet.summary or sheet.objectives or sheet.talking_points or sheet.outcomes
                    or sheet.commitments or sheet.recommendations or sheet.argument or sheet.discussion
                    or sheet.lines_to_take or sheet.issues_for_discussion)


def _citing() -> tuple[str, ...]:
    """The parts of a sheet whose items cite sources (frameworks, commitments and every portion)."""
    from briefgen.sheet.model import PORTION_LISTS, SINGLE_PORTIONS

    return ("frameworks", "commitments", *PORTION_LISTS, *SINGLE_PORTIONS)


#: The header block's keys (model.HEADER_FIELDS, repeated so that publish need not import the
#: model; a test keeps them equal): shown whenever the brief is released.
HEADER_KEYS = frozenset({"format", "kind", "id", "lang", "title", "classification", "document", "meeting",
                         "participants", "distribution"})
#: Cut keys that hold one portion (model.SINGLE_PORTIONS): kept as a whole, by their path alone.
SINGLE_KEYS = frozenset({"summary", "comment", "timing"})

#: Joins a reference and the audience: "G20-2025/JP-IN/01" → "G20-2025/JP-IN/01-R-OFFICIAL".
RELEASE_SUFFIX = "-R-"


def released_reference(reference: str | None, cleared_to: str | None) -> str | None:
    """The reference of a release: the original's, with "-R-" and the audience's label ("TOP SECRET" → "TOP-SECRET").

    Every release gets the suffix, whether or not anything was left out, so that the
    reference tells a reader this is a release and for whom, and nothing about what was withheld.
    """
    if reference is None or cleared_to is None:
        return reference
    return f"{reference}{RELEASE_SUFFIX}{cleared_to.replace(' ', '-')}"


class NotReleasable(Exception):
    """The header block is more than the audience may read, so nothing can be shown."""


def header_level(sheet: FactSheet) -> str:
    """The level of the title, meeting and participant block."""
    return sheet.classification.header or sheet.classification.level


@dataclass(frozen=True)
class Marking:
    """What the release cut reads of one portion: its effective level, caveats and public clearance."""

    level: str
    caveats: tuple[str, ...]
    public: bool


def document_marking(sheet: FactSheet) -> Marking:
    """The marking an unmarked portion has: the document's level, caveats and clearance (fail closed)."""
    classification = sheet.classification
    return Marking(classification.level, tuple(classification.caveats), classification.cleared_for_public)


def header_marking(sheet: FactSheet) -> Marking:
    """The marking of the header block: its level, and the document's caveats and clearance."""
    document = document_marking(sheet)
    return Marking(header_level(sheet), tuple(sheet.classification.caveats), document.public)


def portion_marking(sheet: FactSheet, portion: ClassifiedPortion) -> Marking:
    """A portion's effective marking: what it states, else what the document states."""
    document = document_marking(sheet)
    caveats = portion.caveats if portion.caveats is not None else tuple(sheet.classification.caveats)
    return Marking(portion.level or document.level, caveats,
                   portion.public if portion.public is not None else document.public)


def designation_controls(sheet: FactSheet) -> tuple[str, ...]:
    """The limited dissemination controls of the CUI designation indicator ("FEDCON",
    "NOFORN/FEDCON": one or more, separated by "/" as the banner writes them)."""
    cui = sheet.classification.cui
    if cui is None or not cui.dissemination:
        return ()
    return tuple(c.strip() for c in re.split(r"/", cui.dissemination) if c.strip())


def reading_caveats(sheet: FactSheet, marking: Marking) -> Marking:
    """The marking an audience is checked against: a CUI portion also carries the CUI limited
    dissemination controls of the designation indicator (NOFORN, FEDCON…), which the banner
    shows too."""
    scheme = SCHEMES.get(sheet.classification.scheme)
    if scheme is None or marking.level != scheme.cui_level:
        return marking
    extra = tuple(c for c in designation_controls(sheet) if c not in marking.caveats)
    return Marking(marking.level, marking.caveats + extra, marking.public) if extra else marking


def cui_categories(sheet: FactSheet) -> tuple[str, ...]:
    """The CUI categories of the designation indicator ("SP-EXPT", "SP-EXPT/PRVCY")."""
    cui = sheet.classification.cui
    if cui is None or not cui.category:
        return ()
    return tuple(c.strip() for c in re.split(r"[/,]", cui.category) if c.strip())


def withheld_reason(sheet: FactSheet, audience: Audience | None) -> str | None:
    """Why nothing of `sheet` may be released to `audience`, or None when its header may be."""
    found = withholding(sheet, audience)
    return found[0] if found is not None else None


def withholding(sheet: FactSheet, audience: Audience | None) -> tuple[str, tuple[str, ...]] | None:
    """Why nothing of `sheet` may be released to `audience`, and the key of the sheet that
    decides it (for the note's line); None when its header may be released."""
    if audience is None:
        return None
    scheme = SCHEMES[sheet.classification.scheme]
    ceiling = audience.ceiling(scheme.name)
    if ceiling is None:
        return (f"the audience {audience.name} reads no notes of the {scheme.name} scheme",
                ("classification", "scheme"))
    header = header_marking(sheet)
    where = ("classification", "header") if sheet.classification.header else ("classification", "level")
    if scheme.rank(header.level) > scheme.rank(ceiling):
        return f"its header (title, meeting and participants) is {header.level}, above {ceiling}", where
    if audience.public and not header.public:
        return ("it is not cleared for public release: once the press office has cleared it, "
                "add `cleared_for_public: true` under classification", ("classification",))
    barring = audience.barring(scheme, reading_caveats(sheet, header).caveats)
    if barring is not None:
        caveats = ("classification", "caveats") if barring in sheet.classification.caveats else ("classification",)
        return f"it carries the caveat {barring}, which keeps it from {audience.describe(scheme)}", caveats
    if audience.public and header.level != scheme.lowest:
        return f"its header is {header.level}: the public reads only {scheme.lowest}", where
    return None


def release(sheet: FactSheet, audience: Audience | None = None) -> Release:
    """Cut a valid sheet for `audience` (None keeps everything). Raises NotReleasable."""
    scheme = SCHEMES[sheet.classification.scheme]
    reason = withheld_reason(sheet, audience)
    if reason is not None:
        raise NotReleasable(reason)

    def admitted(marking: Marking) -> bool:
        read = reading_caveats(sheet, marking)
        return audience is None or audience.admits(scheme, read.level, read.caveats, read.public)

    kept = _kept_portions(sheet, admitted)
    sources = _kept_sources(sheet, kept, admitted(document_marking(sheet)))
    level = scheme.highest(kept.levels)
    # A scheme may require portion marks on every note from some level up (E.O. 13526 §1.6(c)).
    grammar = scheme.grammar
    required = grammar is not None and scheme.at_least(level, grammar.portions_required_from)
    return Release(
        sheet=_released_sheet(sheet, kept, sources),
        scheme=scheme,
        level=level,
        caveats=tuple(kept.caveats),
        marked=kept.explicit or required,
        audience=audience,
        kept=frozenset(kept.paths),
        levels=frozenset(kept.levels),
        complete=kept.every,
        banner=banner(scheme, kept.banner_inputs, cui_categories(sheet)),
    )


@dataclass
class _Kept:
    """What a cut keeps of a sheet's portions, filled in document order."""

    items: dict[str, list[Any]]
    paths: set[PortionPath]
    levels: list[str]
    caveats: list[str]
    banner_inputs: list[Marked]
    #: Whether a kept portion carries a marking of its own.
    explicit: bool = False
    #: Whether every portion (and source) was kept.
    every: bool = True


def _kept_portions(sheet: FactSheet, admitted: Callable[[Marking], bool]) -> _Kept:
    header = header_marking(sheet)
    kept = _Kept({}, set(), [header.level], list(header.caveats),
                 [Marked(header.level, reading_caveats(sheet, header).caveats)])
    for portion in portions(sheet):
        marking = portion_marking(sheet, portion)
        if not admitted(marking):
            kept.every = False
            continue
        # Marks depend only on what is released: a withheld portion's own marking must not
        # decide whether the released ones are marked (that would tell a reader it existed).
        kept.explicit = kept.explicit or portion.level is not None or portion.caveats is not None
        kept.levels.append(marking.level)
        kept.banner_inputs.append(Marked(marking.level, reading_caveats(sheet, marking).caveats))
        kept.caveats.extend(c for c in marking.caveats if c not in kept.caveats)
        kept.paths.add(portion.path)
        kept.items.setdefault(portion.field, []).append(portion.item.model_copy(
            update={"classification": marking.level, "caveats": list(marking.caveats)}))
    return kept


def _kept_sources(sheet: FactSheet, kept: _Kept, whole: bool) -> list[Any]:
    """Sources carry no marking of their own: one is kept when a kept item cites it, otherwise
    it has the document's marking like any unmarked text (kept when `whole` is admitted)."""
    cited = {ref for field in _citing() for item in kept.items.get(field, []) for ref in item.sources}
    sources = []
    for index, source in enumerate(sheet.sources):
        if whole or source.id in cited:
            sources.append(source)
            kept.paths.add(("sources", index))
        else:
            kept.every = False
    return sources


def _released_sheet(sheet: FactSheet, kept: _Kept, sources: list[Any]) -> ReleasedSheet:
    from briefgen.sheet.model import CLASSIFIED_ITEMS, PORTION_LISTS, SINGLE_PORTIONS

    singles: dict[str, Any] = {name: kept.items[name][0] if kept.items.get(name) else None
                               for name in SINGLE_PORTIONS}
    lists: dict[str, Any] = {name: tuple(kept.items.get(name, ())) for name in (*PORTION_LISTS, *CLASSIFIED_ITEMS)}
    return ReleasedSheet(
        kind=sheet.kind,
        title=sheet.title,
        classification=sheet.classification,
        document=sheet.document,
        meeting=sheet.meeting,
        participants=tuple(sheet.participants),
        distribution=tuple(sheet.distribution),
        lang=sheet.lang,
        sources=tuple(sources),
        **singles,
        **lists,
    )
