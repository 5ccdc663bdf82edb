"""The HTML in a browser: printed by headless Chromium (the markings on every page, as in
WeasyPrint), at phone width (nothing cut off or scrolling sideways), and the site index's
filters over hundreds of briefs."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from briefgen.records import BriefRecord
from briefgen.render.site_index import site_index_view
from briefgen.render.templates import render_index
from briefgen.theme import Theme
from browser_helpers import browser_fixture, build_site  # noqa: F401  (the "browser" fixture)
from build_helpers import EXAMPLE, ROOT, compact_sheet, pdf_reader, placed_text, squash, write_sheet

#: One example of each kind beyond brief and readout, and a brief with every part a principal needs.
KIND_EXAMPLES = {name: ROOT / "briefs" / "examples" / f"{name}.yaml"
                 for name in ("uk-submission", "us-action-memo", "us-info-memo", "uk-minister-brief")}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, a long draft and the examples of each kind, built once."""
    folder = tmp_path_factory.mktemp("browser-site")
    long_outcomes = [f"Outcome {i}: " + "the parties discussed the matter at some length. " * 8 for i in range(12)]
    draft = write_sheet(folder / "sheets", compact_sheet("drafty", document__status="draft", outcomes=long_outcomes))
    return build_site([EXAMPLE, draft, *KIND_EXAMPLES.values()], folder / "site")


@pytest.mark.parametrize("name", ["g20-2025", "drafty"])
def test_a_browser_prints_the_markings_on_every_page(site: Path, browser: Any, name: str, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto((site / f"{name}.html").as_uri())
    page.emulate_media(media="print")
    pdf = tmp_path / f"{name}-chromium.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    reader = pdf_reader(pdf)
    weasy = pdf_reader(site / f"{name}.pdf")
    assert len(reader.pages) >= 2
    assert abs(len(reader.pages) - len(weasy.pages)) <= 1, (len(reader.pages), len(weasy.pages))
    total = len(reader.pages)
    for number, pdf_page in enumerate(reader.pages, start=1):
        height = float(pdf_page.mediabox.height)
        banners = [y for text, _, y in placed_text(pdf_page) if text == "OFFICIAL"]
        assert any(y > height - 80 for y in banners), f"page {number}: no banner at the top: {banners}"
        assert any(y < 80 for y in banners), f"page {number}: no banner at the bottom: {banners}"
        text = squash(pdf_page.extract_text())
        assert f"Page {number} of {total}" in text, text[-200:]
    # NFKC: Chromium sets "fi" as a ligature glyph.
    first = unicodedata.normalize("NFKC", squash(reader.pages[0].extract_text()))
    assert "Classification: OFFICIAL" in first
    assert not re.search(r"\bD\s*R\s*A\s*F\s*T\b", " ".join(p.extract_text() for p in reader.pages))


def test_the_footer_prints_in_a_browser_too(site: Path, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto((site / "g20-2025.html").as_uri())
    pdf = tmp_path / "example.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    for pdf_page in pdf_reader(pdf).pages:
        assert "G20-2025/JP-IN/01 · version 1.0" in squash(pdf_page.extract_text())


@pytest.mark.parametrize("name", list(KIND_EXAMPLES))
def test_a_browser_prints_each_kind_as_weasyprint_does(site: Path, browser: Any, name: str, tmp_path: Path) -> None:
    # The layouts of kinds.css in Chromium's print: the heading lines, the decision lines
    # (an action memo), the banner on every page, and about WeasyPrint's number of pages.
    page = browser.new_page()
    page.goto((site / f"{name}.html").as_uri())
    page.emulate_media(media="print")
    pdf = tmp_path / f"{name}-chromium.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    reader, weasy = pdf_reader(pdf), pdf_reader(site / f"{name}.pdf")
    assert abs(len(reader.pages) - len(weasy.pages)) <= 1, (len(reader.pages), len(weasy.pages))
    level = {"uk-submission": "OFFICIAL-SENSITIVE", "us-action-memo": "CUI", "us-info-memo": "UNCLASSIFIED",
             "uk-minister-brief": "OFFICIAL-SENSITIVE"}[name]
    texts = [unicodedata.normalize("NFKC", squash(p.extract_text())) for p in reader.pages]
    assert all(level in text for text in texts)
    whole = " ".join(texts)
    expected = {"uk-submission": ["From", "To", "Foreign Secretary", "Subject", "Recommendations", "Timing",
                                  "Argument", "Presentation and handling", "Annex A:"],
                "us-action-memo": ["ACTION MEMO FOR THE DEPUTY SECRETARY", "FROM:", "SUBJECT:", "Approve",
                                   "Disapprove", "Decision needed by March 27, 2026", "EAP/MTS", "L/EAP", "Tab 2:"],
                "us-info-memo": ["INFO MEMO FOR THE SECRETARY", "FROM:", "SUBJECT:", "Discussion", "S/P"],
                "uk-minister-brief": ["Issues for discussion", "Lines to take", "If pressed", "Annex A:"]}[name]
    positions = [whole.find(word) for word in expected]
    assert -1 not in positions, dict(zip(expected, positions))


@pytest.mark.parametrize("width", [390, 320])
@pytest.mark.parametrize("name", ["g20-2025", "drafty", "index", *KIND_EXAMPLES])
def test_nothing_scrolls_sideways_on_a_phone(site: Path, browser: Any, name: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto((site / f"{name}.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Tables are stacked cards: one column of cells, none wider than the screen.
    widest = page.evaluate("Math.max(0, ...Array.from(document.querySelectorAll('td'),"
                           " td => td.getBoundingClientRect().right))")
    assert widest <= width
    page.close()


# --- the site index with hundreds of briefs ------------------------------------------------

COUNTRIES = ["Japan", "India", "France", "Brazil", "Kenya"]


def _records(count: int) -> list[BriefRecord]:
    levels = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]
    return [BriefRecord(id=f"brief-{i:03d}", title=f"Talks number {i} on topic {i % 17}",
                        kind="brief" if i % 2 else "readout", meeting_date=dt.date(2025, 1, 1) + dt.timedelta(days=i),
                        occasion=f"Summit {i % 7}", venue=f"{COUNTRIES[i % 5]} House", level=levels[i % 3],
                        scheme="uk", banner=levels[i % 3], tone=levels[i % 3].lower(), audience=None, pages=2,
                        outputs={"html": f"brief-{i:03d}.html", "pdf": f"brief-{i:03d}.pdf"})
            for i in range(count)]


def test_the_index_filters_and_sorts_500_briefs(browser: Any, tmp_path: Path) -> None:
    index = tmp_path / "index.html"
    index.write_text(render_index(site_index_view(_records(500)), Theme.default()), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(index.as_uri())
    visible = "document.querySelectorAll('.index-table tbody tr:not([hidden])').length"
    assert page.evaluate(visible) == 500
    assert page.is_visible("#filter-text")
    assert page.text_content("#index-count") == "500 briefs"

    timings = []
    for word in ["number 1", "topic 3", "kenya", "summit 4", "zzz", ""] * 3:
        start = time.perf_counter()
        page.fill("#filter-text", word)
        page.evaluate("document.querySelector('#index-count').textContent")
        timings.append(time.perf_counter() - start)
    # The same inside the page, without Playwright's round trips: set the text, run the
    # filter (synchronous on "input"), force layout.
    in_page = page.evaluate("""words => words.map(word => {
        const input = document.querySelector('#filter-text');
        const start = performance.now();
        input.value = word;
        input.dispatchEvent(new Event('input', {bubbles: true}));
        document.body.offsetHeight;
        return performance.now() - start;
    })""", ["number 1", "topic 3", "kenya", "summit 4", "zzz", ""] * 3)
    print(f"\nfiltering 500 briefs: median {statistics.median(timings) * 1000:.1f} ms through Playwright, "
          f"{statistics.median(in_page):.1f} ms in the page, over {len(timings)} runs")

    page.fill("#filter-text", "kenya")
    assert page.evaluate(visible) == 100
    assert page.text_content("#index-count") == "100 of 500 briefs"
    page.fill("#filter-text", "")
    page.select_option("#filter-kind", page.locator("#filter-kind option").nth(1).get_attribute("value"))
    assert page.evaluate(visible) == 250
    page.select_option("#filter-level", "SECRET")
    assert 0 < page.evaluate(visible) < 250
    page.select_option("#filter-kind", "")
    assert page.evaluate(visible) == 166  # every third brief is SECRET
    page.select_option("#filter-level", "")

    # Sorting by meeting: ascending puts the oldest first; every row is still there.
    page.click("th.col-date button")
    first = page.evaluate("document.querySelector('.index-table tbody tr td.date time').getAttribute('datetime')")
    assert first == "2025-01-01"
    assert page.get_attribute("th.col-date", "aria-sort") == "ascending"
    page.click("th.col-date button")
    assert page.get_attribute("th.col-date", "aria-sort") == "descending"
    assert page.evaluate("document.querySelectorAll('.index-table tbody tr').length") == 500
    page.close()


def test_the_index_is_complete_without_javascript(browser: Any, tmp_path: Path) -> None:
    index = tmp_path / "index.html"
    index.write_text(render_index(site_index_view(_records(30)), Theme.default()), encoding="utf-8")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(index.as_uri())
    assert page.locator(".index-table tbody tr").count() == 30
    assert not page.is_visible(".index-filters")  # the filters come with the script
    context.close()
