"""The site's search (Pagefind): built from the release folder's own pages, so that no withheld text is in it;
found in real Chromium on the index and on a brief; rebuilt only when a page changed or a brief went."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from browser_helpers import browser_fixture  # noqa: F401 - the fixture
from build_helpers import build_in_subprocess, compact_sheet, file_identity, pdf_reader, write_sheet
from serve_helpers import sensitive_example

#: In the OFFICIAL-SENSITIVE outcome only: never in an OFFICIAL release, its index least of all.
CANARY = "quokkazanzibar"
#: In the OFFICIAL outcome beside it: in the release, so the search of it must find it.
RELEASED = "pelicanmarmalade"
#: Only in the beta brief, which the last test removes.
BETA = "flamingoparsnip"


def _project(root: Path) -> Path:
    sheets = root / "briefs"
    text = sensitive_example()
    text = text.replace("Officials privately doubt the investment target is reachable.",
                        f"Officials privately doubt the {CANARY} target is reachable.", 1)
    text = text.replace("Openly released outcome for every reader.", f"Openly released {RELEASED} outcome.", 1)
    assert CANARY in text and RELEASED in text
    write_sheet(sheets, text, "g20-2025.yaml")
    write_sheet(sheets, compact_sheet("alpha", outcomes=[
        {"text": "A working group on tariffs will report by June.", "sources": ["joint-statement"]}],
        frameworks=[{"name": "Tariff Dialogue", "status": "reaffirmed", "sources": ["joint-statement"]}]))
    beta = compact_sheet("beta", title="Beta talks", meeting__date="2024-05-01", document__date="2024-05-02",
                         outcomes=[{"text": f"A working group on {BETA} quotas will meet.",
                                    "sources": ["joint-statement"]}])
    beta["participants"][1]["country"] = "IT"
    beta["sources"][0]["date"] = "2024-05-01"
    write_sheet(sheets, beta)
    return sheets


def _build(root: Path, *args: str) -> Any:
    done = build_in_subprocess(root, "briefs", "-o", "site", "--release", "OFFICIAL", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _decompressed(path: Path) -> bytes:
    """A file's bytes, gunzipped when gzip (Pagefind compresses its fragments, indexes, filters, meta, wasm)."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _every_file(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): _decompressed(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    _project(root)
    _build(root)
    return root


def test_the_index_holds_the_released_text_and_nothing_withheld(release: Path) -> None:
    bundle = release / "site" / "pagefind"
    files = _every_file(bundle)
    fragments = [data for name, data in files.items() if name.startswith("fragment/")]
    assert len(fragments) == 3  # one a brief: g20-2025, alpha, beta; never the site index
    assert any(RELEASED.encode() in data for data in fragments)
    assert not [name for name, data in files.items() if CANARY.encode() in data.lower()]
    # The whole release folder: the pages, the PDFs' text, the manifest, the index.
    site = release / "site"
    for name, data in _every_file(site).items():
        assert CANARY.encode() not in data.lower(), name
        if name.endswith(".pdf"):
            text = " ".join(page.extract_text() for page in pdf_reader(site / name).pages)
            assert CANARY not in text.lower(), name
    # The sheet the release was cut from does hold it: the test could fail.
    assert CANARY in (release / "briefs" / "g20-2025.yaml").read_text(encoding="utf-8")


def test_results_carry_classification_and_date_and_filters(release: Path) -> None:
    bundle = release / "site" / "pagefind"
    fragments = [json.loads(data[data.index(b"{"):]) for name, data in _every_file(bundle).items()
                 if name.startswith("fragment/")]
    by_url = {f["url"]: f for f in fragments}
    g20 = by_url["/g20-2025.html"]
    assert g20["meta"]["classification"] == "OFFICIAL"
    assert g20["meta"]["date"] and g20["meta"]["date_iso"] == "2025-11-23"
    assert {"Japan", "India"} <= set(g20["filters"]["country"])
    # The frameworks a brief names, filtered by across every page; the example's are OFFICIAL-SENSITIVE here
    # (the document's level), so the OFFICIAL release names none of them, though the sheet does.
    assert by_url["/alpha.html"]["filters"]["framework"] == ["Tariff Dialogue"]
    assert "framework" not in g20["filters"] and "framework" not in by_url["/beta.html"]["filters"]
    assert "Japan–India Joint Vision" in (release / "briefs" / "g20-2025.yaml").read_text(encoding="utf-8")
    assert g20["filters"]["year"] == ["2025"] and g20["filters"]["kind"] and g20["filters"]["status"]
    assert by_url["/beta.html"]["filters"]["year"] == ["2024"]
    # The body only: the banners, the site link, the in-page contents and the search box are not its text
    # (the release statement and the reference, which name the level, are).
    content = g20["content"]
    assert not content.startswith("OFFICIAL") and not content.rstrip(". ").endswith("OFFICIAL")
    assert "Briefing notes" not in content and "Search the briefs" not in content
    assert not content.startswith("Contents")


def test_the_manifest_owns_every_file_of_the_index(release: Path) -> None:
    site = release / "site"
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    recorded = manifest["search"]["files"]
    import hashlib
    on_disk = {str(p.relative_to(site / "pagefind")): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in (site / "pagefind").rglob("*") if p.is_file()}
    assert recorded == on_disk
    assert "pagefind.js" in recorded and not any(name.startswith("pagefind-ui") for name in recorded)


# --- in Chromium, served on loopback ---------------------------------------------------


def _serve(site: Path, handler: type[SimpleHTTPRequestHandler]) -> Iterator[str]:
    """`site` served on loopback by `handler` while the caller runs: its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(release: Path) -> Iterator[str]:
    yield from _serve(release / "site", _Quiet)


class _Quiet(SimpleHTTPRequestHandler):
    #: A Content-Security-Policy to send with every response, or None.
    policy: str | None = None

    def end_headers(self) -> None:
        if self.policy is not None:
            self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


def _inline_script_hashes(*pages: Path) -> list[str]:
    """The CSP source of each inline script of `pages` ('sha256-…' of its text, as browsers hash it)."""
    found = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"<script[^>]*>(.*?)</script>", text, re.S):
            digest = base64.b64encode(hashlib.sha256(match.group(1).encode("utf-8")).digest()).decode()
            found.append(f"'sha256-{digest}'")
    return sorted(set(found))


@pytest.fixture(scope="module")
def served_strictly(release: Path) -> Iterator[str]:
    """The release served with the tightest policy search works under (docs/outputs.md, "Search"):
    no inline script but those of the pages by hash, no eval but WebAssembly's, nothing from elsewhere."""
    site = release / "site"
    scripts = " ".join(_inline_script_hashes(site / "index.html", site / "alpha.html"))
    policy = (f"default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {scripts}; connect-src 'self'; "
              "style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'")
    yield from _serve(site, type("_Strict", (_Quiet,), {"policy": policy}))


def _results(page: Any) -> list[str]:
    return [" ".join(text.split()) for text in page.locator("#site-search-results .search-result").all_inner_texts()]


def test_search_on_the_index_then_a_filter_narrows(browser: Any, served: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(served + "index.html")
        page.locator("#site-search").wait_for(state="visible", timeout=10_000)
        page.fill("#site-search-q", "working group")
        page.wait_for_function("document.querySelectorAll('#site-search-results .search-result').length == 2",
                               timeout=10_000)
        texts = _results(page)
        assert any("Alpha talks" in t and "OFFICIAL" in t and "1 March 2025" in t for t in texts), texts
        assert any("Beta talks" in t and "1 May 2024" in t for t in texts), texts
        page.select_option("#site-search-year", "2024")
        page.wait_for_function("document.querySelectorAll('#site-search-results .search-result').length == 1",
                               timeout=10_000)
        assert "Beta talks" in _results(page)[0]
        page.select_option("#site-search-year", "")
        page.select_option("#site-search-country", "Italy")
        page.wait_for_function("document.querySelectorAll('#site-search-results .search-result').length == 1",
                               timeout=10_000)
        assert "Beta talks" in _results(page)[0]
        assert page.locator("#site-search-count").inner_text() == "1 result"
        page.select_option("#site-search-country", "")
        page.select_option("#site-search-framework", "Tariff Dialogue")
        page.wait_for_function("document.querySelectorAll('#site-search-results .search-result').length == 1",
                               timeout=10_000)
        assert "Alpha talks" in _results(page)[0]
    finally:
        page.close()


def test_the_same_box_works_on_a_brief(browser: Any, served: str) -> None:
    """On a brief the box takes the words to the site index, whose banner covers every brief it can
    list: no result is shown under a brief's lower banner."""
    page = browser.new_page(viewport={"width": 320, "height": 800})
    try:
        page.goto(served + "alpha.html")
        page.locator("#site-search").wait_for(state="visible", timeout=10_000)
        assert page.locator("#site-search-results").count() == 0
        page.fill("#site-search-q", RELEASED)
        page.press("#site-search-q", "Enter")
        page.wait_for_url("**/index.html?q=*", timeout=10_000)
        page.wait_for_function("document.querySelectorAll('#site-search-results .search-result').length == 1",
                               timeout=10_000)
        assert page.input_value("#site-search-q") == RELEASED
        result = page.locator("#site-search-results .search-result").first
        assert "OFFICIAL" in result.inner_text()
        assert result.locator("mark").first.inner_text().lower() == RELEASED
        href = result.locator("a").get_attribute("href")
        assert href is not None and href.endswith("/g20-2025.html")
        page.fill("#site-search-q", CANARY)
        page.wait_for_function("document.getElementById('site-search-count').textContent == 'No briefs match'",
                               timeout=10_000)
    finally:
        page.close()


def test_search_works_under_a_tight_content_security_policy(browser: Any, served_strictly: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    try:
        page.goto(served_strictly + "index.html")
        page.locator("#site-search").wait_for(state="visible", timeout=10_000)
        page.fill("#site-search-q", RELEASED)
        # A locator, not wait_for_function: the policy forbids the eval that a string predicate needs.
        page.locator("#site-search-results .search-result").first.wait_for(timeout=10_000)
        assert page.locator("#site-search-results .search-result").count() == 1
        assert "OFFICIAL" in page.locator("#site-search-results .search-result").first.inner_text()
        assert not refused, refused
    finally:
        page.close()


# --- rebuilds --------------------------------------------------------------------------


def test_a_noop_rebuild_leaves_the_index_and_a_removed_brief_leaves_it(tmp_path: Path) -> None:
    sheets = _project(tmp_path)
    _build(tmp_path, "--format", "html")
    bundle = tmp_path / "site" / "pagefind"
    before = {p: (file_identity(p), p.read_bytes()) for p in bundle.rglob("*") if p.is_file()}
    manifest = (tmp_path / "site" / "manifest.json").read_bytes()
    _build(tmp_path, "--format", "html")
    assert {p: (file_identity(p), p.read_bytes()) for p in bundle.rglob("*") if p.is_file()} == before
    assert (tmp_path / "site" / "manifest.json").read_bytes() == manifest
    assert any(BETA.encode() in data for data in _every_file(bundle).values())

    (sheets / "beta.yaml").unlink()
    _build(tmp_path, "--format", "html")
    files = _every_file(bundle)
    assert not [name for name, data in files.items() if BETA.encode() in data]
    assert len([name for name in files if name.startswith("fragment/")]) == 2
    recorded = json.loads((tmp_path / "site" / "manifest.json").read_text(encoding="utf-8"))["search"]["files"]
    assert set(recorded) == set(files)
    assert not [p.name for p in (tmp_path / "site").iterdir() if p.name.startswith(".briefgen-")]


def test_pagefinds_own_settings_around_the_build_do_not_apply(tmp_path: Path) -> None:
    """Pagefind reads a pagefind.yml in its working folder and PAGEFIND_* variables: neither may change
    what briefgen indexes (here, they would index nothing, as French)."""
    import subprocess
    import sys

    from build_helpers import script_env

    _project(tmp_path)
    (tmp_path / "pagefind.yml").write_text('exclude_selectors: ["main"]\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "briefgen", "build", "briefs", "-o", "site", "--release",
                           "OFFICIAL", "--format", "html"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env=script_env(PAGEFIND_FORCE_LANGUAGE="fr", PAGEFIND_EXCLUDE_SELECTORS="main"))
    assert done.returncode == 0, done.stdout + done.stderr
    bundle = tmp_path / "site" / "pagefind"
    assert json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"].keys() == {"en-gb"}
    assert any(RELEASED.encode() in data for name, data in _every_file(bundle).items() if name.startswith("fragment/"))


def test_a_build_killed_as_the_index_moves_in_is_put_right(tmp_path: Path) -> None:
    """Killed right after the new index replaced the old one, before the manifest: the next build
    knows the new index as its own (the journal's) and ends with a consistent folder."""
    import signal
    import subprocess
    import sys
    import time

    from build_helpers import assert_consistent, script_env

    sheets = _project(tmp_path)
    _build(tmp_path, "--format", "html")
    alpha = sheets / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("report by June", "report by Friday"),
                     encoding="utf-8")
    folder = tmp_path / "site" / "pagefind"
    before = file_identity(folder)
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "build", "briefs", "-o", "site", "--release",
                                "OFFICIAL", "--format", "html"], cwd=tmp_path, env=script_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    # Not while the old one is moved away (none there): once the new one is in place.
    while process.poll() is None and time.monotonic() < deadline and file_identity(folder) in (before, None):
        time.sleep(0.0005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    if process.returncode != -signal.SIGKILL or not (tmp_path / "site" / ".briefgen-pending.json").exists():
        pytest.skip("the kill did not land between the index's move and the manifest on this run")
    _build(tmp_path, "--format", "html")
    manifest = assert_consistent(tmp_path / "site")
    assert "search" in manifest
    assert any(b"report by Friday" in data for name, data in _every_file(folder).items()
               if name.startswith("fragment/"))


def test_a_pagefind_folder_briefgen_did_not_write_is_refused(tmp_path: Path) -> None:
    _project(tmp_path)
    (tmp_path / "site" / "pagefind").mkdir(parents=True)
    (tmp_path / "site" / "pagefind" / "mine.txt").write_text("hand-made\n", encoding="utf-8")
    done = build_in_subprocess(tmp_path, "briefs", "-o", "site", "--release", "OFFICIAL", "--format", "html")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "pagefind exists and was not written by briefgen" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "site" / "pagefind" / "mine.txt").read_text(encoding="utf-8") == "hand-made\n"


def test_a_changed_index_is_left_alone_and_reported(tmp_path: Path) -> None:
    _project(tmp_path)
    _build(tmp_path, "--format", "html")
    entry = tmp_path / "site" / "pagefind" / "pagefind-entry.json"
    entry.write_text("{}", encoding="utf-8")
    done = build_in_subprocess(tmp_path, "briefs", "-o", "site", "--release", "OFFICIAL", "--format", "html")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "left alone:" in done.stderr and "pagefind was changed by hand" in done.stderr
    assert entry.read_text(encoding="utf-8") == "{}"
    manifest = json.loads((tmp_path / "site" / "manifest.json").read_text(encoding="utf-8"))
    assert "search" not in manifest and manifest["left_alone"] == ["pagefind"]


def test_without_pagefind_the_build_says_so_and_publishes_no_index(tmp_path: Path) -> None:
    import subprocess
    import sys

    from build_helpers import script_env

    sheets = _project(tmp_path)
    _build(tmp_path, "--format", "html")
    alpha = sheets / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("report by June", "report by July"), encoding="utf-8")
    # A Python where pagefind-bin cannot be imported, and a brief changed: the old index would be stale.
    code = ("import sys, runpy; sys.modules['pagefind_bin'] = None; "
            "sys.argv = ['briefgen', 'build', 'briefs', '-o', 'site', '--release', 'OFFICIAL', '--format', 'html']; "
            "runpy.run_module('briefgen', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=script_env(), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "warning: search:" in done.stderr and "pip install" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site" / "pagefind").exists()
    assert "search" not in json.loads((tmp_path / "site" / "manifest.json").read_text(encoding="utf-8"))
    assert (tmp_path / "site" / "g20-2025.html").exists()
