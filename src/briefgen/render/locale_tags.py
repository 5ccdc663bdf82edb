"""The locales a build names (`--locale en-GB,ja`, briefgen.toml `locale`), checked against those briefgen writes."""

from __future__ import annotations

from collections.abc import Sequence

from briefgen.render.formatting import SUPPORTED_LOCALES, supported_locale

#: A side-by-side note has two columns.
PARALLEL_LOCALES = 2


class LocaleProblem(ValueError):
    """A locale list names something briefgen cannot write; the message lists what it can."""


def parse_locales(value: str | Sequence[str]) -> tuple[str, ...]:
    """The supported locales `value` names, in order, each once: "en-GB,ja" or ["en-GB", "ja"] → ("en-GB", "ja").

    Raises LocaleProblem naming the first tag that is not supported and listing those that are.
    """
    given = value.split(",") if isinstance(value, str) else list(value)
    found: list[str] = []
    for tag in given:
        if not isinstance(tag, str) or not tag.strip():
            raise LocaleProblem("an empty locale in the list; " + supported_list())
        name = supported_locale(tag)
        if name is None:
            raise LocaleProblem(f"'{tag.strip()}' is not a locale briefgen writes; " + supported_list())
        if name not in found:
            found.append(name)
    if not found:
        raise LocaleProblem("no locale given; " + supported_list())
    return tuple(found)


def supported_list() -> str:
    """The sentence listing the supported locales, for messages."""
    return "supported: " + ", ".join(SUPPORTED_LOCALES)


def parallel_problem(locales: Sequence[str]) -> str | None:
    """Why a side-by-side note cannot be made of `locales`, or None when it can."""
    if len(locales) != PARALLEL_LOCALES:
        return (f"a side-by-side note needs exactly two locales (--locale en-GB,ja), not {len(locales)}"
                if locales else "a side-by-side note needs two locales: add --locale en-GB,ja")
    return None
