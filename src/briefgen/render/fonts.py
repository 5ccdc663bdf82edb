"""Font coverage: which characters of a brief, and which languages, no installed font can draw.

WeasyPrint (through Pango and fontconfig) falls back to any installed font that
covers a character; when none does, the PDF shows empty boxes. Asking fontconfig
first lets the build warn, naming the field and the font packages to install, and
lets `doctor` say which locales this machine can typeset (`missing_fonts`).
"""

from __future__ import annotations

import bisect
import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from briefgen.render.formatting import SUPPORTED_LOCALES

#: Whatever names a field for the caller (a path, a label).
Field = TypeVar("Field")

# Debian packages that cover the scripts analysts meet most often.
_PACKAGES = (
    (("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC", "HALFWIDTH", "FULLWIDTH"), "fonts-noto-cjk"),
    (("EMOJI",), "fonts-noto-color-emoji"),
)
_DEFAULT_PACKAGE = "fonts-noto-core"


def _needs_font(char: str) -> bool:
    if char.isascii():
        return False
    # Controls, format characters and separators draw nothing. Unassigned (Cn) is
    # not among them: it includes characters newer than Python's Unicode database
    # (Kawi, Unicode 15, in Python 3.11), which print as boxes without a font.
    category = unicodedata.category(char)
    return category == "Cn" or category[0] not in ("C", "Z")


def package_for(chars: Iterable[str]) -> list[str]:
    """Debian font packages that cover `chars` (a suggestion for the hint)."""
    found: list[str] = []
    for char in chars:
        name = unicodedata.name(char, "")
        package = next((pkg for words, pkg in _PACKAGES if any(w in name for w in words)), _DEFAULT_PACKAGE)
        if package not in found:
            found.append(package)
    return found


@functools.lru_cache(maxsize=1)
def _fc_list() -> str | None:
    return shutil.which("fc-list")


@dataclass(frozen=True)
class Charset:
    """Code points some installed font covers, as sorted, merged, inclusive ranges."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __contains__(self, char: object) -> bool:
        if not isinstance(char, str) or len(char) != 1:
            return False
        code = ord(char)
        index = bisect.bisect_right(self.starts, code) - 1
        return index >= 0 and code <= self.ends[index]


def parse_charsets(text: str) -> Charset:
    """The union of fontconfig charsets, one per line, each like `20-7e a0-17f 192`."""
    ranges: list[tuple[int, int]] = []
    for token in text.split():
        first, _, last = token.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    ranges.sort()
    starts: list[int] = []
    ends: list[int] = []
    for low, high in ranges:
        if ends and low <= ends[-1] + 1:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return Charset(tuple(starts), tuple(ends))


@functools.lru_cache(maxsize=1)
def installed_charset() -> Charset | None:
    """What all installed fonts cover together, asked of fontconfig once per process (None: cannot tell)."""
    fc_list = _fc_list()
    if fc_list is None:
        return None  # WeasyPrint needs fontconfig, so this is a broken install
    try:
        result = subprocess.run([fc_list, "--format", "%{charset}\n"], capture_output=True, text=True,
                                check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_charsets(result.stdout) if result.returncode == 0 else None


def uncovered(chars: Iterable[str]) -> set[str]:
    """The characters among `chars` that no installed font covers (one set look-up each)."""
    charset = installed_charset()
    if charset is None:
        return set()
    return {char for char in set(chars) if _needs_font(char) and char not in charset}


def missing_glyphs(fields: Iterable[tuple[Field, str]]) -> list[tuple[Field, str]]:
    """(field, characters) for every field holding characters no installed font covers."""
    fields = list(fields)
    missing = uncovered(c for _, text in fields for c in text)
    if not missing:
        return []
    out = []
    for name, text in fields:
        chars = "".join(dict.fromkeys(c for c in text if c in missing))
        if chars:
            out.append((name, chars))
    return out


# --- fonts per language -------------------------------------------------------------


@dataclass(frozen=True)
class ScriptFonts:
    """A writing system, how fontconfig is asked about it, and the Debian packages that cover it."""

    #: ISO 15924 code, as CLDR's likely subtags give it ("Jpan" for ja).
    script: str
    #: The language whose fontconfig orthography stands for the script (`fc-list :lang=ja`).
    fc_lang: str
    packages: tuple[str, ...]


_NOTO_CORE = ("fonts-noto-core",)
_JAPANESE = ScriptFonts("Jpan", "ja", ("fonts-ipafont-mincho", "fonts-ipafont-gothic"))

#: The scripts analysts meet, by ISO 15924 code. Each package was checked with fontconfig
#: on Debian (`fc-list :lang=hi` lists Noto Serif/Sans Devanagari of fonts-noto-core).
SCRIPT_FONTS: dict[str, ScriptFonts] = {
    entry.script: entry for entry in (
        ScriptFonts("Latn", "en", _NOTO_CORE),
        _JAPANESE,
        ScriptFonts("Hira", "ja", _JAPANESE.packages),
        ScriptFonts("Kana", "ja", _JAPANESE.packages),
        ScriptFonts("Deva", "hi", _NOTO_CORE),
        ScriptFonts("Arab", "ar", _NOTO_CORE),
        ScriptFonts("Hebr", "he", _NOTO_CORE),
        ScriptFonts("Cyrl", "ru", _NOTO_CORE),
        ScriptFonts("Grek", "el", _NOTO_CORE),
        ScriptFonts("Thai", "th", _NOTO_CORE),
        ScriptFonts("Beng", "bn", _NOTO_CORE),
        ScriptFonts("Taml", "ta", _NOTO_CORE),
        ScriptFonts("Geor", "ka", _NOTO_CORE),
        ScriptFonts("Armn", "hy", _NOTO_CORE),
        ScriptFonts("Hans", "zh-cn", ("fonts-noto-cjk",)),
        ScriptFonts("Hant", "zh-tw", ("fonts-noto-cjk",)),
        ScriptFonts("Kore", "ko", ("fonts-noto-cjk",)),
    )
}


@dataclass(frozen=True)
class FontNeed:
    """One thing a language's notes need a font for, as a fontconfig pattern, and what provides it."""

    #: ISO 15924 code of the script ("Latn"), or "Zsym" for the locale's currency sign.
    script: str
    #: What `fc-list` is asked: ":lang=ja", ":charset=20b9".
    pattern: str
    packages: tuple[str, ...]


#: The locales briefgen ships notes in (formatting's list: one list). What each needs is worked
#: out from CLDR (its script and currency) by `font_needs`; tests/render/test_scripts.py pins the result.
TYPESET_LOCALES = SUPPORTED_LOCALES

#: Latin-script languages whose fontconfig orthography is checked as such (French needs œ
#: and accented capitals); any other language's Latin text is checked against English's,
#: since fontconfig lists no font at all for a language it has no orthography of.
_LATIN_ORTHOGRAPHIES = frozenset({"en", "fr"})


def _parsed(language: str) -> tuple[str, str | None, str | None] | None:
    """(language, script, territory) of a BCP 47 tag, the script and territory filled in from CLDR."""
    from babel.core import get_global, parse_locale

    try:
        lang, territory, script = parse_locale(language.replace("_", "-"), sep="-")[:3]
    except ValueError:
        return None
    likely: Mapping[str, str] = get_global("likely_subtags")
    for key in (f"{lang}_{script}" if script else None, f"{lang}_{territory}" if territory else None, lang):
        full = likely.get(key) if key else None
        if full:
            parts = full.split("_")
            script = script or (parts[1] if len(parts) > 1 and len(parts[1]) == 4 else None)
            territory = territory or (parts[-1] if len(parts[-1]) == 2 else None)
            break
    return lang.lower(), script, territory


def _currency_sign(lang: str, territory: str | None) -> str:
    """The non-ASCII characters of the sign the locale writes its own currency with (CLDR): "₹" for en-IN."""
    from babel.core import Locale, UnknownLocaleError
    from babel.numbers import get_currency_symbol, get_territory_currencies

    currencies = get_territory_currencies(territory) if territory else []
    try:
        locale = Locale.parse(f"{lang}_{territory}" if territory else lang)
    except (ValueError, UnknownLocaleError):
        return ""
    sign = get_currency_symbol(currencies[0], locale) if currencies else ""
    return "".join(dict.fromkeys(c for c in sign if _needs_font(c)))


def font_needs(language: str) -> tuple[FontNeed, ...]:
    """What notes in `language` (any BCP 47 tag) need fonts for: Latin, their script, their currency sign.

    Every note has Latin text (markings stay in the originator's words, references,
    numbers). A script the table does not know adds nothing: the glyph check on each
    brief's text still names characters no font has.
    """
    parsed = _parsed(language)
    if parsed is None:
        return ()
    lang, script, territory = parsed
    latin = lang if script == "Latn" and lang in _LATIN_ORTHOGRAPHIES else "en"
    needs = [FontNeed("Latn", f":lang={latin}", _NOTO_CORE)]
    entry = SCRIPT_FONTS.get(script or "")
    if entry is None:
        return tuple(needs)
    if entry.script != "Latn":
        needs.append(FontNeed(entry.script, f":lang={entry.fc_lang}", entry.packages))
    sign = _currency_sign(lang, territory)
    if sign:
        needs.append(FontNeed("Zsym", ":charset=" + " ".join(f"{ord(c):x}" for c in sign), entry.packages))
    return tuple(needs)


@functools.lru_cache(maxsize=64)
def _fc_matches(pattern: str) -> bool | None:
    """Whether some installed font matches a fontconfig pattern (None: fontconfig cannot be asked)."""
    fc_list = _fc_list()
    if fc_list is None:
        return None
    try:
        result = subprocess.run([fc_list, "--format", "%{file}\n", pattern], capture_output=True, text=True,
                                check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(result.stdout.strip()) if result.returncode == 0 else None


def unmet_needs(language: str) -> tuple[FontNeed, ...]:
    """The needs of `language` no installed font meets (none when fontconfig cannot be asked)."""
    return tuple(need for need in font_needs(language) if _fc_matches(need.pattern) is False)


def missing_fonts(language: str) -> tuple[str, ...]:
    """The Debian font packages to install before notes in `language` can be typeset here (empty: they can).

    `language` is any BCP 47 tag ("ja", "hi-IN", "zh-Hant"); its script comes from CLDR's
    likely subtags when the tag names none. Asks fontconfig (`fc-list :lang=ja`) once per
    pattern and process; never imports WeasyPrint.
    """
    return tuple(dict.fromkeys(package for need in unmet_needs(language) for package in need.packages))
