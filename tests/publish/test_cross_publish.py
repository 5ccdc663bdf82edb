"""Publishing the pages across briefs: written from the final records, recorded in the manifest by hash and
inputs, drawn again only where their inputs changed, removed when their subject is gone, owned by hash."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from build_helpers import ROOT, assert_consistent, build_in_process, compact_sheet, file_identity, run_cli, write_sheet

KIND_FOLDERS = ("countries", "frameworks", "people", "commitments")


def _talks(sheet_id: str, date: str, status: str = "reaffirmed", sector_status: str = "agreed",
           **changes: Any) -> dict[str, Any]:
    """Two countries' talks naming one framework and one commitment by ref."""
    fields: dict[str, Any] = dict(
        title=f"Talks {sheet_id}", meeting__date=date, document__date=date,
        participants=[{"name": "Anna Example", "ref": "anna-example", "title": "Minister", "country": "FR",
                       "role": "principal"},
                      {"name": "Ben Example", "ref": "ben-example", "title": "Minister", "country": "DE",
                       "role": "principal"}],
        frameworks=[{"name": "Rhine Accord", "ref": "rhine-accord", "status": status}],
        commitments=[{"sector": "Hydrogen", "ref": "rhine-hydrogen", "summary": "A hydrogen corridor.",
                      "status": sector_status, "parties": ["FR", "DE"], "sources": ["joint-statement"]}])
    return compact_sheet(sheet_id, **{**fields, **changes})


def _pages(out: Path) -> dict[str, tuple[int, int] | None]:
    return {p.relative_to(out).as_posix(): file_identity(p)
            for kind in KIND_FOLDERS if (out / kind).is_dir() for p in sorted((out / kind).iterdir())}


@pytest.fixture()
def two_meetings(tmp_path: Path) -> Path:
    sheets = tmp_path / "sheets"
    write_sheet(sheets, _talks("spring", "2025-03-01", status="launched", sector_status="announced"))
    write_sheet(sheets, _talks("autumn", "2025-10-01"))
    return sheets


def test_the_site_of_the_example_briefs_has_a_page_for_every_subject(tmp_path: Path) -> None:
    out = tmp_path / "site"
    ran = run_cli(["build", ROOT / "briefs", "-o", out, "--no-pdf"], cwd=ROOT)
    assert ran.exit_code == 0, ran.output
    manifest = assert_consistent(out)
    recorded = {page["path"] for page in manifest["cross_pages"]}
    for name in ("countries/IN.html", "countries/JP.html", "countries/index.html",
                 "frameworks/japan-india-joint-vision.html", "people/narendra-modi.html",
                 "people/sanae-takaichi.html", "commitments/japan-india-investment-target.html"):
        assert name in recorded, name
        assert (out / name).is_file(), name
    # Every page across briefs links to briefs that are in the folder.
    joint_vision = (out / "frameworks/japan-india-joint-vision.html").read_text(encoding="utf-8")
    for brief in ("g20-2025", "tokyo-annual-summit-2025"):
        assert f"../{brief}.html#framework-" in joint_vision, brief


def test_a_no_op_rebuild_draws_and_writes_no_page(two_meetings: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = build_in_process([two_meetings], out)
    assert first.published is not None and len(first.published.cross_drawn) == len(_pages(out))
    before, manifest = _pages(out), (out / "manifest.json").read_bytes()
    assert "frameworks/rhine-accord.html" in before and "countries/FR.html" in before
    again = build_in_process([two_meetings], out)
    assert again.published is not None and again.published.cross_drawn == ()
    assert _pages(out) == before
    assert (out / "manifest.json").read_bytes() == manifest


def test_a_status_change_draws_again_only_the_pages_that_show_it(two_meetings: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_in_process([two_meetings], out)
    before = _pages(out)
    write_sheet(two_meetings, _talks("autumn", "2025-10-01", status="launched"))
    built = build_in_process([two_meetings], out)
    after = _pages(out)
    assert built.published is not None
    # Drawn again: the pages whose inputs hold the framework's status, and no other.
    assert "frameworks/rhine-accord.html" in built.published.cross_drawn
    assert "people/anna-example.html" not in built.published.cross_drawn
    assert len(built.published.cross_drawn) < len(after) / 2, built.published.cross_drawn
    changed = sorted(name for name in after if after[name] != before.get(name))
    # The framework's page and its kind's listing show the status; people, the commitment and the countries
    # list the same briefs as before (the countries' pages show no framework status).
    assert "frameworks/rhine-accord.html" in changed
    for unchanged in ("people/anna-example.html", "commitments/rhine-hydrogen.html"):
        assert unchanged not in changed, changed
    assert_consistent(out)


def test_a_subject_no_brief_names_any_more_loses_its_page(two_meetings: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_in_process([two_meetings], out)
    assert (out / "commitments/rhine-hydrogen.html").exists()
    for sheet_id, date in (("spring", "2025-03-01"), ("autumn", "2025-10-01")):
        write_sheet(two_meetings, _talks(sheet_id, date, commitments=None))
    build_in_process([two_meetings], out)
    assert not (out / "commitments/rhine-hydrogen.html").exists()
    assert not (out / "commitments").exists()  # the folder it left empty goes too
    manifest = assert_consistent(out)
    assert not any(p["path"].startswith("commitments/") for p in manifest["cross_pages"])


def test_a_page_changed_by_hand_is_left_alone_and_reported(two_meetings: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli(["build", two_meetings, "-o", out, "--no-pdf"]).exit_code == 0
    page = out / "frameworks/rhine-accord.html"
    page.write_text("edited by hand", encoding="utf-8")
    write_sheet(two_meetings, _talks("autumn", "2025-10-01", status="launched"))
    ran = run_cli(["build", two_meetings, "-o", out, "--no-pdf"])
    assert ran.exit_code == 1, ran.output
    assert f"left alone: {page}" in ran.output
    assert page.read_text(encoding="utf-8") == "edited by hand"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "frameworks/rhine-accord.html" not in {p["path"] for p in manifest["cross_pages"]}
    assert "frameworks/rhine-accord.html" in manifest["left_alone"]


def test_a_file_briefgen_never_wrote_at_a_page_name_refuses_the_build(two_meetings: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli(["build", two_meetings, "-o", out, "--no-pdf"]).exit_code == 0
    os.remove(out / "countries/FR.html")
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["cross_pages"] = [p for p in manifest["cross_pages"] if p["path"] != "countries/FR.html"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    (out / "countries/FR.html").write_text("someone else's page", encoding="utf-8")
    ran = run_cli(["build", two_meetings, "-o", out, "--no-pdf"])
    assert ran.exit_code == 2, ran.output
    assert "was not written by briefgen" in ran.output
    assert (out / "countries/FR.html").read_text(encoding="utf-8") == "someone else's page"


def test_a_kind_folder_that_is_a_link_is_refused_and_nothing_is_written(two_meetings: Path, tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "people").symlink_to(elsewhere, target_is_directory=True)
    ran = run_cli(["build", two_meetings, "-o", out, "--no-pdf"])
    assert ran.exit_code == 2, ran.output
    assert "people" in ran.output and "link" in ran.output
    assert list(elsewhere.iterdir()) == []
    assert not (out / "manifest.json").exists()


def test_a_shard_writes_no_page_and_assemble_draws_them_from_every_shard(two_meetings: Path,
                                                                        tmp_path: Path) -> None:
    shards = []
    for k in (1, 2):
        shard = tmp_path / f"shard{k}"
        ran = run_cli(["build", two_meetings, "-o", shard, "--no-pdf", "--shard", f"{k}/2"])
        assert ran.exit_code == 0, ran.output
        assert not any((shard / kind).exists() for kind in KIND_FOLDERS)
        shards.append(shard)
    site, whole = tmp_path / "site", tmp_path / "whole"
    ran = run_cli(["assemble", *shards, "-o", site])
    assert ran.exit_code == 0, ran.output
    assert run_cli(["build", two_meetings, "-o", whole, "--no-pdf"]).exit_code == 0
    names = sorted(_pages(whole))
    assert sorted(_pages(site)) == names
    for name in names:
        assert (site / name).read_bytes() == (whole / name).read_bytes(), name


def test_the_overdue_day_is_source_date_epochs_when_set(two_meetings: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Two builds of the same sheets on different days make the same pages when SOURCE_DATE_EPOCH is set.
    from briefgen.commands.shared import as_of_day

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert str(as_of_day()) == "2026-01-01"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    ran = run_cli(["build", two_meetings, "-o", tmp_path / "site", "--no-pdf"])
    assert ran.exit_code == 2 and "SOURCE_DATE_EPOCH" in ran.output, ran.output


def test_a_killed_build_leaves_no_temporary_in_a_kind_folder(two_meetings: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_in_process([two_meetings], out)
    leftover = out / "countries" / ".briefgen-tmp-0123456789abcdef-FR.html"
    leftover.write_bytes(b"half a page")
    build_in_process([two_meetings], out)
    assert not leftover.exists()
    assert_consistent(out)


def test_a_release_copy_of_the_folder_keeps_its_pages(two_meetings: Path, tmp_path: Path) -> None:
    # A copied folder (a deploy) is recognised as briefgen's: the pages' bytes are what the manifest says.
    out = tmp_path / "site"
    build_in_process([two_meetings], out)
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    before = {n: (copy / n).read_bytes() for n in _pages(copy)}
    build_in_process([two_meetings], copy)
    assert {n: (copy / n).read_bytes() for n in _pages(copy)} == before


def test_the_site_index_is_drawn_again_only_when_what_it_shows_changed(two_meetings: Path, tmp_path: Path) -> None:
    # What publish does on a no-op, for the index as for the pages across briefs: at 3,000 briefs, drawing the
    # index's 30 pages was a third of a no-op rebuild.
    out = tmp_path / "site"
    first = build_in_process([two_meetings], out)
    assert first.published is not None and first.published.index_drawn
    index = file_identity(out / "index.html")
    again = build_in_process([two_meetings], out)
    assert again.published is not None and not again.published.index_drawn
    assert file_identity(out / "index.html") == index
    write_sheet(two_meetings, _talks("autumn", "2025-10-01", title="Autumn talks, renamed"))
    edited = build_in_process([two_meetings], out)
    assert edited.published is not None and edited.published.index_drawn
    assert "Autumn talks, renamed" in (out / "index.html").read_text(encoding="utf-8")
    # Another locale draws it again; so does a page of it that no longer holds the bytes recorded.
    assert build_in_process([two_meetings], out, locales=("fr",)).published.index_drawn  # type: ignore[union-attr]
    (out / "index.html").write_text("edited by hand", encoding="utf-8")
    touched = build_in_process([two_meetings], out, locales=("fr",))
    assert touched.published is not None and touched.published.index_drawn
    assert touched.published.left_alone and (out / "index.html").read_text(encoding="utf-8") == "edited by hand"
