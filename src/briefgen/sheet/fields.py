"""Field checks of the fact-sheet format: the constrained types its models are built of, and their validators."""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import math
import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    WithJsonSchema,
)

from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.completions import TODAY, IanaZones, IsoCodes, editor_choice
from briefgen.sheet.ids import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    INDEX_PAGE_ID,
    RESERVED_ID_PREFIX,
    RESERVED_IDS,
    WINDOWS_DEVICE_NAMES,
    is_reserved_id,
    is_windows_device_name,
)

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Written without flags so that the JSON Schema (ECMA-262 regex) can use it as it is.
_HTTP_URL_RE = re.compile(r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/]+")
# What the schema can say about dates: the shape and plausible months and days. Whether
# the day exists in that month (2025-02-30) only `check` knows.
_SCHEMA_DATE = r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_SCHEMA_SINCE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"

#: Limits on what one sheet may cost: far above any real brief, far below a slow build.
MAX_LINE = 500
MAX_MARKDOWN = 20_000
MAX_MARKDOWN_DEPTH = 8
MAX_BRACKETS = 200
#: Python-Markdown's cost grows with the square of the blocks and of the emphasis markers.
MAX_MARKDOWN_LINES = 300
MAX_EMPHASIS = 500
MAX_AMOUNT = Decimal("1000000000000000")
MIN_AMOUNT = Decimal("0.01")
#: Significant digits of an amount: as many as an integer may have (scalars.MAX_INT_DIGITS).
MAX_AMOUNT_DIGITS = 18
MAX_DURATION_MINUTES = 7 * 24 * 60
MAX_PAGE_LIMIT = 1000


class FormatError(ValueError):
    """A value that has the right type but the wrong content.

    `code` is the stable diagnostic code; `hint` tells the analyst how to fix it.
    """

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


def _iso_date(value: Any) -> Any:
    # YAML leaves dates as text (core schema); only the model decides what a date is.
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        raise FormatError("invalid-date", f"expected a date (YYYY-MM-DD), got {describe(value)}",
                          "write the date as YYYY-MM-DD, e.g. 2025-11-23")
    if not _DATE_RE.match(value):
        raise FormatError("invalid-date", f"'{value}' is not a date in the form YYYY-MM-DD",
                          "write the date as YYYY-MM-DD, e.g. 2025-11-23")
    try:
        return _dt.date.fromisoformat(value)
    except ValueError as exc:
        raise FormatError("invalid-date", f"'{value}' is not a real date ({exc})",
                          "check the day and month") from None


def _year_or_date(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, str):
        match = _YEAR_MONTH_RE.match(value)
        if match and (match[2] is None or 1 <= int(match[2]) <= 12):
            return value
        if _DATE_RE.match(value):
            return _iso_date(value).isoformat()
    raise FormatError("invalid-date", f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {describe(value)}",
                      "e.g. since: 2025-08 or since: \"2014\"")


def _exact_amount(value: Any) -> Any:
    """An amount as the Decimal its text says: `1.96e9` is 1960000000 and `0.1` is 0.1, never a float's neighbour.

    The loader's floats keep their text (scalars.WrittenFloat); a float from elsewhere is
    read as Python writes it (its shortest repr).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value  # the Decimal type reports the wrong type
    if isinstance(value, float) and not math.isfinite(value):
        raise FormatError("out-of-range", f"must be a finite number, not {describe(value)}",
                          "write the amount as a number, e.g. 1.5e9")
    text = getattr(value, "text", None)
    number = Decimal(text) if isinstance(text, str) else Decimal(repr(value)) if isinstance(value, float) \
        else Decimal(value)
    digits = len(number.normalize().as_tuple().digits)
    if digits > MAX_AMOUNT_DIGITS:
        raise FormatError("too-many-digits", f"has {digits} significant digits, more than the "
                          f"{MAX_AMOUNT_DIGITS} an amount may have",
                          "write the figure as the source gives it, or round it and add `approx: true`")
    return number


def _clock_time(value: Any) -> Any:
    if isinstance(value, str) and _TIME_RE.match(value):
        return value
    raise FormatError("invalid-time", f"expected a 24-hour time HH:MM, got {describe(value)}",
                      "e.g. start: \"13:40\"")


def _country(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # the str type reports the wrong type
    code = value.strip()
    if len(code) == 2 and code.upper() in _country_codes():
        if code != value:
            raise FormatError("unknown-country", f"'{value}' has spaces around the country code",
                              f"write {code.upper()}")
        if code != code.upper():
            raise FormatError("unknown-country", f"country codes are upper case: '{value}'",
                              f"write {code.upper()}")
        return code
    # No fuzzy "did you mean" here: it costs milliseconds, and a sheet may hold thousands
    # of bad codes. validate.py adds it to the diagnostics that are shown (country_hint).
    raise FormatError("unknown-country", f"'{value[:MAX_LINE]}' is not an ISO 3166-1 alpha-2 country code",
                      COUNTRY_HINT)


@functools.lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    import pycountry  # imported lazily: loading the ISO tables costs time

    return frozenset(country.alpha_2 for country in pycountry.countries)


COUNTRY_HINT = "use an ISO 3166-1 alpha-2 code, e.g. JP for Japan, IN for India"


def country_hint(value: str) -> str:
    """A did-you-mean for an unknown country (a fuzzy search: call it only for shown diagnostics)."""
    import pycountry

    if len(value.strip()) <= 2:
        return COUNTRY_HINT  # two letters match too much to suggest anything
    try:
        found = pycountry.countries.search_fuzzy(value[:100])
    except LookupError:
        found = []
    return f"did you mean {found[0].alpha_2} ({found[0].name})?" if found else COUNTRY_HINT


def _currency(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    import pycountry

    if len(value) == 3 and value.isupper() and pycountry.currencies.get(alpha_3=value):
        return value
    upper = value.upper()
    hint = "use an ISO 4217 code, e.g. JPY, INR, USD, EUR"
    if pycountry.currencies.get(alpha_3=upper) if len(upper) == 3 else None:
        hint = f"write {upper}"
    raise FormatError("unknown-currency", f"'{value}' is not an ISO 4217 currency code", hint)


#: Line breaks of every kind: str.splitlines breaks at all of them, and so would a reader.
_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
#: Bidirectional overrides and isolates reorder text as displayed ("Trojan Source").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Letters and symbols that draw nothing: a title of them looks blank.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5")


_BREAK_CHARS = re.compile("[" + "".join(re.escape(c) for c in sorted(_BREAKS)) + "]")


@functools.cache
def _known_zones() -> frozenset[str]:
    """The IANA zone names, read from disk once per process: a walk of the tz folders (27 ms) per sheet
    was a third of `check`'s time on 100 sheets."""
    import zoneinfo  # lazily: the list of zones is read from disk

    return frozenset(zoneinfo.available_timezones())


def _timezone(value: str) -> str:
    known = _known_zones()
    if value in known:
        return value
    import difflib

    by_fold = {name.casefold(): name for name in known}
    close = by_fold.get(value.strip().casefold().replace(" ", "_"))
    if close is None:
        found = difflib.get_close_matches(value.replace(" ", "_"), sorted(known), n=1, cutoff=0.6)
        close = found[0] if found else None
    hint = f"did you mean {close}?" if close else "use an IANA zone name, e.g. Africa/Johannesburg, Europe/London"
    raise FormatError("unknown-timezone", f"'{value}' is not an IANA time zone name", hint)


def _language_tag(value: str) -> str:
    if not LANG_RE.match(value):
        raise FormatError("invalid-value", f"'{value}' is not a language tag",
                          "use a BCP 47 tag such as ja, hi, ar, zh-Hant")
    return value


def _one_line(value: str) -> str:
    if _BREAK_CHARS.search(value.strip()):
        raise FormatError("not-one-line", "must be a single line of text",
                          "remove the line breaks (use a plain or quoted scalar, not `|`)")
    return value


#: Every control character (category Cc) and bidirectional control, as one character class.
_CONTROLS = frozenset(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))) | _BIDI_CONTROLS


def _char_class(chars: frozenset[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _control_error(value: str, match: re.Match[str], hint: str) -> FormatError:
    return FormatError("control-character",
                       f"holds the control character U+{ord(match[0]):04X} at character {match.start() + 1}", hint)


def _no_controls(allowed: frozenset[str]) -> Any:
    # One regular expression per field kind: a character loop in Python made `check` slow.
    pattern = _char_class(_CONTROLS - allowed - _BREAKS)

    def check(value: str) -> str:
        match = pattern.search(value)
        if match:
            raise _control_error(value, match, "remove it: control and bidirectional-override characters are not text")
        return value
    return check


#: In Markdown, \n and \t are text; every other break or control is not.
_MARKDOWN_CONTROLS = _char_class((_CONTROLS | {"\u2028", "\u2029"}) - {"\n", "\t"})


def _markdown_controls(value: str) -> str:
    match = _MARKDOWN_CONTROLS.search(value)
    if match:
        raise _control_error(value, match, "remove it: only line breaks and tabs are allowed besides text")
    return value


def _at_most(limit: int) -> Any:
    def check(value: str) -> str:
        if len(value) > limit:
            raise FormatError("too-long", f"is {len(value):,} characters long, more than the {limit:,} allowed",
                              "shorten it: a briefing note is read in minutes")
        return value
    return check


def _visible(char: str) -> bool:
    return not char.isspace() and char not in _INVISIBLE and unicodedata.category(char) not in (
        "Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cs", "Cn")


_ASCII_VISIBLE = re.compile(r"[!-~]")


def _not_blank(value: str) -> str:
    if not _ASCII_VISIBLE.search(value) and not any(_visible(char) for char in value):
        raise FormatError("empty-value", "must not be empty (it has no visible characters)",
                          "write the text, or remove the key")
    return value


_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")


def markdown_depth(text: str) -> int:
    """An upper bound of how deeply a line of Markdown nests blockquotes and lists.

    Counted before rendering (Markdown and WeasyPrint recurse per level and fail deep
    down): every `>` and list marker at the start of a line, and every 4 columns of indentation.
    """
    deepest = 0
    for line in text.split("\n"):
        depth = 0
        index = 0
        column = 0
        while index < len(line):
            char = line[index]
            if char == " ":
                column += 1
                index += 1
                continue
            if char == "\t":
                column += 4 - column % 4
                index += 1
                continue
            marker = _LIST_MARKER.match(line, index)
            if char == ">" or marker:
                depth += 1 + column // 4
                column = 0
                index = marker.end() if marker and char != ">" else index + 1
                continue
            break
        deepest = max(deepest, depth + column // 4)
    return deepest


def _markdown_cost(value: str) -> str:
    depth = markdown_depth(value)
    if depth > MAX_MARKDOWN_DEPTH:
        raise FormatError("too-deep", f"nests quotes or lists {depth} levels deep, more than the "
                          f"{MAX_MARKDOWN_DEPTH} allowed", "flatten the quotes and lists (or the indentation)")
    lines = value.count("\n") + 1
    if lines > MAX_MARKDOWN_LINES:
        raise FormatError("too-long", f"has {lines:,} lines, more than the {MAX_MARKDOWN_LINES} allowed",
                          "shorten it, or split it into sections")
    emphasis = value.count("*") + value.count("_")
    if emphasis > MAX_EMPHASIS:
        raise FormatError("too-much-markup", f"holds {emphasis:,} emphasis markers (* and _), more than the "
                          f"{MAX_EMPHASIS} allowed", "a brief needs a little emphasis: remove the rest")
    brackets = value.count("[") + value.count("]")
    if brackets > MAX_BRACKETS:
        raise FormatError("too-many-brackets", f"holds {brackets:,} square brackets, more than the "
                          f"{MAX_BRACKETS} allowed", "a brief needs a few links: remove the others")
    return value


def _http_url(value: str) -> str:
    if not _HTTP_URL_RE.match(value):
        raise FormatError("invalid-url", f"'{value}' is not an http or https URL",
                          "only http:// and https:// links can be cited")
    return value


def describe(value: Any) -> str:
    """A value as an analyst would name it in a message: "the number 1.1", "a list"…"""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


def text_schema(description: str | None = None, **more: Any) -> WithJsonSchema:
    # minLength is as much of "not blank" as a schema can say (whitespace passes it).
    schema: dict[str, Any] = {"type": "string", "minLength": 1, **more}
    if description is not None:
        schema["description"] = description
    return WithJsonSchema(schema)



LEVELS_HELP = "; ".join(f"{name}: {' < '.join(scheme.levels)}" for name, scheme in SCHEMES.items())

# The cheap checks first: a megabyte of text is refused before it is scanned.
Text = Annotated[str, AfterValidator(_at_most(MAX_MARKDOWN)), AfterValidator(_markdown_controls),
                 AfterValidator(_markdown_cost), AfterValidator(_not_blank), text_schema(maxLength=MAX_MARKDOWN)]
Line = Annotated[str, AfterValidator(_at_most(MAX_LINE)), AfterValidator(_one_line),
                 AfterValidator(_no_controls(frozenset())), AfterValidator(_not_blank),
                 text_schema(maxLength=MAX_LINE)]
Markdown = Annotated[str, AfterValidator(_at_most(MAX_MARKDOWN)), AfterValidator(_markdown_controls),
                     AfterValidator(_markdown_cost), AfterValidator(_not_blank),
                     text_schema("Markdown text (raw HTML is never passed through)", maxLength=MAX_MARKDOWN)]
IsoDate = Annotated[_dt.date, BeforeValidator(_iso_date), WithJsonSchema({
    "type": "string", "pattern": f"^{_SCHEMA_DATE}$", "patternErrorMessage": "a date as YYYY-MM-DD, e.g. 2025-11-23",
    "defaultSnippets": [TODAY]})]
CountryCode = Annotated[str, BeforeValidator(_country), IsoCodes(
    "countries", "ISO 3166-1 alpha-2 country code in capitals, e.g. JP, IN",
    "not an ISO 3166-1 alpha-2 country code: use two capitals, e.g. JP for Japan", "CountryCode")]
CurrencyCode = Annotated[str, BeforeValidator(_currency), IsoCodes(
    "currencies", "ISO 4217 currency code in capitals, e.g. JPY, INR",
    "not an ISO 4217 currency code: use three capitals, e.g. JPY, INR, USD, EUR", "CurrencyCode")]
# The levels a sheet may use depend on its scheme: FactSheet's schema narrows every
# Level to an enum of its scheme (see _levels_by_scheme).
Level = Annotated[Line, text_schema(f"A classification level of the sheet's scheme ({LEVELS_HELP})")]
SourceRefs = Annotated[list[Line], Field(description="Ids of entries in `sources` that back this item")]
ClockTime = Annotated[str, BeforeValidator(_clock_time), WithJsonSchema({
    "type": "string", "pattern": _TIME_RE.pattern, "patternErrorMessage": "a 24-hour time HH:MM, e.g. \"13:40\"",
    "defaultSnippets": [editor_choice('"HH:MM"', '"${1:09}:${2:00}"', "A 24-hour local time, quoted")]})]
HttpUrl = Annotated[str, AfterValidator(_http_url), WithJsonSchema({
    "type": "string", "pattern": _HTTP_URL_RE.pattern, "patternErrorMessage": "an http:// or https:// link"})]
# YAML reads `since: 2014` as a number, and check accepts it: so must the schema.
# (minimum and maximum apply to the number only, pattern to the text only.)
YearOrDate = Annotated[str, BeforeValidator(_year_or_date), WithJsonSchema({
    "type": ["string", "integer"], "minimum": 1000, "maximum": 9999, "pattern": _SCHEMA_SINCE,
    "patternErrorMessage": "YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2025-08"})]
def _not_reserved(value: str) -> str:
    if is_reserved_id(value):
        raise FormatError("reserved-id", f"'{value}' is a name briefgen uses for its own files",
                          f"choose another id (not index, index-2…, manifest or {RESERVED_ID_PREFIX}…)")
    if is_windows_device_name(value):
        raise FormatError("reserved-id", f"'{value}' is a name Windows keeps for a device: the brief's files "
                          f"({value}.html, {value}.pdf) could not exist there",
                          f"choose another id, e.g. {value}-talks")
    return value


TimeZone = Annotated[str, AfterValidator(_timezone), IanaZones(
    "IANA time zone of the venue, e.g. Africa/Johannesburg; times are printed with it")]
LanguageTag = Annotated[str, AfterValidator(_language_tag), WithJsonSchema({
    "type": "string", "pattern": LANG_RE.pattern, "patternErrorMessage": "a language tag, e.g. ja, hi, ar"})]
#: A State Department office symbol: bureau and office joined by slashes or hyphens (EAP/J, S/ES-CR).
_OFFICE_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:[/-][A-Z0-9]+)*$")


def _office_symbol(value: str) -> str:
    if not _OFFICE_RE.match(value):
        raise FormatError("invalid-office-symbol", f"'{value[:MAX_LINE]}' is not an office symbol",
                          "write it as the Department does: capitals and digits joined by / or -, e.g. EAP/J, "
                          "PM/RSAT, S/ES-CR")
    return value


OfficeSymbol = Annotated[Line, AfterValidator(_office_symbol), WithJsonSchema({
    "type": "string", "pattern": _OFFICE_RE.pattern,
    "patternErrorMessage": "an office symbol in capitals, e.g. EAP/J or PM/RSAT"})]
BriefId = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH), WithJsonSchema({
    "type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX_LENGTH,
    "patternErrorMessage": "lower-case letters, digits and single hyphens, e.g. g20-2025"})]
def _cross_ref(value: str) -> str:
    if len(value) <= ID_MAX_LENGTH and re.fullmatch(ID_PATTERN, value):
        return value
    shown = value[:ID_MAX_LENGTH] + ("…" if len(value) > ID_MAX_LENGTH else "")
    words = re.sub(r"[^a-z0-9]+", "-", value.casefold()).strip("-")[:ID_MAX_LENGTH].strip("-")
    too_long = f"at most {ID_MAX_LENGTH} characters of " if len(value) > ID_MAX_LENGTH else ""
    raise FormatError("invalid-ref", f"'{shown}' is not a slug: a ref is {too_long}lower-case letters a–z, digits "
                      "and single hyphens between them (no spaces, capitals or accents)",
                      f"write `ref: {words}`" if re.search(r"[a-z]", words) else
                      "write the name in lower-case ASCII with hyphens, e.g. narendra-modi")


#: What names one person, framework or commitment in every sheet that mentions it (`ref`):
#: the key of the pages across briefs and of the project's registry.
CrossRef = Annotated[str, AfterValidator(_cross_ref), WithJsonSchema({
    "type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX_LENGTH,
    "patternErrorMessage": "lower-case letters, digits and single hyphens, e.g. narendra-modi"})]
#: The id of a brief names its output files, so briefgen's own names are reserved.
SheetId = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH), AfterValidator(_not_reserved),
                    WithJsonSchema({
    "type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX_LENGTH,
    "not": {"anyOf": [{"enum": sorted(RESERVED_IDS | WINDOWS_DEVICE_NAMES)}, {"pattern": f"^{RESERVED_ID_PREFIX}"},
                       {"pattern": f"^{INDEX_PAGE_ID}$"}]},
    "patternErrorMessage": "lower-case letters, digits and single hyphens, e.g. g20-2025"})]


#: A portion's own caveats (None: the document's). An empty list says "none", e.g. for an
#: OFFICIAL paragraph of a UK EYES ONLY note that may go to partners.
PortionCaveats = Annotated[list[Line] | None, Field(
    description="Caveats of this portion, e.g. [UK EYES ONLY] or [REL TO USA, AUS]; unmarked portions "
                "have the document's; [] for none")]
#: A portion's own public clearance (None: the document's `cleared_for_public`).
PortionPublic = Annotated[bool | None, Field(
    description="false to keep this portion from a public release of a note cleared for public release")]


def _scheme_name(value: str) -> str:
    if value not in SCHEMES:
        expected = " or ".join(f"'{name}'" for name in SCHEMES)
        close = difflib.get_close_matches(value, list(SCHEMES), n=1, cutoff=0.5)
        raise FormatError("invalid-value", f"cannot be '{value}': expected {expected}",
                          f"did you mean `{close[0]}`?" if close else f"use one of: {', '.join(SCHEMES)}")
    return value


#: A scheme is one of the files in briefgen/schemes/: adding a file adds a scheme.
SchemeName = Annotated[str, AfterValidator(_scheme_name), WithJsonSchema({"enum": list(SCHEMES)})]

#: An amount's value: exact, as written (a Decimal from the YAML text), within the limits.
AmountValue = Annotated[Decimal, BeforeValidator(_exact_amount), Field(ge=MIN_AMOUNT, le=MAX_AMOUNT),
                        WithJsonSchema({"type": "number", "minimum": float(MIN_AMOUNT),
                                        "maximum": float(MAX_AMOUNT)})]
