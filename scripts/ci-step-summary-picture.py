"""Render docs/ci-step-summary.png: the step summary a pull request gets, with a change summary.

The example sheet with a commitment's status and amount changed, a participant added and
its classification raised; the Markdown that `briefgen build` and `briefgen diff
--output-format markdown` append to $GITHUB_STEP_SUMMARY, rendered with Python-Markdown
and photographed in headless Chromium (Playwright). Run: python scripts/ci-step-summary-picture.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import markdown
from playwright.sync_api import sync_playwright

from briefgen.report.ci import BriefRow, step_summary
from briefgen.versions.compare import format_markdown
from briefgen.versions.revisions import Version, diff_versions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "briefgen" / "examples" / "project" / "briefs" / "example-meeting.yaml"
NEW_PARTICIPANT = """  - id: adviser-ke
    name: Amina Example
    title: Director, Blue Economy (example)
    country: KE
    role: delegation
summary: >-"""
STYLE = """
body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328;
       margin: 0; padding: 24px; background: #f6f8fa; }
main { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 24px 16px; max-width: 860px; }
h3 { font-size: 18px; border-bottom: 1px solid #d8dee4; padding-bottom: 6px; }
h4 { font-size: 15px; } code { background: #eff1f3; padding: 2px 5px; border-radius: 4px; font-size: 85%; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: 4px 12px; }
th { background: #f6f8fa; } blockquote { margin: 0; padding: 0 12px; border-left: 4px solid #bf8700; color: #9a6700; }
header { color: #59636e; font-size: 12px; margin-bottom: 8px; }
"""


def main() -> None:
    old = EXAMPLE.read_bytes()
    text = old.decode("utf-8")
    for before, after in (("status: agreed ", "status: reaffirmed "), ("  level: OFFICIAL ", "  level: SECRET "),
                          ("summary: >-", NEW_PARTICIPANT), ("value: 150000000", "value: 200000000")):
        text = text.replace(before, after, 1)
    path = "briefs/example-meeting.yaml"
    diff = diff_versions(path, Version(f"origin/main:{path}", old), Version(path, text.encode("utf-8")))
    rows = [BriefRow("example-meeting", "built", 2, 0), BriefRow("g20-2025", "unchanged", 3, 0)]
    summary = step_summary("build", rows)
    body = markdown.markdown(summary + "\n" + format_markdown([diff]), extensions=["tables"])
    html = (f"<!doctype html><meta charset=utf-8><style>{STYLE}</style>"
            f"<header>Check briefs · Check and build the briefs · summary</header><main>{body}</main>")
    out = ROOT / "docs" / "ci-step-summary.png"
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = Path(folder) / "summary.html"
        page_file.write_text(html, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 920, "height": 400}, device_scale_factor=1)
        page.goto(page_file.as_uri())
        page.screenshot(path=str(out), full_page=True)
        browser.close()
    print(out, file=sys.stderr)


if __name__ == "__main__":
    main()
