"""The field types of text given per language: the sheet's `lang`, language tags, and the Translated texts.

A translatable field (`TranslatedLine`, `TranslatedText`, `TranslatedMarkdown`) takes the text
as its plain type does, or a mapping of language tag to such text; validated, the mapping is a
`Translated` (translations.py) in the sheet's language, and dumped as the mapping again.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    InstanceOf,
    PlainSerializer,
    Tag,
    ValidationInfo,
)

from briefgen.sheet.completions import LanguageChoices, TranslationsSchema
from briefgen.sheet.fields import (
    LANG_RE,
    MAX_LINE,
    MAX_MARKDOWN,
    FormatError,
    Line,
    Markdown,
    Text,
    text_schema,
)
from briefgen.sheet.translations import (
    DEFAULT_LANGUAGE,
    SOURCE_LANGUAGE,
    Translatable,
    Translated,
    names_languages,
    tag_for,
)

LANGUAGE_HINT = "use a BCP 47 language tag, e.g. en, en-GB, ja, hi, fr"


def _known_language(value: Any) -> Any:
    """A BCP 47 tag whose language (its primary subtag) is an ISO 639 language, written as BCP 47 writes it."""
    if not isinstance(value, str):
        return value  # the str type reports the wrong type
    first, _, rest = value.partition("-")
    if len(first) == 2 and first in _cldr_languages() and LANG_RE.match(value):
        return value  # a language CLDR has data for is an ISO 639-1 code: no need to load ISO 639-3
    import pycountry  # lazily: the ISO 639 table is large (0.1 s to load)

    language = pycountry.languages.get(alpha_2=first) if len(first) == 2 else (
        pycountry.languages.get(alpha_3=first) if len(first) == 3 else None)
    if LANG_RE.match(value) and language is not None:
        short = getattr(language, "alpha_2", None)
        if short is not None and short != first:  # BCP 47 takes the two-letter code where there is one
            raise FormatError("invalid-language", f"'{value}' is written with the three-letter code of "
                              f"{language.name}", f"write {short}{'-' + rest if rest else ''}")
        return value
    raise FormatError("invalid-language", f"'{value[:MAX_LINE]}' is not a language tag", _language_hint(value))


@functools.cache
def _cldr_languages() -> frozenset[str]:
    """The two-letter languages Babel's CLDR data has locales for (about 160), read from its file names."""
    from babel.localedata import locale_identifiers

    return frozenset(name.split("_")[0] for name in locale_identifiers() if len(name.split("_")[0]) == 2)


def _language_hint(value: str) -> str:
    """What the analyst probably meant: the language of a country code (jp → ja), a tag in lower case, a name."""
    import pycountry

    first, _, rest = value.strip().partition("-")
    if first.casefold() != first and LANG_RE.match(first.casefold() + (f"-{rest}" if rest else "")):
        return f"write {first.casefold()}{'-' + rest if rest else ''}: a tag's language is in lower case"
    country = pycountry.countries.get(alpha_2=first.upper()) if len(first) == 2 else None
    if country is not None:
        from babel.languages import get_official_languages

        spoken = get_official_languages(country.alpha_2)
        if spoken:
            return (f"{first} is the country code of {country.name}: its language is written "
                    + " or ".join(spoken))
    try:
        named = pycountry.languages.lookup(value.strip())
    except LookupError:
        return LANGUAGE_HINT
    code = getattr(named, "alpha_2", None) or named.alpha_3
    return f"write {code} for {named.name}"


def _language_key(value: Any) -> Any:
    return _known_language(value)


def _text_schema_of(description: str | None = None, **more: Any) -> dict[str, Any]:
    return text_schema(description, **more).json_schema  # type: ignore[return-value]


#: A language tag whose language is known (ISO 639): the sheet's `lang`, and the keys of a translated text.
LanguageKey = Annotated[str, AfterValidator(_language_key)]
SheetLanguage = Annotated[str, BeforeValidator(_known_language), LanguageChoices(
    LANG_RE.pattern, "The language the sheet is written in (BCP 47, e.g. en, en-GB, ja): the text of a "
                      "translated field in this language is required; default en")]


def language_context(data: Any, context: Any = None) -> Any:
    """The validation context of a sheet's data: `context` with the sheet's language, when `lang` is one.

    An invalid `lang` is reported by itself: the texts are then not checked against it.
    """
    if context is not None and not isinstance(context, dict):
        return context
    written = data.get("lang", DEFAULT_LANGUAGE) if isinstance(data, dict) else DEFAULT_LANGUAGE
    try:
        language = _known_language(written) if isinstance(written, str) else None
    except FormatError:
        language = None
    return {**({SOURCE_LANGUAGE: language} if language is not None else {}), **(context or {})}


def _text_form(value: Any) -> str:
    if isinstance(value, Translated):
        return "text:kept"  # already validated (a portion made from its text)
    return "text:languages" if names_languages(value) else "text:one"


def _translated(value: Any, info: ValidationInfo) -> Any:
    """A mapping of language tag to text as a Translated, in the sheet's language (see translations.py)."""
    if not isinstance(value, dict):
        return value
    if not value:
        raise FormatError("empty-value", "is an empty mapping: it holds the text in no language",
                          "write the text, or give it per language, e.g. {en: …, ja: …}")
    source = (info.context or {}).get(SOURCE_LANGUAGE)
    if isinstance(source, str) and tag_for(value, source) is None:
        raise FormatError("missing-sheet-language",
                          f"gives the text in {', '.join(value)} but not in {source}, the sheet's language "
                          f"(`lang: {source}`)",
                          f"add `{source}: …` with the text as the sheet is written, or set `lang:` at the top "
                          "of the sheet to the language it is written in")
    return Translated(value, source if isinstance(source, str) else None)


def _dumped(value: str) -> Any:
    return dict(value.texts) if isinstance(value, Translated) else value


def translatable(text: Any, schema: dict[str, Any], name: str) -> Any:
    """A field type that takes the text `text` describes, or a mapping of language tag to such text.

    Each language's text obeys the text's own checks; the mapping is validated into a
    Translated (its keys first, then whether it has the sheet's language) and dumped as
    the mapping again. `name` is the mapping's name in the JSON Schema's definitions.
    """
    return Annotated[
        Annotated[InstanceOf[Translated], Tag("text:kept")] | Annotated[text, Tag("text:one")]
        | Annotated[dict[LanguageKey, text], Tag("text:languages")],
        Discriminator(_text_form), AfterValidator(_translated), PlainSerializer(_dumped), Translatable(),
        TranslationsSchema(tuple(schema.items()), name, LANG_RE.pattern)]


#: Translatable text (translations.py): the text in the sheet's language, or a mapping of language tag to text.
TranslatedLine = translatable(Line, _text_schema_of(maxLength=MAX_LINE), "TranslatedLine")
TranslatedText = translatable(Text, _text_schema_of(maxLength=MAX_MARKDOWN), "TranslatedText")
TranslatedMarkdown = translatable(Markdown, _text_schema_of("Markdown text (raw HTML is never passed through)",
                                                            maxLength=MAX_MARKDOWN), "TranslatedMarkdown")
