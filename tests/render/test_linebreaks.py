"""Never split, never lose: what a line must not break inside, and text too long for its box.

Issue 16 found "(22–/23 November 2025)", "2026–/27", "1 hour 30/minutes", "EX-/2026/QUAD/07"
and "Sanae/Takaichi" split in narrow cells, and a summary of one 19,990-character word of
which `pdftotext` found 114 letters. Runs are kept together with `white-space: nowrap`
spans, so their characters stay as written: `pdftotext` reads U+00A0 back as a space
(checked below) but a no-break hyphen U+2011 as itself, which search would not find.
The checks run on WeasyPrint's PDF and on Chromium's layout and print.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from briefgen.render.linebreaks import LONG_RUN, MAX_RUN, keep_together, keep_together_html
from briefgen.render.markup import render_markdown
from browser_helpers import browser_fixture, build_site  # noqa: F401  (the "browser" fixture)
from build_helpers import compact_sheet, pdf_reader, placed_text, write_sheet

#: The runs of the issue, and one of each kind the description names.
RUNS = [
    "22–23 November 2025",        # a date range
    "22 November – 3 December 2025",
    "2026–27",                    # a year range
    "1 hour 30 minutes",          # a duration
    "EX-2026/QUAD/07",            # a reference
    "US$2 billion",               # an amount with its currency
    "CHF 5 million",
    "10 March 2026",
    "March 10, 2026",
    "13:40 SAST",
]
NAMES = ["Sanae Takaichi", "Narendra Modi"]


def _text(html: str) -> str:
    """The text of HTML as a reader copies it: tags dropped, entities read."""
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html))


def _kept(html: str) -> list[str]:
    return [_text(m) for m in re.findall(r'<span class="nobr">(.*?)</span>', html)]


@pytest.mark.parametrize("run", RUNS)
def test_each_kind_of_run_is_kept_together(run: str) -> None:
    sentence = f"The talks (see {run}) went on."
    html = str(keep_together(sentence))
    assert _kept(html) == [run]
    assert _text(html) == sentence  # the characters are the analyst's, unchanged


def test_names_are_kept_together_where_the_note_names_them() -> None:
    html = str(keep_together("Prime Minister Sanae Takaichi met Narendra Modi.", NAMES))
    assert _kept(html) == NAMES


def test_hyphenated_words_and_long_runs_may_still_break() -> None:
    assert _kept(str(keep_together("The Indo-Pacific and people-to-people ties."))) == []
    long_reference = "-".join(["ABC123"] * 8)
    assert len(long_reference) > MAX_RUN
    assert _kept(str(keep_together(f"File {long_reference} now."))) == []


def test_a_run_longer_than_any_word_may_break_anywhere() -> None:
    word = "x" * (LONG_RUN + 5)
    html = str(keep_together(f"A {word} b and short words."))
    assert f'<span class="long-run">{word}</span>' in html
    assert 'class="long-run">short' not in html


def test_markdown_keeps_its_markup_and_gains_the_spans() -> None:
    rendered = render_markdown("**Talks** on 22–23 November 2025 with Sanae Takaichi & *others*: `EX-2026/QUAD/07`.")
    html = str(keep_together_html(rendered, NAMES))
    assert "<strong>Talks</strong>" in html and "<em>others</em>" in html and "&amp;" in html
    assert _kept(html) == ["22–23 November 2025", "Sanae Takaichi"]  # code is left as it is
    assert _text(html) == _text(str(rendered))
    assert isinstance(keep_together_html(Markup("<p>a</p>")), Markup)


# --- in narrow table cells, printed ---------------------------------------------------------

#: A word far longer than a cell or a page line, and as long as a line field may be.
LONG_WORD = "".join(chr(ord("a") + (i * 7) % 26) for i in range(480))


def _narrow_sheet() -> dict[str, Any]:
    """Every run in the narrowest columns: sector, parties, owner, due; names in the participants' column."""
    text = " ".join(RUNS)
    return compact_sheet(
        "narrow",
        participants=[
            {"name": "Sanae Takaichi", "title": "Prime Minister", "country": "JP", "role": "principal"},
            {"name": "Narendra Modi", "title": "Prime Minister", "country": "IN", "role": "principal"},
        ],
        summary=f"Talks between Sanae Takaichi and Narendra Modi. {text}",
        commitments=[{"sector": run, "summary": f"About {run}, with Sanae Takaichi.", "parties": ["JP", "IN"]}
                     for run in RUNS] + [{"sector": LONG_WORD, "summary": LONG_WORD, "parties": ["JP"]}],
        follow_up=[{"action": f"Follow up {run}.", "owner": "Sanae Takaichi", "due": "2026-03-10"} for run in RUNS],
        outcomes=[f"Outcome on {run}." for run in RUNS],
        # Outside the cells too: a heading and the occasion under the title.
        sections=[{"heading": LONG_WORD, "body": "Background.", "kind": "background"}],
        meeting__occasion=LONG_WORD,
    )


@pytest.fixture(scope="module")
def narrow_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("narrow")
    sheet = write_sheet(folder / "sheets", _narrow_sheet())
    return build_site([sheet], folder / "site")


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_weasyprint_never_splits_a_run(narrow_site: Path) -> None:
    text = _pdftotext(narrow_site / "narrow.pdf")
    assert "\u00a0" not in text  # pdftotext reads no-break spaces back as spaces
    lines = text.splitlines()
    for run in RUNS:
        # In the summary, a sector cell, a commitment, an action and an outcome: whole each time.
        assert sum(line.count(run) for line in lines) >= 5, run
        for head, tail in _split_points(run):
            assert not any(line.rstrip().endswith(head) and next_line.lstrip().startswith(tail)
                           for line, next_line in zip(lines, lines[1:])), (run, head, tail)
    for name in NAMES:  # in the participants' table and the summary at least
        assert sum(line.count(name) for line in lines) >= 2, name


def _split_points(run: str) -> list[tuple[str, str]]:
    """Every way a line could end inside `run`: (what the line ends with, what the next starts with)."""
    points = [match.end() for match in re.finditer(r"[\s–\-/]", run)]
    return [(run[:point].rstrip(), run[point:].lstrip()) for point in points if run[point:].strip()]


def _flat(text: str) -> str:
    """The lines of extracted text that hold only small letters, joined: a long word without the
    line breaks a renderer put in (no hyphen is ever added) and without the page furniture
    (banners, footers) between its pages."""
    return "".join(line.strip() for line in text.splitlines() if re.fullmatch(r"\s*[a-z]+\s*", line))


def test_weasyprint_loses_no_letter_of_a_long_word(narrow_site: Path) -> None:
    reader = pdf_reader(narrow_site / "narrow.pdf")
    # The sector cell, the commitment cell, a heading and the occasion: every letter of each.
    assert _flat(_pdftotext(narrow_site / "narrow.pdf")).count(LONG_WORD) == 4
    for page in reader.pages:
        width = float(page.mediabox.width)
        for text, x, _ in placed_text(page):
            assert 0 <= x < width, (text[:40], x)
            # A run of text that starts on the page ends on it: 20 mm margins, about 5 pt a letter at most.
            assert x + 2.5 * len(text) <= width, (text[:40], x)


def test_a_summary_of_one_long_word_is_found_whole(tmp_path: Path) -> None:
    word = "".join(chr(ord("a") + (i * 11) % 26) for i in range(19_990))
    site = build_site([write_sheet(tmp_path / "sheets", compact_sheet("longword", summary=word))], tmp_path / "site")
    # Before: pdftotext found 114 of the 19,990 letters; the rest ran off the page.
    assert _flat(_pdftotext(site / "longword.pdf")).count(word) == 1


# --- in Chromium -------------------------------------------------------------------------------

_LAYOUT = """() => {
  const spans = Array.from(document.querySelectorAll('.nobr'));
  const split = spans.filter(s => s.getClientRects().length > 1).map(s => s.textContent);
  const clipped = [];
  for (const cell of document.querySelectorAll('td, th, dd, p, li, h1, h2')) {
    // On a phone the header row is kept for screen readers only, in a 1-pixel box: not clipped text.
    const row = cell.closest('tr');
    if (row && getComputedStyle(row).position === 'absolute') continue;
    if (cell.scrollWidth > cell.clientWidth + 1) clipped.push(cell.textContent.slice(0, 60));
  }
  return {kept: spans.length, split, clipped,
          page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize(("media", "width"), [("print", 794), ("screen", 1024), ("screen", 390)])
def test_chromium_never_splits_a_run_nor_clips_a_word(narrow_site: Path, browser: Any, media: str,
                                                      width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto((narrow_site / "narrow.html").as_uri())
    page.emulate_media(media=media)
    found = page.evaluate(_LAYOUT)
    page.close()
    assert found["kept"] > 3 * len(RUNS)
    assert found["split"] == []
    assert found["clipped"] == []
    assert found["page"] <= found["viewport"]


def test_chromium_prints_every_letter_and_every_run_whole(narrow_site: Path, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto((narrow_site / "narrow.html").as_uri())
    page.emulate_media(media="print")
    pdf = tmp_path / "narrow-chromium.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    text = _pdftotext(pdf)
    assert _flat(text).count(LONG_WORD) == 4
    lines = text.splitlines()
    for run in RUNS:
        assert sum(run in line for line in lines) >= 3, run
