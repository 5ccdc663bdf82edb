"""The registry file's format (registry.py reads it): pydantic models, imported only when a registry is read."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from briefgen.sheet.fields import CountryCode, CrossRef, LanguageTag, Line, YearOrDate
from briefgen.sheet.model import Strict

FORMERLY = "Refs it had before it was renamed: sheets that still use one name it (with a note)"


class RegistryPerson(Strict):
    """A person sheets name by `participants[].ref`."""

    ref: CrossRef = Field(description="The ref sheets use, e.g. narendra-modi")
    name: Line = Field(description="The canonical name, e.g. Narendra Modi")
    native_name: Line | None = Field(None, description="The name in the person's own script")
    native_name_lang: LanguageTag | None = Field(None, description="Language of native_name (BCP 47)")
    country: CountryCode | None = Field(None, description="ISO 3166-1 alpha-2 code of the country they represent")
    aliases: list[Line] = Field(default_factory=list, description="Other names sheets write for them")
    formerly: list[CrossRef] = Field(default_factory=list, description=FORMERLY)


class RegistryFramework(Strict):
    """A framework sheets name by `frameworks[].ref`."""

    ref: CrossRef = Field(description="The ref sheets use")
    name: Line = Field(description="The canonical name")
    since: YearOrDate | None = Field(None, description="When it started: YYYY, YYYY-MM or YYYY-MM-DD")
    aliases: list[Line] = Field(default_factory=list, description="Other names sheets write for it, e.g. FOIP")
    formerly: list[CrossRef] = Field(default_factory=list, description=FORMERLY)


class RegistryCommitment(Strict):
    """A commitment sheets follow by `commitments[].ref`."""

    ref: CrossRef = Field(description="The ref sheets use")
    name: Line = Field(description="A short name for its page, e.g. JPY 5 trillion investment, 2022–2027")
    sector: Line | None = Field(None, description="Its sector, e.g. Investment")
    aliases: list[Line] = Field(default_factory=list, description="Other names for it")
    formerly: list[CrossRef] = Field(default_factory=list, description=FORMERLY)


class RegistryFile(Strict):
    """The registry file's shape."""

    format: Literal[1] = Field(description="The registry format: 1")
    people: list[RegistryPerson] = Field(default_factory=list)
    frameworks: list[RegistryFramework] = Field(default_factory=list)
    commitments: list[RegistryCommitment] = Field(default_factory=list)


#: Each list of the registry and the model of its entries.
ENTRY_MODELS: dict[str, type[RegistryPerson | RegistryFramework | RegistryCommitment]] = {
    "people": RegistryPerson, "frameworks": RegistryFramework, "commitments": RegistryCommitment}
