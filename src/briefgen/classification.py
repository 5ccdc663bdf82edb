"""Classification schemes: ordered levels, portion marks, banner tones."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scheme:
    """An ordered set of classification levels, lowest first."""

    name: str
    levels: tuple[str, ...]
    marks: tuple[str, ...]
    tones: tuple[str, ...]

    def __contains__(self, level: object) -> bool:
        return level in self.levels

    def rank(self, level: str) -> int:
        """Position of `level` in the order (0 is the lowest). Raises KeyError when unknown."""
        try:
            return self.levels.index(level)
        except ValueError:
            raise KeyError(level) from None

    def mark(self, level: str) -> str:
        """The portion mark, e.g. "(OS)" for OFFICIAL-SENSITIVE."""
        return f"({self.marks[self.rank(level)]})"

    def tone(self, level: str) -> str:
        """A CSS-friendly name for the banner colour of `level`."""
        return self.tones[self.rank(level)]

    def highest(self, levels: list[str]) -> str:
        return max(levels, key=self.rank)

    def closest(self, level: str) -> str | None:
        """A level of this scheme that `level` was probably meant to be."""
        wanted = level.strip().upper().replace("_", "-")
        for candidate in self.levels:
            if candidate == wanted or candidate.replace(" ", "-") == wanted.replace(" ", "-"):
                return candidate
        return None


SCHEMES: dict[str, Scheme] = {
    "uk": Scheme(
        "uk",
        ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"),
        ("O", "OS", "S", "TS"),
        ("official", "official-sensitive", "secret", "top-secret"),
    ),
    "us": Scheme(
        "us",
        ("UNCLASSIFIED", "CUI", "CONFIDENTIAL", "SECRET", "TOP SECRET"),
        ("U", "CUI", "C", "S", "TS"),
        ("unclassified", "cui", "confidential", "secret", "top-secret"),
    ),
}
