"""briefgen.render.formatting in en-IN, ja, hi and fr: the strings each reader sees, with where each form comes from.

Every expected string is CLDR's (Babel's data) unless a comment cites the public writing
the house style follows instead. Spaces inside a date, a duration or an amount are
no-break spaces (U+00A0), as in tests/render/test_formatting.py.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import briefgen.render.formatting as formatting
from briefgen.render.formatting import (
    NBSP,
    SUPPORTED_LOCALES,
    HouseStyle,
    country_name,
    currency_name,
    language_name,
    supported_locale,
)
from briefgen.sheet.currencies import currency_symbols
from briefgen.sheet.fields import MAX_AMOUNT, MAX_AMOUNT_DIGITS, MIN_AMOUNT
from briefgen.sheet.model import Amount

IN, JA, HI, FR = HouseStyle("en-IN"), HouseStyle("ja"), HouseStyle("hi"), HouseStyle("fr")
G20_DAY = dt.date(2025, 11, 23)  # the Japan–India meeting at the Johannesburg G20, a Sunday


def nb(text: str) -> str:
    return text.replace(" ", NBSP)


# --- which locales -----------------------------------------------------------------------


def test_the_shipped_locales() -> None:
    assert SUPPORTED_LOCALES == ("en-GB", "en-US", "en-IN", "ja", "hi", "fr")


@pytest.mark.parametrize(("given_tag", "expected"), [
    ("en_in", "en-IN"), ("EN-in", "en-IN"), ("JA", "ja"), (" fr ", "fr"), ("hi", "hi"),
    # A language shipped without a region answers to its home region (CLDR likely subtags) only.
    ("ja-JP", "ja"), ("ja_jp", "ja"), ("fr-FR", "fr"), ("hi-IN", "hi"),
    ("fr-CA", None), ("hi-FJ", None), ("en", None), ("en-AU", None), ("de", None), ("", None), ("ja-JP-x", None),
])
def test_supported_locale_reads_a_tag(given_tag: str, expected: str | None) -> None:
    assert supported_locale(given_tag) == expected


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(("style", "expected"), [
    # Japanese writes year, month, day and the weekday as one character in parentheses:
    # "2023年12月31日 (日)" (https://wikiclassic.com/wiki/Date_and_time_notation_in_Japan, the
    # English Wikipedia article), as the Prime Minister's Office diary does ("平成21年6月28日(日)",
    # http://kantei.blogspot.com/2009/06/blog-post_29.html); CLDR ja's yMMMEd skeleton is that form.
    # Government documents count years by era (令和7年, https://www.mofa.go.jp/mofaj/s_sa/sw/in/
    # pageit_000001_00009.html); the issue asks for the Western year, which the press uses.
    (JA, "2025年11月23日(日)"),
    # CLDR hi's full date.
    (HI, "रविवार, " + nb("23 नवंबर 2025")),
    # CLDR fr's full date: no comma, lower-case weekday and month.
    (FR, "dimanche " + nb("23 novembre 2025")),
    # CLDR en_IN's full date (day before month, as Indian official English writes "on 28 June 2024",
    # https://www.externalaffairs.in/2024/06/media-briefing-on-28-June-24.html); CLDR keeps the comma.
    (IN, "Sunday, " + nb("23 November 2025")),
])
def test_meeting_date(style: HouseStyle, expected: str) -> None:
    assert style.meeting_date(G20_DAY) == expected


@pytest.mark.parametrize(("style", "written", "month"), [
    (JA, "2025年11月23日", "2025年8月"),
    (HI, nb("23 नवंबर 2025"), nb("अगस्त 2025")),
    (FR, nb("23 novembre 2025"), nb("août 2025")),
    (IN, nb("23 November 2025"), nb("August 2025")),
])
def test_written_and_partial_dates(style: HouseStyle, written: str, month: str) -> None:
    assert style.written_date(G20_DAY) == written
    assert style.partial_date("2025-11-23") == written
    assert style.partial_date("2025-08") == month
    assert style.partial_date("2025") == "2025"


# --- times and durations ------------------------------------------------------------------


@pytest.mark.parametrize(("style", "afternoon", "morning"), [
    (JA, "13:40", "9:00"), (HI, nb("1:40 pm"), nb("9:00 am")), (FR, "13:40", "09:00"), (IN, nb("1:40 PM"), nb("9:00 AM")),
])
def test_clock(style: HouseStyle, afternoon: str, morning: str) -> None:
    assert style.clock("13:40") == afternoon
    assert style.clock("09:00") == morning


@pytest.mark.parametrize(("style", "m35", "m60", "m90"), [
    # CLDR ja spaces its units ("35 分"); Japanese official writing sets them solid, "5時間30分"
    # (公用文の書き方, http://www.xn--w8jz01hk5ap9c448avia10fa.com/entry152.html), and the Foreign
    # Ministry's account of this very meeting says "約35分間" (https://www.mofa.go.jp/mofaj/s_sa/sw/in/
    # pageit_000001_00009.html).
    (JA, "35分", "1時間", "1時間30分"),
    (HI, nb("35 मिनट"), nb("1 घंटा"), nb("1 घंटा 30 मिनट")),
    (FR, nb("35 minutes"), nb("1 heure"), nb("1 heure 30 minutes")),
    (IN, nb("35 minutes"), nb("1 hour"), nb("1 hour 30 minutes")),
])
def test_duration(style: HouseStyle, m35: str, m60: str, m90: str) -> None:
    assert (style.duration(35), style.duration(60), style.duration(90)) == (m35, m60, m90)


def test_meeting_time_joins_its_parts_as_the_locale_lists() -> None:
    # CLDR ja's list separator is the ideographic comma.
    assert JA.meeting_time("13:40", 35) == "13:40、35分"
    assert FR.meeting_time("13:40", 35) == "13:40, " + nb("35 minutes")


# Time-zone abbreviations. CLDR's rule for its own names: two zones may share a name only "where
# the parsing results would give the same GMT offset" (https://unicode.org/L2/L2005/05176-cldr-
# corrigenda.html); ICU notes "IST" is India Standard Time except in Israel
# (https://learn.microsoft.com/en-us/dotnet/api/android.icu.text.timezonenames.gettzdbinstance).
# briefgen prints an abbreviation only where, in the locale it comes from, it names one offset.


def test_manila_is_not_pacific_standard_time() -> None:
    """tzdata calls Manila's time "PST", which English (en_PH included) uses for US Pacific time."""
    for locale in ("en-GB", "en-US", "en-IN"):
        text = HouseStyle(locale).zoned_time("09:30", G20_DAY, "Asia/Manila")
        assert "PST" not in text and text.endswith(" (UTC+8)"), text
    assert HouseStyle("en-GB").zoned_time("09:30", G20_DAY, "Asia/Manila") == "09:30 (UTC+8)"


def test_an_ambiguous_tzdata_abbreviation_is_left_out() -> None:
    # tzdata's "CST" for China is US Central time in English.
    assert HouseStyle("en-GB").zoned_time("09:30", G20_DAY, "Asia/Shanghai") == "09:30 (UTC+8)"


@pytest.mark.parametrize(("style", "zone", "expected"), [
    (HouseStyle("en-GB"), "Africa/Johannesburg", nb("13:40 SAST") + " (UTC+2)"),  # CLDR en_ZA
    (HouseStyle("en-GB"), "Asia/Kolkata", nb("13:40 IST") + " (UTC+5:30)"),  # CLDR en_IN
    (HouseStyle("en-GB"), "Asia/Tokyo", nb("13:40 JST") + " (UTC+9)"),  # tzdata, one meaning in English
    (IN, "Asia/Kolkata", nb("1:40 PM IST") + " (UTC+5:30)"),
    (HI, "Asia/Kolkata", nb("1:40 pm IST") + " (UTC+5:30)"),  # CLDR hi has IST
    (JA, "Asia/Tokyo", nb("13:40 JST") + " (UTC+9)"),  # CLDR ja has JST
    # No short name in the locale: the offset alone.
    (JA, "Africa/Johannesburg", "13:40 (UTC+2)"),
    (HI, "Africa/Johannesburg", nb("1:40 pm") + " (UTC+2)"),
    (FR, "Africa/Johannesburg", "13:40 (UTC+2)"),
    (FR, "Europe/Paris", "13:40 (UTC+1)"),
])
def test_zoned_time_in_the_locale(style: HouseStyle, zone: str, expected: str) -> None:
    assert style.zoned_time("13:40", G20_DAY, zone) == expected


# --- money --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "currency", "expected"), [
    # The Japanese press: "インドへの民間投資を今後、10兆円規模とする"
    # (https://news.livedoor.com/topics/detail/29452129/): CLDR ja's 万/億/兆 scale, the unit after.
    ("1e13", "JPY", "10兆円"),
    ("6e12", "INR", "6兆ルピー"),  # CLDR ja "インド ルピー", the country dropped
    ("1.96e9", "USD", "19.6億米ドル"),  # CLDR ja's name for USD has no country to drop
    ("750000", "EUR", "75万ユーロ"),  # Japanese counts in 万 from ten thousand
    ("1049999", "USD", "1,049,999米ドル"),  # 104.9999万 would need four decimals: the full figure
    ("1234.5", "GBP", "1,234.50英国ポンド"),
])
def test_japanese_amounts(value: str, currency: str, expected: str) -> None:
    assert JA.money(Decimal(value), currency) == expected


def test_japanese_approximate_amounts_say_yaku() -> None:
    # CLDR ja's approximately sign is the word 約 ("約35分間", MOFA, above).
    assert JA.money(Decimal("6e12"), "INR", approx=True) == "約6兆ルピー"
    assert JA.money(Decimal("1.96e9"), "USD", approx=True) == "約20億米ドル"


def test_a_shared_japanese_unit_keeps_its_country() -> None:
    style = HouseStyle("ja", currency_symbols(["USD", "AUD"], ["USD", "AUD"]))
    assert style.money(Decimal("3e8"), "AUD") == nb("3億オーストラリア ドル")  # "ドル" alone would be ambiguous


@pytest.mark.parametrize(("value", "currency", "en_in", "hindi"), [
    # Indian English and Hindi count in lakh and crore: "Japan to invest 3.2 lakh crore rupees"
    # (https://orissadiary.com/japan-to-invest-3-2-lakh-crore-rupees-in-india-over-next-5-years/),
    # "भारत में 3.2 लाख करोड़ रुपये का निवेश करेगा" (https://hindi.indsamachar.com/?p=256575).
    # CLDR en_IN's long compact forms do so; CLDR hi's write 10^9 up as अरब/खरब, so hi takes en_IN's scale.
    ("6e12", "INR", "₹6 lakh crore", "₹6 लाख करोड़"),
    ("3.2e12", "INR", "₹3.2 lakh crore", "₹3.2 लाख करोड़"),
    ("1.5e7", "INR", "₹1.5 crore", "₹1.5 करोड़"),
    ("250000", "INR", "₹2.5 lakh", "₹2.5 लाख"),
    ("1.96e9", "USD", "$196 crore", "$196 करोड़"),
    # Not words without loss: the full figure in Indian digit grouping (CLDR en_IN, hi: #,##,##0).
    ("1049999", "INR", "₹10,49,999", "₹10,49,999"),
    ("6000000000001", "INR", "₹60,00,00,00,00,001", "₹60,00,00,00,00,001"),
    ("1234.5", "GBP", "£1,234.50", "£1,234.50"),
])
def test_indian_amounts(value: str, currency: str, en_in: str, hindi: str) -> None:
    assert IN.money(Decimal(value), currency) == nb(en_in)
    assert HI.money(Decimal(value), currency) == nb(hindi)


@pytest.mark.parametrize(("value", "currency", "expected"), [
    # The French press: "10.000 milliards de yens (68 milliards de dollars)" (AFP,
    # http://origin-web.yenisafak.com/fr/international/le-japon-promet-68-milliards-de-dollars-
    # dinvestissements-en-inde-pour-renforcer-leurs-liens-economiques-et-securitaires-46746) and
    # "62,6 milliards d'euros" (https://cameroun24.net/amp/actualite-cameroun-Inde_Japon___Un_partenariat
    # _geant_de_62_6_milliard-1-1-70225.html): milliards, never CLDR fr's "billions", then "de" and the unit.
    ("1e13", "JPY", "10 000 milliards de yens"),
    ("6.8e10", "USD", "68 milliards de dollars"),
    ("6.26e10", "EUR", "62,6 milliards d\u2019euros"),
    ("1.25e9", "EUR", "1,25 milliard d\u2019euros"),  # French singular below two
    ("5e6", "CHF", "5 millions de francs"),
    ("2e9", "GBP", "2 milliards de livres sterling"),
    ("750000", "EUR", "750 000 euros"),
    ("1049999", "USD", "1 049 999 dollars"),
    ("1234.5", "GBP", "1 234,50 livres sterling"),
])
def test_french_amounts(value: str, currency: str, expected: str) -> None:
    assert FR.money(Decimal(value), currency) == nb(expected)


def test_approximate_amounts_take_their_words_from_the_catalog() -> None:
    """CLDR's approximately sign is "~" or "≃" outside ja: the words go through the note's gettext."""
    catalog = {"about {amount}": "environ {amount}"}
    french = HouseStyle("fr", gettext=lambda message: catalog.get(message, message))
    assert french.money(Decimal("1.96e9"), "USD", approx=True) == "environ " + nb("2 milliards de dollars")
    hindi = {"about {amount}": "लगभग {amount}"}
    assert HouseStyle("hi", gettext=hindi.__getitem__).money(Decimal("6e12"), "INR", approx=True) == (
        "लगभग " + nb("₹6 लाख करोड़"))
    assert IN.money(Decimal("1.96e9"), "USD", approx=True) == "about " + nb("$200 crore")  # no catalog: English


def test_pybabel_finds_the_approximately_message() -> None:
    """The catalog helper extracts msgids with pybabel: the call must be a literal gettext("...")."""
    from babel.messages.extract import extract_from_file

    found = {message for _, message, _, _ in extract_from_file("python", str(Path(formatting.__file__)))}
    assert "about {amount}" in found


def test_equivalents_are_listed_as_the_locale_lists() -> None:
    amount = Amount.model_validate({
        "value": 1e13, "currency": "JPY", "equivalents": [{"value": 6e12, "currency": "INR"},
                                                            {"value": 6.8e10, "currency": "USD"}]})
    assert JA.amount_text(amount) == f"10兆円 (≈{NBSP}6兆ルピー、≈{NBSP}680億米ドル)"
    assert IN.amount_text(amount) == (nb("¥10 lakh crore") + f" (≈{NBSP}" + nb("₹6 lakh crore") + f", ≈{NBSP}"
                                      + nb("$6,800 crore") + ")")


# Reading an amount back, independently of briefgen: the scale words of each locale.
_SCALES = {
    "ja": {"万": 10**4, "億": 10**8, "兆": 10**12},
    "en-IN": {"thousand": 10**3, "lakh": 10**5, "crore": 10**7, "lakh crore": 10**12},
    "hi": {"हज़ार": 10**3, "लाख": 10**5, "करोड़": 10**7, "लाख करोड़": 10**12},
    "fr": {"million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9},
}
_NUMBER = {"fr": re.compile(r"(?P<n>\d[\d\u00a0]*(?:,\d+)?)\u00a0?(?P<rest>.*)"),
           "other": re.compile(r"\D*?(?P<n>\d[\d,]*(?:\.\d+)?)\u00a0?(?P<rest>.*)")}


def read_back(printed: str, locale: str) -> Decimal:
    """The value a reader reads in `printed`: its figure times the scale word that follows it."""
    match = (_NUMBER["fr"] if locale == "fr" else _NUMBER["other"]).match(printed)
    assert match is not None, printed
    figure = match["n"].replace(NBSP, "").replace(",", ".") if locale == "fr" else match["n"].replace(",", "")
    rest = match["rest"].replace(NBSP, " ")
    words = sorted(_SCALES[locale], key=len, reverse=True)
    scale = next((_SCALES[locale][w] for w in words if rest.startswith(w) and (locale == "ja" or rest == w
                  or rest[len(w):][:1] in (" ", ""))), 1)
    return Decimal(figure) * scale


@settings(max_examples=300, deadline=None)
@given(digits=st.integers(1, MAX_AMOUNT_DIGITS), data=st.data(),
       locale=st.sampled_from(["ja", "en-IN", "hi", "fr"]), currency=st.sampled_from(["JPY", "INR", "USD", "EUR"]))
def test_every_amount_reads_back_as_its_value(digits: int, data: st.DataObject, locale: str, currency: str) -> None:
    """The exactness rule in every locale: what is printed is the sheet's figure, never a rounded one."""
    mantissa = data.draw(st.integers(10 ** (digits - 1), 10**digits - 1))
    exponent = data.draw(st.integers(-2 - digits + 1, max(-2 - digits + 1, 15 - digits + 1)))
    value = Decimal(mantissa).scaleb(exponent)
    assume(MIN_AMOUNT <= value <= MAX_AMOUNT)
    printed = HouseStyle(locale).money(value, currency)
    assert read_back(printed, locale) == value, printed


# --- lists and names ----------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "expected"), [
    ("ja", "日本、インド、南アフリカ"), ("hi", "जापान, भारत और दक्षिण अफ़्रीका"),
    ("fr", "Japon, Inde et Afrique du Sud"), ("en-IN", "Japan, India and South Africa"),
    ("en-US", "Japan, India, and South Africa"),  # CLDR en's serial comma; en_GB has none
])
def test_join_and_country_names(locale: str, expected: str) -> None:
    style = HouseStyle(locale)
    assert style.join(country_name(code, locale) for code in ("JP", "IN", "ZA")) == expected


@pytest.mark.parametrize(("code", "locale", "expected"), [
    ("KR", "ja", "韓国"), ("KR", "hi", "दक्षिण कोरिया"), ("KR", "fr", "Corée du Sud"),
    ("KR", "en-IN", "South Korea"), ("kr", "ja", "韓国"),
    ("CD", "en-IN", "Democratic Republic of the Congo"),  # English keeps the reading-order names
    ("XK", "ja", "コソボ"), ("QQ", "ja", "QQ"),  # unknown: the code
])
def test_country_name_in_the_locale(code: str, locale: str, expected: str) -> None:
    assert country_name(code, locale) == expected


def test_country_name_defaults_to_english() -> None:
    assert country_name("KR") == "South Korea"


@pytest.mark.parametrize(("code", "locale", "expected"), [
    ("INR", "ja", "インド ルピー"), ("JPY", "hi", "जापानी येन"), ("JPY", "fr", "yen japonais"),
    ("INR", "en-GB", "Indian Rupee"),
])
def test_currency_name(code: str, locale: str, expected: str) -> None:
    assert currency_name(code, locale) == expected


@pytest.mark.parametrize(("tag", "in_locale", "expected"), [
    ("ja", None, "日本語"), ("hi", None, "हिन्दी"), ("en-GB", None, "English"), ("fr", None, "français"),
    ("ja", "en-GB", "Japanese"), ("en", "ja", "英語"), ("hi", "fr", "hindi"), ("ja-JP", "hi", "जापानी"),
])
def test_language_name(tag: str, in_locale: str | None, expected: str) -> None:
    assert language_name(tag, in_locale) == expected
