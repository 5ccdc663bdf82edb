"""The preview in a real browser (Chromium through Playwright): what an analyst sees while editing.

Skipped with a reason where Chromium or Playwright is missing, except under CI (env CI
set), where a missing browser fails the run instead of hiding the tests.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_helpers import page_fixture  # noqa: F401 - the `page` fixture, of this module's `browser`
from serve_helpers import (
    SHEET_ID,
    Server,
    example_text,
    get_raw,
    make_project,
    sensitive_example,
    start_server,
    write_atomically,
)

CHROMIUM = os.environ.get("BRIEFGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TITLE = "Japan–India bilateral meeting at the G20 Leaders' Summit"
#: The title as typeset (a typographic apostrophe).
SHOWN_TITLE = TITLE.replace("'", "\u2019")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (set BRIEFGEN_CHROMIUM)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def wait_until(check: Any, timeout: float = 10.0, what: str = "the page") -> float:
    """Poll `check` (which may fail while the page reloads) until true; the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            if check():
                return time.perf_counter() - start
        except Exception:  # noqa: BLE001 - the page is between two documents
            pass
        time.sleep(0.002)
    raise AssertionError(f"timed out waiting for {what}")


def heading(page: Any) -> str:
    return str(page.evaluate("document.querySelector('h1') && document.querySelector('h1').textContent"))


# --- the tests -------------------------------------------------------------------------------


def test_home_lists_the_brief_and_its_page_shows_the_title(server: Server, page: Any) -> None:
    page.goto(server.url)
    row = page.locator(f'tr[data-id="{SHEET_ID}"]')
    assert TITLE in row.inner_text() and "valid" in row.inner_text()
    row.locator("a", has_text=TITLE).click()
    page.wait_for_url(f"**/{SHEET_ID}.html")
    assert heading(page) in (TITLE, SHOWN_TITLE)


def test_editing_the_title_updates_the_open_page_and_keeps_the_scroll(server: Server, page: Any) -> None:
    page.goto(server.url + f"{SHEET_ID}.html")
    page.wait_for_function("window.EventSource && document.readyState === 'complete'")
    time.sleep(0.3)  # the live-reload stream connects
    page.evaluate("window.scrollTo(0, 500)")
    assert page.evaluate("window.scrollY") == 500
    page.evaluate("window.__notReloaded = true")
    sheet = server.briefs / f"{SHEET_ID}.yaml"
    latencies = []
    for number in range(3):
        new_title = f"Edited {number}: Japan–India talks"
        text = example_text().replace(f"  en: {TITLE}\n", f"  en: \"{new_title}\"\n", 1)
        start = time.perf_counter()
        write_atomically(sheet, text)
        wait_until(lambda title=new_title: heading(page) == title, what="the new title")
        latencies.append(time.perf_counter() - start)
        wait_until(lambda: page.evaluate("document.readyState") == "complete" and page.evaluate("window.scrollY") > 0,
                   what="the scroll position")
        assert page.evaluate("window.scrollY") == 500
    assert page.evaluate("window.__notReloaded === undefined")  # it did reload, by itself
    print(f"\nsave → new title on screen: {', '.join(f'{s * 1000:.0f} ms' for s in latencies)} "
          f"(median {sorted(latencies)[1] * 1000:.0f} ms)")


def test_broken_yaml_shows_the_overlay_over_the_last_good_render_until_fixed(server: Server, page: Any) -> None:
    page.goto(server.url + f"{SHEET_ID}.html")
    time.sleep(0.3)
    sheet = server.briefs / f"{SHEET_ID}.yaml"
    good = example_text()
    broken = good.replace("  timezone: Africa/Johannesburg\n", "  timezone: Africa/Johannesburg: SAST\n", 1)
    line = broken.splitlines().index("  timezone: Africa/Johannesburg: SAST") + 1
    write_atomically(sheet, broken)
    overlay = page.wait_for_selector("#briefgen-overlay")
    shown = overlay.inner_text()
    assert f"briefs/{SHEET_ID}.yaml:{line}:" in shown and "error[yaml-syntax]" in shown
    assert f"{line} |   timezone: Africa/Johannesburg: SAST" in shown
    assert heading(page) in (TITLE, SHOWN_TITLE)  # the last good render is still there, under it
    write_atomically(sheet, good)
    page.wait_for_selector("#briefgen-overlay", state="detached")
    assert heading(page) in (TITLE, SHOWN_TITLE)


def test_editing_a_stylesheet_restyles_the_page(tmp_path: Path, page: Any) -> None:
    make_project(tmp_path, toml='styles = "styles"\n', styles=True)
    server = start_server(tmp_path)
    try:
        page.goto(server.url + f"{SHEET_ID}.html")
        time.sleep(0.3)
        colour = "getComputedStyle(document.querySelector('h1')).color"
        assert page.evaluate(colour) != "rgb(1, 2, 3)"
        stylesheet = tmp_path / "styles" / "screen.css"
        # First in the file: the rule must not land inside a block the file leaves open at its end.
        write_atomically(stylesheet, "h1 { color: rgb(1, 2, 3) !important; }\n"
                         + stylesheet.read_text(encoding="utf-8"))
        wait_until(lambda: page.evaluate(colour) == "rgb(1, 2, 3)", what="the new style")
    finally:
        server.stop()


def test_a_new_fact_sheet_appears_on_the_open_home_page(server: Server, page: Any) -> None:
    page.goto(server.url)
    time.sleep(0.3)
    (server.briefs / "new-meeting.yaml").write_text(
        example_text().replace("id: g20-2025", "id: new-meeting", 1)
        .replace(f"  en: {TITLE}\n", "  en: A newly added meeting\n", 1), encoding="utf-8")
    page.wait_for_selector('tr[data-id="new-meeting"]')
    assert "A newly added meeting" in page.inner_text("body")


def test_alt_click_on_a_participant_asks_to_open_the_sheet_at_its_line(server: Server, page: Any) -> None:
    page.goto(server.url + f"{SHEET_ID}.html")
    page.evaluate("window.briefgenOpen = function (url) { window.__opened = url; }")
    lines = example_text().splitlines()
    line = lines.index("    name: Narendra Modi") + 1
    column = lines[line - 1].index("Narendra") + 1
    name = page.locator("span.person", has_text="Narendra Modi")
    name.hover()
    assert page.is_visible("#briefgen-edit")  # the hover affordance
    name.click(modifiers=["Alt"])
    sheet = (server.briefs / f"{SHEET_ID}.yaml").resolve().as_posix().lstrip("/")
    assert page.evaluate("window.__opened") == f"vscode://file/{sheet}:{line}:{column}"
    assert page.url.endswith(f"/{SHEET_ID}.html")  # nothing else happened to the page
    page.evaluate("window.__opened = null")
    page.click("#briefgen-edit")
    assert page.evaluate("window.__opened") == f"vscode://file/{sheet}:{line}:{column}"


def test_the_release_switcher_hides_the_higher_portions(tmp_path: Path, page: Any) -> None:
    make_project(tmp_path, {f"{SHEET_ID}.yaml": sensitive_example()})
    server = start_server(tmp_path)
    try:
        page.goto(server.url + f"{SHEET_ID}.html")
        body = page.inner_text("main")
        assert "privately doubt" in body and "Openly released" in body
        assert page.inner_text(".banner-top").startswith("OFFICIAL-SENSITIVE")
        with page.expect_navigation():
            page.select_option("#briefgen-release", "OFFICIAL")
        assert "release=OFFICIAL" in page.url
        body = page.inner_text("main")
        assert "privately doubt" not in body and "Openly released" in body
        assert page.inner_text(".banner-top").strip() == "OFFICIAL"
    finally:
        server.stop()


def test_foreign_hosts_and_traversal_are_refused(server: Server, page: Any) -> None:
    assert get_raw(server.port, "/", host="evil.example")[0] == 403
    assert get_raw(server.port, "/../../etc/passwd", host="localhost")[0] == 404
    response = page.goto(server.url + "../../etc/passwd")
    assert response is not None and response.status == 404
    assert "root:" not in page.content()


def test_ctrl_c_leaves_no_process_behind(server: Server, page: Any) -> None:
    with page.expect_response(lambda response: response.url.split("?")[0].endswith(".pdf"), timeout=120_000):
        page.goto(server.url + f"{SHEET_ID}.side.html")  # an event stream, and a PDF printed in a worker
    children = server.children()
    took = server.interrupt()
    assert took < 2.5 and server.process.returncode == 0
    lines = server.stderr().strip().splitlines()  # the rebuild log, then the one line of stopping
    assert "Traceback" not in server.stderr() and lines[-1] == "briefgen: preview stopped", lines
    assert all(line.startswith("briefgen: rebuilt ") for line in lines[:-1]), lines
    time.sleep(0.2)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()
                and "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()]


@pytest.mark.skipif(not os.environ.get("BRIEFGEN_SCREENSHOTS"), reason="set BRIEFGEN_SCREENSHOTS=DIR to refresh "
                    "the README's screenshots")
def test_readme_screenshots(tmp_path: Path, page: Any) -> None:
    target = Path(os.environ["BRIEFGEN_SCREENSHOTS"])
    make_project(tmp_path)
    server = start_server(tmp_path)
    try:
        page.set_viewport_size({"width": 1280, "height": 800})
        with page.expect_response(lambda response: response.url.split("?")[0].endswith(".pdf"), timeout=120_000):
            page.goto(server.url + f"{SHEET_ID}.side.html")
        time.sleep(2.0)
        page.screenshot(path=str(target / "preview-side-by-side.png"))
        page.goto(server.url + f"{SHEET_ID}.html")
        time.sleep(0.3)
        sheet = server.briefs / f"{SHEET_ID}.yaml"
        write_atomically(sheet, re.sub(r"(?m)^  timezone: Africa/Johannesburg$", "  timezone: Africa/Johannesburg: SAST",
                                       example_text(), count=1))
        page.wait_for_selector("#briefgen-overlay")
        time.sleep(0.3)
        page.screenshot(path=str(target / "preview-overlay.png"))
    finally:
        server.stop()
