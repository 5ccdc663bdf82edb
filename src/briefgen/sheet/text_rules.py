"""Rules on the text of a sheet as written: placeholders left, amounts in an ambiguous currency sign."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence

from briefgen.report.diagnostics import PLACEHOLDER_CODE, Diagnostic, format_path
from briefgen.sheet.marks import DataPath, SourceMap
from briefgen.sheet.parts import SheetParts

#: Text that `briefgen new` leaves for the analyst to replace.
PLACEHOLDER = "TODO"


def placeholders(path: str, texts: Sequence[tuple[DataPath, str]], marks: SourceMap,
                 skip: Collection[DataPath] = ()) -> Iterator[Diagnostic]:
    """A warning for every text value (`texts`: marks.text_values of the data) that still starts
    with the skeleton's TODO, except under `skip`.

    validate.py skips the values of unknown keys: they are not part of the sheet, and
    the unknown key is the one mistake to report there.
    """
    for loc, text in texts:
        if PLACEHOLDER in text and text.lstrip().startswith(PLACEHOLDER) and not any(loc[:len(s)] == s for s in skip):
            yield Diagnostic.at(path, marks.value(loc), "warning", PLACEHOLDER_CODE,
                                f"`{format_path(loc)}` is still a placeholder", "replace the TODO text")


#: A currency sign and a figure, as analysts write amounts in text: "$2 billion", "¥10 trillion", "5 kr".
_MONEY_IN_TEXT = re.compile(r"(?<![A-Za-z$£¥￥₩])([$£¥￥₩])\s?\d|\b(kr|Rs)\.?\s?\d|\d\s?(kr|Rs)\b")
#: What every match of _MONEY_IN_TEXT holds: a sheet whose text has none of them is done with at once.
_MONEY_SIGNS = ("$", "£", "¥", "￥", "₩", "kr", "Rs")


def ambiguous_currency(path: str, texts: Sequence[tuple[DataPath, str]], parts: SheetParts, marks: SourceMap,
                       skip: Collection[DataPath] = ()) -> Iterator[Diagnostic]:
    """A warning for text that writes an amount with a bare symbol two currencies of the sheet go by.

    The note prints its own amounts disambiguated ("US$2 billion" where Australia is a
    party, currencies.currency_symbols); a "$2 billion" in the analyst's text would say
    something else than the table beside it. Currencies at stake: those of the amounts and
    of the participants', parties' and venue's countries.
    """
    every = "".join(text for _, text in texts)
    if not any(sign in every for sign in _MONEY_SIGNS):
        return  # most sheets: no text even holds a currency sign
    found = [(loc, text, {m[1] or m[2] or m[3] for m in _MONEY_IN_TEXT.finditer(text)})
             for loc, text in texts if not any(loc[:len(s)] == s for s in skip)]
    found = [(loc, text, signs) for loc, text, signs in found if signs]
    if not found:
        return  # the common case: Babel is not even loaded
    from briefgen.sheet.currencies import country_currencies, currency_symbols, shared_symbols

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
