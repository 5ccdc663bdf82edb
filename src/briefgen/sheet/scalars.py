"""YAML scalars as the YAML 1.2 core schema types them: only true/false, null/~, integers and floats.

Plain `NO`, `on`, `13:40` and `2025-11-23` stay text. A float keeps the text it was written
as (WrittenFloat), and an integer too long for any fact-sheet value is marked (TooLarge).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

#: Integers are bounded (a year, a page limit, minutes): longer ones are refused before
#: Python converts them (5,000 digits raise ValueError under its int-string limit).
MAX_INT_DIGITS = 18

CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


#: The characters a plain scalar other than text can start with (numbers, null, true, false).
_TYPED_START = frozenset("0123456789+-.~nNtTfF")


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if text and (text[0] not in _TYPED_START or " " in text):
        return text  # most scalars are prose: no pattern below matches them (none allows a space)
    if _NULL.match(text):
        return None
    if _TRUE.match(text):
        return True
    if _FALSE.match(text):
        return False
    if _INT10.match(text) or _INT8.match(text) or _INT16.match(text):
        return _integer(text)
    if _FLOAT.match(text):
        return WrittenFloat.of(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


class WrittenFloat(float):
    """A float that keeps the text it was written as, so that an amount is exact (`1.96e9`, `0.1`).

    It is a float for everything else (messages say "the number 1.1"); the model reads an
    amount's value from `text` as a Decimal.
    """

    __slots__ = ("text",)
    text: str

    @classmethod
    def of(cls, text: str) -> WrittenFloat:
        number = cls(text)
        number.text = text
        return number

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return WrittenFloat.of, (self.text,)


class TooLarge(int):
    """Marker value: an integer literal too long to be a fact-sheet number (see MAX_INT_DIGITS)."""


def _integer(text: str) -> int:
    digits = text.lstrip("+-")
    digits = digits[2:] if digits[:2] in ("0x", "0o") else digits
    if len(digits.lstrip("0")) > MAX_INT_DIGITS:
        return TooLarge(0)
    return int(text, 0) if text[:2] in ("0x", "0o") else int(text)


RESOLVERS: dict[str, Callable[[str], Any]] = {
    CORE + "str": lambda text: text,
    CORE + "null": lambda text: None if _NULL.match(text) else Mismatch,
    CORE + "bool": lambda text: True if _TRUE.match(text) else False if _FALSE.match(text) else Mismatch,
    CORE + "int": lambda text: v if isinstance(v := resolve_plain(text), int) and not isinstance(v, bool) else Mismatch,
    CORE + "float": lambda text: v if isinstance(v := resolve_plain(text), (TooLarge, WrittenFloat)) else float(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool) else Mismatch,
}


class Mismatch:
    """Marker: a scalar that does not match the type its explicit tag names."""
