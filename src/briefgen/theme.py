"""Themes: where templates and styles come from, and a digest of every file in them.

A project (briefgen.toml) or a command-line flag may name a folder of templates and a
folder of styles; each overrides the packaged defaults file by file. Nothing is taken
from the working directory by accident.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

PACKAGE = "briefgen"
TEMPLATES = "templates"
STYLES = "styles"


def packaged(name: str) -> Path:
    """The packaged folder `name` (templates or styles) as a path."""
    return Path(str(files(PACKAGE) / name))


@dataclass(frozen=True)
class Theme:
    """Template and style folders, each overriding the packaged defaults file by file.

    The first folder that has a file wins; the packaged defaults come last.
    """

    template_dirs: tuple[Path, ...] = ()
    style_dirs: tuple[Path, ...] = ()

    @classmethod
    def default(cls) -> Theme:
        """The packaged templates and styles only."""
        return cls()

    @classmethod
    def of(cls, templates: Path | None = None, styles: Path | None = None) -> Theme:
        """The packaged theme with `templates` and `styles` folders (when given) over it."""
        return cls(
            template_dirs=(templates.resolve(),) if templates is not None else (),
            style_dirs=(styles.resolve(),) if styles is not None else (),
        )

    def roots(self) -> tuple[Path, ...]:
        """Every folder templates and styles come from (file access while printing is confined to them)."""
        return self.template_dirs + self.style_dirs + (packaged(TEMPLATES), packaged(STYLES))

    def digest(self) -> str:
        """A hash of every file a render may read from this theme, in lookup order.

        Part of each job's key: editing a template or a style sheet changes it.
        """
        digest = hashlib.sha256()
        for kind, folders in ((TEMPLATES, self.template_dirs + (packaged(TEMPLATES),)),
                              (STYLES, self.style_dirs + (packaged(STYLES),))):
            for position, folder in enumerate(folders):
                for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                    name = path.relative_to(folder).as_posix()
                    digest.update(f"{kind}\0{position}\0{name}\0".encode())
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()
