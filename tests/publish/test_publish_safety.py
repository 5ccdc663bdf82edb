"""Publish safety: ownership by hash, reserved names, the folder lock, concurrent builds.

Nothing briefgen did not write (or that was changed since) is replaced or removed; two
builds into one folder wait for each other instead of corrupting it.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

import briefgen.publish.folder as publish_module
from briefgen.pipeline import plan, publish, run
from briefgen.publish.folder import FolderBusy, folder_lock, lock_file_beside
from briefgen.publish.manifest import JOURNAL, NotOurs
from briefgen.records import Options
from briefgen.theme import Theme
from build_helpers import (
    assert_consistent,
    briefgen_command,
    compact_sheet,
    run_cli,
    script_env,
    write_sheet,
)


def _build(sheets: Path, out: Path, *args: str):
    return run_cli(["build", sheets, "-o", out, "--no-pdf", *args])


# --- ownership by hash ---------------------------------------------------------------------


def test_a_hand_edited_output_is_left_alone_and_reported(tmp_path: Path) -> None:
    sheets, out = tmp_path / "sheets", tmp_path / "site"
    write_sheet(sheets, compact_sheet("alpha"))
    write_sheet(sheets, compact_sheet("beta"))
    assert _build(sheets, out).exit_code == 0
    (out / "alpha.html").write_text("corrected by hand")
    write_sheet(sheets, compact_sheet("alpha", document__version="3.0"))
    write_sheet(sheets, compact_sheet("beta", document__version="3.0"))
    ran = _build(sheets, out)
    assert ran.exit_code == 1, ran.output  # the folder is not what the build asked for
    assert f"warning: left alone: {out / 'alpha.html'} was changed by hand" in ran.stderr
    assert (out / "alpha.html").read_text() == "corrected by hand"
    assert "3.0" in (out / "beta.html").read_text(encoding="utf-8")  # the others are published
    manifest = assert_consistent(out)
    assert {b["id"]: sorted(b["outputs"]) for b in manifest["briefs"]} == {"alpha": [], "beta": ["html"]}
    assert manifest["left_alone"] == ["alpha.html"]
    assert 'href="alpha.html"' not in (out / "index.html").read_text(encoding="utf-8")
    # Later builds keep reporting it, the same way, until it is moved away.
    again = _build(sheets, out)
    assert again.exit_code == 1 and "left alone: " in again.stderr, again.output
    assert (out / "alpha.html").read_text() == "corrected by hand"
    (out / "alpha.html").unlink()
    final = _build(sheets, out)
    assert final.exit_code == 0, final.output
    assert "3.0" in (out / "alpha.html").read_text(encoding="utf-8")
    assert "left_alone" not in assert_consistent(out)


def test_a_hand_edited_output_of_a_withheld_brief_is_not_removed_but_reported(tmp_path: Path) -> None:
    sheets, out = tmp_path / "sheets", tmp_path / "site"
    write_sheet(sheets, compact_sheet("hidden", classification={"level": "SECRET", "scheme": "uk"}))
    write_sheet(sheets, compact_sheet("open"))
    assert _build(sheets, out).exit_code == 0
    (out / "hidden.html").write_text("my annotated copy")
    ran = _build(sheets, out, "--release", "OFFICIAL")
    assert ran.exit_code == 1, ran.output
    assert f"left alone: {out / 'hidden.html'} was changed by hand" in ran.stderr
    assert "delete it if it should not be served" in ran.stderr
    assert (out / "hidden.html").read_text() == "my annotated copy"
    assert [b["id"] for b in assert_consistent(out)["briefs"]] == ["open"]


def test_a_manifest_entry_naming_a_user_file_does_not_remove_it(tmp_path: Path) -> None:
    sheets, out = tmp_path / "sheets", tmp_path / "site"
    write_sheet(sheets, compact_sheet("alpha"))
    assert _build(sheets, out).exit_code == 0
    (out / "notes.txt").write_text("my notes")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["briefs"].append({"id": "zeta", "title": "Z", "kind": "brief", "meeting_date": "2025-01-01",
                               "cleared_to": "SECRET",  # another release: removed by name, once
                               "outputs": {"html": {"path": "notes.txt", "sha256": "0" * 64}}})
    (out / "manifest.json").write_text(json.dumps(manifest))
    ran = _build(sheets, out)
    assert (out / "notes.txt").read_text() == "my notes"
    assert "left alone: " in ran.stderr and "notes.txt" in ran.stderr
    assert [b["id"] for b in assert_consistent(out)["briefs"]] == ["alpha"]


def test_user_files_that_look_temporary_survive(tmp_path: Path) -> None:
    sheets, out = tmp_path / "sheets", tmp_path / "site"
    write_sheet(sheets, compact_sheet("alpha"))
    out.mkdir()
    mine = [".index.html.backup.tmp", ".alpha.html.x1.tmp", ".manifest.json.old.tmp", ".briefgen-tmp-notes"]
    for name in mine:
        (out / name).write_text("mine")
    assert _build(sheets, out).exit_code == 0
    assert _build(sheets, out, "--release", "OFFICIAL").exit_code == 0
    assert all((out / name).read_text() == "mine" for name in mine)


def test_a_hand_edited_index_is_left_alone(tmp_path: Path) -> None:
    sheets, out = tmp_path / "sheets", tmp_path / "site"
    write_sheet(sheets, compact_sheet("alpha"))
    assert _build(sheets, out).exit_code == 0
    (out / "index.html").write_text("<p>our own front page</p>")
    write_sheet(sheets, compact_sheet("beta"))
    ran = _build(sheets, out)
    assert ran.exit_code == 1 and "index.html was changed by hand" in ran.stderr, ran.output
    assert (out / "index.html").read_text() == "<p>our own front page</p>"
    assert "index" not in assert_consistent(out)


def test_an_up_to_date_folder_is_not_written_again(tmp_path: Path) -> None:
    sheets, out = tmp_path / "sheets", tmp_path / "site"
    write_sheet(sheets, compact_sheet("alpha"))
    assert _build(sheets, out).exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}  # the search index's files too
    time.sleep(0.01)
    assert _build(sheets, out).exit_code == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


# --- reserved names ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["index.html", "manifest.json", JOURNAL, "../escape.html", ".hidden.html"])
def test_an_output_never_takes_a_reserved_or_odd_name(tmp_path: Path, name: str) -> None:
    write_sheet(tmp_path / "sheets", compact_sheet("alpha"))
    planned = plan([tmp_path / "sheets"], Options(html=True, pdf=False, theme=Theme.of(None, None)))
    (outcome,) = [run(job) for job in planned.jobs]
    assert outcome.record is not None
    renamed = dataclasses.replace(
        outcome, outputs={name: outcome.outputs["alpha.html"]},
        record=dataclasses.replace(outcome.record, outputs={"html": name}))
    out = tmp_path / "site"
    with pytest.raises(NotOurs, match="keeps that name for itself"):
        publish(planned, [renamed], out)
    assert not out.exists() or not any(out.iterdir())


# --- the folder lock -----------------------------------------------------------------------


def _hold_lock(folder: Path) -> int:
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def test_the_lock_waits_says_so_once_and_times_out(tmp_path: Path) -> None:
    held = _hold_lock(tmp_path)
    told: list[str] = []
    try:
        started = time.monotonic()
        with pytest.raises(FolderBusy) as caught, folder_lock(tmp_path, timeout=0.3, notify=told.append):
            pass
        assert time.monotonic() - started >= 0.3
    finally:
        os.close(held)
    assert told == [f"waiting for another briefgen build in {tmp_path}…"]
    assert isinstance(caught.value, OSError) and caught.value.filename == str(tmp_path)
    with folder_lock(tmp_path, timeout=0.3, notify=told.append):
        pass  # free again
    assert len(told) == 1


def test_a_build_into_a_busy_folder_fails_with_exit_4_after_the_timeout(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    write_sheet(tmp_path / "sheets", compact_sheet("alpha"))
    out = tmp_path / "site"
    out.mkdir()
    monkeypatch.setattr(publish_module, "LOCK_TIMEOUT", 0.3)
    held = _hold_lock(out)
    try:
        ran = _build(tmp_path / "sheets", out)
    finally:
        os.close(held)
    assert ran.exit_code == 4, ran.output
    assert f"waiting for another briefgen build in {out}…" in ran.stderr
    assert f"error: cannot write {out}: another briefgen build" in ran.stderr
    assert list(out.iterdir()) == []


def test_a_build_waits_for_the_lock_and_then_publishes(tmp_path: Path) -> None:
    write_sheet(tmp_path / "sheets", compact_sheet("alpha"))
    out = tmp_path / "site"
    out.mkdir()
    held = _hold_lock(out)
    process = subprocess.Popen([*briefgen_command(), "build", str(tmp_path / "sheets"), "-o", str(out), "--no-pdf"],
                               env=script_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60.0, process.kill)  # never hang the suite on a build that does not wait
    watchdog.start()
    try:
        assert process.stderr is not None
        # Rendering comes first (its log lines: stderr is not a terminal), then the wait for the lock.
        before = [process.stderr.readline() for _ in range(2)]
        first = process.stderr.readline()  # blocks until the build reaches the lock
        os.close(held)
        stdout, rest = process.communicate(timeout=60)
    finally:
        watchdog.cancel()
    assert before[0] == "rendering 1 brief\n" and before[1].startswith("[1/1] rendered alpha ("), before
    assert first == f"waiting for another briefgen build in {out}…\n", first + rest
    assert process.returncode == 0, stdout + rest
    assert "waiting" not in rest  # said once
    assert_consistent(out)


def test_the_lock_leaves_nothing_in_the_folder_or_beside_it(tmp_path: Path) -> None:
    """On POSIX the lock is the folder's own (filelock's flock on its descriptor): a served site
    holds only what the build wrote, and its parent nothing new."""
    write_sheet(tmp_path / "sheets", compact_sheet("alpha"))
    out = tmp_path / "site"
    ran = _build(tmp_path / "sheets", out)
    assert ran.exit_code == 0, ran.output
    assert sorted(p.name for p in out.iterdir()) == ["alpha.html", "countries", "index.html", "manifest.json",
                                                     "pagefind", "people"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheets", "site"]


@pytest.fixture
def without_folder_descriptors(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on Windows, where a folder cannot be opened: briefgen locks a file beside it instead
    (filelock's LockFileEx there; the same code path runs here with flock)."""
    monkeypatch.delattr(os, "O_DIRECTORY")


@pytest.mark.usefixtures("without_folder_descriptors")
def test_where_a_folder_cannot_be_locked_a_file_beside_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    told: list[str] = []
    failures: list[BaseException] = []

    def second_build() -> None:  # another thread: filelock's holds are per thread
        try:
            with pytest.raises(FolderBusy), folder_lock(folder, timeout=0.3, notify=told.append):
                pass
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    with folder_lock(folder):
        assert lock_file_beside(folder) == tmp_path / ".site.briefgen-lock"
        assert lock_file_beside(folder).is_file()
        waiter = threading.Thread(target=second_build)
        waiter.start()
        waiter.join(timeout=30)
    assert not failures, failures
    assert told == [f"waiting for another briefgen build in {folder}…"]
    assert list(folder.iterdir()) == []  # outside the served folder
    with folder_lock(folder, timeout=0.3):
        pass  # free again


# --- concurrent builds ---------------------------------------------------------------------


@pytest.mark.parametrize("builds", [2, 4])
def test_concurrent_builds_into_one_folder_leave_it_consistent(tmp_path: Path, builds: int) -> None:
    out = tmp_path / "site"
    processes = []
    for number in range(builds):
        sheets = tmp_path / f"sheets{number}"
        # Each build its own versions of the same briefs, and one brief of its own.
        for brief in ("alpha", "beta"):
            write_sheet(sheets, compact_sheet(brief, document__version=f"{number}.0"))
        write_sheet(sheets, compact_sheet(f"own-{number}"))
        processes.append(subprocess.Popen(
            [*briefgen_command(), "build", str(sheets), "-o", str(out), "--no-pdf"], env=script_env(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in processes]  # type: ignore[union-attr]
    for p in processes:
        p.stdout.close()  # type: ignore[union-attr]
        p.stderr.close()  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0] * builds, results
    waited = sum("waiting for another briefgen build" in err for _, _, err in results)
    manifest = assert_consistent(out)
    ids = {b["id"] for b in manifest["briefs"]}
    assert ids == {"alpha", "beta", *(f"own-{n}" for n in range(builds))}
    assert {p.name for p in out.iterdir()} == {"index.html", "manifest.json", "pagefind",
                                                 "countries", "people", *(f"{i}.html" for i in ids)}
    print(f"\n{builds} concurrent builds: all exit 0, {waited} waited for the lock")


@pytest.mark.parametrize("lock", ["the folder", "a file beside it"])
def test_many_overlapping_publishes_lose_nothing(tmp_path: Path, lock: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Publishes in threads (each its own descriptor, so flock applies between them) overlap far
    more than whole builds do: without the lock, one build's brief is lost from the manifest.
    Whether the lock is the folder's own (POSIX) or a file beside it (Windows)."""
    if lock == "a file beside it":
        monkeypatch.delattr(os, "O_DIRECTORY")
    out = tmp_path / "site"
    rounds, workers = 8, 4
    prepared = []
    for number in range(workers):
        sheets = tmp_path / f"sheets{number}"
        for brief in ("alpha", "beta"):
            write_sheet(sheets, compact_sheet(brief, document__version=f"{number}.0"))
        write_sheet(sheets, compact_sheet(f"own-{number}"))
        planned = plan([sheets], Options(html=True, pdf=False, theme=Theme.of(None, None)))
        prepared.append((planned, [run(job) for job in planned.jobs]))
    failures: list[BaseException] = []

    def publish_again(planned, outcomes) -> None:
        try:
            for _ in range(rounds):
                publish(planned, outcomes, out)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=publish_again, args=item) for item in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    manifest = assert_consistent(out)
    assert {b["id"] for b in manifest["briefs"]} == {"alpha", "beta", *(f"own-{n}" for n in range(workers))}
    print(f"\n{rounds * workers} overlapping publishes into one folder: consistent, nothing lost")
