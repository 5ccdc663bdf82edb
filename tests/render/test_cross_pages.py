"""Pages across briefs: built from the records of a real build of briefs/, parsed back, printed and looked at.

Every brief naming a subject, newest first, with its status then and a link that lands on the
item's row in the brief's page; a commitment's timeline (status and amount changes, follow-ups
overdue or not); a country's pictures with the same data in the table beside them, in the PDF too;
digests that change when what a page shows changes, and equal digests giving equal bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from briefgen.across.history import CrossIndex, cross_index
from briefgen.publish.manifest import Manifest
from briefgen.records import BriefRecord
from briefgen.render.cross_pages import CrossPage, cross_page_list, render_cross_page
from briefgen.sheet.registry import read_registry
from briefgen.theme import Theme
from build_helpers import ROOT, build_in_process, find_all, page_texts, parse_html, pdf_reader, text_of

SVG = "{http://www.w3.org/2000/svg}"
#: The day after the example's follow-up falls due (2026-08-29), and that day itself.
LATE, ON_THE_DAY = _dt.date(2026, 8, 30), _dt.date(2026, 8, 29)
SHEETS = ("briefs/g20-2025.yaml", "briefs/history/tokyo-annual-summit-2025.yaml",
          "briefs/history/leaders-call-2025-10.yaml", "briefs/examples/uk-secret-draft.yaml")


def records_of(out: Path) -> list[BriefRecord]:
    """The records the manifest of a built folder holds: what publishing hands the pages."""
    manifest = Manifest.read(out)
    assert manifest is not None
    return [entry.record for entry in manifest.briefs.values()]


def registry() -> Any:
    found, report = read_registry("registry.yaml", (ROOT / "registry.yaml").read_bytes())
    assert found is not None, report
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cross") / "site"
    built = build_in_process([ROOT / s for s in SHEETS], out)
    assert built.published is not None
    return out


@pytest.fixture(scope="module")
def index(site: Path) -> CrossIndex:
    return cross_index(records_of(site), registry())


def pages_of(index: CrossIndex, **options: Any) -> dict[tuple[str, str | None], CrossPage]:
    options.setdefault("locale", None)
    options.setdefault("as_of", LATE)
    options.setdefault("pdf", False)
    return {(p.kind, p.key): p for p in cross_page_list(index, Theme.default(), **options)}


def rendered(index: CrossIndex, kind: str, key: str | None, as_of: _dt.date = LATE, locale: str | None = None,
             pdf: bool = False) -> dict[str, bytes]:
    page = pages_of(index, as_of=as_of, locale=locale, pdf=pdf)[(kind, key)]
    return render_cross_page(page, index, Theme.default(), locale=locale, as_of=as_of)


def html_of(index: CrossIndex, kind: str, key: str | None, **options: Any) -> Any:
    files = rendered(index, kind, key, **options)
    return parse_html(files[f"{kind}/{key or 'index'}.html"].decode("utf-8"))


def rows_of(root: Any, table_class: str) -> list[list[str]]:
    """The text of each cell of each row; a cell that starts with a link, the link's text."""
    (table,) = find_all(root, "table", class_=table_class)

    def cell(td: Any) -> str:
        link = td.find("a")
        return text_of(link) if link is not None and not (td.text or "").strip() else text_of(td)

    return [[cell(td) for td in tr.iter("td")] for tr in table.find("tbody").iter("tr")]


# --- which pages there are ------------------------------------------------------------------------


def test_every_subject_has_a_page_and_every_kind_a_listing(index: CrossIndex) -> None:
    pages = pages_of(index, pdf=True)
    for kind in ("countries", "frameworks", "people", "commitments"):
        assert pages[(kind, None)].outputs == (f"{kind}/index.html",)
        assert {key for k, key in pages if k == kind and key} == set(index.of(kind))
    assert pages[("countries", "IN")].outputs == ("countries/IN.html", "countries/IN.pdf")
    assert pages[("frameworks", "japan-india-joint-vision")].outputs == ("frameworks/japan-india-joint-vision.html",)
    assert pages_of(index)[("countries", "IN")].outputs == ("countries/IN.html",)
    assert list(pages_of(index, pdf=True)) == list(pages), "the order is stable"


# --- what a subject's page shows ------------------------------------------------------------------


def test_a_framework_page_lists_its_briefs_newest_first_with_the_status_then(index: CrossIndex) -> None:
    root = html_of(index, "frameworks", "japan-india-joint-vision")
    dates = [t.get("datetime") for t in find_all(root, "time")]
    assert dates == ["2025-11-23", "2025-08-29"]
    assert [row[2] for row in rows_of(root, "cross-table")] == ["Reaffirmed", "Launched"]
    assert text_of(root.find(".//h1")) == "Japan–India Joint Vision for the Next Decade"
    links = [a.get("href") for a in root.iter("a")]
    assert "../g20-2025.html#framework-1" in links and "../tokyo-annual-summit-2025.html#framework-1" in links
    assert "../index.html" in links and "../countries/IN.html" in links and "../commitments/index.html" in links


def test_a_person_page_shows_the_role_then(index: CrossIndex) -> None:
    root = html_of(index, "people", "narendra-modi")
    rows = rows_of(root, "cross-table")
    assert [row[2] for row in rows] == ["Principal"] * 3
    assert [row[3] for row in rows] == ["India"] * 3
    assert [t.get("datetime") for t in find_all(root, "time")] == ["2025-11-23", "2025-10-29", "2025-08-29"]


def test_every_link_lands_on_a_page_and_an_id_that_exist(site: Path, index: CrossIndex, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    shutil.copytree(site, folder)
    theme = Theme.default()
    for page in cross_page_list(index, theme, locale=None, as_of=LATE, pdf=False):
        for name, data in render_cross_page(page, index, theme, locale=None, as_of=LATE).items():
            (folder / name).parent.mkdir(exist_ok=True)
            (folder / name).write_bytes(data)
    checked = 0
    ids: dict[Path, set[str]] = {}
    for page in folder.glob("*/*.html"):
        for a in parse_html(page.read_text("utf-8")).iter("a"):
            href = a.get("href")
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc, href
            target = (page.parent / parts.path).resolve()
            assert target.is_file(), f"{page.relative_to(folder)} links to {href}, which is not there"
            if parts.fragment:
                if target not in ids:
                    ids[target] = {e.get("id") for e in parse_html(target.read_text("utf-8")).iter() if e.get("id")}
                assert parts.fragment in ids[target], f"{page.name}: no id {parts.fragment} in {target.name}"
            checked += 1
    assert checked > 100


def test_a_commitment_page_shows_its_status_change(index: CrossIndex) -> None:
    root = html_of(index, "commitments", "japan-india-economic-security")
    steps = find_all(root, "li", class_="timeline-step")
    assert [s.find(".//time").get("datetime") for s in steps] == ["2025-08-29", "2025-11-23"], "oldest first"
    assert [text_of(p) for p in find_all(steps[1], "p", class_="step-change")] == [
        "Status changed from Announced to Reaffirmed"]
    assert not find_all(steps[0], "p", class_="step-change")


@pytest.mark.parametrize(("as_of", "state"), [(LATE, "Overdue"), (ON_THE_DAY, "Open")])
def test_a_follow_up_is_overdue_only_after_its_day(index: CrossIndex, as_of: _dt.date, state: str) -> None:
    root = html_of(index, "commitments", "japan-india-investment-target", as_of=as_of)
    (row,) = rows_of(root, "follow-up-table")
    assert row[0].startswith("Invented example: report progress") and row[1] == "Asia-Pacific Desk"
    assert row[2] == "29 August 2026" and row[3] == state
    assert row[4] == "15th Japan–India Annual Summit, Tokyo"
    (step,) = [s for s in find_all(root, "li", class_="timeline-step") if find_all(s, "p", class_="step-follow-up")]
    assert text_of(step).endswith(state)


def test_a_commitment_page_shows_an_amount_change(tmp_path: Path) -> None:
    sheets = tmp_path / "briefs"
    (sheets / "history").mkdir(parents=True)
    shutil.copy(ROOT / "briefs/g20-2025.yaml", sheets)
    earlier = (ROOT / "briefs/history/tokyo-annual-summit-2025.yaml").read_text("utf-8")
    assert earlier.count("value: 10000000000000") == 1
    (sheets / "history/tokyo.yaml").write_text(earlier.replace("value: 10000000000000", "value: 8000000000000"),
                                                "utf-8")
    out = tmp_path / "site"
    build_in_process([sheets], out)
    index = cross_index(records_of(out), registry())
    root = html_of(index, "commitments", "japan-india-investment-target")
    steps = find_all(root, "li", class_="timeline-step")
    assert [text_of(p) for p in find_all(steps[1], "p", class_="step-change")] == [
        "Amount changed from ¥8 trillion to ¥10 trillion"]
    assert [text_of(s) for s in find_all(root, "span", class_="amount")] == ["¥8 trillion", "¥10 trillion"]


def test_listings_give_each_subject_its_count_and_latest_date(index: CrossIndex) -> None:
    root = html_of(index, "frameworks", None)
    rows = {row[0]: row for row in rows_of(root, "subject-table")}
    assert rows["Japan–India Joint Vision for the Next Decade"][1:] == ["2", "23 November 2025", "Reaffirmed"]
    assert len(rows) == len(index.of("frameworks"))
    countries = {row[0]: row for row in rows_of(html_of(index, "countries", None), "subject-table")}
    assert countries["India"][1:] == ["3", "23 November 2025"]


# --- markings -------------------------------------------------------------------------------------


def banner_of(root: Any) -> str:
    (top,) = find_all(root, "div", class_="banner-top")
    return text_of(top)


def test_a_page_is_marked_with_the_highest_marking_of_the_briefs_it_names(index: CrossIndex) -> None:
    secret = next(r for r in index.of("people").values() if "uk-secret-draft" in {a.meeting.id for a in r.appearances})
    assert banner_of(html_of(index, "people", None)) == "SECRET - LOCSEN - UK EYES ONLY"
    assert banner_of(html_of(index, "people", secret.key)) == "SECRET - LOCSEN - UK EYES ONLY"
    assert banner_of(html_of(index, "people", "narendra-modi")) == "OFFICIAL"
    assert banner_of(html_of(index, "countries", "IN")) == "OFFICIAL"


# --- the country page's pictures ------------------------------------------------------------------


def test_the_country_pictures_are_images_with_the_same_data_as_their_tables(index: CrossIndex) -> None:
    root = html_of(index, "countries", "IN")
    svgs = list(root.iter(f"{SVG}svg"))
    assert len(svgs) == 2
    for svg in svgs:
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    meetings, commitments = svgs
    assert svgs[0].get("id") == "chart-meetings"
    assert text_of(meetings.find(f"{SVG}title")) == "Meetings with India"
    (table,) = find_all(root, "table", id="chart-meetings-table")
    table_days = sorted(t.get("datetime") for t in table.iter("time"))
    assert sorted(c.get("data-date") for c in meetings.iter(f"{SVG}circle") if c.get("class") == "meeting") == \
        table_days == ["2025-08-29", "2025-10-29", "2025-11-23"]
    assert text_of(meetings.find(f"{SVG}desc")) == "Meetings: 3, from 29 August 2025 to 23 November 2025."
    marks = sorted((g.get("data-sector"), g.get("data-date"), g.get("data-status").capitalize())
                   for g in commitments.iter(f"{SVG}g") if g.get("class") == "status-mark")
    (table,) = find_all(root, "table", id="chart-commitments-table")
    cells = sorted((text_of(tds[0]), tds[1].find("time").get("datetime"), text_of(tds[2]))
                   for tds in ([*tr.iter("td")] for tr in table.find("tbody").iter("tr")))
    assert marks == cells
    assert ("Economic security", "2025-08-29", "Announced") in cells
    assert ("Economic security", "2025-11-23", "Reaffirmed") in cells
    assert ("Investment", "2025-11-23", "Agreed") in cells
    groups = {h.get("id"): h for h in root.iter("h2")}
    assert {"group-frameworks", "group-commitments", "group-people"} <= set(groups)


def test_the_country_pdf_holds_the_tables_and_prints_the_pictures(index: CrossIndex, tmp_path: Path) -> None:
    files = rendered(index, "countries", "IN", pdf=True)
    reader = pdf_reader(files["countries/IN.pdf"])
    texts = page_texts(reader)
    whole = " ".join(" ".join(texts).split())
    for text in ("The meetings on the timeline", "15th Japan–India Annual Summit, Tokyo",
                 "Each commitment's status at each meeting", "Economic security", "Announced", "Reaffirmed",
                 "Japan–India Joint Vision for the Next Decade"):
        assert text in whole, text
    assert "Economic security 29 August 2025 Announced" in whole, "the table's row, not only the picture's labels"
    assert all("OFFICIAL" in text for text in texts), "the banner on every page"
    assert f"Page 1 of {len(texts)}" in " ".join(texts[0].split())
    assert not any(page.get("/Annots") for page in reader.pages), "no links to the machine that printed it"
    (tmp_path / "IN.pdf").write_bytes(files["countries/IN.pdf"])
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(tmp_path / "IN.pdf"),
                    str(tmp_path / "page")], check=True)
    from PIL import Image

    (png,) = tmp_path.glob("page*.png")
    colours = {rgb for _, rgb in Image.open(png).convert("RGB").getcolors(1 << 24) or ()}

    def near(rgb: tuple[int, int, int]) -> bool:
        return any(sum(abs(a - b) for a, b in zip(rgb, c, strict=True)) < 30 for c in colours)

    # The meetings' dots (the accent) and the chart's marks (agreed, reaffirmed, announced) are drawn.
    assert near((0x1F, 0x3A, 0x5F)) and near((0x00, 0x73, 0x4F)) and near((0x00, 0x57, 0xA3)) \
        and near((0x7A, 0x3E, 0x9D))


def test_a_page_in_another_language(index: CrossIndex) -> None:
    root = html_of(index, "countries", "IN", locale="fr")
    assert root.get("lang") == "fr"
    assert text_of(root.find(".//h1")) == "Inde"
    headings = [text_of(h) for h in root.iter("h2")]
    assert "Chronologie des réunions" in headings and "Engagements par secteur" in headings
    assert "23 novembre 2025" in [text_of(t) for t in root.iter("time")]


# --- digests --------------------------------------------------------------------------------------


def test_equal_inputs_give_equal_bytes(index: CrossIndex) -> None:
    assert pages_of(index) == pages_of(index)
    assert rendered(index, "countries", "IN") == rendered(index, "countries", "IN")
    # The overdue state is what a page shows of the day: a page whose follow-ups do not change keeps its digest.
    late, soon = pages_of(index, as_of=LATE), pages_of(index, as_of=ON_THE_DAY)
    assert late[("commitments", "japan-india-investment-target")] != soon[("commitments", "japan-india-investment-target")]
    assert late[("commitments", "japan-india-economic-security")] == soon[("commitments", "japan-india-economic-security")]
    assert rendered(index, "commitments", "japan-india-economic-security", as_of=LATE) == \
        rendered(index, "commitments", "japan-india-economic-security", as_of=ON_THE_DAY)
    assert {k: p for k, p in late.items() if k[0] != "commitments"} == \
        {k: p for k, p in soon.items() if k[0] != "commitments"}
    assert pages_of(index, locale="fr")[("countries", None)] != late[("countries", None)]


def test_a_status_change_changes_the_digest_of_every_page_that_shows_it(site: Path) -> None:
    records = records_of(site)
    before = pages_of(cross_index(records, registry()))

    def reaffirmed_again(record: BriefRecord) -> BriefRecord:
        if record.id != "g20-2025":
            return record
        commitments = tuple(dataclasses.replace(c, status="agreed") if c.ref == "japan-india-economic-security" else c
                            for c in record.mentions.commitments)
        return dataclasses.replace(record, mentions=dataclasses.replace(record.mentions, commitments=commitments))

    changed = cross_index([reaffirmed_again(r) for r in records], registry())
    after = pages_of(changed)
    differ = {key for key in before if before[key].inputs != after[key].inputs}
    assert differ == {("commitments", "japan-india-economic-security"), ("commitments", None),
                      ("countries", "IN"), ("countries", "JP")}
    root = parse_html(render_cross_page(after[("commitments", "japan-india-economic-security")], changed,
                                        Theme.default(), locale=None, as_of=LATE)
                      ["commitments/japan-india-economic-security.html"].decode())
    assert [row[2] for row in rows_of(root, "cross-table")] == ["Agreed", "Announced"]
