"""Glyph coverage: which characters of a brief no installed font can draw.

WeasyPrint (through Pango and fontconfig) falls back to any installed font that
covers a character; when none does, the PDF shows empty boxes. Asking fontconfig
first lets the build warn, naming the field and the font packages to install.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from typing import Iterable, TypeVar

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


@functools.lru_cache(maxsize=4096)
def _covered(chars: frozenset[str]) -> bool:
    """Whether one installed font covers all of `chars` (fontconfig's charset match)."""
    fc_list = _fc_list()
    if fc_list is None:
        return True  # cannot tell: WeasyPrint needs fontconfig, so this is a broken install
    pattern = ":charset=" + " ".join(f"{ord(c):x}" for c in sorted(chars))
    result = subprocess.run([fc_list, "--format", "%{family}\n", pattern],
                            capture_output=True, text=True, check=False)
    return bool(result.stdout.strip())


def uncovered(chars: Iterable[str]) -> set[str]:
    """The characters among `chars` that no single installed font covers."""
    # One font rarely covers two scripts, so ask once per script (letters and marks
    # by the first word of their Unicode name; symbols and punctuation together).
    groups: dict[str, set[str]] = {}
    for char in set(chars):
        if _needs_font(char):
            script = unicodedata.name(char, "?").split()[0] if unicodedata.category(char)[0] in "LM" else ""
            groups.setdefault(script, set()).add(char)
    return set().union(*(_bisect(sorted(group)) for group in groups.values()))


def _bisect(chars: list[str]) -> set[str]:
    if not chars or _covered(frozenset(chars)):
        return set()
    if len(chars) == 1:
        return set(chars)
    half = len(chars) // 2
    return _bisect(chars[:half]) | _bisect(chars[half:])


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
