"""PDF variants (`--pdf-variant`, briefgen.toml `pdf`): what each declares, read back from the PDF itself.

No validator runs here (veraPDF is in no registry this project reaches), so these tests check
what can be read: the XMP conformance identifiers (pdfaid:part 2 and conformance B for
PDF/A-2b, as ISO 19005-2 names them; pdfuaid:part 1 for PDF/UA-1, ISO 14289-1), the output
intent with its ICC profile that PDF/A requires, DisplayDocTitle and /Lang, the structure tree,
embedded fonts, no encryption, and the same bytes from two builds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from build_helpers import EXAMPLE, run_cli, run_script


def _build(out: Path, *args: str) -> pypdf.PdfReader:
    ran = run_script(["build", EXAMPLE, "-o", out, *args], timeout=300)
    assert ran.exit_code == 0, ran.stdout + ran.stderr
    return pypdf.PdfReader(next(out.glob("*.pdf")))


def _xmp(reader: pypdf.PdfReader) -> str:
    return str(reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8"))


def _fonts(reader: pypdf.PdfReader) -> list[pypdf.generic.DictionaryObject]:
    found = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                found.append(descendant.get_object())
    return found


@pytest.fixture(scope="module")
def archival(tmp_path_factory: pytest.TempPathFactory) -> pypdf.PdfReader:
    return _build(tmp_path_factory.mktemp("pdfa"), "--pdf-variant", "pdf/a-2b")


@pytest.fixture(scope="module")
def accessible(tmp_path_factory: pytest.TempPathFactory) -> pypdf.PdfReader:
    return _build(tmp_path_factory.mktemp("pdfua"), "--pdf-variant", "pdf/ua-1", "--locale", "ja")


def test_pdf_a_2b_declares_itself_and_carries_an_output_intent(archival: pypdf.PdfReader) -> None:
    xmp = _xmp(archival)
    assert re.search(r'pdfaid:part(="2"|>2<)', xmp) and re.search(r'pdfaid:conformance(="B"|>B<)', xmp)
    root = archival.trailer["/Root"]
    (intent,) = [i.get_object() for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object().get_data()
    assert profile[36:40] == b"acsp", "the output intent's profile is an ICC profile"
    assert "/Encrypt" not in archival.trailer


def test_pdf_ua_1_declares_itself_and_the_notes_language(accessible: pypdf.PdfReader) -> None:
    assert re.search(r'pdfuaid:part(="1"|>1<)', _xmp(accessible))
    root = accessible.trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert root["/Lang"] == "ja"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root


@pytest.mark.parametrize("variant", ["archival", "accessible"])
def test_every_font_is_embedded(variant: str, request: pytest.FixtureRequest) -> None:
    reader: pypdf.PdfReader = request.getfixturevalue(variant)
    fonts = _fonts(reader)
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")


def test_a_plain_build_declares_no_conformance(tmp_path: Path) -> None:
    ran = run_cli(["build", EXAMPLE, "-o", tmp_path])
    assert ran.exit_code == 0, ran.output
    reader = pypdf.PdfReader(tmp_path / "g20-2025.pdf")
    metadata = reader.trailer["/Root"].get("/Metadata")
    assert metadata is None or "pdfaid" not in metadata.get_object().get_data().decode("utf-8")
    # A variant is part of the job's key: asking for one renders again.
    again = run_cli(["build", EXAMPLE, "-o", tmp_path, "--pdf-variant", "pdf/a-2b"])
    assert "unchanged g20-2025" not in again.output and "built g20-2025" in again.output


def test_a_variant_prints_the_same_bytes_twice(tmp_path: Path) -> None:
    _build(tmp_path / "one", "--pdf-variant", "pdf/a-2b")
    _build(tmp_path / "two", "--pdf-variant", "pdf/a-2b")
    assert (tmp_path / "one" / "g20-2025.pdf").read_bytes() == (tmp_path / "two" / "g20-2025.pdf").read_bytes()


def test_a_variant_briefgen_does_not_print_is_a_usage_error(tmp_path: Path) -> None:
    ran = run_cli(["build", EXAMPLE, "-o", tmp_path, "--pdf-variant", "PDF/A-2b"])
    assert ran.exit_code == 2
    assert "write 'pdf/a-2b': variants are written in lower case" in ran.output
    ran = run_cli(["build", EXAMPLE, "-o", tmp_path, "--pdf-variant", "pdf/a-3u"])
    assert ran.exit_code == 2 and "'pdf/a-3u' is not a PDF variant briefgen prints" in ran.output
    assert "pdf/a-2b+ua-1" in ran.output, "the choices are listed"
    assert not list(tmp_path.glob("*.pdf"))
    (tmp_path / "briefgen.toml").write_text('pdf = "pdf/x-4"\n', encoding="utf-8")
    ran = run_cli(["build", EXAMPLE, "-o", tmp_path / "out"], cwd=tmp_path)
    assert ran.exit_code == 2 and "briefgen.toml:1" in ran.output and "'pdf/x-4' is not a PDF variant" in ran.output
    assert not (tmp_path / "out").exists()


def test_archival_and_accessible_at_once(tmp_path: Path) -> None:
    """WeasyPrint 70 writes one identification per file; briefgen prints PDF/A-2b and adds PDF/UA-1's,
    with the extension schema PDF/A-2 requires for a property outside its predefined schemas
    (ISO 19005-2 §6.6.2.3; pdfuaid as itext-java's PdfAXMPUtil.PDF_UA_EXTENSION describes it)."""
    (tmp_path / "briefgen.toml").write_text('pdf = "pdf/a-2b+ua-1"\n', encoding="utf-8")
    ran = run_cli(["build", EXAMPLE, "-o", tmp_path / "out"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    reader = pypdf.PdfReader(tmp_path / "out" / "g20-2025.pdf")
    xmp = _xmp(reader)
    assert re.search(r'pdfaid:part(="2"|>2<)', xmp) and re.search(r'pdfuaid:part(="1"|>1<)', xmp)
    assert "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>" in xmp
    assert "<pdfaProperty:name>part</pdfaProperty:name>" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_a_release_is_printed_as_pdf_a_2b_unless_told_otherwise(tmp_path: Path) -> None:
    """What a ministry sends, it archives: a build for an audience prints PDF/A-2b by default;
    `--pdf-variant none` (or `pdf = "none"`) keeps the plain tagged PDF."""
    released = _build(tmp_path / "public", "--public")
    assert re.search(r'pdfaid:part(="2"|>2<)', _xmp(released))
    assert "/OutputIntents" in released.trailer["/Root"]
    plain = _build(tmp_path / "plain", "--public", "--pdf-variant", "none")
    metadata = plain.trailer["/Root"].get("/Metadata")
    assert metadata is None or "pdfaid" not in metadata.get_object().get_data().decode("utf-8")
    (tmp_path / "briefgen.toml").write_text('pdf = "none"\n', encoding="utf-8")
    ran = run_cli(["build", EXAMPLE, "-o", tmp_path / "toml", "--public"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    metadata = pypdf.PdfReader(tmp_path / "toml" / "g20-2025.pdf").trailer["/Root"].get("/Metadata")
    assert metadata is None or "pdfaid" not in metadata.get_object().get_data().decode("utf-8")
