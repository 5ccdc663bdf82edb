"""Finding fact sheets: files as given, directories searched recursively in sorted order."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .validate import Checked

SUFFIXES = (".yaml", ".yml")


class MissingPath(Exception):
    """A path given on the command line does not exist."""


def find_fact_sheets(paths: list[Path]) -> list[Path]:
    """Every fact sheet named by `paths`, each once, in the order given (directories sorted)."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise MissingPath(str(path))
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*")
                if p.suffix in SUFFIXES and p.is_file() and not _hidden(p.relative_to(path))
            )
        else:
            candidates = [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _hidden(relative: Path) -> bool:
    # Editor backups and tool folders (.git, .github workflows) are not fact sheets.
    return any(part.startswith(".") for part in relative.parts)


def load_fact_sheet(path: Path, shown: str | None = None) -> Checked:
    """Read, parse and validate one fact sheet: the IO edge of the check stage."""
    from .diagnostics import Diagnostic, Span
    from .loader import Loaded, SourceMap, load, read_source
    from .validate import check

    name = shown or str(path)
    try:
        raw = read_source(path)
    except OSError as exc:
        problem = Diagnostic.at(name, Span(1, 1), "error", "unreadable",
                                f"cannot read the file: {exc.strerror or exc}",
                                "check that the file exists and that you may read it")
        return check(Loaded(name, "", None, SourceMap(), [problem]))
    return check(load(name, raw))
