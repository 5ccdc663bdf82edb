"""The page margins never overprint: references of 10 to 60 characters, a long banner and a
release statement, printed by WeasyPrint and by Chromium, read back word by word
(`pdftotext -bbox`): no two words of the margins overlap, and none leaves the page's columns.

The finding (issue 15): on a release, "EUR-2026/FR-DE/11-R-OFFICIAL-SENSITIVE" collided with
the centred marking and the footer ran to three lines. The footer's boxes now have fixed
widths (print.css); a reference longer than its box is shortened from the front in the
footer (view.FOOTER_REFERENCE_MAX) and given in full on page 1.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from briefgen.pipeline import plan, run
from briefgen.publish.folder import publish
from briefgen.records import Options
from briefgen.release.audience import shorthand
from briefgen.render.view import FOOTER_REFERENCE_MAX
from briefgen.theme import Theme
from browser_helpers import browser_fixture  # noqa: F401  (the "browser" fixture)
from build_helpers import compact_sheet, write_sheet

MM = 72 / 25.4
#: The printed lengths of the reference: short ones as written, long ones with a release's suffix.
LENGTHS = [10, 17, 24, 31, 38, 45, 52, 60]
SUFFIX = "-R-OFFICIAL-SENSITIVE"
BANNER = "OFFICIAL-SENSITIVE - LOCSEN - UK EYES ONLY"


def reference(length: int) -> str:
    """A reference of `length` characters in the usual form: EUR-2026/FR-DE/11/ANNEX-B/…"""
    text = "EUR-2026/FR-DE/11"
    pieces = iter(["/ANNEX-B", "/PART-2", "/DRAFT-4", "/ITEM-16", "/NOTE-9", "/SUB-3"] * 4)
    while len(text) < length:
        text += next(pieces)
    text = text[:length]
    return text if text[-1].isalnum() else text[:-1] + "X"


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Word, slack: float = 1.0) -> bool:
        # 1 pt: the boxes of two lines set one under the other touch by a fraction of a point.
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > slack
                and min(self.y1, other.y1) - max(self.y0, other.y0) > slack)


def words(pdf: Path) -> list[tuple[float, float, list[Word]]]:
    """Each page's width, height and words with their boxes (pdftotext -bbox, y down from the top)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        found = [Word(m[5], float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page[3])]
        pages.append((float(page[1]), float(page[2]), found))
    return pages


def check_margins(pdf: Path, where: str) -> None:
    """No two words in the top or bottom margin overlap; every one stays inside the page's columns."""
    for number, (width, height, found) in enumerate(words(pdf), start=1):
        bands = {"top": [w for w in found if w.y1 <= 22 * MM + 1],
                 "bottom": [w for w in found if w.y0 >= height - 22 * MM - 1]}
        assert bands["bottom"], f"{where} page {number}: no footer"
        for band, placed in bands.items():
            for i, first in enumerate(placed):
                for second in placed[i + 1:]:
                    assert not first.overlaps(second), f"{where} page {number} {band}: {first} overprints {second}"
                assert 20 * MM - 1 <= first.x0 and first.x1 <= width - 20 * MM + 1, \
                    f"{where} page {number} {band}: {first} runs out of the text columns"
                assert first.y1 <= height, f"{where} page {number}: {first} runs off the page"


def check_caveats_whole(pdf: Path, where: str) -> None:
    """The bottom marking breaks between its parts, never inside one: "UK EYES ONLY" on one line
    (render.css_marking; it read "… UK EYES" above "ONLY" in a 30% box)."""
    for number, (width, height, found) in enumerate(words(pdf), start=1):
        centre = 0.15 * (width - 40 * MM)  # the centre box is 30% of the columns (print.css)
        bottom = [w for w in found if w.y0 >= height - 22 * MM - 1 and abs((w.x0 + w.x1) / 2 - width / 2) < centre]
        caveat = [w for w in bottom if w.text in ("UK", "EYES", "ONLY")]
        assert [w.text for w in caveat] == ["UK", "EYES", "ONLY"], f"{where} page {number}: {caveat}"
        assert max(w.y0 for w in caveat) - min(w.y0 for w in caveat) < 1, \
            f"{where} page {number}: the caveat is split over lines: {caveat}"


def printed_reference(length: int) -> tuple[str, bool]:
    """The sheet's reference giving a printed one of `length`, and whether that needs a release."""
    if length >= len(SUFFIX) + 10:
        return reference(length - len(SUFFIX)), True
    return reference(length), False


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """One two-page note for each length, built (HTML and PDF) into its own folder."""
    root = tmp_path_factory.mktemp("footers")
    outcomes = [f"Outcome {i}: " + "the parties discussed the matter at some length. " * 8 for i in range(10)]
    found = {}
    for length in LENGTHS:
        ref, release = printed_reference(length)
        sheet = write_sheet(root / "sheets", compact_sheet(
            f"ref-{length}", classification={"level": "OFFICIAL-SENSITIVE", "scheme": "uk",
                                             "caveats": ["LOCSEN", "UK EYES ONLY"]},
            document__reference=ref, document__version="10.2-rc", outcomes=outcomes))
        audience = shorthand("OFFICIAL-SENSITIVE") if release else None
        planned = plan([sheet], Options(audience=audience, theme=Theme.default()))
        outcome = [run(job) for job in planned.jobs]
        out = root / f"site-{length}"
        publish(planned, outcome, out)
        found[length] = out / f"ref-{length}.pdf"
    return found


def test_the_references_have_their_lengths() -> None:
    for length in LENGTHS:
        ref, release = printed_reference(length)
        assert len(ref + (SUFFIX if release else "")) == length


@pytest.mark.parametrize("length", LENGTHS)
def test_weasyprint_margins_never_overprint(built: dict[int, Path], length: int) -> None:
    pdf = built[length]
    check_margins(pdf, f"WeasyPrint, {length} characters")
    check_caveats_whole(pdf, f"WeasyPrint, {length} characters")
    pages = words(pdf)
    assert len(pages) >= 2
    # The full reference on page 1 (the details), whatever the footer shows ("-raw": in the
    # order it is drawn, so a reference wrapped in its column reads on).
    first = subprocess.run(["pdftotext", "-raw", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    ref, release = printed_reference(length)
    full = ref + (SUFFIX if release else "")
    assert full in re.sub(r"\s+", "", first)
    footer = " ".join(w.text for w in pages[1][2] if w.y0 >= pages[1][1] - 22 * MM - 1)
    shown = full if length <= FOOTER_REFERENCE_MAX else "…" + full[-(FOOTER_REFERENCE_MAX - 1):]
    assert shown in footer.replace(" ", ""), footer
    assert "Page" in footer and BANNER.split()[0] in footer


@pytest.mark.parametrize("length", LENGTHS)
def test_chromium_print_margins_never_overprint(built: dict[int, Path], browser: Any, length: int,
                                                tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(built[length].with_suffix(".html").as_uri())
    pdf = tmp_path / f"ref-{length}-chromium.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    check_margins(pdf, f"Chromium, {length} characters")
    check_caveats_whole(pdf, f"Chromium, {length} characters")
    footer = " ".join(w.text for w in words(pdf)[0][2] if w.y0 >= words(pdf)[0][1] - 22 * MM - 1)
    assert "Page" in footer and "version" in footer, footer


@pytest.fixture(scope="module")
def secret_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A note whose bottom marking, "SECRET - LOCSEN - UK EYES ONLY", is wider than its box."""
    root = tmp_path_factory.mktemp("secret-footer")
    sheet = write_sheet(root / "sheets", compact_sheet(
        "secret-footer", classification={"level": "SECRET", "scheme": "uk", "caveats": ["LOCSEN", "UK EYES ONLY"]},
        document__reference="EX-2026/GB-NO/04"))
    planned = plan([sheet], Options(theme=Theme.default()))
    publish(planned, [run(job) for job in planned.jobs], root / "site")
    return root / "site" / "secret-footer.pdf"


def test_weasyprint_breaks_a_wide_marking_between_its_parts(secret_note: Path) -> None:
    check_margins(secret_note, "WeasyPrint, SECRET")
    check_caveats_whole(secret_note, "WeasyPrint, SECRET")


def test_chromium_breaks_a_wide_marking_between_its_parts(secret_note: Path, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(secret_note.with_suffix(".html").as_uri())
    pdf = tmp_path / "secret-footer-chromium.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    check_margins(pdf, "Chromium, SECRET")
    check_caveats_whole(pdf, "Chromium, SECRET")
