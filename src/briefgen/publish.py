"""Publish: the only writer. Outputs into the output folder, atomically, then the site index,
then the manifest of what briefgen wrote.

Ownership is by content, not by name. The manifest (`manifest.json`) records the sha256
of every file briefgen wrote; briefgen replaces or removes a file only when its bytes
match a recorded hash. Between the first write and the manifest, a pending journal
(`.briefgen-pending.json`) records the hashes of the files about to be written and the
manifest entries about to be recorded, so that a build killed at any moment leaves files
the next build recognises as its own. The folder is locked (flock on the folder itself)
for the whole publish step, and the manifest is read under the lock.

Temporaries are named `.briefgen-tmp-<16 hex digits>-<name>`; only names matching that
exact pattern are ever removed as leftovers.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from .pipeline import Outcome, Plan

MANIFEST = "manifest.json"
INDEX = "index.html"
#: Written before the first output, removed after the manifest: see the module docstring.
JOURNAL = ".briefgen-pending.json"
GENERATOR = "briefgen"
#: Names briefgen writes besides briefs: a brief's output may never take one of them.
RESERVED = frozenset({MANIFEST, INDEX, JOURNAL})
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


def _plain_name(name: object) -> TypeGuard[str]:
    return isinstance(name, str) and bool(name) and Path(name).name == name and not name.startswith(".") \
        and "/" not in name and "\\" not in name and "\0" not in name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_hash(path: Path) -> str | None:
    """The sha256 of a regular file at `path`; None when there is none (or a link or folder is there)."""
    try:
        if not path.is_file() or path.is_symlink():
            return None
        return sha256(path.read_bytes())
    except (FileNotFoundError, NotADirectoryError):
        return None


class NotOurs(Exception):
    """The output folder holds a file briefgen did not write, where it would write one."""


class FolderBusy(OSError):
    """Another briefgen build kept the output folder locked for longer than the timeout."""


@contextmanager
def folder_lock(folder: Path, timeout: float = LOCK_TIMEOUT,
                notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (flock on the folder itself) for one publish step.

    Locking the folder rather than a file in it leaves nothing behind in a served site.
    When another build holds it, `notify` is told once and the build waits up to `timeout`
    seconds, then raises FolderBusy (an OSError: the CLI exits 4).
    """
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise FolderBusy(errno.EAGAIN, f"another briefgen build has been writing this folder "
                                                   f"for over {timeout:g} s", str(folder)) from None
                if not told and notify is not None:
                    notify(f"waiting for another briefgen build in {folder}…")
                    told = True
                time.sleep(0.02)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


@dataclass
class Manifest:
    """What briefgen has written into one output folder: entries by brief id, and the index's hash."""

    briefs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: sha256 of the index.html briefgen wrote; None in manifests of earlier versions.
    index: str | None = None
    #: Files briefgen wrote once but left alone since, because they were changed by hand.
    left_alone: tuple[str, ...] = ()

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The folder's manifest, or None when there is none. Raises NotOurs for a foreign one."""
        path = folder / MANIFEST
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise NotOurs(f"{path} is not a briefgen manifest ({exc})") from None
        if not isinstance(data, dict) or data.get("generator") != GENERATOR or not isinstance(data.get("briefs"), list):
            raise NotOurs(f"{path} was not written by briefgen")
        index = data.get("index")
        left_alone = data.get("left_alone")
        return cls(_entries(data["briefs"]),
                   index["sha256"] if isinstance(index, dict) and isinstance(index.get("sha256"), str) else None,
                   tuple(n for n in left_alone if _plain_name(n)) if isinstance(left_alone, list) else ())

    def to_bytes(self) -> bytes:
        data: dict[str, Any] = {"generator": GENERATOR, "format": 1,
                                "briefs": [self.briefs[key] for key in sorted(self.briefs)]}
        if self.index is not None:
            data["index"] = {"path": INDEX, "sha256": self.index}
        if self.left_alone:
            data["left_alone"] = sorted(self.left_alone)
        return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _entries(briefs: list[Any]) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in briefs
            if isinstance(entry, dict) and isinstance(entry.get("id"), str)}


def _outputs(entry: Mapping[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Output kind → (file name, recorded sha256) of a manifest entry; names that are not plain
    names inside the folder, or that briefgen keeps for itself, are ignored."""
    found: dict[str, tuple[str, str | None]] = {}
    outputs = entry.get("outputs")
    if not isinstance(outputs, dict):
        return found
    for kind, output in outputs.items():
        if not isinstance(output, dict):
            continue
        name, digest = output.get("path"), output.get("sha256")
        # A manifest is data on disk: it may only ever name plain files inside the folder.
        if _plain_name(name) and name not in RESERVED:
            found[str(kind)] = (name, digest if isinstance(digest, str) else None)
    return found


@dataclass
class Journal:
    """The pending journal of a build that had begun writing: hashes it may have left at each
    name, and the manifest entries it was about to record."""

    known: dict[str, set[str]] = field(default_factory=dict)
    briefs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Journal:
        """The folder's journal; an empty one when there is none or it is not briefgen's."""
        try:
            data = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("generator") != GENERATOR:
            return cls()
        known: dict[str, set[str]] = {}
        for name, digests in (data.get("known") or {}).items():
            if (_plain_name(name) or name == INDEX) and isinstance(digests, list):
                known[name] = {d for d in digests if isinstance(d, str)}
        briefs = data.get("briefs")
        return cls(known, _entries(briefs) if isinstance(briefs, list) else {})

    def to_bytes(self) -> bytes:
        data = {"generator": GENERATOR, "format": 1,
                "known": {name: sorted(digests) for name, digests in sorted(self.known.items())},
                "briefs": [self.briefs[key] for key in sorted(self.briefs)]}
        return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


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
                for name, digest in _outputs(entry).values():
                    self.known.setdefault(name, set()).update({digest} if digest else set())
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
    from .record import BriefRecord
    from .render import render_index
    from .site_index import site_index_view

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
    candidates: dict[str, list[dict[str, Any]]] = {}
    for recorded in (journal.briefs, manifest.briefs if manifest else {}):
        for brief_id, entry in recorded.items():
            candidates.setdefault(brief_id, []).append(entry)

    # Refuse before anything is written when a new output would replace a file not ours.
    writes: dict[str, bytes] = {}
    for outcome in ready:
        for name, data in outcome.outputs.items():
            if folder.may_write(name) and folder.hash(name) != sha256(data):
                writes[name] = data
    final: dict[str, dict[str, Any]] = {}
    removals: list[str] = []
    for outcome in ready:
        assert outcome.record is not None
        outputs = {kind: {"path": name, "sha256": sha256(outcome.outputs[name])}
                   for kind, name in outcome.record.outputs.items()
                   if name in writes or folder.hash(name) == sha256(outcome.outputs[name])}
        final[outcome.sheet_id] = {**outcome.record.to_json(), "key": outcome.key, "outputs": outputs,
                                   "source": outcome.path,
                                   # Warnings found while rendering, reported again when the brief is unchanged.
                                   "diagnostics": [d.to_json() for d in outcome.diagnostics],
                                   # What checking the sheet found: a sheet whose key is unchanged
                                   # is not checked again (pipeline.plan), and this is reported.
                                   "checked": [d.to_json() for d in checked[outcome.path].diagnostics]}
    for brief_id, entries in candidates.items():
        keep: dict[str, tuple[str, str | None]] = {}
        if brief_id in ready_ids:
            keep_names = {o["path"] for o in final[brief_id]["outputs"].values()} | \
                         set(next(o for o in ready if o.sheet_id == brief_id).outputs)
        else:
            # Kept from an earlier build only when cleared to this release, and only the outputs
            # whose bytes are the ones recorded: anything else of it here is removed.
            chosen = None if brief_id in withheld else next(
                (e for e in entries if e.get("cleared_to") == release
                 and not (isinstance(e.get("source"), str) and plan.deleted(e["source"]))), None)
            if chosen is not None:
                keep = {kind: (name, digest) for kind, (name, digest) in _outputs(chosen).items()
                        if digest is not None and folder.hash(name) == digest}
                if keep:
                    final[brief_id] = {**chosen, "outputs": {kind: {"path": name, "sha256": digest}
                                                             for kind, (name, digest) in keep.items()}}
            keep_names = {name for name, _ in keep.values()}
        for entry in entries:
            for name, _ in _outputs(entry).values():
                if name not in keep_names and name not in removals and folder.may_remove(name):
                    removals.append(name)
    new_names = {name for outcome in ready for name in outcome.outputs}
    for name in sorted(folder.disowned - new_names):  # reported again until someone moves it away
        if name not in removals and folder.may_remove(name):
            removals.append(name)
    # A name a kept or new brief now uses is never removed on behalf of another.
    used = {o["path"] for entry in final.values() for o in entry["outputs"].values()}
    removals = [name for name in removals if name not in used]

    records = []
    for entry in final.values():
        try:
            records.append(BriefRecord.from_json(entry))
        except ValueError:
            continue  # a damaged entry of an earlier build is not listed
    index = render_index(site_index_view(records, locale=plan.options.locale), plan.theme).encode("utf-8")
    index_hash: str | None = sha256(index)
    if folder.may_write(INDEX):
        if folder.hash(INDEX) != index_hash:
            writes[INDEX] = index
    else:
        index_hash = None

    left_alone = tuple(sorted(name for name in folder.left_alone_names if folder.exists(name)))
    manifest_bytes = Manifest(final, index_hash, left_alone).to_bytes()
    written = []
    for outcome in ready:
        assert outcome.record is not None
        paths = tuple(out / o["path"] for o in final[outcome.sheet_id]["outputs"].values())
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


def _sync(folder: Path) -> None:
    """Make the renames and removals in `folder` durable before the next step relies on them."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a folder; a kill (not a power cut) still leaves it consistent
    finally:
        os.close(handle)


def recorded_outcome(folder: Path, brief_id: str, entry: Mapping[str, Any]) -> Outcome:
    """The outcome a manifest entry records: the files' bytes (checked against their recorded
    hashes), the record and the warnings rendering found. Raises ValueError when the entry is
    damaged or a file is missing or changed.

    The record names exactly the files that were read and checked, never more than the
    entry merely claims.
    """
    import dataclasses

    from .diagnostics import Diagnostic
    from .pipeline import Outcome
    from .record import BriefRecord

    try:
        record = BriefRecord.from_json(entry)
        diagnostics = tuple(Diagnostic(**d) for d in entry.get("diagnostics", []))
    except TypeError as exc:
        raise ValueError(f"the entry of '{brief_id}' is damaged ({exc})") from None
    outputs: dict[str, bytes] = {}
    kept: dict[str, str] = {}
    for kind, (name, digest) in _outputs(entry).items():
        try:
            data = (folder / name).read_bytes()
        except OSError as exc:
            raise ValueError(f"cannot read {folder / name}: {exc.strerror or exc}") from None
        if sha256(data) != digest:
            raise ValueError(f"{folder / name} is not the file its manifest recorded")
        outputs[name] = data
        kept[kind] = name
    source = entry.get("source")
    return Outcome(brief_id, source if isinstance(source, str) else f"{brief_id}.yaml", str(entry.get("key", "")),
                   outputs, diagnostics, dataclasses.replace(record, outputs=kept), unchanged=True)


def up_to_date(out: Path) -> dict[str, tuple[dict[str, Any], Outcome]]:
    """What `out` holds that a build need not render again: source path → (entry, outcome).

    Only entries whose files are all there with the bytes recorded. The plan then compares
    each sheet's key (a content hash, never a modification time, so a fresh checkout
    rebuilds nothing) with the entry's, and reuses the outcome when they are equal: its
    files' bytes (publish then finds nothing to write, so they keep their inode and
    modification time), its record, and the warnings checking and rendering found. A folder
    that is not briefgen's, or a damaged entry, simply means that the sheets are rendered.
    """
    try:
        manifest = Manifest.read(out)
    except NotOurs:
        return {}
    if manifest is None:
        return {}
    found: dict[str, tuple[dict[str, Any], Outcome]] = {}
    for brief_id, entry in manifest.briefs.items():
        source = entry.get("source")
        if not isinstance(source, str) or not isinstance(entry.get("key"), str):
            continue
        claimed = {o.get("path") for o in entry.get("outputs", {}).values() if isinstance(o, dict)}
        try:
            outcome = recorded_outcome(out, brief_id, entry)
        except ValueError:
            continue
        if claimed == set(outcome.outputs) == {f"{brief_id}.{kind}" for kind in entry["outputs"]}:
            found[source] = (entry, outcome)
    return found
