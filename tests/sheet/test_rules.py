"""Model errors and cross-field rules: one fixture per code, with its severity and position.

Every file in tests/data/rules is tests/data/rules/valid.yaml with one mistake.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from wcwidth import wcwidth

from briefgen.report.diagnostics import MAX_PER_FILE, Diagnostic, format_text
from conftest import EXAMPLE, RULES_DATA, check_file, check_text, codes, error_codes, find, only, write_sheet

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
    ("uncited.yaml", "uncited", "warning", 39, 5, "add `sources: [ID]`"),
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


def _under_carets(rendered: str) -> tuple[str, str]:
    """The rendered source line (after the gutter) and the part of it that the carets stand under."""
    source, carets = rendered.splitlines()[2:4]
    gutter = source.index(" | ") + 3
    assert carets[:gutter] == " " * (gutter - 3) + " | "
    shown, marks = source[gutter:], carets[gutter:]
    start = len(marks) - len(marks.lstrip(" "))
    assert set(marks[start:]) == {"^"}, carets
    # Screen columns back to characters (a wide character takes two columns).
    column, under = 0, ""
    for char in shown:
        if start <= column < len(marks):
            under += char
        column += max(0, wcwidth(char))
    return shown, under


@pytest.mark.parametrize(("name", "code", "line"), [(row[0], row[1], row[3]) for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_caret_points_at_the_value(name: str, code: str, line: int) -> None:
    # In the text that check prints, the carets stand under the mistake itself.
    report = check_file(RULES_DATA / name).report
    diagnostic = find_in(report.diagnostics, code)
    rendered = format_text(diagnostic, report.lines)
    assert rendered.splitlines()[2].startswith(f"{line} | ")
    shown, under = _under_carets(rendered)
    assert shown == (RULES_DATA / name).read_text(encoding="utf-8").splitlines()[line - 1]
    assert under and not under[0].isspace(), (name, shown, under)
    assert shown[diagnostic.col - 1:].startswith(under), (name, shown, under)


def test_carets_under_text_after_wide_characters() -> None:
    text = VALID.read_text(encoding="utf-8").replace("  format: bilateral", "  format: 二国間")
    report = check_text(text).report
    rendered = format_text(find_in(report.diagnostics, "invalid-value"), report.lines)
    assert _under_carets(rendered) == ("  format: 二国間", "二国間")


def find_in(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    (found,) = [d for d in diagnostics if d.code == code]
    return found


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
    # A CUI document also owes its designation indicator (cui-designation-missing, test_notes_content).
    assert [c for c in codes(checked) if c != "cui-designation-missing"] == ["portion-above-document"]
    assert any("CUI" in d.message for d in checked.report.diagnostics if d.code == "portion-above-document")


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


# --- every framework, commitment and outcome cites a source ------------------------------


def _with_outcomes(*lines: str) -> str:
    return VALID.read_text(encoding="utf-8").replace("talking_points:\n", "outcomes:\n" + "".join(lines)
                                                      + "talking_points:\n", 1)


def test_an_outcome_that_cites_nothing_is_a_warning_at_its_line() -> None:
    text = _with_outcomes("  - Plain text cites nothing.\n", "  - text: Neither does this one.\n",
                          "    classification: OFFICIAL\n", "  - text: This one does.\n", "    sources: [report-1]\n")
    checked = check_text(text)
    lines = text.splitlines()
    found = [(d.line, d.col, d.severity, d.message) for d in find(checked, "uncited")]
    assert found == [(lines.index("  - Plain text cites nothing.") + 1, 5, "warning", "this outcome cites no source"),
                     (lines.index("  - text: Neither does this one.") + 1, 5, "warning", "this outcome cites no source")]
    assert "`- text: …` with `sources: [ID]`" in str(find(checked, "uncited")[0].hint)
    assert checked.report.errors == [] and checked.sheet is not None


def test_frameworks_and_commitments_that_cite_nothing_are_warnings() -> None:
    text = VALID.read_text(encoding="utf-8").replace("    sources: [report-1]\n", "")
    found = [(d.message, d.line) for d in find(check_text(text), "uncited")]
    lines = text.splitlines()
    assert found == [("this framework cites no source", lines.index("  - name: Joint Vision for the Next Decade") + 1),
                     ("this commitment cites no source", lines.index("  - sector: Investment") + 1)]


def test_talking_points_need_not_cite() -> None:
    # A talking point is a line to take, not a fact: valid.yaml's two cite nothing.
    assert find(check_file(VALID), "uncited") == []


def test_an_outcome_citing_an_unknown_source_is_an_error() -> None:
    text = _with_outcomes("  - text: Agreed.\n", "    sources: [report-1, report-2]\n")
    (found,) = find(check_text(text), "unknown-source")
    assert (found.line, found.col) == (text.splitlines().index("    sources: [report-1, report-2]") + 1, 25)
    assert found.hint == "did you mean 'report-1'?"


def test_uncited_fails_under_strict(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path, (RULES_DATA / "uncited.yaml").read_text(encoding="utf-8"))
    run = [sys.executable, "-m", "briefgen", "check"]
    assert subprocess.run([*run, str(sheet)], capture_output=True, timeout=60).returncode == 0
    strict = subprocess.run([*run, "--strict", str(sheet)], capture_output=True, text=True, timeout=60)
    assert strict.returncode == 1 and "warning[uncited]" in strict.stdout


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
    script = ("from briefgen.sheet.loader import load; from briefgen.sheet.validate import check;"
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


# --- one mistake, one diagnostic: a misspelled required key ---------------------------


@pytest.mark.parametrize(("written", "misspelled", "message", "line"), [
    ("title: Test bilateral meeting", "titel: Test bilateral meeting",
     "unknown key `titel`; did you mean `title` (required)?", 5),
    ("  date: 2025-11-23", "  dat: 2025-11-23",
     "unknown key `dat` in `meeting`; did you mean `date` (required)?", 14),
    ("    name: Alpha Person", "    nmae: Alpha Person",
     "unknown key `nmae` in `participants[0]`; did you mean `name` (required)?", 24),
    ("  - text: The second point.", "  - txt: The second point.",
     "unknown key `txt` in `talking_points[1]`; did you mean `text` (required)?", 46),
])
def test_misspelled_required_key_is_one_diagnostic(written: str, misspelled: str, message: str, line: int) -> None:
    text = VALID.read_text(encoding="utf-8")
    assert written in text
    checked = check_text(text.replace(written, misspelled, 1))
    (diagnostic,) = checked.report.diagnostics
    assert (diagnostic.code, diagnostic.message, diagnostic.line) == ("unknown-key", message, line)
    key = misspelled.strip(" -").split(":")[0]
    assert diagnostic.hint is not None and diagnostic.hint.startswith(f"rename `{key}` to ")


def test_misspelled_optional_key_keeps_its_hint() -> None:
    text = VALID.read_text(encoding="utf-8").replace("  occasion:", "  ocasion:")
    (diagnostic,) = check_text(text).report.diagnostics
    assert diagnostic.message == "unknown key `ocasion` in `meeting`"
    assert diagnostic.hint == "did you mean `occasion`?"


def test_a_placeholder_under_an_unknown_key_is_not_reported() -> None:
    text = VALID.read_text(encoding="utf-8").replace("title: Test bilateral meeting", 'titel: "TODO: a title"')
    assert codes(check_text(text)) == ["unknown-key"]


def test_missing_top_level_key_points_at_the_first_key_not_a_comment() -> None:
    text = VALID.read_text(encoding="utf-8").replace("title: Test bilateral meeting\n", "")
    checked = check_text(text)
    diagnostic = only(checked, "missing-key")
    assert (diagnostic.line, diagnostic.col, diagnostic.end_col) == (2, 1, 7)
    assert checked.loaded.lines[diagnostic.line - 1].startswith("format:")
    assert diagnostic.message == "`title` is required but missing"


def test_missing_key_of_a_list_item_points_at_its_first_key() -> None:
    text = VALID.read_text(encoding="utf-8").replace("    name: Alpha Person\n", "")
    diagnostic = only(check_text(text), "missing-key")
    assert (diagnostic.line, diagnostic.col) == (23, 5)
    assert diagnostic.message == "`participants[0].name` is required but missing"


# --- messages read as English ------------------------------------------------------


@pytest.mark.parametrize(("written", "replaced", "message"), [
    ("format: 1", "format: 2", "unsupported format version 2: this briefgen reads format 1"),
    ("format: 1", "format: 1.5", "unsupported format version 1.5: this briefgen reads format 1"),
    ("format: 1", 'format: "1"', "`format` is the text '1', not the number 1"),
    ("format: 1", "format: [1]", "`format` must be the version number 1, not a list"),
    ("format: 1", "format:", "`format` must be the version number 1, but it is empty"),
    ("kind: brief", "kind:", "`kind` is empty: expected 'brief', 'readout', 'submission', 'action-memo' or 'info-memo'"),
    ("kind: brief", "kind: 3", "`kind` cannot be the number 3: expected 'brief', 'readout', 'submission', 'action-memo' or 'info-memo'"),
    ('  start: "13:40"\n', '  start: "13:40"\n  duration_minutes: 0\n', "`meeting.duration_minutes` must be more than 0, not the number 0"),
    ('  start: "13:40"\n', '  start: "13:40"\n  duration_minutes: "35"\n', "`meeting.duration_minutes` must be a number, not '35'"),
    ("  version: \"1.0\"\n", "  version: \"1.0\"\n  page_limit: 0\n", "`document.page_limit` must be at least 1, not the number 0"),
    ("  scheme: uk\n", "  scheme: uk\n  caveats:\n", "`classification.caveats` must be a list, but it is empty"),
    ("title: Test bilateral meeting", "title: [Test]", "`title` must be text, not a list"),
])
def test_messages_read_as_english(written: str, replaced: str, message: str) -> None:
    text = VALID.read_text(encoding="utf-8")
    assert written in text
    messages = [d.message for d in check_text(text.replace(written, replaced, 1)).report.errors]
    assert messages == [message]


@pytest.mark.parametrize(("text", "message"), [
    ("- a\n- b\n", "the file must be a mapping of keys, not a list"),
    ("just text\n", "the file must be a mapping of keys, not 'just text'"),
])
def test_file_that_is_not_a_mapping_message(text: str, message: str) -> None:
    assert [d.message for d in check_text(text).report.diagnostics] == [message]


# --- partial sheets: every applicable rule, and no rule bug swallowed ------------------


def test_a_bug_in_a_rule_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen.sheet import rules

    def buggy(sheet: object, at: object) -> object:
        return sheet.no_such_field  # type: ignore[attr-defined]

    monkeypatch.setattr(rules, "unique_ids", buggy)
    with pytest.raises(AttributeError):
        check_file(VALID)
    text = VALID.read_text(encoding="utf-8").replace("title: Test bilateral meeting", "title: [Test]")
    with pytest.raises(AttributeError):
        check_text(text)  # a partial sheet too


@pytest.mark.parametrize(("model_mistake", "expected"), [
    # An invalid summary used to stop the classification rule (the walker found no summary).
    (("summary: The bottom line up front.", "summary: [x]"), {"wrong-type", "portion-above-document", "unknown-source"}),
    # An invalid kind used to drop the venue rule's findings along with the date rule.
    (("kind: brief", "kind: memo"), {"invalid-value", "missing-venue", "portion-above-document", "unknown-source"}),
    # An invalid participant used to stop the duplicate-id rule for sources too.
    (("    country: JP\n    role", "    country: jp\n    role"),
     {"unknown-country", "duplicate-id", "portion-above-document", "unknown-source", "missing-venue"}),
])
def test_partial_sheets_get_every_applicable_rule(model_mistake: tuple[str, str], expected: set[str]) -> None:
    text = (VALID.read_text(encoding="utf-8")
            .replace("classification: OFFICIAL\n", "classification: SECRET\n")        # portion-above-document
            .replace("    sources: [report-1]\ntalking_points", "    sources: [zzz]\ntalking_points")  # unknown-source
            .replace("    city: Johannesburg\n", ""))                                  # missing-venue
    if "participant" in str(expected) or "duplicate-id" in expected:
        text += "  - id: report-1\n    title: The same id again\n"                        # duplicate-id
    else:
        expected = expected | {"missing-venue"}
    assert model_mistake[0] in text
    checked = check_text(text.replace(*model_mistake, 1))
    assert set(codes(checked)) == expected


# --- amounts in the analyst's text ---------------------------------------------------------------


def _dollars(summary: str, country: str = "JP") -> str:
    return (VALID.read_text(encoding="utf-8")
            .replace("summary: The bottom line up front.", f"summary: {summary}")
            .replace("    country: IN\n", f"    country: {country}\n")
            .replace("    parties: [JP, IN]", f"    parties: [JP, {country}]"))


def test_a_bare_dollar_in_a_note_where_two_dollars_are_at_stake_is_flagged() -> None:
    # Australia is a party: "$" is both AUD's and USD's there (CLDR), so the text must say which.
    checked = check_text(_dollars("A $2 billion fund for critical minerals.", "AU").replace(
        "amount: {value: 100, currency: JPY}", "amount: {value: 2e9, currency: USD}"))
    diagnostic = only(checked, "ambiguous-currency")
    assert diagnostic.severity == "warning" and "AUD and USD" in diagnostic.message
    assert diagnostic.hint == "say which: write A$ or US$, as the note prints its amounts"


def test_a_dollar_no_other_currency_shares_is_fine() -> None:
    text = _dollars("A $2 billion fund.").replace("amount: {value: 100, currency: JPY}",
                                                  "amount: {value: 2e9, currency: USD}")
    assert find(check_text(text), "ambiguous-currency") == []


def test_a_disambiguated_dollar_is_fine() -> None:
    text = _dollars("A US$2 billion fund and A$3 billion more.", "AU").replace(
        "amount: {value: 100, currency: JPY}", "amount: {value: 2e9, currency: USD}")
    assert find(check_text(text), "ambiguous-currency") == []


def test_yen_and_yuan_in_one_note() -> None:
    text = _dollars("Investment of ¥10 trillion.", "CN")
    assert "CNY and JPY" in only(check_text(text), "ambiguous-currency").message
