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

from briefgen.pipeline import plan, publish, run
from briefgen.records import Options
from briefgen.render import fonts
from briefgen.theme import Theme
from build_helpers import (
    EXAMPLE,
    cited,
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
        # No-break spaces: "Page 2 of 3" never splits across lines.
        assert re.findall(r"Page\xa0(\d+)\xa0of\xa0(\d+)", text) == [(str(number), str(total))], text


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
    assert squash("presidency theme “Solidarity, Equality and Sustainability”") in text
    assert "ANI report. ANI, 24 November 2025." in text
    assert "Renesas Electronics and Tokyo Electron" in text


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
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in catalog
    # The structure tree is not an empty shell: it has children.
    assert catalog["/StructTreeRoot"].get_object().get("/K") is not None


def test_bookmarks_are_the_section_headings(example) -> None:
    # A readout puts the decisions first; background and who was there come after.
    assert outline_titles(example) == [
        "Summary", "Outcomes", "Commitments", "Frameworks", "India’s readout",
        "Context", "Background: the 15th Annual Summit", "Wider partnership", "Participants", "Sources",
    ]


def test_pages_are_a4(example) -> None:
    for page in example.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) <= 1 and abs(float(box.height) - A4[1]) <= 1, box


# --- draft watermark -----------------------------------------------------------------


@pytest.fixture(scope="module")
def draft_and_final(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same sheet of two pages or more printed as a draft and as final: status is the only difference."""
    folder = tmp_path_factory.mktemp("draft-and-final")
    long_outcomes = cited(*(f"Outcome {i}: " + "the parties discussed the matter at some length. " * 8
                            for i in range(12)))
    for status in ("draft", "final"):
        sheet = write_sheet(folder / status, compact_sheet("twin", document__status=status, outcomes=long_outcomes))
        planned = plan([sheet], Options(theme=Theme.default(), strict=True))
        outcomes = [run(job) for job in planned.jobs]
        assert not any(r.failed(strict=True) for r in planned.final_reports(outcomes)), planned.reports
        publish(planned, outcomes, folder / status / "site")
    return {status: folder / status / "site" / "twin.pdf" for status in ("draft", "final")}


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        _unavailable(f"{tool} (poppler-utils) is not installed")
    assert found is not None
    return found


def test_the_watermark_is_not_in_the_text_layer(draft_and_final: dict[str, Path]) -> None:
    # pdftotext reads what a screen reader or a copy-paste would: the draft's text is
    # the final's, apart from the status word. No "D R A F T" between the points.
    texts = {status: subprocess.run([_poppler("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                                    text=True, check=True).stdout
             for status, path in draft_and_final.items()}
    assert texts["draft"] != texts["final"]
    assert re.sub(r"\bDraft\b", "Final", texts["draft"]) == texts["final"]
    assert not re.search(r"\bD\s*R\s*A\s*F\s*T\b", texts["draft"])


def test_a_draft_has_the_watermark_drawn_on_every_page(draft_and_final: dict[str, Path], tmp_path: Path) -> None:
    # Drawn, so compare pictures: every page of the draft differs from the final's over
    # a broad band of pixels (the status word alone changes a few on page 1 only).
    import PIL.Image
    import PIL.ImageChops

    pages = len(pdf_reader(draft_and_final["draft"]).pages)
    assert pages >= 2 and pages == len(pdf_reader(draft_and_final["final"]).pages)
    for status, path in draft_and_final.items():
        subprocess.run([_poppler("pdftoppm"), "-png", "-gray", "-r", "30", str(path), str(tmp_path / status)],
                       check=True)
    for number in range(1, pages + 1):
        name = f"-{number:0{len(str(pages))}d}.png"
        draft = PIL.Image.open(tmp_path / f"draft{name}")
        final = PIL.Image.open(tmp_path / f"final{name}")
        box = PIL.ImageChops.difference(draft, final).point(lambda v: 255 if v > 3 else 0).getbbox()
        assert box is not None, f"page {number}: no watermark"
        width, height = draft.size
        assert box[2] - box[0] > width / 3 and box[3] - box[1] > height / 3, f"page {number}: {box} of {draft.size}"


def test_a_final_brief_has_no_watermark(example) -> None:
    for text in page_texts(example):
        assert not re.search(r"\bDRAFT\b", text)  # "DRAFTED BY" in the header is fine


# --- the classification in the tagged text ------------------------------------------------


def _tagged_text(reader, number: int) -> tuple[str, str]:
    """(text in the structure tree, text outside it) of page `number` (from 0), in reading order."""
    structured = _structure_mcids(reader)
    page = reader.pages[number]
    ref = page.indirect_reference.idnum
    stack: list[int | None] = []
    inside: list[str] = []
    outside: list[str] = []

    def before(op: bytes, args: list, cm: object, tm: object) -> None:
        if op in (b"BDC", b"BMC"):
            props = args[1].get_object() if len(args) > 1 else None
            stack.append(int(props["/MCID"]) if hasattr(props, "get") and "/MCID" in props else None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(run: str, *_: object) -> None:
        mcid = next((m for m in reversed(stack) if m is not None), None)
        (inside if (ref, mcid) in structured else outside).append(run)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return squash("".join(inside)), squash("".join(outside))


def _structure_mcids(reader) -> set[tuple[int, int]]:
    """(page object number, MCID) of every piece of marked content the structure tree holds."""
    from pypdf.generic import ArrayObject, DictionaryObject

    found: set[tuple[int, int]] = set()

    def walk(node, page: int | None) -> None:
        node = node.get_object()
        if isinstance(node, int):
            assert page is not None
            found.add((page, int(node)))
        elif isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, page)
        elif isinstance(node, DictionaryObject):
            here = node.raw_get("/Pg").idnum if "/Pg" in node else page
            if node.get("/Type") == "/MCR":
                found.add((here, int(node["/MCID"])))
            elif "/K" in node:
                walk(node["/K"], here)

    walk(reader.trailer["/Root"]["/StructTreeRoot"].get_object()["/K"], None)
    return found


def test_page_one_states_the_classification_in_its_tagged_text(example) -> None:
    # The margin banners are decoration outside the structure tree; the first line of
    # page 1 says it once for a screen reader.
    inside, outside = _tagged_text(example, 0)
    assert inside.startswith("Classification: OFFICIAL"), inside[:80]
    assert inside.count("OFFICIAL") == 1, inside
    assert outside.count("OFFICIAL") == 2, outside  # top and bottom margins
    for number in range(1, len(example.pages)):
        inside, outside = _tagged_text(example, number)
        assert inside.count("OFFICIAL") <= 1 and outside.count("OFFICIAL") == 2, (number, inside, outside)


# --- page limit ----------------------------------------------------------------------


def _over_limit(folder: Path) -> Path:
    points = cited(*(f"Point {i}: " + "a long sentence about the talks that goes on and on. " * 6 for i in range(25)))
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


# --- pagination ----------------------------------------------------------------------------


def _table_after_filler(filler: int, rows: int) -> str:
    from briefgen.render.stylesheets import read_style

    css = "".join(read_style(Theme.default(), name) or "" for name in ("base.css", "print.css"))
    paragraphs = "".join(f"<p>Filler paragraph {i} with some words to fill the line.</p>" for i in range(filler))
    body = "".join(f"<tr><td>Row {r} a</td><td>Row {r} b</td></tr>" for r in range(rows))
    return (f'<!DOCTYPE html><html lang="en"><head><title>t</title><style>{css}</style></head><body><main>'
            f"{paragraphs}<section><h2>Table</h2><table><thead><tr><th>A</th><th>B</th></tr></thead>"
            f"<tbody>{body}</tbody></table><p>After.</p></section></main></body></html>")


@pytest.mark.parametrize("rows", [4, 9])
def test_short_tables_never_split_and_long_ones_leave_no_stray_rows(rows: int, tmp_path: Path) -> None:
    from briefgen.render.pdf import print_pdf

    splits = set()
    for filler in range(36, 56, 2):  # walks the table across the foot of page 1
        printed = print_pdf(_table_after_filler(filler, rows), base=tmp_path, roots=())
        texts = page_texts(pdf_reader(printed.data))
        per_page = tuple(n for n in (sum(f"Row {r} a" in t for r in range(rows)) for t in texts) if n)
        splits.add(per_page)
        if len(per_page) > 1:
            header_pages = [t for t in texts if "Row 0 a" in t or any(f"Row {r} a" in t for r in range(rows))]
            assert all("A" in squash(t).split() for t in header_pages), "the header repeats on the next page"
    if rows <= 4:
        assert splits == {(rows,)}, splits
    else:
        assert any(len(s) > 1 for s in splits), "the table never reached a page break: the test means nothing"
        assert all(min(s) >= 3 for s in splits), splits


def test_approximately_stays_bold(tmp_path: Path) -> None:
    # "≈ ₹6 trillion" in a bold amount: Noto Serif has no ≈, and the next face in the
    # stack must have a bold one (IPA Mincho, once next, has no bold at all).
    from briefgen.render.pdf import print_pdf
    from briefgen.render.stylesheets import read_style

    css = read_style(Theme.default(), "base.css")
    html = (f'<!DOCTYPE html><html lang="en"><head><title>t</title><style>{css}</style></head>'
            '<body><table><tr><td><div class="commitment-detail amount">¥10 trillion (≈ ₹6 trillion)</div>'
            '</td></tr></table></body></html>')
    fonts = page_fonts(pdf_reader(print_pdf(html, base=tmp_path, roots=()).data).pages[0])
    assert fonts and all("Bold" in font for font in fonts), fonts


def test_print_grade_type_sizes(example) -> None:
    # Reading text 11 pt, tables 10 pt, nothing under 8 pt (labels, marks, footers).
    sizes: dict[float, int] = {}
    for page in example.pages:
        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                scale = ((tm[0] * cm[0] + tm[1] * cm[2]) ** 2 + (tm[0] * cm[1] + tm[1] * cm[3]) ** 2) ** 0.5
                key = round(size * scale, 1)
                sizes[key] = sizes.get(key, 0) + len(text.strip())

        page.extract_text(visitor_text=visit)
    assert min(sizes) >= 8.0, sorted(sizes.items())
    by_use = sorted(sizes, key=lambda s: -sizes[s])
    assert set(by_use[:2]) == {10.0, 11.0}, sorted(sizes.items())  # table text and reading text


def test_a_split_table_says_it_is_continued(tmp_path: Path) -> None:
    from briefgen.render.pdf import print_pdf
    from briefgen.render.stylesheets import read_style, weasyprint_styles

    css = "".join(read_style(Theme.default(), name) or "" for name in ("base.css", "print.css"))

    def table(title: str, rows: int) -> str:
        body = "".join(f"<tr><td>{title} row {r}</td><td>text</td></tr>" for r in range(rows))
        # data-continued as partials/_macros.html writes it: the label in the note's language.
        return (f'<section><h2>{title}</h2><div class="table-wrap" role="region" aria-label="{title}" '
                f'data-continued="{title} (continued)" tabindex="0">'
                f"<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody>{body}</tbody></table></div></section>")

    points = "".join(f"<li>Point {i} with words enough to fill a line of text.</li>" for i in range(30))
    html = (f'<!DOCTYPE html><html lang="en"><head><title>t</title><style>{css}</style></head><body><main>'
            f"<section><h2>Points</h2><ol>{points}</ol></section>{table('Alpha', 45)}{table('Beta', 5)}"
            f"{table('Gamma', 60)}</main></body></html>")
    printed = print_pdf(html, base=tmp_path, roots=(), stylesheets=weasyprint_styles(Theme.default()))
    labelled = 0
    for number, text in enumerate(page_texts(pdf_reader(printed.data)), start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("Page ")]
        labels = [line for line in lines if line.endswith("(continued)")]
        body = [line for line in lines if line not in labels]
        if body[0] == "A B":  # the page opens with a table's repeated header
            assert labels == [body[1].split(" row ")[0] + " (continued)"], (number, lines[:4])
            labelled += 1
        else:
            assert labels == [], (number, lines[:4])
    assert labelled >= 2, "no table ran over a page: the test means nothing"


def test_a_one_row_table_does_not_drag_what_follows_to_the_next_page(tmp_path: Path) -> None:
    """Regression: "keep the first rows together" on a one-row table kept it with everything
    after it, and the summit readout's page 1 ended half empty with Actions on page 2."""
    summit = EXAMPLE.parent / "examples" / "summit-four-leaders.yaml"
    ran = run_cli(["build", summit, "-o", tmp_path / "site"])
    assert ran.exit_code == 0, ran.output
    pages = page_texts(pdf_reader(tmp_path / "site" / "summit-four-leaders.pdf"))
    assert "Actions" in pages[0] and "Commitments" in pages[0], pages[0]
