"""Audiences: who a release is cut for — the level they read in each scheme, their nationality, and
whether they are the public.

A classification says how information must be handled, not who has decided to publish it:
OFFICIAL is not "public". So the public is an audience of its own, which reads a portion only
when the sheet says it is cleared for public release, and never one that carries a caveat. A
reader of another nationality never reads a portion whose caveats (UK EYES ONLY, NOFORN, REL TO
lists) keep it from them. `--release LEVEL` is the shorthand for "a reader of the sheet's own
nationality with access to LEVEL in its scheme".

This module decides; the release cut (release.py), the plan, the preview, `diff` and
`assemble` ask it. Nothing here reads files: briefgen.toml's `[audiences]` table is checked by
`parse_audiences`, which returns problems as data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from briefgen.sheet.classification import SCHEMES, TETRAGRAPHS, all_levels, canonical_level, nationals, readers_allowed
from briefgen.sheet.scheme import Scheme

#: The audience `build --public` means when briefgen.toml declares none of that name.
PUBLIC = "public"
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KEYS = {
    "public": "true for the public (reads only what is cleared for public release)",
    "levels": "the level it reads in each scheme, e.g. { uk = \"OFFICIAL-SENSITIVE\", us = \"CUI\" }",
    "nationality": "ISO 3166 alpha-3 code or tetragraph of its readers, e.g. GBR or FVEY",
    "description": "who it is, as a release names it, e.g. \"UK government partners\"",
}


class AudienceError(ValueError):
    """An audience that cannot be used: the message says why (and the CLI exits 2)."""


@dataclass(frozen=True)
class Audience:
    """The readers a release is cut for."""

    name: str
    #: (scheme, level) pairs: the highest level it reads in each scheme it reads at all.
    levels: tuple[tuple[str, str], ...]
    #: ISO 3166 alpha-3 code or tetragraph of its readers; None: the sheet's own nationality
    #: (the `--release LEVEL` shorthand).
    nationality: str | None = None
    public: bool = False
    description: str | None = None

    def ceiling(self, scheme: str) -> str | None:
        """The highest level it reads in `scheme`, or None when it reads no notes of that scheme."""
        return dict(self.levels).get(scheme)

    @property
    def label(self) -> str:
        """How a release's reference names it: "OFFICIAL", "PUBLIC", "FVEY-SECRET"."""
        return self.name.upper().replace(" ", "-")

    def readers(self, scheme: Scheme) -> frozenset[str]:
        """The nationalities among its readers, for a sheet of `scheme`."""
        return nationals(self.nationality) if self.nationality is not None else frozenset({scheme.nationality})

    def describe(self, scheme: Scheme) -> str:
        """Who it is, in a release's words: "the public", "UK nationals at OFFICIAL-SENSITIVE"."""
        if self.description:
            return self.description
        if self.public:
            return "the public"
        return f"{self.nationals(scheme)} at {self.ceiling(scheme.name) or ''}"

    def nationals(self, scheme: Scheme) -> str:
        """Its readers by nationality, as the scheme files name them: "UK nationals", "Five Eyes nationals"."""
        who = self.nationality or scheme.nationality
        for other in SCHEMES.values():
            if other.nationality == who and other.nationals_name:
                return other.nationals_name
            if who in other.tetragraph_names:
                return other.tetragraph_names[who]
        return f"{who} nationals"

    def statement(self, scheme: Scheme) -> str:
        """What a release of a `scheme` note says about whom it is for, in the words of the scheme's file:
        "Releasable at OFFICIAL to UK nationals", "For public release" (GSC), "Approved for public release".

        ICD 209 speaks of tearlines that "release classified intelligence information with less
        restrictive dissemination controls, and, when possible, at a lower classification": a
        release says at which level it may go, and to whom. Nobody is "cleared to OFFICIAL".
        """
        if self.public:
            return scheme.public_statement
        who = self.description or self.nationals(scheme)
        return scheme.release_statement.format(level=self.ceiling(scheme.name) or "", who=who)

    def admits(self, scheme: Scheme, level: str, caveats: Iterable[str], public: bool) -> bool:
        """Whether it may read a portion of `level` with `caveats` (cleared for the public or not)."""
        ceiling = self.ceiling(scheme.name)
        if ceiling is None or ceiling not in scheme or level not in scheme:
            return False
        if scheme.rank(level) > scheme.rank(ceiling):
            return False
        caveats = tuple(caveats)
        if self.public:
            # The public is every nationality, and nobody decided to publish what is not cleared.
            return public and not caveats and level == scheme.lowest
        readers = self.readers(scheme)
        for caveat in caveats:
            allowed = readers_allowed(scheme, caveat)
            if allowed is not None and not readers <= allowed:
                return False
        return True

    def barring(self, scheme: Scheme, caveats: Iterable[str]) -> str | None:
        """The first of `caveats` that keeps this audience out (for messages), or None."""
        for caveat in caveats:
            if self.public:
                return caveat
            allowed = readers_allowed(scheme, caveat)
            if allowed is not None and not self.readers(scheme) <= allowed:
                return caveat
        return None

    def digest(self) -> str:
        """A stable digest of what it reads: part of every job key and of a shard's manifest."""
        text = repr((self.name, sorted(self.levels), self.nationality, self.public, self.description))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict[str, object]:
        """What a manifest records of it: everything it reads by, and its digest."""
        return {"name": self.name, "levels": {scheme: level for scheme, level in self.levels},
                "nationality": self.nationality, "public": self.public, "description": self.description,
                "digest": self.digest()}

    @classmethod
    def from_json(cls, data: object) -> Audience | None:
        """The audience a manifest recorded, or None when the record is damaged or its digest disagrees."""
        if not isinstance(data, Mapping):
            return None
        name, levels, nationality = data.get("name"), data.get("levels"), data.get("nationality")
        public, description = data.get("public"), data.get("description")
        if not (isinstance(name, str) and isinstance(levels, Mapping) and isinstance(public, bool)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in levels.items())
                and (nationality is None or isinstance(nationality, str))
                and (description is None or isinstance(description, str))):
            return None
        audience = cls(name, tuple(sorted(levels.items())), nationality, public, description)
        return audience if data.get("digest") == audience.digest() else None



def shorthand(given: str) -> Audience:
    """The audience `--release LEVEL` means: the sheet's own nationals with access to LEVEL.

    LEVEL is matched in any case; it covers every scheme that has a level of that name
    (SECRET is a level of both). Raises AudienceError for a name that is no level.
    """
    level = canonical_level(given)
    if level is None:
        raise AudienceError(f"'{given}' is not a classification level (one of: {', '.join(all_levels())})")
    levels = tuple((name, level) for name, scheme in SCHEMES.items() if level in scheme)
    return Audience(level, levels)


def default_public() -> Audience:
    """The public, when briefgen.toml declares no `public` audience: the lowest level of every scheme."""
    return Audience(PUBLIC, tuple((name, scheme.lowest) for name, scheme in SCHEMES.items()), public=True)


@dataclass(frozen=True)
class AudienceProblem:
    """A mistake in briefgen.toml's `[audiences]`: where (the key path) and what."""

    key: tuple[str, ...]
    message: str
    hint: str | None = None


def parse_audiences(table: object) -> tuple[dict[str, Audience], list[AudienceProblem]]:
    """The audiences declared in briefgen.toml's `[audiences]` table, and every problem found."""
    problems: list[AudienceProblem] = []
    found: dict[str, Audience] = {}
    if not isinstance(table, Mapping):
        return {}, [AudienceProblem(("audiences",), "`audiences` must be a table of audiences, e.g. "
                                    "[audiences.public]", "see docs/factsheet.md, Audiences")]
    for name, spec in table.items():
        where = ("audiences", str(name))
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(AudienceProblem(where, f"'{name}' cannot name an audience",
                                            "use lower-case letters, digits and hyphens, e.g. uk-partners"))
            continue
        if not isinstance(spec, Mapping):
            problems.append(AudienceProblem(where, f"audience `{name}` must be a table",
                                            f"write [audiences.{name}] with levels and nationality under it"))
            continue
        audience = _audience(name, spec, problems)
        if audience is not None:
            found[name] = audience
    return found, problems


def _audience(name: str, spec: Mapping[str, object], problems: list[AudienceProblem]) -> Audience | None:
    where = ("audiences", name)
    before = len(problems)
    for key in spec:
        if key not in _KEYS:
            problems.append(AudienceProblem((*where, str(key)), f"unknown key `{key}` in audience `{name}`",
                                            "known keys: " + "; ".join(f"{k} ({v})" for k, v in _KEYS.items())))
    public = spec.get("public", False)
    if not isinstance(public, bool):
        problems.append(AudienceProblem((*where, "public"), "`public` must be true or false"))
        public = False
    description = spec.get("description")
    if description is not None and (not isinstance(description, str) or not description.strip()
                                    or len(description) > 200 or "\n" in description):
        problems.append(AudienceProblem((*where, "description"), "`description` must be one line of text"))
        description = None
    nationality = spec.get("nationality")
    if nationality is None and not public:
        problems.append(AudienceProblem(where, f"audience `{name}` names no `nationality`",
                                        "add e.g. nationality = \"GBR\" (ISO 3166 alpha-3) or \"FVEY\": "
                                        "caveats such as UK EYES ONLY and NOFORN depend on it"))
    elif nationality is not None and not _known_nationality(nationality):
        problems.append(AudienceProblem((*where, "nationality"), f"'{nationality}' is not an ISO 3166 alpha-3 "
                                        "country code or a known tetragraph",
                                        "e.g. GBR, USA, AUS, or one of: " + ", ".join(sorted(TETRAGRAPHS))))
    levels = _levels(name, spec.get("levels"), bool(public), problems)
    if len(problems) > before:
        return None
    return Audience(name, levels, nationality if isinstance(nationality, str) else None, bool(public),
                    description if isinstance(description, str) else None)


def _levels(name: str, given: object, public: bool, problems: list[AudienceProblem]) -> tuple[tuple[str, str], ...]:
    where = ("audiences", name, "levels")
    if given is None:
        if public:  # the public reads the lowest level of every scheme, and only that
            return tuple((scheme, SCHEMES[scheme].lowest) for scheme in SCHEMES)
        problems.append(AudienceProblem(("audiences", name), f"audience `{name}` names no `levels`",
                                        "add e.g. levels = { uk = \"OFFICIAL-SENSITIVE\" }"))
        return ()
    if not isinstance(given, Mapping) or not given:
        problems.append(AudienceProblem(where, "`levels` must map schemes to levels, e.g. "
                                        "{ uk = \"OFFICIAL\", us = \"UNCLASSIFIED\" }"))
        return ()
    levels = []
    for scheme_name, level in given.items():
        scheme = SCHEMES.get(str(scheme_name))
        if scheme is None:
            problems.append(AudienceProblem((*where, str(scheme_name)), f"'{scheme_name}' is not a scheme",
                                            "schemes: " + ", ".join(SCHEMES)))
            continue
        found = scheme.closest(level) if isinstance(level, str) else None
        if found is None:
            problems.append(AudienceProblem((*where, str(scheme_name)),
                                            f"'{level}' is not a level of the {scheme.name} scheme",
                                            "one of: " + ", ".join(scheme.levels)))
            continue
        if public and found != scheme.lowest:
            problems.append(AudienceProblem((*where, str(scheme_name)),
                                            f"the public reads only {scheme.lowest} in the {scheme.name} scheme, "
                                            f"not {found}",
                                            f"write {scheme.name} = \"{scheme.lowest}\", or make this audience "
                                            "not public and name its nationality"))
            continue
        levels.append((scheme.name, found))
    return tuple(levels)


def _known_nationality(code: object) -> bool:
    if not isinstance(code, str):
        return False
    if code in TETRAGRAPHS:
        return True
    import pycountry

    return len(code) == 3 and code.isupper() and pycountry.countries.get(alpha_3=code) is not None
