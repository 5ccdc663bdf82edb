"""Fact sheets (as models) for the stage tests: release, view and render without a build."""

from __future__ import annotations

from typing import Any

from briefgen.sheet.model import FactSheet
from build_helpers import compact_sheet


def sheet_model(data: dict[str, Any]) -> FactSheet:
    return FactSheet.model_validate(data)


def plain_sheet(**changes: Any) -> FactSheet:
    """The compact readout, no portion marked."""
    return sheet_model(compact_sheet(**changes))


def mixed_sheet(**changes: Any) -> FactSheet:
    """mixed_data() as a model."""
    return sheet_model(mixed_data(**changes))


def mixed_data(**changes: Any) -> dict[str, Any]:
    """A SECRET brief with portions at several levels, some unmarked, citing three sources.

    Unmarked portions take the document's level (SECRET). Sources: "pub" is cited by an
    OFFICIAL framework, "sens" by an OFFICIAL-SENSITIVE commitment, "sec" by a SECRET one.
    """
    data = compact_sheet(
        kind="brief",
        classification={"level": "SECRET", "scheme": "uk", "caveats": ["UK EYES ONLY"], "header": "OFFICIAL"},
        summary={"text": "Summary at official.", "classification": "OFFICIAL"},
        talking_points=[
            {"text": "Point official.", "classification": "OFFICIAL"},
            "Point unmarked.",
            {"text": "Point sensitive.", "classification": "OFFICIAL-SENSITIVE"},
        ],
        outcomes=[{"text": "Outcome official.", "classification": "OFFICIAL"}],
        frameworks=[
            {"name": "Open Trade Compact", "status": "launched", "since": "2025-08", "sources": ["pub"],
             "classification": "OFFICIAL"},
        ],
        commitments=[
            {"sector": "Secret sector", "summary": "Secret deal.", "status": "agreed", "sources": ["sec"],
             "classification": "SECRET"},
            {"sector": "Energy", "summary": "Grid links.", "status": "proposed", "parties": ["KR", "FR"],
             "amount": {"value": 5e6, "currency": "CHF"}, "sources": ["sens", "pub", "sens"],
             "classification": "OFFICIAL-SENSITIVE"},
        ],
        follow_up=[{"action": "Write back.", "owner": "Desk", "due": "2025-04-01"}],
        sections=[{"heading": "Background", "body": "Open text.", "classification": "OFFICIAL"}],
        sources=[
            {"id": "sec", "title": "Secret report"},
            {"id": "pub", "title": "Public report", "publisher": "Wire", "date": "2025-02-27"},
            {"id": "sens", "title": "Sensitive report"},
        ],
    )
    for key, value in changes.items():
        data[key] = value
    return data
