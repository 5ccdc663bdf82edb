"""The brief repository: `briefgen.toml`, found by walking up from the working directory.

It holds a project's settings — where fact sheets live, the output folder, template
and style overrides, the public release level, the default jobs count — and gives
every command its defaults. Flags override it. Without one, briefgen uses its packaged
templates and styles and never an unrelated `templates/` folder it happens to find.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_NAME = "briefgen.toml"
DEFAULT_BRIEFS = Path("briefs")
DEFAULT_OUTPUT = Path("site")
DEFAULT_EDITOR = "vscode://file/{path}:{line}:{column}"

#: Every key briefgen.toml may hold, with what it is (for messages).
KEYS = {
    "briefs": "folder of fact sheets",
    "output": "build output folder",
    "schema": "JSON Schema file for editors",
    "public_release": "classification level of public builds",
    "templates": "template override folder",
    "styles": "style override folder",
    "jobs": "default number of parallel jobs",
    "timeout": "time limit per brief, in seconds",
    "editor": "URL template that opens a file at a line",
    "locale": "house style of dates, times and numbers",
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
    public_release: str | None = None
    templates: Path | None = None
    styles: Path | None = None
    jobs: int | None = None
    timeout: float | None = None
    editor: str = DEFAULT_EDITOR
    #: The locale every note is written in; None: each sheet's scheme decides (uk en-GB, us en-US).
    locale: str | None = None

    @property
    def config(self) -> Path | None:
        return self.root / CONFIG_NAME if self.root is not None else None


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
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProjectError(f"{config}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ProjectError(f"{config}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{config}: not valid TOML: {exc}") from None
    root = config.parent
    values: dict[str, Any] = {"root": root}
    for key, value in data.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, list(KEYS), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(KEYS)}"
            raise ProjectError(f"{config}: unknown key `{key}`{hint}")
        values[key] = _value(config, root, key, value)
    return Project(**values)


def _value(config: Path, root: Path, key: str, value: Any) -> Any:
    def wrong(expected: str) -> ProjectError:
        return ProjectError(f"{config}: `{key}` ({KEYS[key]}) must be {expected}, not {value!r}")

    if key in _PATH_KEYS:
        if not isinstance(value, str) or not value.strip():
            raise wrong("a path as text")
        return _relative(root / value)
    if key == "public_release":
        from .classification import all_levels, canonical_level

        level = canonical_level(value) if isinstance(value, str) else None
        if level is None:
            raise wrong("a classification level (" + ", ".join(all_levels()) + ")")
        return level
    if key == "jobs":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise wrong("a whole number of at least 1")
        return value
    if key == "timeout":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 86_400:
            raise wrong("a number of seconds between 0 and 86400")
        return float(value)
    if key == "locale":
        from .formatting import SUPPORTED_LOCALES, supported_locale

        found = supported_locale(value) if isinstance(value, str) else None
        if found is None:
            raise wrong("one of the supported locales: " + ", ".join(SUPPORTED_LOCALES))
        return found
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
