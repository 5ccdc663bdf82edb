"""Marking rules: the caveats, the classification authority block and the handling line of a sheet,
checked against what its scheme's file declares (rules.py runs them with the other rules).

Every caveat the grammar could not write is an error here, at its line, with a hint naming
what the scheme accepts; the release stage still reads such a caveat fail closed (own
nationals only), should a sheet ever reach it unchecked.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from briefgen.report.diagnostics import Diagnostic, Severity
from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.marks import DataPath
from briefgen.sheet.portions import portions
from briefgen.sheet.scheme import Authority, CaveatProblem, Control, Scheme

if TYPE_CHECKING:
    from briefgen.sheet.model import ClassificationAuthority, Document, FactSheet


class _At(Protocol):
    def __call__(self, loc: DataPath, severity: Severity, code: str, message: str, hint: str | None = None,
                 key: bool = False) -> Diagnostic: ...


@dataclass(frozen=True)
class CaveatList:
    """One list of caveats in a sheet, where it is, and the levels of what it marks."""

    loc: DataPath
    caveats: tuple[str, ...]
    levels: tuple[str, ...]
    #: A single line ("FEDCON/NOFORN", the CUI designation) rather than a YAML list.
    line: bool = False


def check(sheet: FactSheet, document: Document | None, at: _At,
          rejected: Callable[[DataPath], bool]) -> Iterator[Diagnostic]:
    """Every marking rule of the sheet's scheme (a sheet whose scheme or level is unknown is left to rules.py).

    `sheet` may be partial (validate.py): a value the model rejected is None there, its mistake
    already reported, and `rejected` says so; a rule that needs it is skipped for it alone.
    """
    classification = sheet.classification
    scheme = SCHEMES.get(classification.scheme)
    if scheme is None or classification.level not in scheme:
        return
    for caveat_list in caveat_lists(sheet, scheme):
        yield from _caveats(scheme, caveat_list, at)
    yield from _authority(sheet, scheme, document, at, rejected)
    if classification.handling is not None and not scheme.handling_line:
        yield at(("classification", "handling"), "warning", "handling-line-not-printed",
                 f"the {scheme.name} scheme prints no handling-instructions line",
                 "remove `handling`, or write the restriction as a caveat the scheme knows", key=True)


def caveat_lists(sheet: FactSheet, scheme: Scheme) -> Iterator[CaveatList]:
    """The document's caveats (marking the header and every portion without its own), each
    portion's own, and the CUI designation's controls (marking every CUI portion)."""
    classification = sheet.classification
    document = classification.level
    header = classification.header if classification.header in scheme and classification.header else document
    inheriting = [header]
    for portion in portions(sheet):
        level = portion.level if portion.level is not None and portion.level in scheme else document
        if portion.caveats is None:
            inheriting.append(level)
        else:
            yield CaveatList((*portion.path, "caveats"), portion.caveats, (level,))
    # A partial sheet (validate.py) holds None for document caveats the model rejected: that
    # mistake is reported already, and the rules of the lists that were read still run.
    if classification.caveats is not None:
        yield CaveatList(("classification", "caveats"), tuple(classification.caveats),
                         tuple(dict.fromkeys(inheriting)))
    cui = classification.cui
    if cui is not None and cui.dissemination and scheme.cui_level is not None:
        controls = tuple(c.strip() for c in cui.dissemination.split("/") if c.strip())
        yield CaveatList(("classification", "cui", "dissemination"), controls, (scheme.cui_level,), line=True)


def _split_lists(scheme: Scheme, caveats: Sequence[str]) -> dict[int, int]:
    """Where YAML split an unquoted REL TO list at its commas ([REL TO USA, AUS] is two items):
    the index of its first item → how many items follow that are bare country codes."""
    split: dict[int, int] = {}
    for index, text in enumerate(caveats):
        if text is None:  # an item the model rejected (a partial sheet)
            continue
        if not any(c.kind == "rel-to" and c.pattern is not None and c.pattern.match(" ".join(text.upper().split()))
                   for c in scheme.caveats):
            continue
        count = 0
        while index + count + 1 < len(caveats):
            following = caveats[index + count + 1]
            if following is None or not isinstance(scheme.parse(following), CaveatProblem) \
                    or not _is_code(scheme, following):
                break
            count += 1
        if count:
            split[index] = count
    return split


def _is_code(scheme: Scheme, text: str) -> bool:
    code = text.strip().upper()
    return isinstance(scheme.parse(f"REL TO {scheme.nationality}, {code}"), Control)


def _caveats(scheme: Scheme, caveat_list: CaveatList, at: _At) -> Iterator[Diagnostic]:
    understood: list[tuple[DataPath, Control]] = []
    split = {} if caveat_list.line else _split_lists(scheme, caveat_list.caveats)
    skipped: set[int] = set()
    for first, count in split.items():
        joined = ", ".join(c.strip() for c in caveat_list.caveats[first:first + count + 1])
        skipped.update(range(first, first + count + 1))
        yield at((*caveat_list.loc, first), "error", "rel-to-split",
                 f"YAML reads the unquoted list as {count + 1} caveats, '{caveat_list.caveats[first]}' and "
                 f"{', '.join(repr(c) for c in caveat_list.caveats[first + 1:first + count + 1])}",
                 f"quote the REL TO list so its commas stay in it: caveats: [\"{joined}\"]")
    for index, text in enumerate(caveat_list.caveats):
        if index in skipped or text is None:  # None: an item the model rejected, reported there
            continue
        loc = caveat_list.loc if caveat_list.line else (*caveat_list.loc, index)
        found = scheme.parse(text)
        if isinstance(found, CaveatProblem):
            yield at(loc, "error", found.code, found.message, found.hint)
            continue
        understood.append((loc, found))
        caveat = found.caveat
        wrong = [level for level in caveat_list.levels if caveat.levels and level not in caveat.levels]
        if wrong:
            allowed = [level for level in scheme.levels if level in caveat.levels]
            yield at(loc, "error", "caveat-not-at-level",
                     f"{scheme.text(found)} marks only {_either(allowed)} material, not {wrong[0]}",
                     f"mark it {_either(allowed)}, or remove the caveat"
                     + (" (a portion gives `caveats: []` to set aside the document's)"
                        if caveat_list.loc == ("classification", "caveats") else ""))
        low = [level for level in caveat_list.levels
               if caveat.advised_from and not scheme.at_least(level, caveat.advised_from)]
        if low and not wrong:
            yield at(loc, "warning", "descriptor-below-level",
                     f"{caveat.name} is a descriptor of {caveat.advised_from} material, and this marks {low[0]}",
                     f"mark it {caveat.advised_from}, or remove the descriptor")
    yield from _combinations(scheme, understood, at)


def _combinations(scheme: Scheme, understood: Sequence[tuple[DataPath, Control]], at: _At) -> Iterator[Diagnostic]:
    """Controls that cannot mark the same thing: NOFORN with REL TO (ISM-ID-00033), two lists of one kind."""
    noforn = [(loc, c) for loc, c in understood if c.caveat.kind == "noforn"]
    for kind in ("rel-to", "eyes-only"):
        listed = [(loc, c) for loc, c in understood if c.caveat.kind == kind]
        if noforn and listed:
            loc, control = listed[0]
            yield at(loc, "error", "noforn-with-rel-to",
                     f"{scheme.text(noforn[0][1])} and {scheme.text(control)} cannot mark the same material: "
                     f"one keeps it from every foreign national, the other names some",
                     f"keep {scheme.text(noforn[0][1])} and remove {control.caveat.name}, or remove "
                     f"{scheme.text(noforn[0][1])} to release it to the countries listed")
        for loc, control in listed[1:]:
            yield at(loc, "error", "duplicate-caveat-list",
                     f"a second {control.caveat.name} list: {scheme.text(control)}",
                     f"write one list, e.g. {control.caveat.example}")


def _either(levels: Sequence[str]) -> str:
    return levels[0] if len(levels) == 1 else ", ".join(levels[:-1]) + " or " + levels[-1]


# --- the classification authority block -------------------------------------------------------

_REASON = re.compile(r"^\s*(?:1\.4\s*)?\(([a-z])\)((?:\s*(?:,|and|&)?\s*(?:1\.4\s*)?\([a-z]\))*)\s*$")
_CATEGORY = re.compile(r"\(([a-z])\)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXEMPTION = re.compile(r"^(\d{2}X[\w-]*)(?:\s*,\s*(.+))?$")


@dataclass(frozen=True)
class DeclassifyOn:
    """A Declassify On line understood: a date, an exemption (with its date), or an event."""

    date: _dt.date | None = None
    exemption: str | None = None
    event: str | None = None

    def written(self, authority: Authority) -> str:
        """As the block writes it: "20510311", "25X1, 20710311", "50X1-HUM", or the event."""
        date = authority.written_date(self.date) if self.date else None
        if self.exemption:
            return f"{self.exemption}, {date}" if date else self.exemption
        return date or self.event or ""


def reason_categories(text: str) -> tuple[str, ...] | None:
    """The §1.4 categories a Reason line cites ("1.4(b), (d)" → (b, d)), or None when it is not one."""
    if not _REASON.match(text.strip().lower()):
        return None
    return tuple(dict.fromkeys(_CATEGORY.findall(text.lower())))


def written_reason(categories: Sequence[str]) -> str:
    """The Reason line: "1.4(b), (d)"."""
    return "1.4" + ", ".join(f"({c})" for c in categories)


def declassify_on(text: str, authority: Authority) -> DeclassifyOn | str:
    """A Declassify On line understood, or why it cannot be (a message)."""
    value = text.strip()
    date = _date(value)
    if isinstance(date, str):
        return date
    if date is not None:
        return DeclassifyOn(date=date)
    exemption = _EXEMPTION.match(value.upper())
    if exemption:
        code, rest = exemption[1], exemption[2]
        if code not in authority.exemptions:
            return f"'{code}' is not an exemption"
        when = _date(rest.strip()) if rest else None
        if isinstance(when, str) or (rest and when is None):
            return f"'{rest}' after {code} is not a date"
        return DeclassifyOn(date=when, exemption=code)
    if re.fullmatch(r"[\d\s./-]+", value) or not re.search(r"[A-Za-z]", value):
        return f"'{value}' is neither a date (YYYY-MM-DD) nor an event"
    return DeclassifyOn(event=value)


def _date(value: str) -> _dt.date | str | None:
    found = _ISO_DATE.match(value) or _COMPACT_DATE.match(value)
    if not found:
        return None
    try:
        return _dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError as exc:
        return f"'{value}' is not a real date ({exc})"


def _authority(sheet: FactSheet, scheme: Scheme, document: Document | None, at: _At,
               rejected: Callable[[DataPath], bool]) -> Iterator[Diagnostic]:
    classification = sheet.classification
    given = classification.authority
    rules = scheme.authority
    classified = rules is not None and scheme.at_least(classification.level, rules.required_from)
    where: DataPath = ("classification", "authority")
    if given is None and rejected(where):
        return
    if given is None:
        if classified and rules is not None:
            final = document is not None and document.status == "final"
            yield at(("classification",), "error" if final else "warning", "authority-block-missing",
                     f"a {classification.level} note carries a classification authority block "
                     "(E.O. 13526 §1.6): Classified By, Reason or Derived From, Declassify On",
                     "add `authority: {classified_by: {name: …, title: …, office: …}, reason: \"1.4(d)\", "
                     "declassify_on: YYYY-MM-DD}` under classification", key=True)
        return
    if rules is None or not classified:
        what = (f"the {scheme.name} scheme has no authority block" if rules is None
                else f"a {classification.level} note is not classified")
        yield at(("classification", "authority"), "warning", "authority-not-printed",
                 f"{what}: `authority` is not printed", "remove `authority`", key=True)
        return
    yield from _authority_lines(given, rules, document, at, rejected)


def _authority_lines(given: ClassificationAuthority, rules: Authority, document: Document | None,
                     at: _At, rejected: Callable[[DataPath], bool]) -> Iterator[Diagnostic]:
    where: DataPath = ("classification", "authority")
    letters = list(rules.reasons)
    categories = (f"({letters[0]})–({letters[-1]}), e.g. " + "; ".join(
        f"({letter}) {rules.reasons[letter]}" for letter in ("b", "d") if letter in rules.reasons))
    if given.reason is None and given.derived_from is None \
            and not rejected((*where, "reason")) and not rejected((*where, "derived_from")):
        yield at(where, "error", "authority-without-reason",
                 "the authority block gives neither a Reason (original classification) nor Derived From "
                 "(derivative classification)",
                 "add `reason: \"1.4(d)\"` citing the categories of E.O. 13526 §1.4, or `derived_from:` "
                 "naming the source or classification guide", key=True)
    if given.reason is not None:
        cited = reason_categories(given.reason)
        if cited is None or any(letter not in rules.reasons for letter in cited):
            yield at((*where, "reason"), "error", "invalid-reason",
                     f"'{given.reason}' does not cite the categories of E.O. 13526 §1.4",
                     f"write e.g. \"1.4(b), (d)\"; the categories are {categories}")
    if given.declassify_on is None:  # rejected by the model, and reported there
        return
    found = declassify_on(given.declassify_on, rules)
    loc: DataPath = (*where, "declassify_on")
    if isinstance(found, str):
        yield at(loc, "error", "invalid-declassify-on", f"Declassify On: {found}",
                 "give a date after the note's (YYYY-MM-DD), an exemption ("
                 + ", ".join(rules.exemptions) + ", with its date for a 25X exemption) or an event, "
                 "e.g. \"Completion of the state visit\"")
        return
    origin = document.date if document is not None else None
    if found.date is not None and origin is not None:
        if found.date <= origin:
            yield at(loc, "error", "declassify-in-past",
                     f"Declassify On {found.date.isoformat()} is not after the note's date {origin.isoformat()}",
                     "give a date in the future, an exemption or an event")
        elif found.exemption is None and found.date > _years_after(origin, rules.max_years):
            yield at(loc, "error", "declassify-too-late",
                     f"Declassify On {found.date.isoformat()} is more than {rules.max_years} years after the note's "
                     f"date {origin.isoformat()} (E.O. 13526 §1.5(b))",
                     f"give a date by {_years_after(origin, rules.max_years).isoformat()}, or an exemption "
                     f"({', '.join(e for e in rules.exemptions if e.startswith('25X'))}) with its date")


def _years_after(date: _dt.date, years: int) -> _dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)
