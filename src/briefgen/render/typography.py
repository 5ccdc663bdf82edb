"""Plain text as a note sets it: typographic quotes, and the language and direction of a name's script."""

from __future__ import annotations

import re
import unicodedata

_OPENS_BEFORE = re.compile(r"[\s(\[{\u2014\u2013/-]")


def smart_quotes(text: str) -> str:
    """Straight quotes and apostrophes as typographic ones: "Leaders' Summit" → "Leaders’ Summit".

    For plain-text fields; Markdown gets the same from Python-Markdown's smarty extension.
    A quote opens at the start or after a space or opening bracket, and closes elsewhere;
    an apostrophe inside or at the end of a word is a right single quote, as is one
    before a digit ("’90s").
    """
    if "'" not in text and '"' not in text:
        return text
    out: list[str] = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        opens = not before or _OPENS_BEFORE.match(before) is not None
        if char == '"':
            out.append("\u201c" if opens else "\u201d")
        elif char == "'":
            after = text[index + 1] if index + 1 < len(text) else ""
            out.append("\u2018" if opens and not after.isdigit() else "\u2019")
        else:
            out.append(char)
    return "".join(out)


#: Scripts recognised in native names → (language, direction), by the Unicode name's first word.
_SCRIPT_LANGUAGES: dict[str, tuple[str, str]] = {
    "HIRAGANA": ("ja", "ltr"),
    "KATAKANA": ("ja", "ltr"),
    "DEVANAGARI": ("hi", "ltr"),
    "ARABIC": ("ar", "rtl"),
    "HEBREW": ("he", "rtl"),
    "HANGUL": ("ko", "ltr"),
    "CYRILLIC": ("ru", "ltr"),
    "GREEK": ("el", "ltr"),
    "THAI": ("th", "ltr"),
    "BENGALI": ("bn", "ltr"),
    "TAMIL": ("ta", "ltr"),
    "GEORGIAN": ("ka", "ltr"),
    "ARMENIAN": ("hy", "ltr"),
    "CJK": ("zh", "ltr"),
}
_RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "sd", "ug"})


def script_language(text: str, given: str | None = None,
                    country: str | None = None) -> tuple[str | None, str | None]:
    """The language and direction of a name in its own script: "नरेन्द्र मोदी" → ("hi", "ltr"), "محمد" → ("ar", "rtl").

    `given` (an analyst's `native_name_lang`) wins; otherwise the script decides. Han
    characters are shared: with kana they are Japanese, with Hangul Korean, and alone
    they follow the participant's `country` (JP → ja, KR → ko), else Chinese — so
    高市早苗 of Japan is ja. Latin text has no language of its own here: (None, None).
    """
    if given:
        primary = given.split("-", 1)[0].lower()
        return given, "rtl" if primary in _RTL_LANGUAGES else "ltr"
    found: set[str] = set()
    for char in text:
        if char.isalpha():
            word = unicodedata.name(char, "").split(" ", 1)[0]
            if word in _SCRIPT_LANGUAGES:
                found.add(word)
    for script in ("HIRAGANA", "KATAKANA", "HANGUL"):  # they decide over Han characters they are mixed with
        if script in found:
            return _SCRIPT_LANGUAGES[script]
    if found == {"CJK"} and country in _HAN_COUNTRIES:
        return _HAN_COUNTRIES[country], "ltr"
    for script in sorted(found):
        return _SCRIPT_LANGUAGES[script]
    return None, None


_HAN_COUNTRIES = {"JP": "ja", "KR": "ko", "TW": "zh-Hant", "HK": "zh-Hant", "MO": "zh-Hant"}
