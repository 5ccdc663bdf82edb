"""The fact-sheet format, version 1: the single source of truth for its shape.

Field descriptions become hover help in editors through the JSON Schema
(`briefgen schema`). Checks that need more than one field at a time live in
`rules.py`; checks that need a scheme (classification levels) live there too.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
)

FORMAT_VERSION = 1

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX_LENGTH = 64
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def is_valid_id(text: str) -> bool:
    """Whether `text` can name a brief (and its output files): the rule of the `id` key."""
    return len(text) <= ID_MAX_LENGTH and re.match(ID_PATTERN, text) is not None


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


def _clock_time(value: Any) -> Any:
    if isinstance(value, str) and _TIME_RE.match(value):
        return value
    raise FormatError("invalid-time", f"expected a 24-hour time HH:MM, got {describe(value)}",
                      "e.g. start: \"13:40\"")


def _country(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # the str type reports the wrong type
    import pycountry  # imported lazily: loading the ISO tables costs time

    code = value.strip()
    if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code.upper()):
        if code != code.upper():
            raise FormatError("unknown-country", f"country codes are upper case: '{value}'",
                              f"write {code.upper()}")
        return code
    hint = "use an ISO 3166-1 alpha-2 code, e.g. JP for Japan, IN for India"
    try:
        found = pycountry.countries.search_fuzzy(value)
    except LookupError:
        found = []
    if found:
        hint = f"did you mean {found[0].alpha_2} ({found[0].name})?"
    raise FormatError("unknown-country", f"'{value}' is not an ISO 3166-1 alpha-2 country code", hint)


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


def _one_line(value: str) -> str:
    if "\n" in value.strip():
        raise FormatError("not-one-line", "must be a single line of text",
                          "remove the line breaks (use a plain or quoted scalar, not `|`)")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise FormatError("empty-value", "must not be empty", "write the text, or remove the key")
    return value


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value, re.IGNORECASE):
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


_DATE_SCHEMA = {"type": "string", "format": "date", "pattern": _DATE_RE.pattern}

Text = Annotated[str, AfterValidator(_not_blank)]
Line = Annotated[str, AfterValidator(_not_blank), AfterValidator(_one_line)]
Markdown = Annotated[str, AfterValidator(_not_blank), Field(description="Markdown text (raw HTML is never passed through)")]
IsoDate = Annotated[_dt.date, BeforeValidator(_iso_date), WithJsonSchema(_DATE_SCHEMA)]
CountryCode = Annotated[
    str,
    BeforeValidator(_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$",
                    "description": "ISO 3166-1 alpha-2 country code, e.g. JP, IN"}),
]
CurrencyCode = Annotated[
    str,
    BeforeValidator(_currency),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$",
                    "description": "ISO 4217 currency code, e.g. JPY, INR"}),
]
Level = Annotated[Line, Field(description="A classification level of the document's scheme, e.g. OFFICIAL")]
SourceRefs = Annotated[list[Line], Field(description="Ids of entries in `sources` that back this item")]


class Strict(BaseModel):
    """Base of every format model: unknown keys are errors, no silent coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PortionText(Strict):
    text: Markdown
    classification: Level | None = Field(
        None, description="Level of this portion; unmarked portions have the document's level")


def _portion_tag(value: Any) -> str:
    return "mapping" if isinstance(value, dict) else "text"


def _as_portion(value: Any) -> Any:
    return PortionText(text=value) if isinstance(value, str) else value


Portion = Annotated[
    Union[Annotated[Markdown, Tag("text")], Annotated[PortionText, Tag("mapping")]],
    Discriminator(_portion_tag),
    AfterValidator(_as_portion),
    Field(description="Markdown text, or {text, classification} to mark its own level"),
]


class Classification(Strict):
    level: Level = Field(description="Overall level of the document: the highest level of any portion")
    scheme: Literal["uk", "us"] = Field(
        "uk", description="uk: OFFICIAL < OFFICIAL-SENSITIVE < SECRET < TOP SECRET; "
                          "us: UNCLASSIFIED < CUI < CONFIDENTIAL < SECRET < TOP SECRET")
    caveats: list[Line] = Field(default_factory=list, description="Handling caveats, e.g. UK EYES ONLY")
    header: Level | None = Field(
        None, description="Level of the title, meeting and participant block (default: level)")


class Person(Strict):
    name: Line
    unit: Line | None = None


class Clearance(Strict):
    name: Line
    unit: Line | None = None
    date: IsoDate | None = None


class Document(Strict):
    date: IsoDate = Field(description="Date of origin of this note (YYYY-MM-DD)")
    reference: Line | None = Field(None, description="File or registry reference")
    version: Line | None = Field(None, description="Version label, as text: quote it, e.g. \"1.10\"")
    status: Literal["draft", "final"] = Field("draft", description="A draft carries a DRAFT watermark")
    drafted_by: Person | None = None
    cleared_by: list[Clearance] = Field(default_factory=list)
    page_limit: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Maximum number of pages; the build warns when exceeded")


class Venue(Strict):
    name: Line | None = None
    city: Line | None = None
    country: CountryCode | None = None


class Meeting(Strict):
    date: IsoDate = Field(description="Date of the meeting (YYYY-MM-DD)")
    occasion: Line | None = Field(None, description="The event the meeting took place at, e.g. G20 Leaders' Summit")
    format: Literal["bilateral", "multilateral", "call", "pull-aside"] = "bilateral"
    start: Annotated[str, BeforeValidator(_clock_time)] | None = Field(
        None, description="Local start time, HH:MM (24-hour)")
    duration_minutes: Annotated[int, Field(gt=0)] | None = None
    venue: Venue | None = Field(None, description="Required (with city and country) unless format is call")


class Participant(Strict):
    name: Line
    title: Line
    country: CountryCode
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)] | None = None
    native_name: Line | None = Field(None, description="Name in the participant's own script")
    role: Literal["principal", "delegation"] = "delegation"
    bio: Markdown | None = None


class Framework(Strict):
    name: Line
    status: Literal["reaffirmed", "launched", "referenced"] = "reaffirmed"
    since: Annotated[str, BeforeValidator(_year_or_date)] | None = Field(
        None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    note: Markdown | None = None
    sources: SourceRefs = Field(default_factory=list)
    classification: Level | None = None


class Money(Strict):
    value: Annotated[float, Field(gt=0)]
    currency: CurrencyCode


class Amount(Money):
    period: Line | None = Field(None, description="e.g. over the next decade")
    approx: list[Money] = Field(default_factory=list, description="Approximate equivalents in other currencies")


class Commitment(Strict):
    sector: Line
    summary: Markdown
    status: Literal["agreed", "reaffirmed", "announced", "proposed", "under-discussion"] = "agreed"
    parties: list[CountryCode] = Field(default_factory=list)
    organisations: list[Line] = Field(default_factory=list)
    amount: Amount | None = None
    sources: SourceRefs = Field(default_factory=list)
    classification: Level | None = None


class FollowUp(Strict):
    action: Text
    owner: Line | None = None
    due: IsoDate | None = None
    classification: Level | None = None


class Section(Strict):
    heading: Line
    body: Markdown
    classification: Level | None = None


class Source(Strict):
    id: Line
    title: Line
    publisher: Line | None = None
    date: IsoDate | None = None
    url: Annotated[str, AfterValidator(_http_url)] | None = None


class FactSheet(Strict):
    """A fact sheet about one diplomatic meeting (format version 1)."""

    model_config = ConfigDict(title="briefgen fact sheet (format 1)")

    format: Literal[1] = Field(description="Version of the fact-sheet format: 1")
    kind: Literal["brief", "readout"] = Field(description="brief (before the meeting) or readout (after it)")
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)] | None = Field(
        None, description="Output file name; default: the file name's stem")
    title: Line
    classification: Classification
    document: Document
    meeting: Meeting
    participants: Annotated[list[Participant], Field(min_length=2)]
    summary: Portion = Field(description="The bottom line up front")
    frameworks: list[Framework] = Field(default_factory=list, description="Frameworks reaffirmed, launched or referenced")
    commitments: list[Commitment] = Field(default_factory=list, description="Sector commitments")
    talking_points: list[Portion] = Field(default_factory=list, description="Points to make (mainly for briefs)")
    outcomes: list[Portion] = Field(default_factory=list, description="What came out of the meeting (mainly for readouts)")
    follow_up: list[FollowUp] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list, description="Free-form sections: Background, Sensitivities, Press lines…")
    sources: list[Source] = Field(default_factory=list)


#: The parts of a sheet that carry a classification of their own, besides `summary`:
#: lists of portions, and lists of items with a `classification` key. The rules and
#: the release cut both go through these, so a new classified part is added here once.
PORTION_LISTS = ("talking_points", "outcomes")
CLASSIFIED_ITEMS = ("frameworks", "commitments", "follow_up", "sections")
