"""What changed in the facts between two versions of a fact sheet, and the change summary written for people and tools.

Not a text diff: participants, frameworks, commitments, outcomes, talking points,
recommendations and sources are matched by a stable identity (a participant's id or name, a framework's
name, a commitment's sector and the likeness of its summary, a source's id), so a
reviewer reads "commitment Fisheries: status agreed → reaffirmed" rather than moved
lines. A change that raises or lowers the classification comes first, on its own line.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from briefgen.report.diagnostics import Diagnostic, Report
from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.model import (
    Amount,
    Commitment,
    FactSheet,
    Framework,
    Participant,
    PortionText,
    Recommendation,
    Source,
)

Action = Literal["added", "removed", "changed"]
SheetStatus = Literal["changed", "unchanged", "added", "deleted", "invalid"]

#: How alike two commitment summaries must be (difflib's ratio) to be the same commitment,
#: with the same sector, and without it.
SAME_SECTOR_LIKENESS = 0.5
OTHER_SECTOR_LIKENESS = 0.8


@dataclass(frozen=True)
class Change:
    """One fact-level change: what kind of item, what happened to it, which one, and how."""

    kind: str
    action: Action
    subject: str
    details: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "action": self.action, "subject": self.subject, "details": list(self.details)}


@dataclass(frozen=True)
class SheetDiff:
    """The comparison of one fact sheet's two versions."""

    path: str
    status: SheetStatus
    #: "classification raised: OFFICIAL → SECRET" (or lowered, or the scheme changed), or None.
    alert: str | None = None
    changes: tuple[Change, ...] = ()
    #: The diagnostics of an invalid version, labelled ("old" or "new", report).
    invalid: tuple[tuple[str, Report], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "status": self.status, "alert": self.alert,
                "changes": [c.to_json() for c in self.changes],
                "invalid": [{"version": label, "diagnostics": [d.to_json() for d in report.diagnostics]}
                            for label, report in self.invalid]}


def compare(old: FactSheet, new: FactSheet) -> tuple[str | None, list[Change]]:
    """The classification alert (or None) and the fact-level changes from `old` to `new`."""
    changes: list[Change] = []
    alert = _classification(old, new, changes)
    _document(old, new, changes)
    changes += _matched("participant", old.participants, new.participants, _participant_key,
                        _participant_name, _participant_changes)
    changes += _matched("framework", old.frameworks, new.frameworks, lambda f: f.name.casefold(),
                        lambda f: f.name, _framework_changes)
    changes += _commitments(old.commitments, new.commitments)
    changes += _portions("outcome", old.outcomes, new.outcomes)
    changes += _portions("talking point", old.talking_points, new.talking_points)
    changes += _portions("recommendation", old.recommendations, new.recommendations)
    changes += _matched("source", old.sources, new.sources, lambda s: s.id, _source_name, lambda a, b: ())
    return alert, changes


def _classification(old: FactSheet, new: FactSheet, changes: list[Change]) -> str | None:
    a, b = old.classification, new.classification
    alert = None
    if a.scheme != b.scheme:
        alert = f"classification scheme changed: {a.scheme} {a.level} → {b.scheme} {b.level}"
    elif a.level != b.level:
        scheme = SCHEMES[a.scheme]
        try:
            raised = scheme.rank(b.level) > scheme.rank(a.level)
        except KeyError:  # a level the scheme does not know: the sheet is invalid anyway
            raised = True
        alert = f"classification {'raised' if raised else 'lowered'}: {a.level} → {b.level}"
    old_header, new_header = a.header or a.level, b.header or b.level
    # A header that follows the level moves with it: the alert has said so already.
    if (a.header or b.header) and old_header != new_header:
        changes.append(Change("header level", "changed", f"{old_header} → {new_header}"))
    for caveat in b.caveats:
        if caveat not in a.caveats:
            changes.append(Change("caveat", "added", caveat))
    for caveat in a.caveats:
        if caveat not in b.caveats:
            changes.append(Change("caveat", "removed", caveat))
    changes.extend(_public_site(old, new))
    return alert


def _public_site(old: FactSheet, new: FactSheet) -> list[Change]:
    """Whether the public site gains or loses the brief, as the release stage decides it."""
    from briefgen.release.audience import default_public
    from briefgen.release.cut import withheld_reason

    public = default_public()
    before, after = withheld_reason(old, public), withheld_reason(new, public)
    if before is not None and after is None:
        return [Change("public site", "changed", "withheld → published")]
    if before is None and after is not None:
        return [Change("public site", "changed", f"published → withheld: {after}")]
    return []


def _document(old: FactSheet, new: FactSheet, changes: list[Change]) -> None:
    for name, before, after in (("document status", old.document.status, new.document.status),
                                ("document version", old.document.version, new.document.version),
                                ("title", old.title, new.title),
                                ("meeting date", old.meeting.date, new.meeting.date)):
        if before != after:
            changes.append(Change(name, "changed", f"{_shown(before)} → {_shown(after)}"))


def _shown(value: object) -> str:
    return "(none)" if value is None else str(value)


def _matched(kind: str, old: Sequence[Any], new: Sequence[Any], key: Callable[[Any], str],
             name: Callable[[Any], str], differences: Callable[[Any, Any], Iterable[str]]) -> list[Change]:
    before = {key(item): item for item in old}
    after = {key(item): item for item in new}
    out = [Change(kind, "added", name(item)) for k, item in after.items() if k not in before]
    out += [Change(kind, "removed", name(item)) for k, item in before.items() if k not in after]
    for k, item in after.items():
        if k in before:
            details = tuple(differences(before[k], item))
            if details:
                out.append(Change(kind, "changed", name(item), details))
    return out


def _participant_key(person: Participant) -> str:
    return f"id:{person.id}" if person.id else f"name:{person.name.casefold()}"


def _participant_name(person: Participant) -> str:
    return f"{person.name} ({person.country}, {person.title})"


def _participant_changes(a: Participant, b: Participant) -> Iterable[str]:
    for name in ("name", "title", "country", "role"):
        if getattr(a, name) != getattr(b, name):
            yield f"{name} {getattr(a, name)} → {getattr(b, name)}"


def _framework_changes(a: Framework, b: Framework) -> Iterable[str]:
    if a.status != b.status:
        yield f"status {a.status} → {b.status}"
    if a.since != b.since:
        yield f"since {_shown(a.since)} → {_shown(b.since)}"
    if a.classification != b.classification:
        yield f"classification {_shown(a.classification)} → {_shown(b.classification)}"


def _source_name(source: Source) -> str:
    return f"{source.id}: {source.title}" + (f" ({source.publisher})" if source.publisher else "")


def _likeness(a: Commitment, b: Commitment) -> float:
    ratio = difflib.SequenceMatcher(None, a.summary.casefold(), b.summary.casefold()).ratio()
    same_sector = a.sector.casefold() == b.sector.casefold()
    if same_sector and ratio >= SAME_SECTOR_LIKENESS:
        return 1 + ratio
    if ratio >= OTHER_SECTOR_LIKENESS:
        return ratio
    return 0.0


def _commitments(old: Sequence[Commitment], new: Sequence[Commitment]) -> list[Change]:
    # Pair the most alike first, so that an edited summary does not steal another's match.
    scored = sorted(((_likeness(a, b), i, j) for i, a in enumerate(old) for j, b in enumerate(new)),
                    key=lambda t: (-t[0], t[1], t[2]))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for score, i, j in scored:
        if score > 0 and i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    out = [Change("commitment", "added", _commitment_name(b)) for j, b in enumerate(new) if j not in taken]
    out += [Change("commitment", "removed", _commitment_name(a)) for i, a in enumerate(old) if i not in pairs]
    for i, j in sorted(pairs.items(), key=lambda p: p[1]):
        details = tuple(_commitment_changes(old[i], new[j]))
        if details:
            out.append(Change("commitment", "changed", _commitment_name(new[j]), details))
    return out


def _commitment_name(commitment: Commitment) -> str:
    # The summary is Markdown: its emphasis marks would show as stars in a one-line name.
    summary = " ".join(re.sub(r"[*_`]+", "", commitment.summary).split())
    if len(summary) > 80:
        summary = summary[:80].rsplit(" ", 1)[0] + "…"
    return f"{commitment.sector}: {summary}"


def _amount(amount: Amount | None) -> str:
    if amount is None:
        return "(none)"
    # Every digit the sheet gives, never an exponent: a diff must show a change of 0.01 in 1e12.
    value = f"{amount.value.normalize():,f}"
    about = "about " if amount.approximate else ""
    return f"{about}{amount.currency} {value}" + (f" {amount.period}" if amount.period else "")


def _commitment_changes(a: Commitment, b: Commitment) -> Iterable[str]:
    if a.sector != b.sector:
        yield f"sector {a.sector} → {b.sector}"
    if a.status != b.status:
        yield f"status {a.status} → {b.status}"
    if _amount(a.amount) != _amount(b.amount):
        yield f"amount {_amount(a.amount)} → {_amount(b.amount)}"
    added = [p for p in b.parties if p not in a.parties]
    removed = [p for p in a.parties if p not in b.parties]
    if added or removed:
        yield "parties " + ", ".join([*(f"+{p}" for p in added), *(f"-{p}" for p in removed)])
    if " ".join(a.summary.split()) != " ".join(b.summary.split()):
        yield "summary reworded"
    else:
        yield from (f"summary {change}" for change in translation_changes(a.summary, b.summary))
    if a.classification != b.classification:
        yield f"classification {_shown(a.classification)} → {_shown(b.classification)}"


def _portion_text(portion: Any) -> str:
    text = portion.text if isinstance(portion, (PortionText, Recommendation)) else str(portion)
    return " ".join(text.split())


def _translations(text: str) -> dict[str, str]:
    """A text's other languages (a text given per language), whitespace folded: {"ja": "…"}."""
    from briefgen.sheet.translations import Translated

    if not isinstance(text, Translated):
        return {}
    return {tag: " ".join(value.split()) for tag, value in text.texts.items() if tag != text.language}


def translation_changes(old: str, new: str) -> tuple[str, ...]:
    """How the other languages of a text changed while its own stayed: ("ja reworded", "hi added")."""
    before, after = _translations(old), _translations(new)
    return tuple([*(f"{tag} added" for tag in after if tag not in before),
                  *(f"{tag} removed" for tag in before if tag not in after),
                  *(f"{tag} reworded" for tag in after if tag in before and before[tag] != after[tag])])


def _portion_value(portion: Any) -> str:
    return portion.text if isinstance(portion, (PortionText, Recommendation)) else str(portion)


def _portions(kind: str, old: Sequence[Any], new: Sequence[Any]) -> list[Change]:
    before = [_portion_text(p) for p in old]
    after = [_portion_text(p) for p in new]
    remaining = list(zip(before, old, strict=True))
    out = []
    for text, portion in zip(after, new, strict=True):
        match = next((pair for pair in remaining if pair[0] == text), None)
        if match is None:
            out.append(Change(kind, "added", text))
            continue
        remaining.remove(match)
        # Its own text is the same: a translation of it may still have changed (what a reader of it reads).
        translated = translation_changes(_portion_value(match[1]), _portion_value(portion))
        if translated:
            out.append(Change(kind, "changed", text, translated))
    leftover = list(after)
    for text in before:
        if text in leftover:
            leftover.remove(text)
        else:
            out.append(Change(kind, "removed", text))
    return out


# --- output ---------------------------------------------------------------------------------

_SIGNS = {"added": "+", "removed": "-", "changed": "~"}


def _change_line(change: Change) -> str:
    detail = f" ({'; '.join(change.details)})" if change.details else ""
    return f"{_SIGNS[change.action]} {change.kind} {change.action}: {change.subject}{detail}"


def format_text(diffs: Sequence[SheetDiff]) -> str:
    """The change summary for people: one line per change, the classification alert first."""
    out: list[str] = []
    for d in diffs:
        if d.status == "unchanged":
            continue
        out.append(f"{d.path}: {_STATUS_TEXT[d.status]}")
        if d.alert:
            out.append(f"  ⚠ {d.alert}")
        out += [f"  {_change_line(c)}" for c in d.changes]
        for label, report in d.invalid:
            out.append(f"  the {label} version is invalid:")
            out += ["    " + line for diag in report.diagnostics if diag.severity == "error"
                    for line in _diagnostic_text(diag, report).splitlines()]
    out.append(_count_line(diffs))
    return "\n".join(out)


def _diagnostic_text(diagnostic: Diagnostic, report: Report) -> str:
    from briefgen.report.diagnostics import format_text as diagnostic_text

    return diagnostic_text(diagnostic, report.lines)


_STATUS_TEXT = {"changed": "changed", "unchanged": "unchanged", "added": "new fact sheet",
                "deleted": "fact sheet deleted", "invalid": "invalid"}


def _count_line(diffs: Sequence[SheetDiff]) -> str:
    counts = {status: sum(d.status == status for d in diffs) for status in _STATUS_TEXT}
    told = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    noun = "fact sheet" if len(diffs) == 1 else "fact sheets"
    return f"{len(diffs)} {noun} compared: {told}"


def format_markdown(diffs: Sequence[SheetDiff]) -> str:
    """The change summary as GitHub Markdown (for $GITHUB_STEP_SUMMARY); every value escaped."""
    from briefgen.report.ci import markdown_code, markdown_text

    out = ["### Fact-sheet changes", ""]
    shown = [d for d in diffs if d.status != "unchanged"]
    if not shown:
        out += ["No fact-sheet changes.", ""]
    for d in shown:
        out += [f"#### {markdown_code(d.path)}: {_STATUS_TEXT[d.status]}", ""]
        if d.alert:
            out += [f"> **⚠ {markdown_text(d.alert)}**", ""]
        for c in d.changes:
            detail = f" ({markdown_text('; '.join(c.details))})" if c.details else ""
            out.append(f"- **{markdown_text(_SIGNS[c.action])} {markdown_text(c.kind)} {c.action}**: "
                       f"{markdown_text(c.subject)}"
                       f"{detail}")
        for label, report in d.invalid:
            out.append(f"- **the {label} version is invalid**:")
            out += [f"  - line {diag.line}: {markdown_text(diag.severity)} {markdown_code(diag.code)}: "
                    f"{markdown_text(diag.message)}" for diag in report.diagnostics if diag.severity == "error"]
        out.append("")
    out += [markdown_text(_count_line(diffs)), ""]
    return "\n".join(out)


def format_json(diffs: Sequence[SheetDiff]) -> str:
    """The comparison as a JSON list, one object per fact sheet."""
    return json.dumps([d.to_json() for d in diffs], indent=2, ensure_ascii=False)


FORMATTERS: dict[str, Callable[[Sequence[SheetDiff]], str]] = {
    "text": format_text, "markdown": format_markdown, "json": format_json}
