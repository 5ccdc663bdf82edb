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
        }

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> BriefRecord:
        """A record read back from a manifest entry. Raises ValueError when it is malformed."""
        try:
            outputs = entry.get("outputs") or {}
            return cls(
                id=_text(entry["id"]),
                title=_text(entry["title"]),
                kind=_text(entry.get("kind", "brief")),
                meeting_date=_dt.date.fromisoformat(entry["meeting_date"]),
                occasion=_optional_text(entry.get("occasion")),
                venue=_optional_text(entry.get("venue")),
                level=_text(entry.get("level", "")),
                scheme=_text(entry.get("scheme", "")),
                banner=_text(entry.get("banner") or entry.get("level", "")),
                tone=_text(entry.get("tone", "")),
                # Manifests before audiences recorded the release level as `cleared_to`.
                audience=_optional_text(entry.get("audience", entry.get("cleared_to"))),
                pages=entry.get("pages") if isinstance(entry.get("pages"), int) else None,
                outputs={str(kind): _text(output["path"]) for kind, output in outputs.items()},
                status=_optional_text(entry.get("status")),
                reference=_optional_text(entry.get("reference")),
                owner=_optional_text(entry.get("owner")),
                countries=tuple(_text(c) for c in entry.get("countries") or ()),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed manifest entry: {exc!r}") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)
