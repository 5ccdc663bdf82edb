"""The fast path of the strict reading: libyaml's composer builds the node tree in one C pass.

It is taken only when it is provably equivalent to the event-by-event reading (strict_yaml.py,
the reference): the text shows no anchor or tag where one could start, and the tree has
nothing the reference would refuse or report. Anything else returns None, and the caller
reads the text again by events, which finds and places every problem.

What a composed tree cannot show, and how this module knows it is absent:

- an anchor never aliased, and an anchor's alias (the composer hands back the anchored
  node itself): an alias needs an anchor, and `_MAYBE_ANCHOR_OR_TAG` finds every `&` that
  could start one (after a character that is not a letter or digit, before a name);
- the non-specific tag `!` on a plain scalar (the composer resolves it as if untagged):
  the same pattern finds every `!` that could start a tag; any other explicit tag is kept
  on the node, where `_tree` refuses it;
- how deep the text nests before the tree is built (the C composer recurses, and a file
  of nested brackets would overflow the stack): a count of the characters that open a
  collection bounds it (`_OPENERS`); the tree's own depth and size are then checked
  against the reference's limits;
- the end of a collection's opening event, which the reference places a collection at:
  a flow collection's opening bracket, or the `-` of a block sequence written at its
  parent key's indentation; otherwise the point where the collection starts.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from briefgen.report.diagnostics import Span
from briefgen.sheet.marks import DataPath, SourceMap
from briefgen.sheet.scalars import TooLarge, resolve_plain
from briefgen.sheet.strict_yaml import MAX_DEPTH, MAX_ITEMS, MAX_NODES

#: An `&` that may start an anchor, or a `!` that may start a tag. A token starts after
#: a blank, a line break, an indicator or a quote, never right after a letter or digit
#: (there it is part of a plain scalar, or a syntax error); an anchor's name is at least
#: one character that is neither blank nor a flow indicator. Text that matches is read
#: by events: a false alarm ("a & b" never matches, "(!)" does) only costs time.
_MAYBE_ANCHOR_OR_TAG = re.compile(r"(?<![0-9A-Za-z])(?:&[^\s,\[\]{}]|!)")


#: The characters a collection needs at least one of its own: `[`, `{`, a block sequence's `-`,
#: a mapping entry's `:` or `?`. Their count bounds how deep the text can nest, and so how
#: deep the C composer recurses (a file of 100,000 nested brackets would overflow its stack).
_OPENERS = ":?-[{"
MAX_FAST_DEPTH = 2_000
#: Larger files (a real sheet is a few KiB) are read by events, which stop at MAX_NODES as they go.
MAX_FAST_CHARS = 256 * 1024


class _GiveUp(Exception):
    """The text is beyond what the fast path reads as the reference does: read it by events."""


#: What the composer's resolver hook returns for every node it resolves; explicit tags are kept as text.
_RESOLVED = object()

_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)


if _CParser is not None:
    class _Composer(_CParser):  # type: ignore[misc]
        """libyaml's composer, whose resolver hooks do nothing: every node it resolves gets _RESOLVED."""

        def descend_resolver(self, parent: Any, index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

        def resolve(self, kind: Any, value: Any, implicit: Any) -> object:
            return _RESOLVED


def available() -> bool:
    """Whether libyaml's bindings are installed (without them only the reference reads)."""
    return _CParser is not None


def read(text: str) -> tuple[Any, SourceMap] | None:
    """The data and SourceMap of `text` when they are exactly what the reference builds
    with no diagnostic at all; None when the text must be read by events."""
    if _CParser is None or "\x85" in text or "\u2028" in text or "\u2029" in text:
        return None
    if ("&" in text or "!" in text) and _MAYBE_ANCHOR_OR_TAG.search(text):
        return None
    if len(text) > MAX_FAST_CHARS or sum(map(text.count, _OPENERS)) > MAX_FAST_DEPTH:
        return None
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except (yaml.YAMLError, _GiveUp):
        return None
    finally:
        composer.dispose()
    if type(root) is not MappingNode or root.tag is not _RESOLVED:
        return None  # no document, or not a mapping: rare, and the reference says what it is
    marks = SourceMap()
    try:
        data = _Tree(marks).mapping(root, (), _opening(root, None))
    except _GiveUp:
        return None
    if len(marks.values) + len(marks.keys) > MAX_NODES:
        return None  # every node of a tree the fast path accepts is a value or a key
    return data, marks


def _opening(node: Any, parent: Any) -> Span:
    """Where the reference places a collection: the span of its opening event."""
    start = node.start_mark
    line, col = start.line + 1, start.column + 1
    if node.flow_style or (type(node) is SequenceNode and type(parent) is MappingNode
                           and not parent.flow_style and start.column == parent.start_mark.column):
        return _new(Span, (line, col, line, col + 1))  # `[`, `{`, or the `-` of an indentless sequence
    return _new(Span, (line, col, line, col))


class _Tree:
    """Plain data and its SourceMap from a composed tree, giving up on what the reference would report."""

    def __init__(self, marks: SourceMap) -> None:
        self.values = marks.values
        self.keys = marks.keys
        self.typed_plain = marks.typed_plain

    def mapping(self, node: Any, path: DataPath, span: Span) -> dict[str, Any]:
        self.values[path] = span
        if node.tag is not _RESOLVED or len(node.value) > MAX_ITEMS or len(path) >= MAX_DEPTH or self.full():
            raise _GiveUp
        result: dict[str, Any] = {}
        keys, values = self.keys, self.values
        for key_node, item in node.value:
            if type(key_node) is not ScalarNode or key_node.tag is not _RESOLVED:
                raise _GiveUp  # a mapping or list as a key, or a tagged key
            key = key_node.value
            if not key_node.style and (key == "<<" or type(resolve_plain(key)) is not str):
                raise _GiveUp  # a merge key, or a key YAML reads as a number, true or null
            if key in result:
                raise _GiveUp  # a duplicate key
            start, end = key_node.start_mark, key_node.end_mark
            here = path + (key,)
            keys[here] = _new(Span, (start.line + 1, start.column + 1, end.line + 1, end.column + 1))
            if type(item) is ScalarNode and item.tag is _RESOLVED and item.style:
                start, end = item.start_mark, item.end_mark  # quoted or block text: the common case
                values[here] = _new(Span, (start.line + 1, start.column + 1, end.line + 1, end.column + 1))
                result[key] = item.value
            else:
                result[key] = self.value(item, node, here)
        return result

    def sequence(self, node: Any, path: DataPath, span: Span) -> list[Any]:
        self.values[path] = span
        if node.tag is not _RESOLVED or len(node.value) > MAX_ITEMS or len(path) >= MAX_DEPTH or self.full():
            raise _GiveUp
        value = self.value
        return [value(item, node, path + (index,)) for index, item in enumerate(node.value)]

    def full(self) -> bool:
        """More nodes than the reference reads already (each node is a value or a key): checked
        as the walk goes too, so that a tree whose nodes are shared (an alias the scan would
        have missed) could not make it walk for ever."""
        return len(self.values) + len(self.keys) > MAX_NODES

    def value(self, node: Any, parent: Any, path: DataPath) -> Any:
        kind = type(node)
        if kind is ScalarNode:
            if node.tag is not _RESOLVED:
                raise _GiveUp
            start, end = node.start_mark, node.end_mark
            self.values[path] = _new(Span, (start.line + 1, start.column + 1, end.line + 1, end.column + 1))
            text = node.value
            if node.style:
                return text
            value = resolve_plain(text)
            if type(value) is not str:
                if type(value) is TooLarge:
                    raise _GiveUp  # the reference reports it
                self.typed_plain[path] = text
            return value
        if kind is MappingNode:
            return self.mapping(node, path, _opening(node, parent))
        return self.sequence(node, path, _opening(node, parent))


#: Spans made as tuples are: the fast path makes one for every value and key.
_new = tuple.__new__
