"""Document kinds as data: the parts each kind prints, in reading order, and the ones it requires.

One table serves the model (the kinds a sheet may name), the rules (what a kind requires,
what it does not print), the view (the reading order, headings, decision lines, annex
labels) and `briefgen new` (the skeleton of each kind). Adding a kind is one entry here,
a template, and its tests. Light on purpose: `check` imports it.

The formats follow what each government writes (cited in tests/test_kinds.py):

- brief, readout: meeting briefs and readouts, decisions first.
- submission: a UK (FCDO, Civil Service) submission to a minister — Issue, Recommendation,
  Timing, Background, Argument, Presentation and handling, then annexes.
- action-memo: a US State Department action memo — ACTION MEMO FOR, FROM, SUBJECT, BLUF,
  Recommendation with Approve / Disapprove lines, Background, Discussion, Attachments,
  Drafted by and a clearance list with office symbols (5 FAH-1 H-300, S/ES templates).
- info-memo: the same without decision lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def N_(message: str) -> str:
    """Marks a label for `pybabel extract` and returns it as it is: the view translates it for a note's locale."""
    return message


def _untranslated(message: str) -> str:
    return message

#: A group of free sections in the reading order, by their `kind` (see `section_groups`).
OTHER_SECTIONS = "sections:other"
BACKGROUND_SECTIONS = "sections:background"


@dataclass(frozen=True)
class PartSpec:
    """One part of a kind's reading order: a sheet key (or a group of sections) and its heading."""

    key: str
    heading: str
    required: bool = False
    #: The heading when the part holds more than one item ("Recommendations").
    plural: str | None = None

    @property
    def sheet_key(self) -> str:
        """The top-level key of the fact sheet that this part prints."""
        return self.key.split(":", 1)[0]

    def heading_for(self, count: int) -> str:
        return self.plural if self.plural and count > 1 else self.heading


@dataclass(frozen=True)
class Kind:
    """A kind of note: its label, its parts in reading order, and how its government lays it out."""

    name: str
    label: str
    #: Whose format it is, in words (docs and hints).
    format_of: str
    parts: tuple[PartSpec, ...]
    template: str
    #: Keys under `document` this kind requires: (key, what it is printed as).
    document_keys: tuple[tuple[str, str], ...] = ()
    #: Recommendations are printed with Approve / Disapprove lines for the principal's initials.
    decision_lines: bool = False
    #: "Annex A", "Annex B"… (lettered) or "Tab 1", "Tab 2"… (numbered).
    annex_label: str = "Annex"
    annexes_heading: str = N_("Annexes")
    distribution_heading: str = N_("Distribution")
    #: How dates are written: "uk" (5 February 2026) or "us" (February 5, 2026; 5 FAH-1 H-325.1).
    dates: str = "uk"

    @property
    def keys(self) -> frozenset[str]:
        """Every top-level key this kind prints."""
        return frozenset(part.sheet_key for part in self.parts) | COMMON_KEYS

    @property
    def required(self) -> tuple[PartSpec, ...]:
        return tuple(part for part in self.parts if part.required)

    def part(self, key: str) -> PartSpec | None:
        return next((part for part in self.parts if part.key == key), None)

    def annex_name(self, index: int, translate: Callable[[str], str] = _untranslated) -> str:
        """The label of the annex at `index` (0-based): "Annex A", "Tab 1" (`translate` gives another language's)."""
        if self.annex_label == "Tab":
            return translate(N_("Tab {number}")).format(number=index + 1)
        letters = ""
        number = index
        while True:  # A … Z, AA, AB…
            letters = chr(ord("A") + number % 26) + letters
            number = number // 26 - 1
            if number < 0:
                return translate(N_("Annex {letters}")).format(letters=letters)


#: Printed by every kind after its parts: the closing block's distribution list, then the annexes.
COMMON_KEYS = frozenset({"distribution", "annexes"})

_TABLES = (PartSpec("frameworks", N_("Frameworks")), PartSpec("commitments", N_("Commitments")))
_END = (PartSpec("participants", N_("Participants")), PartSpec("sources", N_("Sources")))

KINDS: dict[str, Kind] = {
    "brief": Kind(
        "brief", N_("Meeting brief"), "a meeting brief for a principal (written before the meeting)",
        (
            PartSpec("summary", N_("Summary"), required=True),
            PartSpec("objectives", N_("Objectives")),
            PartSpec("issues_for_discussion", N_("Issues for discussion")),
            PartSpec("talking_points", N_("Talking points")),
            PartSpec("lines_to_take", N_("Lines to take")),
            PartSpec("if_pressed", N_("If pressed")),
            PartSpec(OTHER_SECTIONS, N_("Sensitivities, press lines and other sections")),
            PartSpec("outcomes", N_("Outcomes")),
            PartSpec("follow_up", N_("Actions")),
            PartSpec(BACKGROUND_SECTIONS, N_("Background sections")),
            *_TABLES,
            *_END,
        ),
        template="brief.html",
    ),
    "readout": Kind(
        "readout", N_("Meeting readout"), "a readout of the meeting (written after it)",
        (
            PartSpec("summary", N_("Summary"), required=True),
            PartSpec("outcomes", N_("Outcomes")),
            PartSpec("follow_up", N_("Actions")),
            PartSpec("commitments", N_("Commitments")),
            PartSpec("frameworks", N_("Frameworks")),
            PartSpec("comment", N_("Comment")),
            PartSpec("talking_points", N_("Talking points")),
            PartSpec(OTHER_SECTIONS, N_("Sensitivities, press lines and other sections")),
            PartSpec(BACKGROUND_SECTIONS, N_("Background sections")),
            *_END,
        ),
        template="readout.html",
    ),
    "submission": Kind(
        "submission", N_("Submission"), "a UK submission to a minister (FCDO, Civil Service)",
        (
            PartSpec("summary", N_("Issue"), required=True),
            PartSpec("recommendations", N_("Recommendation"), required=True, plural=N_("Recommendations")),
            PartSpec("timing", N_("Timing"), required=True),
            PartSpec(BACKGROUND_SECTIONS, N_("Background")),
            PartSpec("argument", N_("Argument"), required=True),
            PartSpec(OTHER_SECTIONS, N_("Other sections")),
            PartSpec("presentation", N_("Presentation and handling")),
            PartSpec("follow_up", N_("Next steps")),
            *_TABLES,
            *_END,
        ),
        template="submission.html",
        document_keys=(("addressee", N_("To")),),
        distribution_heading=N_("Copy to"),
    ),
    "action-memo": Kind(
        "action-memo", N_("Action memo"), "a US State Department action memo: a decision for a principal",
        (
            PartSpec("summary", N_("BLUF"), required=True),
            PartSpec("recommendations", N_("Recommendation"), required=True, plural=N_("Recommendations")),
            PartSpec(BACKGROUND_SECTIONS, N_("Background")),
            PartSpec("discussion", N_("Discussion")),
            PartSpec(OTHER_SECTIONS, N_("Other sections")),
            PartSpec("follow_up", N_("Next steps")),
            *_TABLES,
            *_END,
        ),
        template="memo.html",
        document_keys=(("addressee", N_("ACTION MEMO FOR")), ("sender", N_("FROM"))),
        decision_lines=True,
        annex_label="Tab",
        annexes_heading=N_("Attachments"),
        dates="us",
    ),
    "info-memo": Kind(
        "info-memo", N_("Information memo"), "a US State Department information memo: no decision asked",
        (
            PartSpec("summary", N_("BLUF"), required=True),
            PartSpec(BACKGROUND_SECTIONS, N_("Background")),
            PartSpec("discussion", N_("Discussion"), required=True),
            PartSpec(OTHER_SECTIONS, N_("Other sections")),
            PartSpec("follow_up", N_("Next steps")),
            *_TABLES,
            *_END,
        ),
        template="memo.html",
        document_keys=(("addressee", N_("INFO MEMO FOR")), ("sender", N_("FROM"))),
        annex_label="Tab",
        annexes_heading=N_("Attachments"),
        dates="us",
    ),
}

#: Every key some kind prints and another does not: the ones `not-for-kind` is about.
KIND_KEYS = frozenset().union(*(kind.keys for kind in KINDS.values())) - frozenset.intersection(
    *(kind.keys for kind in KINDS.values()))

#: Section kinds in each group of the reading order.
SECTION_GROUPS = {OTHER_SECTIONS: ("sensitivities", "press-lines", "other"), BACKGROUND_SECTIONS: ("background",)}


def kinds_printing(key: str) -> list[str]:
    """The kinds that print the top-level `key`, in table order."""
    return [kind.name for kind in KINDS.values() if key in kind.keys]


def article(label: str) -> str:
    """"a submission", "an action memo"."""
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label.lower()}"


#: Parts every kind may print, left out of the hints that name a kind's own parts.
_SHARED = frozenset({"frameworks", "commitments", "participants", "sources", "sections"})


def describe_kind(kind: Kind) -> str:
    """A kind's parts for a hint: "a submission is Issue (`summary`), Recommendation (`recommendations`), …"."""
    required = [f"{part.heading} (`{part.sheet_key}`)" for part in kind.required]
    optional = [f"{part.heading} (`{part.sheet_key}`)" for part in kind.parts
                if not part.required and part.sheet_key not in _SHARED]
    said = f"{article(kind.label)} is {_joined(required)}"
    return f"{said}; it may add {', '.join([*optional, '`sections`', '`annexes`', '`distribution`'])}"


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
