"""A release in one language: each text in the note's language, else the sheet's own, marked with the language it is in.

A sheet may give any translatable text per language (`Translated`). The view reads a
release through `in_language` first, so that everything after it — layout, formatting,
templates — sees plain text. A text that is not in the note's language (an untranslated
one, printed in the sheet's language) is an `InLanguage` carrying its `lang`, which the
typesetting puts on its span or paragraph, so that screen readers, fonts and line breaking
treat it as what it is.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the site index imports this module's marks without the model (layout → here)
    from briefgen.release.cut import Release

class InLanguage(str):
    """A text in a language other than its note's: the str is the text, `lang` its BCP 47 tag.

    `original` is the text in the sheet's own language, which anchors are made from, so that a
    section's anchor is the same in every language of a note.
    """

    lang: str
    original: str

    def __new__(cls, text: str, lang: str, original: str | None = None) -> InLanguage:
        made = super().__new__(cls, text)
        made.lang = lang
        made.original = text if original is None else original
        return made

    def __reduce__(self) -> tuple[type[InLanguage], tuple[str, str, str]]:
        return InLanguage, (str(self), self.lang, self.original)


class Chosen(str):
    """A text in its note's language, chosen from several: `original` is it in the sheet's own language."""

    original: str

    def __new__(cls, text: str, original: str) -> Chosen:
        made = super().__new__(cls, text)
        made.original = original
        return made

    def __reduce__(self) -> tuple[type[Chosen], tuple[str, str]]:
        return Chosen, (str(self), self.original)


def in_language(release: Release, language: str, source: str) -> Release:
    """The release with every text of its sheet in `language`.

    A `Translated` text becomes its text in `language` (`text_in`: the exact tag, the same
    language, else the sheet's own `source`); a plain translatable text is in `source`. Either
    is an `InLanguage` when it is not in `language`.
    """
    return dataclasses.replace(release, sheet=_walk(release.sheet, language, source, translatable=False))


def _walk(value: Any, language: str, source: str, translatable: bool) -> Any:
    from pydantic import BaseModel

    from briefgen.release.cut import ReleasedSheet
    from briefgen.sheet.translations import Translated, translatable_fields

    if isinstance(value, str):
        return _text(value, language, source) if translatable or isinstance(value, Translated) else value
    if isinstance(value, BaseModel):
        fields = translatable_fields(type(value))
        changes = {name: _walk(getattr(value, name), language, source, name in fields)
                   for name in type(value).model_fields}
        return value.model_copy(update=changes)
    if isinstance(value, ReleasedSheet):
        from briefgen.sheet.model import FactSheet

        # The released sheet keeps the fact sheet's top-level fields: its texts are the model's.
        texts = translatable_fields(FactSheet)
        return dataclasses.replace(value, **{f.name: _walk(getattr(value, f.name), language, source, f.name in texts)
                                             for f in dataclasses.fields(value) if f.init})
    if isinstance(value, (list, tuple)):
        return type(value)(_walk(item, language, source, translatable) for item in value)
    return value


def _text(value: str, language: str, source: str) -> str:
    from briefgen.sheet.translations import Translated, same_language, text_in

    text, lang = text_in(value, language, source)
    original = str.__str__(value)
    if same_language(lang, language):
        return Chosen(text, original) if isinstance(value, Translated) else value
    return InLanguage(text, lang, original)


def lang_of(text: str) -> str | None:
    """The language `text` is in when it is not its note's (an `InLanguage`), else None."""
    return text.lang if isinstance(text, InLanguage) else None


def original_of(text: str) -> str:
    """`text` in the sheet's own language (for anchors that are the same in every language of a note)."""
    return text.original if isinstance(text, (InLanguage, Chosen)) else text
