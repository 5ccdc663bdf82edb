"""The versions of fact sheets that `briefgen diff` compares: two files, or a git revision and the working tree.

OLD and NEW are two files, or a git revision and a path in the working tree (a sheet
or a folder of sheets): the old versions are read with `git show REV:PATH`.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from briefgen.errors import UsageProblem
from briefgen.report.diagnostics import Diagnostic, Report
from briefgen.sheet.model import FactSheet
from briefgen.sheet.sources import SUFFIXES, check_source, discover, load_candidate, read_source, unreadable_file
from briefgen.versions.compare import SheetDiff, SheetStatus, compare


@dataclass(frozen=True)
class Version:
    """One version of a fact sheet: its bytes, or None when it does not exist in that version."""

    label: str
    raw: bytes | None
    #: Why this version was not read (a symlink out of the paths given, a file that is not
    #: a regular file), as check reports it: quoting nothing of it.
    refused: Report | None = None


class DiffUsageError(UsageProblem):
    """OLD and NEW cannot be compared as given (exit 2, with the usage line)."""

    shows_usage = True


def diff_versions(path: str, old: Version, new: Version) -> SheetDiff:
    """Compare two versions of one fact sheet (either may be absent: added or deleted)."""
    if old.raw is None and new.raw is None and old.refused is None and new.refused is None:
        raise DiffUsageError(f"{path} exists in neither version")
    sheets: dict[str, FactSheet | None] = {}
    invalid: list[tuple[str, Report]] = []
    for name, version in (("old", old), ("new", new)):
        if version.refused is not None:
            invalid.append((name, version.refused))
            continue
        if version.raw is None:
            sheets[name] = None
            continue
        checked = check_source(version.label, version.raw)
        sheet, report = checked.sheet, checked.report
        sheets[name] = sheet
        if sheet is None or report.errors:
            invalid.append((name, report))
    if invalid:
        return SheetDiff(path, "invalid", invalid=tuple(invalid))
    if old.raw is None:
        return SheetDiff(path, "added")
    if new.raw is None:
        return SheetDiff(path, "deleted")
    before, after = sheets["old"], sheets["new"]
    assert before is not None and after is not None
    alert, changes = compare(before, after)
    status: SheetStatus = "changed" if alert or changes else "unchanged"
    return SheetDiff(path, status, alert, tuple(changes))


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise DiffUsageError("git is not installed; give two files to compare instead") from None
    if done.returncode != 0:
        raise DiffUsageError(done.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return done.stdout


def _is_sheet(relative: str) -> bool:
    pure = PurePosixPath(relative)
    return pure.suffix in SUFFIXES and not any(part.startswith(".") for part in pure.parts[:-1]) \
        and not pure.name.startswith(".")


@dataclass(frozen=True)
class _Entry:
    """A file of a git revision: a regular file, or a symbolic link (whose text is never shown)."""

    mode: str
    object: str


def _tree(revision: str, relative: str, root: Path) -> dict[str, _Entry]:
    """The files of `revision` at `relative` (a file or a folder): path → entry."""
    listed = _git(["ls-tree", "-r", "-z", revision, "--", relative], root)
    found = {}
    for line in listed.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, name = line.partition("\t")
        mode, kind, obj = (meta.split(" ") + ["", "", ""])[:3]
        if name and kind == "blob":  # not a submodule
            found[name] = _Entry(mode, obj)
    return found


def _inside(path: str, prefix: str) -> bool:
    return prefix == "." or path == prefix or path.startswith(prefix + "/")


def _refusal(label: str, code: str, message: str, hint: str) -> Report:
    from briefgen.report.diagnostics import Span

    return Report.of(label, [Diagnostic.at(label, Span(1, 1), "error", code, message, hint)])


def _old_versions(revision: str, tree: dict[str, _Entry], prefix: str, root: Path) -> dict[str, Version]:
    """Each sheet of the revision under `prefix` as a Version; a symbolic link is never read.

    As check does in the working tree: a link to a sheet inside the paths given is that
    sheet, read once under its own name; a link anywhere else is refused (`outside-paths`).
    """
    versions = {}
    for rel, entry in tree.items():
        label = f"{revision}:{rel}"
        if entry.mode != "120000":
            versions[rel] = Version(label, _git(["cat-file", "blob", entry.object], root))
            continue
        target = _git(["cat-file", "blob", entry.object], root).decode("utf-8", "surrogateescape")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
        if target.startswith("/") or resolved.startswith("../") or not _inside(resolved, prefix):
            versions[rel] = Version(label, None, _refusal(
                label, "outside-paths", f"in {revision}, this path is a symlink that leads outside the paths "
                "given; it was not read", "replace the symlink with the fact sheet itself"))
        elif tree.get(resolved, _Entry("120000", "")).mode == "120000":
            versions[rel] = Version(label, None, _refusal(
                label, "unreadable", f"in {revision}, this path is a symlink to no fact sheet; it was not read",
                "replace the symlink with the fact sheet itself"))
        # else: the sheet it names is compared under that sheet's own name
    return versions


def _new_versions(target: Path, prefix: str, root: Path) -> dict[str, Version]:
    """Each sheet of the working tree at `target` (a folder) as a Version, found as check finds them."""
    versions = {}
    for candidate in discover([target]):
        lexical = (PurePosixPath(prefix) / candidate.path.relative_to(target).as_posix()).as_posix()
        display = Path(os.path.relpath(root / lexical)).as_posix()
        if candidate.refusal is not None:
            versions[lexical] = Version(display, None, load_candidate(candidate).report)
            continue
        # A link to a sheet inside the paths given is that sheet (check reads it once, too).
        rel = Path(os.path.realpath(candidate.path)).relative_to(root).as_posix()
        if not _is_sheet(rel[len(prefix) + 1:] if prefix != "." else rel):
            rel = lexical
        versions[rel] = _working_version(Path(candidate.path), Path(os.path.relpath(root / rel)).as_posix())
    return versions


def _working_version(path: Path, label: str) -> Version:
    """A file of the working tree, read as check reads it (a regular file, bounded, never blocking)."""

    try:
        return Version(label, read_source(path))
    except OSError as exc:
        return Version(label, None, Report.of(label, [unreadable_file(label, exc)]))


def diff_git(revision: str, target: Path) -> list[SheetDiff]:
    """Compare the fact sheets at `target` (a sheet or a folder) in `revision` with the working tree."""
    start = target if target.is_dir() else target.parent
    while not start.exists():  # a deleted sheet's folder may be gone too
        start = start.parent
    try:
        root = Path(_git(["rev-parse", "--show-toplevel"], start).decode("utf-8").strip()).resolve()
    except DiffUsageError as exc:
        raise DiffUsageError(f"'{revision}' is not a file, and {target} is not in a git repository "
                             f"to read a revision from ({exc})") from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
    except DiffUsageError:
        raise DiffUsageError(f"'{revision}' is neither a file nor a git revision") from None
    try:
        relative = target.resolve().relative_to(root).as_posix()
    except ValueError:
        raise DiffUsageError(f"{target} is not inside the git repository at {root}") from None
    tree = _tree(revision, relative, root)
    if target.is_dir() or (not target.exists() and any(p != relative for p in tree)):
        prefix = relative
        tree = {p: e for p, e in tree.items() if _inside(p, prefix) and _is_sheet(p[len(prefix) + 1:]
                                                                                 if prefix != "." else p)}
        new_versions = _new_versions(target, prefix, root) if target.is_dir() else {}
    else:
        prefix = relative
        tree = {p: e for p, e in tree.items() if p == relative}
        new_versions = {relative: _working_version(target, Path(os.path.relpath(root / relative)).as_posix())} \
            if target.is_file() else {}
        if not tree and not new_versions:
            raise DiffUsageError(f"{target} exists neither in {revision} nor in the working tree")
    old_versions = _old_versions(revision, tree, prefix, root)
    out = []
    for rel in sorted(old_versions.keys() | new_versions.keys()):
        # Named as the analyst would name it from where they stand.
        display = Path(os.path.relpath(root / rel)).as_posix()
        old = old_versions.get(rel, Version(f"{revision}:{rel}", None))
        new = new_versions.get(rel, Version(display, None))
        out.append(diff_versions(display, old, new))
    return out


def diff_paths(old: str, new: str) -> list[SheetDiff]:
    """Compare OLD and NEW as the command line gives them: two files, or a revision and a path."""
    old_path, new_path = Path(old), Path(new)
    if old_path.is_file() and new_path.is_file():
        return [diff_versions(new, _working_version(old_path, old), _working_version(new_path, new))]
    if old_path.is_dir() and new_path.is_dir():
        raise DiffUsageError("two folders: give two files, or a git revision and a path (e.g. main briefs/)")
    return diff_git(old, new_path)
