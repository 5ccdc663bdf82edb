"""BriefRecord: the facts about one built brief that the manifest keeps and the site index lists."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BriefRecord:
    """One brief as published: what it is, how it is classified, and the files it became."""

    id: str
    title: str
    kind: str
    meeting_date: _dt.date
    occasion: str | None
    venue: str | None
    #: The banner's level and text (level and caveats), and its colour.
    level: str
    scheme: str
    banner: str
    tone: str
    #: The label of the audience it was cut for ("PUBLIC", "OFFICIAL"), or None for the full document.
    audience: str | None
    pages: int | None
    #: Output format → file name inside the output folder, e.g. {"html": "g20-2025.html"}.
    outputs: Mapping[str, str]
    #: For the site index's columns and filters: the document's status as readers see it
    #: ("Draft", "Final"), its reference, and who owns it (the drafter, with unit).
    status: str | None = None
    reference: str | None = None
    owner: str | None = None
    #: The participants' countries by name, for the index's country filter.
    countries: tuple[str, ...] = ()
    #: The controls the banner carries, as it writes each ("NOFORN", "REL TO USA, AUS"): the
    #: site index's banner is written from them by the scheme's grammar.
    caveats: tuple[str, ...] = ()
    #: The CUI categories the banner writes ("SP-EXPT").
    categories: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The record as the manifest stores it (outputs are added by publish, with their hashes)."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "meeting_date": self.meeting_date.isoformat(),
            "occasion": self.occasion,
            "venue": self.venue,
            "level": self.level,
            "scheme": self.scheme,
            "banner": self.banner,
            "tone": self.tone,
            "audience": self.audience,
            "pages": self.pages,
            "status": self.status,
            "reference": self.reference,
            "owner": self.owner,
            "countries": list(self.countries),
            "caveats": list(self.caveats),
            "categories": list(self.categories),
        }

    @classmethod
    def from_json(cls, entry: Mapping[str, Any], where: str = "") -> BriefRecord:
        """A record read back from a manifest entry. Raises ValueError naming the first field that
        is wrong, below `where` (e.g. "`briefs[2].title` must be text")."""
        at = f"{where}." if where else ""
        outputs = entry.get("outputs") or {}
        if not isinstance(outputs, Mapping):
            raise ValueError(f"`{at}outputs` must be an object")
        meeting_date = _text(entry, "meeting_date", at)
        try:
            date = _dt.date.fromisoformat(meeting_date)
        except ValueError:
            raise ValueError(f"`{at}meeting_date` must be a date (YYYY-MM-DD), not {meeting_date[:40]!r}") from None
        pages = entry.get("pages")
        if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool) or pages < 0):
            raise ValueError(f"`{at}pages` must be a whole number")
        countries = entry.get("countries") or []
        if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
            raise ValueError(f"`{at}countries` must be a list of text")
        level = _optional_text(entry, "level", at) or ""
        return cls(
            id=_text(entry, "id", at),
            title=_text(entry, "title", at),
            kind=_optional_text(entry, "kind", at) or "brief",
            meeting_date=date,
            occasion=_optional_text(entry, "occasion", at),
            venue=_optional_text(entry, "venue", at),
            level=level,
            scheme=_optional_text(entry, "scheme", at) or "",
            banner=_optional_text(entry, "banner", at) or level,
            tone=_optional_text(entry, "tone", at) or "",
            # Manifests before audiences recorded the release level as `cleared_to`.
            audience=_optional_text(entry, "audience" if "audience" in entry else "cleared_to", at),
            pages=pages,
            outputs={str(kind): _text(output if isinstance(output, Mapping) else {}, "path", f"{at}outputs.{kind}.")
                     for kind, output in outputs.items()},
            status=_optional_text(entry, "status", at),
            reference=_optional_text(entry, "reference", at),
            owner=_optional_text(entry, "owner", at),
            countries=tuple(countries),
            caveats=_texts(entry, "caveats", at) if "caveats" in entry
            else _legacy_caveats(_optional_text(entry, "banner", at) or "", level),
            categories=_texts(entry, "categories", at),
        )


def _texts(entry: Mapping[str, Any], key: str, at: str) -> tuple[str, ...]:
    values = entry.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"`{at}{key}` must be a list of text")
    return tuple(values)


def _legacy_caveats(banner: str, level: str) -> tuple[str, ...]:
    # Manifests before the scheme grammars wrote banners as "SECRET — UK EYES ONLY, NOFORN".
    prefix = f"{level} — "
    if not banner.startswith(prefix):
        return ()
    return tuple(c.strip() for c in banner[len(prefix):].split(", ") if c.strip())


def _text(entry: Mapping[str, Any], key: str, at: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str):
        raise ValueError(f"`{at}{key}` must be text" if value is not None else f"`{at}{key}` is missing")
    return value


def _optional_text(entry: Mapping[str, Any], key: str, at: str) -> str | None:
    return None if entry.get(key) is None else _text(entry, key, at)
