"""Notes a desk officer signs without sending back: reading order, numbering, markings, releases.

Built from the example sheets in briefs/examples/ (invented content) and the Japan–India
example, with the real renderer; HTML is parsed, PDFs are read back with pypdf.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from briefgen.records import BriefRecord
from briefgen.release.audience import shorthand
from briefgen.release.cut import release, released_reference
from briefgen.render.formatting import NBSP, HouseStyle
from briefgen.render.site_index import site_index_view
from briefgen.render.typography import script_language, smart_quotes
from briefgen.render.view import brief_view
from build_helpers import (
    EXAMPLE,
    ROOT,
    compact_sheet,
    find_all,
    page_texts,
    parse_html,
    pdf_reader,
    run_cli,
    squash,
    text_of,
    visible_text,
    write_sheet,
)
from conftest import check_text
from stage_sheets import sheet_model

EXAMPLES = ROOT / "briefs" / "examples"
UK_DRAFT = EXAMPLES / "uk-secret-draft.yaml"
US_CALL = EXAMPLES / "us-cui-call.yaml"
US_SECRET = EXAMPLES / "us-secret-rel.yaml"
SUMMIT = EXAMPLES / "summit-four-leaders.yaml"
#: Text of the UK draft that is above OFFICIAL: none of it may reach the OFFICIAL release.
SECRET_CANARIES = ("Langeled", "classified assessment", "Intelligence background", "survey vessels",
                   "wary of public linkage", "Sensitivities")


# --- builds (once per module) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each example built in full, and the UK draft released at OFFICIAL."""
    out = tmp_path_factory.mktemp("notes")
    ran = run_cli(["build", EXAMPLES, EXAMPLE, "-o", out / "full"])
    assert ran.exit_code == 0, ran.output
    ran = run_cli(["build", UK_DRAFT, "--release", "OFFICIAL", "-o", out / "released"])
    assert ran.exit_code == 0, ran.output
    return {"full": out / "full", "released": out / "released"}


def html_root(built: dict[str, Path], name: str, which: str = "full") -> ET.Element:
    return parse_html((built[which] / f"{name}.html").read_text(encoding="utf-8"))


def section_ids(root: ET.Element) -> list[str]:
    main = root.find("body/main")
    assert main is not None
    return [s.get("id") or "" for s in main.iter("section")]


def para_numbers(root: ET.Element) -> list[int]:
    return [int(text_of(s).rstrip(".")) for s in find_all(root, "span", class_="para-no")]


def sheet_text(path: Path, *replacements: tuple[str, str]) -> str:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def codes_of(text: str) -> list[str]:
    return [d.code for d in check_text(text).report.diagnostics]


# --- the classification travels with the title ---------------------------------------------


def test_page_title_and_pdf_title_carry_the_classification(built: dict[str, Path]) -> None:
    root = html_root(built, "g20-2025")
    expected = "OFFICIAL — Japan–India bilateral meeting at the G20 Leaders’ Summit"
    assert text_of(root.find("head/title")) == expected
    assert pdf_reader(built["full"] / "g20-2025.pdf").metadata["/Title"] == expected
    # With caveats, the whole banner leads the title.
    draft = pdf_reader(built["full"] / "uk-secret-draft.pdf").metadata["/Title"]
    assert draft.startswith("SECRET - LOCSEN - UK EYES ONLY — Example: UK–Norway")


# --- a SECRET UK draft and its OFFICIAL release ---------------------------------------------


def test_portion_marks_reach_every_portion_of_the_draft(built: dict[str, Path]) -> None:
    root = html_root(built, "uk-secret-draft")
    header = find_all(root, "header", class_="doc-header")[0]
    # Practice marks the subject line and each paragraph, and the header block once: the
    # title carries the header level (OFFICIAL); the details carry one mark, not one per field.
    assert text_of(find_all(header, "h1", class_="title")[0]).startswith("(O) ")
    assert [text_of(p) for p in find_all(header, "p", class_="block-mark")] == ["(O)"]
    assert not any(text_of(dd).startswith("(") for dd in header.iter("dd")), [text_of(dd) for dd in header.iter("dd")]
    assert text_of(find_all(header, "dd", class_="reference")[0]) == "EX-2026/GB-NO/04"
    assert len(find_all(header, "span", class_="mark")) == 2  # the title's and the block's
    # Each participant: the mark inline, on the name's own line; the closing block marked once.
    lines = find_all(root, "span", class_="person-line")
    assert len(lines) == 3 and all(text_of(line).startswith("(O) Example") for line in lines)
    assert all([child.get("class") for child in line] == ["mark", "person"] for line in lines)
    closing = find_all(root, "footer", class_="closing")[0]
    assert [text_of(m) for m in find_all(closing, "span", class_="mark")] == ["(O)"]
    assert text_of(find_all(root, "dd", class_="drafted-by")[0]).startswith("Example Desk Officer")
    # Every numbered paragraph: its number, then its mark.
    paras = [text_of(p) for p in find_all(root, "div", class_="para")]
    assert paras and all(re.match(r"^\d+\. \((O|OS|S|TS)\) ", p) for p in paras), paras
    assert any(p.startswith("8. (S) Offer to share") for p in paras), paras  # unmarked: the document's level


def test_the_official_release_is_recognisable_and_holds_nothing_above_official(built: dict[str, Path]) -> None:
    html = (built["released"] / "uk-secret-draft.html").read_text(encoding="utf-8")
    root = parse_html(html)
    text = visible_text(root)
    for canary in SECRET_CANARIES:
        assert canary not in html, canary
    assert "SECRET" not in text.replace("OFFICIAL", "")  # no level above OFFICIAL is named
    # The reference says it is a release and for whom.
    assert text_of(find_all(root, "dd", class_="reference")[0]) == "EX-2026/GB-NO/04-R-OFFICIAL"
    # A boxed statement on page 1, and the footer on every page. Nobody is "cleared to
    # OFFICIAL": the release says at which level it may go and to whom (ICD 209's tearlines
    # "release … at a lower classification"; the wording is the scheme file's).
    (statement,) = find_all(root, "p", class_="release-statement")
    assert text_of(statement) == "Releasable at OFFICIAL to UK nationals"
    assert statement.get("role") == "note"
    # The footer is printed in the page margin (an inline @page rule); the PDF shows it on every page:
    # reference and version on the left, whom it is for beside the page number on the right.
    reader = pdf_reader(built["released"] / "uk-secret-draft.pdf")
    pages = [squash(t) for t in page_texts(reader)]
    assert "Releasable at OFFICIAL to UK nationals" in pages[0].split("EX-2026/GB-NO/04-R-OFFICIAL · version")[0]
    for page in pages:
        assert "EX-2026/GB-NO/04-R-OFFICIAL · version 0.3" in page
        assert "Releasable at OFFICIAL to UK nationals Page" in page
        for canary in SECRET_CANARIES:
            assert canary not in page
    # The caveat travels with the level; the title says OFFICIAL.
    assert [text_of(b) for b in find_all(root, "div", class_="banner")] == ["OFFICIAL - UK EYES ONLY"] * 2
    assert reader.metadata["/Title"].startswith("OFFICIAL - UK EYES ONLY — ")


def test_a_release_numbers_its_own_paragraphs_so_gaps_reveal_nothing(built: dict[str, Path]) -> None:
    numbers = para_numbers(html_root(built, "uk-secret-draft", "released"))
    assert numbers == list(range(1, len(numbers) + 1))


def test_released_reference_suffix() -> None:
    assert released_reference("G20-2025/JP-IN/01", "OFFICIAL") == "G20-2025/JP-IN/01-R-OFFICIAL"
    assert released_reference("X/1", "TOP SECRET") == "X/1-R-TOP-SECRET"
    assert released_reference("X/1", None) == "X/1"
    assert released_reference(None, "OFFICIAL") is None
    # Every release gets it, whether or not anything was left out.
    sheet = sheet_model(compact_sheet())
    # The view keeps a reference on one line (a no-break span); its text is the reference.
    assert Markup(brief_view(release(sheet, shorthand("OFFICIAL"))).reference).striptags() == "AB/01-R-OFFICIAL"
    assert Markup(brief_view(release(sheet)).reference).striptags() == "AB/01"


# --- a US CUI call readout --------------------------------------------------------------------


def test_a_cui_readout_carries_the_designation_indicator_on_page_one(built: dict[str, Path]) -> None:
    root = html_root(built, "us-cui-call")
    (block,) = find_all(root, "aside", class_="cui-designation")
    pairs = dict(zip([text_of(e) for e in block.iter("dt")], [text_of(e) for e in block.iter("dd")], strict=True))
    assert pairs == {
        "Controlled by:": "Department of State, EAP/MTS (example)",
        "CUI Category:": "SP-EXPT",
        "Limited dissemination control:": "FEDCON",
        "POC:": "Example Officer, example.officer@state.example, (202) 555-0142",
    }
    first = squash(page_texts(pdf_reader(built["full"] / "us-cui-call.pdf"))[0])
    for label in ("Controlled by:", "CUI Category: SP-EXPT", "Limited dissemination control: FEDCON", "POC:"):
        assert label in first, label


def test_cui_is_not_marked_as_a_classification(built: dict[str, Path]) -> None:
    # CUI is not a classification (32 CFR 2002; E.O. 13526 §1.6 marks classified information):
    # page 1 states its banner as a marking, with the category and dissemination control.
    pages = [squash(t) for t in page_texts(pdf_reader(built["full"] / "us-cui-call.pdf"))]
    assert "Marking: CUI//SP-EXPT//FEDCON" in pages[0]
    assert not any("Classification: CUI" in page for page in pages)
    assert all(page.count("CUI//SP-EXPT//FEDCON") >= 2 for page in pages[1:])  # top and bottom of every page
    root = html_root(built, "us-cui-call")
    (banner,) = [b for b in find_all(root, "div", class_="banner") if b.get("role") == "note"]
    assert banner.get("aria-label") == "Marking" and text_of(banner) == "CUI//SP-EXPT//FEDCON"
    assert find_all(root, "aside", class_="authority-block") == []  # CUI owes no classification authority


def test_no_cui_block_once_the_cui_is_released_away() -> None:
    # The header and the second outcome are UNCLASSIFIED: a release at UNCLASSIFIED holds no CUI.
    sheet = check_text(sheet_text(US_CALL, ("level: CUI", "level: CUI\n  header: UNCLASSIFIED"))).sheet
    assert sheet is not None
    assert brief_view(release(sheet)).cui is not None
    cut = brief_view(release(sheet, shorthand("UNCLASSIFIED")))
    assert cut.cui is None and cut.banner.text == "UNCLASSIFIED"


def test_cui_without_its_designation_indicator_warns() -> None:
    assert "cui-designation-missing" not in codes_of(US_CALL.read_text(encoding="utf-8"))
    poc = "    contact: Example Officer, example.officer@state.example, (202) 555-0142\n"
    missing_poc = sheet_text(US_CALL, (poc, ""))
    checked = check_text(missing_poc)
    (found,) = [d for d in checked.report.diagnostics if d.code == "cui-designation-missing"]
    assert found.severity == "warning" and "POC" in found.message
    no_block = re.sub(r"  cui:\n(    .*\n)+", "", US_CALL.read_text(encoding="utf-8"))
    assert "cui-designation-missing" in codes_of(no_block)
    # Only CUI needs it; a uk sheet with a cui block is told that it is not printed.
    assert "cui-designation-missing" not in codes_of(no_block.replace("level: CUI", "level: UNCLASSIFIED"))
    uk = sheet_text(UK_DRAFT, ("  caveats: [UK EYES ONLY]\n", "  caveats: [UK EYES ONLY]\n  cui: {category: PRVCY}\n"))
    assert "cui-outside-us" in codes_of(uk)


# --- a US SECRET brief: the register's markings and the authority block ---------------------


def test_a_us_secret_note_is_marked_as_the_register_writes_it(built: dict[str, Path]) -> None:
    pages = [squash(t) for t in page_texts(pdf_reader(built["full"] / "us-secret-rel.pdf"))]
    first = pages[0]
    # One NOFORN portion makes the banner NOFORN (ISM-ID-00070), on every page, top and bottom.
    assert "Classification: SECRET//NOFORN" in first
    assert all(page.count("SECRET//NOFORN") >= 2 for page in pages)
    for mark in ("(C//REL TO USA, FVEY) Example: Deputy Secretary", "1. (S//REL TO USA, FVEY) Partners are ready",
                 "3. (S//REL TO USA, AUS, GBR) Secure Australian", "4. (U) Announce", "6. (S//NF) Do not confirm"):
        assert mark in first, mark
    # The classification authority block, on page 1 (E.O. 13526 §1.6; the register's YYYYMMDD).
    block = "Classified By: Example Director, Director, Department of State, EAP/ANP (example) " \
            "Reason: 1.4(b), (d) Declassify On: 20510414"
    assert block in first
    root = html_root(built, "us-secret-rel")
    # The header block and the closing block, each marked once.
    assert [text_of(p) for p in find_all(root, "p", class_="block-mark")] == ["(C//REL TO USA, FVEY)"] * 2


def test_the_five_eyes_release_of_the_us_note(tmp_path: Path) -> None:
    ran = run_cli(["build", US_SECRET, "--audience", "fvey-secret", "-o", tmp_path / "fvey"], cwd=ROOT)
    assert ran.exit_code == 0, ran.output
    pages = [squash(t) for t in page_texts(pdf_reader(tmp_path / "fvey" / "us-secret-rel.pdf"))]
    text = " ".join(pages)
    # Without the NOFORN portion and the one for Australia and the UK only, every kept
    # portion is REL TO USA, FVEY: the banner says so, and each portion writes (S//REL).
    assert all(page.count("SECRET//REL TO USA, FVEY") >= 2 for page in pages)
    assert "NOFORN" not in text and "Guam" not in text and "Coral Sea" not in text
    assert "1. (S//REL) Partners are ready" in text and "(C//REL) Example: Deputy Secretary" in text
    assert "Releasable at SECRET to Five Eyes nationals" in pages[0]
    assert "Declassify On: 20510414" in pages[0]  # still classified: the block stays


def test_the_uk_draft_is_marked_in_the_gsc_format(built: dict[str, Path]) -> None:
    pages = [squash(t) for t in page_texts(pdf_reader(built["full"] / "uk-secret-draft.pdf"))]
    # "CLASSIFICATION - CAVEAT" (GSC 2014); the descriptor of its OFFICIAL-SENSITIVE section first.
    assert all(page.count("SECRET - LOCSEN - UK EYES ONLY") >= 2 for page in pages)
    assert "Handling instructions: Not to be forwarded beyond the addressees without the originator’s consent" \
        in pages[0]


# --- a four-leader summit readout: continuous numbering -------------------------------------


def test_paragraphs_are_numbered_through_the_note(built: dict[str, Path]) -> None:
    root = html_root(built, "summit-four-leaders")
    numbers = para_numbers(root)
    assert numbers == list(range(1, len(numbers) + 1))
    # Summary (two paragraphs) 1–2, outcomes 3–5, comment 6, background 7.
    by_part = {s.get("id"): para_numbers(s) for s in find_all(root, "section", class_="text-part")}
    assert by_part == {"summary": [1, 2], "outcomes": [3, 4, 5], "comment": [6], "background": [7]}
    # Each paragraph can be linked to: "para 7".
    assert find_all(root, "div", id="para-7")
    # Sources keep their own numbering.
    assert [li.get("value") for li in find_all(root, "li") if (li.get("id") or "").startswith("source-")] == ["1", "2"]
    assert "Multilateral meeting" in visible_text(root)


def test_numbering_reaches_the_pdf_text(built: dict[str, Path]) -> None:
    text = squash(" ".join(page_texts(pdf_reader(built["full"] / "summit-four-leaders.pdf"))))
    assert "6. The four leaders" not in text and "1. The four leaders launched" in text
    assert "7. This was the leaders’ second meeting" in text


# --- reading order: decisions first ------------------------------------------------------------


def test_a_brief_reads_decisions_first(built: dict[str, Path]) -> None:
    root = html_root(built, "uk-secret-draft")
    assert section_ids(root) == ["summary", "objectives", "talking-points", "sensitivities", "press-lines",
                                 "background", "intelligence-background", "participants"]
    assert [s.get("class") for s in find_all(root, "section", class_="text-part")][3:] == [
        "text-part sensitivities", "text-part press-lines", "text-part background", "text-part background"]
    # The closing block comes last: drafted by, contact.
    main = root.find("body/main")
    assert main is not None and list(main)[-1].get("class") == "closing"


def test_a_readout_reads_outcomes_then_actions_then_background(built: dict[str, Path]) -> None:
    assert section_ids(html_root(built, "summit-four-leaders")) == [
        "summary", "outcomes", "follow-up", "commitments", "frameworks", "comment", "background",
        "participants", "sources"]
    assert section_ids(html_root(built, "us-cui-call")) == ["summary", "outcomes", "follow-up", "comment",
                                                            "participants", "sources"]
    # Actions sit in a box: owner and due given.
    (actions,) = find_all(html_root(built, "us-cui-call"), "section", class_="actions-box")
    assert [text_of(th) for th in actions.iter("th")] == ["Action", "Owner", "Due"]


def test_sections_go_by_kind_or_heading() -> None:
    from briefgen.render.layout import section_kind
    from briefgen.sheet.model import Section

    assert section_kind(Section(heading="Background to the visit", body="x")) == "background"
    assert section_kind(Section(heading="Context", body="x")) == "background"
    assert section_kind(Section(heading="Press lines", body="x")) == "other"
    assert section_kind(Section(heading="Lines to take", body="x", kind="press-lines")) == "press-lines"
    assert section_kind(Section(heading="Background", body="x", kind="sensitivities")) == "sensitivities"


def test_objectives_in_a_readout_and_comment_in_a_brief_warn() -> None:
    readout = sheet_text(US_CALL, ("comment: >-", "objectives: [Get a date.]\ncomment: >-"))
    assert "not-for-kind" in codes_of(readout)
    brief = sheet_text(UK_DRAFT, ("talking_points:", "comment: An aside.\ntalking_points:"))
    assert codes_of(brief).count("not-for-kind") == 1
    assert "not-for-kind" not in codes_of(UK_DRAFT.read_text(encoding="utf-8"))


def test_an_incomplete_final_sheet_warns() -> None:
    assert "incomplete-final" not in codes_of(SUMMIT.read_text(encoding="utf-8"))
    text = sheet_text(SUMMIT, ("  reference: EX-2026/QUAD/07\n", ""))
    (found,) = [d for d in check_text(text).report.diagnostics if d.code == "incomplete-final"]
    assert "`reference`" in found.message and found.severity == "warning"
    assert "incomplete-final" not in codes_of(UK_DRAFT.read_text(encoding="utf-8"))  # a draft may lack them
    # Both missing: one warning that names both.
    draftless = codes_of(json.dumps(compact_sheet(document__drafted_by=None, document__cleared_by=None)))
    assert draftless.count("incomplete-final") == 1


# --- site index banner -----------------------------------------------------------------------------


def record(id: str, level: str, scheme: str = "uk", caveats: tuple[str, ...] = (),
           categories: tuple[str, ...] = ()) -> BriefRecord:
    return BriefRecord(id=id, title=id, kind="brief", meeting_date=dt.date(2026, 1, 1), occasion=None, venue=None,
                       level=level, scheme=scheme, banner=level, tone=level.lower().replace(" ", "-"),
                       audience=None, pages=1, outputs={"html": f"{id}.html"}, caveats=caveats,
                       categories=categories)


def test_index_banner_keeps_the_caveats_every_top_entry_shares() -> None:
    index = site_index_view([record("a", "SECRET", caveats=("UK EYES ONLY",)),
                             record("b", "SECRET", caveats=("LOCSEN", "UK EYES ONLY")),
                             record("c", "OFFICIAL", caveats=("COMMERCIAL",))])
    # Written by the scheme's grammar, as a note's own banner is.
    assert index.banner is not None and index.banner.text == "SECRET - UK EYES ONLY"
    # One top entry without the caveat: the page cannot claim it.
    index = site_index_view([record("a", "SECRET", caveats=("UK EYES ONLY",)), record("b", "SECRET")])
    assert index.banner is not None and index.banner.text == "SECRET"
    us = site_index_view([record("a", "CUI", "us", ("FEDCON",), ("SP-EXPT",))])
    assert us.banner is not None and us.banner.text == "CUI//SP-EXPT//FEDCON" and us.banner.label == "Marking"


def test_a_manifest_from_before_the_grammars_keeps_its_caveats() -> None:
    # Old manifests wrote "SECRET — UK EYES ONLY" and no caveats; the index reads them from the banner.
    old = BriefRecord.from_json({"id": "a", "title": "A", "meeting_date": "2026-01-01", "level": "SECRET",
                                 "scheme": "uk", "banner": "SECRET — UK EYES ONLY, NOT-A-CAVEAT"})
    assert old.caveats == ("UK EYES ONLY", "NOT-A-CAVEAT")
    index = site_index_view([old])
    assert index.banner is not None and index.banner.text == "SECRET - UK EYES ONLY"  # what it cannot write is left out


def test_index_banner_names_each_schemes_highest() -> None:
    index = site_index_view([record("a", "SECRET"), record("b", "OFFICIAL"),
                             record("c", "CONFIDENTIAL", "us"), record("d", "CUI", "us")])
    assert index.banner is not None
    assert index.banner.text == "SECRET (UK) · CONFIDENTIAL (US)"
    assert index.banner.tone == "secret"


def test_an_empty_index_is_official() -> None:
    banner = site_index_view([]).banner
    assert banner is not None and (banner.text, banner.tone) == ("OFFICIAL", "official")


def test_the_built_index_shows_its_banner(built: dict[str, Path]) -> None:
    root = parse_html((built["full"] / "index.html").read_text(encoding="utf-8"))
    texts = [text_of(b) for b in find_all(root, "div", class_="banner")]
    assert texts and texts[0] == "SECRET - LOCSEN - UK EYES ONLY (UK) · SECRET//NOFORN (US)"


# --- typography -----------------------------------------------------------------------------------


def test_smart_quotes() -> None:
    assert smart_quotes("G20 Leaders' Summit") == "G20 Leaders’ Summit"
    assert smart_quotes('He said "yes" (\'maybe\')') == "He said “yes” (‘maybe’)"
    assert smart_quotes("the '90s, it's") == "the ’90s, it’s"
    assert smart_quotes("no quotes") == "no quotes"


def test_no_break_spaces_in_dates_amounts_and_times() -> None:
    style = HouseStyle("en-GB")
    assert style.written_date(dt.date(2025, 11, 23)) == f"23{NBSP}November{NBSP}2025"
    assert style.money(Decimal("1e13"), "JPY") == f"¥10{NBSP}trillion"
    assert style.zoned_time("13:40", dt.date(2025, 11, 23), "Africa/Johannesburg") == f"13:40{NBSP}SAST (UTC+2)"
    assert style.duration(90) == f"1{NBSP}hour{NBSP}30{NBSP}minutes"


def test_markdown_gets_typographic_quotes_too(built: dict[str, Path]) -> None:
    text = visible_text(html_root(built, "g20-2025"))
    assert "Modi’s visit" in text and "Modi's" not in text


# --- native scripts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "given", "country", "expected"), [
    ("高市早苗", None, "JP", ("ja", "ltr")),
    ("习近平", None, "CN", ("zh", "ltr")),
    ("たかいち さなえ", None, None, ("ja", "ltr")),
    ("नरेन्द्र मोदी", None, "IN", ("hi", "ltr")),
    ("محمد بن سلمان", None, "SA", ("ar", "rtl")),
    ("בנימין נתניהו", None, "IL", ("he", "rtl")),
    ("이재명", None, "KR", ("ko", "ltr")),
    ("Владимир Путин", None, "RU", ("ru", "ltr")),
    ("شهباز شریف", "ur", "PK", ("ur", "rtl")),
    ("Emmanuel Macron", None, "FR", (None, None)),
])
def test_script_language(name: str, given: str | None, country: str | None, expected: Any) -> None:
    assert script_language(name, given, country) == expected


def test_native_names_carry_lang_and_dir(built: dict[str, Path]) -> None:
    spans = find_all(html_root(built, "g20-2025"), "span", class_="native-name")
    assert [(s.get("lang"), s.get("dir")) for s in spans] == [("ja", "ltr"), ("hi", "ltr")]


def test_an_arabic_name_is_right_to_left(tmp_path: Path) -> None:
    sheet = compact_sheet("rtl", participants=[
        {"name": "Anna Example", "title": "Minister", "country": "FR", "role": "principal"},
        {"name": "Example Minister", "native_name": "وزير المثال", "title": "Minister", "country": "EG"}])
    sheet["meeting"]["format"] = "bilateral"
    ran = run_cli(["build", write_sheet(tmp_path, sheet), "-o", tmp_path / "site", "--no-pdf"])
    assert ran.exit_code == 0, ran.output
    root = parse_html((tmp_path / "site" / "rtl.html").read_text(encoding="utf-8"))
    (span,) = find_all(root, "span", class_="native-name")
    assert (span.get("lang"), span.get("dir")) == ("ar", "rtl")


# --- tables: empty columns, labels, scroll boxes ----------------------------------------------------


@pytest.mark.parametrize("brief_id", ["summit-four-leaders", "g20-2025"])
def test_empty_columns_are_not_drawn_and_cells_are_labelled(built: dict[str, Path], brief_id: str) -> None:
    root = html_root(built, brief_id)
    (frameworks,) = find_all(root, "table", class_="frameworks-table")
    if brief_id == "summit-four-leaders":
        assert [text_of(th) for th in frameworks.iter("th")] == ["Framework", "Status", "Note"]  # no "Since"
    for table in root.iter("table"):
        head = table.find("thead")
        headers = [text_of(th) for th in (head if head is not None else table).iter("th")]
        for row in table.iter("tr"):
            # A row's own header (Since last time's item) is labelled as the cells are.
            cells = [cell for cell in row if cell.tag == "td" or cell.get("scope") == "row"]
            if cells:
                assert [cell.get("data-label") for cell in cells] == headers
    wraps = find_all(root, "div", class_="table-wrap")
    assert len(wraps) == len(list(root.iter("table")))
    assert all(w.get("role") == "region" and w.get("tabindex") == "0" and w.get("aria-label") for w in wraps)


def test_an_occasion_identical_to_the_title_is_not_repeated() -> None:
    sheet = sheet_model(compact_sheet(meeting__occasion="Alpha talks"))
    assert brief_view(release(sheet)).occasion is None
    assert brief_view(release(sheet_model(compact_sheet()))).occasion == "Spring Talks"


# --- time zones -------------------------------------------------------------------------------------


def test_the_meeting_time_says_its_zone(built: dict[str, Path]) -> None:
    assert "13:40 SAST (UTC+2)" in squash(visible_text(html_root(built, "g20-2025")))
    # A us-scheme note is written in US style: a 12-hour clock.
    assert "8:30 PM EDT (UTC−4)" in squash(visible_text(html_root(built, "us-cui-call")))
    assert "14:00 JST (UTC+9)" in visible_text(html_root(built, "summit-four-leaders"))


def test_an_unknown_time_zone_is_refused_with_a_suggestion() -> None:
    text = sheet_text(EXAMPLE, ("timezone: Africa/Johannesburg", "timezone: Africa/Johannesberg"))
    checked = check_text(text)
    (found,) = [d for d in checked.report.diagnostics if d.code == "unknown-timezone"]
    assert found.severity == "error" and found.hint == "did you mean Africa/Johannesburg?"
    assert checked.sheet is None
    lower = sheet_text(EXAMPLE, ("timezone: Africa/Johannesburg", "timezone: africa/johannesburg"))
    assert [d.hint for d in check_text(lower).report.diagnostics] == ["did you mean Africa/Johannesburg?"]


# --- navigation: contents, citations, the site index ------------------------------------------------


def test_contents_citations_and_index_link(built: dict[str, Path]) -> None:
    root = html_root(built, "summit-four-leaders")
    (contents,) = find_all(root, "nav", class_="contents")
    links = [(a.get("href"), text_of(a)) for a in contents.iter("a")]
    assert links[:3] == [("#summary", "Summary"), ("#outcomes", "Outcomes"), ("#follow-up", "Actions")]
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert all(href[1:] in ids for href, _ in links)
    citations = find_all(root, "a", class_="citation")
    # In reading order: the three outcomes, then the commitments, then the framework.
    assert [c.get("id") for c in citations] == ["cite-1-1", "cite-2-1", "cite-1-2", "cite-1-3", "cite-1-4",
                                                "cite-2-2", "cite-1-5"]
    (outcomes,) = find_all(root, "section", class_="outcomes")
    assert [c.get("id") for c in find_all(outcomes, "a", class_="citation")] == ["cite-1-1", "cite-2-1", "cite-1-2"]
    assert citations[0].get("href") == "#source-1"
    assert citations[0].get("aria-label") == "Source 1: Joint Statement of the Four Leaders (example)"
    backrefs = [(a.get("href")) for a in find_all(root, "a", class_="backref")]
    assert backrefs == ["#cite-1-1", "#cite-2-1"]
    (index,) = find_all(root, "a", class_="index-link")
    assert (index.get("href"), text_of(index)) == ("index.html", "All briefing notes")
