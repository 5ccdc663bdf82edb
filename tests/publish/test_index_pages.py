"""The site index in pages: a folder of many briefs is indexed on index.html, index-2.html…

Each page lists its slice, newest meeting first, links the others (rel=prev/next, the page
numbers) and carries the banner of the whole index; the manifest records every page by
hash, so a later build replaces or removes only pages briefgen wrote.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import briefgen.render.site_index as site_index
from briefgen.publish.manifest import is_index_page
from briefgen.render.site_index import SiteIndexView, index_pages, page_file
from build_helpers import assert_consistent, compact_sheet, parse_html, run_cli, write_sheet


def _build(sheets: Path, out: Path, *args: str):
    return run_cli(["build", sheets, "-o", out, "--no-pdf", *args])


def _sheets(folder: Path, count: int, sensitive: tuple[int, ...] = ()) -> None:
    """`count` briefs, brief-00 the newest meeting; the numbers in `sensitive` are OFFICIAL-SENSITIVE."""
    for number in range(count):
        day = dt.date(2025, 6, 30) - dt.timedelta(days=number)
        changes = {"meeting__date": day.isoformat(), "document__date": day.isoformat(), "title": f"Talks {number:02d}"}
        if number in sensitive:
            changes["classification"] = {"level": "OFFICIAL-SENSITIVE", "scheme": "uk"}
        write_sheet(folder, compact_sheet(f"brief-{number:02d}", **changes))


def _page(out: Path, name: str):
    return parse_html((out / name).read_text(encoding="utf-8"))


def _row_titles(page) -> list[str]:
    return ["".join(span.itertext()).strip() for span in page.iter("span") if span.get("class") == "entry-title"]


def _banner(page) -> str:
    return next("".join(d.itertext()) for d in page.iter("div") if "banner-top" in (d.get("class") or ""))


def _nav_links(page) -> list[tuple[str, str | None, str | None]]:
    navs = [n for n in page.iter("nav") if "index-pages-bottom" in (n.get("class") or "")]
    if not navs:
        return []
    return [("".join(a.itertext()).strip(), a.get("href"), a.get("aria-current") or a.get("rel"))
            for a in navs[0].iter("a")]


def test_page_names_and_numbers() -> None:
    assert [page_file(n) for n in (1, 2, 10)] == ["index.html", "index-2.html", "index-10.html"]
    # The names the manifest takes for the index's pages (and a brief's output never may).
    assert [is_index_page(n) for n in ("index-2.html", "index-10.html", "index.html", "index-1.html",
                                       "index-02.html", "index-2.htm", "brief-2.html")] == [True, True, True, False,
                                                                                            False, False, False]


def test_the_navigation_names_the_first_the_last_and_two_either_side() -> None:
    view = SiteIndexView(title="Briefs", entries=tuple(range(1000)), shown_columns=())  # type: ignore[arg-type]
    pages = index_pages(view, size=100)
    assert [p.page for p in pages] == list(range(1, 11))
    assert {p.pages for p in pages} == {10} and {p.count for p in pages} == {1000}
    fifth = pages[4]
    assert (fifth.first, fifth.last, fifth.previous_href, fifth.next_href) == (401, 500, "index-4.html",
                                                                               "index-6.html")
    assert [link.number if link else None for link in fifth.page_links] == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert [link.number for link in fifth.page_links if link and link.current] == [5]
    assert [link.number if link else None for link in pages[0].page_links] == [1, 2, 3, None, 10]
    assert pages[0].previous_href is None and pages[-1].next_href is None
    # Exactly a page's worth is one page, with no navigation.
    assert [p.pages for p in index_pages(SiteIndexView("B", tuple(range(100)), shown_columns=()), size=100)] == [1]  # type: ignore[arg-type]


def test_a_folder_of_many_briefs_is_indexed_on_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_index, "INDEX_PAGE_SIZE", 2)
    sheets, out = tmp_path / "sheets", tmp_path / "site"
    _sheets(sheets, 5, sensitive=(4,))  # the oldest, on the last page, is the highest
    ran = _build(sheets, out)
    assert ran.exit_code == 0, ran.output
    manifest = assert_consistent(out)
    assert [p["path"] for p in manifest["index_pages"]] == ["index-2.html", "index-3.html"]
    pages = [_page(out, name) for name in ("index.html", "index-2.html", "index-3.html")]
    assert [_row_titles(p) for p in pages] == [["Talks 00", "Talks 01"], ["Talks 02", "Talks 03"], ["Talks 04"]]
    # Every page is marked as the whole index is: each page's search reaches every brief.
    assert [_banner(p) for p in pages] == ["OFFICIAL-SENSITIVE"] * 3
    second = pages[1]
    assert [(link.get("rel"), link.get("href")) for link in second.iter("link") if link.get("rel") in ("prev", "next")] \
        == [("prev", "index.html"), ("next", "index-3.html")]
    assert _nav_links(second) == [("Previous page", "index.html", "prev"), ("1", "index.html", None),
                                  ("2", "index-2.html", "page"), ("3", "index-3.html", None),
                                  ("Next page", "index-3.html", "next")]
    assert "Briefs 3–4 of 5" in "".join(second.itertext())
    assert "Page 2 of 3" in "".join(next(second.iter("title")).itertext())
    # The columns are the same on every page, decided over all of them.
    assert [len(list(next(p.iter("thead")).iter("th"))) for p in pages] == [len(list(next(pages[0].iter("thead")).iter("th")))] * 3

    # No-op: nothing is rewritten.
    before = {name: (out / name).stat().st_mtime_ns for name in ("index.html", "index-2.html", "index-3.html")}
    assert _build(sheets, out).exit_code == 0
    assert {name: (out / name).stat().st_mtime_ns for name in before} == before

    # Fewer briefs: the pages briefgen wrote that the index no longer has are removed.
    for number in (2, 3, 4):
        (sheets / f"brief-{number:02d}.yaml").unlink()
    ran = _build(sheets, out)
    assert ran.exit_code == 0, ran.output
    manifest = assert_consistent(out)
    assert "index_pages" not in manifest
    assert sorted(p.name for p in out.glob("index*.html")) == ["index.html"]
    only = _page(out, "index.html")
    # No page navigation (the "Across briefs" one is not the pages').
    assert not _nav_links(only) and not [n for n in only.iter("nav") if "index-pages" in (n.get("class") or "")]
    assert "of 2" not in "".join(next(only.iter("title")).itertext())


def test_a_hand_edited_page_is_left_alone_and_a_foreign_one_refused(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_index, "INDEX_PAGE_SIZE", 2)
    sheets, out = tmp_path / "sheets", tmp_path / "site"
    _sheets(sheets, 5)
    assert _build(sheets, out).exit_code == 0
    (out / "index-3.html").write_text("corrected by hand", encoding="utf-8")
    for number in (3, 4):
        (sheets / f"brief-{number:02d}.yaml").unlink()
    ran = _build(sheets, out)
    assert ran.exit_code == 1, ran.output
    assert f"warning: left alone: {out / 'index-3.html'} was changed by hand" in ran.stderr
    assert (out / "index-3.html").read_text(encoding="utf-8") == "corrected by hand"
    manifest = assert_consistent(out)
    assert manifest["left_alone"] == ["index-3.html"]

    # A page briefgen never wrote, where it would write one, stops the build before any change.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "index-2.html").write_text("someone else's", encoding="utf-8")
    (fresh / "manifest.json").write_text('{"generator": "briefgen", "format": 1, "briefs": []}', encoding="utf-8")
    ran = _build(sheets, fresh)
    assert ran.exit_code != 0
    assert "index-2.html exists and was not written by briefgen" in ran.output + ran.stderr
    assert (fresh / "index-2.html").read_text(encoding="utf-8") == "someone else's"


def test_no_brief_may_take_the_name_of_an_index_page(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    write_sheet(sheets, compact_sheet("index-2"))
    ran = run_cli(["check", sheets])
    assert ran.exit_code == 1
    assert "reserved-id" in ran.output and "index-2" in ran.output


def test_the_packaged_page_size_cuts_at_one_hundred(tmp_path: Path) -> None:
    sheets, out = tmp_path / "sheets", tmp_path / "site"
    _sheets(sheets, 101)
    assert _build(sheets, out).exit_code == 0
    assert len(_row_titles(_page(out, "index.html"))) == 100
    assert _row_titles(_page(out, "index-2.html")) == ["Talks 100"]
    assert not (out / "index-3.html").exists()
