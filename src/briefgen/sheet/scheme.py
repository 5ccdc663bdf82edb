"""A classification scheme as data: its levels, caveats, marking grammar and authority block, and how it reads a caveat.

A scheme is data, not code: everything here comes from one TOML file shipped in the
package (scheme_files.py reads it); marking.py applies its grammar.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any


@dataclass(frozen=True)
class Caveat:
    """One caveat or dissemination control a scheme accepts, as its file declares it."""

    #: The banner form, e.g. "NOFORN"; for a caveat with a pattern, its family ("REL TO", "EYES ONLY").
    name: str
    kind: str
    block: str
    #: The portion form ("NF"); "" when portion marks do not write it.
    portion: str = ""
    aliases: tuple[str, ...] = ()
    #: The levels it may mark (empty: every level).
    levels: frozenset[str] = frozenset()
    #: A level below which it draws a warning (descriptors go with OFFICIAL-SENSITIVE).
    advised_from: str | None = None
    #: For a family such as "REL TO USA, AUS": the pattern it is written in, and an example.
    pattern: re.Pattern[str] | None = None
    example: str = ""
    source: str = ""

    @property
    def shown(self) -> str:
        """How a hint names it: its name, or for a family an example of it."""
        return self.example or self.name


@dataclass(frozen=True)
class Control:
    """A caveat as a sheet states it, understood: its definition and, for a list, its members."""

    caveat: Caveat
    #: rel-to: ISO 3166 alpha-3 codes and tetragraphs; eyes-only: alpha-3 codes and tetragraphs
    #: of the nations named (the originator's included), in the scheme's order.
    countries: tuple[str, ...] = ()
    #: "FCDO USE ONLY": the organisations.
    who: str = ""


@dataclass(frozen=True)
class CaveatProblem:
    """Why a caveat cannot be read: a diagnostic code, a message and a hint naming what the scheme accepts."""

    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class Authority:
    """What the classification authority block of a scheme's documents holds (E.O. 13526 §1.6)."""

    required_from: str
    reasons: Mapping[str, str]
    exemptions: tuple[str, ...]
    max_years: int
    date_format: str

    def written_date(self, date: _dt.date) -> str:
        """A date as the block writes it, e.g. 20510311."""
        return date.strftime(self.date_format)


@dataclass(frozen=True)
class Grammar:
    """How a scheme writes its banner and portion marks (marking.py applies it)."""

    separator: str
    joiner: str
    blocks: tuple[str, ...]
    statement: str
    statement_controlled: str
    portion_controls: bool
    portion_separator: str
    portion_joiner: str
    #: Portion marks are printed on every note at or above this level (E.O. 13526 §1.6(c)).
    portions_required_from: str | None
    #: Between the countries of a REL TO list, and between the nations of an eyes-only caveat.
    country_joiner: str
    eyes_joiner: str


@dataclass(frozen=True)
class Scheme:
    """An ordered set of classification levels, lowest first, with its caveats and grammar."""

    name: str
    levels: tuple[str, ...]
    marks: tuple[str, ...]
    tones: tuple[str, ...]
    #: ISO 3166 alpha-3 code of the government whose scheme it is: a caveat such as
    #: UK EYES ONLY or NOFORN restricts a portion to its nationals.
    nationality: str = ""
    kinds: tuple[str, ...] = ()
    title: str = ""
    #: How a release names readers of the scheme's nationality ("UK nationals").
    nationals_name: str = ""
    caveats: tuple[Caveat, ...] = ()
    grammar: Grammar | None = None
    #: The names an eyes-only caveat uses for nations ("UK" → GBR, "FIVE" → FVEY).
    eyes_names: Mapping[str, str] = _field(default_factory=dict)
    tetragraphs: Mapping[str, frozenset[str]] = _field(default_factory=dict)
    authority: Authority | None = None
    #: The CUI level, whose banner carries the CUI categories, and the prefix of a Specified category.
    cui_level: str | None = None
    cui_specified_prefix: str = "SP-"
    release_statement: str = "Releasable at {level} to {who}"
    public_statement: str = "For public release"
    #: Whether its notes print a handling-instructions line (classification.handling).
    handling_line: bool = False
    #: How a release names readers of a tetragraph ("FVEY" → "Five Eyes nationals").
    tetragraph_names: Mapping[str, str] = _field(default_factory=dict)
    #: An optional line beneath the banner in a note of another language, by language and level
    #: (`[banner.translations]`): the marking itself is never translated, this line only explains it.
    banner_translations: Mapping[str, Mapping[str, str]] = _field(default_factory=dict)
    #: The tetragraphs of every packaged scheme (scheme_files.load_schemes sets them): a REL TO
    #: list, or an audience's nationality, may name any of them.
    shared_tetragraphs: Mapping[str, frozenset[str]] = _field(default_factory=dict)

    def banner_translation(self, level: str, language: str) -> str | None:
        """The configured line beneath the banner of `level` in a note in `language` (its primary subtag), or None."""
        primary = language.split("-")[0].lower()
        return self.banner_translations.get(primary, {}).get(level)

    @property
    def lowest(self) -> str:
        """The level the public may read, once a portion is cleared for public release."""
        return self.levels[0]

    def __contains__(self, level: object) -> bool:
        return level in self.levels

    def rank(self, level: str) -> int:
        """Position of `level` in the order (0 is the lowest). Raises KeyError when unknown."""
        try:
            return self.levels.index(level)
        except ValueError:
            raise KeyError(level) from None

    def mark(self, level: str) -> str:
        """The portion mark of a level alone, e.g. "(OS)" for OFFICIAL-SENSITIVE."""
        return f"({self.marks[self.rank(level)]})"

    def abbreviation(self, level: str) -> str:
        """The level as a portion mark writes it, e.g. "OS"."""
        return self.marks[self.rank(level)]

    def tone(self, level: str) -> str:
        """A CSS-friendly name for the banner colour of `level`."""
        return self.tones[self.rank(level)]

    def kind(self, level: str) -> str:
        """classified, controlled (CUI) or unclassified."""
        return self.kinds[self.rank(level)] if self.kinds else "classified"

    def highest(self, levels: list[str]) -> str:
        return max(levels, key=self.rank)

    def at_least(self, level: str, floor: str | None) -> bool:
        """Whether `level` is at or above `floor` (False when either is unknown or floor is None)."""
        return floor is not None and level in self and floor in self and self.rank(level) >= self.rank(floor)

    def closest(self, level: str) -> str | None:
        """A level of this scheme that `level` was probably meant to be."""
        wanted = level.strip().upper().replace("_", "-")
        for candidate in self.levels:
            if candidate == wanted or candidate.replace(" ", "-") == wanted.replace(" ", "-"):
                return candidate
        return None

    # --- caveats ---------------------------------------------------------------------------

    def caveat_names(self) -> tuple[str, ...]:
        """Every caveat the scheme accepts, as a sheet writes it (families by an example):
        what an editor completes and a hint lists."""
        return tuple(c.shown for c in self.caveats)

    def members(self, code: str) -> frozenset[str]:
        """The nationalities a code stands for: a tetragraph's members, else the code itself."""
        return self.tetragraphs.get(code) or self.shared_tetragraphs.get(code) or frozenset({code})

    def parse(self, text: str) -> Control | CaveatProblem:
        """A caveat as written in a sheet, understood, or why it cannot be (case and spacing do not matter)."""
        written = " ".join(str(text).upper().split())
        for caveat in self.caveats:
            if caveat.pattern is None:
                if written == caveat.name or written in caveat.aliases:
                    return Control(caveat)
                continue
            found = caveat.pattern.match(written)
            if found is None:
                continue
            if caveat.kind == "rel-to":
                return self._rel_to(caveat, found["countries"])
            if caveat.kind == "eyes-only":
                return self._eyes_only(caveat, found["countries"])
            return Control(caveat, who=found["who"])
        return CaveatProblem("unknown-caveat", f"'{text}' is not a caveat of the {self.name} scheme",
                             f"the {self.name} scheme accepts: {'; '.join(self.caveat_names())}")

    def _rel_to(self, caveat: Caveat, listed: str) -> Control | CaveatProblem:
        codes = [code.strip() for code in listed.split(",") if code.strip()]
        unknown = [code for code in codes if not _known_code(code, self)]
        if unknown:
            return CaveatProblem(
                "unknown-country", f"{', '.join(unknown)} in '{caveat.name} {listed}' "
                f"{'is not a country' if len(unknown) == 1 else 'are not countries'}",
                "a REL TO list names countries by ISO 3166 alpha-3 code (AUS, CAN, GBR, NZL…) or a "
                f"tetragraph ({', '.join(sorted(self.tetragraphs or self.shared_tetragraphs))}), e.g. {caveat.example}")
        others = [code for code in codes if code != self.nationality]
        if self.nationality not in codes:
            # ISM-ID-00214: a REL TO list starts with the originator; the banner writes it so.
            return CaveatProblem("rel-to-without-originator",
                                 f"a REL TO list names {self.nationality} first: '{caveat.name} {listed}'",
                                 f"write {caveat.name} {', '.join([self.nationality, *others])}")
        if not others:
            return CaveatProblem("rel-to-no-country", f"'{caveat.name} {listed}' names no other country",
                                 f"name the countries it may go to, e.g. {caveat.example}; for "
                                 f"{self.nationals_name} only, write NOFORN")
        return Control(caveat, self.country_order(codes))

    def _eyes_only(self, caveat: Caveat, listed: str) -> Control | CaveatProblem:
        names = [name.strip() for name in listed.split("/") if name.strip()]
        unknown = [name for name in names if name not in self.eyes_names]
        if unknown:
            return CaveatProblem("unknown-country", f"{', '.join(unknown)} in '{listed} {caveat.name}' "
                                 f"{'is not a nation' if len(unknown) == 1 else 'are not nations'} "
                                 "a national caveat names",
                                 f"use {', '.join(self.eyes_names)}, e.g. {caveat.example}")
        # Nations, not groups: "FIVE EYES ONLY" admits each of the five, and is written so again.
        codes = {member for name in names for member in self.members(self.eyes_names[name])} | {self.nationality}
        return Control(caveat, self.country_order(codes))

    def country_order(self, codes: Any) -> tuple[str, ...]:
        """Countries in the register's order: the scheme's own first, then trigraphs, then
        tetragraphs, each alphabetically (ISM-ID-00214, -00041)."""
        unique = set(codes)
        own = [self.nationality] if self.nationality in unique else []
        rest = sorted(unique - {self.nationality}, key=lambda code: (len(code) == 4, code))
        return (*own, *rest)

    def readers(self, control: Control) -> frozenset[str] | None:
        """The nationalities (alpha-3) that may read a portion carrying `control`; None when it
        restricts handling only."""
        own = frozenset({self.nationality})
        kind = control.caveat.kind
        if kind in ("handling", "handling-instruction", "descriptor"):
            return None
        if kind == "noforn":
            return own
        return own | frozenset(member for code in control.countries for member in self.members(code))

    def text(self, control: Control) -> str:
        """A control as the banner writes it: "NOFORN", "REL TO USA, AUS", "UK / US EYES ONLY"."""
        caveat = control.caveat
        grammar = self.grammar
        if caveat.kind == "rel-to":
            joiner = grammar.country_joiner if grammar else ", "
            return f"{caveat.name} {joiner.join(control.countries)}"
        if caveat.kind == "eyes-only":
            names = {code: name for name, code in self.eyes_names.items()}
            joiner = grammar.eyes_joiner if grammar else "/"
            shown = self._eyes_names(control.countries, names)
            return f"{joiner.join(shown)} {caveat.name}"
        if control.who:
            return f"{control.who} {caveat.name}"
        return caveat.name

    def _eyes_names(self, countries: tuple[str, ...], names: Mapping[str, str]) -> list[str]:
        # A tetragraph that an eyes name stands for is written by that name when every member is there.
        members = set(countries)
        shown: list[str] = []
        for name, code in self.eyes_names.items():
            group = self.members(code)
            if len(group) > 1 and group <= members:
                shown.append(name)
                members -= group
        return shown + [names.get(code, code) for code in countries if code in members]

    def canonical(self, text: str) -> str | None:
        """A caveat in the scheme's own spelling ("nf" → "NOFORN"), or None when it is not one."""
        found = self.parse(text)
        return self.text(found) if isinstance(found, Control) else None


def _known_code(code: str, scheme: Scheme) -> bool:
    if code in scheme.tetragraphs or code in scheme.shared_tetragraphs:
        return True
    import pycountry

    return len(code) == 3 and code.isalpha() and code.isupper() and pycountry.countries.get(alpha_3=code) is not None
