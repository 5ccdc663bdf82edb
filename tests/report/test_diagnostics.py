"""Rendering diagnostics for people and tools: order, placeholder collapsing, carets, paths."""

from __future__ import annotations

import json
import re

import pytest
from wcwidth import wcswidth

from briefgen.report.diagnostics import (
    Diagnostic,
    Report,
    display_width,
    format_path,
    format_text,
    render_reports,
)
from briefgen.sheet.skeleton import skeleton
from conftest import RULES_DATA, check_text

VALID = RULES_DATA / "valid.yaml"


def _skeleton_with_one_error() -> str:
    import datetime as dt

    text = skeleton("x", "brief", "schema.json", dt.date(2026, 1, 5))
    return text.replace("  duration_minutes: 30", "  duration_minutes: thirty")


def _text(reports: list[Report], verbose: bool = False) -> str:
    return "\n".join(render_reports(reports, "text", verbose=verbose))


# --- order and placeholder collapsing ------------------------------------------------


def test_skeleton_error_comes_first_and_placeholders_take_one_line() -> None:
    report = check_text(_skeleton_with_one_error(), "briefs/x.yaml").report
    placeholders = [d for d in report.diagnostics if d.code == "placeholder"]
    assert len(placeholders) == 15
    out = _text([report]).splitlines()
    assert out[0].startswith("briefs/x.yaml:29:21: error[wrong-type]: `meeting.duration_minutes` must be a number")
    assert sum("placeholder" in line for line in out) == 1
    (collapsed,) = [line for line in out if "placeholder" in line]
    first = placeholders[0]
    lines = ", ".join(str(d.line) for d in placeholders)
    assert collapsed == (f"briefs/x.yaml:{first.line}:{first.col}: warning[placeholder]: "
                         f"15 TODO placeholders left, on lines {lines} (--verbose shows each)")
    # The error in full (header, 3 source lines, help), a blank line, the collapsed line.
    assert out.index(collapsed) == 6


def test_verbose_shows_every_placeholder_in_full() -> None:
    report = check_text(_skeleton_with_one_error(), "briefs/x.yaml").report
    out = _text([report], verbose=True)
    assert out.count("warning[placeholder]") == 15
    assert out.count("help: replace the TODO text") == 15
    assert "TODO placeholders left" not in out
    assert out.index("error[wrong-type]") < out.index("warning[placeholder]")


def test_one_placeholder_is_shown_in_full() -> None:
    text = VALID.read_text(encoding="utf-8").replace("summary: The bottom line up front.", "summary: TODO")
    out = _text([check_text(text).report])
    assert "sheet.yaml:33:10: warning[placeholder]: `summary` is still a placeholder" in out
    assert "TODO placeholders left" not in out


def _diagnostic(path: str, line: int, severity: str, code: str) -> Diagnostic:
    return Diagnostic(path, line, 1, severity, code, f"{code} on line {line}")  # type: ignore[arg-type]


def test_errors_of_every_file_come_before_any_warning() -> None:
    a = Report.of("a.yaml", [_diagnostic("a.yaml", 1, "warning", "brief-after-meeting"),
                             _diagnostic("a.yaml", 9, "error", "unknown-key")])
    b = Report.of("b.yaml", [_diagnostic("b.yaml", 2, "warning", "bilateral-countries"),
                             _diagnostic("b.yaml", 5, "error", "missing-key")])
    headers = [line for line in _text([a, b]).splitlines() if line]
    assert headers == [
        "a.yaml:9:1: error[unknown-key]: unknown-key on line 9",
        "b.yaml:5:1: error[missing-key]: missing-key on line 5",
        "a.yaml:1:1: warning[brief-after-meeting]: brief-after-meeting on line 1",
        "b.yaml:2:1: warning[bilateral-countries]: bilateral-countries on line 2",
    ]


@pytest.mark.parametrize("verbose", [False, True])
def test_tools_get_every_diagnostic(verbose: bool) -> None:
    report = check_text(_skeleton_with_one_error(), "briefs/x.yaml").report
    (json_text,) = render_reports([report], "json", verbose=verbose)
    assert len(json.loads(json_text)) == 16
    github = list(render_reports([report], "github", verbose=verbose))
    assert len(github) == 16
    assert sum(line.startswith("::warning ") and "placeholder" in line for line in github) == 15


def test_unknown_output_format_is_refused() -> None:
    with pytest.raises(ValueError):
        list(render_reports([], "xml"))


# --- carets --------------------------------------------------------------------------


def _caret(rendered: str) -> tuple[int, int]:
    """Display column (from 0, after the gutter) and length of the carets in rendered text."""
    source, caret = rendered.splitlines()[2:4]
    gutter = source.index("| ") + 2
    match = re.search(r"\^+", caret)
    assert match is not None
    return match.start() - gutter, len(match[0])


@pytest.mark.parametrize(("line", "value"), [
    ("  venue: {name: 東京国際フォーラム, city: Tokyo, country: Japan}", "Japan"),
    ("  venue: {name: Café Zürich, city: Zurich, country: Schweiz}", "Schweiz"),
    ("  venue: {name: Cafe\u0301 , city: Paris, country: Frankreich}", "Frankreich"),
    ("  venue: {name: 한국, city: 서울, country: 대한민국}", "대한민국"),
])
def test_caret_is_under_the_value_on_screen(line: str, value: str) -> None:
    col = line.index(value) + 1
    diagnostic = Diagnostic("s.yaml", 1, col, "error", "unknown-country", "m", None, 1, col + len(value))
    offset, length = _caret(format_text(diagnostic, [line]))
    assert offset == wcswidth(line[: col - 1])
    assert length == wcswidth(value)


def test_caret_under_a_wide_value_found_by_the_checker() -> None:
    text = VALID.read_text(encoding="utf-8").replace(
        "  venue:\n    name: Expo Centre\n    city: Johannesburg\n    country: ZA\n",
        "  venue: {name: 東京国際フォーラム, city: 東京, country: 日本}\n")
    report = check_text(text).report
    (rendered,) = [format_text(d, report.lines) for d in report.diagnostics]
    assert "error[unknown-country]" in rendered
    source = rendered.splitlines()[2]
    offset, length = _caret(rendered)
    shown = source[source.index("| ") + 2:]
    assert offset == display_width(shown[: shown.index("日本")]) and length == 4


def test_tab_counts_as_one_column_on_screen() -> None:
    line = "\ttitle: [x]"
    diagnostic = Diagnostic("s.yaml", 1, 9, "error", "wrong-type", "m", None, 1, 12)
    rendered = format_text(diagnostic, [line])
    assert rendered.splitlines()[2] == "1 |  title: [x]"
    assert _caret(rendered) == (8, 3)


def test_control_characters_are_not_printed_raw() -> None:
    diagnostic = Diagnostic("s.yaml", 1, 5, "error", "yaml-syntax", "m", None, 1, 6)
    rendered = format_text(diagnostic, ["a: \x1b[31mx"])
    assert "\x1b" not in rendered
    assert _caret(rendered) == (4, 1)


def test_display_width() -> None:
    assert display_width("abc") == 3
    assert display_width("日本") == 4
    assert display_width("e\u0301") == 1


# --- paths ---------------------------------------------------------------------------


@pytest.mark.parametrize(("loc", "shown"), [
    ((), ""),
    (("title",), "title"),
    (("participants", 0, "name"), "participants[0].name"),
    (("meeting", "venue", "city"), "meeting.venue.city"),
    (("commitments", 1, "parties", 0), "commitments[1].parties[0]"),
])
def test_format_path(loc: tuple[str | int, ...], shown: str) -> None:
    assert format_path(loc) == shown


def test_every_message_names_paths_one_way() -> None:
    text = (VALID.read_text(encoding="utf-8")
            .replace("    name: Alpha Person", "    name: TODO name")
            .replace("  - The first point.", "  - TODO point"))
    messages = [d.message for d in check_text(text).report.diagnostics]
    assert messages == ["`participants[0].name` is still a placeholder", "`talking_points[0]` is still a placeholder"]



def test_every_code_the_fixtures_produce_is_documented() -> None:
    from conftest import DATA, check_file

    docs = (DATA.parent.parent / "docs" / "factsheet.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \| (?:error|warning|note)", docs, re.MULTILINE))
    found = {d.code for path in sorted(DATA.rglob("*.yaml")) for d in check_file(path).report.diagnostics}
    assert len(found) > 30
    assert found <= documented, found - documented
