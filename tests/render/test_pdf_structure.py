"""Every example as PDF/A-2b, PDF/UA-1 and both, read back: the checks an outsider would make without veraPDF.

veraPDF (the PDF Association's validator) is in none of the registries this project reaches, so
what can be checked here is checked by three independent readers: qpdf (through pikepdf) for the
file's syntax, pypdf for the structure tree and the marked content (tests/pdf_structure.py),
poppler's `pdftotext` for the text as a reader copies and searches it, and the `pdfua` package
for the machine-checkable rules of PDF/UA-1 it implements (docs/outputs.md lists which).

Sources for what is checked:
- PDF/A-2b: ISO 19005-2:2011 — XMP identification §6.6.4 (pdfaid:part 2, pdfaid:conformance B),
  an output intent with an ICC profile §6.2.3, embedded fonts §6.2.11.4, no encryption §6.1.3,
  a file identifier (/ID) in the trailer §6.1.3. Summary: https://pdfa.org/resource/pdfa-in-a-nutshell/
- PDF/UA-1: ISO 14289-1:2014 — identification §5 (pdfuaid:part 1), content tagged or an artifact
  §7.1, DisplayDocTitle §7.1, natural language §7.2, headings §7.4, table headers §7.5, figures'
  alternative text §7.3. The Matterhorn Protocol (PDF Association) numbers the failure conditions:
  https://pdfa.org/resource/the-matterhorn-protocol/
- Artifacts and pagination artifacts: ISO 32000-1:2008 §14.8.2.2; /Lang on structure elements
  §14.9.2; /ActualText §14.9.4; /Scope of a TH §14.8.5.7, table 349.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pypdf
import pytest

from build_helpers import ROOT, run_script
from pdf_structure import marked, structure, unlinked_mcids

EXAMPLES = sorted([ROOT / "briefs" / "g20-2025.yaml", *(ROOT / "briefs" / "examples").glob("*.yaml")])
VARIANTS = ("pdf/a-2b", "pdf/ua-1", "pdf/a-2b+ua-1")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each variant's folder, holding the PDF of every example."""
    folders = {}
    for variant in VARIANTS:
        out = tmp_path_factory.mktemp(variant.replace("/", "-").replace("+", "-"))
        ran = run_script(["build", ROOT / "briefs", "-o", out, "--no-html", "--pdf-variant", variant, "-j", "2"],
                         timeout=600)
        assert ran.exit_code == 0, ran.stdout + ran.stderr
        folders[variant] = out
    return folders


def _pdf(built: dict[str, Path], variant: str, example: Path) -> Path:
    return built[variant] / f"{example.stem}.pdf"


CASES = [pytest.param(variant, example, id=f"{variant}-{example.stem}") for variant in VARIANTS for example in EXAMPLES]


@pytest.mark.parametrize(("variant", "example"), CASES)
def test_the_file_is_well_formed_and_declares_its_variant(built: dict[str, Path], variant: str, example: Path) -> None:
    with pikepdf.open(_pdf(built, variant, example)) as pdf:
        assert pdf.check_pdf_syntax() == [], "qpdf finds no syntax error"
        assert not pdf.is_encrypted
        assert len(pdf.trailer.ID) == 2, "a file identifier, which PDF/A asks for"
        root = pdf.Root
        assert root.PageMode == "/UseOutlines", "opens with the bookmarks shown"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert root.MarkInfo.Marked is True
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"], "the title, in the XMP"
            assert xmp["dc:language"] == {str(root.Lang)}
            assert xmp["pdf:Keywords"] and xmp["dc:description"]
            if variant.startswith("pdf/a-2b"):
                assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B")
            if variant.endswith("ua-1"):
                assert xmp["pdfuaid:part"] == "1"
        if variant.startswith("pdf/a-2b"):
            (intent,) = root.OutputIntents
            assert intent.S == "/GTS_PDFA1"
            assert intent.DestOutputProfile.read_bytes()[36:40] == b"acsp", "an ICC profile"
        for page in pdf.pages:
            for name, font in page.Resources.get("/Font", {}).items():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.FontDescriptor
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
            # PDF/A-2 allows transparency, but briefgen's pages use none: a group appearing is a change to look at.
            assert "/Group" not in page.obj
        assert "/Names" not in root or "/EmbeddedFiles" not in root.Names
        assert "/AA" not in root and "/OpenAction" not in root, "no actions or scripts"


@pytest.mark.parametrize(("variant", "example"), CASES)
def test_margins_are_artifacts_and_everything_else_is_in_the_tree(built: dict[str, Path], variant: str,
                                                                  example: Path) -> None:
    """Banners and page numbers live in the page margins: WeasyPrint leaves their text marked but unlinked
    (Kozea/WeasyPrint#1836), briefgen makes them pagination artifacts; every other text is in the tree."""
    reader = pypdf.PdfReader(_pdf(built, variant, example))
    assert unlinked_mcids(reader) == []
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        drawn = marked(page)
        artifacts = " ".join(drawn.artifacts)
        assert not [t for t in drawn.untagged if t.strip()], "no text is neither tagged nor an artifact"
        assert re.search(rf"{number}\s+\S+\s+{total}", " ".join(artifacts.split())), artifacts
        tagged = " ".join(drawn.by_mcid.values())
        assert not re.search(rf"Page\s{number}\sof\s{total}", tagged), "the page number is not read as text"


def _headings(elements: list) -> list:
    return [e for e in elements if re.fullmatch(r"/H[1-6]", e.kind)]


@pytest.mark.parametrize(("variant", "example"), CASES)
def test_the_tree_reads_in_the_order_pdftotext_gives(built: dict[str, Path], variant: str, example: Path) -> None:
    path = _pdf(built, variant, example)
    elements = structure(pypdf.PdfReader(path))
    headings = _headings(elements)
    assert headings and headings[0].kind == "/H1", "the title is the first heading"
    levels = [int(h.kind[2]) for h in headings]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"headings nest without skipping a level: {levels}"
    assert all(h.text.strip() for h in headings)
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    at = 0
    for element in elements:
        if element.kind not in ("/H1", "/H2", "/H3", "/P", "/TH"):
            continue
        # A paragraph's number hangs in the margin and a portion mark is set smaller, on its own baseline:
        # pdftotext's layout may place either after the line, so the comparison starts after them.
        words = " ".join(element.text.split())
        words = re.sub(r"^(\(?[0-9]+(\.[0-9]+)*[.)]?\s+)?(\([A-Z][A-Z0-9/ ,-]*\)\s+)?", "", words)[:40].strip()
        if len(words) < 4:
            continue
        found = text.find(words, at)
        assert found >= 0, f"{element.kind} {words!r} is read by pdftotext after what follows it in the tree"
        at = found
    for header in (e for e in elements if e.kind == "/TH"):
        expected = "/Column" if header.parent_kind == "/TR" and _in_head(elements, header) else "/Row"
        assert str(header.attributes.get("/Scope")) == expected, header.text
    for figure in (e for e in elements if e.kind == "/Figure"):
        assert figure.alt, "every figure has alternative text"


def _in_head(elements: list, header: object) -> bool:
    index = elements.index(header)
    for element in reversed(elements[:index]):
        if element.kind in ("/THead", "/TBody", "/TFoot"):
            return element.kind == "/THead"
    return False


@pytest.mark.parametrize("variant", VARIANTS)
def test_names_in_other_scripts_carry_their_language_and_copy_as_written(built: dict[str, Path], variant: str) -> None:
    path = built[variant] / "g20-2025.pdf"
    elements = structure(pypdf.PdfReader(path))
    languages = {(e.lang, " ".join(e.text.split())) for e in elements if e.lang}
    assert ("hi", "नरेन्द्र मोदी") in languages and ("ja", "高市早苗") in languages, languages
    # HarfBuzz's Devanagari glyphs make pdftotext's layout split the word ("नरे न्द्र"); the ActualText
    # briefgen adds to each shaped run gives it back as written, so a search for the name finds it.
    for mode in ([], ["-raw"]):
        text = subprocess.run(["pdftotext", *mode, str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "नरेन्द्र मोदी" in text, mode


def test_a_note_in_hindi_copies_as_written(tmp_path: Path) -> None:
    ran = run_script(["build", ROOT / "briefs" / "g20-2025.yaml", "-o", tmp_path, "--no-html", "--locale", "hi",
                      "--pdf-variant", "pdf/ua-1"], timeout=300)
    assert ran.exit_code == 0, ran.stdout + ran.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "g20-2025.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "नरेन्द्र मोदी" in text
    with pikepdf.open(tmp_path / "g20-2025.pdf") as pdf, pdf.open_metadata() as xmp:
        assert str(pdf.Root.Lang) == "hi" and xmp["dc:language"] == {"hi"}


@pytest.mark.parametrize(("variant", "example"), CASES)
def test_the_pdfua_checker_finds_nothing(built: dict[str, Path], variant: str, example: Path) -> None:
    from pdfua import validate

    report = validate(str(_pdf(built, variant, example)))
    findings = [(f.rule_id, f.message) for f in report.findings]
    if variant == "pdf/a-2b":
        # A PDF/A-2b file does not claim PDF/UA (WeasyPrint 70 writes one identification per file).
        findings = [f for f in findings if f[0] != "UA-28-004"]
    assert findings == []
