"""The fact-sheet format, version 1: the single source of truth for its shape.

Field descriptions become hover help in editors through the JSON Schema
(`briefgen schema`). Checks that need more than one field at a time live in
`rules.py`; checks that need a scheme (classification levels) live there too.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    Tag,
    WithJsonSchema,
)
from pydantic.config import JsonDict
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from briefgen.sheet.classification import SCHEMES, Scheme
from briefgen.sheet.kinds import KINDS

FORMAT_VERSION = 1

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX_LENGTH = 64
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Written without flags so that the JSON Schema (ECMA-262 regex) can use it as it is.
_HTTP_URL_RE = re.compile(r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/]+")
# What the schema can say about dates: the shape and plausible months and days. Whether
# the day exists in that month (2025-02-30) only `check` knows.
_SCHEMA_DATE = r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_SCHEMA_SINCE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"


#: Names of files briefgen writes beside the briefs: no brief may take them.
RESERVED_IDS = frozenset({"index", "manifest"})
RESERVED_ID_PREFIX = "briefgen-"
#: Names Windows keeps for devices, in any case and before any extension (NUL.txt and
#: NUL.tar.gz are both NUL): no file can have one there, so no brief may (Microsoft,
#: "Naming Files, Paths, and Namespaces", Naming Conventions).
WINDOWS_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul",
                                  *(f"{port}{digit}" for port in ("com", "lpt") for digit in "123456789¹²³")})

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
#: Significant digits of an amount: as many as an integer may have (loader.MAX_INT_DIGITS).
MAX_AMOUNT_DIGITS = 18
MAX_DURATION_MINUTES = 7 * 24 * 60
MAX_PAGE_LIMIT = 1000


def is_valid_id(text: str) -> bool:
    """Whether `text` can name a brief (and its output files): the rule of the `id` key.

    Lower-case letters, digits and single hyphens (so no trailing dot or space, and no two
    ids that differ only in case), at most ID_MAX_LENGTH, and neither a name briefgen
    keeps for itself nor one Windows keeps for a device.
    """
    # fullmatch: with re.match, `$` also matches before a trailing newline.
    return (len(text) <= ID_MAX_LENGTH and re.fullmatch(ID_PATTERN, text) is not None
            and not is_reserved_id(text) and not is_windows_device_name(text))


def is_reserved_id(text: str) -> bool:
    """Whether `text` is a name briefgen gives its own files (index, manifest, briefgen-*)."""
    return text in RESERVED_IDS or text.startswith(RESERVED_ID_PREFIX)


def is_windows_device_name(name: str) -> bool:
    """Whether Windows takes the file name `name` for a device (con, NUL.txt, Lpt1 .tar.gz…)."""
    return name.partition(".")[0].rstrip(" ").casefold() in WINDOWS_DEVICE_NAMES


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

    The loader's floats keep their text (loader.WrittenFloat); a float from elsewhere is
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


def _timezone(value: str) -> str:
    import zoneinfo  # lazily: the list of zones is read from disk

    known = zoneinfo.available_timezones()
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
    if not _LANG_RE.match(value):
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


def editor_choice(label: str, body: str, description: str | None = None) -> dict[str, str]:
    """A value an editor offers: a `defaultSnippets` entry (a VS Code extension keyword).

    The editor inserts `body` as a snippet: `${1:09}` is a tab stop with a default,
    `${CURRENT_YEAR}` a variable the editor fills in.
    """
    choice = {"label": label, "body": body}
    if description is not None:
        choice["description"] = description
    return choice


def one_of(values: list[str] | tuple[str, ...]) -> str:
    """A pattern matching exactly one of `values` (plain words, hyphens and spaces only)."""
    assert all(re.fullmatch(r"[A-Za-z0-9 -]+", value) for value in values), values
    return "^(?:" + "|".join(values) + ")$"


#: Marks a schema that schema.py moves into `definitions` under this name, so that the long
#: lists of codes and zones are written once, not once per key that takes them.
DEFINITION = "x-briefgen-definition"

#: Today's date, as the editor knows it (VS Code's snippet variables). A static schema can
#: offer no other date: the meeting's is different in every sheet.
TODAY = editor_choice("today", "${CURRENT_YEAR}-${CURRENT_MONTH}-${CURRENT_DATE}",
                      "Today's date, filled in by the editor (YYYY-MM-DD)")


@dataclass(frozen=True)
class IsoCodes:
    """The JSON Schema of an ISO code: every code pycountry knows, offered by code and name.

    Built only when a schema is generated, so that loading the model does not load the
    ISO tables. A pattern (not an enum) says which codes are valid, so that hovering a
    code shows one line, not every code; the editor offers each as "JP — Japan", found
    by typing either.
    """

    table: Literal["countries", "currencies"]
    description: str
    #: Shown instead of the editor's own message (a VS Code extension keyword).
    error: str
    #: Its name in the schema's definitions.
    name: str

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        import pycountry

        if self.table == "countries":
            named = sorted((c.alpha_2, c.name) for c in pycountry.countries)
        else:
            named = sorted((c.alpha_3, c.name) for c in pycountry.currencies)
        return {"type": "string", "pattern": one_of([code for code, _ in named]),
                "patternErrorMessage": self.error, "errorMessage": self.error, "description": self.description,
                "defaultSnippets": [editor_choice(f"{code} — {name}", code, name) for code, name in named],
                DEFINITION: self.name}


@dataclass(frozen=True)
class IanaZones:
    """The JSON Schema of a time zone: the IANA zones of the tz database, offered by name.

    The list is the `tzdata` package's zone.tab (a zone per country and region) and UTC,
    each described by its country, so that the committed schema depends on that
    package's version only. It only offers names: `check` accepts every zone the running
    system knows (links such as Asia/Calcutta too), and the schema is never stricter.
    """

    description: str

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "minLength": 1, "description": self.description,
                "defaultSnippets": [editor_choice(zone, zone, where) for zone, where in iana_zones()],
                DEFINITION: "TimeZone"}


def iana_zones() -> list[tuple[str, str]]:
    """(zone, where it is) for each zone of tzdata's zone.tab, and UTC, sorted by zone."""
    from importlib import resources

    import pycountry

    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones = {"UTC": "Coordinated Universal Time"}
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _coordinates, zone, *comment = line.split("\t")
        country = pycountry.countries.get(alpha_2=code)
        where = country.name if country is not None else code
        zones[zone] = f"{where} ({comment[0]})" if comment else where
    return sorted(zones.items())


def _text_schema(description: str | None = None, **more: Any) -> WithJsonSchema:
    # minLength is as much of "not blank" as a schema can say (whitespace passes it).
    schema: dict[str, Any] = {"type": "string", "minLength": 1, **more}
    if description is not None:
        schema["description"] = description
    return WithJsonSchema(schema)


_LEVELS_HELP = "; ".join(f"{name}: {' < '.join(scheme.levels)}" for name, scheme in SCHEMES.items())

# The cheap checks first: a megabyte of text is refused before it is scanned.
Text = Annotated[str, AfterValidator(_at_most(MAX_MARKDOWN)), AfterValidator(_markdown_controls),
                 AfterValidator(_markdown_cost), AfterValidator(_not_blank), _text_schema(maxLength=MAX_MARKDOWN)]
Line = Annotated[str, AfterValidator(_at_most(MAX_LINE)), AfterValidator(_one_line),
                 AfterValidator(_no_controls(frozenset())), AfterValidator(_not_blank),
                 _text_schema(maxLength=MAX_LINE)]
Markdown = Annotated[str, AfterValidator(_at_most(MAX_MARKDOWN)), AfterValidator(_markdown_controls),
                     AfterValidator(_markdown_cost), AfterValidator(_not_blank),
                     _text_schema("Markdown text (raw HTML is never passed through)", maxLength=MAX_MARKDOWN)]
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
Level = Annotated[Line, _text_schema(f"A classification level of the sheet's scheme ({_LEVELS_HELP})")]
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
                          f"choose another id (not index, manifest or {RESERVED_ID_PREFIX}…)")
    if is_windows_device_name(value):
        raise FormatError("reserved-id", f"'{value}' is a name Windows keeps for a device: the brief's files "
                          f"({value}.html, {value}.pdf) could not exist there",
                          f"choose another id, e.g. {value}-talks")
    return value


TimeZone = Annotated[str, AfterValidator(_timezone), IanaZones(
    "IANA time zone of the venue, e.g. Africa/Johannesburg; times are printed with it")]
LanguageTag = Annotated[str, AfterValidator(_language_tag), WithJsonSchema({
    "type": "string", "pattern": _LANG_RE.pattern, "patternErrorMessage": "a language tag, e.g. ja, hi, ar"})]
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
#: The id of a brief names its output files, so briefgen's own names are reserved.
SheetId = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH), AfterValidator(_not_reserved),
                    WithJsonSchema({
    "type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX_LENGTH,
    "not": {"anyOf": [{"enum": sorted(RESERVED_IDS | WINDOWS_DEVICE_NAMES)}, {"pattern": f"^{RESERVED_ID_PREFIX}"}]},
    "patternErrorMessage": "lower-case letters, digits and single hyphens, e.g. g20-2025"})]


#: A portion's own caveats (None: the document's). An empty list says "none", e.g. for an
#: OFFICIAL paragraph of a UK EYES ONLY note that may go to partners.
PortionCaveats = Annotated[list[Line] | None, Field(
    description="Caveats of this portion, e.g. [UK EYES ONLY] or [REL TO USA, AUS]; unmarked portions "
                "have the document's; [] for none")]
#: A portion's own public clearance (None: the document's `cleared_for_public`).
PortionPublic = Annotated[bool | None, Field(
    description="false to keep this portion from a public release of a note cleared for public release")]


class Strict(BaseModel):
    """Base of every format model: unknown keys are errors, no silent coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PortionText(Strict):
    """A portion with a level of its own, or with the sources it rests on."""

    text: Markdown = Field(description="The portion itself (Markdown)")
    classification: Level | None = Field(
        None, description="Level of this portion; unmarked portions have the document's level")
    sources: SourceRefs = Field(default_factory=list)
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


def _portion_tag(value: Any) -> str:
    return "mapping" if isinstance(value, dict) else "text"


def _as_portion(value: Any) -> Any:
    return PortionText(text=value, classification=None) if isinstance(value, str) else value


Portion = Annotated[
    Annotated[Markdown, Tag("text")] | Annotated[PortionText, Tag("mapping")],
    Discriminator(_portion_tag),
    AfterValidator(_as_portion),
    # The type lets editors complete a portion as text (or a mapping), not as a bare key.
    Field(description="Markdown text, or {text, classification, sources} to mark its own level or cite sources",
          json_schema_extra={"type": ["string", "object"]}),
]


class Recommendation(Strict):
    """A recommendation: what the principal is asked to decide (a decision line in an action memo)."""

    text: Markdown = Field(description="The recommendation, e.g. That you agree … (Markdown)")
    decide_by: IsoDate | None = Field(
        None, description="Date the decision is needed by (YYYY-MM-DD); an action memo's is at least five "
                          "business days after document.date")
    classification: Level | None = Field(
        None, description="Level of this recommendation; unmarked ones have the document's level")
    sources: SourceRefs = Field(default_factory=list)
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


def _as_recommendation(value: Any) -> Any:
    return Recommendation(text=value) if isinstance(value, str) else value


RecommendationPortion = Annotated[
    Annotated[Markdown, Tag("text")] | Annotated[Recommendation, Tag("mapping")],
    Discriminator(_portion_tag),
    AfterValidator(_as_recommendation),
    Field(description="Markdown text, or {text, decide_by, classification} to add a date or a level of its own",
          json_schema_extra={"type": ["string", "object"]}),
]


class Annex(Strict):
    """An annex (UK) or attachment (US, "Tab 1"): a document that goes with the note."""

    title: Line = Field(description="Title of the annex, e.g. Draft joint statement")
    body: Markdown | None = Field(None, description="Its text (Markdown); leave out for an annex sent separately")
    classification: Level | None = Field(
        None, description="Level of this annex; unmarked annexes have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


class CuiDesignation(Strict):
    """The CUI designation indicator of a US document (32 CFR 2002.20): who controls it and how."""

    controlled_by: Line | None = Field(
        None, description="The agency (and office) that designated the information, e.g. Department of State, EAP/J")
    category: Line | None = Field(None, description="CUI category or categories, e.g. PRVCY, or SP-EXPT")
    dissemination: Line | None = Field(
        None, description="Limited dissemination control, e.g. NOFORN, FEDCON (leave out when none applies)")
    contact: Line | None = Field(
        None, description="Point of contact: a name with an e-mail address or telephone number")


class ClassifiedBy(Strict):
    """Who classified the note (E.O. 13526 §1.6(a)(1)-(2)): by name and position, and their office."""

    name: Line = Field(description="Name of the classifier, e.g. Jane Roe")
    title: Line = Field(description="Their position, e.g. Director")
    office: Line | None = Field(None, description="Agency and office of origin, e.g. Department of State, EAP/MTS")


class ClassificationAuthority(Strict):
    """The classification authority block of a US classified note (E.O. 13526 §1.6)."""

    classified_by: ClassifiedBy = Field(description="Who classified it: {name, title, office}")
    reason: Line | None = Field(
        None, description="The §1.4 categories, e.g. \"1.4(b), (d)\" (original classification)")
    derived_from: Line | None = Field(
        None, description="The source of a derivative classification, e.g. \"State SCG 2024, dated 20240115\"")
    declassify_on: Line = Field(
        description="A date (YYYY-MM-DD) after the note's date and at most 25 years on, an exemption "
                    "(25X1…25X9 with a date, 50X1-HUM, 50X2-WMD) or an event")


def _scheme_name(value: str) -> str:
    if value not in SCHEMES:
        expected = " or ".join(f"'{name}'" for name in SCHEMES)
        close = difflib.get_close_matches(value, list(SCHEMES), n=1, cutoff=0.5)
        raise FormatError("invalid-value", f"cannot be '{value}': expected {expected}",
                          f"did you mean `{close[0]}`?" if close else f"use one of: {', '.join(SCHEMES)}")
    return value


#: A scheme is one of the files in briefgen/schemes/: adding a file adds a scheme.
SchemeName = Annotated[str, AfterValidator(_scheme_name), WithJsonSchema({"enum": list(SCHEMES)})]


class Classification(Strict):
    """The sheet's classification: its scheme, overall level and caveats."""

    level: Level = Field(description="Overall level of the document: the highest level of any portion")
    scheme: SchemeName = Field("uk", description=f"The set of levels the sheet uses: {_LEVELS_HELP}")
    caveats: list[Line] = Field(default_factory=list, description="Handling caveats, e.g. UK EYES ONLY")
    header: Level | None = Field(
        None, description="Level of the title, meeting and participant block (default: level)")
    cui: CuiDesignation | None = Field(
        None, description="US scheme: the CUI designation indicator {controlled_by, category, dissemination, contact}")
    cleared_for_public: bool = Field(
        False, description="true once the note is cleared for public release (by its press office or "
                           "originator): only then does anything of it reach a public audience")
    authority: ClassificationAuthority | None = Field(
        None, description="US scheme: the classification authority block of a classified note "
                          "{classified_by, reason or derived_from, declassify_on}")
    handling: Line | None = Field(
        None, description="UK scheme: a handling instruction printed on page 1 where the originator restricts "
                          "onward distribution, e.g. Not to be forwarded beyond the addressees")


class Person(Strict):
    """The analyst who drafted the note."""

    name: Line = Field(description="Full name")
    unit: Line | None = Field(None, description="Team or department")
    office: OfficeSymbol | None = Field(
        None, description="Office symbol, as State Department memos print it before the name, e.g. EAP/J")


class Clearance(Strict):
    """Someone who cleared the note: a line of a US clearance list, or a UK "cleared by"."""

    name: Line = Field(description="Full name")
    unit: Line | None = Field(None, description="Team or department")
    office: OfficeSymbol | None = Field(None, description="Office symbol of the clearing office, e.g. EAP/J or L/EAP")
    date: IsoDate | None = Field(None, description="Date of clearance (YYYY-MM-DD)")


class Document(Strict):
    """About the note itself."""

    date: IsoDate = Field(description="Date of origin of this note (YYYY-MM-DD)")
    reference: Line | None = Field(None, description="File or registry reference")
    version: Line | None = Field(None, description="Version label, as text: quote it, e.g. \"1.10\"")
    status: Literal["draft", "final"] = Field("draft", description="A draft carries a DRAFT watermark")
    drafted_by: Person | None = Field(None, description="Who drafted the note: {name, unit, office}")
    cleared_by: list[Clearance] = Field(
        default_factory=list, description="Who cleared the note: {name, unit, office, date}")
    addressee: Line | None = Field(
        None, description="Whom the note is for: the To line of a submission (e.g. Foreign Secretary), "
                          "the ACTION MEMO FOR / INFO MEMO FOR line of a memo (e.g. THE SECRETARY)")
    sender: Line | None = Field(
        None, description="Who sends it: the FROM line of a memo (e.g. EAP – Jane Example), the From line of a "
                          "submission (default: drafted_by)")
    contact: Line | None = Field(
        None, description="How readers reach the drafting desk, e.g. a telephone number or e-mail address")
    page_limit: Annotated[int, Field(ge=1, le=MAX_PAGE_LIMIT)] | None = Field(
        None, description="Maximum number of pages; the build warns when exceeded")


class Venue(Strict):
    """Where the meeting took place; city and country are required unless it was a call."""

    name: Line | None = Field(None, description="Building or place, e.g. Nasrec Expo Centre")
    city: Line | None = Field(None, description="City (required unless the meeting is a call)")
    country: CountryCode | None = Field(None, description="ISO 3166-1 alpha-2 code of the host country "
                                                          "(required unless the meeting is a call)")


# Not a call: a venue with a city and a country (the missing-venue rule; format defaults to bilateral).
_VENUE_UNLESS_CALL: JsonDict = {
    "if": {"properties": {"format": {"const": "call"}}, "required": ["format"]},
    "else": {"required": ["venue"],
             "properties": {"venue": {"type": "object", "required": ["city", "country"]}}},
}


class Meeting(Strict):
    """About the meeting."""

    model_config = ConfigDict(json_schema_extra=_VENUE_UNLESS_CALL)

    date: IsoDate = Field(description="Date of the meeting (YYYY-MM-DD)")
    occasion: Line | None = Field(None, description="The event the meeting took place at, e.g. G20 Leaders' Summit")
    format: Literal["bilateral", "multilateral", "call", "pull-aside"] = Field(
        "bilateral", description="bilateral (participants from two countries), multilateral, call or pull-aside")
    start: ClockTime | None = Field(None, description="Local start time, HH:MM (24-hour)")
    duration_minutes: Annotated[int, Field(gt=0, le=MAX_DURATION_MINUTES)] | None = Field(
        None, description="Length of the meeting in minutes")
    venue: Venue | None = Field(None, description="Required (with city and country) unless format is call")
    timezone: TimeZone | None = Field(
        None, description="IANA time zone of the start time, e.g. Africa/Johannesburg: printed as 13:40 SAST (UTC+2)")


class Participant(Strict):
    """Someone who took part in the meeting."""

    name: Line = Field(description="Full name")
    title: Line = Field(description="Office, e.g. Prime Minister of Japan")
    country: CountryCode = Field(description="ISO 3166-1 alpha-2 code of the country the participant represents")
    id: BriefId | None = Field(None, description="A short handle, unique among the participants")
    native_name: Line | None = Field(None, description="Name in the participant's own script")
    native_name_lang: LanguageTag | None = Field(
        None, description="Language of native_name (BCP 47, e.g. ja, hi, ar); default: guessed from its script")
    role: Literal["principal", "delegation"] = Field(
        "delegation", description="principal (leads their side) or delegation")
    bio: Markdown | None = Field(None, description="Short biography (Markdown)")


class Framework(Strict):
    """A framework the meeting reaffirmed, launched or referenced."""

    name: Line = Field(description="Name of the framework, e.g. Free and Open Indo-Pacific")
    status: Literal["reaffirmed", "launched", "referenced"] = Field(
        "reaffirmed", description="What the meeting did with it")
    since: YearOrDate | None = Field(None, description="When it started: YYYY, YYYY-MM or YYYY-MM-DD")
    note: Markdown | None = Field(None, description="A short explanation (Markdown)")
    sources: SourceRefs = Field(default_factory=list)
    classification: Level | None = Field(
        None, description="Level of this item; unmarked items have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


#: An amount's value: exact, as written (a Decimal from the YAML text), within the limits.
AmountValue = Annotated[Decimal, BeforeValidator(_exact_amount), Field(ge=MIN_AMOUNT, le=MAX_AMOUNT),
                        WithJsonSchema({"type": "number", "minimum": float(MIN_AMOUNT),
                                        "maximum": float(MAX_AMOUNT)})]
_APPROX_HELP = "true when the value is approximate: printed as \"about …\" (rounded to two significant digits)"


class Money(Strict):
    """A sum of money in one currency."""

    value: AmountValue = Field(description="The amount, a number > 0 without quotes, e.g. 1e13 or 1.25e9; "
                                           "printed exactly as written")
    currency: CurrencyCode = Field(description="ISO 4217 currency code, e.g. JPY")
    approx: bool = Field(False, description=_APPROX_HELP)


def _approx_tag(value: Any) -> str:
    return "approx:list" if isinstance(value, list) else "approx:flag"


class Amount(Strict):
    """The money a commitment involves."""

    value: AmountValue = Field(description="The amount, a number > 0 without quotes, e.g. 1e13 or 1.25e9; "
                                           "printed exactly as written")
    currency: CurrencyCode = Field(description="ISO 4217 currency code, e.g. JPY")
    period: Line | None = Field(None, description="e.g. over the next decade")
    # A list here is how format 1 first wrote the equivalents: still read as `equivalents`.
    approx: Annotated[Annotated[bool, Tag("approx:flag")] | Annotated[list[Money], Tag("approx:list")],
                      Discriminator(_approx_tag)] = Field(
        False, description=_APPROX_HELP + " (a list here is read as `equivalents`)")
    equivalents: list[Money] = Field(
        default_factory=list, description="The amount in other currencies, {value, currency}: printed (≈ …)")

    @property
    def approximate(self) -> bool:
        """Whether the value itself is approximate (`approx: true`)."""
        return self.approx is True

    @property
    def in_other_currencies(self) -> tuple[Money, ...]:
        """The equivalents, however the sheet lists them (`equivalents`, or the older list under `approx`)."""
        return (*self.equivalents, *(self.approx if isinstance(self.approx, list) else ()))


class Commitment(Strict):
    """A commitment in one sector."""

    sector: Line = Field(description="e.g. Semiconductors")
    summary: Markdown = Field(description="What was committed (Markdown)")
    status: Literal["agreed", "reaffirmed", "announced", "proposed", "under-discussion"] = Field(
        "agreed", description="How firm the commitment is")
    parties: list[CountryCode] = Field(
        default_factory=list, description="Countries committed (ISO codes); each should be a participant's")
    organisations: list[Line] = Field(default_factory=list, description="Companies or bodies involved")
    amount: Amount | None = Field(
        None, description="The money involved: {value, currency, approx, period, equivalents}")
    sources: SourceRefs = Field(default_factory=list)
    classification: Level | None = Field(
        None, description="Level of this item; unmarked items have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


class FollowUp(Strict):
    """An action to take after the meeting."""

    action: Text = Field(description="What is to be done (Markdown)")
    owner: Line | None = Field(None, description="Who does it")
    due: IsoDate | None = Field(None, description="By when (YYYY-MM-DD)")
    classification: Level | None = Field(
        None, description="Level of this item; unmarked items have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


class Section(Strict):
    """A free-form section of the note."""

    heading: Line = Field(description="Heading of the section")
    body: Markdown = Field(description="The text (Markdown)")
    kind: Literal["background", "sensitivities", "press-lines", "other"] | None = Field(
        None, description="Where the section goes: background (near the end) or sensitivities, press-lines, other "
                          "(after the points); default: background when the heading starts with Background or Context")
    classification: Level | None = Field(
        None, description="Level of this section; unmarked sections have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


class Source(Strict):
    """A report or readout that facts come from."""

    id: Line = Field(description="The name frameworks and commitments cite it by; unique")
    title: Line = Field(description="Title of the report")
    publisher: Line | None = Field(None, description="e.g. ANI")
    date: IsoDate | None = Field(None, description="Publication date (YYYY-MM-DD)")
    url: HttpUrl | None = Field(None, description="Where the source can be found: an http:// or https:// link")


def _levels_by_scheme(schema: dict[str, Any]) -> None:
    """Narrow every level in the sheet to an enum of the sheet's scheme (if/then/else on the scheme).

    The scheme defaults to the first one (uk), so the last scheme is the `else` of a
    chain of ifs: a sheet without `scheme` gets the default's levels.
    """
    names = list(SCHEMES)
    default = Classification.model_fields["scheme"].default
    ordered = [name for name in names if name != default] + [default]

    def narrowed(scheme: Scheme) -> dict[str, Any]:
        level = {"enum": list(scheme.levels)}
        item = {"properties": {"classification": level}}
        # Caveats are offered as the scheme's file declares them (a family by its example); the
        # scheme's register checks what is written (classification.Scheme.parse).
        caveats = {"items": {"defaultSnippets": [
            editor_choice(c.shown, f'"{c.shown}"' if ", " in c.shown else c.shown,
                          f"{c.kind.replace('-', ' ')} ({c.source})" if c.source else c.kind.replace("-", " "))
            for c in scheme.caveats]}}
        return {"properties": {
            "classification": {"properties": {"level": level, "header": level, "caveats": caveats}},
            **{name: item for name in SINGLE_PORTIONS},
            **{name: {"items": item} for name in (*PORTION_LISTS, *CLASSIFIED_ITEMS)},
        }}

    chain: dict[str, Any] = narrowed(SCHEMES[ordered[-1]])
    for name in reversed(ordered[:-1]):
        chain = {
            "if": {"properties": {"classification": {"properties": {"scheme": {"const": name}},
                                                     "required": ["scheme"]}},
                   "required": ["classification"]},
            "then": narrowed(SCHEMES[name]),
            "else": chain,
        }
    schema["allOf"] = [chain]


def _parts_by_kind(schema: dict[str, Any]) -> None:
    """What each kind requires (kinds.py), as if/then conditions on `kind`: editors underline
    a submission without `recommendations` as `check` does (missing-for-kind)."""
    for kind in KINDS.values():
        lists = [p.sheet_key for p in kind.required if p.sheet_key in PORTION_LISTS]
        keys = [p.sheet_key for p in kind.required if p.sheet_key != "summary"]
        document = [key for key, _ in kind.document_keys]
        if not keys and not document:
            continue
        then: dict[str, Any] = {"required": keys, "properties": {key: {"minItems": 1} for key in lists}}
        if document:
            then["properties"]["document"] = {"required": document}
        schema["allOf"].append({"if": {"properties": {"kind": {"const": kind.name}}, "required": ["kind"]},
                                "then": then})


def _sheet_conditions(schema: dict[str, Any]) -> None:
    _levels_by_scheme(schema)
    _parts_by_kind(schema)


class FactSheet(Strict):
    """A fact sheet about one diplomatic meeting (format version 1)."""

    model_config = ConfigDict(title="briefgen fact sheet (format 1)", json_schema_extra=_sheet_conditions)

    format: Literal[1] = Field(description="Version of the fact-sheet format: 1")
    kind: Literal["brief", "readout", "submission", "action-memo", "info-memo"] = Field(
        description="brief (before the meeting), readout (after it), submission (UK, to a minister), "
                    "action-memo (US, a decision with Approve/Disapprove lines) or info-memo (US, no decision)")
    id: SheetId | None = Field(None, description="Output file name; default: the file name's stem")
    title: Line = Field(description="Title of the note, e.g. Japan–India bilateral meeting at the G20 Leaders' Summit")
    classification: Classification = Field(description="Scheme, overall level, caveats and header level")
    document: Document = Field(description="About this note: date, reference, version, status, authors")
    meeting: Meeting = Field(description="About the meeting: date, occasion, format, start, venue")
    participants: Annotated[list[Participant], Field(min_length=2)] = Field(
        description="Who took part: at least two")
    summary: Portion = Field(description="The bottom line up front")
    frameworks: list[Framework] = Field(
        default_factory=list, description="Frameworks reaffirmed, launched or referenced")
    commitments: list[Commitment] = Field(default_factory=list, description="Sector commitments")
    objectives: list[Portion] = Field(default_factory=list, description="What the meeting should achieve (briefs)")
    talking_points: list[Portion] = Field(default_factory=list, description="Points to make (mainly for briefs)")
    outcomes: list[Portion] = Field(
        default_factory=list, description="What came out of the meeting (mainly for readouts)")
    follow_up: list[FollowUp] = Field(default_factory=list, description="Actions to take")
    comment: Portion | None = Field(None, description="The drafter's comment on the meeting (readouts)")
    issues_for_discussion: list[Portion] = Field(
        default_factory=list, description="Issues the principal will discuss, in agenda order (briefs)")
    lines_to_take: list[Portion] = Field(
        default_factory=list, description="The positions the principal takes, in words that can be used (briefs)")
    if_pressed: list[Portion] = Field(
        default_factory=list, description="Defensive lines, used only if the other side presses the point (briefs)")
    recommendations: list[RecommendationPortion] = Field(
        default_factory=list, description="What the principal is asked to decide (submissions; action memos print "
                                          "each with Approve / Disapprove lines)")
    timing: Portion | None = Field(
        None, description="When a decision is needed and why (submissions), e.g. Urgent: by 12 March, before …")
    argument: list[Portion] = Field(
        default_factory=list, description="The case for the recommendation, and against it (submissions)")
    discussion: list[Portion] = Field(
        default_factory=list, description="The analysis behind the memo (action and information memos)")
    presentation: list[Portion] = Field(
        default_factory=list, description="Presentation and handling: press, Parliament, partners (submissions)")
    sections: list[Section] = Field(
        default_factory=list, description="Free-form sections: Background, Sensitivities, Press lines…")
    sources: list[Source] = Field(default_factory=list, description="Reports and readouts that the facts come from")
    annexes: list[Annex] = Field(
        default_factory=list, description="Annexes (UK: Annex A, B…) or attachments (US memos: Tab 1, 2…), "
                                          "printed after the note: {title, body}")
    distribution: list[Line] = Field(
        default_factory=list, description="Who receives a copy, e.g. PS/Foreign Secretary (printed as Copy to "
                                          "in a submission, Distribution otherwise)")


#: The parts of a sheet that carry a classification of their own, besides `summary`:
#: lists of portions, and lists of items with a `classification` key. The rules and
#: the release cut both go through these, so a new classified part is added here once.
PORTION_LISTS = ("objectives", "talking_points", "outcomes", "issues_for_discussion", "lines_to_take",
                 "if_pressed", "recommendations", "argument", "discussion", "presentation")
#: Single portions besides `summary`, walked like it.
SINGLE_PORTIONS = ("summary", "comment", "timing")
CLASSIFIED_ITEMS = ("frameworks", "commitments", "follow_up", "sections", "annexes")
#: The parts of a sheet that have the header's level (title, document, meeting, participants…):
#: released whenever the brief is. Every other top-level key is cut portion by portion.
HEADER_FIELDS = ("format", "kind", "id", "title", "classification", "document", "meeting", "participants",
                 "distribution")
