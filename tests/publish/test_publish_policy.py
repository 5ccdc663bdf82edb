"""briefgen.publish.policy: what a publish writes, keeps and removes, decided in memory.

The outcomes are real (pipeline.plan and run on the example sheets, HTML only); the
output folder is a map from each name to the sha256 of what is there, so each decision
is tested without a subprocess or a disk. test_publish_safety covers the same ground
end to end, through the CLI.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from briefgen.pipeline import plan, run
from briefgen.publish.manifest import Journal, Manifest, NotOurs
from briefgen.publish.policy import (
    Changes,
    Ownership,
    brief_changes,
    build_stamp,
    index_hash,
    left_alone,
    ready_outcomes,
    sha256,
)
from briefgen.records import Options, Outcome, Plan
from briefgen.release.audience import Audience
from briefgen.theme import Theme

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {"g20-2025": ROOT / "briefs" / "g20-2025.yaml",
            "uk-minister-brief": ROOT / "briefs" / "examples" / "uk-minister-brief.yaml",
            "summit-four-leaders": ROOT / "briefs" / "examples" / "summit-four-leaders.yaml"}
UK_OFFICIALS = Audience("uk-official-sensitive", (("uk", "OFFICIAL-SENSITIVE"),), "GBR")
#: Where the folder is said to be, in the messages: nothing is read or written there.
OUT = Path("/nowhere/site")


class Files:
    """An output folder as the policy sees it, in memory: name → sha256 of a regular file (None: a folder, a link)."""

    def __init__(self, held: Mapping[str, str | None]) -> None:
        self.held = dict(held)

    def hash(self, name: str) -> str | None:
        return self.held.get(name)

    def exists(self, name: str) -> bool:
        return name in self.held


def _sheets(folder: Path, *ids: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet_id in ids:
        shutil.copyfile(EXAMPLES[sheet_id], folder / EXAMPLES[sheet_id].name)
    return folder


def _built(paths: list[Path], audience: Audience | None = None,
           shard: tuple[int, int] | None = None) -> tuple[Plan, list[Outcome]]:
    planned = plan(paths, Options(audience=audience, pdf=False, theme=Theme.default(), shard=shard))
    return planned, [run(job) for job in planned.jobs]


def _decide(planned: Plan, outcomes: list[Outcome], manifest: Manifest | None,
            files: Files) -> tuple[Changes, Ownership]:
    folder = Ownership(OUT, manifest, Journal(), files)
    return brief_changes(planned, ready_outcomes(planned, outcomes), manifest, Journal(), folder), folder


def _published(planned: Plan, outcomes: list[Outcome]) -> tuple[Manifest, Files]:
    """The manifest and files of a folder this plan was published into, from empty."""
    changes, folder = _decide(planned, outcomes, None, Files({}))
    assert not changes.removals
    digest = index_hash(folder, b"<!doctype html><title>index</title>", changes.writes)
    manifest = Manifest(changes.final, digest, left_alone(folder), build_stamp(planned))
    return manifest, Files({name: sha256(data) for name, data in changes.writes.items()})


def _names(changes: Changes) -> set[str]:
    return {output.path for entry in changes.final.values() for output in entry.outputs.values()}


@pytest.fixture(scope="module")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Plan, list[Outcome]]:
    sheets = _sheets(tmp_path_factory.mktemp("full") / "briefs", *EXAMPLES)
    return (sheets, *_built([sheets]))


def test_an_empty_folder_gets_every_planned_output(full_build: tuple[Path, Plan, list[Outcome]]) -> None:
    _, planned, outcomes = full_build
    manifest, files = _published(planned, outcomes)
    assert set(manifest.briefs) == set(EXAMPLES)
    assert set(files.held) == {f"{sheet_id}.html" for sheet_id in EXAMPLES} | {"index.html"}


def test_a_release_never_keeps_a_brief_its_audience_may_no_longer_read(tmp_path: Path) -> None:
    # An earlier release for UK officials held the minister's brief; since, the sheet was raised
    # to SECRET. The same release into the same folder must not keep the copy it made then.
    sheets = _sheets(tmp_path / "briefs", "g20-2025", "uk-minister-brief")
    manifest, files = _published(*_built([sheets], UK_OFFICIALS))
    assert "uk-minister-brief.html" in files.held
    raised = sheets / "uk-minister-brief.yaml"
    marking = "  level: OFFICIAL-SENSITIVE\n  scheme: uk\n  header: OFFICIAL\n"
    text = raised.read_text(encoding="utf-8")
    assert marking in text
    raised.write_text(text.replace(marking, "  level: SECRET\n  scheme: uk\n  header: SECRET\n"), encoding="utf-8")
    planned, outcomes = _built([sheets], UK_OFFICIALS)
    assert [s.sheet_id for s in planned.sheets if s.withheld is not None] == ["uk-minister-brief"]
    changes, folder = _decide(planned, outcomes, manifest, files)
    assert "uk-minister-brief" not in changes.final
    assert "uk-minister-brief.html" in changes.removals
    assert "uk-minister-brief.html" not in _names(changes) | set(changes.writes)
    assert set(changes.final) == {"g20-2025"}
    assert not folder.left_alone


def test_a_file_changed_by_hand_is_left_alone_and_reported(full_build: tuple[Path, Plan, list[Outcome]]) -> None:
    _, planned, outcomes = full_build
    manifest, files = _published(planned, outcomes)
    files.held["g20-2025.html"] = sha256(b"corrected by hand")
    changes, folder = _decide(planned, outcomes, manifest, files)
    assert "g20-2025.html" not in changes.writes
    assert "g20-2025.html" not in changes.removals
    assert dict(changes.final["g20-2025"].outputs) == {}  # no longer listed as briefgen's
    assert left_alone(folder) == ("g20-2025.html",)
    (line,) = folder.left_alone
    assert line.startswith(f"left alone: {OUT / 'g20-2025.html'} was changed by hand")
    # The others are published as before: their bytes are there already, so nothing is written.
    assert not changes.writes
    assert _names(changes) == {f"{sheet_id}.html" for sheet_id in EXAMPLES} - {"g20-2025.html"}


def test_a_file_changed_by_hand_is_not_removed_with_its_brief(full_build: tuple[Path, Plan, list[Outcome]]) -> None:
    sheets, planned, outcomes = full_build
    manifest, files = _published(planned, outcomes)
    files.held["uk-minister-brief.html"] = sha256(b"annotated by hand")
    # Shard 1 of 2 holds summit-four-leaders only: the other briefs go, but the file someone
    # changed stays, and is said to stay.
    shard, shard_outcomes = _built([sheets], shard=(1, 2))
    changes, folder = _decide(shard, shard_outcomes, manifest, files)
    assert changes.removals == ["g20-2025.html"]
    assert left_alone(folder) == ("uk-minister-brief.html",)
    (line,) = folder.left_alone
    assert "did not remove it" in line


def test_a_file_briefgen_never_recorded_is_never_replaced(full_build: tuple[Path, Plan, list[Outcome]]) -> None:
    _, planned, outcomes = full_build
    manifest, files = _published(planned, outcomes)
    del manifest.briefs["g20-2025"]  # the manifest does not list it: whoever wrote it, briefgen did not
    files.held["g20-2025.html"] = sha256(b"someone else's page")
    with pytest.raises(NotOurs, match="g20-2025.html exists and was not written by briefgen"):
        _decide(planned, outcomes, manifest, files)
    files.held["g20-2025.html"] = None  # a folder or a link at that name is not ours either
    with pytest.raises(NotOurs):
        _decide(planned, outcomes, manifest, files)


def test_a_file_no_longer_listed_is_never_removed(full_build: tuple[Path, Plan, list[Outcome]]) -> None:
    # A file an earlier build left alone is listed only as such: whatever its bytes now (even
    # the ones briefgen wrote there once), no build removes it, and each says so again.
    sheets, planned, outcomes = full_build
    manifest, files = _published(planned, outcomes)
    written = files.held["uk-minister-brief.html"]
    files.held["uk-minister-brief.html"] = sha256(b"annotated by hand")
    first, folder = _decide(planned, outcomes, manifest, files)
    after = Manifest(first.final, manifest.index, left_alone(folder), manifest.stamp)
    assert after.left_alone == ("uk-minister-brief.html",)
    shard, shard_outcomes = _built([sheets], shard=(1, 2))
    for held in (sha256(b"annotated by hand"), written):
        files.held["uk-minister-brief.html"] = held
        changes, folder = _decide(shard, shard_outcomes, after, files)
        assert "uk-minister-brief.html" not in changes.removals
        assert left_alone(folder) == ("uk-minister-brief.html",)


def test_an_exact_plan_removes_the_briefs_it_no_longer_holds(full_build: tuple[Path, Plan, list[Outcome]]) -> None:
    sheets, planned, outcomes = full_build
    manifest, files = _published(planned, outcomes)
    # Shard 1 of 2 holds summit-four-leaders only: a shard's folder holds exactly its shard.
    shard, shard_outcomes = _built([sheets], shard=(1, 2))
    assert shard.exact and [job.sheet_id for job in shard.jobs] == ["summit-four-leaders"]
    changes, folder = _decide(shard, shard_outcomes, manifest, files)
    assert set(changes.final) == {"summit-four-leaders"}
    assert sorted(changes.removals) == ["g20-2025.html", "uk-minister-brief.html"]
    assert not folder.left_alone
    # A build of some of the sheets that is not exact keeps what the others published.
    some, some_outcomes = _built([sheets / EXAMPLES["summit-four-leaders"].name])
    assert not some.exact
    changes, _ = _decide(some, some_outcomes, manifest, files)
    assert set(changes.final) == set(EXAMPLES)
    assert not changes.removals
