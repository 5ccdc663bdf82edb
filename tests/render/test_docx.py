"""Word output (`build --format docx`): every example built with the real CLI and read back with python-docx —
banners in every header and footer, "Page N of M" fields, headings, numbered paragraphs and tables in the
HTML's order, document properties — releases that carry no withheld canary in any part of the package,
reproducible bytes, and a project's reference document (.docx, .dotx) or a bad one."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from build_helpers import ROOT, compact_sheet, find_all, parse_html, run_cli, script_env, squash, text_of, write_sheet

EXAMPLES = [ROOT / "briefs" / "g20-2025.yaml", *sorted((ROOT / "briefs" / "examples").glob("*.yaml"))]
IDS = [path.stem for path in EXAMPLES]
#: A repeating header row is w:tblHeader in the row's w:trPr (ISO/IEC 29500-1 §17.4.50):
#: https://learn.microsoft.com/en-us/previous-versions/office/developer/office-2010/cc799804(v=office.14)
TBL_HEADER = qn("w:tblHeader")
#: Simple fields (w:fldSimple, ISO/IEC 29500-1 §17.16.19) with the PAGE and NUMPAGES instructions, which Word
#: computes as it lays out the pages: https://learn.microsoft.com/en-us/previous-versions/office/developer/office-2003/aa213350(v=office.11)
FLD_SIMPLE = qn("w:fldSimple")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example as HTML and DOCX, by the real command line."""
    out = tmp_path_factory.mktemp("docx") / "site"
    ran = run_cli(["build", *EXAMPLES, "-o", out, "--format", "html", "--format", "docx"])
    assert ran.exit_code == 0, ran.output
    return out


def _text(value: str) -> str:
    return squash(value.replace("\u00a0", " "))


def _body(document: docx.document.Document) -> list[tuple[str, str]]:
    """(style, text) of every body paragraph in order; a table is ("table", its header row)."""
    found = []
    for item in document.iter_inner_content():
        if isinstance(item, docx.table.Table):
            found.append(("table", " | ".join(_text(c.text) for c in item.rows[0].cells)))
        else:
            found.append((item.style.name if item.style is not None else "", _text(item.text)))
    return found


def _html(site: Path, brief_id: str):
    return parse_html((site / f"{brief_id}.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("brief_id", IDS)
def test_every_page_has_the_banner_above_and_below(site: Path, brief_id: str) -> None:
    document = docx.Document(site / f"{brief_id}.docx")
    banner = _text(text_of(find_all(_html(site, brief_id), "div", class_="banner-top")[0]))
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            assert not part.is_linked_to_previous
            assert _text(part.paragraphs[0].text) == banner, brief_id


@pytest.mark.parametrize("brief_id", IDS)
def test_the_footer_counts_pages_with_page_and_numpages_fields(site: Path, brief_id: str) -> None:
    document = docx.Document(site / f"{brief_id}.docx")
    for section in document.sections:
        footer = section.footer._element
        instructions = [field.get(qn("w:instr")).strip() for field in footer.iter(FLD_SIMPLE)]
        assert instructions == ["PAGE", "NUMPAGES"]
        # The words around them are the note's label, "Page … of …" in English.
        line = "".join(t.text or "" for t in footer.iter(qn("w:t")))
        if document.core_properties.language.startswith("en"):
            assert "Page 1 of 1" in line


@pytest.mark.parametrize("brief_id", IDS)
def test_headings_paragraph_numbers_and_tables_follow_the_html(site: Path, brief_id: str) -> None:
    document = docx.Document(site / f"{brief_id}.docx")
    body = _body(document)
    page = _html(site, brief_id)
    main = page.find(".//main")
    assert main is not None
    # The title is the one Heading 1, as the page's h1.
    assert [t for s, t in body if s == "Heading 1"] == [_text(text_of(h)) for h in main.iter("h1")]
    # Every part and annex heading, in the page's order (the contents list is the page's own).
    assert [t for s, t in body if s == "Heading 2"] == [_text(text_of(h)) for h in main.iter("h2")]
    # Paragraphs numbered as the page numbers them, with the same portion mark and text.
    numbered = [t for s, t in body if re.match(r"\d+\. ", t)]
    html_paragraphs = [_text(text_of(p)) for div in find_all(main, "div", class_="para") for p in div.iter("p")
                       if p.find("span") is not None and "para-no" in (p.find("span").get("class") or "")]
    assert numbered == html_paragraphs
    # Tables in order, each with the page's column headers (a row's own header, Since last time's, is not one),
    # its first row repeated on every page.
    assert [t for s, t in body if s == "table"] == [" | ".join(_text(text_of(th)) for th in _head(table).iter("th"))
                                                    for table in main.iter("table")]
    for table in document.tables:
        assert table.rows[0]._tr.trPr is not None and table.rows[0]._tr.trPr.find(TBL_HEADER) is not None


def _head(table: ET.Element) -> ET.Element:
    head = table.find("thead")
    return head if head is not None else table


@pytest.mark.parametrize("brief_id", IDS)
def test_the_properties_are_the_pages_title_and_language(site: Path, brief_id: str) -> None:
    properties = docx.Document(site / f"{brief_id}.docx").core_properties
    page = _html(site, brief_id)
    assert properties.title == _text(text_of(page.find(".//title")))
    assert properties.language == page.get("lang")
    author = page.find(".//meta[@name='author']")
    assert properties.author == (author.get("content") if author is not None else "")
    # Dated as the note is, not when it was built.
    assert properties.created.date().isoformat() == page.find(".//meta[@name='dcterms.created']").get("content")
    # The language Word proofs the note in: the default run properties of its styles.
    styles = docx.Document(site / f"{brief_id}.docx").styles.element
    lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang is not None and lang.get(qn("w:val")) == page.get("lang")


def test_a_brief_reads_in_the_order_of_its_template(site: Path) -> None:
    body = [text for _, text in _body(docx.Document(site / "g20-2025.docx"))]
    order = ["Meeting readout", "Japan–India bilateral meeting at the G20 Leaders’ Summit", "Summary", "Outcomes",
             "Commitments", "Frameworks", "Participants", "Sources"]
    positions = [body.index(text) for text in order]
    assert positions == sorted(positions)
    assert body[body.index("Summary") + 1].startswith("1. Prime Ministers Takaichi and Modi")


def test_the_site_index_links_each_word_document(site: Path) -> None:
    index = parse_html((site / "index.html").read_text(encoding="utf-8"))
    links = {a.get("href"): text_of(a) for a in index.iter("a")}
    for brief_id in IDS:
        assert links[f"{brief_id}.docx"].startswith("DOCX"), brief_id


def test_each_locale_has_its_word_document_and_the_side_by_side_note_none(tmp_path: Path) -> None:
    ran = run_cli(["build", EXAMPLES[0], "-o", tmp_path / "site", "--locale", "en-GB,ja", "--parallel",
                   "--format", "html,docx"])
    assert ran.exit_code == 0, ran.output
    assert sorted(p.name for p in (tmp_path / "site").glob("*.docx")) == ["g20-2025.en-GB.docx", "g20-2025.ja.docx"]
    japanese = docx.Document(tmp_path / "site" / "g20-2025.ja.docx")
    assert japanese.core_properties.language == "ja"
    assert [p.text for p in japanese.paragraphs if p.style.name == "Heading 2"][0] == "概要"
    index = parse_html((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    assert {"g20-2025.en-GB.docx", "g20-2025.ja.docx"} <= {a.get("href") for a in index.iter("a")}


def test_two_builds_give_the_same_bytes(tmp_path: Path) -> None:
    """Built in two folders, at two times: the package's parts, dates and zip entries are the same."""
    for name in ("one", "two"):
        ran = run_cli(["build", EXAMPLES[0], "-o", tmp_path / name, "--format", "docx"])
        assert ran.exit_code == 0, ran.output
    one, two = (tmp_path / name / "g20-2025.docx" for name in ("one", "two"))
    assert one.read_bytes() == two.read_bytes()
    with zipfile.ZipFile(one) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert package.namelist()[0] == "[Content_Types].xml"
        assert "docProps/thumbnail.jpeg" not in package.namelist()  # python-docx's template's picture


# --- releases ----------------------------------------------------------------------------------

#: Canaries in SECRET portions, in every kind of place a note prints text; the header block is OFFICIAL.
CANARIES = [f"CANARY-D{n:02d}" for n in range(1, 9)]


def _canary_sheet() -> dict:
    secret = "SECRET"
    return compact_sheet(
        "mixed",
        title="Mixed talks",
        classification={"level": secret, "header": "OFFICIAL", "scheme": "uk"},
        summary={"text": "Summary CANARY-D01 of the talks.", "classification": secret},
        outcomes=[{"text": "Open outcome.", "classification": "OFFICIAL"},
                  {"text": "Hidden outcome CANARY-D02.", "classification": secret}],
        commitments=[{"sector": "Open sector", "summary": "Open commitment.", "classification": "OFFICIAL"},
                     {"sector": "Sector CANARY-D03", "summary": "Commitment CANARY-D04.", "classification": secret}],
        frameworks=[{"name": "Framework CANARY-D05", "note": "Note.", "classification": secret}],
        sections=[{"heading": "Heading CANARY-D06", "body": "Body CANARY-D07.", "classification": secret}],
        follow_up=[{"action": "Action CANARY-D08.", "classification": secret}],
    )


def _package_text(path: Path) -> str:
    """Every part of the package as text: the body, headers, footers, styles, docProps, comments, everything."""
    with zipfile.ZipFile(path) as package:
        return "\n".join(package.read(name).decode("utf-8", "replace") for name in package.namelist())


@pytest.fixture(scope="module")
def canary_sheets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("canaries")
    write_sheet(folder / "briefs", _canary_sheet())
    (folder / "briefgen.toml").write_text('[audiences.officials]\nnationality = "GBR"\nlevels = { uk = "OFFICIAL" }\n',
                                          encoding="utf-8")
    return folder


def test_the_full_document_holds_every_canary(canary_sheets: Path, tmp_path: Path) -> None:
    """Proof that the release tests below could fail: in full, each canary is in the package."""
    ran = run_cli(["build", "briefs", "-o", tmp_path / "full", "--format", "docx"], cwd=canary_sheets)
    assert ran.exit_code == 0, ran.output
    text = _package_text(tmp_path / "full" / "mixed.docx")
    for canary in CANARIES:
        assert canary in text, canary


@pytest.mark.parametrize("flags", [["--release", "OFFICIAL"], ["--audience", "officials"]])
def test_a_release_holds_no_withheld_canary_anywhere_in_the_package(canary_sheets: Path, tmp_path: Path,
                                                                    flags: list[str]) -> None:
    ran = run_cli(["build", "briefs", "-o", tmp_path / "released", "--format", "docx", *flags], cwd=canary_sheets)
    assert ran.exit_code == 0, ran.output
    path = tmp_path / "released" / "mixed.docx"
    text = _package_text(path)
    assert "Open outcome." in text and "Open commitment." in text
    for canary in CANARIES:
        assert canary not in text, canary
    document = docx.Document(path)
    assert document.core_properties.author == "Test Drafter"  # the header block's level: released
    assert all(_text(s.header.paragraphs[0].text) == "OFFICIAL" for s in document.sections)


def test_a_public_release_of_an_example_is_cut_as_its_html(tmp_path: Path) -> None:
    ran = run_cli(["build", ROOT / "briefs", "-o", tmp_path / "public", "--public", "--format", "html,docx"])
    assert ran.exit_code == 0, ran.output
    written = sorted(tmp_path.joinpath("public").glob("*.docx"))
    assert written, ran.output
    for path in written:
        page = parse_html(path.with_suffix(".html").read_text(encoding="utf-8"))
        headings = [_text(text_of(h)) for h in page.find(".//main").iter("h2")]
        assert [t for s, t in _body(docx.Document(path)) if s == "Heading 2"] == headings


# --- formats and the reference document ----------------------------------------------------------


def test_an_unknown_format_is_a_usage_error_naming_the_choices(tmp_path: Path) -> None:
    ran = run_cli(["build", EXAMPLES[0], "-o", tmp_path / "site", "--format", "html,word"])
    assert ran.exit_code == 2
    assert "'word' is not one; choose from html, pdf, docx" in ran.output
    assert not (tmp_path / "site").exists()


def test_format_replaces_the_defaults_and_the_flags_still_add_or_remove(tmp_path: Path) -> None:
    ran = run_cli(["build", EXAMPLES[0], "-o", tmp_path / "a", "--format", "docx", "--html"])
    assert ran.exit_code == 0, ran.output
    assert sorted(p.name for p in (tmp_path / "a").glob("g20-2025.*")) == ["g20-2025.docx", "g20-2025.html"]
    ran = run_cli(["build", EXAMPLES[0], "-o", tmp_path / "b", "--format", "docx", "--no-pdf"])
    assert ran.exit_code == 0 and [p.name for p in (tmp_path / "b").glob("g20-2025.*")] == ["g20-2025.docx"]
    assert "built g20-2025: Word →" in ran.stdout
    ran = run_cli(["build", EXAMPLES[0], "-o", tmp_path / "c", "--format", "docx", "--no-html", "--no-pdf"])
    assert ran.exit_code == 0
    ran = run_cli(["build", EXAMPLES[0], "-o", tmp_path / "d", "--format", "html", "--no-html"])
    assert ran.exit_code == 2 and "leave nothing to build" in ran.output


def _project(tmp_path: Path, toml: str) -> Path:
    write_sheet(tmp_path / "briefs", compact_sheet("alpha"))
    (tmp_path / "briefgen.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def test_formats_in_briefgen_toml(tmp_path: Path) -> None:
    root = _project(tmp_path, 'formats = ["docx", "html"]\n')
    ran = run_cli(["build"], cwd=root)
    assert ran.exit_code == 0, ran.output
    assert sorted(p.name for p in (root / "site").glob("alpha.*")) == ["alpha.docx", "alpha.html"]
    ran = run_cli(["build", "--format", "html", "-o", "html-only"], cwd=root)  # --format replaces `formats`
    assert ran.exit_code == 0 and [p.name for p in (root / "html-only").glob("alpha.*")] == ["alpha.html"]
    (root / "briefgen.toml").write_text('formats = ["html", "word"]\n', encoding="utf-8")
    ran = run_cli(["build"], cwd=root)
    assert ran.exit_code == 2
    assert "briefgen.toml:1: `formats`" in ran.output and "'word' is not one; choose from html, pdf, docx" in ran.output


def _house_template(path: Path) -> None:
    """A house template as Word saves one: a .dotx (a template's main part type), a style of its own, and text."""
    document = docx.Document()
    document.styles["Heading 1"].font.name = "House Serif"
    document.add_paragraph("Template boilerplate TEMPLATE-TEXT")
    document.core_properties.author = "Template Author"
    document.core_properties.last_printed = datetime.datetime(2020, 1, 1)
    section = document.sections[0]
    section.different_first_page_header_footer = True  # a house first page: its header is Word's first-page one
    section.first_page_header.paragraphs[0].text = "House first-page header TEMPLATE-TEXT"
    section.footer.paragraphs[0].text = "House footer TEMPLATE-TEXT"
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)


def test_a_dotx_reference_gives_its_styles_and_none_of_its_text(tmp_path: Path) -> None:
    """python-docx opens documents only (python-openxml/python-docx#363, #1532): a .dotx is retyped first."""
    root = _project(tmp_path, 'formats = ["docx"]\ndocx_reference = "house.dotx"\n')
    _house_template(root / "house.dotx")
    with pytest.raises(ValueError, match="is not a Word file"):  # what python-docx itself says of it
        docx.Document(root / "house.dotx")
    ran = run_cli(["build"], cwd=root)
    assert ran.exit_code == 0, ran.output
    path = root / "site" / "alpha.docx"
    document = docx.Document(path)
    assert document.styles["Heading 1"].font.name == "House Serif"
    assert "TEMPLATE-TEXT" not in _package_text(path) and "Template Author" not in _package_text(path)
    assert document.core_properties.author == "Test Drafter"
    assert document.core_properties.last_printed is None
    section = document.sections[0]
    assert section.different_first_page_header_footer  # the house page setup stays; its text does not
    for part in (section.first_page_header, section.header, section.first_page_footer, section.footer):
        assert _text(part.paragraphs[0].text) == "OFFICIAL"
    with zipfile.ZipFile(path) as package:
        assert b"wordprocessingml.document.main+xml" in package.read("[Content_Types].xml")
    # The reference is an input of the key: another reference rebuilds the brief.
    again = run_cli(["build"], cwd=root)
    assert "unchanged alpha" in again.stdout
    document = docx.Document()
    document.save(root / "house.dotx")
    changed = run_cli(["build"], cwd=root)
    assert changed.exit_code == 0 and "built alpha" in changed.stdout, changed.output


@pytest.mark.parametrize("content, message", [
    (b"This is not a Word file.", "not a zip file"),
    ("xlsx", "no word/document.xml"),
])
def test_a_reference_that_is_not_a_word_file_is_refused_before_anything_is_written(
        tmp_path: Path, content: bytes | str, message: str) -> None:
    root = _project(tmp_path, 'formats = ["html", "docx"]\ndocx_reference = "house.docx"\n')
    if content == "xlsx":
        with zipfile.ZipFile(root / "house.docx", "w") as package:
            package.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/'
                                                    '2006/content-types"/>')
            package.writestr("xl/workbook.xml", "<workbook/>")
    else:
        (root / "house.docx").write_bytes(content)
    ran = run_cli(["build"], cwd=root)
    assert ran.exit_code == 2, ran.output
    assert "`docx_reference` (house.docx) cannot be used" in ran.output and message in ran.output
    assert "Traceback" not in ran.output
    assert not (root / "site").exists()


def test_an_unreadable_reference_exits_4(tmp_path: Path) -> None:
    root = _project(tmp_path, 'formats = ["docx"]\ndocx_reference = "house.docx"\n')
    (root / "house.docx").mkdir()  # a folder where the file should be
    ran = run_cli(["build"], cwd=root)
    assert ran.exit_code == 4, ran.output
    assert "cannot read house.docx" in ran.output
    assert not (root / "site").exists()


# --- heavy imports -------------------------------------------------------------------------------

_PROBE = """
import sys
from briefgen.commands.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
import briefgen
print("briefgen from", briefgen.__file__, file=sys.stderr)
print("docx imported" if "docx" in sys.modules else "docx not imported", file=sys.stderr)
"""


def _probe(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """briefgen ARGS in a fresh interpreter, this checkout's package first on the path (wherever `cwd` is)."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, text=True,
                          env=script_env(PYTHONPATH=str(ROOT / "src")), timeout=300)
    assert f"briefgen from {ROOT / 'src' / 'briefgen' / '__init__.py'}" in done.stderr, done.stderr
    return done


@pytest.mark.parametrize("args", [["--version"], ["check", str(EXAMPLES[0])]])
def test_check_and_version_do_not_import_python_docx(args: list[str]) -> None:
    done = _probe(args)
    assert done.stderr.splitlines()[-1] == "docx not imported", done.stderr


def test_a_noop_rebuild_of_word_documents_does_not_import_python_docx(tmp_path: Path) -> None:
    root = _project(tmp_path, 'formats = ["docx"]\n')
    shutil.copy(EXAMPLES[0], root / "briefs")
    assert run_cli(["build"], cwd=root).exit_code == 0
    done = _probe(["build"], cwd=root)
    assert done.stderr.splitlines()[-1] == "docx not imported", done.stderr
    assert "unchanged g20-2025" in done.stdout


def test_a_reference_without_the_built_in_styles_still_gets_headings(tmp_path: Path) -> None:
    """A house document may lack Heading 2 or the list styles: headings are added, lists fall back to Normal."""
    root = _project(tmp_path, 'formats = ["docx"]\ndocx_reference = "bare.docx"\n')
    document = docx.Document()
    for name in ("Heading 1", "Heading 2", "List Bullet", "Table Grid"):
        document.styles[name].delete()
    document.save(root / "bare.docx")
    ran = run_cli(["build"], cwd=root)
    assert ran.exit_code == 0, ran.output
    built = docx.Document(root / "site" / "alpha.docx")
    headings = [p for p in built.paragraphs if p.style.name == "Heading 2"]
    assert [p.text for p in headings][:2] == ["Summary", "Outcomes"]
    level = built.styles["Heading 2"].element.pPr.find(qn("w:outlineLvl"))
    assert level is not None and level.get(qn("w:val")) == "1"  # Word's navigation pane sees level 2


def test_a_public_release_holds_no_portion_the_sheet_does_not_clear(tmp_path: Path) -> None:
    sheet = compact_sheet("open", classification={"level": "OFFICIAL", "scheme": "uk", "cleared_for_public": True},
                          outcomes=["Public outcome.",
                                    {"text": "Internal outcome CANARY-P1.", "classification": "OFFICIAL",
                                     "cleared_for_public": False}])
    write_sheet(tmp_path / "briefs", sheet)
    full = run_cli(["build", "briefs", "-o", "full", "--format", "docx"], cwd=tmp_path)
    assert full.exit_code == 0, full.output
    assert "CANARY-P1" in _package_text(tmp_path / "full" / "open.docx")
    ran = run_cli(["build", "briefs", "-o", "public", "--public", "--format", "docx"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    text = _package_text(tmp_path / "public" / "open.docx")
    assert "Public outcome." in text and "CANARY-P1" not in text


def test_the_job_key_holds_the_docx_choice_and_the_references_bytes() -> None:
    from briefgen.keys import job_key
    from briefgen.records import Options, ReferenceDocument

    def key(**options: object) -> str:
        return job_key("id: alpha\n", "briefs/alpha.yaml", Options(**options), "environment")  # type: ignore[arg-type]

    plain = key()
    word = key(docx=True)
    house = key(docx=True, docx_reference=ReferenceDocument("house.dotx", b"one"))
    assert len({plain, word, house, key(docx=True, docx_reference=ReferenceDocument("house.dotx", b"two"))}) == 4
    # The name is not an input, only the bytes; and without docx the reference is not read into the key.
    assert house == key(docx=True, docx_reference=ReferenceDocument("elsewhere/house.dotx", b"one"))
    assert plain == key(docx_reference=ReferenceDocument("house.dotx", b"one"))
