"""Whether the briefgen the tests import is this checkout's code.

`pip install .` copies the package into site-packages, and the suite imports that copy: a
copy installed from another checkout, or from this one before an edit, passes or fails
against old code without a word. The suite compares the two before it starts and stops when
they differ (see conftest.pytest_sessionstart).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Kinds of file whose difference means different code or different output; data files of
#: other kinds are compared when the installed copy has them (package_data ships a selection).
CODE_SUFFIXES = frozenset({".py"})


def _files(folder: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    # The checkout's templates and styles are links to the repository's folders: follow them.
    for here, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.endswith(".egg-info"))
        for name in names:
            path = Path(here, name)
            if path.suffix in {".pyc", ".pyo"}:
                continue
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def differences(source: Path, installed: Path) -> list[str]:
    """The files of the package that differ between the checkout's `source` and the `installed`
    copy: changed or missing code, or a shipped data file whose bytes differ. [] when the two
    are one folder (an editable install)."""
    if source.resolve() == installed.resolve():
        return []
    ours, theirs = _files(source), _files(installed)
    changed = []
    for name, data in sorted(ours.items()):
        if name in theirs:
            if theirs[name] != data:
                changed.append(f"{name} differs")
        elif Path(name).suffix in CODE_SUFFIXES:
            changed.append(f"{name} is not installed")
    changed += [f"{name} is installed but not in the checkout" for name in sorted(theirs)
                if name not in ours and Path(name).suffix in CODE_SUFFIXES]
    return changed
