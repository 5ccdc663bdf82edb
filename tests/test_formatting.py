"""briefgen.formatting: the exact strings readers see for dates, durations, money and countries.

Dates and amounts are joined by no-break spaces (U+00A0), so "23 November 2025" and
"¥10 trillion" never break across lines: the expected strings say so.
"""

from __future__ import annotations

import datetime as dt

import pytest

from briefgen.formatting import (
    amount_text,
    country_name,
    duration,
    meeting_date,
    meeting_time,
    money,
    partial_date,
    written_date,
)
from briefgen.model import Amount


def test_written_date() -> None:
    assert written_date(dt.date(2025, 11, 24)) == "24\u00a0November\u00a02025"
    assert written_date(dt.date(2026, 1, 5)) == "5\u00a0January\u00a02026"


def test_meeting_date_has_its_weekday() -> None:
    assert meeting_date(dt.date(2025, 11, 23)) == "Sunday 23\u00a0November\u00a02025"


@pytest.mark.parametrize(("value", "expected"), [
    ("2025", "2025"),
    ("2025-08", "August\u00a02025"),
    ("2025-11-23", "23\u00a0November\u00a02025"),
    ("1997-01", "January\u00a01997"),
])
def test_partial_date(value: str, expected: str) -> None:
    assert partial_date(value) == expected


@pytest.mark.parametrize(("minutes", "expected"), [
    (1, "1 minute"),
    (35, "35 minutes"),
    (60, "1 hour"),
    (61, "1 hour 1 minute"),
    (90, "1 hour 30 minutes"),
    (120, "2 hours"),
    (150, "2 hours 30 minutes"),
])
def test_duration(minutes: int, expected: str) -> None:
    assert duration(minutes) == expected


@pytest.mark.parametrize(("start", "minutes", "expected"), [
    ("13:40", 35, "13:40, 35 minutes"),
    ("09:00", 90, "09:00, 1 hour 30 minutes"),
    ("09:00", None, "09:00"),
    (None, 120, "2 hours"),
    (None, None, None),
])
def test_meeting_time(start: str | None, minutes: int | None, expected: str | None) -> None:
    assert meeting_time(start, minutes) == expected


@pytest.mark.parametrize(("value", "currency", "expected"), [
    (1e13, "JPY", "¥10\u00a0trillion"),
    (2.5e9, "USD", "$2.5\u00a0billion"),
    (750_000, "EUR", "€750,000"),
    (1_234.5, "GBP", "£1,234.5"),
    (6e12, "INR", "₹6\u00a0trillion"),
    # No English symbol: the ISO code, then a no-break space, then the number.
    (5e6, "CHF", "CHF\u00a05\u00a0million"),
    (250_000, "CHF", "CHF\u00a0250,000"),
])
def test_money(value: float, currency: str, expected: str) -> None:
    assert money(value, currency) == expected


def test_amount_text_with_equivalents_and_period() -> None:
    amount = Amount.model_validate({
        "value": 1e13, "currency": "JPY", "period": "over the next decade",
        "approx": [{"value": 6e12, "currency": "INR"}, {"value": 6.5e10, "currency": "USD"}],
    })
    assert amount_text(amount) == ("¥10\u00a0trillion (≈\u00a0₹6\u00a0trillion, ≈\u00a0$65\u00a0billion)"
                                   " over the next decade")


def test_amount_text_alone() -> None:
    assert amount_text(Amount.model_validate({"value": 5e6, "currency": "CHF"})) == "CHF\u00a05\u00a0million"


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
