"""Publish: the only writer. Outputs into the output folder, atomically, then the site index,
then the manifest of what briefgen wrote.

Ownership is by content, not by name. The manifest (`manifest.json`) records the sha256
of every file briefgen wrote; briefgen replaces or removes a file only when its bytes
match a recorded hash. Between the first write and the manifest, a pending journal
(`.briefgen-pending.json`) records the hashes of the files about to be written and the
manifest entries about to be recorded, so that a build killed at any moment leaves files
the next build recognises as its own. The folder is locked for the whole publish step
(folder_lock), and the manifest is read under the lock.

Temporaries are named `.briefgen-tmp-<16 hex digits>-<name>`; only names matching that
exact pattern are ever removed as leftovers.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.files import read_regular_file
from briefgen.publish.manifest import (
    INDEX,
    JOURNAL,
    MANIFEST,
    RESERVED,
    BriefEntry,
    BuildStamp,
    DamagedManifest,
    Journal,
    Manifest,
    NotOurs,
    OutputFile,
)
from briefgen.publish.manifest import plain_file_name as _plain_name
from briefgen.release.cut import recordable

if TYPE_CHECKING:
    from filelock import BaseFileLock

    from briefgen.records import Outcome, Plan
    from briefgen.report.diagnostics import Diagnostic

#: Re-exported: the manifest's records and names live in manifest.py.
__all__ = ["INDEX", "JOURNAL", "MANIFEST", "RESERVED", "BriefEntry", "BuildStamp", "DamagedManifest", "FolderBusy",
           "Journal", "Manifest", "NotOurs", "OutputFile", "Published", "folder_lock", "publish", "recorded_outcome",
           "remove_leftovers", "sha256", "temporary_name", "up_to_date", "write_atomic"]

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


def remove_leftovers(folder: Path) -> None:
    """Remove the temporaries that a killed earlier build left (call only under the folder lock)."""
    for leftover in folder.iterdir():
        if _TEMPORARY.fullmatch(leftover.name) and leftover.is_file() and not leftover.is_symlink():
            leftover.unlink(missing_ok=True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    """What one publish step did: (brief id, pages, paths) for each brief written, and one line
    for each file briefgen left alone because it was changed by hand."""

    written: tuple[tuple[str, int | None, tuple[Path, ...]], ...]
    left_alone: tuple[str, ...] = ()


class _Folder:
    """The output folder as found under the lock: what briefgen may replace or remove, by hash."""

    def __init__(self, folder: Path, manifest: Manifest | None, journal: Journal) -> None:
        self.folder = folder
        self.known: dict[str, set[str]] = {name: set(d) for name, d in journal.known.items()}
        for recorded in (manifest.briefs if manifest else {}, journal.briefs):
            for entry in recorded.values():
                for output in entry.outputs.values():
                    self.known.setdefault(output.path, set()).add(output.sha256)
        if manifest is not None and manifest.index is not None:
            self.known.setdefault(INDEX, set()).add(manifest.index)
        #: An index.html beside a manifest of an earlier version that recorded no hash for it.
        self.legacy_index = manifest is not None and manifest.index is None
        #: Names left alone by an earlier build: still not ours, whatever their bytes now.
        self.disowned = set(manifest.left_alone) if manifest is not None else set()
        self.left_alone: list[str] = []
        self.left_alone_names: set[str] = set()
        self._hashes: dict[str, str | None] = {}

    def hash(self, name: str) -> str | None:
        if name not in self._hashes:
            self._hashes[name] = _file_hash(self.folder / name)
        return self._hashes[name]

    def exists(self, name: str) -> bool:
        return os.path.lexists(self.folder / name)

    def ours(self, name: str) -> bool:
        """Whether the file at `name` holds bytes briefgen recorded writing there."""
        digest = self.hash(name)
        if digest is None:
            return False
        if name == INDEX and self.legacy_index:
            return True
        return digest in self.known.get(name, set())

    def listed(self, name: str) -> bool:
        return name in self.known or name in self.disowned or (name == INDEX and self.legacy_index)

    def may_write(self, name: str) -> bool:
        """True when `name` is free or ours; False (reported) when changed by hand. Raises NotOurs
        for a file briefgen never recorded writing."""
        if not self.exists(name) or self.ours(name):
            return True
        if not self.listed(name) or self.hash(name) is None:
            raise NotOurs(f"{self.folder / name} exists and was not written by briefgen; "
                          "move it away or choose another output folder (-o)")
        self.left_alone_names.add(name)
        self.left_alone.append(f"left alone: {self.folder / name} was changed by hand since briefgen wrote it, "
                               "so briefgen did not replace it and no longer lists it; move it away and build "
                               "again to publish the new one")
        return False

    def may_remove(self, name: str) -> bool:
        """True when the file at `name` is ours to remove; a listed file changed by hand is reported."""
        if not self.exists(name):
            return False
        if self.ours(name):
            return True
        if self.listed(name) and self.hash(name) is not None:
            self.left_alone_names.add(name)
            self.left_alone.append(f"left alone: {self.folder / name} was changed by hand since briefgen wrote it, "
                                   "so briefgen did not remove it although this build no longer publishes it; "
                                   "delete it if it should not be served")
        return False


def publish(plan: Plan, outcomes: Iterable[Outcome], out: Path, *, lock_timeout: float | None = None,
            notify: Callable[[str], None] | None = None) -> Published:
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
    Raises OSError when it cannot write (FolderBusy when another build holds the folder
    too long), and render.TemplateProblem when the index template is broken.
    """
    outcomes = list(outcomes)
    for outcome in outcomes:
        for name in outcome.outputs:
            if not _plain_name(name) or name in RESERVED:
                raise NotOurs(f"a brief's output may not be named {name!r}: briefgen keeps that name for itself")
    out.mkdir(parents=True, exist_ok=True)
    with folder_lock(out, LOCK_TIMEOUT if lock_timeout is None else lock_timeout, notify):
        return _publish_locked(plan, outcomes, out)


def _publish_locked(plan: Plan, outcomes: list[Outcome], out: Path) -> Published:
    from briefgen.render.site_index import site_index_view
    from briefgen.render.templates import render_index

    assert plan.theme is not None, "a check-only plan has nothing to publish"
    release = plan.release
    remove_leftovers(out)
    manifest = Manifest.read(out)
    journal = Journal.read(out)
    if manifest is None and not journal.known and (out / INDEX).exists():
        raise NotOurs(f"{out / INDEX} exists but {out / MANIFEST} does not: "
                      "this folder was not written by briefgen")
    folder = _Folder(out, manifest, journal)
    reports = {report.path: report for report in plan.final_reports(outcomes)}
    checked = {sheet.path: sheet.report for sheet in plan.sheets}
    ready = [o for o in outcomes if o.record is not None and not reports[o.path].failed(plan.options.strict)]
    ready_ids = {o.sheet_id for o in ready}
    withheld = {s.sheet_id for s in plan.sheets if s.withheld is not None and s.sheet_id is not None}

    # Every brief briefgen may have left here: the manifest's entries and those a killed build
    # was about to record (the journal's), the latter first.
    candidates: dict[str, list[BriefEntry]] = {}
    for recorded in (journal.briefs, manifest.briefs if manifest else {}):
        for brief_id, entry in recorded.items():
            candidates.setdefault(brief_id, []).append(entry)

    # Refuse before anything is written when a new output would replace a file not ours.
    writes: dict[str, bytes] = {}
    for outcome in ready:
        for name, data in outcome.outputs.items():
            if folder.may_write(name) and folder.hash(name) != sha256(data):
                writes[name] = data
    final: dict[str, BriefEntry] = {}
    removals: list[str] = []
    for outcome in ready:
        final[outcome.sheet_id] = _entry(outcome, checked[outcome.path].diagnostics, folder, writes)
    for brief_id, entries in candidates.items():
        keep: dict[str, OutputFile] = {}
        if brief_id in ready_ids:
            keep_names = {o.path for o in final[brief_id].outputs.values()} | \
                         set(next(o for o in ready if o.sheet_id == brief_id).outputs)
        else:
            # Kept from an earlier build only into a folder that is not exact (a full build of some
            # of the sheets), when built for the same release, and only the outputs whose bytes are
            # the ones recorded: anything else of it here is removed. A release or a shard holds
            # exactly its plan: a brief withdrawn, invalid, deleted or in another shard is gone.
            chosen = None if brief_id in withheld or plan.exact else next(
                (e for e in entries if e.record.audience == release
                 and not (e.source is not None and plan.deleted(e.source))), None)
            if chosen is not None:
                keep = {kind: output for kind, output in chosen.outputs.items()
                        if folder.hash(output.path) == output.sha256}
                if keep:
                    final[brief_id] = chosen.with_outputs(keep)
            keep_names = {output.path for output in keep.values()}
        for entry in entries:
            for output in entry.outputs.values():
                name = output.path
                if name not in keep_names and name not in removals and folder.may_remove(name):
                    removals.append(name)
    new_names = {name for outcome in ready for name in outcome.outputs}
    for name in sorted(folder.disowned - new_names):  # reported again until someone moves it away
        if name not in removals and folder.may_remove(name):
            removals.append(name)
    # A name a kept or new brief now uses is never removed on behalf of another.
    used = {o.path for entry in final.values() for o in entry.outputs.values()}
    removals = [name for name in removals if name not in used]

    index = render_index(site_index_view([entry.record for entry in final.values()], locale=plan.options.locale),
                         plan.theme).encode("utf-8")
    index_hash: str | None = sha256(index)
    if folder.may_write(INDEX):
        if folder.hash(INDEX) != index_hash:
            writes[INDEX] = index
    else:
        index_hash = None

    left_alone = tuple(sorted(name for name in folder.left_alone_names if folder.exists(name)))
    manifest_bytes = Manifest(final, index_hash, left_alone, _stamp(plan)).to_bytes()
    written = []
    for outcome in ready:
        assert outcome.record is not None
        paths = tuple(out / o.path for o in final[outcome.sheet_id].outputs.values())
        written.append((outcome.sheet_id, outcome.record.pages, paths))
    published = Published(tuple(written), tuple(dict.fromkeys(folder.left_alone)))
    if not writes and not removals and not folder.exists(JOURNAL) and folder.hash(MANIFEST) == sha256(manifest_bytes):
        return published  # nothing to change: a read-only folder that is up to date is fine

    staged: dict[str, Path] = {}
    try:
        for name, data in writes.items():
            staged[name] = _stage(out / name, data)
        # Before the first change: what this build may leave at each name, and what it will record.
        known = {name: set(digests) for name, digests in folder.known.items()}
        for name, data in writes.items():
            known.setdefault(name, set()).add(sha256(data))
        write_atomic(out / JOURNAL, Journal(known, final).to_bytes())
        _sync(out)
        for name in removals:
            (out / name).unlink(missing_ok=True)
        for name, temporary in list(staged.items()):
            os.replace(temporary, out / name)
            del staged[name]
        _sync(out)
        write_atomic(out / MANIFEST, manifest_bytes)
        (out / JOURNAL).unlink()
        _sync(out)
    finally:
        # A failure or Ctrl-C before the temporaries were renamed. Under the lock every
        # temporary in the folder is this build's or a dead one's.
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        try:
            remove_leftovers(out)
        except OSError:
            pass  # the error that brought us here is the one to report
    return published


def _stamp(plan: Plan) -> BuildStamp:
    from briefgen import __version__

    return BuildStamp(plan.audience, plan.options.shard, plan.digest, __version__)


def _entry(outcome: Outcome, checked: Iterable[Diagnostic], folder: _Folder,
           writes: Mapping[str, bytes]) -> BriefEntry:
    """The manifest entry of a brief this publish writes (or finds already written) for `outcome`."""
    assert outcome.record is not None
    outputs = {kind: OutputFile(name, sha256(outcome.outputs[name])) for kind, name in outcome.record.outputs.items()
               if name in writes or folder.hash(name) == sha256(outcome.outputs[name])}
    # Warnings rendering found, and what checking the sheet found, are reported again when the
    # brief is reused (its sheet is then neither checked nor rendered: pipeline.plan); the files
    # the render read are hashed again before that.
    # In a release, only what the release stage let the plan quote, and nothing that tells of a withholding.
    return BriefEntry(outcome.record, outputs, key=outcome.key, source=outcome.path,
                      diagnostics=tuple(recordable(outcome.diagnostics)), checked=tuple(recordable(checked)),
                      inputs=outcome.inputs)


def _sync(folder: Path) -> None:
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
    """What `out` holds that a build need not render again: source path → (entry, outcome).

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
        return {}
    if manifest is None:
        return {}
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
    return found
