"""The site index's country and framework filters in a real browser (issue 22): the index of briefs/,
built by the real CLI, opened in headless Chromium (browser_helpers: skipped without it, unless CI is set).

A country keeps only that country's rows; a framework removes the rows that do not name it;
clearing brings every row back; and without script the page lists every row, the filters unshown.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from browser_helpers import browser_fixture, page_fixture  # noqa: F401 - the fixtures
from build_helpers import ROOT, run_cli

ROWS = ".index-table tbody tr"
VISIBLE = "Array.from(document.querySelectorAll('.index-table tbody tr:not([hidden])'), tr => tr.dataset.{})"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site index of this repository's briefs (HTML only)."""
    project = tmp_path_factory.mktemp("index-filters")
    shutil.copytree(ROOT / "briefs", project / "briefs")
    for name in ("briefgen.toml", "registry.yaml"):
        shutil.copy(ROOT / name, project / name)
    ran = run_cli(["build", "briefs", "-o", project / "site", "--no-pdf"], cwd=project)
    assert ran.exit_code == 0, ran.output
    return project / "site" / "index.html"


def _visible(page: Any, key: str) -> list[list[str]]:
    """The `data-KEY` values of each visible row, split."""
    return [value.split("|") if value else [] for value in page.evaluate(VISIBLE.format(key))]


def test_the_country_and_framework_filters_keep_the_rows_that_name_them(page: Any, index: Path) -> None:
    page.goto(index.as_uri())
    every = page.locator(ROWS).count()
    assert every >= 10
    assert page.is_visible("#filter-country") and page.is_visible("#filter-framework")
    assert page.text_content("#index-count") == f"{every} briefs"
    # The options are the page's own (names by code), not refilled by the script from the rows.
    for select in ("#filter-country", "#filter-framework"):
        values = page.evaluate(f"Array.from(document.querySelectorAll('{select} option'), o => o.value)")
        assert len(values) == len(set(values)) > 2, (select, values)

    page.select_option("#filter-country", "PH")  # by its ISO code; the option reads "Philippines"
    assert page.locator("#filter-country option:checked").text_content() == "Philippines"
    countries = _visible(page, "country")
    assert 0 < len(countries) < every and all("PH" in row for row in countries)
    assert page.text_content("#index-count") == f"{len(countries)} of {every} briefs"

    page.select_option("#filter-country", "")
    assert page.locator(f"{ROWS}:not([hidden])").count() == every
    page.select_option("#filter-framework", "japan-india-joint-vision")
    frameworks = _visible(page, "framework")
    assert 0 < len(frameworks) < every and all("japan-india-joint-vision" in row for row in frameworks)
    hidden = page.evaluate("Array.from(document.querySelectorAll('.index-table tbody tr[hidden]'),"
                           " tr => tr.dataset.framework)")
    assert hidden and all("japan-india-joint-vision" not in value.split("|") for value in hidden)

    # Both at once: a country none of those briefs has leaves no row; clearing both brings every row back.
    page.select_option("#filter-country", "NO")
    assert page.locator(f"{ROWS}:not([hidden])").count() == 0
    page.select_option("#filter-country", "")
    page.select_option("#filter-framework", "")
    assert page.locator(f"{ROWS}:not([hidden])").count() == every
    assert page.text_content("#index-count") == f"{every} briefs"

    # A row's country links to the country's page across briefs.
    assert page.locator(".entry-countries a[href='countries/IN.html']").first.is_visible()


def test_without_script_every_row_is_listed_and_the_filters_are_not_shown(browser: Any, index: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(index.as_uri())
        assert page.locator(ROWS).count() == page.locator(f"{ROWS}:not([hidden])").count() >= 10
        assert all(row.is_visible() for row in page.locator(ROWS).all())
        assert not page.is_visible(".index-filters")  # the filters come with the script
        # The links across briefs are there without it.
        assert page.is_visible("nav.index-across a[href='countries/index.html']")
    finally:
        context.close()
