"""Locale formatting for readers: dates, durations, money and country names (Babel, pycountry).

Every function is pure and takes plain values, so the brief's view and the site
index write dates and amounts the same way.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, get_currency_symbol
from babel.units import format_unit

if TYPE_CHECKING:
    from .model import Amount

LANGUAGE = "en"
#: Dates and units follow British usage ("Sunday 23 November 2025").
DATE_LOCALE = "en_GB"
#: Plain "en" for money: en_GB would write US dollars as "US$".
NUMBER_LOCALE = "en"

MEETING_DATE_FORMAT = "EEEE d MMMM y"
DATE_FORMAT = "d MMMM y"
MONTH_FORMAT = "MMMM y"
#: US memos: "Spell out the month and follow with the day and year, in numerals, e.g.,
#: January 31, 2003" (5 FAH-1 H-325.1): (locale, date pattern, meeting date pattern) per style.
DATE_STYLES = {
    "uk": (DATE_LOCALE, DATE_FORMAT, MEETING_DATE_FORMAT),
    "us": ("en_US", "MMMM d, y", "EEEE, MMMM d, y"),
}

#: Joins what must not be broken across lines: "23 November 2025", "¥10 trillion".
NBSP = "\u00a0"

#: From this value up, amounts are written in words ("¥10 trillion").
COMPACT_FROM = 1_000_000


def meeting_date(value: _dt.date, style: str = "uk") -> str:
    """A meeting's date with its weekday, e.g. "Sunday 23 November 2025" ("Sunday, November 23, 2025" in us style)."""
    locale, _, pattern = DATE_STYLES[style]
    weekday, _, rest = format_date(value, pattern, locale=locale).partition(" ")
    return f"{weekday} {_unbroken(rest)}"


def written_date(value: _dt.date, style: str = "uk") -> str:
    """A date written out, e.g. "24 November 2025" ("November 24, 2025" in us style), joined by no-break spaces."""
    locale, pattern, _ = DATE_STYLES[style]
    return _unbroken(format_date(value, pattern, locale=locale))


def _unbroken(text: str) -> str:
    return text.replace(" ", NBSP)


def partial_date(value: str) -> str:
    """A YYYY, YYYY-MM or YYYY-MM-DD value written out: "2025", "August 2025", "23 November 2025"."""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    if len(parts) == 2:
        return _unbroken(format_date(_dt.date(int(parts[0]), int(parts[1]), 1), MONTH_FORMAT, locale=DATE_LOCALE))
    return written_date(_dt.date.fromisoformat(value))


def meeting_time(start: str | None, duration_minutes: int | None, date: _dt.date | None = None,
                 zone: str | None = None) -> str | None:
    """Start time and duration, e.g. "13:40 SAST (UTC+2), 35 minutes" or "09:00, 1 hour 30 minutes".

    With an IANA `zone` (and the meeting's `date`, which decides summer time) the start
    time says its zone: an abbreviation where one is in common use, and the offset from UTC.
    """
    parts = [start] if start else []
    if start and zone and date:
        parts = [zoned_time(start, date, zone)]
    if duration_minutes:
        parts.append(duration(duration_minutes))
    return ", ".join(parts) or None


def zoned_time(start: str, date: _dt.date, zone: str) -> str:
    """A local time with its zone: "13:40 SAST (UTC+2)", "09:30 (UTC+5:30)" where no abbreviation is known."""
    import zoneinfo

    from babel.dates import format_time, get_timezone_name

    hour, minute = (int(part) for part in start.split(":"))
    moment = _dt.datetime.combine(date, _dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))
    offset = moment.utcoffset() or _dt.timedelta(0)
    # Babel (CLDR) knows the abbreviations readers use in some locales only (SAST in en_ZA,
    # not en_GB); zoneinfo's (tzdata) are used when CLDR has none; numeric ones ("+03") are not names.
    candidates = [get_timezone_name(moment, "short", locale=loc, zone_variant=None) for loc in _zone_locales(zone)]
    candidates.append(moment.tzname() or "")
    name = next((c for c in candidates if re.fullmatch(r"[A-Z]{2,5}", c)), None)
    clock = format_time(moment.time(), "HH:mm", locale=DATE_LOCALE)
    shown = f"{clock}{NBSP}{name}" if name else clock
    return f"{shown} ({utc_offset(offset)})"


def _zone_locales(zone: str) -> list[str]:
    from babel.localedata import locale_identifiers

    territory = _zone_territory(zone)
    found = [f"en_{territory}"] if territory and f"en_{territory}" in locale_identifiers() else []
    return [*found, DATE_LOCALE]


@cache
def _zone_territory(zone: str) -> str | None:
    from babel.core import get_global

    for territory, zones in get_global("territory_zones").items():
        if zone in zones:
            return str(territory)
    return None


def utc_offset(offset: _dt.timedelta) -> str:
    """An offset from UTC as readers write it: "UTC", "UTC+2", "UTC−3", "UTC+5:30"."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def duration(minutes: int) -> str:
    """A duration in hours and minutes, e.g. "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(format_unit(hours, "duration-hour", length="long", locale=DATE_LOCALE))
    if rest or not hours:
        parts.append(format_unit(rest, "duration-minute", length="long", locale=DATE_LOCALE))
    return " ".join(parts)


def country_name(code: str) -> str:
    """The name people use for a country, e.g. "South Korea" rather than "Korea, Republic of"."""
    return _country_name(code.upper())


@cache
def _country_name(code: str) -> str:
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


def money(value: float, currency: str) -> str:
    """An amount for people: "¥10 trillion", "$2.5 billion", "€750,000", "CHF 5 million"."""
    if value >= COMPACT_FROM:
        number = format_compact_decimal(value, format_type="long", locale=NUMBER_LOCALE, fraction_digits=1)
    else:
        number = format_decimal(value, format="#,##0.##", locale=NUMBER_LOCALE)
    symbol = get_currency_symbol(currency, locale=NUMBER_LOCALE)
    number = _unbroken(number)
    # Babel gives the ISO code back when English has no symbol for the currency.
    return f"{currency}{NBSP}{number}" if symbol == currency else f"{symbol}{number}"


def amount_text(amount: Amount) -> str:
    """An amount with its equivalents and period: "¥10 trillion (≈ ₹6 trillion) over the next decade"."""
    text = money(amount.value, amount.currency)
    if amount.approx:
        text += " (" + ", ".join(f"≈{NBSP}{money(m.value, m.currency)}" for m in amount.approx) + ")"
    if amount.period:
        text += f" {amount.period}"
    return text


# --- typography ------------------------------------------------------------------------

_OPENS_BEFORE = re.compile(r"[\s(\[{\u2014\u2013/-]")


def smart_quotes(text: str) -> str:
    """Straight quotes and apostrophes as typographic ones: "Leaders' Summit" → "Leaders’ Summit".

    For plain-text fields; Markdown gets the same from Python-Markdown's smarty extension.
    A quote opens at the start or after a space or opening bracket, and closes elsewhere;
    an apostrophe inside or at the end of a word is a right single quote, as is one
    before a digit ("’90s").
    """
    if "'" not in text and '"' not in text:
        return text
    out: list[str] = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        opens = not before or _OPENS_BEFORE.match(before) is not None
        if char == '"':
            out.append("\u201c" if opens else "\u201d")
        elif char == "'":
            after = text[index + 1] if index + 1 < len(text) else ""
            out.append("\u2018" if opens and not after.isdigit() else "\u2019")
        else:
            out.append(char)
    return "".join(out)


#: Scripts recognised in native names → (language, direction), by the Unicode name's first word.
_SCRIPT_LANGUAGES: dict[str, tuple[str, str]] = {
    "HIRAGANA": ("ja", "ltr"),
    "KATAKANA": ("ja", "ltr"),
    "DEVANAGARI": ("hi", "ltr"),
    "ARABIC": ("ar", "rtl"),
    "HEBREW": ("he", "rtl"),
    "HANGUL": ("ko", "ltr"),
    "CYRILLIC": ("ru", "ltr"),
    "GREEK": ("el", "ltr"),
    "THAI": ("th", "ltr"),
    "BENGALI": ("bn", "ltr"),
    "TAMIL": ("ta", "ltr"),
    "GEORGIAN": ("ka", "ltr"),
    "ARMENIAN": ("hy", "ltr"),
    "CJK": ("zh", "ltr"),
}
_RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "sd", "ug"})


def script_language(text: str, given: str | None = None,
                    country: str | None = None) -> tuple[str | None, str | None]:
    """The language and direction of a name in its own script: "नरेन्द्र मोदी" → ("hi", "ltr"), "محمد" → ("ar", "rtl").

    `given` (an analyst's `native_name_lang`) wins; otherwise the script decides. Han
    characters are shared: with kana they are Japanese, with Hangul Korean, and alone
    they follow the participant's `country` (JP → ja, KR → ko), else Chinese — so
    高市早苗 of Japan is ja. Latin text has no language of its own here: (None, None).
    """
    if given:
        primary = given.split("-", 1)[0].lower()
        return given, "rtl" if primary in _RTL_LANGUAGES else "ltr"
    found: set[str] = set()
    for char in text:
        if char.isalpha():
            word = unicodedata.name(char, "").split(" ", 1)[0]
            if word in _SCRIPT_LANGUAGES:
                found.add(word)
    for script in ("HIRAGANA", "KATAKANA", "HANGUL"):  # they decide over Han characters they are mixed with
        if script in found:
            return _SCRIPT_LANGUAGES[script]
    if found == {"CJK"} and country in _HAN_COUNTRIES:
        return _HAN_COUNTRIES[country], "ltr"
    for script in sorted(found):
        return _SCRIPT_LANGUAGES[script]
    return None, None


_HAN_COUNTRIES = {"JP": "ja", "KR": "ko", "TW": "zh-Hant", "HK": "zh-Hant", "MO": "zh-Hant"}
