"""Helpers for the tests that drive a real browser and the validators (test_print_browser,
test_a11y): headless Chromium through Playwright, the Nu HTML Checker and axe-core.

Each of them may be missing on a developer's machine: the tests then skip, saying what
is missing, except where CI is set, where a missing tool is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from briefgen.pipeline import plan, publish, run
from briefgen.records import Options
from briefgen.theme import Theme

TESTS = Path(__file__).resolve().parent
NODE_MODULES = TESTS / "lsp" / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL = "install them with: npm ci --prefix tests/lsp"


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer machine that lacks a tool; fail in CI, where it must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def chromium_path() -> str:
    """The system Chromium (Playwright never downloads a browser here)."""
    found = os.environ.get("BRIEFGEN_CHROMIUM") or (str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium"))
    if not found:
        unavailable("Chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Any]:
    """A headless Chromium for one test module.

    Not for the session: each module that imports this fixture has its own copy, and a
    second Playwright cannot start while the first one's event loop still runs.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install playwright)")
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(name="page")
def page_fixture(browser: Any) -> Iterator[Any]:
    """A fresh page of `browser` (1100 × 800, 15 s timeouts), in its own context, closed after the test."""
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    try:
        yield opened
    finally:
        context.close()


def build_site(sheets: list[Path], out: Path) -> Path:
    """Build `sheets` (HTML and PDF) into `out` with the packaged theme; returns `out`."""
    planned = plan(sheets, Options(theme=Theme.default()))
    outcomes = [run(job) for job in planned.jobs]
    assert not any(r.errors for r in planned.final_reports(outcomes)), planned.reports
    publish(planned, outcomes, out)
    return out


def nu_messages(*files: Path) -> list[dict[str, Any]]:
    """The Nu HTML Checker's messages about `files` (errors and warnings)."""
    java = shutil.which("java")
    if java is None:
        unavailable("java is not installed (the Nu HTML Checker needs it)")
    if not VNU_JAR.is_file():
        unavailable(f"the Nu HTML Checker (vnu-jar) is not installed: {INSTALL}")
    done = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    # vnu writes its JSON report to standard error and exits 1 when it found errors.
    report = json.loads(done.stderr or done.stdout)
    messages: list[dict[str, Any]] = report["messages"]
    return messages


def axe_source() -> str:
    if not AXE_JS.is_file():
        unavailable(f"axe-core is not installed: {INSTALL}")
    return AXE_JS.read_text(encoding="utf-8")
