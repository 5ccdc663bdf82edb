"""The site index links to the pages across briefs and filters by their countries and frameworks (issue 22).

The index of briefs/ is built by the real CLI (HTML only) and parsed: each row's countries and
frameworks link to countries/IN.html, frameworks/KEY.html; "Across briefs" links each kind's
listing page; the country and framework selects offer what the listed records name, and a
release's index only what its released records name.
"""

from __future__ import annotations

import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefgen.records import BriefRecord
from briefgen.render.site_index import site_index_view
from briefgen.render.templates import render_index
from briefgen.sheet.mentions import FrameworkMention, Mentions, PersonMention
from briefgen.sheet.registry import read_registry
from briefgen.theme import Theme
from build_helpers import ROOT, find_all, parse_html, run_cli, text_of


def _project(folder: Path) -> Path:
    """This repository's briefs, briefgen.toml and registry.yaml, copied: a build reads them, never writes there."""
    shutil.copytree(ROOT / "briefs", folder / "briefs")
    for name in ("briefgen.toml", "registry.yaml"):
        shutil.copy(ROOT / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ET.Element]:
    """The index of briefs/ for everyone and for the public audience, parsed."""
    project = _project(tmp_path_factory.mktemp("across-index"))
    pages = {}
    for name, args in (("all", []), ("public", ["--public"])):
        ran = run_cli(["build", "briefs", "-o", project / name, "--no-pdf", *args], cwd=project)
        assert ran.exit_code == 0, ran.output
        pages[name] = parse_html((project / name / "index.html").read_text(encoding="utf-8"))
    return pages


def _row(index: ET.Element, href: str) -> ET.Element:
    """The index row whose title links to `href`."""
    rows = [tr for tr in index.iter("tr") if any(a.get("href") == href for span in find_all(tr, "span",
            **{"class": "entry-title"}) for a in span.iter("a"))]
    assert len(rows) == 1, href
    return rows[0]


def _links(row: ET.Element, css: str) -> list[tuple[str, str | None]]:
    return [(text_of(a), a.get("href")) for span in find_all(row, "span", **{"class": css}) for a in span.iter("a")]


def _options(index: ET.Element, select_id: str) -> list[tuple[str | None, str]] | None:
    """The options of the select `select_id` after "All", or None when the index has no such select."""
    found = [s for s in index.iter("select") if s.get("id") == select_id]
    if not found:
        return None
    options = [(o.get("value"), text_of(o)) for o in found[0].iter("option")]
    assert options[0] == ("", "All")
    return options[1:]


def _across(index: ET.Element) -> list[tuple[str, str | None]]:
    navs = [n for n in index.iter("nav") if n.get("class") == "index-across"]
    return [(text_of(a), a.get("href")) for nav in navs for a in nav.iter("a")]


def test_a_row_links_its_countries_and_frameworks_to_their_pages(built: dict[str, ET.Element]) -> None:
    index = built["all"]
    row = _row(index, "g20-2025.html")
    assert _links(row, "entry-countries") == [("India", "countries/IN.html"), ("Japan", "countries/JP.html")]
    # In the sheet's order, by the name their page has (the registry's when the build has one, else the sheet's).
    frameworks = _links(row, "entry-frameworks")
    assert ("Japan–India Joint Vision for the Next Decade", "frameworks/japan-india-joint-vision.html") in frameworks
    assert ("Free and Open Indo-Pacific", "frameworks/free-and-open-indo-pacific.html") in frameworks
    # The filter reads ISO codes and keys, never names.
    assert row.get("data-country") == "IN|JP"
    assert set(row.get("data-framework", "").split("|")) == {href.removeprefix("frameworks/").removesuffix(".html")
                                                             for _, href in frameworks if href}
    quad = _row(index, "summit-four-leaders.html")
    assert _links(quad, "entry-countries") == [("Australia", "countries/AU.html"), ("India", "countries/IN.html"),
                                               ("Japan", "countries/JP.html"), ("United States", "countries/US.html")]
    # A brief that names no framework has no framework links, and an empty attribute.
    ghana = _row(index, "uk-minister-brief.html")
    assert not _links(ghana, "entry-frameworks") and ghana.get("data-framework") == ""


def test_the_index_links_the_listing_page_of_each_kind(built: dict[str, ET.Element]) -> None:
    assert _across(built["all"]) == [("Countries", "countries/index.html"), ("Frameworks", "frameworks/index.html"),
                                     ("People", "people/index.html"), ("Commitments", "commitments/index.html")]


def test_the_filters_offer_the_countries_and_frameworks_of_the_rows(built: dict[str, ET.Element]) -> None:
    index = built["all"]
    countries = _options(index, "filter-country")
    assert countries is not None
    # By name, as the house writes it; the value is the ISO code the rows carry.
    assert ("IN", "India") in countries and ("GB", "United Kingdom") in countries and ("PH", "Philippines") in countries
    assert [name for _, name in countries] == sorted((name for _, name in countries), key=str.casefold)
    codes = {code for tr in index.iter("tr") for code in (tr.get("data-country") or "").split("|") if code}
    assert {code for code, _ in countries} == codes
    frameworks = _options(index, "filter-framework")
    assert frameworks is not None
    keys = {key for tr in index.iter("tr") for key in (tr.get("data-framework") or "").split("|") if key}
    assert {key for key, _ in frameworks} == keys
    assert ("quad-infrastructure-fellowships-example", "Quad Infrastructure Fellowships (example)") in frameworks


def test_a_release_index_offers_only_what_its_released_records_name(built: dict[str, ET.Element]) -> None:
    public, everything = built["public"], built["all"]
    rows = [tr for tr in public.iter("tr") if tr.get("data-kind")]
    assert len(rows) == 3  # the example and the two earlier Japan–India meetings
    # Every public brief names India and Japan: a country filter would hide nothing, so there is none.
    assert _options(public, "filter-country") is None
    assert {tr.get("data-country") for tr in rows} == {"IN|JP"}
    frameworks = _options(public, "filter-framework")
    assert frameworks == [("free-and-open-indo-pacific", "Free and Open Indo-Pacific"),
                          ("japan-india-joint-vision", "Japan–India Joint Vision for the Next Decade")]
    # What only withheld briefs name is neither an option nor a link there, though the full index has it.
    assert ("quad-infrastructure-fellowships-example", "Quad Infrastructure Fellowships (example)") \
        in (_options(everything, "filter-framework") or [])
    hrefs = {a.get("href") for a in public.iter("a")}
    assert "countries/AU.html" not in hrefs and "countries/PH.html" not in hrefs
    assert not [h for h in hrefs if h and "quad" in h]
    assert {"countries/IN.html", "countries/JP.html", "frameworks/japan-india-joint-vision.html"} <= hrefs


# --- the view, from records ------------------------------------------------------------------


def _record(number: int, people: tuple[tuple[str, str], ...] = (), frameworks: tuple[str, ...] = ()) -> BriefRecord:
    mentions = Mentions(people=tuple(PersonMention(("participants", i), name, country)
                                     for i, (name, country) in enumerate(people)),
                        frameworks=tuple(FrameworkMention(("frameworks", i), name, "reaffirmed")
                                         for i, name in enumerate(frameworks)))
    return BriefRecord(id=f"brief-{number}", title=f"Talks {number}", kind="readout",
                       meeting_date=dt.date(2025, 1, number), occasion=None, venue=None, level="OFFICIAL",
                       scheme="uk", banner="OFFICIAL", tone="official", audience=None, pages=1,
                       outputs={"html": f"brief-{number}.html"}, mentions=mentions)


def test_the_navigation_names_only_kinds_the_records_have() -> None:
    assert site_index_view([_record(1)]).across_links == ()
    people_only = site_index_view([_record(1, people=(("A", "IN"),))])
    assert [(link.kind, link.href) for link in people_only.across_links] == [
        ("countries", "countries/index.html"), ("people", "people/index.html")]
    both = site_index_view([_record(1, people=(("A", "IN"),)), _record(2, frameworks=("Quad",))])
    assert [link.label for link in both.across_links] == ["Countries", "Frameworks", "People"]


def test_names_and_labels_are_in_the_index_language() -> None:
    records = [_record(1, people=(("A", "IN"), ("B", "JP"))), _record(2, people=(("C", "KR"),))]
    view = site_index_view(records, locale="ja")
    # By name (code-point order: the project has no collation for Japanese).
    assert [(o.key, o.name) for o in view.country_options] == [("IN", "インド"), ("JP", "日本"), ("KR", "韓国")]
    assert view.across_links[0].label == "国"
    french = site_index_view(records, locale="fr")
    assert [link.label for link in french.across_links] == ["Pays", "Personnes"]


def test_the_registry_keys_and_names_frameworks_as_their_pages_do() -> None:
    registry, report = read_registry("registry.yaml", (
        b"format: 1\nframeworks:\n  - ref: quad-fellowships\n    name: Quad Infrastructure Fellowships\n"
        b"    aliases: [QIF]\n"))
    assert registry is not None and not report.errors, report
    records = [_record(1, frameworks=("QIF", "Other <b>one</b> & more")), _record(2)]
    view = site_index_view(records, registry=registry)
    entry = next(e for e in view.entries if e.id == "brief-1")
    assert [(f.key, f.name, f.href) for f in entry.framework_links] == [
        ("quad-fellowships", "Quad Infrastructure Fellowships", "frameworks/quad-fellowships.html"),
        ("other-b-one-b-more", "Other <b>one</b> & more", "frameworks/other-b-one-b-more.html")]
    # Without the registry, the alias is a name of its own, keyed by its slug.
    unregistered = next(e for e in site_index_view(records).entries if e.id == "brief-1")
    assert [(f.key, f.name) for f in unregistered.framework_links][0] == ("qif", "QIF")
    html = render_index(view, Theme.default())
    page = parse_html(html)
    # Names are escaped text; the filter's attributes and values are keys.
    assert "<b>one</b>" not in html
    assert [(o.get("value"), text_of(o)) for o in page.iter("option") if o.get("value", "").startswith(("q", "o"))] \
        == [("other-b-one-b-more", "Other <b>one</b> & more"), ("quad-fellowships", "Quad Infrastructure Fellowships")]
    assert [tr.get("data-framework") for tr in page.iter("tr") if tr.get("data-kind")] == [
        "", "quad-fellowships|other-b-one-b-more"]  # newest meeting first
