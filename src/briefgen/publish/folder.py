"""Publish: the only writer. Under the folder's lock, the outputs policy.py decides on, atomically,
then the site index, then the search index built from those pages (search.py), then the manifest
of what briefgen wrote.

Between the first write and the manifest, a pending journal (`.briefgen-pending.json`)
records the hashes of the files about to be written and the manifest entries about to be
recorded, so that a build killed at any moment leaves files the next build recognises as
its own (policy.py says what is ours). The folder is locked for the whole publish step
(folder_lock), and the manifest is read under the lock.

Temporaries are named `.briefgen-tmp-<16 hex digits>-<name>`; only names matching that
exact pattern are ever removed as leftovers.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import errno
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.across.history import KINDS
from briefgen.files import read_regular_file
from briefgen.publish.cross import cross_changes
from briefgen.publish.manifest import (
    INDEX,
    JOURNAL,
    MANIFEST,
    SEARCH,
    BriefEntry,
    DamagedManifest,
    Journal,
    Manifest,
    NotOurs,
    SearchBundle,
)
from briefgen.publish.policy import (
    Ownership,
    brief_changes,
    build_stamp,
    check_index_is_ours,
    check_output_names,
    index_hash,
    index_inputs,
    index_kept,
    index_page_hashes,
    left_alone,
    pending_journal,
    ready_outcomes,
    sha256,
    unchanged,
)
from briefgen.publish.search import (
    SearchFailed,
    SearchStep,
    build_bundle,
    bundles_known,
    move_into_place,
    plan_search,
    remove_bundle,
)

if TYPE_CHECKING:
    from filelock import BaseFileLock

    from briefgen.records import Outcome, Plan

#: An output briefgen hashes to know it as its own: far above any PDF it writes.
MAX_OUTPUT_BYTES = 1 << 30
TEMPORARY_PREFIX = ".briefgen-tmp-"
_TEMPORARY = re.compile(r"\.briefgen-tmp-[0-9a-f]{16}-.+")
#: How long a build waits for another build writing the same folder before it gives up.
LOCK_TIMEOUT = 600.0


def temporary_name(name: str) -> str:
    """A fresh temporary's name for the file `name`; no user file is mistaken for one."""
    return f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}-{name}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _stage(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _stage(path: Path, data: bytes) -> Path:
    """Write `data` to a new temporary beside `path`, synced; on any failure leave nothing."""
    temporary = path.parent / temporary_name(path.name)
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # whatever the umask: the site is served to readers
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            # A failed write() names no file; the analyst needs to know which one.
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    return temporary


def check_cross_folders(out: Path) -> None:
    """Raise NotOurs when a folder of the pages across briefs (countries/…) is a link or not a folder:
    briefgen writes only into real folders of the output folder, never through a link out of it."""
    for kind in KINDS:
        path = out / kind
        if path.is_symlink() or (os.path.lexists(path) and not path.is_dir()):
            raise NotOurs(f"{path} is not a folder briefgen can write its {kind} pages into (a link, or a file); "
                          "move it away or choose another output folder (-o)")


def remove_empty_cross_folders(out: Path, removed: Iterable[str]) -> None:
    """Remove a folder of pages across briefs that this publish left empty (its last subject is gone)."""
    for kind in sorted({name.split("/")[0] for name in removed if "/" in name} & set(KINDS)):
        path = out / kind
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()


def remove_leftovers(folder: Path) -> None:
    """Remove the temporaries that a killed earlier build left (call only under the folder lock):
    files, and the folders a search index is built in, and files in the folders of the pages across briefs."""
    for kind in KINDS:
        path = folder / kind
        if path.is_dir() and not path.is_symlink():
            for leftover in path.iterdir():
                if _TEMPORARY.fullmatch(leftover.name) and leftover.is_file() and not leftover.is_symlink():
                    leftover.unlink(missing_ok=True)
    for leftover in folder.iterdir():
        if not _TEMPORARY.fullmatch(leftover.name) or leftover.is_symlink():
            continue
        if leftover.is_file():
            leftover.unlink(missing_ok=True)
        elif leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


#: What opening a name in the output folder gives when no regular file of ours can be there.
_NOT_A_FILE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP, errno.EMLINK, errno.EINVAL, errno.EFBIG,
                         errno.ENXIO})


def _read_output(path: Path) -> bytes:
    """The bytes of the regular file at `path` (never through a link); OSError for anything else."""
    return read_regular_file(path, MAX_OUTPUT_BYTES, whole=True, follow=False)


def _file_hash(path: Path) -> str | None:
    """The sha256 of a regular file at `path`; None when there is none (or a link, folder or FIFO is there)."""
    try:
        return sha256(_read_output(path))
    except OSError as exc:
        if exc.errno in _NOT_A_FILE:
            return None
        raise


class FolderBusy(OSError):
    """Another briefgen build kept the output folder locked for longer than the timeout."""


@contextmanager
def folder_lock(folder: Path, timeout: float = LOCK_TIMEOUT,
                notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `folder` for one publish step (see _exclusive: nothing is left in it).

    When another build holds it, `notify` is told once and the build waits up to `timeout`
    seconds, then raises FolderBusy (an OSError: the CLI exits 4).
    """
    with _exclusive(folder) as try_lock:
        deadline = time.monotonic() + timeout
        told = False
        while not try_lock():
            if time.monotonic() >= deadline:
                raise FolderBusy(errno.EAGAIN, f"another briefgen build has been writing this folder "
                                               f"for over {timeout:g} s", str(folder))
            if not told and notify is not None:
                notify(f"waiting for another briefgen build in {folder}…")
                told = True
            time.sleep(0.02)
        yield


@contextmanager
def _exclusive(folder: Path) -> Iterator[Callable[[], bool]]:
    """A function that tries once to take the folder's lock (True when taken), held until exit.

    filelock's native locks (flock on POSIX, LockFileEx on Windows), which the system
    releases when the process ends however it ends. Where a folder can be opened (POSIX),
    the lock is on the folder itself, so nothing is written anywhere. Where it cannot
    (Windows), it is on a lock file beside the folder, `.NAME.briefgen-lock`, outside the
    served site (filelock removes it when it is released).
    """
    import filelock

    if hasattr(os, "O_DIRECTORY"):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            yield lambda: filelock.lock_descriptor(handle, blocking=False)
        finally:
            os.close(handle)  # closing the descriptor releases the lock
        return
    lock = filelock.FileLock(lock_file_beside(folder))
    try:
        yield lambda: _try_acquire(lock)
    finally:
        if lock.is_locked:
            lock.release()


def lock_file_beside(folder: Path) -> Path:
    """Where the lock of `folder` lives where a folder cannot be locked itself: beside it, outside the site."""
    real = Path(os.path.realpath(folder))
    return real.parent / f".{real.name}.briefgen-lock"


def _try_acquire(lock: BaseFileLock) -> bool:
    import filelock

    try:
        lock.acquire(blocking=False)
    except filelock.Timeout:
        return False
    return True


@dataclass(frozen=True)
class Published:
    """What one publish step did: (brief id, pages, paths) for each brief written, one line for
    each file briefgen left alone because it was changed by hand, and one for each signature lost."""

    written: tuple[tuple[str, int | None, tuple[Path, ...]], ...]
    left_alone: tuple[str, ...] = ()
    #: One line for each signed PDF replaced by an unsigned one because its brief changed.
    unsigned: tuple[str, ...] = ()
    #: Why the site has no search index when it should (Pagefind missing or failed), with what to do.
    search_failed: str | None = None
    #: The pages across briefs drawn (rendered) this time, by name: those whose inputs changed.
    cross_drawn: tuple[str, ...] = ()
    #: Whether the site index was drawn (rendered) this time: not when its inputs are those recorded.
    index_drawn: bool = False


class _FilesOnDisk:
    """The files of the output folder as policy.py sees them, each hashed once, when first asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._hashes: dict[str, str | None] = {}

    def hash(self, name: str) -> str | None:
        if name not in self._hashes:
            self._hashes[name] = _file_hash(self.folder / name)
        return self._hashes[name]

    def exists(self, name: str) -> bool:
        return os.path.lexists(self.folder / name)


def publish(plan: Plan, outcomes: Iterable[Outcome], out: Path, *, lock_timeout: float | None = None,
            notify: Callable[[str], None] | None = None, seen: Manifest | None = None) -> Published:
    """Write the outputs of the outcomes that may be published, the site index, and the manifest last.

    An outcome is published when its sheet's final report (check, plan and render
    diagnostics) does not fail under the plan's strictness. Briefs withheld by the release
    level, and briefs built earlier for another release, are removed from the folder.

    A file briefgen recorded writing but whose bytes were since changed by hand is never
    replaced or removed: it is left alone, dropped from the manifest and reported in
    `Published.left_alone` (the CLI prints each line and exits 1: the folder is not what
    the build asked for); the manifest names it under `left_alone`, so later builds keep
    reporting it until it is moved away. A file briefgen never recorded writing, where it
    would write an output, refuses the whole publish before anything is written (NotOurs;
    exit 2). A publish that would change nothing writes nothing.
    `seen` is the folder's manifest as the build read it before planning (Manifest.read:
    used again only if the file still holds the same bytes under the lock).
    Raises OSError when it cannot write (FolderBusy when another build holds the folder
    too long), and render.TemplateProblem when the index template is broken.
    """
    outcomes = list(outcomes)
    check_output_names(outcomes)
    out.mkdir(parents=True, exist_ok=True)
    with folder_lock(out, LOCK_TIMEOUT if lock_timeout is None else lock_timeout, notify):
        return _publish_locked(plan, outcomes, out, seen)


def _publish_locked(plan: Plan, outcomes: list[Outcome], out: Path, seen: Manifest | None) -> Published:
    from briefgen.render.site_index import index_pages, page_file, site_index_view
    from briefgen.render.templates import render_index

    assert plan.theme is not None, "a check-only plan has nothing to publish"
    remove_leftovers(out)
    manifest = Manifest.read(out, seen)
    journal = Journal.read(out)
    check_index_is_ours(out, manifest, journal, (out / INDEX).exists())
    files = _FilesOnDisk(out)
    folder = Ownership(out, manifest, journal, files)
    ready = ready_outcomes(plan, outcomes)
    changes = brief_changes(plan, ready, manifest, journal, folder)
    final, writes, removals = changes.final, changes.writes, changes.removals

    index_drawn = False
    drawn_from = index_inputs(final, plan)
    if manifest is not None and index_kept(folder, manifest, drawn_from):
        # The same briefs, theme, locale and registry: the pages are what drawing them would give again.
        recorded_index, recorded_pages = manifest.index, dict(manifest.index_pages)
    else:
        view = site_index_view([entry.record for entry in final.values()], locale=plan.options.locale,
                               theme=plan.theme, registry=plan.options.registry)
        pages = {page_file(page.page): render_index(page, plan.theme).encode("utf-8") for page in index_pages(view)}
        recorded_index = index_hash(folder, pages.pop(INDEX), writes)
        recorded_pages = index_page_hashes(folder, pages, writes, removals)
        index_drawn = True
    check_cross_folders(out)
    cross = cross_changes(plan, [entry.record for entry in final.values()], manifest, folder, writes, removals,
                          plan.options.as_of or _dt.date.today())
    # The pages the manifest will list are what the search index is built from (raises NotOurs
    # for a pagefind/ briefgen never wrote, before anything is written).
    # A shard is not a site: its briefs are indexed once they are assembled.
    search = plan_search(out, manifest, journal, {} if plan.options.shard else {
        o.path: o.sha256 for entry in final.values() for o in entry.outputs.values() if o.path.endswith(".html")})
    # After the index and the search index: a hand-edited one is left alone too.
    disowned = left_alone(folder) + ((SEARCH,) if search.action == "left-alone" else ())
    stamp = build_stamp(plan)
    kept = search.current if search.action == "keep" else None
    manifest_bytes = Manifest(final, recorded_index, disowned, stamp, index_pages=recorded_pages,
                              search=kept, cross_pages=cross.recorded,
                              index_inputs=drawn_from if recorded_index is not None else None).to_bytes()
    written = []
    for outcome in ready:
        assert outcome.record is not None
        paths = tuple(out / o.path for o in final[outcome.sheet_id].outputs.values())
        written.append((outcome.sheet_id, outcome.record.pages, paths))
    lines = tuple(dict.fromkeys([*folder.left_alone, *([search.line] if search.line else [])]))
    published = Published(tuple(written), lines, tuple(folder.unsigned), cross_drawn=cross.drawn,
                          index_drawn=index_drawn)
    if search.action not in ("build", "remove") and unchanged(changes, files, manifest_bytes):
        return published  # nothing to change: a read-only folder that is up to date is fine

    staged: dict[str, Path] = {}
    try:
        for name, data in writes.items():
            if "/" in name:  # a page across briefs, in its kind's folder (check_cross_folders: a real folder)
                (out / name).parent.mkdir(exist_ok=True)
            staged[name] = _stage(out / name, data)
        # The search index, from the pages as they will be: those written (staged beside their final
        # names) and those kept. Built before the first change, so that a failure changes nothing.
        bundle, recorded_search, failed = _build_search(out, search, staged)
        # Before the first change: what this build may leave at each name, and what it will record.
        pending = pending_journal(folder, changes)
        pending.searches = bundles_known(manifest, journal, [recorded_search] if bundle is not None
                                         and recorded_search is not None else [])
        write_atomic(out / JOURNAL, pending.to_bytes())
        sync_folder(out)
        for name in removals:
            (out / name).unlink(missing_ok=True)
        remove_empty_cross_folders(out, removals)
        for name, temporary in list(staged.items()):
            os.replace(temporary, out / name)
            del staged[name]
        # The pages are in place, and the search index beside them (or none, when it failed: an old
        # one may list briefs this build withdrew).
        if bundle is not None:
            move_into_place(out, bundle, temporary_name)
        elif search.action in ("build", "remove"):
            remove_bundle(out, temporary_name)
        sync_folder(out)
        if search.action in ("build", "remove"):
            manifest_bytes = Manifest(final, recorded_index, disowned, stamp, index_pages=recorded_pages,
                                      search=recorded_search, cross_pages=cross.recorded,
                                      index_inputs=drawn_from if recorded_index is not None else None).to_bytes()
        if failed is not None:
            published = dataclasses.replace(published, search_failed=failed)
        write_atomic(out / MANIFEST, manifest_bytes)
        (out / JOURNAL).unlink()
        sync_folder(out)
    finally:
        # A failure or Ctrl-C before the temporaries were renamed. Under the lock every
        # temporary in the folder (a search index's folders too) is this build's or a dead one's.
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        try:
            remove_leftovers(out)
        except OSError:
            pass  # the error that brought us here is the one to report
    return published


def _build_search(out: Path, search: SearchStep, staged: dict[str, Path]) -> tuple[
        Path | None, SearchBundle | None, str | None]:
    """The search index `search` asks for, built in a temporary folder beside `pagefind/`: that folder
    and its record (None, None when none is to be built, and the kept record when it is kept), and,
    when Pagefind is missing or failed, why."""
    if search.action != "build":
        return None, search.current if search.action == "keep" else None, None
    pages = {name: staged.get(name, out / name) for name in search.pages}
    try:
        bundle, record = build_bundle(out, pages, search.inputs, temporary_name)
    except SearchFailed as failed:
        return None, None, str(failed)
    return bundle, record, None


def sync_folder(folder: Path) -> None:
    """Make the renames and removals in `folder` durable before the next step relies on them."""
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows cannot open a folder to sync it; its file systems journal renames
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a folder; a kill (not a power cut) still leaves it consistent
    finally:
        os.close(handle)


def recorded_outcome(folder: Path, entry: BriefEntry) -> Outcome:
    """The outcome a manifest entry records: the files' bytes (checked against their recorded
    hashes), the record, the warnings rendering found and the files it read. Raises ValueError
    when a file is missing or changed.
    """
    from briefgen.records import Outcome

    outputs: dict[str, bytes] = {}
    for output in entry.outputs.values():
        try:
            data = _read_output(folder / output.path)
        except OSError as exc:
            raise ValueError(f"cannot read {folder / output.path}: {exc.strerror or exc}") from None
        if sha256(data) != output.sha256:
            raise ValueError(f"{folder / output.path} is not the file its manifest recorded")
        outputs[output.path] = data
    return Outcome(entry.id, entry.source or f"{entry.id}.yaml", entry.key or "", outputs, entry.diagnostics,
                   entry.record, unchanged=True, inputs=entry.inputs)


def up_to_date(out: Path) -> dict[str, tuple[BriefEntry, Outcome]]:
    """What `out` holds that a build need not render again (see recorded_state)."""
    return recorded_state(out)[1]


def recorded_state(out: Path) -> tuple[Manifest | None, dict[str, tuple[BriefEntry, Outcome]]]:
    """The folder's manifest, and what `out` holds that a build need not render again: source
    path → (entry, outcome).

    Only entries whose files are all there with the bytes recorded. The plan then compares
    each sheet's key (a content hash, never a modification time, so a fresh checkout
    rebuilds nothing) with the entry's, and the files the render read with their recorded
    hashes, and reuses the outcome when they are equal: its files' bytes (publish then finds
    nothing to write, so they keep their inode and modification time), its record, and the
    warnings checking and rendering found. A folder that is not briefgen's, or an entry
    whose files changed, simply means that the sheets are rendered; a damaged manifest
    raises DamagedManifest (the build stops before rendering anything).
    """
    try:
        manifest = Manifest.read(out)
    except DamagedManifest:
        raise
    except NotOurs:
        return None, {}
    if manifest is None:
        return None, {}
    found: dict[str, tuple[BriefEntry, Outcome]] = {}
    for brief_id, entry in manifest.briefs.items():
        if entry.source is None or entry.key is None:
            continue
        if {o.path for o in entry.outputs.values()} != {f"{brief_id}.{kind}" for kind in entry.outputs}:
            continue
        try:
            found[entry.source] = (entry, recorded_outcome(out, entry))
        except ValueError:
            continue
    return manifest, found
