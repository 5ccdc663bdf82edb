"""A note's house style: dates, times, durations, amounts and lists as its locale writes them.

Babel (CLDR) does the work (names.py the names, zones.py the zone abbreviations,
number_words.py the scale words). The locale travels with the note (a `HouseStyle`,
made by the view from its job), never in a module constant, so notes of several
locales can be rendered side by side in one process.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING

from babel.dates import format_date
from babel.numbers import format_decimal, get_currency_precision
from babel.units import format_unit

from briefgen.render.names import country_name, currency_name, language_name
from briefgen.render.number_words import (
    approximately_sign,
    integer_pattern,
    list_separator,
    scale_patterns,
    unit_name,
    words_from,
)
from briefgen.render.zones import zone_abbreviation
from briefgen.sheet.currencies import short_symbol

if TYPE_CHECKING:
    from briefgen.sheet.model import Amount

__all__ = ["DEFAULT_LOCALE", "NBSP", "SCHEME_LOCALES", "SUPPORTED_LOCALES", "HouseStyle", "country_name",
           "currency_name", "language_name", "note_locale", "supported_locale", "utc_offset"]

#: The locales a note may be written in (briefgen.toml `locale`, `--locale`).
SUPPORTED_LOCALES = ("en-GB", "en-US", "en-IN", "ja", "hi", "fr")
#: Each scheme's house style when briefgen.toml names no locale.
SCHEME_LOCALES = {"uk": "en-GB", "us": "en-US"}
DEFAULT_LOCALE = "en-GB"

#: Joins what must not be broken across lines: "23 November 2025", "¥10 trillion".
NBSP = "\u00a0"

#: From this value up, English amounts are written in words ("¥10 trillion") when that loses nothing.
COMPACT_FROM = words_from("en")
#: Decimals a compact figure may have: "$1.125 billion" is written so, "$1.0499 million" in full.
MAX_COMPACT_DECIMALS = 3
#: An `approx: true` amount is rounded to this many significant digits ("about $2 billion").
APPROX_DIGITS = 2
#: Date patterns per locale: (with the weekday, written out, a month). "@name" is CLDR's: a date
#: format ("@full", "@long") or a skeleton ("@yMMMM"). British house style drops CLDR en_GB's
#: comma after the weekday ("Tuesday 10 March 2026"); Japanese writes the weekday short, in
#: parentheses, CLDR ja's yMMMEd ("2025年11月23日(日)"); the others are CLDR's own.
_DATE_PATTERNS = {
    "en-GB": ("EEEE d MMMM y", "d MMMM y", "MMMM y"),
    "ja": ("@yMMMEd", "@long", "@yMMMM"),
}
_CLDR_DATES = ("@full", "@long", "@yMMMM")
#: French elides "de" before a vowel: "1,25 milliard d’euros", but "milliards de yens".
_FRENCH_VOWELS = frozenset("aeiouéèêàâîôû")


def supported_locale(given: str) -> str | None:
    """The supported locale `given` names, or None.

    Case and separator do not matter ("en_in" → "en-IN", "JA" → "ja"); a language
    shipped without a region also answers to its home region ("ja-JP" → "ja",
    "fr-FR" → "fr", "hi-IN" → "hi"), but not to another ("fr-CA" is None).
    """
    wanted = given.strip().replace("_", "-").casefold()
    exact = next((name for name in SUPPORTED_LOCALES if name.casefold() == wanted), None)
    language, _, region = wanted.partition("-")
    if exact or not region or language not in SUPPORTED_LOCALES:
        return exact
    return language if _home_region(language) == region.upper() else None


@cache
def _home_region(language: str) -> str:
    from babel.core import get_global

    return str(get_global("likely_subtags").get(language, "")).split("_")[-1]


def note_locale(scheme: str, configured: str | None = None) -> str:
    """The locale a note is written in: briefgen.toml's `locale`, else its scheme's house style."""
    return configured or SCHEME_LOCALES.get(scheme, DEFAULT_LOCALE)


def _unbroken(text: str) -> str:
    return text.replace(" ", NBSP).replace("\u202f", NBSP)


def _as_written(message: str) -> str:
    return message


@cache
def _date_pattern(spec: str, locale: str) -> str:
    """A date pattern: `spec` itself, or CLDR's date format or skeleton it names ("@full", "@yMMMEd")."""
    if not spec.startswith("@"):
        return spec
    from babel.core import Locale
    from babel.dates import get_date_format

    if spec == "@full":
        return str(get_date_format("full", locale=locale).pattern)
    if spec == "@long":
        return str(get_date_format("long", locale=locale).pattern)
    return str(Locale.parse(locale).datetime_skeletons[spec[1:]].pattern)


@dataclass(frozen=True)
class HouseStyle:
    """How one note writes dates, times, durations, money and lists: its locale, currency symbols and catalog.

    `symbols` maps each currency the note prints to the symbol it uses throughout
    (`currency_symbols`); a currency it does not name gets its short English symbol.
    `gettext` translates the few words CLDR has no data for ("about {amount}") from
    the note's catalog; without one they stay English.
    """

    locale: str = DEFAULT_LOCALE
    symbols: Mapping[str, str] = field(default_factory=dict)
    gettext: Callable[[str], str] = field(default=_as_written, repr=False, compare=False)

    @property
    def _babel(self) -> str:
        return self.locale.replace("-", "_")

    @property
    def _language(self) -> str:
        return self.locale.split("-")[0]

    def _date(self, value: _dt.date, index: int) -> str:
        spec = _DATE_PATTERNS.get(self.locale, _CLDR_DATES)[index]
        return format_date(value, _date_pattern(spec, self._babel), locale=self._babel)

    # --- dates and times -------------------------------------------------------------

    def meeting_date(self, value: _dt.date) -> str:
        """A meeting's date with its weekday: "Sunday 23 November 2025", "2025年11月23日(日)"."""
        weekday, space, rest = self._date(value, 0).partition(" ")
        return f"{weekday}{space}{_unbroken(rest)}"

    def written_date(self, value: _dt.date) -> str:
        """A date written out: "24 November 2025", "November 24, 2025" (joined by no-break spaces)."""
        return _unbroken(self._date(value, 1))

    def axis_label(self, value: _dt.date, unit: str) -> str:
        """A tick of a time axis (render/cross_charts.py): a month's short name ("Sep", "9月"), with its year
        in January ("Jan 2026"), or a year ("2026") when `unit` is "year"."""
        from babel.dates import format_skeleton

        # CLDR's skeletons, so that each locale orders and joins them its own way ("2026年1月").
        return format_skeleton("y" if unit == "year" else "yMMM" if value.month == 1 else "MMM", value,
                               locale=self._babel)

    def partial_date(self, value: str) -> str:
        """A YYYY, YYYY-MM or YYYY-MM-DD value written out: "2025", "August 2025", "2025年8月"."""
        parts = value.split("-")
        if len(parts) == 1:
            return value
        if len(parts) == 2:
            return _unbroken(self._date(_dt.date(int(parts[0]), int(parts[1]), 1), 2))
        return self.written_date(_dt.date.fromisoformat(value))

    def clock(self, start: str) -> str:
        """A local time in the locale's style: "13:40" (en-GB), "1:40 PM" (en-US)."""
        from babel.dates import format_time

        hour, minute = (int(part) for part in start.split(":"))
        return _unbroken(format_time(_dt.time(hour, minute), "short", locale=self._babel))

    def meeting_time(self, start: str | None, duration_minutes: int | None, date: _dt.date | None = None,
                     zone: str | None = None) -> str | None:
        """Start time and duration: "13:40 SAST (UTC+2), 35 minutes", "13:40 (UTC+2)、35分".

        With an IANA `zone` (and the meeting's `date`, which decides summer time) the start
        time says its zone: an abbreviation where its reader reads it one way only, and
        the offset from UTC.
        """
        parts = [self.clock(start)] if start else []
        if start and zone and date:
            parts = [self.zoned_time(start, date, zone)]
        if duration_minutes:
            parts.append(self.duration(duration_minutes))
        return list_separator(self._babel).join(parts) or None

    def zoned_time(self, start: str, date: _dt.date, zone: str) -> str:
        """A local time with its zone: "13:40 SAST (UTC+2)", "09:30 (UTC+5:30)" where no abbreviation is safe."""
        import zoneinfo

        hour, minute = (int(part) for part in start.split(":"))
        moment = _dt.datetime.combine(date, _dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))
        name = zone_abbreviation(moment, zone, self._babel)
        clock = self.clock(start)
        shown = f"{clock}{NBSP}{name}" if name else clock
        return f"{shown} ({utc_offset(moment.utcoffset() or _dt.timedelta(0))})"

    def duration(self, minutes: int) -> str:
        """A duration in hours and minutes, "1 hour 30 minutes" joined by no-break spaces; "1時間30分" in ja."""
        hours, rest = divmod(minutes, 60)
        parts = []
        if hours:
            parts.append(format_unit(hours, "duration-hour", length="long", locale=self._babel))
        if rest or not hours:
            parts.append(format_unit(rest, "duration-minute", length="long", locale=self._babel))
        text = _unbroken(" ".join(parts))
        # CLDR ja spaces "35 分"; Japanese writing sets figure and unit solid ("5時間30分").
        return text.replace(NBSP, "") if self._language == "ja" else text

    def join(self, items: Iterable[str]) -> str:
        """Items as a list in the locale: "A, B and C", "A, B, and C" (en-US), "A、B、C" (ja)."""
        from babel.lists import format_list

        return format_list(list(items), locale=self._babel)

    def series(self, items: Iterable[str]) -> str:
        """Items one after another with CLDR's list separator and no conjunction: "Japan, India", "日本、インド"
        (a venue's parts, the parties to a commitment)."""
        return list_separator(self._babel).join(items)

    # --- money -------------------------------------------------------------------------

    def number(self, value: Decimal, currency: str | None = None) -> str:
        """A figure exactly as given: "1.25 billion" when words lose nothing, else "1,049,999" in full.

        A fraction is written with at least the currency's minor digits ("1,234.50"),
        and with every digit the sheet gives ("0.125"). Digits are grouped as the
        locale groups them ("10,49,999" in en-IN and hi, "1 049 999" in fr).
        """
        return self._figure(value, currency)[0]

    def _figure(self, value: Decimal, currency: str | None) -> tuple[str, bool]:
        """The figure, and whether it is in words."""
        if value >= words_from(self._babel):
            words = self._compact(value)
            if words is not None:
                return words, True
        digits = 0
        if value != value.to_integral_value() and currency:
            digits = get_currency_precision(currency)
        pattern = integer_pattern(self._babel) + ("." + "0" * digits if digits else "")
        return _unbroken(format_decimal(value, format=pattern, locale=self._babel, decimal_quantization=False)), False

    def _compact(self, value: Decimal) -> str | None:
        """The figure in words from CLDR's long compact patterns, or None when that would round it."""
        from babel.core import Locale

        patterns = scale_patterns(self._babel)
        magnitude = next((m for m in sorted(patterns["other"], reverse=True) if value >= m), None)
        if magnitude is None:
            return None
        other = patterns["other"][magnitude]
        # "000 million" is the pattern from 100,000,000: its three zeros stand for the millions.
        figure = value / (Decimal(magnitude) / Decimal(10) ** (other.int_prec[0] - 1))
        if figure != figure.quantize(Decimal(1).scaleb(-MAX_COMPACT_DECIMALS)):
            return None
        figure = figure.normalize()
        plural = Locale.parse(self._babel).plural_form(figure)
        pattern = patterns.get(plural, patterns["other"]).get(magnitude, other)
        written = format_decimal(figure, format=integer_pattern(self._babel) + ".###", locale=self._babel,
                                 decimal_quantization=False)
        return _unbroken(f"{pattern.prefix[0]}{written}{pattern.suffix[0]}")

    def money(self, value: Decimal, currency: str, approx: bool = False) -> str:
        """An amount for readers: "¥10 trillion", "₹6 lakh crore", "10兆円", "10 000 milliards de yens".

        Exact unless `approx`: then rounded to two significant digits and said to be
        about that ("about $2 billion", "約6兆ルピー").
        """
        shown = _significant(value, APPROX_DIGITS) if approx else value
        text = self._amount(shown, currency)
        return self._approximately(text) if approx else text

    def _amount(self, value: Decimal, currency: str) -> str:
        figure, in_words = self._figure(value, currency)
        if self._language == "ja":
            return f"{figure}{self._unit(currency, value)}"
        if self._language == "fr":
            # After a scale word the currency is plural and joined by "de": "2 milliards de dollars".
            unit = self._unit(currency, 2 if in_words else value)
            joiner = ("d\u2019" if unit[:1].casefold() in _FRENCH_VOWELS else f"de{NBSP}") if in_words else ""
            return f"{figure}{NBSP}{joiner}{unit}"
        symbol = self.symbols.get(currency) or short_symbol(currency)
        # Babel gives the ISO code back when English has no symbol: a code is set apart by a space.
        return f"{symbol}{NBSP}{figure}" if symbol.isalpha() else f"{symbol}{figure}"

    def _unit(self, currency: str, count: Decimal | int) -> str:
        """The currency's unit after a figure ("ルピー", "yens"), or its full name if another shares the unit."""
        full = currency_name(currency, self.locale, count)
        short = unit_name(full, currency, self._babel)
        others = (currency_name(code, self.locale, count) for code in self.symbols if code != currency)
        return _unbroken(full if any(short in other for other in others) else short)

    def _approximately(self, text: str) -> str:
        # CLDR's approximately sign is a word in some locales (ja 約); elsewhere a sign ("~")
        # readers of a note do not write, so the words come from the note's catalog.
        sign = approximately_sign(self._babel)
        if sign.isalpha():
            return f"{sign}{text}"
        return self.gettext("about {amount}").format(amount=text)

    def amount_text(self, amount: Amount) -> str:
        """An amount with its equivalents and period: "¥10 trillion (≈ ₹6 trillion) over the next decade"."""
        text = self.money(amount.value, amount.currency, amount.approximate)
        if amount.in_other_currencies:
            text += " (" + list_separator(self._babel).join(
                f"≈{NBSP}{self.money(m.value, m.currency, m.approx)}" for m in amount.in_other_currencies) + ")"
        if amount.period:
            text += f" {amount.period}"
        return text


def _significant(value: Decimal, digits: int) -> Decimal:
    """`value` rounded half up to `digits` significant digits: 1.96e9 → 2.0e9, 1,049,999 → 1.0e6."""
    exponent = value.adjusted() - digits + 1
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def utc_offset(offset: _dt.timedelta) -> str:
    """An offset from UTC as readers write it: "UTC", "UTC+2", "UTC−3", "UTC+5:30"."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


