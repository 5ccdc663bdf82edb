"""Model errors and cross-field rules: one fixture per code, with its severity and position.

Every file in tests/data/rules is tests/data/rules/valid.yaml with one mistake.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.diagnostics import MAX_PER_FILE
from conftest import EXAMPLE, RULES_DATA, check_file, check_text, codes, error_codes, find, write_sheet

VALID = RULES_DATA / "valid.yaml"

# file, code, severity, line, col, a piece of the hint (or None)
TABLE = [
    # cross-field rules
    ("duplicate-id-participants.yaml", "duplicate-id", "error", 28, 9, "unique"),
    ("duplicate-id-sources.yaml", "duplicate-id", "error", 52, 9, "unique"),
    ("unknown-source.yaml", "unknown-source", "error", 37, 15, "did you mean 'report-1'?"),
    ("unknown-level.yaml", "unknown-level", "error", 47, 21, "did you mean OFFICIAL?"),
    ("unknown-level-document.yaml", "unknown-level", "error", 7, 10, "OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET"),
    ("portion-above-document.yaml", "portion-above-document", "error", 47, 21, "raise classification.level to SECRET"),
    ("header-above-document.yaml", "header-above-document", "error", 9, 11, "raise classification.level to SECRET"),
    ("missing-venue.yaml", "missing-venue", "error", 13, 1, "format: call"),
    ("missing-venue-city.yaml", "missing-venue", "error", 18, 3, "add `city:` under venue"),
    ("bilateral-countries.yaml", "bilateral-countries", "warning", 22, 1, "multilateral"),
    ("party-not-participant.yaml", "party-not-participant", "warning", 41, 23, "IN, JP"),
    ("readout-before-meeting.yaml", "readout-before-meeting", "warning", 10, 9, "kind: brief"),
    ("brief-after-meeting.yaml", "brief-after-meeting", "warning", 10, 9, "kind: readout"),
    # model errors
    ("unknown-key.yaml", "unknown-key", "error", 15, 3, "did you mean `occasion`?"),
    ("missing-key.yaml", "missing-key", "error", 13, 1, "add `date:` under `meeting`"),
    ("missing-key-nested.yaml", "missing-key", "error", 12, 3, "add `name:` under `document.drafted_by`"),
    ("missing-key-item.yaml", "missing-key", "error", 23, 5, "add `title:` under `participants[0]`"),
    ("invalid-value.yaml", "invalid-value", "error", 16, 11, "did you mean `bilateral`?"),
    ("unknown-country.yaml", "unknown-country", "error", 21, 14, "did you mean ZA"),
    ("unknown-country-case.yaml", "unknown-country", "error", 26, 14, "write JP"),
    ("unknown-currency.yaml", "unknown-currency", "error", 42, 36, "ISO 4217"),
    ("invalid-date.yaml", "invalid-date", "error", 14, 9, "check the day and month"),
    ("invalid-date-format.yaml", "invalid-date", "error", 10, 9, "YYYY-MM-DD"),
    ("invalid-id.yaml", "invalid-id", "error", 4, 5, "lower-case letters"),
    ("too-few-participants.yaml", "too-few-participants", "error", 23, 3, "participants"),
    ("format-version.yaml", "format-version", "error", 2, 9, "format: 1"),
    ("invalid-url.yaml", "invalid-url", "error", 51, 10, "http"),
    ("invalid-url-javascript.yaml", "invalid-url", "error", 51, 10, "http"),
    ("wrong-type.yaml", "wrong-type", "error", 5, 8, "single line of text"),
    ("wrong-type-number.yaml", "wrong-type", "error", 18, 21, "without quotes"),
    ("invalid-time.yaml", "invalid-time", "error", 17, 10, "13:40"),
    ("empty-value.yaml", "empty-value", "error", 33, 10, None),
]


@pytest.mark.parametrize(("name", "code", "severity", "line", "col", "hint"), TABLE, ids=[row[0] for row in TABLE])
def test_rule(name: str, code: str, severity: str, line: int, col: int, hint: str | None) -> None:
    path = RULES_DATA / name
    checked = check_file(path)
    matching = find(checked, code)
    assert len(matching) == 1, checked.report.diagnostics
    diagnostic = matching[0]
    assert (diagnostic.severity, diagnostic.line, diagnostic.col) == (severity, line, col)
    assert diagnostic.path == str(path)
    if hint is not None:
        assert diagnostic.hint is not None and hint in diagnostic.hint
    # One mistake: no other error. A warning alone leaves the sheet valid (unless --strict).
    if severity == "error":
        assert error_codes(checked) == {code}
        assert checked.sheet is None
        assert checked.report.failed()
    else:
        assert checked.report.errors == []
        assert checked.sheet is not None
        assert not checked.report.failed()
        assert checked.report.failed(strict=True)


def test_every_rule_fixture_is_in_the_table() -> None:
    listed = {row[0] for row in TABLE} | {"valid.yaml", "many-mistakes.yaml"}
    assert {p.name for p in RULES_DATA.glob("*.yaml")} == listed


def test_the_base_sheet_is_valid() -> None:
    checked = check_file(VALID)
    assert checked.report.diagnostics == []
    assert checked.sheet is not None and checked.sheet_id == "rules-base"


def test_the_example_checks_clean() -> None:
    checked = check_file(EXAMPLE)
    assert checked.report.diagnostics == []
    assert checked.sheet is not None and checked.sheet_id == "g20-2025"


def test_caret_points_at_the_value() -> None:
    # The column of each table row points at the mistake itself in the fixture's text.
    for name, code, _severity, line, col, _hint in TABLE:
        diagnostic = find(check_file(RULES_DATA / name), code)[0]
        text = (RULES_DATA / name).read_text(encoding="utf-8").splitlines()[line - 1]
        assert diagnostic.end_line >= diagnostic.line
        assert 1 <= col <= len(text), (name, text)
        assert not text[col - 1].isspace(), (name, text)


def test_duplicate_id_names_the_first_one() -> None:
    diagnostic = find(check_file(RULES_DATA / "duplicate-id-participants.yaml"), "duplicate-id")[0]
    assert "'alpha'" in diagnostic.message and "participants[0]" in diagnostic.message


def test_missing_venue_country() -> None:
    text = VALID.read_text(encoding="utf-8").replace("    country: ZA\n", "")
    diagnostic = find(check_text(text), "missing-venue")[0]
    assert "meeting.venue.country" in diagnostic.message
    assert (diagnostic.line, diagnostic.col) == (18, 3)


def test_a_call_needs_no_venue() -> None:
    text = (VALID.read_text(encoding="utf-8")
            .replace("  format: bilateral", "  format: call")
            .replace("  venue:\n    name: Expo Centre\n    city: Johannesburg\n    country: ZA\n", ""))
    checked = check_text(text)
    assert checked.report.diagnostics == []


def test_multilateral_with_three_countries_is_fine() -> None:
    text = (RULES_DATA / "bilateral-countries.yaml").read_text(encoding="utf-8").replace(
        "format: bilateral", "format: multilateral")
    assert check_text(text).report.diagnostics == []


def test_us_scheme_levels() -> None:
    text = (VALID.read_text(encoding="utf-8")
            .replace("level: OFFICIAL-SENSITIVE\n  scheme: uk", "level: CUI\n  scheme: us")
            .replace("classification: OFFICIAL", "classification: CONFIDENTIAL"))
    checked = check_text(text)
    assert codes(checked) == ["portion-above-document"]
    assert "CUI" in checked.report.diagnostics[0].message


def test_uk_level_in_us_scheme_is_unknown() -> None:
    text = VALID.read_text(encoding="utf-8").replace("scheme: uk", "scheme: us")
    checked = check_text(text)
    # The document level OFFICIAL-SENSITIVE is not a US level; nothing can be compared with it.
    assert codes(checked) == ["unknown-level"]
    assert checked.report.diagnostics[0].line == 7


def test_unknown_source_in_commitment_lists_known_ids() -> None:
    text = VALID.read_text(encoding="utf-8").replace("    sources: [report-1]\ntalking_points",
                                                     "    sources: [zzz]\ntalking_points")
    diagnostic = find(check_text(text), "unknown-source")[0]
    assert (diagnostic.line, diagnostic.col) == (43, 15)
    assert diagnostic.hint == "known sources: report-1"


def test_invalid_source_does_not_make_its_citations_unknown() -> None:
    # The source with the bad URL still has the cited id; no unknown-source may follow.
    checked = check_file(RULES_DATA / "invalid-url.yaml")
    assert find(checked, "unknown-source") == []


def test_invalid_participant_does_not_cause_country_warnings() -> None:
    checked = check_file(RULES_DATA / "unknown-country-case.yaml")
    assert checked.report.warnings == []


def test_rules_still_run_when_the_model_fails() -> None:
    # A model error elsewhere does not hide a cross-field problem.
    text = (RULES_DATA / "unknown-source.yaml").read_text(encoding="utf-8").replace(
        "title: Test bilateral meeting", "title: [Test]")
    assert set(codes(check_text(text))) == {"wrong-type", "unknown-source"}


def test_all_problems_in_one_file_are_reported_at_once() -> None:
    checked = check_file(RULES_DATA / "many-mistakes.yaml")
    found = [(d.line, d.code) for d in checked.report.diagnostics]
    assert found == [
        (4, "invalid-id"),
        (15, "unknown-key"),
        (16, "invalid-value"),
        (37, "unknown-source"),
        (42, "unknown-currency"),
        (47, "portion-above-document"),
    ]


def test_diagnostics_are_sorted_and_deterministic() -> None:
    # Several diagnostics on one line and column (missing top-level keys) come in a stable order.
    first = check_text("a: 1\n").report.diagnostics
    assert [d.code for d in first].count("missing-key") == 8
    keys = [(d.line, d.col) for d in first]
    assert keys == sorted(keys)
    script = ("from briefgen.loader import load; from briefgen.validate import check;"
              "print([d.message for d in check(load('s.yaml', b'a: 1\\n')).report.diagnostics])")
    outputs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
        for seed in (1, 2, 3, 4)
    }
    assert len(outputs) == 1


def test_at_most_fifty_diagnostics_per_file(tmp_path: Path) -> None:
    sections = "".join(f"  - heading: [h{i}]\n    body: text\n" for i in range(60))
    text = VALID.read_text(encoding="utf-8") + "sections:\n" + sections
    checked = check_file(write_sheet(tmp_path, text))
    assert len(checked.report.diagnostics) == MAX_PER_FILE
    assert checked.report.dropped == 60 - MAX_PER_FILE
    assert {d.code for d in checked.report.diagnostics} == {"wrong-type"}
    # The first 50 (by line) are kept.
    assert checked.report.diagnostics[0].line == 53
    assert checked.report.diagnostics[-1].line == 53 + 2 * (MAX_PER_FILE - 1)


def test_file_name_as_id(tmp_path: Path) -> None:
    text = VALID.read_text(encoding="utf-8").replace("id: rules-base\n", "")
    good = check_file(write_sheet(tmp_path, text, "good-name.yaml"))
    assert good.report.diagnostics == [] and good.sheet_id == "good-name"
    bad = check_file(write_sheet(tmp_path, text, "Bad Name.yaml"))
    diagnostic = find(bad, "invalid-id")[0]
    assert (diagnostic.line, diagnostic.col) == (1, 1)
    assert "Bad Name" in diagnostic.message


def test_warnings_only_sheet_is_valid() -> None:
    checked = check_file(RULES_DATA / "brief-after-meeting.yaml")
    assert checked.sheet is not None
    assert [d.severity for d in checked.report.diagnostics] == ["warning"]


def test_placeholder_warning() -> None:
    text = VALID.read_text(encoding="utf-8").replace("summary: The bottom line up front.", "summary: TODO write it")
    checked = check_text(text)
    assert codes(checked) == ["placeholder"]
    diagnostic = checked.report.diagnostics[0]
    assert (diagnostic.severity, diagnostic.line, diagnostic.col) == ("warning", 33, 10)
