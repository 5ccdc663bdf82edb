"""The project's registry: canonical names, native names and aliases of the people, frameworks and
commitments that sheets name by `ref`.

An optional `registry.yaml` beside `briefgen.toml` (or the file its `registry` setting
names), read as strictly as a fact sheet (the same loader: no tags, aliases or duplicate
keys) and checked by its own model; every problem is a Diagnostic at its line.

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
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field, ValidationError

from briefgen.report.diagnostics import Diagnostic, Report
from briefgen.sheet.fields import CountryCode, CrossRef, LanguageTag, Line, YearOrDate
from briefgen.sheet.loader import load
from briefgen.sheet.model import Strict

#: The file a project's registry is read from when briefgen.toml names none.
REGISTRY_FILE = "registry.yaml"


class RegistryPerson(Strict):
    """A person sheets name by `participants[].ref`."""

    ref: CrossRef = Field(description="The ref sheets use, e.g. narendra-modi")
    name: Line = Field(description="The canonical name, e.g. Narendra Modi")
    native_name: Line | None = Field(None, description="The name in the person's own script")
    native_name_lang: LanguageTag | None = Field(None, description="Language of native_name (BCP 47)")
    country: CountryCode | None = Field(None, description="ISO 3166-1 alpha-2 code of the country they represent")
    aliases: list[Line] = Field(default_factory=list, description="Other names sheets write for them")


class RegistryFramework(Strict):
    """A framework sheets name by `frameworks[].ref`."""

    ref: CrossRef = Field(description="The ref sheets use")
    name: Line = Field(description="The canonical name")
    since: YearOrDate | None = Field(None, description="When it started: YYYY, YYYY-MM or YYYY-MM-DD")
    aliases: list[Line] = Field(default_factory=list, description="Other names sheets write for it, e.g. FOIP")


class RegistryCommitment(Strict):
    """A commitment sheets follow by `commitments[].ref`."""

    ref: CrossRef = Field(description="The ref sheets use")
    name: Line = Field(description="A short name for its page, e.g. JPY 5 trillion investment, 2022–2027")
    sector: Line | None = Field(None, description="Its sector, e.g. Investment")
    aliases: list[Line] = Field(default_factory=list, description="Other names for it")


class RegistryFile(Strict):
    """The registry file's shape."""

    format: Literal[1] = Field(description="The registry format: 1")
    people: list[RegistryPerson] = Field(default_factory=list)
    frameworks: list[RegistryFramework] = Field(default_factory=list)
    commitments: list[RegistryCommitment] = Field(default_factory=list)


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


@dataclass(frozen=True)
class Registry:
    """The project's registry: entries by ref, per list; `path` is where it was read from."""

    path: str
    people: dict[str, Entry] = field(default_factory=dict)
    frameworks: dict[str, Entry] = field(default_factory=dict)
    commitments: dict[str, Entry] = field(default_factory=dict)

    def of(self, kind: str) -> dict[str, Entry]:
        return {"people": self.people, "frameworks": self.frameworks, "commitments": self.commitments}[kind]


def name_key(name: str) -> str:
    """Two names are the same name when they differ only in case, width, spacing or dashes."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2010", "-").replace("\u2011", "-")
    return " ".join(text.split())


def read_registry(path: str, raw: bytes) -> tuple[Registry | None, Report]:
    """The registry in `raw` (read from `path`) and the report of its problems; None when it cannot be used."""
    loaded = load(path, raw)
    diagnostics = list(loaded.diagnostics)
    if loaded.data is None or diagnostics:
        return None, Report.of(path, diagnostics, loaded.lines)
    try:
        model = RegistryFile.model_validate(loaded.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            where = tuple(error["loc"])
            shown = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where).lstrip(".") or "the file"
            if error["type"] == "missing":
                span, message = loaded.marks.value(where[:-1]), f"{shown} is missing"
            elif error["type"] == "extra_forbidden":
                within = shown.rpartition(".")[0] or "the registry"
                span, message = loaded.marks.key(where), f"unknown key '{where[-1]}' in {within}"
            else:
                span, message = loaded.marks.value(where), f"{shown}: {error['msg']}"
            diagnostics.append(Diagnostic.at(path, span, "error", "registry-invalid", message,
                                             "see docs/factsheet.md#the-registry for the registry's format"))
        return None, Report.of(path, diagnostics, loaded.lines)
    registry = Registry(path)
    for kind in ("people", "frameworks", "commitments"):
        entries = registry.of(kind)
        owner: dict[str, str] = {}
        for index, item in enumerate(getattr(model, kind)):
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
                sector=_text(getattr(item, "sector", None)), line=span.line)
    failed = any(d.severity == "error" for d in diagnostics)
    return (None if failed else registry), Report.of(path, diagnostics, loaded.lines)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
