"""A note's house style: dates, times, durations, amounts and country names as its locale writes them.

Babel (CLDR) and pycountry do the work. The locale travels with the note (a
`HouseStyle`, made by the view from its job), never in a module constant, so notes of
several locales can be rendered side by side in one process.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING, Literal

from babel.dates import format_date, get_date_format
from babel.numbers import format_decimal, get_currency_precision
from babel.units import format_unit

from briefgen.sheet.currencies import short_symbol

if TYPE_CHECKING:
    from briefgen.sheet.model import Amount

#: The locales a note may be written in (briefgen.toml `locale`); a later issue adds more.
SUPPORTED_LOCALES = ("en-GB", "en-US", "ja", "hi", "fr")
#: Each scheme's house style when briefgen.toml names no locale.
SCHEME_LOCALES = {"uk": "en-GB", "us": "en-US"}
DEFAULT_LOCALE = "en-GB"

#: Joins what must not be broken across lines: "23 November 2025", "¥10 trillion".
NBSP = "\u00a0"

#: From this value up, amounts are written in words ("¥10 trillion") when that loses nothing.
COMPACT_FROM = Decimal(1_000_000)
#: Decimals a compact figure may have: "$1.125 billion" is written so, "$1.0499 million" in full.
MAX_COMPACT_DECIMALS = 3
#: An `approx: true` amount is rounded to this many significant digits ("about $2 billion").
APPROX_DIGITS = 2
#: Date patterns per locale: (with the weekday, written out, a month). British house style
#: drops CLDR en_GB's comma after the weekday ("Tuesday 10 March 2026"); US style is CLDR en_US's own.
_DATE_PATTERNS = {
    "en-GB": ("EEEE d MMMM y", "d MMMM y", "MMMM y"),
    "en-US": (None, None, "MMMM y"),
    # Placeholders so that the label catalogs can be rendered (CLDR's own patterns); the house
    # style of these locales is the formatting slice's.
    "ja": (None, None, "y年M月"),
    "hi": (None, None, "MMMM y"),
    "fr": (None, None, "MMMM y"),
}


def supported_locale(given: str) -> str | None:
    """The supported locale `given` names ("en-gb", "en_GB" → "en-GB"), or None."""
    wanted = given.strip().replace("_", "-").casefold()
    return next((name for name in SUPPORTED_LOCALES if name.casefold() == wanted), None)


def note_locale(scheme: str, configured: str | None = None) -> str:
    """The locale a note is written in: briefgen.toml's `locale`, else its scheme's house style."""
    return configured or SCHEME_LOCALES.get(scheme, DEFAULT_LOCALE)


def _unbroken(text: str) -> str:
    return text.replace(" ", NBSP).replace("\u202f", NBSP)


@dataclass(frozen=True)
class HouseStyle:
    """How one note writes dates, times, durations and money: its locale and its currency symbols.

    `symbols` maps each currency the note prints to the symbol it uses throughout
    (`currency_symbols`); a currency it does not name gets its short English symbol.
    """

    locale: str = DEFAULT_LOCALE
    symbols: Mapping[str, str] = field(default_factory=dict)

    @property
    def _babel(self) -> str:
        return self.locale.replace("-", "_")

    def _pattern(self, index: int, cldr: Literal["full", "long"]) -> str:
        pattern = _DATE_PATTERNS[self.locale][index]
        return pattern if pattern is not None else get_date_format(cldr, locale=self._babel).pattern

    # --- dates and times -------------------------------------------------------------

    def meeting_date(self, value: _dt.date) -> str:
        """A meeting's date with its weekday: "Sunday 23 November 2025", "Sunday, November 23, 2025"."""
        text = format_date(value, self._pattern(0, "full"), locale=self._babel)
        weekday, space, rest = text.partition(" ")
        return f"{weekday}{space}{_unbroken(rest)}"

    def written_date(self, value: _dt.date) -> str:
        """A date written out: "24 November 2025", "November 24, 2025" (joined by no-break spaces)."""
        return _unbroken(format_date(value, self._pattern(1, "long"), locale=self._babel))

    def partial_date(self, value: str) -> str:
        """A YYYY, YYYY-MM or YYYY-MM-DD value written out: "2025", "August 2025", "23 November 2025"."""
        parts = value.split("-")
        if len(parts) == 1:
            return value
        if len(parts) == 2:
            month = _dt.date(int(parts[0]), int(parts[1]), 1)
            return _unbroken(format_date(month, self._pattern(2, "long"), locale=self._babel))
        return self.written_date(_dt.date.fromisoformat(value))

    def clock(self, start: str) -> str:
        """A local time in the locale's style: "13:40" (en-GB), "1:40 PM" (en-US)."""
        from babel.dates import format_time

        hour, minute = (int(part) for part in start.split(":"))
        return _unbroken(format_time(_dt.time(hour, minute), "short", locale=self._babel))

    def meeting_time(self, start: str | None, duration_minutes: int | None, date: _dt.date | None = None,
                     zone: str | None = None) -> str | None:
        """Start time and duration: "13:40 SAST (UTC+2), 35 minutes", "9:00 AM, 1 hour 30 minutes".

        With an IANA `zone` (and the meeting's `date`, which decides summer time) the start
        time says its zone: an abbreviation where one is in common use, and the offset from UTC.
        """
        parts = [self.clock(start)] if start else []
        if start and zone and date:
            parts = [self.zoned_time(start, date, zone)]
        if duration_minutes:
            parts.append(self.duration(duration_minutes))
        return ", ".join(parts) or None

    def zoned_time(self, start: str, date: _dt.date, zone: str) -> str:
        """A local time with its zone: "13:40 SAST (UTC+2)", "09:30 (UTC+5:30)" where no abbreviation is known."""
        import zoneinfo

        from babel.dates import get_timezone_name

        hour, minute = (int(part) for part in start.split(":"))
        moment = _dt.datetime.combine(date, _dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))
        offset = moment.utcoffset() or _dt.timedelta(0)
        # Babel (CLDR) knows the abbreviations readers use in some locales only (SAST in en_ZA,
        # not en_GB); zoneinfo's (tzdata) are used when CLDR has none; numeric ones ("+03") are not names.
        candidates = [get_timezone_name(moment, "short", locale=loc, zone_variant=None)
                      for loc in _zone_locales(zone, self._babel)]
        candidates.append(moment.tzname() or "")
        name = next((c for c in candidates if re.fullmatch(r"[A-Z]{2,5}", c)), None)
        clock = self.clock(start)
        shown = f"{clock}{NBSP}{name}" if name else clock
        return f"{shown} ({utc_offset(offset)})"

    def duration(self, minutes: int) -> str:
        """A duration in hours and minutes, "1 hour 30 minutes", joined by no-break spaces."""
        hours, rest = divmod(minutes, 60)
        parts = []
        if hours:
            parts.append(format_unit(hours, "duration-hour", length="long", locale=self._babel))
        if rest or not hours:
            parts.append(format_unit(rest, "duration-minute", length="long", locale=self._babel))
        return _unbroken(" ".join(parts))

    # --- money -------------------------------------------------------------------------

    def number(self, value: Decimal, currency: str | None = None) -> str:
        """A figure exactly as given: "1.25 billion" when words lose nothing, else "1,049,999" in full.

        A fraction is written with at least the currency's minor digits ("1,234.50"),
        and with every digit the sheet gives ("0.125").
        """
        if value >= COMPACT_FROM:
            words = self._compact(value)
            if words is not None:
                return words
        if value == value.to_integral_value():
            return format_decimal(value, format="#,##0", locale=self._babel, decimal_quantization=False)
        digits = get_currency_precision(currency) if currency else 0
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self._babel, decimal_quantization=False)

    def _compact(self, value: Decimal) -> str | None:
        """The figure in words from CLDR's long compact patterns, or None when that would round it."""
        from babel.core import Locale

        locale = Locale.parse(self._babel)
        patterns = locale.compact_decimal_formats["long"]
        magnitudes = sorted((int(m) for m in patterns["other"]), reverse=True)
        magnitude = next((m for m in magnitudes if value >= m), None)
        if magnitude is None:
            return None
        other = patterns["other"][str(magnitude)]
        # "000 million" is the pattern from 100,000,000: its three zeros stand for the millions.
        figure = value / (Decimal(magnitude) / Decimal(10) ** (other.int_prec[0] - 1))
        if figure != figure.quantize(Decimal(1).scaleb(-MAX_COMPACT_DECIMALS)):
            return None
        figure = figure.normalize()
        plural = locale.plural_form(figure)
        pattern = patterns.get(plural, patterns["other"]).get(str(magnitude), other)
        written = format_decimal(figure, format="#,##0.###", locale=self._babel, decimal_quantization=False)
        return _unbroken(f"{pattern.prefix[0]}{written}{pattern.suffix[0]}")

    def money(self, value: Decimal, currency: str, approx: bool = False) -> str:
        """An amount for readers: "¥10 trillion", "$1.96 billion", "€750,000", "CHF 5 million".

        Exact unless `approx`: then rounded to two significant digits and said to be
        about that ("about $2 billion").
        """
        shown = _significant(value, APPROX_DIGITS) if approx else value
        symbol = self.symbols.get(currency) or short_symbol(currency)
        number = self.number(shown, currency)
        # Babel gives the ISO code back when English has no symbol: a code is set apart by a space.
        text = f"{symbol}{NBSP}{number}" if symbol.isalpha() else f"{symbol}{number}"
        return f"about {text}" if approx else text

    def amount_text(self, amount: Amount) -> str:
        """An amount with its equivalents and period: "¥10 trillion (≈ ₹6 trillion) over the next decade"."""
        text = self.money(amount.value, amount.currency, amount.approximate)
        if amount.in_other_currencies:
            text += " (" + ", ".join(f"≈{NBSP}{self.money(m.value, m.currency, m.approx)}"
                                     for m in amount.in_other_currencies) + ")"
        if amount.period:
            text += f" {amount.period}"
        return text


def _significant(value: Decimal, digits: int) -> Decimal:
    """`value` rounded half up to `digits` significant digits: 1.96e9 → 2.0e9, 1,049,999 → 1.0e6."""
    exponent = value.adjusted() - digits + 1
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def _zone_locales(zone: str, fallback: str) -> list[str]:
    from babel.localedata import locale_identifiers

    territory = _zone_territory(zone)
    found = [f"en_{territory}"] if territory and f"en_{territory}" in locale_identifiers() else []
    return [*found, fallback]


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
