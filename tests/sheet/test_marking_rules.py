"""Bad markings: every caveat the scheme's grammar could not write, every authority block that
E.O. 13526 would not accept, is a diagnostic at its line with a hint naming what is accepted.

Sources (looked up): E.O. 13526 §1.4(a)–(h), §1.5(b) (no more than 25 years from the date of
original classification) and §1.6(a) (Classified By, agency and office, declassification
instructions, a concise reason citing §1.4), Federal Register Vol. 75 No. 2 p. 710 and the
State Department's FOIA category list (scribd.com/document/441921215); exemptions 25X1–25X9,
50X1-HUM, 50X2-WMD: ODNI ISM CVEnumISM25X.xml (github.com/NIEM/Developer-Network-IEPD-Series--
SuperHero); ISM-ID-00028 (ORCON on classified portions only), ISM-ID-00033 (NOFORN and REL TO
are mutually exclusive); the CUI limited dissemination controls mark CUI
(archives.gov/cui/registry/limited-dissemination); descriptors go with OFFICIAL-SENSITIVE
(github.com/ministryofjustice/security-guidance, quoting the Cabinet Office).
"""

from __future__ import annotations

import pytest

from briefgen.report.diagnostics import Diagnostic
from conftest import check_text, codes, only

US_SECRET = """\
format: 1
kind: brief
title: Test talks
classification:
  level: SECRET
  scheme: us
  caveats: [NOFORN]
  authority:
    classified_by: {name: Jane Roe, title: Director, office: EAP/MTS}
    reason: "1.4(b), (d)"
    declassify_on: 2051-03-01
document: {date: 2026-03-01, status: draft}
meeting: {date: 2026-03-05, format: call}
participants:
  - {name: Anna Example, title: Secretary, country: US, role: principal}
  - {name: Ben Example, title: Minister, country: AU, role: principal}
summary: The summary.
outcomes:
  - text: An outcome.
    caveats: ["REL TO USA, AUS"]
    sources: [readout]
sources:
  - {id: readout, title: The readout, publisher: Department of State}
"""

UK_SENSITIVE = """\
format: 1
kind: brief
title: Test talks
classification:
  level: OFFICIAL-SENSITIVE
  scheme: uk
  caveats: [UK EYES ONLY]
document: {date: 2026-03-01}
meeting: {date: 2026-03-05, format: call}
participants:
  - {name: Anna Example, title: Secretary, country: GB, role: principal}
  - {name: Ben Example, title: Minister, country: "NO", role: principal}
summary: The summary.
"""


def edited(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def at(diagnostic: Diagnostic) -> tuple[int, int]:
    return diagnostic.line, diagnostic.col


def test_the_fixtures_are_clean() -> None:
    assert codes(check_text(US_SECRET)) == []
    assert codes(check_text(UK_SENSITIVE)) == []


@pytest.mark.parametrize(("old", "new", "code", "where", "hint"), [
    # A caveat the scheme does not know: the hint lists what it accepts.
    ("caveats: [NOFORN]", "caveats: [NOFORN, NOT-A-CONTROL]", "unknown-caveat", (7, 21), "ORCON; IMCON; NOFORN"),
    # REL TO with a country that is none.
    ('caveats: ["REL TO USA, AUS"]', 'caveats: ["REL TO USA, AUS, XXX"]', "unknown-country", (20, 15),
     "ISO 3166 alpha-3"),
    ('caveats: ["REL TO USA, AUS"]', 'caveats: ["REL TO USA"]', "rel-to-no-country", (20, 15), "write NOFORN"),
    ('caveats: ["REL TO USA, AUS"]', 'caveats: ["REL TO AUS"]', "rel-to-without-originator", (20, 15),
     "REL TO USA, AUS"),
    # NOFORN together with REL TO (ISM-ID-00033).
    ('caveats: ["REL TO USA, AUS"]', 'caveats: [NOFORN, "REL TO USA, AUS"]', "noforn-with-rel-to", (20, 23),
     "keep NOFORN"),
    ('caveats: ["REL TO USA, AUS"]', 'caveats: ["REL TO USA, AUS", "REL TO USA, GBR"]', "duplicate-caveat-list",
     (20, 34), "write one list"),
    # A control its level cannot carry: ORCON on an unclassified portion, a CUI control on a SECRET one.
    ("    caveats: [\"REL TO USA, AUS\"]", "    classification: UNCLASSIFIED\n    caveats: [ORCON]",
     "caveat-not-at-level", (21, 15), "mark it CONFIDENTIAL, SECRET or TOP SECRET"),
    ("caveats: [NOFORN]", "caveats: [FEDCON]", "caveat-not-at-level", (7, 13), "mark it CUI"),
    # The authority block: a reason outside §1.4, a date in the past, too far off, a made-up exemption.
    ('reason: "1.4(b), (d)"', 'reason: "national interest"', "invalid-reason", (10, 13), "(a)–(h)"),
    ('reason: "1.4(b), (d)"', 'reason: "1.4(b), (k)"', "invalid-reason", (10, 13), "(b) foreign government"),
    ("declassify_on: 2051-03-01", "declassify_on: 2020-01-01", "declassify-in-past", (11, 20), "in the future"),
    ("declassify_on: 2051-03-01", "declassify_on: 2060-01-01", "declassify-too-late", (11, 20), "2051-03-01"),
    ("declassify_on: 2051-03-01", "declassify_on: 25X12", "invalid-declassify-on", (11, 20), "50X1-HUM"),
    ("declassify_on: 2051-03-01", "declassify_on: 2051-13-01", "invalid-declassify-on", (11, 20), "YYYY-MM-DD"),
    ('    reason: "1.4(b), (d)"\n', "", "authority-without-reason", (8, 3), "derived_from"),
])
def test_a_bad_us_marking_is_a_diagnostic_at_its_line(old: str, new: str, code: str, where: tuple[int, int],
                                                     hint: str) -> None:
    checked = check_text(edited(US_SECRET, old, new))
    found = only(checked, code)
    assert found.severity == "error"
    assert at(found) == where, found
    assert found.hint is not None and hint in found.hint, found.hint


@pytest.mark.parametrize(("declassify", "accepted"), [
    ("2051-03-01", True),           # a date within 25 years (§1.5(b))
    ("20510301", True),             # the register's own form ([DoDM] "Declassify On: 20321215")
    ("50X1-HUM", True),             # an exemption without a date (CVEnumISM25X)
    ("25X1, 2071-03-01", True),     # a 25X exemption with its date, beyond 25 years
    ("Completion of the state visit", True),  # an event
    ("2026-03-01", False),          # the note's own date: not in the future
])
def test_declassify_on_takes_a_date_an_exemption_or_an_event(declassify: str, accepted: bool) -> None:
    checked = check_text(edited(US_SECRET, "declassify_on: 2051-03-01", f'declassify_on: "{declassify}"'))
    assert (not checked.report.errors) == accepted, checked.report.diagnostics


def test_a_us_classified_note_without_an_authority_block() -> None:
    bare = edited(US_SECRET, US_SECRET[US_SECRET.index("  authority:"):US_SECRET.index("document:")], "")
    draft = only(check_text(bare), "authority-block-missing")
    assert draft.severity == "warning" and at(draft) == (4, 1)  # a draft: not yet classified by anyone
    assert draft.hint is not None and "classified_by" in draft.hint and "declassify_on" in draft.hint
    final = only(check_text(edited(bare, "status: draft", "status: final")), "authority-block-missing")
    assert final.severity == "error"  # a final note is signed as classified: E.O. 13526 §1.6 applies
    # CUI is not a classification: no authority block is owed, and one given is not printed.
    cui = edited(bare, "level: SECRET", "level: CUI").replace('caveats: ["REL TO USA, AUS"]', "caveats: []")
    assert "authority-block-missing" not in codes(check_text(cui))
    given = edited(US_SECRET, "level: SECRET", "level: CUI").replace('caveats: ["REL TO USA, AUS"]', "caveats: []")
    assert only(check_text(given), "authority-not-printed").severity == "warning"


def test_uk_descriptors_go_with_official_sensitive() -> None:
    low = edited(UK_SENSITIVE, "level: OFFICIAL-SENSITIVE", "level: OFFICIAL").replace(
        "caveats: [UK EYES ONLY]", "caveats: [COMMERCIAL]")
    found = only(check_text(low), "descriptor-below-level")
    assert found.severity == "warning" and at(found) == (7, 13)
    assert found.hint == "mark it OFFICIAL-SENSITIVE, or remove the descriptor"
    # A national caveat may mark OFFICIAL material (GSC 2014 sets no floor for it).
    assert codes(check_text(edited(UK_SENSITIVE, "level: OFFICIAL-SENSITIVE", "level: OFFICIAL"))) == []


def test_uk_caveats_are_the_uks() -> None:
    found = only(check_text(edited(UK_SENSITIVE, "[UK EYES ONLY]", "[NOFORN]")), "unknown-caveat")
    assert found.hint is not None and "UK EYES ONLY" in found.hint and "LOCSEN" in found.hint


def test_the_handling_line_is_a_uk_key() -> None:
    uk = edited(UK_SENSITIVE, "  caveats: [UK EYES ONLY]\n",
                "  caveats: [UK EYES ONLY]\n  handling: Not to be forwarded beyond the addressees\n")
    assert codes(check_text(uk)) == []
    us = edited(US_SECRET, "  caveats: [NOFORN]\n", "  caveats: [NOFORN]\n  handling: Do not forward\n")
    assert only(check_text(us), "handling-line-not-printed").severity == "warning"


def test_the_cui_designations_control_is_a_caveat_too() -> None:
    cui = edited(US_SECRET, "level: SECRET", "level: CUI").replace('caveats: ["REL TO USA, AUS"]', "caveats: []")
    cui = cui.replace("  caveats: [NOFORN]\n", "  cui: {controlled_by: State, category: SP-EXPT, "
                      "dissemination: FEDCON/BOGUS, contact: a@b.example}\n")
    cui = cui[:cui.index("  authority:")] + cui[cui.index("document:"):]
    found = only(check_text(cui), "unknown-caveat")
    assert found.line == 7


def test_every_marking_code_is_documented() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = "".join((root / "src" / "briefgen" / "sheet" / name).read_text(encoding="utf-8")
                      for name in ("marking_rules.py", "scheme.py"))
    emitted = set(re.findall(r'"(?:error|warning)"(?: if final else "warning")?, "([a-z-]+)"', sources))
    emitted |= set(re.findall(r'CaveatProblem\(\s*"([a-z-]+)"', sources))
    docs = (root / "docs" / "factsheet.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \| (?:error|warning|note)", docs, re.MULTILINE))
    assert len(emitted) >= 15, emitted
    assert emitted <= documented, emitted - documented


_WRONG_VALUES = ("5", "[]", "{}", "x", "[5]", "[{a: 1}]", "null", "'  '", "[null]", '["REL TO USA, AUS", 5, AUS]')


def _every_value_made_wrong(text: str) -> list[str]:
    """The sheet with one value at a time replaced by a value of the wrong type or form."""
    import re

    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines):
        block = re.match(r"^(\s*(?:- )?[a-z_]+:)\s*(.*)$", line)
        edits = [f"{block.group(1)} {value}" for value in _WRONG_VALUES] if block else []
        for key in re.findall(r"([a-z_]+): ", line):  # inside a flow mapping {name: …, title: …}
            edits += [re.sub(rf"({key}: )([^,}}]+)", lambda m, v=value: m.group(1) + v, line, count=1)
                      for value in _WRONG_VALUES]
        found += ["\n".join([*lines[:number], edit, *lines[number + 1:]]) + "\n" for edit in edits]
    return found


@pytest.mark.parametrize("fixture", [US_SECRET, UK_SENSITIVE], ids=["us-secret", "uk-sensitive"])
def test_a_wrong_value_in_a_marked_sheet_is_a_diagnostic_never_a_crash(fixture: str) -> None:
    # The one-pass check runs the marking rules over the parts the model accepted: a caveat,
    # an authority block or a Declassify On it rejected is None there (this crashed with a
    # TypeError until the rules skipped what was rejected).
    sheets = _every_value_made_wrong(fixture)
    assert len(sheets) > 300
    for text in sheets:
        check_text(text)


def test_a_rejected_authority_value_is_not_reported_again_as_missing() -> None:
    reason = codes(check_text(edited(US_SECRET, 'reason: "1.4(b), (d)"', "reason: [5]")))
    assert "authority-without-reason" not in reason and reason
    block = codes(check_text(edited(US_SECRET, "  authority:\n    classified_by: {name: Jane Roe, title: Director, "
                                    "office: EAP/MTS}\n    reason: \"1.4(b), (d)\"\n    declassify_on: 2051-03-01\n",
                                    "  authority: 5\n")))
    assert "authority-block-missing" not in block and block
