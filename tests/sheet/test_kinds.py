"""Document kinds as each government writes them: submissions, action and information memos,
and briefs with lines to take — validated by `check`, laid out by kind, read back from the PDF.

The formats (looked up, not recalled):

- UK submission: "Issue, Recommendation, Timing, Background, Argument, Presentation"
  (Civil Servant, "Submissions", http://civilservant.org.uk/skills-submissions.html); the
  "summary section" of Issue, Recommendation(s) and Timing, supporting material "in
  annexes to the submission" (the UK-derived staff guide at
  http://smesta.mod.gov.rs/formats_of_military_correspondence/submissions.101.html).
- US action memo: "ACTION MEMO FOR …", "FROM: Bureau – Name", "SUBJECT: (SBU) … (Titles
  must be portion-marked.)", "BLUF", "Recommendation(s) … (Approve/Disapprove by MM/DD/YY)",
  "a decision date at least five business days after the document is submitted",
  "Background" (the S/ES action memo template, as published at
  https://statedepartment.oxd2.com/sultanate-of-oman/document-or-nav); memoranda in
  general: 5 FAH-1 H-310 (https://fam.state.gov/fam/05fah01/05fah010310.html); the date:
  "Spell out the month and follow with the day and year, in numerals, e.g., January 31,
  2003" (5 FAH-1 H-325.1, https://fam.state.gov/FAM/05FAH01/05FAH010320.html).
- US information memo: "requests no decision, signature, or tasking"; header, subject,
  BLUF, background, analysis (https://modeldiplomat.com/learn/glossary/information-memorandum);
  "Attachment(s): … Prepared By: name, office" (a sample INFO MEMO,
  https://docslib.org/doc/13645741/1-blank-line-under-last-line-of-letterhead).
- Office symbols before names in drafting and clearance lines: "DRAFTED BY
  ARA/CAR:TAKLEINKAUF … APPROVED BY ARA:BGROVE" (a declassified 1979 State cable,
  https://search.wikileaks.org/plusd/cables/1979STATE299669_e.html).
- Meeting briefs: objectives first (Civil Servant, "Briefing Ministers",
  http://civilservant.org.uk/skills-briefing.html); "Points to Take, followed by a factual
  Background section" (FCO briefing instructions of 1979, FCO 40/1053,
  https://hkintexts.histsyn.com/series/histsyn-fco40-engine/items/TNAG-0843-FCO40-1053-Visit-of-Lord-Carrington--Secretary-of-State-for-Foreign-and-1979?p=111);
  "lines to take" (https://www.farmersjournal.ie/when-civil-servant-advice-goes-horribly-wrong-562531;
  Working with Ministers, Civil Service handbook, ch. 3 "How to brief a minister"). No
  published source was found for the heading "If pressed": it is the review's wording
  (issue 15, finding 7).
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from briefgen.release.audience import shorthand
from briefgen.release.cut import HEADER_KEYS, SINGLE_KEYS, ReleasedSheet, release
from briefgen.render.layout import PORTION_PARTS, SINGLE_PARTS
from briefgen.render.templates import TEMPLATE_FOR_KIND
from briefgen.render.view import brief_view
from briefgen.sheet.kinds import KIND_KEYS, KINDS
from briefgen.sheet.model import CLASSIFIED_ITEMS, HEADER_FIELDS, PORTION_LISTS, SINGLE_PORTIONS, FactSheet
from build_helpers import (
    ROOT,
    compact_sheet,
    find_all,
    page_texts,
    parse_html,
    pdf_reader,
    pdftotext,
    run_cli,
    squash,
    text_of,
    visible_text,
    write_sheet,
)
from conftest import SCHEMA_FILE, check_text
from stage_sheets import sheet_model

EXAMPLES = ROOT / "briefs" / "examples"
SUBMISSION = EXAMPLES / "uk-submission.yaml"
ACTION_MEMO = EXAMPLES / "us-action-memo.yaml"
INFO_MEMO = EXAMPLES / "us-info-memo.yaml"
MINISTER_BRIEF = EXAMPLES / "uk-minister-brief.yaml"
NEW_EXAMPLES = (SUBMISSION, ACTION_MEMO, INFO_MEMO, MINISTER_BRIEF)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four examples of the new formats, built once (HTML and PDF)."""
    out = tmp_path_factory.mktemp("kinds") / "site"
    ran = run_cli(["build", "--strict", *NEW_EXAMPLES, "-o", out])
    assert ran.exit_code == 0, ran.output
    return out


def html_root(built: Path, name: str) -> ET.Element:
    return parse_html((built / f"{name}.html").read_text(encoding="utf-8"))


def section_ids(root: ET.Element) -> list[str]:
    main = root.find("body/main")
    assert main is not None
    return [s.get("id") or "" for s in main.iter("section")]


def in_order(text: str, *wanted: str) -> list[int]:
    """The positions of `wanted` in `text`, asserting each is there and after the one before."""
    found, start = [], 0
    for item in wanted:
        at = text.find(item, start)
        assert at >= 0, f"{item!r} is not after {wanted[max(0, len(found) - 1)]!r} in: {text[start:start + 400]!r}"
        found.append(at)
        start = at + len(item)
    return found


def text_with(path: Path, *replacements: tuple[str, str]) -> str:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def drop_key(text: str, key: str) -> str:
    """`text` without the top-level `key` and its indented lines."""
    cut = re.sub(rf"(?m)^{key}:.*\n((?:[ #].*)?\n)*?(?=^\S)", "", text)
    assert cut != text, key
    return cut


# --- the table is the one source --------------------------------------------------------------


def test_the_model_the_table_and_the_templates_name_the_same_kinds() -> None:
    named = typing.get_args(FactSheet.model_fields["kind"].annotation)
    assert list(named) == list(KINDS) == ["brief", "readout", "submission", "action-memo", "info-memo"]
    assert set(TEMPLATE_FOR_KIND) == set(KINDS)
    templates = ROOT / "templates"
    assert all((templates / name).is_file() for name in TEMPLATE_FOR_KIND.values())


def test_every_part_of_every_kind_is_a_key_of_the_sheet() -> None:
    fields = set(FactSheet.model_fields)
    for kind in KINDS.values():
        assert {part.sheet_key for part in kind.parts} <= fields, kind.name
        assert [p.sheet_key for p in kind.parts][:1] == ["summary"]  # the bottom line first, in every format
    assert KIND_KEYS <= fields


def test_every_key_of_the_sheet_is_either_the_header_or_cut_portion_by_portion() -> None:
    # Fail closed: a new key is neither shown unconditionally nor forgotten by the cut.
    cut = {*PORTION_LISTS, *SINGLE_PORTIONS, *CLASSIFIED_ITEMS, "sources"}
    assert set(HEADER_FIELDS).isdisjoint(cut)
    assert set(HEADER_FIELDS) | cut == set(FactSheet.model_fields)
    # release.py and layout.py repeat the names so that publish and the site index never import
    # the model: they must agree.
    assert HEADER_KEYS == set(HEADER_FIELDS) and SINGLE_KEYS == set(SINGLE_PORTIONS)
    assert PORTION_PARTS == set(PORTION_LISTS) | set(SINGLE_PORTIONS) and SINGLE_PARTS == set(SINGLE_PORTIONS)
    released = {f.name for f in dataclasses.fields(ReleasedSheet)}
    assert cut - {"sources"} <= released


# --- check: each kind's own required parts --------------------------------------------------------


def test_every_example_checks_clean() -> None:
    for path in NEW_EXAMPLES:
        assert check_text(path.read_text(encoding="utf-8")).report.diagnostics == [], path.name


@pytest.mark.parametrize(("path", "key", "said"), [
    (SUBMISSION, "recommendations", "a submission needs recommendation: `recommendations` is missing"),
    (SUBMISSION, "timing", "a submission needs timing: `timing` is missing"),
    (SUBMISSION, "argument", "a submission needs argument: `argument` is missing"),
    (ACTION_MEMO, "recommendations", "an action memo needs decision lines: `recommendations` is missing"),
    (INFO_MEMO, "discussion", "an information memo needs discussion: `discussion` is missing"),
])
def test_a_kind_without_a_part_it_requires_is_an_error_at_its_kind(path: Path, key: str, said: str) -> None:
    text = drop_key(path.read_text(encoding="utf-8"), key)
    checked = check_text(text)
    (found,) = [d for d in checked.report.diagnostics if d.code == "missing-for-kind"]
    assert found.severity == "error" and found.message == said
    assert checked.sheet is None
    # At the line that makes the part required, with a hint that names the accepted keys.
    assert text.splitlines()[found.line - 1].startswith("kind: ")
    assert found.hint is not None and f"add `{key}:`" in found.hint
    for part in KINDS[check_text(path.read_text(encoding="utf-8")).sheet.kind].required:  # type: ignore[union-attr]
        assert f"`{part.sheet_key}`" in found.hint


def _schema_errors(text: str) -> list[str]:
    import jsonschema

    from briefgen.sheet.loader import load

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    data = load("sheet.yaml", text.encode("utf-8")).data
    return [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(data)]


@pytest.mark.parametrize(("path", "edit"), [
    (SUBMISSION, ("drop", "recommendations")), (SUBMISSION, ("drop", "timing")), (SUBMISSION, ("drop", "argument")),
    (ACTION_MEMO, ("drop", "recommendations")), (INFO_MEMO, ("drop", "discussion")),
    (SUBMISSION, ("  addressee: Foreign Secretary\n", "")),
    (ACTION_MEMO, ("  sender: EAP – Example Assistant Secretary\n", "")),
    (INFO_MEMO, ("discussion:\n", "discussion: []\nunused:\n")),
], ids=["submission-recommendations", "submission-timing", "submission-argument", "action-memo-recommendations",
        "info-memo-discussion", "submission-addressee", "action-memo-sender", "info-memo-empty-discussion"])
def test_the_schema_says_what_each_kind_requires_as_check_does(path: Path, edit: tuple[str, str]) -> None:
    # Editors underline it too (a condition on `kind` in the JSON Schema), never more strictly than check.
    assert _schema_errors(path.read_text(encoding="utf-8")) == []
    if edit[0] == "drop":
        text = drop_key(path.read_text(encoding="utf-8"), edit[1])
    else:
        text = text_with(path, edit)
        text = drop_key(text, "unused") if "unused:" in text else text
    assert _schema_errors(text), "the schema accepts what check refuses"
    assert "missing-for-kind" in [d.code for d in check_text(text).report.errors]


def test_an_empty_required_list_is_reported_as_empty_and_an_invalid_one_once() -> None:
    empty = text_with(ACTION_MEMO, ("recommendations:\n", "recommendations: []\nunused_recommendations:\n"))
    empty = drop_key(empty, "unused_recommendations")
    messages = [d.message for d in check_text(empty).report.diagnostics if d.code == "missing-for-kind"]
    assert messages == ["an action memo needs decision lines: `recommendations` is empty"]
    invalid = text_with(INFO_MEMO, ("discussion:\n", "discussion: 3\nunused_discussion:\n"))
    invalid = drop_key(invalid, "unused_discussion")
    codes = [d.code for d in check_text(invalid).report.diagnostics]
    assert "wrong-type" in codes and "missing-for-kind" not in codes  # the mistake is where it is


@pytest.mark.parametrize(("path", "line", "label"), [
    (SUBMISSION, "  addressee: Foreign Secretary\n", "To"),
    (ACTION_MEMO, "  addressee: THE DEPUTY SECRETARY\n", "ACTION MEMO FOR"),
    (ACTION_MEMO, "  sender: EAP – Example Assistant Secretary\n", "FROM"),
    (INFO_MEMO, "  sender: EAP – Example Assistant Secretary\n", "FROM"),
])
def test_a_memo_or_submission_without_its_heading_lines_is_an_error(path: Path, line: str, label: str) -> None:
    text = text_with(path, (line, ""))
    (found,) = [d for d in check_text(text).report.diagnostics if d.code == "missing-for-kind"]
    key = line.split(":")[0].strip()
    assert found.message.endswith(f"needs its {label} line: `document.{key}` is missing")
    assert text.splitlines()[found.line - 1] == "document:"
    assert found.hint is not None and f"`{key}:`" in found.hint


def test_a_part_another_kind_prints_warns_and_names_the_kinds_that_print_it() -> None:
    decisions = text_with(INFO_MEMO, ("discussion:\n", "recommendations: [That you note this.]\ndiscussion:\n"))
    (found,) = [d for d in check_text(decisions).report.diagnostics if d.code == "not-for-kind"]
    assert found.severity == "warning"
    assert found.message == ("`recommendations` belongs in a submission or an action memo; an information memo "
                             "does not print it")
    assert found.hint == "remove `recommendations`, move its text elsewhere, or set kind: submission"
    lines = text_with(EXAMPLES / "us-cui-call.yaml", ("comment: >-", "lines_to_take: [A line.]\ncomment: >-"))
    assert [d.code for d in check_text(lines).report.diagnostics] == ["not-for-kind"]


def test_an_action_memo_asks_for_its_decision_five_business_days_ahead() -> None:
    # Dated Monday 16 March 2026: five business days later is Monday 23 March.
    soon = text_with(ACTION_MEMO, ("    decide_by: 2026-03-27\n", "    decide_by: 2026-03-20\n"))
    (found,) = [d for d in check_text(soon).report.diagnostics if d.code == "decision-too-soon"]
    assert found.severity == "warning" and "2026-03-23" in (found.hint or "")
    assert soon.splitlines()[found.line - 1] == "    decide_by: 2026-03-20"
    on_time = text_with(ACTION_MEMO, ("    decide_by: 2026-03-27\n", "    decide_by: 2026-03-23\n"))
    assert "decision-too-soon" not in [d.code for d in check_text(on_time).report.diagnostics]
    # A submission's timing is its own paragraph: no business-day rule there.
    submission = text_with(SUBMISSION, ("    classification: OFFICIAL\n  - text: That you agree to announce",
                                        "    decide_by: 2026-01-20\n    classification: OFFICIAL\n"
                                        "  - text: That you agree to announce"))
    assert check_text(submission).report.diagnostics == []


@pytest.mark.parametrize(("symbol", "valid"), [
    ("EAP/J", True), ("S/ES-CR", True), ("L/EAP", True), ("PM/RSAT", True), ("D", True),
    ("eap/j", False), ("EAP J", False), ("EAP//J", False), ("/EAP", False),
])
def test_office_symbols(symbol: str, valid: bool) -> None:
    text = text_with(ACTION_MEMO, ("    - {name: Example Director, office: EAP/MTS,",
                                   f"    - {{name: Example Director, office: \"{symbol}\","))
    checked = check_text(text)
    if valid:
        assert checked.report.diagnostics == []
    else:
        (found,) = checked.report.errors
        assert found.code == "invalid-office-symbol" and "EAP/J" in (found.hint or "")


# --- laid out as its government writes it: HTML --------------------------------------------------


def test_a_submission_reads_issue_recommendation_timing_background_argument_presentation(built: Path) -> None:
    root = html_root(built, "uk-submission")
    assert section_ids(root) == ["summary", "recommendations", "timing", "background", "argument", "presentation",
                                 "participants", "distribution", "annex-a", "annex-b"]
    (header,) = find_all(root, "dl", class_="memo-lines")
    lines = dict(zip([text_of(dt) for dt in header.iter("dt")], [text_of(dd) for dd in header.iter("dd")]))
    assert lines == {"From": "Example Desk Officer, Northern Europe Department (example)", "To": "Foreign Secretary",
                     "Date": "19 January 2026",
                     "Subject": "(O) Example: whether to co-host a North Sea subsea infrastructure exercise with Norway"}
    headings = [text_of(s.find("h2")) for s in find_all(root, "section", class_="text-part")]  # type: ignore[arg-type]
    assert headings == ["Issue", "Recommendations", "Timing", "Background", "Argument", "Presentation and handling"]
    assert not find_all(root, "p", class_="decision-lines")  # a minister's decision is minuted, not initialled
    (copies,) = find_all(root, "section", class_="distribution")
    assert text_of(copies).startswith("Copy to PS/Permanent Under-Secretary")


def test_an_action_memo_has_its_heading_decision_lines_and_clearances(built: Path) -> None:
    root = html_root(built, "us-action-memo")
    assert section_ids(root) == ["summary", "recommendations", "background", "discussion", "participants",
                                 "distribution", "tab-1", "tab-2"]
    (header,) = find_all(root, "header", class_="memo-header")
    assert text_of(find_all(header, "p", class_="memo-date")[0]) == "Date: March 16, 2026"
    assert text_of(find_all(header, "p", class_="memo-for")[0]) == "ACTION MEMO FOR THE DEPUTY SECRETARY"
    (lines,) = find_all(header, "dl", class_="memo-lines")
    assert [text_of(dt) for dt in lines.iter("dt")] == ["FROM:", "SUBJECT:"]
    assert text_of(find_all(header, "dd", class_="subject")[0]).startswith("(U) Example: Approval")
    decisions = find_all(root, "div", class_="decision")
    assert len(decisions) == 2
    for decision in decisions:
        (lines,) = find_all(decision, "p", class_="decision-lines")
        assert [text_of(o) for o in find_all(lines, "span", class_="decision-option")] == ["Approve", "Disapprove"]
        assert text_of(find_all(lines, "span", class_="decide-by")[0]) == "Decision needed by March 27, 2026"
    rows = [[text_of(td) for td in tr.iter("td")] for tr in find_all(root, "tr", class_="clearance-row")]
    assert rows == [["EAP/MTS", "Example Director", "March 13, 2026"],
                    ["ISN/DTC", "Example Deputy Director", "March 13, 2026"],
                    ["L/EAP", "Example Attorney-Adviser", "March 12, 2026"]]
    (drafter,) = find_all(root, "dd", class_="drafted-by")
    assert text_of(drafter).startswith("EAP/MTS: Example Officer, Office of Maritime Southeast Asia")
    attachments = [text_of(dd) for dd in find_all(root, "dd", class_="attachment")]
    assert attachments == ["Tab 1 – Readout of the March 10 call (example)",
                           "Tab 2 – Draft terms of reference for the talks"]


def test_an_info_memo_is_the_same_without_decision_lines(built: Path) -> None:
    root = html_root(built, "us-info-memo")
    assert section_ids(root) == ["summary", "background", "discussion", "follow-up", "participants", "distribution"]
    assert text_of(find_all(root, "p", class_="memo-for")[0]) == "INFO MEMO FOR THE SECRETARY"
    assert not find_all(root, "div", class_="decision") and "Approve" not in visible_text(root)


def test_a_brief_has_lines_to_take_if_pressed_issues_annexes_and_distribution(built: Path) -> None:
    root = html_root(built, "uk-minister-brief")
    assert section_ids(root) == ["summary", "objectives", "issues-for-discussion", "lines-to-take", "if-pressed",
                                 "sensitivities", "background", "participants", "distribution", "annex-a"]
    pressed = find_all(root, "section", class_="if-pressed")[0]
    assert text_of(pressed).startswith("If pressed 10. (O) [On visa refusal rates]")
    (contents,) = find_all(root, "nav", class_="contents")
    assert [text_of(a) for a in contents.iter("a")][-1] == "Annex A: Biography of the Foreign Minister (example)"


# --- and on paper: the PDF read back ----------------------------------------------------------------


def pdf_text(built: Path, name: str, layout: bool = False) -> str:
    return squash(pdftotext(built / f"{name}.pdf", layout=layout))


@pytest.mark.parametrize("layout", [False, True], ids=["plain", "layout"])
def test_the_pdfs_read_their_sections_in_order(built: Path, layout: bool) -> None:
    in_order(pdf_text(built, "uk-submission", layout), "SUBMISSION", "From", "To", "Foreign Secretary", "Subject",
             "ISSUE", "1. (O) Norway has proposed", "Recommendations", "2. (O) That you agree the UK co-host",
             "Timing", "4. (O) Urgent", "Background", "Argument", "Presentation and handling", "Participants",
             "DRAFTED BY", "CLEARED BY", "COPY TO", "No. 10 Press Office", "Annex A: (O) Draft joint statement",
             "Annex B: (OS) Lines to take if asked about survey vessels")
    in_order(pdf_text(built, "us-action-memo", layout), "March 16, 2026", "ACTION MEMO FOR THE DEPUTY SECRETARY",
             "FROM:", "EAP – Example Assistant Secretary", "SUBJECT:", "(U) Example: Approval", "BLUF",
             "Recommendations", "Background", "Discussion", "Participants", "ATTACHMENTS:", "Tab 1 – Readout",
             "DRAFTED BY:", "EAP/MTS: Example Officer", "CLEARED", "EAP/MTS", "Example Director", "March 13, 2026",
             "L/EAP", "Example Attorney-Adviser", "March 12, 2026", "Tab 1: (U) Readout", "Tab 2: (U) Draft terms")
    in_order(pdf_text(built, "us-info-memo", layout), "May 4, 2026", "INFO MEMO FOR THE SECRETARY", "FROM:",
             "SUBJECT:", "BLUF", "Background", "Discussion", "Next steps", "Participants", "DRAFTED BY:", "CLEARED",
             "S/P", "DISTRIBUTION")
    in_order(pdf_text(built, "uk-minister-brief", layout), "MEETING BRIEF", "SUMMARY", "Objectives",
             "Issues for discussion", "Lines to take", "If pressed", "Sensitivities", "Background", "Participants",
             "DISTRIBUTION", "British High Commission, Accra", "Annex A: (O) Biography")


@pytest.mark.parametrize("layout", [False, True], ids=["plain", "layout"])
def test_each_recommendation_of_an_action_memo_is_followed_by_its_decision_lines(built: Path, layout: bool) -> None:
    text = pdf_text(built, "us-action-memo", layout)
    in_order(text, "2. (U) That you approve opening talks", "Approve", "Disapprove", "Decision needed by March 27, 2026",
             "3. (U) That you authorize EAP", "Approve", "Disapprove", "Decision needed by March 27, 2026", "Background")
    assert text.count("Disapprove") == 2
    for name in ("us-info-memo", "uk-submission", "uk-minister-brief"):
        assert "Disapprove" not in pdf_text(built, name, layout), name


def test_an_annex_with_a_text_starts_its_own_page(built: Path) -> None:
    pages = [squash(t) for t in page_texts(pdf_reader(built / "uk-submission.pdf"))]
    starts = [number for number, page in enumerate(pages) if re.search(r"Annex [AB]: \((O|OS)\)", page)]
    assert len(starts) == 2 and starts[1] == starts[0] + 1
    for number in starts:
        body = re.sub(r"OFFICIAL-SENSITIVE|EX-2026/GB-NO/SUB-01 · version 1\.0|Page \d of \d", "", pages[number])
        assert body.strip().startswith("Annex"), pages[number]  # the page's text starts with it
    # A memo's attachment sent separately is only named: no page of its own.
    memo = [squash(t) for t in page_texts(pdf_reader(built / "us-action-memo.pdf"))]
    (tab_1,) = [page for page in memo if "Tab 1: (U) Readout" in page]
    assert "Sent separately." in tab_1 and "CLEARED" in tab_1


# --- releases fail closed for every new part ---------------------------------------------------------

#: A SECRET canary in every part the new kinds added; each kind's sheet carries its own parts.
NEW_PARTS: dict[str, tuple[str, ...]] = {
    "submission": ("recommendations", "timing", "argument", "presentation", "annexes"),
    "action-memo": ("recommendations", "discussion", "annexes"),
    "info-memo": ("discussion", "annexes"),
    "brief": ("issues_for_discussion", "lines_to_take", "if_pressed", "annexes"),
}


def _canary_sheet(kind: str) -> dict[str, Any]:
    """A SECRET note of `kind` with an OFFICIAL header: an OFFICIAL and a SECRET item in each new part."""
    official, secret = {"classification": "OFFICIAL"}, {"classification": "SECRET"}
    changes: dict[str, Any] = {}
    for key in NEW_PARTS[kind]:
        canary = f"CANARY-{key.upper().replace('_', '-')}"
        if key == "annexes":
            changes[key] = [{"title": "Open annex", "body": "Open annex text.", **official},
                            {"title": f"Annex title {canary}", "body": f"Annex text {canary}.", **secret},
                            {"title": f"Unmarked annex {canary}-UNMARKED"}]
        elif key == "timing":
            changes[key] = {"text": f"Urgent: {canary}.", **secret}
        elif key == "recommendations":
            changes[key] = [{"text": "That you agree the open part.", **official},
                            {"text": f"That you agree {canary}.", "decide_by": "2025-03-20", **secret}]
        else:
            changes[key] = [{"text": f"Open {key}.", **official}, {"text": f"Secret {key} {canary}.", **secret},
                            f"Unmarked {key} {canary}-UNMARKED, at the document's level."]
    sheet = compact_sheet(f"canary-{kind}", kind=kind, outcomes=None,
                          classification={"level": "SECRET", "header": "OFFICIAL", "scheme": "uk"},
                          summary={"text": "The open summary.", "classification": "OFFICIAL"}, **changes)
    sheet["document"]["addressee"] = "Foreign Secretary"
    sheet["document"]["sender"] = "Example Sender"
    sheet["document"]["date"] = "2025-03-02" if kind != "brief" else "2025-02-27"
    if kind in ("submission", "action-memo"):
        sheet["document"]["date"] = "2025-03-03"
    return sheet


@pytest.mark.parametrize("kind", list(NEW_PARTS))
def test_a_secret_portion_of_a_new_part_never_reaches_an_official_release(kind: str, tmp_path: Path) -> None:
    sheet = _canary_sheet(kind)
    if kind == "submission":
        sheet["argument"].append("Needed for the kind.")
    path = write_sheet(tmp_path / "sheets", sheet)
    assert check_text(json.dumps(sheet)).report.errors == []
    canaries = [f"CANARY-{key.upper().replace('_', '-')}" for key in NEW_PARTS[kind]]
    full = tmp_path / "full"
    assert run_cli(["build", path, "-o", full]).exit_code == 0
    cut = tmp_path / "official"
    ran = run_cli(["build", path, "--release", "OFFICIAL", "-o", cut])
    assert ran.exit_code == 0, ran.output
    name = sheet["id"]
    full_html = (full / f"{name}.html").read_text(encoding="utf-8")
    cut_html = (cut / f"{name}.html").read_text(encoding="utf-8")
    full_pdf, cut_pdf = pdftotext(full / f"{name}.pdf"), pdftotext(cut / f"{name}.pdf")
    for canary in canaries:
        assert canary in full_html and canary in squash(full_pdf), canary  # the test sees them when they are there
        assert canary not in cut_html and canary not in cut_pdf, canary
    # What is OFFICIAL stays, relabelled in release order: the one annex left is Annex A.
    cut_root = parse_html(cut_html)
    assert [text_of(h) for s in find_all(cut_root, "section", class_="annex") for h in s.iter("h2")] == [
        "Annex A: (O) Open annex" if kind in ("submission", "brief") else "Tab 1: (O) Open annex"]


def test_the_release_cut_keeps_or_drops_each_new_part_by_its_own_marking() -> None:
    model = sheet_model(_canary_sheet("submission") | {"argument": ["Open argument."]})
    cut = release(model, shorthand("OFFICIAL"))
    assert cut.sheet.timing is None  # SECRET
    assert [r.text for r in cut.sheet.recommendations] == ["That you agree the open part."]
    assert [a.title for a in cut.sheet.annexes] == ["Open annex"]
    assert cut.shows(("recommendations", 0)) and not cut.shows(("recommendations", 1))
    assert not cut.shows(("timing",)) and not cut.shows(("annexes", 1, "title"))
    assert cut.shows(("distribution", 0)) and cut.shows(("document", "addressee"))
    view = brief_view(cut)
    assert [p.heading for p in view.parts if p.role == "recommendations"] == ["Recommendation"]  # one left


# --- the skeleton of each kind ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_skeleton_of_each_kind_lists_its_other_parts_as_comments_in_reading_order(kind: str, tmp_path: Path) -> None:
    ran = run_cli(["new", "fresh", "--kind", kind, "-o", tmp_path])
    assert ran.exit_code == 0, ran.output
    text = (tmp_path / "fresh.yaml").read_text(encoding="utf-8")
    spec = KINDS[kind]
    keys = [part.sheet_key for part in spec.parts if part.sheet_key not in ("participants", "sections")]
    seen = [m[1] for m in re.finditer(r"(?m)^(?:# )?([a-z_]+):", text) if m[1] in keys]
    order = list(dict.fromkeys(seen))
    assert order == [k for k in dict.fromkeys(keys) if k in order]
    for key, label in spec.document_keys:
        assert re.search(rf'(?m)^  {key}: "TODO: {re.escape(label)} whom', text), key


def test_the_facts_diff_names_a_changed_recommendation() -> None:
    from briefgen.versions.compare import compare

    old = check_text(SUBMISSION.read_text(encoding="utf-8")).sheet
    new = check_text(text_with(SUBMISSION, ("in the spring and a live phase in the autumn.",
                                            "in the spring only."))).sheet
    assert old is not None and new is not None
    _, changes = compare(old, new)
    assert [(c.kind, c.action) for c in changes] == [("recommendation", "added"), ("recommendation", "removed")]


def test_the_documented_action_memo_checks_and_its_missing_decision_lines_read_as_documented(tmp_path: Path) -> None:
    docs = (ROOT / "docs" / "factsheet.md").read_text(encoding="utf-8")
    block = docs[docs.index("A short action memo, and what `check` says"):]
    sheet = block[block.index("```yaml\n") + len("```yaml\n"):block.index("```\n\n```text")]
    shown = block[block.index("```text\n") + len("```text\n"):]
    shown = shown[:shown.index("```")]
    (tmp_path / "full.yaml").write_text(sheet, encoding="utf-8")
    assert run_cli(["check", "--strict", tmp_path / "full.yaml"]).exit_code == 0
    (tmp_path / "memo.yaml").write_text(re.sub(r"recommendations:\n(  .*\n)+", "", sheet), encoding="utf-8")
    ran = run_cli(["check", "memo.yaml"], cwd=tmp_path)
    assert ran.exit_code == 1 and ran.stdout == shown


def test_a_recommendation_cites_its_source_in_reading_order(tmp_path: Path) -> None:
    # Portions cite the sources they rest on (as outcomes do); a recommendation is one.
    text = text_with(SUBMISSION, ("  - text: That you agree the UK co-host the exercise",
                                  "  - sources: [memo-2023]\n    text: That you agree the UK co-host the exercise"))
    text += "sources:\n  - {id: memo-2023, title: UK–Norway memorandum on energy security (example)}\n"
    checked = check_text(text)
    assert checked.sheet is not None, checked.report.diagnostics
    view = brief_view(release(checked.sheet))
    (part,) = [p for p in view.parts if p.role == "recommendations"]
    assert [c.label for c in part.paragraphs[0].citations] == [
        "Source 1: UK–Norway memorandum on energy security (example)"]


_CUI_HEADER = """  level: CUI
  scheme: us
  header: UNCLASSIFIED
  cui:
    controlled_by: Department of State, EAP/MTS (example)
    category: SP-EXPT
    contact: Example Officer, example.officer@state.example, (202) 555-0142
"""
_SECRET_HEADER = """  level: SECRET
  scheme: us
  header: CONFIDENTIAL
  authority:
    classified_by: {name: Example Director, title: Director, office: EAP/MTS}
    reason: "1.4(b), (d)"
    declassify_on: 2051-03-16
"""


@pytest.mark.parametrize("example", [ACTION_MEMO, INFO_MEMO], ids=["action-memo", "info-memo"])
def test_a_classified_memo_prints_its_authority_block(example: Path, tmp_path: Path) -> None:
    # E.O. 13526 §1.6(a): a classified document shows who classified it, why and until when.
    # The memo layouts printed the CUI designation indicator but not the authority block,
    # which only the brief's header included.
    text = example.read_text(encoding="utf-8")
    header = _CUI_HEADER if _CUI_HEADER in text else text.split("classification:\n", 1)[1].split("document:", 1)[0]
    sheet = write_sheet(tmp_path, text.replace(header, _SECRET_HEADER, 1), name="secret-memo.yaml")
    ran = run_cli(["build", "--strict", sheet, "-o", tmp_path / "site"])
    assert ran.exit_code == 0, ran.output
    printed = pdftotext(tmp_path / "site" / f"{example.stem}.pdf", layout=True)  # named by its id
    in_order(printed, "SUBJECT", "Classified By:", "Example Director, Director, EAP/MTS", "Reason:", "1.4(b), (d)",
             "Declassify On:", "20510316")
    page = html_root(tmp_path / "site", example.stem)
    blocks = [a for a in page.iter("aside") if a.get("class") == "authority-block"]
    assert len(blocks) == 1 and "Declassify On:" in "".join(blocks[0].itertext())
