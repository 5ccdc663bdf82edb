"""Where each value of a loaded sheet stands in its file: data paths, the SourceMap, lines as editors count them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from briefgen.report.diagnostics import Span

DataPath = tuple[str | int, ...]

#: Line breaks as editors (and GitHub) count them. YAML 1.1, which the parser follows, and
#: str.splitlines also break at NEL, U+2028 and U+2029, which editors show inside a line.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of the data stands in the file."""

    values: dict[DataPath, Span] = field(default_factory=dict)
    keys: dict[DataPath, Span] = field(default_factory=dict)
    #: Source text of plain scalars that YAML typed (numbers, booleans, null).
    typed_plain: dict[DataPath, str] = field(default_factory=dict)

    def value(self, path: DataPath) -> Span:
        """Span of the value at `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            span = self.values.get(path[:end])
            if span is not None:
                return span
        return Span(1, 1)

    def key(self, path: DataPath) -> Span:
        """Span of the key that introduces `path` (falls back to the value)."""
        for end in range(len(path), 0, -1):
            span = self.keys.get(path[:end])
            if span is not None:
                return span
        return Span(1, 1)


#: What str.splitlines breaks at besides LINE_BREAK's \r\n, \r and \n.
_OTHER_SPLITS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def source_lines(text: str) -> list[str]:
    """The lines of `text`, numbered as editors number them (see LINE_BREAK)."""
    if not any(char in text for char in _OTHER_SPLITS):
        return text.splitlines()  # the same lines, five times as fast
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def text_values(data: Any, loc: DataPath = ()) -> Iterator[tuple[DataPath, str]]:
    """Every text value in plain data (mappings, lists, scalars), with its path, in document order."""
    # An explicit stack rather than recursion: this runs over every sheet that is checked.
    stack: list[tuple[DataPath, Any]] = [(loc, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            stack.extend((where + (key,), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((where + (index,), item) for index, item in reversed(list(enumerate(value))))
