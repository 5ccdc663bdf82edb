"""The strict YAML loader: one fixture per pitfall, with its code and position."""

from __future__ import annotations

import datetime as dt
import math
import time
from pathlib import Path

import pytest
import yaml

from briefgen.report.diagnostics import MAX_PER_FILE
from briefgen.sheet.loader import MAX_BYTES, load
from briefgen.sheet.scalars import WrittenFloat, resolve_plain
from briefgen.sheet.sources import load_fact_sheet
from briefgen.sheet.strict_yaml import MAX_DEPTH, MAX_ITEMS, MAX_NODES
from conftest import (
    LOADER_DATA,
    check_file,
    check_text,
    codes,
    example_text,
    find,
    load_text,
    only,
    write_sheet,
)

VALID = LOADER_DATA / "valid.yaml"


def fixture(name: str) -> Path:
    path = LOADER_DATA / name
    assert path.is_file(), path
    return path


# --- the table: each pitfall, its code and where it is reported -------------

PITFALLS = [
    # file, code, line, col
    ("encoding.yaml", "encoding", 5, 11),
    ("empty.yaml", "empty-file", 1, 1),
    ("comments-only.yaml", "empty-file", 1, 1),
    ("multiple-documents.yaml", "multiple-documents", 52, 1),
    ("duplicate-key.yaml", "duplicate-key", 18, 3),
    ("anchor.yaml", "anchor", 5, 8),
    ("alias.yaml", "alias", 15, 13),
    ("merge-key.yaml", "merge-key", 19, 5),
    ("tag.yaml", "tag", 15, 13),
    ("too-deep.yaml", "too-deep", 15, 61),
    ("key-not-string.yaml", "key-not-string", 18, 3),
    ("number-as-text.yaml", "number-as-text", 11, 12),
    ("yaml-syntax.yaml", "yaml-syntax", 5, 13),
    ("tab-indent.yaml", "yaml-syntax", 19, 1),
]


@pytest.mark.parametrize(("name", "code", "line", "col"), PITFALLS, ids=[p[0] for p in PITFALLS])
def test_pitfall_is_reported_at_its_position(name: str, code: str, line: int, col: int) -> None:
    checked = check_file(fixture(name))
    diagnostic = only(checked, code)
    assert (diagnostic.line, diagnostic.col, diagnostic.severity) == (line, col, "error")
    assert diagnostic.path == str(fixture(name))
    assert diagnostic.message and diagnostic.hint
    assert checked.sheet is None


# Fixtures that are the valid sheet plus exactly one pitfall: nothing else may be reported.
ONLY_ERROR = [p for p in PITFALLS if p[0] not in ("tag.yaml",)]


@pytest.mark.parametrize(("name", "code"), [(p[0], p[1]) for p in ONLY_ERROR], ids=[p[0] for p in ONLY_ERROR])
def test_pitfall_causes_no_other_diagnostic(name: str, code: str) -> None:
    assert codes(check_file(fixture(name))) == [code]


def test_fixture_base_is_valid() -> None:
    checked = check_file(VALID)
    assert checked.report.diagnostics == []
    assert checked.sheet is not None


# --- encoding ----------------------------------------------------------------


def test_non_utf8_names_the_byte_and_position() -> None:
    diagnostic = only(check_file(fixture("encoding.yaml")), "encoding")
    assert "e9" in diagnostic.message
    assert "line 5, column 11" in diagnostic.message
    assert "UTF-8" in diagnostic.hint


def test_non_utf8_on_first_line_and_in_multibyte_text() -> None:
    # Column counts characters, not bytes: "é" before the bad byte is one column.
    checked = check_text("title: é\xff".encode().replace(b"\xc3\xbf", b"\xff"))
    diagnostic = only(checked, "encoding")
    assert (diagnostic.line, diagnostic.col) == (1, 9)


@pytest.mark.parametrize(("raw", "where"), [(b"\r\x80", (2, 1)), (b"a: 1\r\nb: \x80", (2, 4)),
                                            (b"a: 1\rb: 2\rc: \x80", (3, 4))])
def test_non_utf8_is_placed_on_lines_as_editors_count_them(raw: bytes, where: tuple[int, int]) -> None:
    """A lone carriage return ends a line for editors and for the caret under the diagnostic
    (marks.LINE_BREAK), so it ends one for the position of a bad byte too: once counted from
    line feeds only, b"\r\x80" put the byte at line 1, column 2, past the end of its line
    (found by tests/test_fuzz.py)."""
    diagnostic = only(check_text(raw), "encoding")
    assert (diagnostic.line, diagnostic.col) == where
    assert f"line {where[0]}, column {where[1]}" in diagnostic.message


def test_byte_order_mark_is_accepted() -> None:
    raw = fixture("bom.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    checked = check_file(fixture("bom.yaml"))
    assert checked.report.diagnostics == []
    assert checked.sheet is not None and checked.sheet.format == 1
    assert not checked.loaded.text.startswith("\ufeff")


def test_bom_does_not_shift_columns(tmp_path: Path) -> None:
    text = VALID.read_text(encoding="utf-8").replace("format: 1", "format: 2")
    plain = check_file(write_sheet(tmp_path, text, "plain.yaml"))
    bom = check_file(write_sheet(tmp_path, b"\xef\xbb\xbf" + text.encode(), "bom.yaml"))
    assert [(d.code, d.line, d.col) for d in bom.report.diagnostics] == \
        [(d.code, d.line, d.col) for d in plain.report.diagnostics] == [("format-version", 2, 9)]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_do_not_shift_lines(separator: str) -> None:
    # YAML 1.1 counts NEL, U+2028 and U+2029 as line breaks; editors and GitHub do not.
    text = (VALID.read_text(encoding="utf-8")
            .replace("title: Test bilateral meeting", f'title: "Test{separator}bilateral meeting"')
            .replace("format: bilateral", "format: bilaterl"))
    checked = check_text(text)
    diagnostic = only(checked, "invalid-value")
    assert (diagnostic.line, diagnostic.col) == (16, 11)
    assert checked.loaded.lines[15] == "  format: bilaterl"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings(newline: str) -> None:
    text = VALID.read_text(encoding="utf-8").replace("format: bilateral", "format: bilaterl")
    checked = check_text(text.replace("\n", newline))
    diagnostic = only(checked, "invalid-value")
    assert (diagnostic.line, diagnostic.col) == (16, 11)


# --- size and emptiness ------------------------------------------------------


def test_file_over_one_mebibyte_is_not_read(tmp_path: Path) -> None:
    text = example_text()
    padding = MAX_BYTES + 1 - len(text.encode())
    path = write_sheet(tmp_path, text + "#" * (padding - 1) + "\n")
    assert path.stat().st_size == MAX_BYTES + 1
    checked = check_file(path)
    assert codes(checked) == ["file-too-large"]
    diagnostic = checked.report.diagnostics[0]
    assert (diagnostic.line, diagnostic.col, diagnostic.severity) == (1, 1, "error")


def test_file_of_exactly_one_mebibyte_is_read(tmp_path: Path) -> None:
    text = example_text()
    padding = MAX_BYTES - len(text.encode())
    path = write_sheet(tmp_path, text + "#" * (padding - 1) + "\n")
    assert path.stat().st_size == MAX_BYTES
    checked = check_file(path)
    assert checked.report.diagnostics == []


def test_huge_file_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    path = write_sheet(tmp_path, b"a: " + b"x" * (8 * MAX_BYTES))
    from briefgen.sheet.sources import read_source

    assert len(read_source(path)) == MAX_BYTES + 1
    assert codes(check_file(path)) == ["file-too-large"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "--- # x\n...\n", "~\n", "null\n"])
def test_empty_documents(text: str) -> None:
    # A document that holds nothing (`---` alone, a bare null) must not pass as valid.
    checked = check_text(text)
    assert codes(checked) == ["empty-file"]
    assert checked.report.failed()
    assert checked.sheet is None


def test_empty_file_hint_points_to_new() -> None:
    assert "briefgen new" in only(check_file(fixture("empty.yaml")), "empty-file").hint


def test_second_document_is_reported_at_its_marker() -> None:
    diagnostic = only(check_file(fixture("multiple-documents.yaml")), "multiple-documents")
    lines = fixture("multiple-documents.yaml").read_text().splitlines()
    assert lines[diagnostic.line - 1] == "---"


def test_explicit_single_document_is_fine() -> None:
    checked = check_text("---\n" + VALID.read_text(encoding="utf-8") + "...\n")
    assert checked.report.diagnostics == []


# --- YAML 1.2 scalars: what stays text ---------------------------------------


def test_country_no_stays_norway() -> None:
    checked = check_file(fixture("norway.yaml"))
    assert checked.report.diagnostics == []
    assert checked.loaded.data["meeting"]["venue"]["country"] == "NO"
    assert checked.sheet is not None and checked.sheet.meeting.venue.country == "NO"


def test_yes_no_on_off_are_text() -> None:
    checked = check_file(fixture("yes-on.yaml"))
    assert checked.report.diagnostics == []
    data = checked.loaded.data
    assert data["meeting"]["occasion"] == "on"
    assert data["talking_points"][:3] == ["yes", "no", "off"]


def test_unquoted_time_stays_text() -> None:
    checked = check_file(fixture("unquoted-time.yaml"))
    assert checked.report.diagnostics == []
    assert checked.loaded.data["meeting"]["start"] == "13:40"
    assert checked.sheet is not None and checked.sheet.meeting.start == "13:40"


def test_unquoted_dates_stay_text_and_the_model_parses_them() -> None:
    checked = check_file(VALID)
    assert checked.loaded.data["meeting"]["date"] == "2025-11-23"
    assert checked.sheet is not None and checked.sheet.meeting.date == dt.date(2025, 11, 23)


def test_unquoted_invalid_date_is_caught_by_the_model() -> None:
    text = VALID.read_text(encoding="utf-8").replace("  date: 2025-11-23", "  date: 2025-13-01")
    diagnostic = only(check_text(text), "invalid-date")
    assert (diagnostic.line, diagnostic.col) == (14, 9)


@pytest.mark.parametrize(("plain", "value"), [
    ("NO", "NO"), ("yes", "yes"), ("on", "on"), ("Off", "Off"), ("y", "y"), ("13:40", "13:40"),
    ("2025-11-23", "2025-11-23"), ("1_000", "1_000"), ("0b101", "0b101"), ("010", 10), ("0o17", 15),
    ("0x1F", 31), ("true", True), ("False", False), ("~", None), ("null", None), ("", None),
    ("1.10", 1.1), ("-2", -2), ("1e3", 1000.0), (".inf", math.inf), ("-.Inf", -math.inf),
])
def test_core_schema_resolution(plain: str, value: object) -> None:
    resolved = resolve_plain(plain)
    assert resolved == value
    if isinstance(value, float) and math.isfinite(value):
        # A float keeps the text it was written as: an amount is read from it exactly.
        assert isinstance(resolved, WrittenFloat) and resolved.text == plain
    else:
        assert type(resolved) is type(value)


def test_quoted_scalars_are_always_text() -> None:
    loaded = load_text('a: "1.10"\nb: \'true\'\nc: "null"\n')
    assert loaded.data == {"a": "1.10", "b": "true", "c": "null"}
    assert loaded.diagnostics == []


def test_version_number_as_text_hint_says_to_quote() -> None:
    diagnostic = only(check_file(fixture("number-as-text.yaml")), "number-as-text")
    assert "1.10" in diagnostic.message
    assert diagnostic.hint == 'quote it so it stays as written: version: "1.10"'


@pytest.mark.parametrize(("value", "shown"), [("true", "true"), ("12", "12"), ("0x1F", "0x1F")])
def test_other_typed_values_where_text_is_expected(value: str, shown: str) -> None:
    text = VALID.read_text(encoding="utf-8").replace("title: Test bilateral meeting", f"title: {value}")
    diagnostic = only(check_text(text), "number-as-text")
    assert (diagnostic.line, diagnostic.col) == (5, 8)
    assert diagnostic.hint.endswith(f'title: "{shown}"')


def test_number_as_text_in_a_list_hint() -> None:
    text = VALID.read_text(encoding="utf-8").replace("  - The first point.", "  - 2025")
    diagnostic = only(check_text(text), "number-as-text")
    assert (diagnostic.line, diagnostic.col) == (45, 5)
    assert diagnostic.hint.endswith('- "2025"')


@pytest.mark.parametrize("value", ["", " null", " ~"])
def test_null_where_text_is_expected_is_empty(value: str) -> None:
    text = VALID.read_text(encoding="utf-8").replace("title: Test bilateral meeting", f"title:{value}")
    diagnostic = only(check_text(text), "empty-value")
    assert diagnostic.line == 5


# --- keys ----------------------------------------------------------------------


def test_duplicate_key_names_the_first_line() -> None:
    diagnostic = only(check_file(fixture("duplicate-key.yaml")), "duplicate-key")
    assert "'date'" in diagnostic.message
    assert "first on line 14" in diagnostic.message


def test_duplicate_key_keeps_the_first_value() -> None:
    checked = check_file(fixture("duplicate-key.yaml"))
    assert checked.loaded.data["meeting"]["date"] == "2025-11-23"


def test_same_key_in_different_mappings_is_fine() -> None:
    # `date`, `name`, `title`, `id` appear in several mappings of the valid sheet.
    assert check_file(VALID).report.diagnostics == []


def test_duplicate_key_in_flow_mapping() -> None:
    diagnostic = only(check_text("a: {x: 1, y: 2, x: 3}\n"), "duplicate-key")
    assert (diagnostic.line, diagnostic.col) == (1, 17)


@pytest.mark.parametrize(("key", "shown"), [("1", "1"), ("true", "true"), ("null", "null"), ("1.5", "1.5")])
def test_key_not_string(key: str, shown: str) -> None:
    diagnostic = only(check_text(f"{key}: x\n"), "key-not-string")
    assert (diagnostic.line, diagnostic.col) == (1, 1)
    assert f'"{shown}"' in diagnostic.hint


def test_mapping_as_key() -> None:
    diagnostic = only(check_text("? {a: 1}\n: b\n"), "key-not-string")
    assert diagnostic.line == 1


def test_quoted_number_key_is_text() -> None:
    assert load_text('"1": x\n').data == {"1": "x"}


# --- anchors, aliases, merge keys, tags ---------------------------------------


def test_anchor_and_alias_together() -> None:
    checked = check_text(VALID.read_text(encoding="utf-8")
                         .replace("title: Test", "title: &t Test")
                         .replace("occasion: G20 Leaders' Summit", "occasion: *t"))
    assert codes(checked) == ["anchor", "alias"]
    assert [(d.line, d.col) for d in checked.report.diagnostics] == [(5, 8), (15, 13)]


def test_alias_never_expands() -> None:
    loaded = load_text("a: &x [1, 2]\nb: *x\n")
    assert loaded.data["b"] is None
    assert {d.code for d in loaded.diagnostics} == {"anchor", "alias"}


def test_merge_key_is_not_merged() -> None:
    checked = check_file(fixture("merge-key.yaml"))
    venue = checked.loaded.data["meeting"]["venue"]
    assert venue["name"] == "Expo Centre"
    assert "<<" not in venue


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    loaded = load_text('"<<": 1\n')
    assert loaded.data == {"<<": 1}
    assert loaded.diagnostics == []


PWNED = Path("/tmp/briefgen-pwned-XYZ")


def test_python_tag_is_never_constructed() -> None:
    PWNED.unlink(missing_ok=True)
    checked = load_fact_sheet(fixture("tag.yaml"))
    assert not PWNED.exists()
    diagnostic = only(checked, "tag")
    assert "!!python/object/apply:os.system" in diagnostic.message


def test_python_tag_payload_is_real(tmp_path: Path) -> None:
    # Control: the same payload does run under an unsafe loader, so the test above means something.
    marker = tmp_path / "pwned"
    text = f'occasion: !!python/object/apply:os.system ["touch {marker}"]\n'
    check_text(text)
    assert not marker.exists()
    yaml.unsafe_load(text)
    assert marker.exists()


@pytest.mark.parametrize("tagged", [
    "!!binary aGVsbG8=", "!!timestamp 2025-11-23", "!custom value", "!!set {a}", "!!omap [a: 1]",
    "!<tag:example.com,2025:x> y", "!!python/name:os.system ''",
])
def test_other_tags_are_refused(tagged: str) -> None:
    loaded = load_text(f"occasion: {tagged}\n")
    assert [d.code for d in loaded.diagnostics] == ["tag"]
    assert (loaded.diagnostics[0].line, loaded.diagnostics[0].col) == (1, 11)


@pytest.mark.parametrize(("tagged", "value"), [
    ("!!str 1.10", "1.10"), ("!!int '12'", 12), ("!!float 1", 1.0), ("!!bool true", True),
    ("!!null ''", None), ("! 12", "12"),
])
def test_core_tags_are_allowed(tagged: str, value: object) -> None:
    loaded = load_text(f"a: {tagged}\n")
    assert loaded.diagnostics == []
    assert loaded.data["a"] == value and type(loaded.data["a"]) is type(value)


def test_core_tag_with_a_wrong_value() -> None:
    loaded = load_text("a: !!int twelve\n")
    assert [d.code for d in loaded.diagnostics] == ["tag"]
    assert loaded.data["a"] is None


# --- limits -----------------------------------------------------------------


def test_nesting_deeper_than_the_limit() -> None:
    checked = check_file(fixture("too-deep.yaml"))
    assert codes(checked) == ["too-deep"]
    assert str(MAX_DEPTH) in checked.report.diagnostics[0].message


def test_nesting_at_the_limit_is_read() -> None:
    # The root mapping plus 49 lists: 50 levels.
    loaded = load_text("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n")
    assert loaded.diagnostics == []
    assert loaded.data is not None
    assert [d.code for d in load_text("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n").diagnostics] == ["too-deep"]


def test_deep_block_nesting() -> None:
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(60))
    diagnostic = only(check_text(text), "too-deep")
    assert diagnostic.line == MAX_DEPTH + 1


def _nested_list(nodes: int) -> str:
    """A flow list of exactly `nodes` values (itself included), no list longer than MAX_ITEMS."""
    if nodes == 1:
        return "0"
    rest = nodes - 1
    size = max(1, -(-rest // (MAX_ITEMS - 50)))
    children = []
    while rest:
        children.append(_nested_list(min(size, rest)))
        rest -= min(size, rest)
    return "[" + ",".join(children) + "]"


def _count(value: object) -> int:
    return 1 + sum(_count(v) for v in value) if isinstance(value, list) else 1


def test_more_than_max_nodes() -> None:
    # root mapping, key, then the list: MAX_NODES - 1 values in it are one too many.
    text = "x:\n  " + _nested_list(MAX_NODES - 1) + "\n"
    started = time.perf_counter()
    checked = check_text(text)
    assert time.perf_counter() - started < 20
    diagnostic = only(checked, "too-many-nodes")
    assert diagnostic.line == 2
    assert checked.loaded.data is None


def test_max_nodes_is_allowed() -> None:
    text = "x:\n  " + _nested_list(MAX_NODES - 2) + "\n"
    loaded = load_text(text)
    assert loaded.diagnostics == []
    assert _count(loaded.data["x"]) == MAX_NODES - 2


def test_more_than_max_items_in_a_list() -> None:
    text = "x:\n" + "".join(f"- {i}\n" for i in range(MAX_ITEMS + 1))
    diagnostic = only(check_text(text), "too-many-items")
    assert diagnostic.line == MAX_ITEMS + 2  # the first item over the limit


def test_more_than_max_keys_in_a_mapping() -> None:
    text = "".join(f"k{i}: {i}\n" for i in range(MAX_ITEMS + 1))
    assert only(check_text(text), "too-many-items").line == MAX_ITEMS + 1


def test_alias_bomb_finishes_fast() -> None:
    started = time.perf_counter()
    checked = check_file(fixture("billion-laughs.yaml"))
    assert time.perf_counter() - started < 2
    found = {d.code for d in checked.report.diagnostics}
    assert {"alias", "anchor"} <= found
    assert found <= {"alias", "anchor", "unknown-key", "missing-key"}
    assert len(checked.report.diagnostics) == MAX_PER_FILE
    assert checked.report.dropped > 0


# --- syntax -------------------------------------------------------------------


def test_yaml_syntax_hint_for_unquoted_colon() -> None:
    diagnostic = only(check_file(fixture("yaml-syntax.yaml")), "yaml-syntax")
    assert "must be quoted" in diagnostic.hint


def test_tab_indentation_hint() -> None:
    diagnostic = only(check_file(fixture("tab-indent.yaml")), "yaml-syntax")
    assert diagnostic.hint == "indent with spaces, not tabs"


@pytest.mark.parametrize(("text", "line"), [
    ("a: [1, 2\n", 2), ("a: 'unclosed\n", 1), ("a:\n  - 1\n b: 2\n", 3), ("a: @x\n", 1),
    ("a: b\n- c\n", 2), ("a: \x07\n", 1), ("title: x\n  y: z\n", 2),
])
def test_yaml_syntax_errors(text: str, line: int) -> None:
    checked = check_text(text)
    # What the other top-level blocks say is checked too (test_one_pass.py): here, at most `a: b`.
    assert [d.line for d in find(checked, "yaml-syntax")] == [line]
    assert checked.sheet is None


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    # The quote runs on to the end of the file.
    ('format: 1\ntitle: "Japan\nkind: brief\nmeeting:\n  date: 2025-11-23\n', 2, 8,
     "this is not valid YAML: the quote opened here is never closed"),
    ("format: 1\ntitle: 'Japan\n", 2, 8, "this is not valid YAML: the quote opened here is never closed"),
    # A later quote closes it, and the parser stumbles where that quoted text ends.
    ('format: 1\ntitle: "Japan\nkind: "brief"\nmeeting: x\n', 2, 8,
     "this is not valid YAML: the quote opened here runs on to line 3"),
    ('participants:\n  - name: "Alpha\n  - name: "Beta"\n', 2, 11,
     "this is not valid YAML: the quote opened here runs on to line 3"),
])
def test_unclosed_quote_is_reported_where_it_opens(text: str, line: int, col: int, message: str) -> None:
    diagnostic = only(check_text(text), "yaml-syntax")
    assert (diagnostic.line, diagnostic.col, diagnostic.message) == (line, col, message)
    assert diagnostic.hint is not None and "closing" in diagnostic.hint
    assert text.splitlines()[line - 1][col - 1] in "\"'"


def test_a_quoted_text_over_several_lines_is_still_fine() -> None:
    loaded = load_text('title: "Japan\n  and India"\nkind: brief\n')
    assert loaded.diagnostics == [] and loaded.data["title"] == "Japan and India"


def test_file_that_is_not_a_mapping() -> None:
    for text in ("- a\n- b\n", "just text\n", "42\n"):
        checked = check_text(text)
        diagnostic = only(checked, "wrong-type")
        assert (diagnostic.line, diagnostic.col) == (1, 1)


def test_source_map_positions() -> None:
    loaded = load(str(VALID), VALID.read_bytes())
    assert loaded.marks.key(("meeting", "venue", "country")).line == 21
    assert loaded.marks.value(("participants", 1, "id")).line == 28
    assert loaded.marks.value(("commitments", 0, "parties", 1)).col == 19
    # A path that is not in the file falls back to its nearest ancestor.
    assert loaded.marks.value(("meeting", "nope", 3)).line == loaded.marks.value(("meeting",)).line


def test_unreadable_path_is_a_diagnostic(tmp_path: Path) -> None:
    checked = load_fact_sheet(tmp_path)  # a directory cannot be read as a file
    assert codes(checked) == ["unreadable"]
