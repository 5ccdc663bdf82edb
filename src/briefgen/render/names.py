"""The names of countries, currencies and languages as a note's reader calls them.

English notes keep the names English readers use ("South Korea", from pycountry's common
names); the other locales take CLDR's names in their language through Babel ("韓国",
"दक्षिण कोरिया", "Corée du Sud"), as do every currency and language name.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

#: The locale names are looked up in when the caller names none.
ENGLISH = "en-GB"


def _babel(locale: str) -> str:
    return locale.replace("-", "_")


def _is_english(locale: str) -> bool:
    return locale.split("-")[0].split("_")[0].casefold() == "en"


def country_name(code: str, locale: str = ENGLISH) -> str:
    """A country's name in `locale`: "South Korea" in English, "韓国" in ja; the code itself when unknown."""
    code = code.upper()
    if _is_english(locale):
        return _english_country_name(code)
    return _cldr_country_name(code, _babel(locale))


@cache
def _cldr_country_name(code: str, locale: str) -> str:
    from babel.core import Locale

    return str(Locale.parse(locale).territories.get(code, code))


@cache
def _english_country_name(code: str) -> str:
    import pycountry  # lazily: loading the ISO tables costs time

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or _uninverted(country.name)


def _uninverted(name: str) -> str:
    """ISO 3166 sorts some names inverted ("Palestine, State of"): the reading order is wanted.

    "Congo, The Democratic Republic of the" → "Democratic Republic of the Congo";
    lists such as "Bonaire, Sint Eustatius and Saba" are not inverted and stay.
    """
    head, sep, tail = name.partition(", ")
    if not sep or ", " in tail or " and " in tail:
        return name
    turned = f"{tail} {head}"
    return turned[4:] if turned.startswith("The ") else turned


@cache
def currency_name(code: str, locale: str = ENGLISH, count: Decimal | int | None = None) -> str:
    """A currency's name in `locale` from CLDR: "Indian rupee", "インド ルピー"; plural for `count` if it has one."""
    from babel.numbers import get_currency_name

    return str(get_currency_name(code.upper(), count=count, locale=_babel(locale)))


@cache
def language_name(tag: str, in_locale: str | None = None) -> str:
    """A language's name in `in_locale` (CLDR), or in the language itself: "日本語", "English", "हिन्दी".

    A region-qualified tag names its language only ("en-GB" → "English"), as a link
    to the note in that language wants.
    """
    from babel.core import Locale

    language = Locale.parse(_babel(tag))
    return str(language.get_language_name(_babel(in_locale) if in_locale else None))


def languages_label(tags: Iterable[str]) -> str:
    """How a link names a note in these languages, each in itself: "日本語", "English | 日本語" (side by side)."""
    return " | ".join(language_name(tag, tag) for tag in tags)
