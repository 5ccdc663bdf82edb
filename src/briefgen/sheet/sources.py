"""Finding fact sheets: files as given, directories searched recursively in sorted order.

Fact sheets arrive through pull requests, so the tree is not trusted: a symlink may
point at a secret (/proc/self/environ), a FIFO would block a read forever, a folder
may be unreadable. What cannot be read safely is reported as a diagnostic on its path
(`outside-paths`, `unreadable`), never read, quoted or skipped silently.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.report.diagnostics import Diagnostic
    from briefgen.sheet.validate import Checked

SUFFIXES = (".yaml", ".yml")


class MissingPath(Exception):
    """A path given on the command line does not exist."""


@dataclass(frozen=True)
class Refusal:
    """Why a found path is not read: its diagnostic code, message and hint (quoting nothing of it)."""

    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class Candidate:
    """A path that names a fact sheet, or that should have and cannot be read."""

    path: Path
    refusal: Refusal | None = None


_OUTSIDE = Refusal("outside-paths", "this path is a symlink that leads outside the paths given; it was not read",
                   "replace the symlink with the fact sheet itself")


def find_fact_sheets(paths: list[Path]) -> list[Path]:
    """Every readable fact sheet named by `paths`, each once, in the order given (directories sorted)."""
    return [c.path for c in discover(paths) if c.refusal is None]


def discover(paths: list[Path]) -> list[Candidate]:
    """Every fact sheet named by `paths`, and every path that should be one but cannot be read.

    Paths given are the roots: a file or folder found inside a root that resolves outside
    every root (through a symlink) is refused, and so is an unreadable folder.
    """
    for path in paths:
        if not os.path.lexists(path):
            raise MissingPath(str(path))
    roots = [Path(os.path.realpath(path)) for path in paths]
    found: list[Candidate] = []
    seen: set[Path] = set()

    def add(candidate: Candidate) -> None:
        key = Path(os.path.realpath(candidate.path)) if candidate.refusal is None else candidate.path
        if key not in seen:
            seen.add(key)
            found.append(candidate)

    for path in paths:
        if not _is_dir(path):
            add(Candidate(path))  # named on the command line: read as given (load refuses what is not a file)
            continue
        for candidate in _walk(path, roots):
            add(candidate)
    return found


def _walk(top: Path, roots: list[Path]) -> list[Candidate]:
    out: list[Candidate] = []
    problems: list[OSError] = []
    for folder, dirs, files in os.walk(top, onerror=problems.append, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in list(dirs):
            sub = here / name
            # os.walk does not descend into a symlinked folder; inside the roots its
            # contents are found anyway, outside them they must not be read.
            link = _is_link(sub)
            if link is None:
                out.append(Candidate(sub, _UNREADABLE_FOLDER))
            elif link and not _inside(sub, roots):
                out.append(Candidate(sub, _OUTSIDE))
        for name in files:
            if name.startswith(".") or not name.endswith(SUFFIXES):
                continue
            path = here / name
            link = _is_link(path)
            # A path that cannot even be examined is still a candidate: reading it reports why.
            if link and not _inside(path, roots):
                out.append(Candidate(path, _OUTSIDE))
            else:
                out.append(Candidate(path))
    for problem in problems:
        where = Path(problem.filename) if problem.filename else top
        out.append(Candidate(where, Refusal(
            "unreadable", f"cannot read the folder: {problem.strerror or 'error'}; fact sheets in it were not checked",
            _UNREADABLE_FOLDER.hint)))
    return sorted(out, key=lambda c: c.path)


_UNREADABLE_FOLDER = Refusal("unreadable", "cannot read the folder; fact sheets in it were not checked",
                             "check that the folder exists, that its path is not too long, and that you may read it")


def _is_link(path: Path) -> bool | None:
    """Whether `path` is a symlink; None when it cannot be examined (a path over PATH_MAX, say)."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return None


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _inside(path: Path, roots: list[Path]) -> bool:
    real = Path(os.path.realpath(path))
    return any(real == root or root in real.parents for root in roots)


def load_candidate(candidate: Candidate) -> Checked:
    """Check one found path: its refusal as a diagnostic, or the fact sheet read and validated."""
    if candidate.refusal is None:
        return load_fact_sheet(candidate.path)
    from briefgen.report.diagnostics import Diagnostic, Span
    from briefgen.sheet.loader import Loaded
    from briefgen.sheet.marks import SourceMap
    from briefgen.sheet.validate import check

    name = str(candidate.path)
    refusal = candidate.refusal
    problem = Diagnostic.at(name, Span(1, 1), "error", refusal.code, refusal.message, refusal.hint)
    return check(Loaded(name, "", None, SourceMap(), [problem]))


def load_fact_sheet(path: Path, shown: str | None = None) -> Checked:
    """Read, parse and validate one fact sheet: the IO edge of the check stage."""
    from briefgen.sheet.loader import Loaded
    from briefgen.sheet.marks import SourceMap
    from briefgen.sheet.validate import check

    name = shown or str(path)
    try:
        raw = read_source(path)
    except OSError as exc:
        return check(Loaded(name, "", None, SourceMap(), [unreadable_file(name, exc)]))
    return check_source(name, raw)


def check_source(name: str, raw: bytes) -> Checked:
    """Parse and validate a fact sheet's bytes, shown as `name`: load_fact_sheet once the file is read.

    `briefgen diff` checks the versions it compares this way (from git, or read by read_source).
    """
    from briefgen.sheet.loader import load
    from briefgen.sheet.validate import check

    return check(load(name, raw))


def unreadable_file(name: str, exc: OSError) -> Diagnostic:
    """The `unreadable` diagnostic of a fact sheet that cannot be read, quoting nothing of it."""
    from briefgen.report.diagnostics import Diagnostic, Span

    return Diagnostic.at(name, Span(1, 1), "error", "unreadable", f"cannot read the file: {exc.strerror or exc}",
                         "check that the file exists, that it is a regular file, and that you may read it")


def read_source(path: Path) -> bytes:
    """Read a fact sheet's bytes, refusing more than loader.MAX_BYTES before reading it all: the one
    reader of a fact sheet's file."""
    from briefgen.files import read_regular_file
    from briefgen.sheet.loader import MAX_BYTES

    return read_regular_file(path, MAX_BYTES)


def read_text(path: Path) -> str | None:
    """A fact sheet's text exactly as `load` would read it, or None when it cannot be read as text."""
    from briefgen.sheet.loader import MAX_BYTES, decode

    try:
        raw = read_source(path)
    except OSError:
        return None
    if len(raw) > MAX_BYTES:
        return None
    text, problem = decode(str(path), raw)
    return None if problem else text
