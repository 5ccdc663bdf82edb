"""pipeline.build in-process: what a build renders, reuses and publishes, and what it tells its progress."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.records import Outcome
from build_helpers import EXAMPLE, build_in_process, compact_sheet, write_sheet


class Recorded:
    """A pipeline.BuildProgress that remembers what it was told."""

    def __init__(self) -> None:
        self.told: list[tuple[str, object]] = []

    def start(self, total: int) -> None:
        self.told.append(("start", total))

    def done(self, outcome: Outcome) -> None:
        self.told.append(("done", outcome.sheet_id))

    def stop(self) -> None:
        self.told.append(("stop", None))


@pytest.fixture()
def sheets(tmp_path: Path) -> Path:
    folder = tmp_path / "briefs"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    write_sheet(folder, compact_sheet("alpha"))
    write_sheet(folder, compact_sheet("bravo"))
    return folder


def test_a_second_build_reuses_every_brief_and_renders_none(sheets: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first, progress = build_in_process([sheets], out), Recorded()
    assert first.unchanged == frozenset()
    assert first.published is not None
    assert sorted(brief for brief, _, _ in first.published.written) == ["alpha", "bravo", "g20-2025"]
    written = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}  # the search index's files too
    second = build_in_process([sheets], out, progress=progress)
    assert second.unchanged == {"alpha", "bravo", "g20-2025"}
    assert [o.sheet_id for o in second.outcomes] == [o.sheet_id for o in first.outcomes]
    assert progress.told == [("start", 0), ("stop", None)]  # nothing left to render
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == written


def test_an_edited_sheet_is_the_only_one_rendered_again(sheets: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_in_process([sheets], out)
    write_sheet(sheets, compact_sheet("bravo", title="Bravo talks, second round"))
    progress = Recorded()
    again = build_in_process([sheets], out, progress=progress)
    assert again.unchanged == {"alpha", "g20-2025"}
    assert progress.told == [("start", 1), ("done", "bravo"), ("stop", None)]
    assert "Bravo talks, second round" in (out / "bravo.html").read_text(encoding="utf-8")


def test_force_renders_every_brief(sheets: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_in_process([sheets], out)
    progress = Recorded()
    forced = build_in_process([sheets], out, force=True, progress=progress)
    assert forced.unchanged == frozenset()
    assert progress.told[0] == ("start", 3) and len([t for t in progress.told if t[0] == "done"]) == 3


def test_outcomes_follow_the_plan_whether_reused_or_rendered(sheets: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_in_process([sheets], out)
    write_sheet(sheets, compact_sheet("alpha", title="Alpha talks, again"))
    again = build_in_process([sheets], out)
    assert [o.sheet_id for o in again.outcomes] == [s.sheet_id for s in again.plan.sheets]
    assert again.unchanged == {"bravo", "g20-2025"}


def test_a_broken_site_index_template_is_a_report_and_nothing_published(sheets: Path, tmp_path: Path) -> None:
    from briefgen.theme import Theme

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "index.html").write_text("{% for %}\n", encoding="utf-8")
    built = build_in_process([sheets], tmp_path / "site", theme=Theme.of(templates))
    assert built.published is None
    problems = [d for r in built.reports for d in r.errors if d.code == "template-error"]
    assert problems and problems[0].path.endswith("index.html")
