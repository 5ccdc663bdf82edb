"""The packaged classification schemes by name, and what holds across them: levels, tetragraphs, readers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from briefgen.sheet.scheme import CaveatProblem, Scheme
from briefgen.sheet.scheme_files import load_schemes


class _Schemes(Mapping[str, Scheme]):
    """The packaged schemes, read from their files the first time one is asked for."""

    def __getitem__(self, name: str) -> Scheme:
        return load_schemes()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(load_schemes())

    def __len__(self) -> int:
        return len(load_schemes())


SCHEMES: Mapping[str, Scheme] = _Schemes()


def all_levels() -> list[str]:
    """Every level of every scheme, each once, in a stable order."""
    return sorted({level for scheme in SCHEMES.values() for level in scheme.levels})


def canonical_level(text: str) -> str | None:
    """The level `text` names in any scheme, whatever its case ("official" → "OFFICIAL"), or None."""
    for scheme in SCHEMES.values():
        found = scheme.closest(text)
        if found is not None:
            return found
    return None


class _Tetragraphs(Mapping[str, frozenset[str]]):
    """Groups of countries a REL TO list, or an audience's nationality, may name by one
    tetragraph: those the scheme files declare (the CAPCO register's FVEY)."""

    def _all(self) -> dict[str, frozenset[str]]:
        return {code: members for scheme in load_schemes().values() for code, members in scheme.tetragraphs.items()}

    def __getitem__(self, code: str) -> frozenset[str]:
        return self._all()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


TETRAGRAPHS: Mapping[str, frozenset[str]] = _Tetragraphs()


def nationals(code: str) -> frozenset[str]:
    """The nationalities a code stands for: a tetragraph's members, else the code itself."""
    return TETRAGRAPHS.get(code, frozenset({code}))


def readers_allowed(scheme: Scheme, caveat: str) -> frozenset[str] | None:
    """The nationalities (alpha-3) that may read a portion carrying `caveat`; None when it
    restricts handling only.

    What each caveat means comes from the scheme's file (its kind: eyes-only, noforn,
    rel-to, handling…). A caveat the scheme cannot read — unknown, or naming a country it
    does not know — restricts the portion to the scheme's own nationals: `check` reports it
    as an error, and the release stage fails closed all the same.
    """
    found = scheme.parse(caveat)
    if isinstance(found, CaveatProblem):
        return frozenset({scheme.nationality})
    return scheme.readers(found)
