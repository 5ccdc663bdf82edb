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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .audience import Audience

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
}
_PATH_KEYS = ("briefs", "output", "schema", "templates", "styles")


class ProjectError(Exception):
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

    @property
    def config(self) -> Path | None:
        return self.root / CONFIG_NAME if self.root is not None else None

    def audience(self, name: str) -> Audience:
        """The audience `name`: one declared here, or the built-in public. Raises AudienceError."""
        from .audience import PUBLIC, AudienceError, default_public

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
        if path.is_file():
            return path
    return None


def load_project(start: Path | None = None) -> Project:
    """The project the working directory (or `start`) belongs to. Raises ProjectError."""
    config = find_config(start or Path.cwd())
    if config is None:
        return Project()
    return read_project(config)


def read_project(config: Path) -> Project:
    """The project described by `config`. Raises ProjectError for a bad file."""
    try:
        text = config.read_text(encoding="utf-8")
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
        if key == "public_release":
            raise ProjectError(f"{config}:{line_of(text, (key,))}: `public_release` is gone: a classification "
                               "is not a decision to publish. Declare the readers instead, e.g. [audiences.public] "
                               "(see docs/factsheet.md, Audiences), and mark what the public may read with "
                               "`cleared_for_public: true`")
        if key not in KEYS:
            close = difflib.get_close_matches(key, list(KEYS), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(KEYS)}"
            raise ProjectError(f"{config}:{line_of(text, (key,))}: unknown key `{key}`{hint}")
        if key == "audiences":
            values[key] = _audiences(config, text, value)
            continue
        values[key] = _value(config, root, key, value)
    return Project(**values)


def _audiences(config: Path, text: str, table: Any) -> dict[str, Audience]:
    from .audience import parse_audiences

    audiences, problems = parse_audiences(table)
    if problems:
        lines = []
        for problem in problems:
            lines.append(f"{config}:{line_of(text, problem.key)}: {problem.message}"
                         + (f"\n  help: {problem.hint}" if problem.hint else ""))
        raise ProjectError("\n".join(lines))
    return audiences


def line_of(text: str, key: tuple[str, ...]) -> int:
    """The line of briefgen.toml where `key` (a path of keys) is written, as near as can be told.

    tomllib gives no positions: this finds the deepest table header `[a.b]` that is a prefix
    of the key, then the line below it that sets the next key, else the header itself.
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
        return start + 1 if lines else 1
    setting = re.compile(r"^\s*" + _key_pattern(rest[0]) + r"\s*[.=]")
    for number in range(start + (1 if depth else 0), len(lines)):
        if depth and number > start and lines[number].lstrip().startswith("["):
            break
        if setting.match(lines[number]):
            return number + 1
    return start + 1


def _key_pattern(part: str) -> str:
    escaped = re.escape(part)
    return f"(?:{escaped}|\"{escaped}\"|'{escaped}')"


def _value(config: Path, root: Path, key: str, value: Any) -> Any:
    def wrong(expected: str) -> ProjectError:
        return ProjectError(f"{config}: `{key}` ({KEYS[key]}) must be {expected}, not {value!r}")

    if key in _PATH_KEYS:
        if not isinstance(value, str) or not value.strip():
            raise wrong("a path as text")
        return _relative(root / value)
    if key == "jobs":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise wrong("a whole number of at least 1")
        return value
    if key == "timeout":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 86_400:
            raise wrong("a number of seconds between 0 and 86400")
        return float(value)
    if key == "editor":
        if not isinstance(value, str) or "{path}" not in value:
            raise wrong("a URL template containing {path}")
        return value
    raise AssertionError(key)  # pragma: no cover - KEYS and _value disagree


def _relative(path: Path) -> Path:
    """`path` relative to the working directory when it is below it (shorter messages)."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive
        return path
