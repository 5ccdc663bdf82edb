"""The project's registry: canonical names, native names and aliases of the people, frameworks and
commitments that sheets name by `ref`.

An optional `registry.yaml` beside `briefgen.toml` (or the file its `registry` setting
names), read as strictly as a fact sheet (the same loader: no tags, aliases or duplicate
keys) and checked by its own model (registry_file.py, imported only to read one); every problem is a
Diagnostic at its line. This module is light: the checks across sheets (crossrefs.py) import it on
every plan, a no-op rebuild's too.

    format: 1
    people:
      - ref: narendra-modi
        name: Narendra Modi
        native_name: नरेन्द्र मोदी
        country: IN
        aliases: [Shri Narendra Modi]
    frameworks:
      - ref: free-and-open-indo-pacific
        name: Free and Open Indo-Pacific
        since: 2016
        aliases: [FOIP]
    commitments:
      - ref: japan-india-investment-target-2022
        name: JPY 5 trillion public and private investment in India, 2022–2027
        sector: Investment
        formerly: [japan-india-investment-2022]   # refs it had before (sheets using one get a note)
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from briefgen.report.diagnostics import Diagnostic, Report
from briefgen.sheet.marks import SourceMap

if TYPE_CHECKING:
    from pydantic import ValidationError

#: The file a project's registry is read from when briefgen.toml names none.
REGISTRY_FILE = "registry.yaml"
#: The registry's lists, in the file's order.
_LISTS = ("people", "frameworks", "commitments")


@dataclass(frozen=True)
class Entry:
    """One registry entry as the checks read it: its canonical name and facts, and every name for it."""

    ref: str
    name: str
    names: frozenset[str]
    native_name: str | None = None
    country: str | None = None
    since: str | None = None
    sector: str | None = None
    #: Where it is written in the registry file (for the registry's own diagnostics).
    line: int = 1
    column: int = 1
    #: The refs it had before it was renamed (`formerly:`): a sheet using one still names it.
    formerly: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registry:
    """The project's registry: its entries per list, in the file's order; `path` is where it was read from.

    Frozen and hashable, as every part of the Options it travels in."""

    path: str
    people: tuple[Entry, ...] = ()
    frameworks: tuple[Entry, ...] = ()
    commitments: tuple[Entry, ...] = ()

    def of(self, kind: str) -> Mapping[str, Entry]:
        """The entries of one list ("people", "frameworks", "commitments") by ref."""
        return self._by_ref[kind]

    def renamed(self, kind: str) -> Mapping[str, str]:
        """Each former ref of one list (`formerly:`) and the ref it is now."""
        return self._renamed[kind]

    @functools.cached_property
    def _renamed(self) -> dict[str, Mapping[str, str]]:
        return {kind: MappingProxyType({old: entry.ref for entry in getattr(self, kind) for old in entry.formerly})
                for kind in ("people", "frameworks", "commitments")}

    @functools.cached_property
    def _by_ref(self) -> dict[str, Mapping[str, Entry]]:
        return {kind: MappingProxyType({entry.ref: entry for entry in getattr(self, kind)})
                for kind in ("people", "frameworks", "commitments")}


def name_key(name: str) -> str:
    """Two names are the same name when they differ only in case, width, spacing or dashes."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2010", "-").replace("\u2011", "-")
    return " ".join(text.split())


def read_registry(path: str, raw: bytes) -> tuple[Registry | None, Report]:
    """The registry in `raw` (read from `path`) and the report of its problems; None when it cannot be used."""
    from pydantic import ValidationError

    from briefgen.sheet.loader import load
    from briefgen.sheet.registry_file import RegistryFile

    loaded = load(path, raw)
    diagnostics = list(loaded.diagnostics)
    if loaded.data is None or diagnostics:
        return None, Report.of(path, diagnostics, loaded.lines)
    try:
        model = RegistryFile.model_validate(loaded.data)
        items = {kind: list(enumerate(getattr(model, kind))) for kind in _LISTS}
    except ValidationError as exc:
        diagnostics += _model_problems(path, exc, loaded.marks)
        # Every entry valid on its own is still checked against the others: every error at once.
        items = _valid_entries(loaded.data)
    found: dict[str, dict[str, Entry]] = {}
    places: dict[tuple[str, str], int] = {}  # each entry's place in its list, for its `formerly`'s line
    for kind in ("people", "frameworks", "commitments"):
        entries = found.setdefault(kind, {})
        owner: dict[str, str] = {}
        for index, item in items[kind]:
            span = loaded.marks.value((kind, index))
            if item.ref in entries:
                diagnostics.append(Diagnostic.at(path, loaded.marks.value((kind, index, "ref")), "error",
                                                 "registry-duplicate-ref",
                                                 f"the ref '{item.ref}' is listed twice under {kind} (first on line "
                                                 f"{entries[item.ref].line})", "keep one entry and merge the other"))
                continue
            names = {name_key(str(item.name)), *(name_key(str(a)) for a in item.aliases)}
            for name in sorted(names):
                if name in owner:
                    diagnostics.append(Diagnostic.at(path, span, "error", "registry-name-clash",
                                                     f"'{name}' names both '{owner[name]}' and '{item.ref}' under "
                                                     f"{kind}", "a name or alias may stand for one entry only"))
                owner.setdefault(name, item.ref)
            entries[item.ref] = Entry(
                item.ref, str(item.name), frozenset(names),
                native_name=str(getattr(item, "native_name", None) or "") or None,
                country=getattr(item, "country", None), since=_text(getattr(item, "since", None)),
                sector=_text(getattr(item, "sector", None)), line=span.line, column=span.col,
                formerly=tuple(item.formerly))
            places[(kind, item.ref)] = index
        diagnostics += _renames(path, kind, entries, places, loaded.marks)
    registry = Registry(path, *(tuple(found[kind].values()) for kind in ("people", "frameworks", "commitments")))
    failed = any(d.severity == "error" for d in diagnostics)
    return (None if failed else registry), Report.of(path, diagnostics, loaded.lines)


def _model_problems(path: str, exc: ValidationError, marks: SourceMap) -> list[Diagnostic]:
    """The registry file's model errors, each at its line (`registry-invalid`)."""
    from briefgen.sheet.fields import FormatError

    found = []
    for error in exc.errors(include_url=False):
        hint = "see docs/factsheet.md#the-registry for the registry's format"
        where = tuple(error["loc"])
        shown = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where).lstrip(".") or "the file"
        if error["type"] == "missing":
            span, message = marks.value(where[:-1]), f"{shown} is missing"
        elif error["type"] == "extra_forbidden":
            within = shown.rpartition(".")[0] or "the registry"
            span, message = marks.key(where), f"unknown key '{where[-1]}' in {within}"
        else:
            cause = error.get("ctx", {}).get("error")
            said = cause.message if isinstance(cause, FormatError) else error["msg"]
            span, message = marks.value(where), f"{shown}: {said}"
            if isinstance(cause, FormatError) and cause.hint:
                hint = cause.hint
        found.append(Diagnostic.at(path, span, "error", "registry-invalid", message, hint))
    return found


def _valid_entries(data: object) -> dict[str, list[tuple[int, Any]]]:
    """The entries of an invalid registry that are valid on their own, by list, with their places."""
    from pydantic import ValidationError

    from briefgen.sheet.registry_file import ENTRY_MODELS

    found: dict[str, list[tuple[int, Any]]] = {kind: [] for kind in _LISTS}
    lists = data if isinstance(data, dict) else {}
    for kind, model in ENTRY_MODELS.items():
        items = lists.get(kind)
        for index, item in enumerate(items if isinstance(items, list) else []):
            try:
                found[kind].append((index, model.model_validate(item)))
            except ValidationError:
                continue
    return found


def _renames(path: str, kind: str, entries: Mapping[str, Entry], places: Mapping[tuple[str, str], int],
             marks: SourceMap) -> list[Diagnostic]:
    """The mistakes of one list's `formerly`: a ref renamed to two entries, a former ref that is still an
    entry of its own, and renames that lead back where they started (`registry-alias-cycle`)."""
    found: list[Diagnostic] = []
    renamed: dict[str, str] = {}
    for entry in entries.values():
        for place, old in enumerate(entry.formerly):
            where = marks.value((kind, places[(kind, entry.ref)], "formerly", place))
            if old in renamed and renamed[old] != entry.ref:
                found.append(Diagnostic.at(path, where, "error", "registry-duplicate-ref",
                                           f"'{old}' is a former ref of both '{renamed[old]}' and '{entry.ref}' "
                                           f"under {kind}", "a ref was renamed once: keep it under one entry"))
            renamed.setdefault(old, entry.ref)
    cycles: set[str] = set()
    for entry in entries.values():
        for place, old in enumerate(entry.formerly):
            where = marks.value((kind, places[(kind, entry.ref)], "formerly", place))
            chain = _chain(old, entry.ref, renamed)
            if chain is not None:
                if not cycles.intersection(chain):
                    found.append(Diagnostic.at(path, where, "error", "registry-alias-cycle",
                                               f"the renames under {kind} go round in a circle: "
                                               + " → ".join([*chain, chain[0]]),
                                               "keep the newest ref as the entry, and every older one under its "
                                               "`formerly` only"))
                cycles.update(chain)
            elif old in entries:
                found.append(Diagnostic.at(path, where, "error", "registry-duplicate-ref",
                                           f"'{old}' is a former ref of '{entry.ref}' and still an entry of its own "
                                           f"under {kind} (line {entries[old].line})",
                                           f"merge the entry '{old}' into '{entry.ref}', or remove '{old}' from "
                                           "its `formerly`"))
    return found


def _chain(old: str, new: str, renamed: Mapping[str, str]) -> list[str] | None:
    """The refs from `old` renamed to `new`, and on, when they come back to `old` (a cycle); else None."""
    chain, current = [old], new
    while current not in chain:
        chain.append(current)
        following = renamed.get(current)
        if following is None:
            return None
        current = following
    return chain[chain.index(current):]


def _text(value: object) -> str | None:
    return None if value is None else str(value)
