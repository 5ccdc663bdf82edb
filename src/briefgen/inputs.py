"""The files a render read, each by its root and name with its sha256: part of a brief's key.

A job's key covers the fact sheet, the options, the toolchain and the theme's digest; what a
render actually opens besides (every template Jinja loaded, every style sheet, every file
WeasyPrint fetched beside the sheet or from the theme, through symbolic links too) is
recorded while it renders, stored with the brief in the manifest, and hashed again before
the brief is reused. Names are kept relative to their root, so that moving a repository
(a CI runner's workspace) invalidates nothing. briefgen's packaged templates and styles are
not recorded: its version (in the toolchain fingerprint) and the theme digest cover every
byte of them, and recording them would repeat the same twenty hashes in every entry.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.theme import Theme

#: The root of files beside the fact sheet (logos, images a template embeds).
SHEET = "sheet"
#: The roots of briefgen's packaged templates and styles (the labels input_roots gives them).
PACKAGED = frozenset({"templates", "styles"})
#: The largest file a render reads (an image or a font); larger ones are refused.
MAX_INPUT_BYTES = 32 << 20


@dataclass(frozen=True, order=True)
class InputFile:
    """One file a render read."""

    #: Where it was found: "sheet" (the fact sheet's folder), "templates" and "styles" (the
    #: packaged ones), "templates.0", "styles.0", … (the theme's folders, in lookup order).
    root: str
    #: Its path below the root, with "/" (symbolic links below the root are followed, as the render did).
    name: str
    sha256: str

    def to_json(self) -> dict[str, str]:
        return {"root": self.root, "name": self.name, "sha256": self.sha256}


def plain_name(name: str) -> bool:
    """Whether `name` is a relative path below a root: no `..`, nothing absolute, no empty part."""
    # Plain string tests: a manifest holds thousands of these (pathlib is ten times slower).
    return bool(name) and "\0" not in name and "\\" not in name and not name.startswith("/") \
        and all(part not in ("", ".", "..") for part in name.split("/"))


def input_roots(theme: Theme, source_dir: Path) -> dict[str, Path]:
    """Each root a render of a sheet in `source_dir` may read from, by the label its inputs are recorded under."""
    from briefgen.theme import STYLES, TEMPLATES, packaged

    roots = {SHEET: source_dir}
    for kind, folders in ((TEMPLATES, theme.template_dirs), (STYLES, theme.style_dirs)):
        for position, folder in enumerate(folders):
            roots[f"{kind}.{position}"] = folder
        roots[kind] = packaged(kind)
    return {label: Path(os.path.realpath(folder)) for label, folder in roots.items()}


class Reads:
    """What one render read, in the order first read: handed to the template loader and the fetcher."""

    def __init__(self, roots: Mapping[str, Path]) -> None:
        self.roots = dict(roots)
        self._found: dict[tuple[str, str], str] = {}

    def add(self, root: str, name: str, data: bytes) -> None:
        if root in PACKAGED:
            return  # briefgen's own files: the toolchain fingerprint and the theme digest cover them
        self._found.setdefault((root, name), hashlib.sha256(data).hexdigest())

    def add_path(self, path: Path, data: bytes) -> None:
        """Record a file by its resolved path: under the first root it lies in (unrecorded outside every root)."""
        for label, root in self.roots.items():
            if path == root or not path.is_relative_to(root):
                continue
            self.add(label, path.relative_to(root).as_posix(), data)
            return

    @property
    def files(self) -> tuple[InputFile, ...]:
        return tuple(InputFile(root, name, digest) for (root, name), digest in self._found.items())


def unchanged(inputs: Iterable[InputFile], roots: Mapping[str, Path],
              seen: MutableMapping[tuple[Path, str], str | None] | None = None) -> bool:
    """Whether every recorded input still holds the bytes it held (`seen` caches hashes across briefs)."""
    from briefgen.files import read_regular_file

    seen = {} if seen is None else seen
    for recorded in inputs:
        root = roots.get(recorded.root)
        if root is None or not plain_name(recorded.name):
            return False
        where = (root, recorded.name)
        if where not in seen:
            try:
                data = read_regular_file(root.joinpath(*recorded.name.split("/")), MAX_INPUT_BYTES, whole=True)
                seen[where] = hashlib.sha256(data).hexdigest()
            except OSError:
                seen[where] = None
        if seen[where] != recorded.sha256:
            return False
    return True
