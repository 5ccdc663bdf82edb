"""The PDF a build prints, read back with pypdf: banners, page numbers, text, metadata,
bookmarks, tagging, page size, the DRAFT watermark, page limits and fonts for names."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefgen import fonts
from briefgen.pipeline import Options, plan, publish, run
from briefgen.theme import Theme
from build_helpers import (
    EXAMPLE,
    compact_sheet,
    json_diagnostics,
    outline_titles,
    page_fonts,
    page_texts,
    pdf_reader,
    placed_text,
    run_cli,
    squash,
    write_sheet,
)

A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory):
    """The example brief built once (HTML and PDF); tests only read the result."""
    out = tmp_path_factory.mktemp("example-site")
    planned = plan([EXAMPLE], Options(theme=Theme.default()))
    outcomes = [run(job) for job in planned.jobs]
    # Not strict: without the fonts for the names it warns (missing-glyphs), and the
    # font test below skips or fails with the reason.
    reports = planned.final_reports(outcomes)
    assert not any(r.errors for r in reports), reports
    assert [w[0] for w in publish(planned, outcomes, out).written] == ["g20-2025"]
    reader = pdf_reader(out / "g20-2025.pdf")
    return reader


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory):
    """A draft of two pages or more."""
    folder = tmp_path_factory.mktemp("draft")
    long_outcomes = [f"Outcome {i}: " + "the parties discussed the matter at some length. " * 8 for i in range(12)]
    sheet = write_sheet(folder / "sheets", compact_sheet("drafty", document__status="draft", outcomes=long_outcomes))
    planned = plan([sheet], Options(theme=Theme.default(), strict=True))
    outcomes = [run(job) for job in planned.jobs]
    assert not any(r.failed(strict=True) for r in planned.final_reports(outcomes)), planned.reports
    publish(planned, outcomes, folder / "site")
    reader = pdf_reader(folder / "site" / "drafty.pdf")
    assert len(reader.pages) >= 2, "the draft should run over several pages for this test to mean anything"
    return reader


# --- banners and page numbers --------------------------------------------------------


def test_the_example_has_several_pages(example) -> None:
    assert len(example.pages) >= 2


def test_the_banner_is_at_the_top_and_bottom_of_every_page(example) -> None:
    for number, page in enumerate(example.pages, start=1):
        text = page.extract_text()
        assert text.count("OFFICIAL") >= 2, f"page {number}: {text!r}"
        height = float(page.mediabox.height)
        banners = [(x, y) for run, x, y in placed_text(page) if run == "OFFICIAL"]
        assert any(y > height - 80 for _, y in banners), f"page {number}: no banner at the top: {banners}"
        assert any(y < 80 for _, y in banners), f"page {number}: no banner at the bottom: {banners}"


def test_every_page_says_page_n_of_m(example) -> None:
    total = len(example.pages)
    for number, text in enumerate(page_texts(example), start=1):
        assert re.findall(r"Page (\d+) of (\d+)", text) == [(str(number), str(total))], text


def test_the_footer_carries_reference_and_version(example) -> None:
    for text in page_texts(example):
        assert "G20-2025/JP-IN/01 · version 1.0" in squash(text)


# --- text ----------------------------------------------------------------------------


def test_participants_amount_and_source_are_in_the_text(example) -> None:
    text = squash(" ".join(page_texts(example)))
    assert "Sanae Takaichi" in text
    assert "Narendra Modi" in text
    assert "¥10 trillion (≈ ₹6 trillion) over the next decade" in text
    # Straight quotes in the sheet are printed as typographic ones.
    assert squash("Report on the Japan–India bilateral meeting at the G20 Summit (“Based On ANI Report”)") in text
    assert "Renesas Electronics, Tokyo Electron" in text


# --- metadata, catalog, bookmarks, page size ---------------------------------------------


def test_document_information(example) -> None:
    meta = example.metadata
    # File managers and PDF viewers show the title: it carries the classification.
    assert meta["/Title"] == "OFFICIAL — Japan–India bilateral meeting at the G20 Leaders’ Summit"
    assert meta["/Author"] == "briefgen example"
    assert meta["/Subject"] == "G20 Leaders’ Summit"
    keywords = [k.strip() for k in meta["/Keywords"].split(",")]
    for word in ("Meeting readout", "Japan", "India", "Free and Open Indo-Pacific"):
        assert word in keywords, keywords
    assert meta["/CreationDate"].startswith("D:20251124"), meta["/CreationDate"]
    assert meta.get("/ModDate", "D:20251124").startswith("D:20251124")


def test_catalog_language_and_tags(example) -> None:
    catalog = example.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in catalog
    # The structure tree is not an empty shell: it has children.
    assert catalog["/StructTreeRoot"].get_object().get("/K") is not None


def test_bookmarks_are_the_section_headings(example) -> None:
    # A readout puts the decisions first; background and who was there come after.
    assert outline_titles(example) == [
        "Summary", "Outcomes", "Commitments", "Frameworks",
        "Context", "Wider partnership", "Participants", "Sources",
    ]


def test_pages_are_a4(example) -> None:
    for page in example.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) <= 1 and abs(float(box.height) - A4[1]) <= 1, box


# --- draft watermark -----------------------------------------------------------------


def test_a_draft_has_the_watermark_on_every_page(draft) -> None:
    for number, text in enumerate(page_texts(draft), start=1):
        assert re.search(r"\bDRAFT\b", text), f"page {number}: {text!r}"


def test_a_final_brief_has_no_watermark(example) -> None:
    for text in page_texts(example):
        assert not re.search(r"\bDRAFT\b", text)  # "DRAFTED BY" in the header is fine


# --- page limit ----------------------------------------------------------------------


def _over_limit(folder: Path) -> Path:
    points = [f"Point {i}: " + "a long sentence about the talks that goes on and on. " * 6 for i in range(25)]
    return write_sheet(folder, compact_sheet("long", document__page_limit=1, outcomes=points))


def test_page_limit_exceeded_warns_with_the_page_count(tmp_path: Path) -> None:
    sheet = _over_limit(tmp_path / "sheets")
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--output-format", "json"])
    assert ran.exit_code == 0, ran.output
    pages = len(pdf_reader(tmp_path / "site" / "long.pdf").pages)
    assert pages > 1
    found = [d for d in json_diagnostics(ran) if d["code"] == "page-limit"]
    assert len(found) == 1, ran.output
    assert found[0]["severity"] == "warning"
    assert f"{pages} pages" in found[0]["message"] and "limit of 1" in found[0]["message"]
    # It points at the page_limit line of the sheet.
    line = next(n for n, text in enumerate(sheet.read_text().splitlines(), 1) if '"page_limit"' in text)
    assert found[0]["line"] == line


def test_page_limit_under_strict_fails_and_writes_nothing_for_that_sheet(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    _over_limit(sheets)
    write_sheet(sheets, compact_sheet("short", document__page_limit=3))
    ran = run_cli(["build", sheets, "-o", tmp_path / "site", "--strict"])
    assert ran.exit_code == 1, ran.output
    assert "warning[page-limit]" in ran.stdout
    assert not (tmp_path / "site" / "long.pdf").exists()
    assert not (tmp_path / "site" / "long.html").exists()
    assert (tmp_path / "site" / "short.pdf").exists()
    manifest = json.loads((tmp_path / "site" / "manifest.json").read_text())
    assert [b["id"] for b in manifest["briefs"]] == ["short"]


# --- fonts for non-Latin names -----------------------------------------------------------


def _unavailable(reason: str) -> None:
    """Skip on a developer machine without the fonts; fail in CI, where they must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def test_the_example_embeds_fonts_for_japanese_and_devanagari(example) -> None:
    missing = fonts.uncovered("高市早苗नरेन्द्र मोदी")
    if missing:
        _unavailable("no installed font covers " + "".join(sorted(missing))
                     + ": apt-get install fonts-ipafont-mincho fonts-noto-core")
    # The participants come near the end of a readout (decisions first): find their page.
    (page,) = [p for p in example.pages if "Narendra" in (p.extract_text() or "")]
    used = page_fonts(page)
    assert any("IPA" in name or "CJK" in name for name in used), used
    assert any("Devanagari" in name for name in used), used
    assert "高市早苗" in page.extract_text()


CANDIDATES = [chr(c) for c in (0x1FAE8, 0x1FAE9, 0x16FE4, 0x1E4D0, 0x11F00, 0x10D40)]


def _fc_list() -> str:
    found = shutil.which("fc-list")
    if found is None:
        _unavailable("fc-list (fontconfig) is not installed, so glyph coverage cannot be checked")
    return found  # type: ignore[return-value]


def _fontconfig_covers(char: str) -> bool:
    done = subprocess.run([_fc_list(), "--format", "%{family}\n", f":charset={ord(char):x}"],
                          capture_output=True, text=True, check=True)
    return bool(done.stdout.strip())


def test_uncovered_agrees_with_fontconfig() -> None:
    # Some candidates are newer than Python's Unicode database; no font here covers them
    # either, and they would print as boxes just the same.
    for char in CANDIDATES:
        expected = set() if _fontconfig_covers(char) else {char}
        assert fonts.uncovered(char) == expected, f"U+{ord(char):04X}"


@pytest.fixture
def uncovered_char() -> str:
    _fc_list()
    missing = [c for c in CANDIDATES if c in fonts.uncovered(CANDIDATES)]
    assert missing, "every candidate is covered by an installed font: add a candidate"
    return missing[0]


def _glyph_sheet(folder: Path, char: str) -> Path:
    participants = compact_sheet()["participants"]
    participants[1]["native_name"] = f"Ben {char}"
    return write_sheet(folder, compact_sheet("glyphs", participants=participants))


def test_missing_glyphs_warn_with_field_character_and_package(tmp_path: Path, uncovered_char: str) -> None:
    sheet = _glyph_sheet(tmp_path / "sheets", uncovered_char)
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--output-format", "json"])
    assert ran.exit_code == 0, ran.output
    found = [d for d in json_diagnostics(ran) if d["code"] == "missing-glyphs"]
    assert len(found) == 1, ran.output
    warning = found[0]
    assert warning["severity"] == "warning"
    assert "participants[1].native_name" in warning["message"]
    assert f"U+{ord(uncovered_char):04X}" in warning["message"]
    assert re.search(r"apt-get install fonts-[a-z-]+", warning["hint"]), warning["hint"]
    line = next(n for n, text in enumerate(sheet.read_text().splitlines(), 1) if '"native_name"' in text)
    assert warning["line"] == line
    assert (tmp_path / "site" / "glyphs.pdf").exists()


def test_missing_glyphs_fail_under_strict(tmp_path: Path, uncovered_char: str) -> None:
    sheet = _glyph_sheet(tmp_path / "sheets", uncovered_char)
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--strict", "--no-pdf"])
    assert ran.exit_code == 1, ran.output
    assert "warning[missing-glyphs]" in ran.stdout
    assert not (tmp_path / "site" / "glyphs.html").exists()


def test_covered_names_do_not_warn(tmp_path: Path) -> None:
    participants = compact_sheet()["participants"]
    participants[1]["native_name"] = "Bén Éxample"
    sheet = write_sheet(tmp_path, compact_sheet("latin", participants=participants))
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--strict", "--no-pdf"])
    assert ran.exit_code == 0, ran.output
    assert "missing-glyphs" not in ran.output
