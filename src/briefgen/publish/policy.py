"""Publish policy, pure: from a plan's outcomes and what an output folder holds, what to write, keep and remove.

Ownership is by content, not by name: briefgen replaces or removes a file only when its
bytes match a hash the manifest (or a killed build's pending journal) recorded for that
name. A file it never recorded is not ours (NotOurs, nothing is written); a file it
recorded whose bytes were since changed by hand is left alone and reported. The folder's
files are seen only through `FolderFiles` (folder.py reads them under the lock), so every
decision here can be made, and tested, without touching a disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from briefgen.publish.manifest import (
    INDEX,
    JOURNAL,
    MANIFEST,
    BriefEntry,
    BuildStamp,
    Journal,
    Manifest,
    NotOurs,
    OutputFile,
    is_index_page,
    is_reserved,
    plain_file_name,
)
from briefgen.publish.signer import Signer
from briefgen.release.reports import recordable

if TYPE_CHECKING:
    from briefgen.records import Outcome, Plan
    from briefgen.report.diagnostics import Diagnostic


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FolderFiles(Protocol):
    """What the output folder holds at each name, as the policy asks for it."""

    def hash(self, name: str) -> str | None:
        """The sha256 of the regular file at `name`; None when there is none (or a link, folder or FIFO)."""

    def exists(self, name: str) -> bool:
        """Whether anything at all (a file, a link, a folder) is at `name`."""


def check_output_names(outcomes: Iterable[Outcome]) -> None:
    """Raise NotOurs when an outcome would write a name briefgen keeps for itself, or not a plain file name."""
    for outcome in outcomes:
        for name in outcome.outputs:
            if not plain_file_name(name) or is_reserved(name):
                raise NotOurs(f"a brief's output may not be named {name!r}: briefgen keeps that name for itself")


def check_index_is_ours(out: Path, manifest: Manifest | None, journal: Journal, index_exists: bool) -> None:
    """Raise NotOurs for a folder with an index.html but neither manifest nor journal: not briefgen's."""
    if manifest is None and not journal.known and index_exists:
        raise NotOurs(f"{out / INDEX} exists but {out / MANIFEST} does not: "
                      "this folder was not written by briefgen")


class Ownership:
    """The output folder as found under the lock: what briefgen may replace or remove, by hash.

    It collects, in `left_alone`, a line for each file it refused to touch because it was
    changed by hand (and their names in `left_alone_names`).
    """

    def __init__(self, folder: Path, manifest: Manifest | None, journal: Journal, files: FolderFiles) -> None:
        self.folder = folder
        self.files = files
        self.known: dict[str, set[str]] = {name: set(d) for name, d in journal.known.items()}
        for recorded in (manifest.briefs if manifest else {}, journal.briefs):
            for entry in recorded.values():
                for output in entry.outputs.values():
                    self.known.setdefault(output.path, set()).add(output.sha256)
        if manifest is not None and manifest.index is not None:
            self.known.setdefault(INDEX, set()).add(manifest.index)
        for name, digest in (manifest.index_pages if manifest is not None else {}).items():
            self.known.setdefault(name, set()).add(digest)
        for name, page in (manifest.cross_pages if manifest is not None else {}).items():
            self.known.setdefault(name, set()).add(page.sha256)
        #: An index.html beside a manifest of an earlier version that recorded no hash for it.
        self.legacy_index = manifest is not None and manifest.index is None
        #: Names left alone by an earlier build: still not ours, whatever their bytes now.
        self.disowned = set(manifest.left_alone) if manifest is not None else set()
        self.left_alone: list[str] = []
        self.left_alone_names: set[str] = set()
        #: Each signed file the manifest lists (`briefgen sign`), by name: its signer belongs to its bytes.
        #: (A killed `sign` may have left the signed bytes recorded in the journal alone.)
        self.signed = {output.path: output
                       for recorded in (manifest.briefs if manifest else {}, journal.briefs)
                       for entry in recorded.values() for output in entry.outputs.values()
                       if output.signer is not None}
        #: A line for each signed file this publish replaces with unsigned bytes (see `lose_signature`).
        self.unsigned: list[str] = []

    def hash(self, name: str) -> str | None:
        return self.files.hash(name)

    def exists(self, name: str) -> bool:
        return self.files.exists(name)

    def ours(self, name: str) -> bool:
        """Whether the file at `name` holds bytes briefgen recorded writing there."""
        digest = self.hash(name)
        if digest is None:
            return False
        if name == INDEX and self.legacy_index:
            return True
        return digest in self.known.get(name, set())

    def signer(self, name: str, digest: str) -> Signer | None:
        """Who signed the bytes `digest` at `name`, as the manifest recorded it; None for unsigned bytes."""
        recorded = self.signed.get(name)
        return recorded.signer if recorded is not None and recorded.sha256 == digest else None

    def lose_signature(self, name: str, digest: str) -> None:
        """Report that writing the bytes `digest` at `name` replaces a signed file with an unsigned one."""
        recorded = self.signed.get(name)
        if recorded is None or recorded.signer is None or recorded.sha256 == digest or not self.ours(name):
            return
        signer = recorded.signer
        role = f" ({signer.role})" if signer.role else ""
        self.unsigned.append(f"signature lost: {self.folder / name} was signed by {signer.name}{role} at "
                             f"{signer.signed_at}, and its brief changed, so briefgen wrote the new PDF unsigned; "
                             f"sign it again once it is approved (briefgen sign)")

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


@dataclass(frozen=True)
class Changes:
    """What one publish does to the briefs of a folder: the manifest entries it ends with, the
    files it writes (name → bytes, only those whose bytes differ) and the files it removes."""

    final: dict[str, BriefEntry]
    writes: dict[str, bytes]
    removals: list[str]


def ready_outcomes(plan: Plan, outcomes: Iterable[Outcome]) -> list[Outcome]:
    """The outcomes that may be published: rendered, and whose sheet's final report does not fail."""
    outcomes = list(outcomes)
    reports = {report.path: report for report in plan.final_reports(outcomes)}
    return [o for o in outcomes if o.record is not None and not reports[o.path].failed(plan.options.strict)]


def brief_changes(plan: Plan, ready: list[Outcome], manifest: Manifest | None, journal: Journal,
                  folder: Ownership) -> Changes:
    """What to write, keep and remove for the briefs. Raises NotOurs before anything is decided
    when a new output would replace a file briefgen never wrote.

    Briefs withheld by the release level, and briefs built earlier for another release, are
    removed; an exact plan (a release or a shard) removes every brief it does not hold.
    """
    release = plan.release
    checked = {sheet.path: sheet.report for sheet in plan.sheets}
    ready_by_id = {o.sheet_id: o for o in ready}
    withheld = {s.sheet_id for s in plan.sheets if s.withheld is not None and s.sheet_id is not None}

    # Every brief briefgen may have left here: the manifest's entries and those a killed build
    # was about to record (the journal's), the latter first.
    candidates: dict[str, list[BriefEntry]] = {}
    for recorded in (journal.briefs, manifest.briefs if manifest else {}):
        for brief_id, entry in recorded.items():
            candidates.setdefault(brief_id, []).append(entry)

    # Refuse before anything is written when a new output would replace a file not ours.
    writes: dict[str, bytes] = {}
    # Each output hashed once (at 10,000 briefs, half a gigabyte of HTML to hash).
    digests = {name: sha256(data) for outcome in ready for name, data in outcome.outputs.items()}
    for outcome in ready:
        for name, data in outcome.outputs.items():
            if folder.may_write(name) and folder.hash(name) != digests[name]:
                writes[name] = data
                folder.lose_signature(name, digests[name])
    final: dict[str, BriefEntry] = {}
    removals: list[str] = []
    for outcome in ready:
        final[outcome.sheet_id] = entry_for(outcome, checked[outcome.path].diagnostics, folder, writes, digests)
    for brief_id, entries in candidates.items():
        keep: dict[str, OutputFile] = {}
        if brief_id in ready_by_id:
            keep_names = {o.path for o in final[brief_id].outputs.values()} | set(ready_by_id[brief_id].outputs)
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
    return Changes(final, writes, [name for name in removals if name not in used])


def index_inputs(final: Mapping[str, BriefEntry], plan: Plan) -> str | None:
    """The digest of everything the site index is made from: each listed brief's key (a brief's record is
    made from its key's inputs alone) and outputs, the theme, the locale, the registry and the toolchain.
    None when a brief has no key (an entry of an earlier version): the index is then drawn again."""
    from briefgen.render.toolchain import fingerprint

    assert plan.theme is not None
    briefs = []
    for brief_id in sorted(final):
        entry = final[brief_id]
        if entry.key is None:
            return None
        briefs.append((brief_id, entry.key, sorted((kind, o.path) for kind, o in entry.outputs.items())))
    shown = repr((briefs, plan.theme.digest(), plan.options.locale, plan.options.registry, plan.release,
                  fingerprint()))
    return hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()


def index_kept(folder: Ownership, manifest: Manifest | None, inputs: str | None) -> bool:
    """Whether the site index need not be drawn again: drawn from the same inputs, and every page of it
    still holds the bytes recorded (a page changed by hand is drawn, and then left alone, as before)."""
    if inputs is None or manifest is None or manifest.index is None or manifest.index_inputs != inputs:
        return False
    return all(folder.hash(name) == digest for name, digest in [(INDEX, manifest.index), *manifest.index_pages.items()])


def index_hash(folder: Ownership, index: bytes, writes: dict[str, bytes], name: str = INDEX) -> str | None:
    """Add the site index's page `name` to `writes` when it may be written and differs; its hash for
    the manifest, or None when the page there was changed by hand (and is left alone)."""
    digest = sha256(index)
    if not folder.may_write(name):
        return None
    if folder.hash(name) != digest:
        writes[name] = index
    return digest


def index_page_hashes(folder: Ownership, pages: Mapping[str, bytes], writes: dict[str, bytes],
                      removals: list[str]) -> dict[str, str]:
    """The later pages of the site index (index-2.html…): each added to `writes` as `index_hash`
    does, their hashes for the manifest; a page briefgen wrote before that the index no longer
    has is added to `removals` (one changed by hand is left alone, and reported)."""
    recorded = {}
    for name, data in pages.items():
        digest = index_hash(folder, data, writes, name)
        if digest is not None:
            recorded[name] = digest
    stale = sorted(name for name in folder.known if name != INDEX and is_index_page(name) and name not in pages)
    for name in stale:
        if name not in removals and folder.may_remove(name):
            removals.append(name)
    return recorded


def left_alone(folder: Ownership) -> tuple[str, ...]:
    """The names the manifest lists as left alone: those refused this time that are still there."""
    return tuple(sorted(name for name in folder.left_alone_names if folder.exists(name)))


def pending_journal(folder: Ownership, changes: Changes) -> Journal:
    """The journal written before the first change: what this build may leave at each name, and
    the entries it will record."""
    known = {name: set(digests) for name, digests in folder.known.items()}
    for name, data in changes.writes.items():
        known.setdefault(name, set()).add(sha256(data))
    return Journal(known, changes.final)


def unchanged(changes: Changes, files: FolderFiles, manifest_bytes: bytes) -> bool:
    """Whether the publish would change nothing: no write, no removal, no journal, the same manifest."""
    return not changes.writes and not changes.removals and not files.exists(JOURNAL) \
        and files.hash(MANIFEST) == sha256(manifest_bytes)


def build_stamp(plan: Plan) -> BuildStamp:
    from briefgen import __version__

    return BuildStamp(plan.audience, plan.options.shard, plan.digest, __version__)


def entry_for(outcome: Outcome, checked: Iterable[Diagnostic], folder: Ownership,
              writes: Mapping[str, bytes], hashed: Mapping[str, str] | None = None) -> BriefEntry:
    """The manifest entry of a brief this publish writes (or finds already written) for `outcome`
    (`hashed`: the sha256 of its outputs by name, when the caller has them)."""
    assert outcome.record is not None
    digests = {name: hashed[name] if hashed is not None else sha256(data) for name, data in outcome.outputs.items()}
    # A signed PDF rebuilt to the same bytes (nothing changed) keeps its signer.
    outputs = {kind: OutputFile(name, digests[name], folder.signer(name, digests[name]))
               for kind, name in outcome.record.outputs.items()
               if name in writes or folder.hash(name) == digests[name]}
    # Warnings rendering found, and what checking the sheet found, are reported again when the
    # brief is reused (its sheet is then neither checked nor rendered: pipeline.plan); the files
    # the render read are hashed again before that.
    # In a release, only what the release stage let the plan quote, and nothing that tells of a withholding.
    return BriefEntry(outcome.record, outputs, key=outcome.key, source=outcome.path,
                      diagnostics=tuple(recordable(outcome.diagnostics)), checked=tuple(recordable(checked)),
                      inputs=outcome.inputs)
