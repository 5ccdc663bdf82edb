"""Values from JSON in an output folder, checked for the type and form briefgen writes there.

Each reader returns the value when it is what briefgen writes, and raises BadValue naming
it (`briefs[2].outputs`) when it is not; manifest.py builds its records from them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

SHA256 = re.compile(r"[0-9a-f]{64}")


class BadValue(Exception):
    """A value is not what briefgen writes there; `where` names it (e.g. `briefs[2].outputs`)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"`{where}` {problem}")

    @classmethod
    def worded(cls, message: str) -> BadValue:
        """A problem whose message already names the value."""
        bad = cls("", "")
        bad.args = (message,)
        return bad


def kind_of(value: object) -> str:
    """What a JSON value is, in words: "an object", "text", "null"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__)


def read_object(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise BadValue(where, f"must be an object, not {kind_of(value)}")
    return value


def read_list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise BadValue(where, f"must be a list, not {kind_of(value)}" if value is not None else "is missing")
    return value


def read_text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise BadValue(where, f"must be text, not {kind_of(value)}")
    return value


def read_whole(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadValue(where, f"must be a whole number, not {kind_of(value)}")
    return value


def read_digest(value: object, where: str) -> str:
    if not isinstance(value, str) or not SHA256.fullmatch(value):
        raise BadValue(where, "must be a sha256 (64 hexadecimal digits)" if isinstance(value, str)
                       else f"must be a sha256, not {kind_of(value)}")
    return value


def read_optional(value: object, where: str, read: Callable[[object, str], T]) -> T | None:
    return None if value is None else read(value, where)


def read_items(value: object, where: str, read: Callable[[object, str], T]) -> tuple[T, ...]:
    return tuple(read(item, f"{where}[{position}]") for position, item in enumerate(read_list(value, where)))


#: A JSON string (an unterminated one runs to the end: one pass, never backtracking) or a bracket.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply `text` nests arrays and objects (brackets inside strings do not count)."""
    steps = (_STEP.get(token, 0) for token in _TOKEN.findall(text))
    return max(itertools.accumulate(steps, initial=0))
