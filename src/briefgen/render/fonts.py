"""Glyph coverage: which characters of a brief no installed font can draw.

WeasyPrint (through Pango and fontconfig) falls back to any installed font that
covers a character; when none does, the PDF shows empty boxes. Asking fontconfig
first lets the build warn, naming the field and the font packages to install.
"""

from __future__ import annotations

import bisect
import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

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
