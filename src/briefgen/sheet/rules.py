"""Cross-field rules: checks that need more than one field of a fact sheet."""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from briefgen.report.diagnostics import PLACEHOLDER_CODE, Diagnostic, Severity, format_path
from briefgen.sheet import marking_rules
from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.kinds import KIND_KEYS, KINDS, article, describe_kind, kinds_printing
from briefgen.sheet.loader import DataPath, SourceMap, text_values
from briefgen.sheet.model import (
    CLASSIFIED_ITEMS,
    PORTION_LISTS,
    SINGLE_PORTIONS,
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
from briefgen.sheet.portions import portions

#: Fuzzy did-you-mean searches per rule and sheet (the Report shows at most MAX_PER_FILE diagnostics).
MAX_FUZZY_HINTS = 50

#: Text that `briefgen new` leaves for the analyst to replace.
PLACEHOLDER = "TODO"

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

        `portions` and `_levels` take a FactSheet and skip portions that are None.
        """
        if self.sheet is not None:
            return self.sheet
        lists: dict[str, Any] = {name: list(getattr(self, name) or ()) for name in (*PORTION_LISTS, *CLASSIFIED_ITEMS)}
        # Parts may be None here (model_construct validates nothing): hence a plain dict of fields.
        fields: dict[str, Any] = {"classification": self.classification, "summary": self.summary,
                                  "comment": self.comment, "timing": self.timing, **lists}
        return FactSheet.model_construct(**fields)


class _At(Protocol):
    """Makes a diagnostic at a data path (at its key with `key=True`)."""

    def __call__(self, loc: DataPath, severity: Severity, code: str, message: str, hint: str | None = None,
                 key: bool = False) -> Diagnostic: ...


def _portion(value: Any) -> PortionText | None:
    return value if isinstance(value, PortionText) else None


def check(path: str, parts: SheetParts, marks: SourceMap) -> Iterator[Diagnostic]:
    """Every cross-field rule that the parts of the sheet allow, in no particular order (the Report sorts them)."""

    def at(loc: DataPath, severity: Severity, code: str, message: str, hint: str | None = None,
           key: bool = False) -> Diagnostic:
        span = marks.key(loc) if key else marks.value(loc)
        return Diagnostic.at(path, span, severity, code, message, hint)

    yield from _unique_ids(parts, at)
    yield from _source_references(parts, at)
    yield from _uncited(parts, at)
    scheme_known = not parts.rejected_at(("classification", "scheme"), ("classification", "level"))
    if parts.classification is not None and scheme_known:
        yield from _levels(parts.portion_sheet(), at)
    if parts.meeting is not None:
        yield from _meeting(parts, parts.meeting, at)
    if (parts.kind is not None and parts.document is not None and parts.meeting is not None
            and not parts.rejected_at(("document", "date"), ("meeting", "date"))):
        yield from _dates(parts.kind, parts.document, parts.meeting, at)
    if parts.kind is not None:
        yield from _kind_keys(parts, parts.kind, at)
        yield from _kind_needs(parts, parts.kind, marks, at)
        if parts.document is not None:
            yield from _decision_dates(parts, parts.kind, parts.document, at)
    if parts.document is not None:
        yield from _final(parts, parts.document, at)
    if parts.classification is not None and scheme_known and not parts.rejected_at(("classification", "cui")):
        yield from _cui(parts, parts.classification, parts.portion_sheet(), at)
    if parts.classification is not None and scheme_known:
        yield from _public(parts.portion_sheet(), at)
        yield from marking_rules.check(parts.portion_sheet(), parts.document, at, parts.rejected_at)


def _unique_ids(sheet: SheetParts, at: _At) -> Iterator[Diagnostic]:
    for field, items in (("participants", sheet.participants), ("sources", sheet.sources)):
        seen: dict[str, int] = {}
        for index, item in enumerate(items or ()):
            if item is None or item.id is None:
                continue
            if item.id in seen:
                yield at((field, index, "id"), "error", "duplicate-id",
                         f"the id '{item.id}' is already used by {format_path((field, seen[item.id]))}",
                         "ids must be unique: rename one of them")
            else:
                seen[item.id] = index


def _source_references(sheet: SheetParts, at: _At) -> Iterator[Diagnostic]:
    if sheet.sources is None or any(source is None or sheet.rejected_at(("sources", index, "id"))
                                    for index, source in enumerate(sheet.sources)):
        # An invalid source id (already reported) may well be the one that is cited:
        # without all the ids, "no source has the id" could be false.
        return
    known = [source.id for source in sheet.sources if source is not None]
    known_set = set(known)
    # A did-you-mean is a fuzzy search over every id: only for as many as can be shown.
    fuzzy = MAX_FUZZY_HINTS
    for loc, item in _citing(sheet):
        for ref_index, ref in enumerate(item.sources or []):
            if ref is None or ref in known_set:  # None: an invalid reference, already reported
                continue
            close = difflib.get_close_matches(ref, known, n=1, cutoff=0.6) if fuzzy > 0 else []
            fuzzy -= 1
            hint = (f"did you mean '{close[0]}'?" if close else
                    f"known sources: {', '.join(known)}" if known else
                    "add the source under `sources:` with this id")
            yield at((*loc, "sources", ref_index), "error", "unknown-source",
                     f"no source has the id '{ref}'", hint)


#: The parts of a sheet that must cite a source: each item states a fact a reader may check.
MUST_CITE = ("frameworks", "commitments", "outcomes")


def _citing(sheet: SheetParts) -> Iterator[tuple[DataPath, Framework | Commitment | PortionText | Recommendation]]:
    """Every valid part that can cite sources (frameworks, commitments, portions), with its path."""
    for field in SINGLE_PORTIONS:
        single = getattr(sheet, field)
        if single is not None:
            yield (field,), single
    for field in ("frameworks", "commitments", *PORTION_LISTS):
        for index, item in enumerate(getattr(sheet, field) or ()):
            if item is not None:
                yield (field, index), item


def _uncited(sheet: SheetParts, at: _At) -> Iterator[Diagnostic]:
    for loc, item in _citing(sheet):
        if loc[0] not in MUST_CITE or item.sources:
            continue
        # The message names the item by its kind only: diagnostics travel into every release's
        # manifest, and a portion's own text may be above the release level.
        what = {"frameworks": "framework", "commitments": "commitment", "outcomes": "outcome"}[str(loc[0])]
        hint = ("write it as `- text: …` with `sources: [ID]` on the next line, ID being a source listed "
                "under `sources:`" if isinstance(item, PortionText) else
                "add `sources: [ID]`, ID being a source listed under `sources:` that backs it")
        yield at(loc, "warning", "uncited", f"this {what} cites no source", hint)


def _levels(sheet: FactSheet, at: _At) -> Iterator[Diagnostic]:
    scheme = SCHEMES[sheet.classification.scheme]
    allowed = ", ".join(scheme.levels)

    def unknown(loc: DataPath, level: str) -> Diagnostic:
        close = scheme.closest(level)
        hint = f"did you mean {close}?" if close else f"the {scheme.name} scheme has: {allowed}"
        return at(loc, "error", "unknown-level", f"'{level}' is not a level of the {scheme.name} scheme", hint)

    document = sheet.classification.level
    if document not in scheme:
        yield unknown(("classification", "level"), document)
        return  # nothing can be compared with an unknown document level
    header = sheet.classification.header
    if header is not None:
        if header not in scheme:
            yield unknown(("classification", "header"), header)
        elif scheme.rank(header) > scheme.rank(document):
            yield at(("classification", "header"), "error", "header-above-document",
                     f"the header is {header}, above the document's level {document}",
                     f"raise classification.level to {header}, or lower the header")
    for portion in portions(sheet):
        level = portion.level
        if level is None:
            continue
        level_loc = portion.path + ("classification",)
        if level not in scheme:
            yield unknown(level_loc, level)
        elif scheme.rank(level) > scheme.rank(document):
            yield at(level_loc, "error", "portion-above-document",
                     f"this portion is {level}, above the document's level {document}",
                     f"the document is as high as its highest portion: raise classification.level to {level}")


def _meeting(sheet: SheetParts, meeting: Meeting, at: _At) -> Iterator[Diagnostic]:
    if not sheet.rejected_at(("meeting", "format"), ("meeting", "venue")) and meeting.format != "call":
        venue = meeting.venue
        if venue is None:
            yield at(("meeting",), "error", "missing-venue",
                     f"a {meeting.format} meeting needs a venue with city and country",
                     "add `venue: {name: …, city: …, country: XX}` under meeting, or set `format: call`", key=True)
        else:
            for part in ("city", "country"):
                if getattr(venue, part) is None and not sheet.rejected_at(("meeting", "venue", part)):
                    yield at(("meeting", "venue"), "error", "missing-venue",
                             f"`{format_path(('meeting', 'venue', part))}` is required unless the meeting is a call",
                             f"add `{part}:` under venue", key=True)
    participants = sheet.participants
    if participants is None or any(p is None or sheet.rejected_at(("participants", index, "country"))
                                   for index, p in enumerate(participants)):
        # A participant whose country is invalid (already reported) is from a country we do
        # not know, so the checks that compare countries would report problems that may not exist.
        return
    countries = sorted({p.country for p in participants if p is not None})
    if meeting.format == "bilateral" and not sheet.rejected_at(("meeting", "format")) and len(countries) != 2:
        yield at(("participants",), "warning", "bilateral-countries",
                 f"a bilateral meeting has participants from two countries, but these are from "
                 f"{len(countries)} ({', '.join(countries)})",
                 "check the participants' countries, or set meeting.format to multilateral", key=True)
    for index, commitment in enumerate(sheet.commitments or ()):
        for party_index, party in enumerate((commitment.parties if commitment else None) or []):
            if party is not None and party not in countries:
                yield at(("commitments", index, "parties", party_index), "warning", "party-not-participant",
                         f"{party} is a party to this commitment but no participant is from {party}",
                         f"participants are from {', '.join(countries)}")


def _dates(kind: str, document: Document, meeting: Meeting, at: _At) -> Iterator[Diagnostic]:
    origin, held = document.date, meeting.date
    if kind == "readout" and origin < held:
        yield at(("document", "date"), "warning", "readout-before-meeting",
                 f"a readout dated {origin} is written before the meeting on {held}",
                 "check document.date and meeting.date, or set kind: brief")
    if kind == "brief" and origin > held:
        yield at(("document", "date"), "warning", "brief-after-meeting",
                 f"a brief dated {origin} is written after the meeting on {held}",
                 "check document.date and meeting.date, or set kind: readout")


def placeholders(path: str, data: Any, marks: SourceMap, skip: Collection[DataPath] = ()) -> Iterator[Diagnostic]:
    """A warning for every text value that still starts with the skeleton's TODO, except under `skip`.

    validate.py skips the values of unknown keys: they are not part of the sheet, and
    the unknown key is the one mistake to report there.
    """
    for loc, text in text_values(data):
        if text.lstrip().startswith(PLACEHOLDER) and not any(loc[:len(s)] == s for s in skip):
            yield Diagnostic.at(path, marks.value(loc), "warning", PLACEHOLDER_CODE,
                                f"`{format_path(loc)}` is still a placeholder", "replace the TODO text")


#: A currency sign and a figure, as analysts write amounts in text: "$2 billion", "¥10 trillion", "5 kr".
_MONEY_IN_TEXT = re.compile(r"(?<![A-Za-z$£¥￥₩])([$£¥￥₩])\s?\d|\b(kr|Rs)\.?\s?\d|\d\s?(kr|Rs)\b")


def ambiguous_currency(path: str, data: Any, parts: SheetParts, marks: SourceMap,
                       skip: Collection[DataPath] = ()) -> Iterator[Diagnostic]:
    """A warning for text that writes an amount with a bare symbol two currencies of the sheet go by.

    The note prints its own amounts disambiguated ("US$2 billion" where Australia is a
    party, currencies.currency_symbols); a "$2 billion" in the analyst's text would say
    something else than the table beside it. Currencies at stake: those of the amounts and
    of the participants', parties' and venue's countries.
    """
    found = [(loc, text, {m[1] or m[2] or m[3] for m in _MONEY_IN_TEXT.finditer(text)})
             for loc, text in text_values(data) if not any(loc[:len(s)] == s for s in skip)]
    found = [(loc, text, signs) for loc, text, signs in found if signs]
    if not found:
        return  # the common case: Babel is not even loaded
    from briefgen.render.currencies import country_currencies, currency_symbols, shared_symbols

    amounts: list[str] = []
    for commitment in parts.commitments or ():
        amount = commitment.amount if commitment is not None else None
        if amount is not None and amount.currency is not None:
            amounts += [amount.currency, *(m.currency for m in amount.in_other_currencies if m is not None)]
    countries = {p.country for p in parts.participants or () if p is not None and p.country}
    countries |= {c for item in parts.commitments or () if item is not None for c in item.parties or () if c}
    venue = parts.meeting.venue if parts.meeting is not None else None
    if venue is not None and venue.country:
        countries.add(venue.country)
    in_play = [*amounts, *(code for country in sorted(countries) for code in country_currencies(country))]
    shared = shared_symbols(in_play)
    for loc, _, signs in found:
        for sign in sorted(signs & set(shared)):
            codes = shared[sign]
            written = currency_symbols(codes, in_play)
            yield Diagnostic.at(path, marks.value(loc), "warning", "ambiguous-currency",
                                f"`{format_path(loc)}` writes an amount in {sign}, which "
                                f"{', '.join(codes[:-1])} and {codes[-1]} both go by in this note",
                                "say which: write " + " or ".join(written[code] for code in codes)
                                + ", as the note prints its amounts")


def _kind_keys(sheet: SheetParts, kind: str, at: _At) -> Iterator[Diagnostic]:
    """`not-for-kind`: a key that some kinds print, given to a kind that does not (kinds.py decides)."""
    printed = KINDS[kind].keys
    for key in sorted(KIND_KEYS - printed):
        if getattr(sheet, key):
            owners = [KINDS[name].label.lower() for name in kinds_printing(key)]
            shown = " or ".join(article(label) for label in owners)
            yield at((key,), "warning", "not-for-kind",
                     f"`{key}` belongs in {shown}; {article(KINDS[kind].label)} does not print it",
                     f"remove `{key}`, move its text elsewhere, or set kind: {kinds_printing(key)[0]}", key=True)


def _kind_needs(sheet: SheetParts, kind: str, marks: SourceMap, at: _At) -> Iterator[Diagnostic]:
    """`missing-for-kind`: a part (or a document line) that the kind's format cannot do without.

    Reported at `kind`, which makes it required. A key that is there but invalid has been
    reported already; one the model itself requires (summary) is the model's to report.
    """
    spec = KINDS[kind]
    for part in spec.required:
        key = part.sheet_key
        if FactSheet.model_fields[key].is_required() or getattr(sheet, key):
            continue
        given = (key,) in marks.keys
        if given and getattr(sheet, key) is None:
            continue  # invalid: already reported where it is
        what = "decision lines" if spec.decision_lines and key == "recommendations" else f"{part.heading.lower()}"
        yield at(("kind",), "error", "missing-for-kind",
                 f"{article(spec.label)} needs {what}: `{key}` is {'empty' if given else 'missing'}",
                 f"add `{key}:`; {describe_kind(spec)}")
    document = sheet.document
    if document is None:
        return
    for key, line in spec.document_keys:
        if getattr(document, key) is None:
            yield at(("document",), "error", "missing-for-kind",
                     f"{article(spec.label)} needs its {line} line: `document.{key}` is missing",
                     f"add `{key}:` under document, e.g. {_DOCUMENT_EXAMPLES[key]}", key=True)


_DOCUMENT_EXAMPLES = {"addressee": "addressee: Foreign Secretary, or addressee: THE SECRETARY",
                      "sender": "sender: EAP – Jane Example, Assistant Secretary"}

#: Business days between an action memo and the decision it asks for, at least (S/ES action memo template).
DECISION_BUSINESS_DAYS = 5


def _decision_dates(sheet: SheetParts, kind: str, document: Document, at: _At) -> Iterator[Diagnostic]:
    """`decision-too-soon`: an action memo asks for its decision at least five business days ahead."""
    if not KINDS[kind].decision_lines:
        return
    earliest = _business_days_after(document.date, DECISION_BUSINESS_DAYS)
    for index, item in enumerate(sheet.recommendations or ()):
        if item is None or item.decide_by is None or item.decide_by >= earliest:
            continue
        yield at(("recommendations", index, "decide_by"), "warning", "decision-too-soon",
                 f"the decision is asked for by {item.decide_by}, less than {DECISION_BUSINESS_DAYS} business days "
                 f"after the memo's date {document.date}",
                 f"give the principal until {earliest} at least, or say in the background why it cannot wait")


def _business_days_after(start: _dt.date, days: int) -> _dt.date:
    day = start
    while days:
        day += _dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _final(sheet: SheetParts, document: Document, at: _At) -> Iterator[Diagnostic]:
    if document.status != "final":
        return
    if not document.contact and not sheet.rejected_at(("document", "contact")):
        yield at(("document", "status"), "error", "final-without-contact",
                 "a final note has no contact officer (`document.contact`)",
                 "readers of a final note must be able to reach the drafting desk: add `contact:` under "
                 "document (a name with a telephone number or e-mail address), or set status: draft")
    missing = [name for name, given in (("reference", document.reference), ("drafted_by", document.drafted_by),
                                        ("cleared_by", document.cleared_by))
               if not given and not sheet.rejected_at(("document", name))]
    if missing:
        listed = ", ".join(f"`{name}`" for name in missing)
        yield at(("document", "status"), "warning", "incomplete-final",
                 f"a final note has no {listed.replace(', ', ' or ')}",
                 f"a note readers act on says how to file it and who drafted and cleared it: add {listed} "
                 "under document, or set status: draft")


#: The parts of the CUI designation indicator a CUI document must carry (limited dissemination is optional).
CUI_REQUIRED = (("controlled_by", "Controlled by"), ("category", "CUI Category"), ("contact", "POC"))


def _cui(parts: SheetParts, classification: Classification, sheet: FactSheet, at: _At) -> Iterator[Diagnostic]:
    scheme = SCHEMES.get(classification.scheme)
    if scheme is None or scheme.cui_level is None:
        if classification.cui is not None:
            owners = [name for name, other in SCHEMES.items() if other.cui_level is not None]
            yield at(("classification", "cui"), "warning", "cui-outside-us",
                     f"`cui` is part of the {', '.join(owners)} scheme; this sheet uses {classification.scheme}, "
                     "which does not print it",
                     f"remove `cui`, or set scheme: {owners[0] if owners else 'us'}", key=True)
        return
    levels = [classification.level, *(p.level for p in portions(sheet) if p.level)]
    if scheme.cui_level not in levels:
        return
    given = classification.cui
    missing = [label for name, label in CUI_REQUIRED if given is None or (
        getattr(given, name) is None and not parts.rejected_at(("classification", "cui", name)))]
    if missing:
        loc: DataPath = ("classification", "cui") if given is not None else ("classification",)
        yield at(loc, "warning", "cui-designation-missing",
                 f"a document with CUI carries a designation indicator, but {', '.join(missing)} "
                 f"{'is' if len(missing) == 1 else 'are'} not given",
                 "add `cui: {controlled_by: …, category: …, contact: …}` under classification", key=True)


def _public(sheet: FactSheet, at: _At) -> Iterator[Diagnostic]:
    """Clearance for public release that cannot take effect: it is the press office's decision,
    so a contradiction is an error rather than a release that quietly publishes less."""
    classification = sheet.classification
    scheme = SCHEMES.get(classification.scheme)
    if scheme is None:
        return
    lowest = scheme.lowest
    if classification.cleared_for_public:
        header = classification.header or classification.level
        loc: DataPath = ("classification", "cleared_for_public")
        if classification.caveats:
            yield at(loc, "error", "public-with-caveat",
                     f"the note is cleared for public release but carries the caveat {classification.caveats[0]}, "
                     "which keeps it from the public",
                     "remove the caveat from classification, and give it to the portions it covers "
                     f"(`caveats: [{classification.caveats[0]}]`)", key=True)
        if header in scheme and header != lowest:
            yield at(loc, "error", "public-above-lowest",
                     f"the note is cleared for public release but its header is {header}; the public reads "
                     f"only {lowest}",
                     f"set `header: {lowest}` under classification if the title, meeting and participants are "
                     f"{lowest}, or remove cleared_for_public", key=True)
    for portion in portions(sheet):
        if portion.public is not True:
            continue
        loc = (*portion.path, "cleared_for_public")
        if not classification.cleared_for_public:
            yield at(loc, "warning", "public-portion-of-unreleased-note",
                     "this portion is cleared for public release, but the note is not: nothing of it is public",
                     "add `cleared_for_public: true` under classification once the note is cleared", key=True)
        level = portion.level or classification.level
        caveats = portion.caveats if portion.caveats is not None else tuple(classification.caveats)
        if level in scheme and level != lowest:
            yield at(loc, "error", "public-above-lowest",
                     f"this portion is {level} and cleared for public release; the public reads only {lowest}",
                     f"mark it {lowest}, or remove cleared_for_public from it", key=True)
        elif caveats:
            yield at(loc, "error", "public-with-caveat",
                     f"this portion is cleared for public release but carries the caveat {caveats[0]}",
                     "remove the caveat (`caveats: []`), or remove cleared_for_public from it", key=True)
