"""Label catalogs: the gettext translations a note's labels are printed in, the packaged ones under a project's.

English is the source language: its labels are the msgids, so en-GB, en-US and en-IN need
no catalog. ja, hi and fr ship compiled in the package (`locales/<lang>/LC_MESSAGES/briefgen.mo`,
made by `scripts/update-catalogs` with Babel); a project's `locales/` folder (Theme.locale_dirs)
may add a language or override single entries, and its entries win.

A note's `Labels` travel with it (the view carries them to the templates); nothing is
installed process-wide, so notes in several languages render side by side in one process.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.theme import CATALOG_DOMAIN, LOCALES, Theme, packaged

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

#: The languages whose catalogs ship with briefgen (tests/render/test_catalogs.py keeps them complete).
SHIPPED_LANGUAGES = ("fr", "hi", "ja")


@dataclass(frozen=True)
class Labels:
    """The labels of one locale: gettext and ngettext over its catalogs (none for English)."""

    locale: str
    #: The sha256 of the catalogs merged, so that two Labels of the same catalogs compare equal.
    digest: str = ""
    translations: _gettext.NullTranslations = field(default_factory=_gettext.NullTranslations,
                                                    compare=False, repr=False)

    def gettext(self, message: str) -> str:
        """`message` in this locale, or as given when its catalogs have no translation of it."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The singular or plural label for `count`, by the locale's plural rule."""
        return self.translations.ngettext(singular, plural, count)

    def format(self, message: str, **values: object) -> str:
        """`message` translated, its `{name}` placeholders filled: `format("Source {number}", number=2)`."""
        return self.gettext(message).format(**values)


ENGLISH = Labels("en")


def catalog_languages(locale: str) -> tuple[str, ...]:
    """The catalogs a locale reads, most general first: "fr-CA" → ("fr", "fr_CA"); "en-GB" → ("en", "en_GB")."""
    parts = locale.replace("-", "_").split("_")
    language = parts[0].lower()
    if len(parts) == 1:
        return (language,)
    return (language, f"{language}_{'_'.join(parts[1:])}")


def labels(locale: str, theme: Theme | None = None) -> Labels:
    """The Labels of `locale`: the packaged catalogs, then the theme's (a project's), each more specific one winning.

    A project catalog was checked when the theme's digest was taken (the plan): one read here
    that does not parse raises ThemeError, naming its file and line.
    """
    sources: list[tuple[str, bytes]] = []
    for language in catalog_languages(locale):
        shipped = packaged(LOCALES) / language / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.mo"
        if shipped.is_file():
            sources.append((f"mo:{shipped}", shipped.read_bytes()))
    if theme is not None:
        from briefgen.files import read_regular_file
        from briefgen.theme import MAX_TEMPLATE_BYTES

        for language in catalog_languages(locale):
            for path in theme.catalog_files(language):
                sources.append((f"po:{path}", read_regular_file(path, MAX_TEMPLATE_BYTES, whole=True)))
    if not sources:
        return Labels(locale)
    return _merged(locale, tuple(sources))


@functools.lru_cache(maxsize=64)
def _merged(locale: str, sources: tuple[tuple[str, bytes], ...]) -> Labels:
    """The catalogs merged, later entries winning, compiled to one translation (kept by content: pure)."""
    from babel.messages.mofile import write_mo

    merged: Catalog | None = None
    digest = hashlib.sha256(locale.encode())
    for name, data in sources:
        digest.update(hashlib.sha256(data).digest())
        catalog = _read(name, data, locale)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                if message.id in merged:
                    del merged[message.id]  # setting it over the old one would keep the old translation
                merged[message.id] = message
    assert merged is not None
    compiled = io.BytesIO()
    write_mo(compiled, merged)
    compiled.seek(0)
    return Labels(locale, digest.hexdigest(), _gettext.GNUTranslations(compiled))


def _read(name: str, data: bytes, locale: str) -> Catalog:
    from babel.messages.mofile import read_mo

    kind, _, path = name.partition(":")
    if kind == "mo":
        return read_mo(io.BytesIO(data))
    from briefgen.theme import check_catalog

    check_catalog(Path(path), data)  # raises ThemeError at the broken entry's line
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(data), locale=catalog_languages(locale)[0])
    for message in list(catalog):
        if message.fuzzy and message.id:
            del catalog[message.id]  # a fuzzy entry is a guess, never printed
    return catalog
