"""Every mistake in one pass: `check` reports syntax errors, model errors and the cross-field rules together.

Issue 16: a new sheet needed three runs of `check` — a YAML error, then the model's errors
(caveats, version), then the cross-field rule (portion-above-document). Here a rule that
needs a field the model rejected is skipped for that field only, and after a YAML syntax
error the top-level blocks that read are still checked. A final note needs a contact officer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RULES_DATA, check_text, codes, find, run_script

VALID = RULES_DATA / "valid.yaml"


def _valid() -> str:
    return VALID.read_text(encoding="utf-8")


def _edited(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


# --- the three waves of the issue, through the real command line ------------------------


def test_a_new_sheet_with_three_kinds_of_mistake_needs_one_check(tmp_path: Path) -> None:
    assert run_script(["new", "talks", "-o", tmp_path], module=True).exit_code == 0
    sheet = tmp_path / "talks.yaml"
    text = _edited(
        sheet.read_text(encoding="utf-8"),
        ('  caveats: []', '  caveats: UK EYES ONLY  #'),                               # the model: not a list
        ('  version: "0.1"', '  version: 1.10  #'),                                     # the model: a number
        ('  - "TODO: first talking point"',
         '  - text: Probe the timing of the next summit.\n    classification: SECRET'),  # a rule: above OFFICIAL
        ('    name: "TODO: building or venue"', '    name: Lancaster House: the long gallery'),  # YAML
    )
    sheet.write_text(text, encoding="utf-8")
    ran = run_script(["check", "--output-format", "json", sheet], module=True)
    assert ran.exit_code == 1
    found = {(d["code"], d["line"]) for d in json.loads(ran.stdout)}
    lines = text.splitlines()

    def line_of(piece: str) -> int:
        return next(number for number, line in enumerate(lines, start=1) if piece in line)

    assert {("yaml-syntax", line_of("Lancaster House")), ("wrong-type", line_of("caveats:")),
            ("number-as-text", line_of("version: 1.10")),
            ("portion-above-document", line_of("classification: SECRET"))} <= found
    # The meeting block did not read: nothing is said about what it holds.
    assert not {code for code, _ in found} & {"missing-key", "missing-venue", "brief-after-meeting"}


# --- a rule that needs a rejected field is skipped for that field only --------------------


def test_invalid_caveats_do_not_hide_the_levels_rule() -> None:
    text = _edited(_valid(), ("  scheme: uk\n", "  scheme: uk\n  caveats: UK EYES ONLY\n"),
                   ("classification: OFFICIAL\n", "classification: SECRET\n"))
    assert set(codes(check_text(text))) == {"wrong-type", "portion-above-document"}


def test_an_unknown_key_in_a_block_does_not_hide_its_rules() -> None:
    text = _edited(_valid(), ("  scheme: uk\n", "  scheme: uk\n  colour: red\n"),
                   ("classification: OFFICIAL\n", "classification: SECRET\n"))
    assert set(codes(check_text(text))) == {"unknown-key", "portion-above-document"}


def test_a_participant_with_a_bad_bio_still_counts_for_the_country_rules() -> None:
    # Before: the whole participant was dropped, and with it every check that compares countries.
    text = _edited(_valid(), ("    country: JP\n", "    country: JP\n    bio: [not, text]\n"),
                   ("    parties: [JP, IN]", "    parties: [JP, IN, FR]"))
    assert set(codes(check_text(text))) == {"wrong-type", "party-not-participant"}


def test_a_participant_with_a_bad_country_still_stops_the_country_rules() -> None:
    text = _edited(_valid(), ("    country: JP\n", "    country: XX\n"),
                   ("    parties: [JP, IN]", "    parties: [JP, IN, FR]"))
    assert set(codes(check_text(text))) == {"unknown-country"}


def test_a_bad_venue_name_leaves_the_venue_rule_to_the_city() -> None:
    text = _edited(_valid(), ("    city: Johannesburg\n", ""))
    name_line = next(line for line in text.splitlines() if line.startswith("    name:") and "venue" not in line)
    text = text.replace(name_line, "    name: [Nasrec]", 1)
    found = check_text(text)
    assert set(codes(found)) == {"wrong-type", "missing-venue"}


def test_a_bad_venue_city_is_not_also_missing() -> None:
    text = _edited(_valid(), ("    city: Johannesburg\n", "    city: [Johannesburg]\n"))
    assert set(codes(check_text(text))) == {"wrong-type"}


def test_a_bad_date_skips_the_date_rule_only() -> None:
    text = _edited(_valid(), ("kind: brief", "kind: readout"))
    meeting_date = next(line for line in text.splitlines() if line.startswith("  date:"))
    text = text.replace(meeting_date, "  date: 2025-02-30", 1)
    found = set(codes(check_text(text)))
    assert "invalid-date" in found and not found & {"readout-before-meeting", "brief-after-meeting"}


def test_a_bad_citation_does_not_hide_an_unknown_one() -> None:
    text = _edited(_valid(), ("    sources: [report-1]\ntalking_points", "    sources: [zzz, [x]]\ntalking_points"))
    assert set(codes(check_text(text))) == {"wrong-type", "unknown-source"}


# --- after a YAML syntax error, the rest of the file -----------------------------------------


def test_after_a_syntax_error_the_other_blocks_are_checked() -> None:
    text = _edited(_valid(), ("title: Test bilateral meeting", "title: Japan: a readout"),
                   ("classification: OFFICIAL\n", "classification: SECRET\n"))
    checked = check_text(text)
    assert set(codes(checked)) == {"yaml-syntax", "portion-above-document"}
    assert checked.sheet is None
    assert checked.loaded.lost == {"title"}


def test_a_lost_block_is_not_reported_missing() -> None:
    text = _edited(_valid(), ("title: Test bilateral meeting", "title: 'unclosed"))
    checked = check_text(text)
    assert codes(checked) == ["yaml-syntax"]
    assert find(checked, "missing-key") == []


def test_each_block_with_a_syntax_error_is_reported() -> None:
    text = _edited(_valid(), ("title: Test bilateral meeting", "title: Japan: a readout"),
                   ("summary: The bottom line up front.", "summary: one: two"))
    syntax = find(check_text(text), "yaml-syntax")
    lines = text.splitlines()
    assert [d.line for d in syntax] == [lines.index("title: Japan: a readout") + 1,
                                        lines.index("summary: one: two") + 1]


def test_lost_sources_make_no_citation_unknown() -> None:
    text = _valid()
    sources = text.index("\nsources:")
    text = text[:sources] + "\nsources:\n  - id: report-1\n\ttitle: tabbed" + text[sources + len("\nsources:"):]
    checked = check_text(text)
    assert "yaml-syntax" in codes(checked)
    assert find(checked, "unknown-source") == []


def test_a_syntax_error_in_a_nested_line_loses_only_its_block() -> None:
    # A tab in the meeting block: the meeting is lost, the rest is still checked.
    text = _edited(_valid(), ("    city: Johannesburg\n", "\tcity: Johannesburg\n"),
                   ("classification: OFFICIAL\n", "classification: SECRET\n"))
    checked = check_text(text)
    assert set(codes(checked)) == {"yaml-syntax", "portion-above-document"}
    assert checked.loaded.lost == {"meeting"}


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: 'unclosed\n", "- a\n- b: c: d\n", "just: text: here\n"])
def test_a_file_with_nothing_else_to_read_reports_the_syntax_error_alone(text: str) -> None:
    checked = check_text(text)
    assert codes(checked) == ["yaml-syntax"]
    assert checked.loaded.data is None


# --- a final note needs a contact officer ---------------------------------------------------


def _final(contact: str | None) -> str:
    text = _edited(_valid(), ("document:\n", "document:\n  status: final\n  reference: AB/01\n"
                              "  cleared_by: [{name: A. Clearer}]\n"))
    return text if contact is None else text.replace("  status: final\n", f"  status: final\n  contact: {contact}\n")


def test_a_final_note_without_a_contact_is_an_error_with_a_hint() -> None:
    checked = check_text(_final(None))
    problem = find(checked, "final-without-contact")
    assert len(problem) == 1 and problem[0].severity == "error"
    assert problem[0].hint is not None and "contact:" in problem[0].hint
    assert checked.sheet is None


def test_a_final_note_with_a_contact_passes() -> None:
    checked = check_text(_final("Africa Desk, +44 20 7946 0000"))
    assert checked.report.errors == [] and checked.sheet is not None


def test_a_draft_needs_no_contact() -> None:
    assert find(check_text(_valid()), "final-without-contact") == []
