"""After a YAML syntax error: what the rest of the file says, read top-level block by block."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from briefgen.report.diagnostics import Diagnostic
from briefgen.sheet.marks import SourceMap, source_lines
from briefgen.sheet.strict_yaml import Builder, Stop


@dataclass(frozen=True)
class Recovered:
    """What the readable blocks of a file say: their data and marks, every syntax error, and the keys lost."""

    data: Any
    marks: SourceMap
    diagnostics: list[Diagnostic]
    lost: frozenset[str]


@dataclass
class _Block:
    """A top-level block: the lines from a key at column 0 to the next one (1-based, inclusive)."""

    first: int
    last: int
    key: str | None


_TOP_KEY = re.compile(r"""^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"][^:#]*?))\s*:(?:\s|$)""")


def _top_level_blocks(lines: list[str]) -> list[_Block]:
    """The top-level blocks of a sheet's lines: comments, blank and indented lines go with the key above."""
    blocks: list[_Block] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line[0] in " \t#" or line.rstrip() in ("---", "..."):
            continue
        match = _TOP_KEY.match(line)
        key = None if match is None else next(group for group in match.groups() if group is not None)
        if blocks:
            blocks[-1].last = number - 1
        blocks.append(_Block(number, len(lines), key.strip() if key is not None else None))
    return blocks


def recover(path: str, text: str, error: Diagnostic) -> Recovered | None:
    """What the rest of a file with a YAML syntax error says: the data of every top-level block that reads.

    The block holding the error is blanked (its lines emptied, so that every other line
    keeps its number and column) and the file is read again, as often as there are blocks;
    each further syntax error is reported too. None when nothing is left to read, or when
    something other than a syntax error stops the reading: then the first error stands alone.
    """
    lines = source_lines(text)
    blocks = _top_level_blocks(lines)
    if not blocks or blocks[0].key is None:
        return None  # not a mapping of keys at the top: there are no blocks to read apart
    pieces = _BREAK_KEPT.split(text)  # line texts at even indexes, the breaks between them at odd ones
    blanked: list[_Block] = []
    errors = [error]
    for _ in range(len(blocks)):
        block = _block_of(blocks, errors[-1].line, blanked)
        if block is None:
            return None
        blanked.append(block)
        for number in range(block.first, block.last + 1):
            pieces[2 * (number - 1)] = ""
        marks = SourceMap()
        builder = Builder(path, marks)
        try:
            builder.run("".join(pieces))
        except Stop:
            pass
        if not builder.fatal:
            lost = frozenset(b.key for b in blanked if b.key is not None)
            return Recovered(builder.root, marks, [*errors, *builder.diagnostics], lost)
        if builder.stopped_by != "yaml-syntax":
            return None
        errors.append(builder.diagnostics[-1])
    return None


_BREAK_KEPT = re.compile(r"(\r\n|\r|\n)")


def _block_of(blocks: list[_Block], line: int, blanked: list[_Block]) -> _Block | None:
    """The block that holds `line`, or else the nearest one above it still read (the parser may notice late)."""
    open_blocks = [b for b in blocks if b not in blanked and b.first <= line]
    holding = [b for b in open_blocks if line <= b.last]
    return holding[0] if holding else (open_blocks[-1] if open_blocks else None)
