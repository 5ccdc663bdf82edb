"""What the JSON Schema offers editors: snippets, the ISO code lists and the IANA time zones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


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


#: The languages an editor offers for `lang` and as the keys of a translated text: those of the
#: locales briefgen ships (issue 19). Any other BCP 47 tag is accepted; these are suggested.
OFFERED_LANGUAGES = ("en", "en-GB", "en-US", "en-IN", "ja", "hi", "fr")


def language_name(tag: str) -> str:
    """A language tag as an English reader and its own readers name it: "Japanese (日本語)" (CLDR, through Babel)."""
    from babel import Locale

    locale = Locale.parse(tag, sep="-")
    english, own = locale.get_display_name("en") or tag, locale.get_display_name(locale)
    return english if own is None or own == english else f"{english} ({own})"


@dataclass(frozen=True)
class LanguageChoices:
    """The JSON Schema of a language tag that the editor completes with OFFERED_LANGUAGES."""

    pattern: str
    description: str

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "pattern": self.pattern, "description": self.description,
                "patternErrorMessage": "a BCP 47 language tag, e.g. en, en-GB, ja, hi, fr",
                "defaultSnippets": [editor_choice(tag, tag, language_name(tag)) for tag in OFFERED_LANGUAGES]}


@dataclass(frozen=True)
class TranslationsSchema:
    """The JSON Schema of a translatable text: the text itself, or a mapping of language tag to text.

    The mapping's keys are offered as OFFERED_LANGUAGES (properties an editor completes) and
    any other tag is allowed (`propertyNames`); the mapping is written once, in `definitions`.
    """

    #: The schema of the text in one language (fields.py's Line, Text or Markdown).
    text: tuple[tuple[str, object], ...]
    #: Its name in the schema's definitions.
    name: str
    #: The pattern of a language tag.
    pattern: str

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        text = dict(self.text)
        plain = {key: value for key, value in text.items() if key != "description"}
        # No description of its own: hover shows the key's, and each language's below.
        languages = {
            "type": "object", "minProperties": 1,
            "propertyNames": {"pattern": self.pattern, "patternErrorMessage": "a BCP 47 language tag, e.g. en, ja"},
            "properties": {tag: {**plain, "description": f"The text in {language_name(tag)}; the sheet's own "
                                                         "language (`lang`, default en) is required"}
                           for tag in OFFERED_LANGUAGES},
            "additionalProperties": plain,
            DEFINITION: self.name,
        }
        return {"type": ["string", "object"], "anyOf": [text, languages]}
