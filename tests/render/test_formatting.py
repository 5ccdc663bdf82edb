"""briefgen.render.formatting: the exact strings readers see for dates, times, durations, money and countries.

Dates, durations and amounts are joined by no-break spaces (U+00A0), so "23 November 2025",
"1 hour 30 minutes" and "¥10 trillion" never break across lines: the expected strings say so.
Every string is written in a note's house style (`HouseStyle`): en-GB or en-US.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from babel.numbers import parse_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.render.formatting import NBSP, HouseStyle, country_name, note_locale, supported_locale
from briefgen.sheet.currencies import country_currencies, currency_symbols, shared_symbols
from briefgen.sheet.fields import MAX_AMOUNT, MAX_AMOUNT_DIGITS, MIN_AMOUNT
from briefgen.sheet.loader import load
from briefgen.sheet.model import Amount, Money

GB = HouseStyle("en-GB")
US = HouseStyle("en-US")


def nb(text: str) -> str:
    """`text` with its spaces as no-break spaces (how dates, durations and amounts are joined)."""
    return text.replace(" ", NBSP)


# --- dates and times ------------------------------------------------------------------


def test_written_date() -> None:
    assert GB.written_date(dt.date(2025, 11, 24)) == nb("24 November 2025")
    assert GB.written_date(dt.date(2026, 1, 5)) == nb("5 January 2026")
    assert US.written_date(dt.date(2025, 11, 24)) == nb("November 24, 2025")


def test_meeting_date_has_its_weekday_in_the_house_style() -> None:
    # British house style has no comma after the weekday; the State Department writes
    # "Tuesday, March 10, 2026", which is CLDR en_US's full date.
    assert GB.meeting_date(dt.date(2025, 11, 23)) == "Sunday " + nb("23 November 2025")
    assert GB.meeting_date(dt.date(2026, 3, 10)) == "Tuesday " + nb("10 March 2026")
    assert US.meeting_date(dt.date(2026, 3, 10)) == "Tuesday, " + nb("March 10, 2026")


@pytest.mark.parametrize(("value", "gb", "us"), [
    ("2025", "2025", "2025"),
    ("2025-08", "August 2025", "August 2025"),
    ("2025-11-23", "23 November 2025", "November 23, 2025"),
    ("1997-01", "January 1997", "January 1997"),
])
def test_partial_date(value: str, gb: str, us: str) -> None:
    assert GB.partial_date(value) == nb(gb)
    assert US.partial_date(value) == nb(us)


@pytest.mark.parametrize(("minutes", "expected"), [
    (1, "1 minute"),
    (35, "35 minutes"),
    (60, "1 hour"),
    (61, "1 hour 1 minute"),
    (90, "1 hour 30 minutes"),
    (120, "2 hours"),
    (150, "2 hours 30 minutes"),
])
def test_duration_never_breaks(minutes: int, expected: str) -> None:
    assert GB.duration(minutes) == nb(expected)
    assert US.duration(minutes) == nb(expected)


@pytest.mark.parametrize(("start", "minutes", "gb", "us"), [
    ("13:40", 35, "13:40, 35 minutes", "1:40 PM, 35 minutes"),
    ("09:00", 90, "09:00, 1 hour 30 minutes", "9:00 AM, 1 hour 30 minutes"),
    ("09:00", None, "09:00", "9:00 AM"),
    (None, 120, "2 hours", "2 hours"),
])
def test_meeting_time_in_the_house_style(start: str | None, minutes: int | None, gb: str, us: str) -> None:
    # Within each part the spaces do not break; between the time and the duration they may.
    assert GB.meeting_time(start, minutes) == ", ".join(nb(part) for part in gb.split(", "))
    assert US.meeting_time(start, minutes) == ", ".join(nb(part) for part in us.split(", "))


def test_meeting_time_without_anything_is_none() -> None:
    assert GB.meeting_time(None, None) is None


def test_zoned_time_follows_the_locale() -> None:
    day = dt.date(2025, 11, 23)
    assert GB.zoned_time("13:40", day, "Africa/Johannesburg") == nb("13:40 SAST") + " (UTC+2)"
    assert US.zoned_time("13:40", day, "Africa/Johannesburg") == nb("1:40 PM SAST") + " (UTC+2)"


def test_locales_and_their_defaults() -> None:
    assert supported_locale("en-gb") == "en-GB"
    assert supported_locale("en_US") == "en-US"
    assert supported_locale("de-DE") is None  # not shipped (the locales test pins the new ones)
    assert note_locale("us") == "en-US"
    assert note_locale("uk") == "en-GB"
    assert note_locale("us", "en-GB") == "en-GB"  # briefgen.toml's locale wins over the scheme


# --- money: exact ---------------------------------------------------------------------


@pytest.mark.parametrize(("value", "currency", "expected"), [
    ("1e13", "JPY", "¥10 trillion"),
    ("2.5e9", "USD", "$2.5 billion"),
    # Issue 16: these were "€1.2 billion", "$2 billion" and "$1 million".
    ("1.25e9", "EUR", "€1.25 billion"),
    ("1.96e9", "USD", "$1.96 billion"),
    ("1049999", "USD", "$1,049,999"),
    ("1125000000", "USD", "$1.125 billion"),
    ("1049900000", "USD", "$1,049,900,000"),  # four decimals in words: the full figure
    ("750000", "EUR", "€750,000"),
    ("1234.5", "GBP", "£1,234.50"),  # pence are written with two digits
    ("1234.567", "GBP", "£1,234.567"),  # and every digit the sheet gives is kept
    ("0.01", "USD", "$0.01"),
    ("6e12", "INR", "₹6 trillion"),
    ("1e15", "USD", "$1,000 trillion"),
    # No English symbol: the ISO code, then a no-break space, then the number.
    ("5e6", "CHF", "CHF 5 million"),
    ("250000", "CHF", "CHF 250,000"),
])
def test_money_is_exact(value: str, currency: str, expected: str) -> None:
    assert GB.money(Decimal(value), currency) == nb(expected)
    assert US.money(Decimal(value), currency) == nb(expected)


@pytest.mark.parametrize(("value", "expected"), [
    ("1.96e9", "about $2 billion"),
    ("1049999", "about $1 million"),
    ("1.25e9", "about $1.3 billion"),  # half up, not half to even
    ("123456", "about $120,000"),
])
def test_approx_amounts_say_about_and_may_round(value: str, expected: str) -> None:
    assert GB.money(Decimal(value), "USD", approx=True) == "about " + nb(expected.removeprefix("about "))


def test_amount_text_with_equivalents_and_period() -> None:
    amount = Amount.model_validate({
        "value": 1e13, "currency": "JPY", "period": "over the next decade",
        "equivalents": [{"value": 6e12, "currency": "INR"}, {"value": 6.5e10, "currency": "USD", "approx": True}],
    })
    assert GB.amount_text(amount) == (nb("¥10 trillion") + " (≈" + NBSP + nb("₹6 trillion") + ", ≈" + NBSP
                                      + "about " + nb("$65 billion") + ") over the next decade")


def test_a_list_under_approx_is_still_read_as_the_equivalents() -> None:
    """Format 1 first wrote the equivalents as `approx: [...]`: such sheets keep working."""
    amount = Amount.model_validate({"value": 1e13, "currency": "JPY", "approx": [{"value": 6e12, "currency": "INR"}]})
    assert not amount.approximate
    assert GB.amount_text(amount) == nb("¥10 trillion") + " (≈" + NBSP + nb("₹6 trillion") + ")"


def test_amount_text_alone() -> None:
    assert GB.amount_text(Amount.model_validate({"value": 5e6, "currency": "CHF"})) == nb("CHF 5 million")


# --- money: the property --------------------------------------------------------------

#: The scale words of CLDR's English long compact forms, read back independently of briefgen.
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_PRINTED = re.compile(r"^(?P<about>about )?(?P<symbol>\D*?)[\s\u00a0]?(?P<number>\d[\d,.]*)"
                      r"(?:[\s\u00a0](?P<scale>[a-z]+))?$")


def read_back(printed: str, locale: str) -> tuple[Decimal, bool]:
    """The number a reader reads in a printed amount, parsed in the note's locale, and whether it says "about"."""
    match = _PRINTED.match(printed)
    assert match is not None, printed
    number = parse_decimal(match["number"], locale=locale.replace("-", "_"), strict=True)
    scale = _SCALES[match["scale"]] if match["scale"] else 1
    return number * scale, bool(match["about"])


def _written(mantissa: int, exponent: int, form: int) -> str:
    """One of the ways YAML can write mantissa × 10^exponent: 1960000000, 1960000000.0, 1.96e9, 196e7."""
    value = Decimal(mantissa).scaleb(exponent)
    if form == 0:
        return f"{mantissa}e{exponent}"
    if form == 1:
        digits = str(mantissa)
        return f"{digits[0]}.{digits[1:] or '0'}e{exponent + len(digits) - 1}"
    return f"{value:f}"


@st.composite
def _amounts(draw: st.DrawFn) -> tuple[int, int, int]:
    """(mantissa, exponent, form): every number of significant digits up to the limit is as likely."""
    digits = draw(st.integers(1, MAX_AMOUNT_DIGITS))
    mantissa = draw(st.integers(10 ** (digits - 1), 10**digits - 1))
    # From the smallest exponent that reaches 0.01 to the largest that stays within 1e15.
    low, high = -2 - digits + 1, 15 - digits + 1
    exponent = draw(st.integers(low, high))
    return mantissa, exponent, draw(st.integers(0, 2))


_AMOUNTS = _amounts().filter(lambda t: MIN_AMOUNT <= Decimal(t[0]).scaleb(t[1]) <= MAX_AMOUNT)


@settings(max_examples=400, deadline=None)
@given(amount=_AMOUNTS, currency=st.sampled_from(["USD", "JPY", "GBP", "EUR", "INR", "CHF", "AUD"]),
       locale=st.sampled_from(["en-GB", "en-US"]), approx=st.booleans(),
       rivals=st.lists(st.sampled_from(["USD", "AUD", "CNY", "JPY", "FKP"]), max_size=2))
def test_every_amount_a_sheet_can_hold_reads_back_as_its_value(amount: tuple[int, int, int], currency: str,
                                                               locale: str, approx: bool, rivals: list[str]) -> None:
    """Printed, then parsed back in the note's locale, an amount is the sheet's value, or it says "about"."""
    text = _written(*amount)
    flag = "\napprox: true" if approx else ""
    loaded = load("amount.yaml", f"value: {text}\ncurrency: {currency}{flag}\n".encode())
    money = Money.model_validate(loaded.data)
    assert money.value == Decimal(text)  # exact from the YAML text: no float in between
    style = HouseStyle(locale, currency_symbols([currency], [currency, *rivals]))
    printed = style.money(money.value, money.currency, money.approx)
    number, about = read_back(printed, locale)
    assert about == approx, printed
    if not approx:
        assert number == money.value, printed


def test_an_amount_with_more_digits_than_allowed_is_refused() -> None:
    sheet = load("x.yaml", f"value: 1.{'1' * MAX_AMOUNT_DIGITS}\ncurrency: USD\n".encode()).data
    with pytest.raises(ValueError, match="significant digits"):
        Money.model_validate(sheet)


# --- currency symbols ------------------------------------------------------------------
#
# The rule follows CLDR's guideline for currency symbols
# (https://cldr.unicode.org/translation/currency-names-and-symbols, "Symbols", 3 and 4):
# a symbol used for several currencies is used for one only where it is official; otherwise
# "international currency code or (region-code + symbol) … so that it is not ambiguous".
# The symbols themselves come from CLDR through Babel (en for the short ones, en_001 for
# "US$" and "JP¥", each official language of a country for the symbols a currency goes by there).


def test_a_note_with_australian_and_us_dollars_tells_them_apart() -> None:
    assert currency_symbols(["USD", "AUD"], ["USD", "AUD"]) == {"USD": "US$", "AUD": "A$"}


def test_a_country_in_play_is_enough_to_disambiguate() -> None:
    # Australia a party: AUD is at stake even with no amount in it.
    in_play = ["USD", *country_currencies("AU"), *country_currencies("JP")]
    assert currency_symbols(["USD"], in_play) == {"USD": "US$"}
    # Japan and India only: "$" is nobody else's.
    assert currency_symbols(["USD"], ["USD", "JPY", "INR"]) == {"USD": "$"}


@pytest.mark.parametrize(("currencies", "expected"), [
    (["JPY", "CNY"], {"JPY": "JP¥", "CNY": "CN¥"}),  # yen and yuan
    (["GBP", "FKP"], {"GBP": "GBP", "FKP": "FKP"}),  # pounds: no international symbol tells them apart
    (["SEK", "NOK"], {"SEK": "SEK", "NOK": "NOK"}),  # kronor: English writes the codes anyway
    (["INR", "PKR"], {"INR": "₹", "PKR": "PKR"}),  # rupees: ₹ is India's alone
    (["USD", "MXN"], {"USD": "US$", "MXN": "MX$"}),  # the peso is "$" in Mexico
    (["JPY", "INR", "ZAR"], {"JPY": "¥", "INR": "₹", "ZAR": "ZAR"}),  # English writes the rand as ZAR
])
def test_shared_symbols_are_disambiguated(currencies: list[str], expected: dict[str, str]) -> None:
    assert currency_symbols(currencies, currencies) == expected


def test_the_symbols_a_note_must_not_use_bare() -> None:
    shared = shared_symbols(["USD", "AUD", "JPY", "CNY", "INR"])
    assert shared["$"] == ("AUD", "USD")
    assert shared["¥"] == ("CNY", "JPY")
    assert "₹" not in shared


def test_a_style_prints_its_symbols_everywhere() -> None:
    style = HouseStyle("en-GB", currency_symbols(["USD", "AUD"], ["USD", "AUD"]))
    assert style.money(Decimal("2e9"), "USD") == nb("US$2 billion")
    assert style.money(Decimal("3e6"), "AUD") == nb("A$3 million")


# --- countries -------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), [
    ("KR", "South Korea"),
    ("kr", "South Korea"),
    ("TW", "Taiwan"),
    ("IR", "Iran"),
    ("GB", "United Kingdom"),
    ("FR", "France"),
])
def test_country_name_is_the_common_name(code: str, expected: str) -> None:
    assert country_name(code) == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("CD", "Democratic Republic of the Congo"),
    ("PS", "State of Palestine"),
    ("FM", "Federated States of Micronesia"),
    ("VG", "British Virgin Islands"),
    ("BQ", "Bonaire, Sint Eustatius and Saba"),  # a list, not an inverted name
])
def test_country_name_is_never_the_inverted_iso_form(code: str, expected: str) -> None:
    """pycountry has no common name for these; ISO's inverted form is put in reading order."""
    assert country_name(code) == expected
