"""Currency symbols as a note prints them: told apart where two of its currencies share one (CLDR, via Babel).

CLDR's guideline for currency symbols (https://cldr.unicode.org/translation/currency-names-and-symbols):
a symbol used for several currencies is used for one of them only where that currency is
official, "otherwise, typically use international currency code or (region-code + symbol)
… so that it is not ambiguous". A note follows it within itself: a symbol that another
currency of the note also goes by is replaced, everywhere in the note, by CLDR's
international English symbol ("US$", "JP¥") or, where that is shared too, the ISO code.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from functools import cache

from babel.numbers import get_currency_symbol

#: The locale of the symbols a note starts from ("$", "¥", "£", "A$"), and of those that tell
#: shared symbols apart ("US$", "JP¥"): CLDR's English, and its international English.
_SHORT_SYMBOLS = "en"
_DISTINCT_SYMBOLS = "en_001"


@cache
def short_symbol(currency: str) -> str:
    """The symbol English readers know a currency by: "$", "¥", "£", "A$", or the ISO code ("CHF")."""
    return str(get_currency_symbol(currency, locale=_SHORT_SYMBOLS))


@cache
def home_symbols(currency: str) -> frozenset[str]:
    """Every symbol a currency goes by: its English one, and one per official language of each country using it.

    From CLDR through Babel: "$" is among USD's, AUD's (en_AU), CAD's and MXN's (es_MX);
    "¥" among JPY's and CNY's (zh_Hans_CN); "£" among GBP's and FKP's (en_FK). A country's
    official languages are CLDR's "official" and "de facto official" ones, not its regional
    ones (India's 17 would cost a tenth of a second of `check` and add no symbol).
    """
    from babel.core import get_global

    languages = get_global("territory_languages")
    locales = _locales_by_place()
    found = {short_symbol(currency)}
    for territory, used in get_global("territory_currencies").items():
        if not any(code == currency and end is None and tender for code, _, end, tender in used):
            continue
        for language, info in languages.get(territory, {}).items():
            if info.get("official_status") in ("official", "de_facto_official"):
                found.update(str(get_currency_symbol(currency, locale=name))
                             for name in locales.get((language, territory), ()))
    return frozenset(found)


@cache
def _locales_by_place() -> dict[tuple[str, str], tuple[str, ...]]:
    """CLDR's locales by (language, territory): ("zh", "CN") → ("zh_Hans_CN",)."""
    from babel.localedata import locale_identifiers

    found: dict[tuple[str, str], list[str]] = {}
    for name in locale_identifiers():
        parts = name.split("_")
        if len(parts) >= 2 and parts[-1].isupper() and len(parts[-1]) == 2:
            found.setdefault((parts[0], parts[-1]), []).append(name)
    return {place: tuple(names) for place, names in found.items()}


def country_currencies(country: str, on: _dt.date | None = None) -> tuple[str, ...]:
    """The currencies that are legal tender in a country (ISO 3166 code) on a date, from CLDR."""
    from babel.numbers import get_territory_currencies

    return tuple(get_territory_currencies(country, start_date=on, tender=True))


def currency_symbols(shown: Iterable[str], in_play: Iterable[str]) -> dict[str, str]:
    """The symbol each currency in `shown` is printed with in a note where the currencies `in_play` are at stake.

    `in_play` holds every currency of the note's amounts and of its countries (a note
    where Australia is a party has AUD in play). A currency keeps its short symbol unless
    another currency in play goes by that symbol too; then it takes its international
    English symbol ("US$", "JP¥"), or its ISO code where that is shared as well ("GBP").
    """
    playing = set(in_play)
    symbols: dict[str, str] = {}
    for currency in dict.fromkeys(shown):
        short = short_symbol(currency)
        others = playing - {currency}
        taken = set().union(*(home_symbols(other) for other in others)) if others else set()
        if short == currency or short not in taken:
            symbols[currency] = short
            continue
        distinct = str(get_currency_symbol(currency, locale=_DISTINCT_SYMBOLS))
        symbols[currency] = distinct if distinct != short and distinct not in taken else currency
    return symbols


def shared_symbols(in_play: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Symbols that two or more of the currencies `in_play` go by: {"$": ("AUD", "USD")}."""
    by_symbol: dict[str, set[str]] = {}
    for currency in set(in_play):
        for symbol in home_symbols(currency):
            if symbol != currency:
                by_symbol.setdefault(symbol, set()).add(currency)
    return {symbol: tuple(sorted(codes)) for symbol, codes in by_symbol.items() if len(codes) > 1}
