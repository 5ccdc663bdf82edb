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

from dataclasses import dataclass

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
    annexes_heading: str = "Annexes"
    distribution_heading: str = "Distribution"
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

    def annex_name(self, index: int) -> str:
        """The label of the annex at `index` (0-based): "Annex A", "Tab 1"."""
        if self.annex_label == "Tab":
            return f"Tab {index + 1}"
        letters = ""
        number = index
        while True:  # A … Z, AA, AB…
            letters = chr(ord("A") + number % 26) + letters
            number = number // 26 - 1
            if number < 0:
                return f"{self.annex_label} {letters}"


#: Printed by every kind after its parts: the closing block's distribution list, then the annexes.
COMMON_KEYS = frozenset({"distribution", "annexes"})

_TABLES = (PartSpec("frameworks", "Frameworks"), PartSpec("commitments", "Commitments"))
_END = (PartSpec("participants", "Participants"), PartSpec("sources", "Sources"))

KINDS: dict[str, Kind] = {
    "brief": Kind(
        "brief", "Meeting brief", "a meeting brief for a principal (written before the meeting)",
        (
            PartSpec("summary", "Summary", required=True),
            PartSpec("objectives", "Objectives"),
            PartSpec("issues_for_discussion", "Issues for discussion"),
            PartSpec("talking_points", "Talking points"),
            PartSpec("lines_to_take", "Lines to take"),
            PartSpec("if_pressed", "If pressed"),
            PartSpec(OTHER_SECTIONS, "Sensitivities, press lines and other sections"),
            PartSpec("outcomes", "Outcomes"),
            PartSpec("follow_up", "Actions"),
            PartSpec(BACKGROUND_SECTIONS, "Background sections"),
            *_TABLES,
            *_END,
        ),
        template="brief.html",
    ),
    "readout": Kind(
        "readout", "Meeting readout", "a readout of the meeting (written after it)",
        (
            PartSpec("summary", "Summary", required=True),
            PartSpec("outcomes", "Outcomes"),
            PartSpec("follow_up", "Actions"),
            PartSpec("commitments", "Commitments"),
            PartSpec("frameworks", "Frameworks"),
            PartSpec("comment", "Comment"),
            PartSpec("talking_points", "Talking points"),
            PartSpec(OTHER_SECTIONS, "Sensitivities, press lines and other sections"),
            PartSpec(BACKGROUND_SECTIONS, "Background sections"),
            *_END,
        ),
        template="readout.html",
    ),
    "submission": Kind(
        "submission", "Submission", "a UK submission to a minister (FCDO, Civil Service)",
        (
            PartSpec("summary", "Issue", required=True),
            PartSpec("recommendations", "Recommendation", required=True, plural="Recommendations"),
            PartSpec("timing", "Timing", required=True),
            PartSpec(BACKGROUND_SECTIONS, "Background"),
            PartSpec("argument", "Argument", required=True),
            PartSpec(OTHER_SECTIONS, "Other sections"),
            PartSpec("presentation", "Presentation and handling"),
            PartSpec("follow_up", "Next steps"),
            *_TABLES,
            *_END,
        ),
        template="submission.html",
        document_keys=(("addressee", "To"),),
        distribution_heading="Copy to",
    ),
    "action-memo": Kind(
        "action-memo", "Action memo", "a US State Department action memo: a decision for a principal",
        (
            PartSpec("summary", "BLUF", required=True),
            PartSpec("recommendations", "Recommendation", required=True, plural="Recommendations"),
            PartSpec(BACKGROUND_SECTIONS, "Background"),
            PartSpec("discussion", "Discussion"),
            PartSpec(OTHER_SECTIONS, "Other sections"),
            PartSpec("follow_up", "Next steps"),
            *_TABLES,
            *_END,
        ),
        template="memo.html",
        document_keys=(("addressee", "ACTION MEMO FOR"), ("sender", "FROM")),
        decision_lines=True,
        annex_label="Tab",
        annexes_heading="Attachments",
        dates="us",
    ),
    "info-memo": Kind(
        "info-memo", "Information memo", "a US State Department information memo: no decision asked",
        (
            PartSpec("summary", "BLUF", required=True),
            PartSpec(BACKGROUND_SECTIONS, "Background"),
            PartSpec("discussion", "Discussion", required=True),
            PartSpec(OTHER_SECTIONS, "Other sections"),
            PartSpec("follow_up", "Next steps"),
            *_TABLES,
            *_END,
        ),
        template="memo.html",
        document_keys=(("addressee", "INFO MEMO FOR"), ("sender", "FROM")),
        annex_label="Tab",
        annexes_heading="Attachments",
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
