"""Text in several languages from one sheet: the translated value, and which language a reader gets.

A translatable field holds either a string (the text in the sheet's own language, its
`lang`) or a mapping of BCP 47 language tag to text. Validated, a mapping becomes a
`Translated`: a `str` that reads as the text in the sheet's language, and keeps every
language in `texts`, in the order of the sheet. Dumped (`model_dump`), it is the mapping
again, so a dump round-trips and every walk over a dump's text (the checks, the release
cut's tests) meets every language.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

DataPath = tuple[str | int, ...]

#: The sheet's language when it says none (`lang`).
DEFAULT_LANGUAGE = "en"
#: The key of the validation context that holds the sheet's language (FactSheet.model_validate sets it).
SOURCE_LANGUAGE = "lang"


class Translated(str):
    """Text given in several languages: as a `str`, the text in `language`; every language in `texts`."""

    _texts: dict[str, str]
    language: str

    def __new__(cls, texts: Mapping[str, str], source: str | None = None) -> Translated:
        """The text of `texts` in `source` (matched as `text_in` matches), or its first entry."""
        if not texts:
            raise ValueError("a translated text needs at least one language")
        chosen = tag_for(texts, source) if source is not None else None
        language = chosen if chosen is not None else next(iter(texts))
        value = super().__new__(cls, texts[language])
        value._texts = dict(texts)
        value.language = language
        return value

    @property
    def texts(self) -> Mapping[str, str]:
        """Every language's text, by tag, in the order the sheet gives them."""
        return types.MappingProxyType(self._texts)

    def __reduce__(self) -> tuple[Any, ...]:
        # A Job (and so its sheet) is pickled to a worker: rebuild from the languages, not the str.
        return (_rebuild, (self._texts, self.language))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Translated):
            return str.__eq__(self, other) and self._texts == other._texts
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    # Equal values have equal text, so str's hash stays consistent with __eq__.
    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"Translated({self._texts!r})"


def _rebuild(texts: dict[str, str], language: str) -> Translated:
    return Translated(texts, language)


def primary(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag, folded: "en-GB" → "en"."""
    return tag.split("-", 1)[0].casefold()


def same_language(one: str, other: str) -> bool:
    """Whether two tags name the same language (the same primary subtag): ja-JP and ja, en-GB and en-US."""
    return primary(one) == primary(other)


def tag_for(texts: Mapping[str, str], language: str) -> str | None:
    """The tag of `texts` for `language`: the exact tag (case aside), else the bare primary
    subtag ("en" for en-GB), else the first of the same language; None when there is none."""
    folded = language.casefold()
    for tag in texts:
        if tag.casefold() == folded:
            return tag
    for tag in texts:
        if tag.casefold() == primary(language):
            return tag
    for tag in texts:
        if same_language(tag, language):
            return tag
    return None


def text_in(value: str, language: str, source: str) -> tuple[str, str]:
    """The text of `value` for a reader of `language`, and the tag of the language it is actually in.

    Tried in turn: the exact tag, the same language (ja-JP ↔ ja; an en-GB build takes
    `en`), the sheet's language `source`, the first entry. A plain string is in `source`.
    """
    if not isinstance(value, Translated):
        return str(value), source
    texts = value.texts
    for wanted in (language, source):
        found = tag_for(texts, wanted)
        if found is not None:
            return texts[found], found
    first = next(iter(texts))
    return texts[first], first


def available_in(value: str, language: str, source: str) -> bool:
    """Whether `value` has text in `language` (by primary subtag): a plain string is in `source`."""
    if isinstance(value, Translated):
        return any(same_language(tag, language) for tag in value.texts)
    return same_language(source, language)


#: The shape of a BCP 47 tag, in any case: what a key meant as a language looks like.
_TAG_SHAPE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def names_languages(value: Any) -> bool:
    """Whether a mapping looks meant as text per language: empty, or a key has a tag's shape or a language's name.

    `{a: b}` where text belongs is a mistake of shape (wrong-type); `{en: …, jp: …}` and
    `{English: …}` are texts per language with a wrong tag, reported at that key.
    """
    if not isinstance(value, dict):
        return False
    if not value or any(isinstance(key, str) and _TAG_SHAPE.match(key) for key in value):
        return True
    return any(isinstance(key, str) and _language_named(key) for key in value)


def _language_named(name: str) -> bool:
    if len(name) > 60:
        return False
    return name.strip().casefold() in _language_names()


@functools.cache
def _language_names() -> frozenset[str]:
    """Every ISO 639 code and name, casefolded: what pycountry's `languages.lookup` matches.

    Built once per process (about 10 ms) and only when a mapping with no tag-like key comes: a
    lookup scans the whole table each time (30 ms), and a sheet has dozens of such mappings.
    """
    import pycountry  # lazily: the ISO 639 table is large

    return frozenset(value.casefold() for language in pycountry.languages
                     for key in ("alpha_2", "alpha_3", "name", "common_name", "inverted_name", "bibliographic")
                     if isinstance(value := getattr(language, key, None), str))


def is_translation_mapping(value: Any, fields: Collection[str]) -> bool:
    """Whether a mapping where a portion may stand is its text per language rather than the portion's keys.

    It is when it looks meant as languages (`names_languages`) and no key is a field of the
    portion (`fields`) or nearly one: `{txet: …}` is a misspelled `text`, to be reported as that.
    """
    if not isinstance(value, dict) or not value or not names_languages(value):
        return False
    names = list(fields)
    return not any(str(key) in fields or difflib.get_close_matches(str(key), names, n=1, cutoff=0.8)
                   for key in value)


@dataclass(frozen=True)
class Translatable:
    """Marks a field type whose text may be given per language (fields.translatable adds it)."""


def translatable_texts(model: BaseModel, loc: DataPath = ()) -> Iterator[tuple[DataPath, str]]:
    """Every translatable text of a model (plain or `Translated`), with its path as `model_dump` has it.

    The path is the model's, so that it matches a dump's (a portion written as plain text
    is `summary.text` there); SourceMap.value finds its line by its nearest written ancestor.
    """
    stack: list[tuple[DataPath, Any]] = [(loc, model)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, BaseModel):
            names = translatable_fields(type(value))
            items = [(name, getattr(value, name, None)) for name in type(value).model_fields]
            for name, item in reversed(items):
                if name in names and isinstance(item, str):
                    stack.append((where + (name,), _Text(item)))
                elif isinstance(item, (BaseModel, list, tuple)):
                    stack.append((where + (name,), item))
        elif isinstance(value, _Text):
            yield where, value.text
        elif isinstance(value, (list, tuple)):
            stack.extend((where + (index,), item) for index, item in reversed(list(enumerate(value)))
                         if isinstance(item, BaseModel))


@dataclass(frozen=True)
class _Text:
    text: str


def untranslated(sheet: BaseModel, language: str, source: str) -> list[DataPath]:
    """The paths (as `model_dump` has them) of every translatable text with no text in `language`.

    A plain string is in the sheet's language `source`: it counts as available only when
    `source` is `language`'s language (by primary subtag). A reader of `language` gets
    `text_in`'s fallback there; the build warns (`untranslated`) at each path it shows.
    """
    return [where for where, text in translatable_texts(sheet) if not available_in(text, language, source)]


@functools.cache
def translatable_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` whose type is marked Translatable (under `X | None`, a union or a list too)."""
    return frozenset(name for name, info in model.model_fields.items()
                     if any(isinstance(m, Translatable) for m in info.metadata) or _marked(info.annotation))


def _marked(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        return any(isinstance(m, Translatable) for m in metadata) or _marked(base)
    if origin in (typing.Union, types.UnionType):
        return any(_marked(arg) for arg in typing.get_args(annotation))
    return False
