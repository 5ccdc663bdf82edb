"""The loader's fast path against the reference: the same data, marks and diagnostics on every input.

`load(fast=False)` reads by events alone (strict_yaml.Builder, the reference); `load()` takes
the composed tree when fast_yaml says it may. On every YAML file of the suite, on generated
sheets in block and flow style, and on those files mutated at random (an anchor, a tag, a
merge key, a duplicated line, a NEL ...), both must give the same Loaded, to the types of
the values and the order of the marks.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.sheet import fast_yaml
from briefgen.sheet.loader import Loaded, load
from briefgen.sheet.marks import LINE_BREAK, source_lines
from briefgen.sheet.strict_yaml import MAX_DEPTH, MAX_ITEMS
from conftest import DATA, ROOT

CORPORA = [DATA / "loader", ROOT / "tests" / "hostile" / "sheets", ROOT / "src" / "briefgen" / "examples",
           ROOT / "briefs"]
FILES = sorted(path for folder in CORPORA for path in folder.rglob("*") if path.suffix in (".yaml", ".yml"))
TEXTS = {path: path.read_bytes() for path in FILES}
SCALE = 10 if os.environ.get("BRIEFGEN_LONG_FUZZ") == "1" else 1


def canonical(value: Any) -> Any:
    """`value` with its types spelled out: 1, 1.0 and True are equal in Python, not in a sheet."""
    if isinstance(value, dict):
        return ("map", [(canonical(k), canonical(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [canonical(item) for item in value])
    if isinstance(value, float):
        return (type(value).__name__, "nan" if math.isnan(value) else repr(value), getattr(value, "text", None))
    return (type(value).__name__, repr(value))


def _path(path: tuple[Any, ...]) -> tuple[Any, ...]:
    # The reference files what lies under a refused key under a fresh object() in its path.
    return tuple(part if isinstance(part, (str, int)) else "<refused key>" for part in path)


def summary(loaded: Loaded) -> tuple[Any, ...]:
    marks = loaded.marks
    return (loaded.path, loaded.text, canonical(loaded.data), *([(_path(path), mark) for path, mark in table.items()]
                                                                for table in (marks.values, marks.keys, marks.typed_plain)),
            loaded.diagnostics, loaded.lost)


def assert_same(raw: bytes, name: str = "sheet.yaml") -> bool:
    """Both readings of `raw` agree; True when the fast path was the one taken."""
    fast, reference = load(name, raw), load(name, raw, fast=False)
    assert summary(fast) == summary(reference)
    text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
    return fast_yaml.read(text) is not None


def test_the_corpora_are_there() -> None:
    assert len(FILES) > 200, [str(folder) for folder in CORPORA]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_file_of_the_suite_reads_the_same_both_ways(path: Path) -> None:
    assert_same(TEXTS[path], str(path))


def test_the_fast_path_is_taken_for_every_valid_example() -> None:
    """Not a vacuous comparison: the example sheets and most hostile ones go the fast way.

    (The bundled workflows do not: their shell has `if ! grep`, where a tag could start.)
    """
    examples = [p for p in FILES if "briefs" in p.relative_to(ROOT).parts[:1] or p.name == "valid.yaml"]
    assert examples and all(assert_same(TEXTS[p]) for p in examples)
    taken = sum(assert_same(TEXTS[p]) for p in FILES)
    assert taken > len(FILES) * 0.7, taken


# --- what the tree cannot show: each is read by events, and reported as before -------------

REFUSED = {
    "an anchor never aliased": ("title: &t Meeting\nsummary: text\n", "anchor"),
    "an alias": ("title: &t Meeting\nsummary: *t\n", "alias"),
    "an anchor on a mapping": ("meeting: &m\n  date: 2025-01-01\n", "anchor"),
    "an anchor in flow": ("{title: &t x}\n", "anchor"),
    "an anchor after a quoted key": ('{"title":&t x}\n', "anchor"),
    "the non-specific tag on a plain number": ("title: ! 12\nsummary: x\n", None),
    "the non-specific tag on text": ('title: ! "x"\n', None),
    "an explicit tag": ("title: !!str 12\n", None),
    "a bad explicit tag": ("title: !!int x\n", "tag"),
    "a local tag": ("title: !local x\n", "tag"),
    "a verbatim tag": ("title: !<tag:yaml.org,2002:str> x\n", None),
    "a merge key": ("base: {a: 1}\nmeeting:\n  <<: {a: 1}\n", "merge-key"),
    "a duplicate key": ("title: a\ntitle: b\n", "duplicate-key"),
    "a number as key": ("1: a\n", "key-not-string"),
    "null as key": ("~: a\n", "key-not-string"),
    "a list as key": ("[a]: b\n", "key-not-string"),
    "a too large number": ("value: 1234567890123456789012\n", "number-too-large"),
    "two documents": ("a: 1\n---\nb: 2\n", "multiple-documents"),
    "an empty document": ("---\n", "empty-file"),
    "null at the top": ("~\n", "empty-file"),
    "a list at the top": ("- a\n- b\n", None),
    "a NEL in text": ("title: a\x85b\nsummary: x\n", None),
    "a line separator": ("title: a\u2028b\nsummary: x\n", None),
    "a syntax error": ("title: [a\nsummary: x\n", "yaml-syntax"),
    "a tab": ("title:\n\tx: 1\n", "yaml-syntax"),
    "too deep": ("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", "too-deep"),
    "too many items": ("a: [" + ", ".join(["x"] * (MAX_ITEMS + 1)) + "]\n", "too-many-items"),
    "too many keys": ("".join(f"k{i}: 1\n" for i in range(MAX_ITEMS + 1)), "too-many-items"),
    "nested brackets past the C composer's stack": ("a: " + "[" * 200_000 + "\n", None),
}


@pytest.mark.parametrize("text", [t for t, _ in REFUSED.values()], ids=list(REFUSED))
def test_what_a_composed_tree_hides_is_read_by_events(text: str) -> None:
    raw = text.encode("utf-8")
    assert not assert_same(raw), "the fast path must give up here"
    code = dict(REFUSED.values())[text]
    if code is not None:
        assert code in [d.code for d in load("sheet.yaml", raw).diagnostics]


ACCEPTED = {
    "prose with an ampersand": "title: Trade & investment, R&D\nsummary: 'Q&A: yes!'\n",
    "markdown emphasis": "summary: '**bold** and *stress*'\n",
    "a block sequence at its key's indentation": "points:\n- a\n- b\nnested:\n  - x\n  - - y\n",
    "flow collections": '{"a": [1, 2.50, {"b": null}], "c": "d"}\n',
    "typed plain scalars": "a: 1\nb: 1.5e3\nc: true\nd: ~\ne: 0x1F\nf: .inf\ng: 13:40\nh: 2025-11-23\n",
    "non-ASCII text before values": "titre: Réunion — 会談\nété: \"x\"\nn: 3\n",
    "CRLF line ends": "a: 1\r\nb:\r\n  - x\r\n",
    "block scalars": "a: |\n  one\n  two\nb: >-\n  folded\n  text\n",
    "empty values": "a:\nb: []\nc: {}\nd: ''\n",
    "a quoted << is a key": 'meeting:\n  "<<": 1\n',
    "just deep enough": "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n",
    "as many items as allowed": "a: [" + ", ".join(["x"] * MAX_ITEMS) + "]\n",
    "as many keys as allowed": "".join(f"k{i}: 1\n" for i in range(MAX_ITEMS)),
}


@pytest.mark.parametrize("text", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_ordinary_text_takes_the_fast_path(text: str) -> None:
    assert assert_same(text.encode("utf-8")), "the fast path should read this"


# --- generated and mutated inputs ---------------------------------------------------------

FUZZ = settings(max_examples=150 * SCALE, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SCALARS = st.one_of(st.text(max_size=30), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    st.booleans(), st.none(), st.sampled_from(["<<", "~", "null", "NO", "1e3", "0o17", "13:40",
                                                             "&a", "*a", "!x", "a & b", "x\x85y", "é"]))
KEYS = st.one_of(st.text(max_size=12), st.sampled_from(["<<", "1", "true", "~", "a b", "&k", "!k"]))
DATA_TREES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                           st.dictionaries(KEYS, inner, max_size=5)), max_leaves=40)


@FUZZ
@given(tree=st.dictionaries(KEYS, DATA_TREES, min_size=1, max_size=8),
       style=st.sampled_from([False, True, None]), width=st.sampled_from([20, 80, 1000]))
def test_generated_sheets_read_the_same_both_ways(tree: dict[str, Any], style: bool | None, width: int) -> None:
    text = yaml.safe_dump(tree, default_flow_style=style, allow_unicode=True, width=width, sort_keys=False)
    assert_same(text.encode("utf-8", "surrogatepass"))


SNIPPETS = ["&a ", "*a", "&a x\nb: *a", "!!str ", "! ", "!x ", "!<x> ", "<<: ", "\x85", "\u2028", "\u2029", "\t",
            "? ", "- ", "[", "{", "}", "]", ", ", ": ", "#", "'", '"', "|\n", ">-\n", "\r", "\r\n", "\n---\n",
            "\n...\n", "%YAML 1.1\n---\n", "é", "会", "1e3", "0x1F", "~", "null", "123456789012345678901234",
            "  ", "\n  ", "\ufeff", "\x00", "x: y: z", "&", "!", "*"]


@FUZZ
@given(data=st.data())
def test_mutated_files_read_the_same_both_ways(data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(sorted(TEXTS.values())))
    text = raw.decode("utf-8", "replace")
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        change = data.draw(st.sampled_from(["insert", "delete", "duplicate line"]))
        if change == "insert":
            text = text[:at] + data.draw(st.sampled_from(SNIPPETS)) + text[at:]
        elif change == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 20)):]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                index = data.draw(st.integers(0, len(lines) - 1))
                lines.insert(index, lines[index])
            text = "".join(lines)
    assert_same(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(["a", "é", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029",
                                              " "])))
def test_source_lines_split_as_editors_do_on_either_path(text: str) -> None:
    """source_lines takes str.splitlines when the text has none of the breaks editors do not count."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    assert source_lines(text) == lines
