"""Accessible and valid: axe-core (WCAG 2.1 A and AA) finds nothing on the briefs, the
site index and the pages across briefs at desktop and phone widths in light and dark schemes, and the Nu HTML
Checker reports no errors (CSS included) on the HTML a build writes.

Kept to the example, one draft, the index and the layouts of the other kinds (the Nu
checker reads all four; axe the two that differ most from a brief): both validators are slow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from browser_helpers import axe_source, browser_fixture, build_site, nu_messages  # noqa: F401  ("browser")
from build_helpers import EXAMPLE, ROOT, compact_sheet, write_sheet

#: The examples of the kinds laid out by kinds.py (submission, memos, a brief with every part).
KIND_PAGES = ["uk-submission", "us-action-memo", "us-info-memo", "uk-minister-brief"]
#: The pages across briefs whose layouts differ most: a country's (its two charts and tables) and a
#: commitment's (the timeline, follow-ups).
CROSS_PAGES = ["countries/IN", "commitments/japan-india-investment-target", "frameworks/index"]
PAGES = ["g20-2025", "drafty", "index", "uk-submission", "us-action-memo", *CROSS_PAGES]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("a11y-site")
    draft = write_sheet(folder / "sheets", compact_sheet("drafty", document__status="draft"))
    kinds = [ROOT / "briefs" / "examples" / f"{name}.yaml" for name in KIND_PAGES]
    return build_site([EXAMPLE, draft, *kinds], folder / "site")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390, 320])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(site: Path, browser: Any, name: str, width: int, scheme: str) -> None:
    source = axe_source()
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto((site / f"{name}.html").as_uri())
    page.add_script_tag(content=source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    page.close()
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]
    assert violations == []
    assert result["passes"], "axe ran no checks at all"


def test_the_nu_checker_finds_no_errors(site: Path) -> None:
    messages = nu_messages(*(site / f"{name}.html" for name in dict.fromkeys([*PAGES, *KIND_PAGES])))
    errors = [(Path(m.get("url", "")).name, m.get("lastLine"), m["message"]) for m in messages
              if m["type"] == "error" or m.get("subType") == "fatal"]
    assert errors == []


def test_the_nu_checker_sees_css_errors(tmp_path: Path) -> None:
    # The check above means something only if the checker reads the inline CSS: a
    # WeasyPrint-only property (what the page carried before) is an error to it.
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title>'
                    "<style>h2 { string-set: section content(); }</style></head><body></body></html>",
                    encoding="utf-8")
    assert any("string-set" in m["message"] for m in nu_messages(page) if m["type"] == "error")
