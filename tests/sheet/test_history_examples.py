"""The two earlier Japan–India meetings in briefs/history say no more than the checked facts.

They are written from the same checked facts as the example (`../shared/facts`, which the
tests may not read), so the sentences each claim rests on are quoted here, word for word,
as tests/sheet/test_example_facts.py quotes them for the example. Two things in them are not
from the facts, and each sheet says so where it is written: Prime Minister Ishiba's given
name, and the invented follow-up action (its text starts "Invented example").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from briefgen.sheet.marks import text_values
from conftest import ROOT, load_text

HISTORY = ROOT / "briefs" / "history"
TOKYO = HISTORY / "tokyo-annual-summit-2025.yaml"
CALL = HISTORY / "leaders-call-2025-10.yaml"

F_JOINT_VISION = ("Modi's visit to Japan (with then Prime Minister Ishiba) adopted the \"Japan–India Joint Vision "
                  "for the Next Decade\" (eight directions, including economic security, technology and innovation, "
                  "mobility and people-to-people exchange).")
F_TARGET = "It set a target of JPY 10 trillion of private investment from Japan into India over the next decade"
F_INITIATIVE = ("It launched an Economic Security Initiative covering semiconductors, clean energy, "
                "telecommunications, pharmaceuticals, critical minerals and emerging technologies.")
F_SUMMIT = "Background: the 15th Annual Summit, Tokyo, 29–30 August 2025"
F_CALL = "they had spoken by telephone on 29 October 2025."
F_IN_OFFICE = "Principals: Sanae Takaichi, Prime Minister of Japan (in office since 21 October 2025)"

#: Each framework's and commitment's status, and the words of the facts that give it.
STATUSES: dict[tuple[str, str, str], tuple[str, str, str]] = {
    ("tokyo", "frameworks", "japan-india-joint-vision"): ("launched", F_JOINT_VISION, "adopted"),
    ("tokyo", "commitments", "japan-india-economic-security"): ("announced", F_INITIATIVE, "launched"),
    ("tokyo", "commitments", "japan-india-investment-target"): ("agreed", F_TARGET, "set a target"),
}
#: Every figure the prose of the two sheets writes, and the fact it comes from.
FIGURES = {
    "29–30 August 2025": F_SUMMIT, "15th": F_SUMMIT, "¥10 trillion": F_TARGET, "29 October 2025": F_CALL,
}


def _data(path: Path) -> dict[str, Any]:
    data = load_text(path.read_text(encoding="utf-8"), path.name).data
    assert isinstance(data, dict)
    return data


def test_each_status_is_the_one_the_facts_give() -> None:
    found = {}
    for name, path in (("tokyo", TOKYO), ("call", CALL)):
        data = _data(path)
        for field in ("frameworks", "commitments"):
            for item in data.get(field, []):
                found[(name, field, item["ref"])] = item["status"]
    assert found == {key: status for key, (status, _, _) in STATUSES.items()}
    for _, sentence, evidence in STATUSES.values():
        assert evidence in sentence


@pytest.mark.parametrize("path", [TOKYO, CALL], ids=lambda p: p.stem)
def test_every_figure_in_the_prose_rests_on_a_fact(path: Path) -> None:
    data = _data(path)
    unsupported = []
    for loc, text in text_values(data):
        if loc[0] in ("id", "document", "sources", "follow_up", "classification", "format") \
                or loc[-1] in ("id", "ref", "since", "date", "country", "status") or "sources" in loc:
            continue  # the note's own dates and ids, values checked one by one, and the invented action
        prose = " ".join(text.split())
        for figure in re.findall(r"\d[\d,.–]*(?:st|nd|rd|th)?(?: [A-Z][a-z]+ \d{4})?", prose):
            if not any(figure in known for known in FIGURES):
                unsupported.append((loc, figure))
    assert unsupported == []
    for figure, sentence in FIGURES.items():
        digits = re.sub(r"\D", "", figure)
        assert digits in re.sub(r"\D", "", sentence) or figure.replace("¥", "JPY ") in sentence, figure


def test_the_dates_are_the_facts() -> None:
    tokyo, call = _data(TOKYO), _data(CALL)
    assert tokyo["meeting"]["date"] == "2025-08-29" and "29–30 August 2025" in F_SUMMIT
    assert tokyo["frameworks"][0]["since"] == "2025-08"  # adopted at the summit
    assert tokyo["commitments"][1]["amount"]["value"] == 10 ** 13 and "JPY 10 trillion" in F_TARGET
    assert call["meeting"]["date"] == "2025-10-29" and "29 October 2025" in F_CALL


def test_eight_days_is_the_facts_arithmetic() -> None:
    """The call's summary says "eight days after Prime Minister Takaichi took office": 21 → 29 October."""
    assert "eight days after" in " ".join(_data(CALL)["summary"].split())
    assert "21 October 2025" in F_IN_OFFICE and "29 October 2025" in F_CALL


def test_what_is_not_from_the_facts_says_so() -> None:
    tokyo = TOKYO.read_text(encoding="utf-8")
    assert "# the given name is public record, not in the checked facts" in tokyo
    for item in _data(TOKYO)["follow_up"]:
        assert item["action"].startswith("Invented example")
    assert "follow_up" not in _data(CALL)
