"""What the cross-field rules read: the parts of a fact sheet, each None when missing or invalid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from briefgen.report.diagnostics import Diagnostic, Severity
from briefgen.sheet.marks import DataPath
from briefgen.sheet.model import (
    CLASSIFIED_ITEMS,
    PORTION_LISTS,
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

_T = TypeVar("_T")
#: A list part: None when the list itself is missing (if required) or invalid; an invalid item is None.
Items = tuple[_T | None, ...] | None


@dataclass(frozen=True)
class SheetParts:
    """The parts of a fact sheet that the rules read, each None when it is missing or invalid.

    From a valid sheet (`SheetParts.of`) every part is there. partial.py builds one from
    the parts of an invalid sheet that are valid on their own, field by field, so that the
    rules still report what they can: a part that is partly valid holds None in each of its
    `rejected` fields, and each rule skips what it needs and cannot have (`rejected_at`).
    """

    kind: str | None = None
    classification: Classification | None = None
    document: Document | None = None
    meeting: Meeting | None = None
    summary: PortionText | None = None
    comment: PortionText | None = None
    participants: Items[Participant] = None
    frameworks: Items[Framework] = ()
    commitments: Items[Commitment] = ()
    objectives: Items[PortionText] = ()
    talking_points: Items[PortionText] = ()
    outcomes: Items[PortionText] = ()
    follow_up: Items[FollowUp] = ()
    sections: Items[Section] = ()
    sources: Items[Source] = ()
    timing: PortionText | None = None
    issues_for_discussion: Items[PortionText] = ()
    lines_to_take: Items[PortionText] = ()
    if_pressed: Items[PortionText] = ()
    recommendations: Items[Recommendation] = ()
    argument: Items[PortionText] = ()
    discussion: Items[PortionText] = ()
    presentation: Items[PortionText] = ()
    annexes: Items[Annex] = ()
    distribution: Items[str] = ()
    #: The sheet itself, when it is valid.
    sheet: FactSheet | None = None
    #: Paths of the fields the model rejected (or that are missing, or whose text could not be read).
    rejected: frozenset[DataPath] = frozenset()

    def rejected_at(self, *locs: DataPath) -> bool:
        """Whether any of `locs`, or a part that holds it, was rejected: a rule that needs it cannot tell."""
        return any(loc[:end] in self.rejected for loc in locs for end in range(1, len(loc) + 1))

    @classmethod
    def of(cls, sheet: FactSheet) -> SheetParts:
        """Every part of a valid sheet."""
        portion_lists: dict[str, Any] = {name: tuple(map(_portion, getattr(sheet, name))) for name in PORTION_LISTS
                                         if name != "recommendations"}
        return cls(
            kind=sheet.kind, classification=sheet.classification, document=sheet.document,
            meeting=sheet.meeting, summary=_portion(sheet.summary), comment=_portion(sheet.comment),
            timing=_portion(sheet.timing), **portion_lists,
            recommendations=tuple(item if isinstance(item, Recommendation) else None for item in sheet.recommendations),
            annexes=tuple(sheet.annexes),
            distribution=tuple(sheet.distribution),
            participants=tuple(sheet.participants), frameworks=tuple(sheet.frameworks),
            commitments=tuple(sheet.commitments), follow_up=tuple(sheet.follow_up),
            sections=tuple(sheet.sections), sources=tuple(sheet.sources), sheet=sheet)

    def portion_sheet(self) -> FactSheet:
        """The sheet that `portions` walks: the valid sheet, or one built (unvalidated) of these parts.

        `portions` and `level_rules.portion_levels` take a FactSheet and skip portions that are None.
        """
        if self.sheet is not None:
            return self.sheet
        lists: dict[str, Any] = {name: list(getattr(self, name) or ()) for name in (*PORTION_LISTS, *CLASSIFIED_ITEMS)}
        # Parts may be None here (model_construct validates nothing): hence a plain dict of fields.
        fields: dict[str, Any] = {"classification": self.classification, "summary": self.summary,
                                  "comment": self.comment, "timing": self.timing, **lists}
        return FactSheet.model_construct(**fields)


class At(Protocol):
    """Makes a diagnostic at a data path (at its key with `key=True`)."""

    def __call__(self, loc: DataPath, severity: Severity, code: str, message: str, hint: str | None = None,
                 key: bool = False) -> Diagnostic: ...


def _portion(value: Any) -> PortionText | None:
    return value if isinstance(value, PortionText) else None
