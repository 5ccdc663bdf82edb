"""The preview's chrome in a real browser (Chromium through Playwright), as `mkdocs serve`, `quarto preview` and
tinymist have taught editors to expect: the error count in the tab's title and icon, search and filters on the
home page, previous and next between briefs, and a toolbar that covers neither a banner nor text.

Skipped with a reason where Chromium or Playwright is missing, except under CI (env CI set), where that fails.
"""

from __future__ import annotations

import shutil
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_helpers import browser_fixture, page_fixture  # noqa: F401 - the `browser` and `page` fixtures
from serve_helpers import (
    ROOT,
    SHEET_ID,
    Server,
    example_text,
    make_project,
    start_server,
    withheld_sheet,
    write_atomically,
)

EXAMPLES = ROOT / "briefs" / "examples"
#: The examples a project of several briefs holds, with the sheet nobody at OFFICIAL may read (secret-talks,
#: its header OFFICIAL-SENSITIVE), dated between them.
SEVERAL = ("summit-four-leaders", "us-info-memo", "uk-minister-brief", "uk-secret-draft")
#: Newest meeting first, as the home page lists them: 2026-05-20, 2026-05-12, 2026-04-23, 2026-03-01,
#: 2026-02-05, 2025-11-23.
ORDER = ["summit-four-leaders", "us-info-memo", "uk-minister-brief", "secret-talks", "uk-secret-draft", SHEET_ID]
#: A YAML syntax error: one error, and the page shows the overlay over the last good render.
BROKEN = ("  timezone: Africa/Johannesburg\n", "  timezone: Africa/Johannesburg: SAST\n")


def several(root: Path) -> Path:
    """A project of the example, four more examples and a sheet withheld at OFFICIAL."""
    secret = withheld_sheet().replace("meeting:\n  date: 2025-11-23\n", "meeting:\n  date: 2026-03-01\n", 1)
    assert "date: 2026-03-01" in secret
    make_project(root, {f"{SHEET_ID}.yaml": example_text(), "secret-talks.yaml": secret})
    for name in SEVERAL:
        shutil.copy(EXAMPLES / f"{name}.yaml", root / "briefs" / f"{name}.yaml")
    return root


@pytest.fixture
def several_server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(several(tmp_path))
    try:
        yield running
    finally:
        running.stop()


def wait_until(check: Any, timeout: float = 15.0, what: str = "the page") -> None:
    """Poll `check` (which may fail while the page reloads) until it is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - the page is between two documents
            pass
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def favicon(page: Any) -> dict[str, str]:
    """The tab's icon: its SVG, and the counts the script drew into it."""
    found = page.evaluate("""() => { const l = document.getElementById('briefgen-favicon');
        return l ? {href: l.href, rel: l.rel, errors: l.dataset.errors, warnings: l.dataset.warnings} : null; }""")
    assert found is not None and found["rel"] == "icon"
    assert found["href"].startswith("data:image/svg+xml,")
    found["svg"] = urllib.parse.unquote(found["href"].split(",", 1)[1])
    return found  # type: ignore[no-any-return]


def shown_ids(page: Any) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('.index-table tbody tr'))
        .filter(tr => !tr.hidden && tr.getClientRects().length).map(tr => tr.dataset.id)""")  # type: ignore[no-any-return]


# --- the error state in the tab -------------------------------------------------------------


def test_the_title_and_icon_count_the_errors_until_they_are_fixed(server: Server, page: Any) -> None:
    page.goto(server.url + f"{SHEET_ID}.html")
    clean = page.title()
    assert clean.endswith(" — briefgen preview") and not clean.startswith("(")
    icon = favicon(page)
    assert icon["errors"] == "0" and "<circle" not in icon["svg"]  # the plain page, no badge
    sheet = server.briefs / f"{SHEET_ID}.yaml"
    write_atomically(sheet, example_text().replace(*BROKEN, 1))
    wait_until(lambda: page.title() == "(1 error) " + clean, what="the error count in the title")
    icon = favicon(page)
    assert icon["errors"] == "1" and 'fill="#c62828"' in icon["svg"] and ">1</text>" in icon["svg"]
    page.goto(server.url)  # the home page counts every brief's errors
    assert page.title() == "(1 error) briefgen preview" and favicon(page)["errors"] == "1"
    write_atomically(sheet, example_text())
    wait_until(lambda: page.title() == "briefgen preview", what="the home page's title cleared")
    assert favicon(page)["errors"] == "0" and "<circle" not in favicon(page)["svg"]
    page.goto(server.url + f"{SHEET_ID}.html")
    assert page.title() == clean


def test_the_side_by_side_page_retitles_itself_in_place(server: Server, page: Any) -> None:
    with page.expect_response(lambda response: response.url.split("?")[0].endswith(".pdf"), timeout=120_000):
        page.goto(server.url + f"{SHEET_ID}.side.html")
    clean = page.title()
    assert clean == f"{SHEET_ID}: HTML and PDF — briefgen preview"
    page.evaluate("window.__notReloaded = true")
    sheet = server.briefs / f"{SHEET_ID}.yaml"
    write_atomically(sheet, example_text().replace(*BROKEN, 1))
    wait_until(lambda: page.title() == "(1 error) " + clean, what="the error count in the side page's title")
    assert favicon(page)["errors"] == "1"
    write_atomically(sheet, example_text())
    wait_until(lambda: page.title() == clean, what="the side page's title cleared")
    assert favicon(page)["errors"] == "0"
    assert page.evaluate("window.__notReloaded") is True  # the page itself never reloaded: its frames did


# --- search and filters on the home page -------------------------------------------------------


def test_home_page_search_and_filters_hide_the_rows_that_do_not_match(several_server: Server, page: Any) -> None:
    page.goto(several_server.url)
    assert shown_ids(page) == ORDER  # newest meeting first, as the published index lists them
    assert page.is_visible("form.index-filters")  # the published index's script showed its form
    page.fill("#filter-text", "norway")
    assert shown_ids(page) == ["uk-secret-draft"]
    assert page.inner_text("#index-count") == "1 of 6 fact sheets"
    page.fill("#filter-text", "")
    assert shown_ids(page) == ORDER and page.inner_text("#index-count") == "6 fact sheets"
    page.select_option("#filter-kind", "Information memo")
    assert shown_ids(page) == ["us-info-memo"]
    page.select_option("#filter-kind", "")
    page.select_option("#filter-country", "Ghana")
    assert shown_ids(page) == ["uk-minister-brief"]
    page.select_option("#filter-country", "")
    page.select_option("#filter-status", "Draft")
    assert "uk-secret-draft" in shown_ids(page) and SHEET_ID not in shown_ids(page)
    page.select_option("#filter-status", "")
    # The filters outlive the live reload an edit causes.
    page.fill("#filter-text", "united states")
    assert shown_ids(page) == ["summit-four-leaders", "us-info-memo"]
    page.evaluate("window.__notReloaded = true")
    time.sleep(0.3)  # the live-reload stream connects
    sheet = several_server.briefs / f"{SHEET_ID}.yaml"
    write_atomically(sheet, example_text().replace("  en: Japan–India bilateral", "  en: Edited Japan–India bilateral", 1))
    wait_until(lambda: "Edited Japan" in page.evaluate("document.querySelector('table').textContent"),
               what="the reloaded home page")
    assert page.evaluate("window.__notReloaded === undefined")
    assert page.input_value("#filter-text") == "united states"
    assert shown_ids(page) == ["summit-four-leaders", "us-info-memo"]


# --- previous and next -----------------------------------------------------------------------


def step(page: Any, rel: str) -> None:
    """Follow the toolbar's previous or next link from the keyboard: focus it, press Enter."""
    with page.expect_navigation():
        page.focus(f'#briefgen-toolbar a[rel="{rel}"]')
        page.keyboard.press("Enter")


def page_id(page: Any) -> str:
    return str(urllib.parse.urlsplit(page.url).path.strip("/").split(".")[0])


def test_previous_and_next_follow_the_home_page_and_the_release_switcher(several_server: Server, page: Any) -> None:
    page.goto(several_server.url + f"{ORDER[0]}.html")
    assert page.locator('#briefgen-toolbar a[rel="prev"]').count() == 0  # the newest has none before it
    visited = [page_id(page)]
    while page.locator('#briefgen-toolbar a[rel="next"]').count():
        step(page, "next")
        visited.append(page_id(page))
    assert visited == ORDER
    step(page, "prev")
    assert page_id(page) == ORDER[-2]
    # At OFFICIAL, the US notes and the sheet whose header is OFFICIAL-SENSITIVE are not linked.
    page.goto(several_server.url + "uk-minister-brief.html?release=OFFICIAL")
    nexts = page.get_attribute('#briefgen-toolbar a[rel="next"]', "href")
    previous = page.get_attribute('#briefgen-toolbar a[rel="prev"]', "href")
    assert nexts == "/uk-secret-draft.html?release=OFFICIAL" and previous == "/summit-four-leaders.html?release=OFFICIAL"
    assert "secret-talks" not in page.inner_html("#briefgen-toolbar")
    assert "Very sensitive" not in page.inner_html("#briefgen-toolbar")
    step(page, "next")
    assert page.url.endswith("/uk-secret-draft.html?release=OFFICIAL")
    assert page.input_value("#briefgen-release") == "OFFICIAL"  # the level goes along
    # Side by side, previous and next stay side by side.
    page.goto(several_server.url + "uk-secret-draft.side.html?release=OFFICIAL")
    assert page.get_attribute('#briefgen-toolbar a[rel="prev"]', "href") == "/uk-minister-brief.side.html?release=OFFICIAL"


# --- the toolbar covers nothing ------------------------------------------------------------------

#: Every box the toolbar overlaps: a banner's, or that of an element with text of its own (outside the toolbar).
OVERLAPS = """() => {
  const bar = document.getElementById('briefgen-toolbar').getBoundingClientRect();
  const over = r => r.width > 0 && r.height > 0 && r.left < bar.right && r.right > bar.left
    && r.top < bar.bottom && r.bottom > bar.top;
  const hits = [];
  for (const banner of document.querySelectorAll('.banner, .page-top, .page-bottom')) {
    if (over(banner.getBoundingClientRect())) { hits.push('banner: ' + banner.className); }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || !element || element.closest('#briefgen-toolbar, script, style')) { continue; }
    if (over(element.getBoundingClientRect())) { hits.push(element.tagName + ': ' + node.textContent.trim().slice(0, 40)); }
  }
  return {top: bar.top, bottom: bar.bottom, width: bar.width, hits: hits};
}"""


@pytest.mark.parametrize("width", [320, 1280])
def test_the_toolbar_covers_no_banner_and_no_text(server: Server, browser: Any, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 640})
    try:
        page = context.new_page()
        page.goto(server.url + f"{SHEET_ID}.html")
        page.wait_for_load_state("load")
        assert page.locator(".banner-bottom").count() == 1 and page.locator(".banner-top").count() == 1
        at_top = page.evaluate(OVERLAPS)
        assert at_top["hits"] == [], at_top
        assert at_top["top"] >= 0 and at_top["bottom"] > at_top["top"] and at_top["width"] <= width  # on screen
        assert page.is_visible('#briefgen-toolbar a[href="/"]')
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_function("window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1")
        at_bottom = page.evaluate(OVERLAPS)
        assert at_bottom["hits"] == [], at_bottom
        # Nor halfway: the toolbar scrolls away with the top of the page, never over what follows.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
        assert page.evaluate(OVERLAPS)["hits"] == []
        # The side-by-side page: the toolbar above the two frames, neither under it.
        page.goto(server.url + f"{SHEET_ID}.side.html")
        bar = page.locator("#briefgen-toolbar").bounding_box()
        for frame in ("#briefgen-side-html", "#briefgen-side-pdf"):
            box = page.locator(frame).bounding_box()
            assert bar is not None and box is not None and box["y"] >= bar["y"] + bar["height"], (frame, bar, box)
    finally:
        context.close()
