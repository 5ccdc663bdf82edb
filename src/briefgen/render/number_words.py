"""CLDR's number data as each note locale writes amounts: scale words, digit grouping, currency unit names.

Babel gives CLDR's tables; three of briefgen's locales differ from them where their
press does, and each difference is kept here as data with its reason:

- hi: CLDR hi writes 10^9 and up as अरब and खरब; Indian Hindi writing counts in लाख and
  करोड़ ("3.2 लाख करोड़ रुपये"), as CLDR en_IN does in English ("6 lakh crore"). The hi
  scale is en_IN's, with hi's own words for thousand, lakh and crore.
- fr: CLDR fr calls 10^12 "billion", which French readers of the press do not expect for
  an amount; the press writes "10 000 milliards de yens". Scales stop at milliard.
- ja: CLDR's currency names are qualified by country ("インド ルピー"); the press writes
  the unit alone ("6兆ルピー", "10兆円"), so the country's name is dropped where the
  note holds no other currency of that name.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.numbers import NumberPattern

#: Amounts are written in words from this value up ("¥10 trillion"): English from a million;
#: where CLDR's own scale starts lower and readers count in it, from there (万, lakh).
_WORDS_FROM = {"ja": 10**4, "en_IN": 10**5, "hi": 10**5}
_ENGLISH_WORDS_FROM = 10**6
#: French scale words stop below CLDR fr's "billion" (10^12).
_FRENCH_LARGEST = 10**12
#: en_IN's scale words, which hi takes in its own words (from CLDR hi's patterns for these magnitudes).
_INDIAN_SCALE = {"thousand": "1000", "lakh": "100000", "crore": "10000000"}
#: Currencies whose whole CLDR fr name is their unit: "sterling" is the pound's name, not a country's.
_FRENCH_WHOLE_NAMES = frozenset({"GBP"})


def words_from(locale: str) -> Decimal:
    """The value from which an amount may be written in words in `locale` (Babel form)."""
    return Decimal(_WORDS_FROM.get(locale, _ENGLISH_WORDS_FROM))


@cache
def integer_pattern(locale: str) -> str:
    """The locale's digit grouping as a pattern: "#,##0"; "#,##,##0" for en_IN and hi (10,49,999)."""
    from babel.core import Locale

    pattern = Locale.parse(locale).decimal_formats[None].pattern
    return str(pattern).split(";")[0].split(".")[0]


@cache
def scale_patterns(locale: str) -> dict[str, dict[int, NumberPattern]]:
    """CLDR's long compact patterns by plural form and magnitude, as the locale's notes use them.

    Patterns without a word (CLDR ja's "0" for thousands) are left out: they are no scale.
    """
    from babel.core import Locale

    if locale == "hi":
        return {"other": _hindi_scale()}
    table: dict[str, dict[int, NumberPattern]] = {}
    for plural, by_magnitude in Locale.parse(locale).compact_decimal_formats["long"].items():
        table[str(plural)] = {
            int(magnitude): pattern for magnitude, pattern in by_magnitude.items()
            if (pattern.prefix[0] + pattern.suffix[0]).strip()
            and not (locale.startswith("fr") and int(magnitude) >= _FRENCH_LARGEST)
        }
    return table


def _hindi_scale() -> dict[int, NumberPattern]:
    from babel.core import Locale
    from babel.numbers import parse_pattern

    hindi = Locale.parse("hi").compact_decimal_formats["long"]["other"]
    words = {english: hindi[magnitude].suffix[0].strip() for english, magnitude in _INDIAN_SCALE.items()}
    scale: dict[int, NumberPattern] = {}
    for magnitude, pattern in Locale.parse("en_IN").compact_decimal_formats["long"]["other"].items():
        text = str(pattern.pattern).replace("\u202f", " ")
        for english, word in words.items():
            text = text.replace(english, word)
        scale[int(magnitude)] = parse_pattern(text)
    return scale


@cache
def approximately_sign(locale: str) -> str:
    """CLDR's approximately sign for the locale: "約" in ja, "~" in English."""
    from babel.core import Locale

    return str(Locale.parse(locale).number_symbols["latn"].get("approximatelySign", "~"))


@cache
def list_separator(locale: str) -> str:
    """What CLDR puts between the middle items of a list: ", "; "、" in ja."""
    from babel.core import Locale

    middle = str(Locale.parse(locale).list_patterns["standard"]["middle"])
    return middle.replace("{0}", "").replace("{1}", "")


@cache
def unit_name(full: str, currency: str, locale: str) -> str:
    """A currency's unit as the press writes it after a figure, from CLDR's name `full`.

    ja drops the name of a country using the currency ("インド ルピー" → "ルピー",
    "日本円" → "円"); fr keeps the first word of the plural ("yens japonais" → "yens"), but "livres sterling".
    """
    language = locale.split("_")[0]
    if language == "fr":
        return full if currency in _FRENCH_WHOLE_NAMES else full.split(" ")[0]
    if language != "ja":
        return full
    from babel.core import Locale

    territories = Locale.parse(locale).territories
    for place in _currency_places(currency):
        country = territories.get(place)
        if country and full.startswith(country) and len(full) > len(country):
            return full[len(country):].strip()
    return full


@cache
def _currency_places(currency: str) -> tuple[str, ...]:
    """The territories where `currency` is legal tender now (CLDR)."""
    from babel.core import get_global

    return tuple(str(territory) for territory, used in get_global("territory_currencies").items()
                 if any(code == currency and end is None and tender for code, _, end, tender in used))
