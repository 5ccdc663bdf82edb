"""Template mistakes in the template's terms: a TemplateProblem at its file and line, and what a
template asked for and did not get."""

from __future__ import annotations

import dataclasses
import re
import traceback
from collections.abc import Mapping

import jinja2
import jinja2.utils
from jinja2.exceptions import SecurityError

from briefgen.errors import TemplateFailure


class TemplateProblem(TemplateFailure):
    """A template could not be used: a syntax error, an undefined variable, a missing include,
    a reach outside the sandbox.

    `path` and `line` name the template file and line where it went wrong, as far as known.
    """

    def __init__(self, message: str, path: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line


def plain_error(exc: BaseException) -> str:
    """What a Python error raised in a template says, in words a template author reads."""
    text = str(exc)[:200]
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    return text or type(exc).__name__


def template_frame(exc: BaseException) -> tuple[str | None, int]:
    """The innermost template file and line in a Jinja traceback (Jinja rewrites its frames so)."""
    found: tuple[str | None, int] = (None, 1)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".htm", ".j2", ".jinja")) and frame.lineno is not None:
            found = (frame.filename, frame.lineno)
    return found


#: What templates are given, by the type of the value: (its name in templates, what it is).
_GIVEN = {"BriefView": ("view", "the brief"), "SiteIndexView": ("index", "the site index")}


class ExplainedUndefined(jinja2.StrictUndefined):
    """An undefined value whose error says what the template asked for, and what there is instead."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        return undefined_message(self._undefined_hint, self._undefined_obj, self._undefined_name,
                                 self._undefined_exception is SecurityError)


def undefined_message(hint: str | None, owner: object, name: object, unsafe: bool = False) -> str:
    """The message of a value a template asked for and did not get."""
    if isinstance(owner, jinja2.Undefined):  # `nosuch.__init__`: what is missing is `nosuch`
        return str(owner._undefined_message)
    if unsafe:
        if str(name).startswith("_"):
            return f"`.{name}` is one of Python's internals, which templates are never given"
        return f"`.{name}` would change what the template was given, which templates may not do"
    if hint:
        return hint
    if owner is jinja2.utils.missing:
        return (f"`{name}` is not defined: a brief's templates are given `view` and `styles`, "
                "the index template `index` and `styles`")
    given, what = _described(owner)
    asked = f"`{given}.{name}`" if given else f"`.{name}`"
    if dataclasses.is_dataclass(owner) and not isinstance(owner, type):
        fields = ", ".join(f.name for f in dataclasses.fields(owner))
        return f"{asked} is not a field of {what}; its fields: {fields}"
    if isinstance(owner, Mapping):
        keys = ", ".join(map(str, list(owner)[:30])) or "none"
        return f"`[{name!r}]` is not a key of {what}; its keys: {keys}"
    if isinstance(owner, (tuple, list)) and isinstance(name, int):
        return f"item {name} is not there: {what} has {len(owner)} item{'s' if len(owner) != 1 else ''}"
    return f"{asked} is not a field of {what}"


def _described(owner: object) -> tuple[str | None, str]:
    kind = type(owner).__name__
    if kind in _GIVEN:
        return _GIVEN[kind]
    if isinstance(owner, str):
        return None, "text"
    if owner is None:
        return None, "an empty value (None)"
    if isinstance(owner, (tuple, list)):
        return None, "a list"
    if isinstance(owner, Mapping):
        return None, "a mapping"
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", kind.removesuffix("View")).lower() or "value"
    return None, ("an " if words[0] in "aeiou" else "a ") + words
