"""Themes: where templates and styles come from, and a digest of every file in them.

A project (briefgen.toml) or a command-line flag may name a folder of templates and a
folder of styles; each overrides the packaged defaults file by file. Nothing is taken
from the working directory by accident.

Template and style folders arrive through pull requests like fact sheets do, so reading
them is bounded: only regular files, each at most MAX_FILE_BYTES, at most MAX_FILES in a
theme; a symbolic link is followed only when it leads inside the theme's folders or the
project (`Theme.allows`), and the render's template loader keeps to the same rule.

A project may also add or override label catalogs: a `locales/` folder beside briefgen.toml
holding `<lang>/LC_MESSAGES/briefgen.po` (gettext, as Babel writes it). They are part of the
digest, and a catalog with a broken entry is a ThemeError naming its file and line.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from briefgen.errors import PlanError

PACKAGE = "briefgen"
TEMPLATES = "templates"
STYLES = "styles"
#: The packaged catalogs (render/catalogs.py), and the folder of a project's own beside briefgen.toml.
LOCALES = "locales"
#: The gettext domain of briefgen's labels: `<lang>/LC_MESSAGES/briefgen.po`.
CATALOG_DOMAIN = "briefgen"
#: A template, style sheet, image or font larger than this is not read (the digest marks it).
MAX_FILE_BYTES = 32 << 20
#: More files than this in a theme's folders is a mistake (`--styles /`, say): the plan refuses it.
MAX_FILES = 2000
#: All of a theme's files together.
MAX_TOTAL_BYTES = 256 << 20
#: The largest template or style sheet file rendering reads.
MAX_TEMPLATE_BYTES = 1 << 20


class ThemeError(PlanError):
    """A template or style folder cannot be used as one; the message names it (exit 2): the build
    cannot be planned with it."""

    def __init__(self, message: str, param: str | None = "--templates/--styles") -> None:
        super().__init__(message, param=param)


@functools.cache
def packaged(name: str) -> Path:
    """The packaged folder `name` (templates, styles or locales) as a path (looked up once per process)."""
    return Path(str(files(PACKAGE) / name))


@dataclass(frozen=True)
class Theme:
    """Template and style folders, each overriding the packaged defaults file by file.

    The first folder that has a file wins; the packaged defaults come last.
    """

    template_dirs: tuple[Path, ...] = ()
    style_dirs: tuple[Path, ...] = ()
    #: The project folder: symbolic links in the theme's folders may lead anywhere inside it
    #: (a shared partials folder, say), and never outside it and the theme's folders.
    boundary: Path | None = None
    #: Folders a link may never lead into, inside the project or not: the fact sheets, whose raw
    #: text (every portion, whatever the release) must reach a template only through the view.
    hidden: tuple[Path, ...] = ()
    #: Folders of label catalogs (`<lang>/LC_MESSAGES/briefgen.po`), whose entries win over the packaged ones.
    locale_dirs: tuple[Path, ...] = ()

    @classmethod
    def default(cls) -> Theme:
        """The packaged templates and styles only."""
        return cls()

    @classmethod
    def of(cls, templates: Path | None = None, styles: Path | None = None, boundary: Path | None = None,
           hidden: tuple[Path, ...] = (), locales: Path | None = None) -> Theme:
        """The packaged theme with `templates` and `styles` folders (when given) over it; links in
        them may lead inside `boundary` (the project), never into `hidden` (its fact sheets).

        Label catalogs come from `locales`, else from the project's `locales/` folder when it has one.
        """
        if locales is None and boundary is not None and (boundary / LOCALES).is_dir():
            locales = boundary / LOCALES
        return cls(
            template_dirs=(templates.resolve(),) if templates is not None else (),
            style_dirs=(styles.resolve(),) if styles is not None else (),
            boundary=boundary.resolve() if boundary is not None else None,
            hidden=tuple(Path(os.path.realpath(folder)) for folder in hidden),
            locale_dirs=(locales.resolve(),) if locales is not None else (),
        )

    def roots(self) -> tuple[Path, ...]:
        """Every folder templates and styles come from (file access while printing is confined to them)."""
        return self.template_dirs + self.style_dirs + (packaged(TEMPLATES), packaged(STYLES))

    @functools.cached_property
    def _inside(self) -> tuple[str, ...]:
        """The real paths symbolic links in the theme may lead into (see `allows`)."""
        inside = [os.path.realpath(root) for root in self.roots()]
        if self.boundary is not None:
            inside.append(str(self.boundary))
        return tuple(inside)

    def allows(self, path: Path | str) -> bool:
        """Whether the file or folder at `path`, its symbolic links resolved, lies inside the theme or the project."""
        try:
            real = os.path.realpath(path)
        except OSError:  # a link that cannot be read (/proc/1/cwd): not followed
            return False
        return _within(real, self._inside) and not _within(real, tuple(map(str, self.hidden)))

    def allows_below(self, folder: Path, names: Iterable[str]) -> bool:
        """`allows` for the path `names` below `folder` (one of the theme's folders), cheaply:
        only when a part of it is a symbolic link is the whole path resolved."""
        path = str(folder)
        for name in names:
            path = os.path.join(path, name)
            try:
                if stat.S_ISLNK(os.lstat(path).st_mode):
                    return self.allows(os.path.join(folder, *names))
            except OSError:
                return True  # nothing there: reading it says so
        return True

    def digest(self) -> str:
        """A hash of every file a render may read from this theme, in lookup order.

        Part of each job's key: editing, adding or removing a template, a style sheet or a
        project's label catalog changes it, in a linked subfolder too. Raises ThemeError for a
        folder with more than MAX_FILES files, files larger than MAX_TOTAL_BYTES together, or
        a project catalog with a broken entry (named by file and line).
        """
        from briefgen.files import read_regular_file

        listed = [(kind, position, folder, self._files(folder))
                  for kind, folders in ((TEMPLATES, self.template_dirs + (packaged(TEMPLATES),)),
                                        (STYLES, self.style_dirs + (packaged(STYLES),)),
                                        (LOCALES, self.locale_dirs + (packaged(LOCALES),)))
                  for position, folder in enumerate(folders)]
        for *_, folder, found in listed:
            if len(found) > MAX_FILES:  # counted before a byte is read
                raise ThemeError(f"{folder} holds more than {MAX_FILES:,} files: name a folder of templates "
                                 "or style sheets only")
        digest = hashlib.sha256()
        total = 0
        for kind, position, folder, found in listed:
            for name, path in found:
                digest.update(f"{kind}\0{position}\0{name}\0".encode("utf-8", "surrogatepass"))
                try:
                    data = read_regular_file(path, MAX_FILE_BYTES, whole=True)
                except OSError as exc:  # the render refuses it too, and says so
                    digest.update(f"unreadable\0{exc.errno}".encode())
                    continue
                total += len(data)
                if total > MAX_TOTAL_BYTES:
                    raise ThemeError(f"the files in {folder} and the other template and style folders are "
                                     f"larger than {MAX_TOTAL_BYTES >> 20} MiB together: name folders of "
                                     "templates and style sheets only")
                if kind == LOCALES and position < len(self.locale_dirs) and name.endswith(".po"):
                    check_catalog(path, data)
                digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()

    def catalog_files(self, language: str) -> tuple[Path, ...]:
        """The project's catalogs for `language` (a Babel identifier, "ja", "pt_BR"), the winning one last."""
        found = [folder / language / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po" for folder in reversed(self.locale_dirs)]
        return tuple(path for path in found if self.allows(path) and path.is_file())

    def _files(self, folder: Path) -> list[tuple[str, Path]]:
        """(name below `folder`, path) of every file in it, following the links `allows`, each folder once."""
        found: list[tuple[str, Path]] = []
        seen: set[str] = set()
        for here, dirs, names in os.walk(folder, followlinks=True):
            real = os.path.realpath(here) if self.allows(here) else None
            if real is None or real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            dirs.sort()
            for name in names:
                path = Path(here) / name
                if self.allows(path):
                    found.append((path.relative_to(folder).as_posix(), path))
            if len(found) > MAX_FILES:
                break  # the caller counts and refuses
        return sorted(found)


def _within(real: str, folders: tuple[str, ...]) -> bool:
    return any(real == folder or real.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)


#: A line of a .po file: blank, a comment (obsolete entries included), a keyword with its quoted
#: string, or a quoted continuation line.
_PO_LINE = re.compile(r'\s*(#.*|((msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*)?')
#: Placeholders a label's translation may use: `{name}` (Python's str.format, the view's labels).
_BRACE_FIELD = re.compile(r"(?<!{){([A-Za-z_][A-Za-z0-9_]*)}(?!})")


def check_catalog(path: Path, data: bytes) -> None:
    """Raise ThemeError naming `path` and the line of the first broken entry of a .po catalog.

    Broken: a line that is not a comment, a keyword and a quoted string, or a quoted string
    (Babel reads `msgstr 要旨"` as "旨" without a word), what Babel cannot read
    (`read_po(abort_invalid=True)`: a msgid without its msgstr), a `%(name)s` placeholder the
    translation lacks or invents (Babel's checkers), or a `{name}` one it invents (the label
    would fail to format when a note is rendered). No option is to blame: the message is
    `error: PATH:LINE: …`, exit 2.
    """
    from babel.messages.pofile import PoFileError, read_po

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _broken(path, None, f"the label catalog is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not _PO_LINE.fullmatch(line):
            raise _broken(path, number, f"the label catalog has a broken entry: {line.strip()[:80]!r} is not a "
                                        'comment, `msgid "…"`, `msgstr "…"` or a quoted continuation line')
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:  # Babel counts lines from 0
        raise _broken(path, exc.lineno + 1, f"the label catalog has a broken entry: {exc}") from None
    except ValueError as exc:
        raise _broken(path, None, f"the label catalog cannot be read: {exc}") from None
    for message, errors in catalog.check():
        if errors:
            raise _broken(path, message.lineno, f"the translation of {message.id!r} does not fit it: {errors[0]}")
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not isinstance(message.string, str):
            continue
        invented = set(_BRACE_FIELD.findall(message.string)) - set(_BRACE_FIELD.findall(message.id))
        if message.string and invented:
            names = ", ".join("{" + name + "}" for name in sorted(invented))
            raise _broken(path, message.lineno, f"the translation of {message.id!r} uses {names}, which the "
                                                "label does not give")


def _broken(path: Path, line: int | None, message: str) -> ThemeError:
    return ThemeError(f"{path}:{line}: {message}" if line is not None else f"{path}: {message}", param=None)
