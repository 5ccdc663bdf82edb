"""The brief repository: `briefgen.toml`, found by walking up from the working directory.

It holds a project's settings — where fact sheets live, the output folder, template
and style overrides, the audiences releases are cut for, the default jobs count — and gives
every command its defaults. Flags override it. Without one, briefgen uses its packaged
templates and styles and never an unrelated `templates/` folder it happens to find.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import UsageProblem

if TYPE_CHECKING:
    from briefgen.records import ReferenceDocument
    from briefgen.release.audience import Audience
    from briefgen.report.diagnostics import Report
    from briefgen.sheet.registry import Registry
    from briefgen.theme import Theme

CONFIG_NAME = "briefgen.toml"
DEFAULT_BRIEFS = Path("briefs")
DEFAULT_OUTPUT = Path("site")
DEFAULT_EDITOR = "vscode://file/{path}:{line}:{column}"

#: Every key briefgen.toml may hold, with what it is (for messages).
KEYS = {
    "briefs": "folder of fact sheets",
    "output": "build output folder",
    "schema": "JSON Schema file for editors",
    "audiences": "the readers releases are cut for: [audiences.NAME] tables",
    "templates": "template override folder",
    "styles": "style override folder",
    "jobs": "default number of parallel jobs",
    "timeout": "time limit per brief, in seconds",
    "editor": "URL template that opens a file at a line",
    "locale": "the locale, or list of locales, notes are written in (labels, dates, numbers)",
    "parallel": "with two locales, also write the side-by-side note",
    "pdf": "the PDF variant every note is printed as: pdf/a-2b (archival), pdf/ua-1 (accessible) or none",
    "formats": "what each note is written as: a list of html, pdf and docx",
    "docx_reference": "a Word document or template (.docx, .dotx) whose styles the Word output uses",
    "registry": "the registry of the people, frameworks and commitments sheets name by `ref` "
                "(default: registry.yaml beside briefgen.toml, when there is one)",
}
_PATH_KEYS = ("briefs", "output", "schema", "templates", "styles", "docx_reference", "registry")
#: What a note can be written as (briefgen.toml `formats`, `briefgen build --format`).
FORMATS = ("html", "pdf", "docx")


class ProjectError(UsageProblem):
    """briefgen.toml cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Project:
    """A brief repository's settings, with paths resolved against its folder."""

    #: The folder holding briefgen.toml, or None when there is none.
    root: Path | None = None
    briefs: Path = DEFAULT_BRIEFS
    output: Path = DEFAULT_OUTPUT
    schema: Path | None = None
    #: Audiences declared in `[audiences]`, by name (see audience.py).
    audiences: Mapping[str, Audience] = field(default_factory=dict)
    templates: Path | None = None
    styles: Path | None = None
    jobs: int | None = None
    timeout: float | None = None
    editor: str = DEFAULT_EDITOR
    #: The locales every note is written in, one note each; (): each sheet's scheme decides (uk en-GB, us en-US).
    locales: tuple[str, ...] = ()
    #: With two locales, also the side-by-side note.
    parallel: bool = False
    #: The PDF variant (render/pdf_variants.py), or None for a tagged PDF that declares no conformance.
    pdf_variant: str | None = None
    #: What each note is written as (`formats`), or None for the default (HTML and PDF).
    formats: tuple[str, ...] | None = None
    #: The reference document for the Word output's styles (`docx_reference`), or None.
    docx_reference: Path | None = None
    #: The registry file (`registry`, else registry.yaml beside briefgen.toml when it exists), or None.
    registry: Path | None = None

    @property
    def config(self) -> Path | None:
        return self.root / CONFIG_NAME if self.root is not None else None

    def theme(self, templates: Path | None = None, styles: Path | None = None) -> Theme:
        """The theme a command uses: its flags, else the project's folders; links kept to the project."""
        from briefgen.theme import Theme

        return Theme.of(templates or self.templates, styles or self.styles, self.root,
                        (self.briefs,) if self.root is not None else ())

    def audience(self, name: str) -> Audience:
        """The audience `name`: one declared here, or the built-in public. Raises AudienceError."""
        from briefgen.release.audience import PUBLIC, AudienceError, default_public

        if name in self.audiences:
            return self.audiences[name]
        if name == PUBLIC:
            return default_public()
        declared = ", ".join(sorted({*self.audiences, PUBLIC}))
        raise AudienceError(f"no audience named '{name}' (declared: {declared}); add [audiences.{name}] "
                            "to briefgen.toml")


def find_config(start: Path) -> Path | None:
    """The nearest briefgen.toml in `start` or one of its parents, as other tools find theirs."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        # Anything but a folder by that name is the project's file: a FIFO or a device is
        # refused when it is read (without blocking), never skipped for a parent's file.
        if os.path.lexists(path) and not path.is_dir():
            return path
    return None


def load_project(start: Path | None = None) -> Project:
    """The project the working directory (or `start`) belongs to. Raises ProjectError."""
    config = find_config(start or Path.cwd())
    if config is None:
        return Project()
    return read_project(config)


#: The largest briefgen.toml read (a real one is a few hundred bytes).
MAX_CONFIG_BYTES = 1 << 20


def read_project(config: Path) -> Project:
    """The project described by `config`. Raises ProjectError for a bad file, naming its line."""
    from briefgen.files import read_regular_file

    try:
        text = read_regular_file(config, MAX_CONFIG_BYTES, whole=True).decode("utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ProjectError(f"{config}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ProjectError(f"{config}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{config}: not valid TOML: {exc}") from None
    root = config.parent
    values: dict[str, Any] = {"root": root}
    for key, value in data.items():
        where = _where(config, text, (key,))
        if key == "public_release":
            raise ProjectError(f"{where}: `public_release` is gone: a classification is not a decision to publish. "
                               "Declare the readers instead, e.g. [audiences.public] (see docs/factsheet.md, "
                               "Releases and audiences), and mark what the public may read with "
                               "`cleared_for_public: true`")
        if key not in KEYS:
            close = difflib.get_close_matches(key, list(KEYS), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(KEYS)}"
            raise ProjectError(f"{where}: unknown key `{key[:80]}`{hint}")
        if key == "audiences":
            values[key] = _audiences(config, text, value)
            continue
        values[{"locale": "locales", "pdf": "pdf_variant"}.get(key, key)] = _value(where, root, key, value)
    if values.get("parallel") and len(values.get("locales", ())) != 2:
        raise ProjectError(f"{_where(config, text, ('parallel',))}: `parallel` needs `locale` to name two locales, "
                           "e.g. locale = [\"en-GB\", \"ja\"]")
    if "output" in data:
        problem = output_problem(Path(values["output"]), root=root, sources=[values[k] for k in _SOURCE_KEYS
                                                                             if k in values])
        if problem is not None:
            raise ProjectError(f"{_where(config, text, ('output',))}: `output` ({KEYS['output']}) {problem}")
    if "registry" not in values:
        from briefgen.sheet.registry import REGISTRY_FILE

        if os.path.lexists(root / REGISTRY_FILE):
            values["registry"] = _relative(root / REGISTRY_FILE)
    return Project(**values)


def _where(config: Path, text: str, key: tuple[str, ...]) -> str:
    """`config:line` of the line that sets `key` (a path of keys), or just `config` when none does."""
    line = line_of(text, key)
    return f"{config}:{line}" if line is not None else str(config)


def _audiences(config: Path, text: str, table: Any) -> dict[str, Audience]:
    from briefgen.release.audience import parse_audiences

    audiences, problems = parse_audiences(table)
    if problems:
        raise ProjectError("\n".join(f"{_where(config, text, problem.key)}: {problem.message}"
                                      + (f"\n  help: {problem.hint}" if problem.hint else "") for problem in problems))
    return audiences


def line_of(text: str, key: tuple[str, ...]) -> int | None:
    """The line of briefgen.toml where `key` (a path of keys) is written, as near as can be told.

    tomllib keeps no positions: this finds the deepest table header `[a.b]` that is a prefix
    of the key, then the line below it that sets the next key, else the header itself; None
    when neither is there.
    """
    lines = text.splitlines()
    start, depth = 0, 0
    for size in range(len(key), 0, -1):
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(_key_pattern(part) for part in key[:size]) + r"\s*\]")
        found = next((number for number, line in enumerate(lines) if header.match(line)), None)
        if found is not None:
            start, depth = found, size
            break
    rest = key[depth:]
    if not rest:
        return start + 1
    setting = re.compile(r"^\s*" + _key_pattern(rest[0]) + r"\s*[.=]")
    for number in range(start + (1 if depth else 0), len(lines)):
        if depth and lines[number].lstrip().startswith("["):
            break
        if setting.match(lines[number]):
            return number + 1
    return start + 1 if depth else None


def _key_pattern(part: str) -> str:
    escaped = re.escape(part)
    return f"(?:{escaped}|\"{escaped}\"|'{escaped}')"


def _value(where: str, root: Path, key: str, value: Any) -> Any:
    def wrong(expected: str) -> ProjectError:
        shown = repr(value) if len(repr(value)) <= 120 else repr(value)[:120] + "…"
        return ProjectError(f"{where}: `{key}` ({KEYS[key]}) must be {expected}, not {shown}")

    if key in _PATH_KEYS:
        if not isinstance(value, str) or not value.strip() or "\0" in value:
            raise wrong("a path as text")
        if not _inside(root / value, root):
            raise wrong(f"a path inside the project folder ({root}); symbolic links may not lead out of it")
        return _relative(root / value)
    if key == "jobs":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise wrong("a whole number of at least 1")
        return value
    if key == "timeout":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 86_400:
            raise wrong("a number of seconds between 0 and 86400")
        return float(value)
    if key == "locale":
        from briefgen.render.locale_tags import LocaleProblem, parse_locales, supported_list

        if not isinstance(value, (str, list)):
            raise wrong("a locale such as \"ja\", or a list such as [\"en-GB\", \"ja\"]; " + supported_list())
        try:
            return parse_locales(value)
        except LocaleProblem as exc:
            raise wrong(f"supported locales ({exc})") from None
    if key == "pdf":
        from briefgen.render.pdf_variants import pdf_variant_problem

        problem = pdf_variant_problem(value)
        if problem is not None:
            raise wrong(f"a PDF variant ({problem})")
        return value
    if key == "formats":
        problem = formats_problem(value)
        if problem is not None:
            raise wrong(f"a list of formats ({problem})")
        return tuple(dict.fromkeys(value))
    if key == "parallel":
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if key == "editor":
        if not isinstance(value, str) or "{path}" not in value:
            raise wrong("a URL template containing {path}")
        return value
    raise AssertionError(key)  # pragma: no cover - KEYS and _value disagree


def read_reference(project: Project) -> ReferenceDocument | None:
    """The project's `docx_reference`, read and checked to be a Word document or template, or None when it names
    none. Raises ProjectError (exit 2) for a file that is not one, OSError for one that cannot be read."""
    from briefgen.files import read_regular_file
    from briefgen.records import ReferenceDocument
    from briefgen.render.docx_package import MAX_REFERENCE_BYTES, ReferenceProblem, main_part_type

    path = project.docx_reference
    if path is None:
        return None
    data = read_regular_file(path, MAX_REFERENCE_BYTES, whole=True)
    try:
        main_part_type(data)
    except ReferenceProblem as exc:
        raise ProjectError(f"{project.config}: `docx_reference` ({path}) cannot be used: {exc}; give a .docx or "
                           ".dotx saved by Word, or remove the key to use python-docx's own styles") from None
    return ReferenceDocument(str(path), data)


#: The largest registry read: thousands of entries, far below what makes a check slow.
MAX_REGISTRY_BYTES = 4 << 20


def read_registry_file(project: Project) -> tuple[Registry | None, Report | None]:
    """The project's registry and the report of its problems (None, None when it has none).

    A registry with errors is not used (None) and its report says why, at each line. A file
    that cannot be read at all raises OSError: the command says so and exits 4, as for any
    file it needed and could not read."""
    path = project.registry
    if path is None:
        return None, None
    from briefgen.files import read_regular_file
    from briefgen.sheet.registry import read_registry

    raw = read_regular_file(path, MAX_REGISTRY_BYTES, whole=True)
    return read_registry(str(path), raw)


def formats_problem(value: Any) -> str | None:
    """Why `value` is not a list of formats a note can be written as (FORMATS), or None."""
    choices = ", ".join(FORMATS)
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        return f"at least one of {choices}, e.g. [\"html\", \"docx\"]"
    unknown = [item for item in value if item not in FORMATS]
    if unknown:
        return f"'{unknown[0][:40]}' is not one; choose from {choices}"
    return None


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(path: Path, folder: Path) -> bool:
    real, top = _real(path), _real(folder)
    return real == top or real.is_relative_to(top)


def _overlap(one: Path, other: Path) -> bool:
    return _inside(one, other) or _inside(other, one)


#: Folders of the system that a site is never written into (nor below, for the second set).
_SYSTEM = frozenset({"/", "/home", "/root", "/tmp", "/var", "/opt", "/mnt", "/media", "/srv", "/Users",
                     "/Applications", "/Library", "/System", "/Volumes", "/private", "/private/tmp",
                     "/private/var"})
_SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin",
                 "/sys", "/usr", "/System", "/Library", "/private/etc")
#: The keys of folders whose files are read: an output folder may not overlap any of them.
_SOURCE_KEYS = ("briefs", "templates", "styles")


def output_problem(out: Path, *, root: Path | None = None, sources: Iterable[Path] = ()) -> str | None:
    """Why `out` may not be an output folder, or None.

    Never a system folder (/, /etc, /usr, a home folder itself…), never the project
    folder, and never a folder that holds, or lies inside, one whose files are read (fact
    sheets, templates, styles): a site is published whole, and would publish them too.
    """
    real = _real(out)
    shown = str(out)[:200]
    if real.anchor == str(real) or str(real) in _SYSTEM or real == _real(Path.home()) \
            or any(_inside(real, Path(tree)) for tree in _SYSTEM_TREES if os.path.isabs(tree)):
        return f"may not be {shown}: briefgen does not write into a system folder; choose a folder of its own"
    if root is not None and _inside(root, real):
        return f"may not be {shown}: it is, or holds, the project folder; choose a folder of its own inside it"
    for source in sources:
        if _overlap(real, source):
            return (f"may not be {shown}: it overlaps {str(source)[:200]}, whose files briefgen reads "
                    "(a published site would publish them); choose a folder of its own")
    return None


def _relative(path: Path) -> Path:
    """`path` relative to the working directory when it is below it (shorter messages)."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive
        return path
