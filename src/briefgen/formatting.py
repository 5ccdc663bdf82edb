"""Locale formatting for readers: dates, durations, money and country names (Babel, pycountry).

Every function is pure and takes plain values, so the brief's view and the site
index write dates and amounts the same way.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, get_currency_symbol
from babel.units import format_unit

from .model import Amount

LANGUAGE = "en"
#: Dates and units follow British usage ("Sunday 23 November 2025").
DATE_LOCALE = "en_GB"
#: Plain "en" for money: en_GB would write US dollars as "US$".
NUMBER_LOCALE = "en"

MEETING_DATE_FORMAT = "EEEE d MMMM y"
DATE_FORMAT = "d MMMM y"
MONTH_FORMAT = "MMMM y"

#: From this value up, amounts are written in words ("¥10 trillion").
COMPACT_FROM = 1_000_000


def meeting_date(value: _dt.date) -> str:
    """A meeting's date with its weekday, e.g. "Sunday 23 November 2025"."""
    return format_date(value, MEETING_DATE_FORMAT, locale=DATE_LOCALE)


def written_date(value: _dt.date) -> str:
    """A date written out, e.g. "24 November 2025"."""
    return format_date(value, DATE_FORMAT, locale=DATE_LOCALE)


def partial_date(value: str) -> str:
    """A YYYY, YYYY-MM or YYYY-MM-DD value written out: "2025", "August 2025", "23 November 2025"."""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    if len(parts) == 2:
        return format_date(_dt.date(int(parts[0]), int(parts[1]), 1), MONTH_FORMAT, locale=DATE_LOCALE)
    return written_date(_dt.date.fromisoformat(value))


def meeting_time(start: str | None, duration_minutes: int | None) -> str | None:
    """Start time and duration, e.g. "13:40, 35 minutes" or "09:00, 1 hour 30 minutes"."""
    parts = [start] if start else []
    if duration_minutes:
        parts.append(duration(duration_minutes))
    return ", ".join(parts) or None


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


@lru_cache(maxsize=None)
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
    # Babel gives the ISO code back when English has no symbol for the currency.
    return f"{currency} {number}" if symbol == currency else f"{symbol}{number}"


def amount_text(amount: Amount) -> str:
    """An amount with its equivalents and period: "¥10 trillion (≈ ₹6 trillion) over the next decade"."""
    text = money(amount.value, amount.currency)
    if amount.approx:
        text += " (" + ", ".join(f"≈ {money(m.value, m.currency)}" for m in amount.approx) + ")"
    if amount.period:
        text += f" {amount.period}"
    return text
