"""The house style of a built note: its locale, exact amounts, and currency symbols, through the real build.

A us-scheme note is written in US style and a uk one in British style; `locale` in
briefgen.toml sets one style for the project (en-GB or en-US, anything else is refused
with exit 2). The locale travels with each job: notes of both styles build side by side
in one process. Amounts are printed as the sheet writes them, and a currency symbol that
two of a note's currencies share is told apart, in the table as in the text's warning.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from build_helpers import compact_sheet, parse_html, run_cli, squash, visible_text, write_sheet


def _us_sheet(sheet_id: str = "usnote") -> dict[str, Any]:
    return compact_sheet(sheet_id, classification={"level": "UNCLASSIFIED", "scheme": "us"})


def _text(site: Path, name: str) -> str:
    return squash(visible_text(parse_html((site / f"{name}.html").read_text(encoding="utf-8"))))


def _pdf_text(path: Path) -> str:
    return squash(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


def test_each_scheme_has_its_house_style_in_one_build(tmp_path: Path) -> None:
    """A uk and a us note, built together in one process: each in its own style (no global locale)."""
    sheets = tmp_path / "briefs"
    write_sheet(sheets, compact_sheet("uknote"))
    write_sheet(sheets, _us_sheet())
    ran = run_cli(["build", sheets, "-o", tmp_path / "site", "--no-pdf", "-j", "1"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    site = tmp_path / "site"
    uk, us = _text(site, "uknote"), _text(site, "usnote")
    assert "Saturday 1 March 2025" in uk and "09:15, 50 minutes" in uk
    assert "Saturday, March 1, 2025" in us and "9:15 AM, 50 minutes" in us and "March 2, 2025" in us
    assert parse_html((site / "uknote.html").read_text(encoding="utf-8")).get("lang") == "en-GB"
    assert parse_html((site / "usnote.html").read_text(encoding="utf-8")).get("lang") == "en-US"


def test_the_project_locale_sets_every_note_and_the_index(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text('locale = "en-US"\n', encoding="utf-8")
    write_sheet(tmp_path / "briefs", compact_sheet("uknote"))
    ran = run_cli(["build", "-o", "site"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    site = tmp_path / "site"
    assert "Saturday, March 1, 2025" in _text(site, "uknote")
    assert "Saturday, March 1, 2025" in _pdf_text(site / "uknote.pdf")
    assert "March 1, 2025" in _text(site, "index")


@pytest.mark.parametrize("given", ['"fr-FR"', '"de"', "5"])
def test_an_unsupported_locale_is_refused_with_the_list(tmp_path: Path, given: str) -> None:
    (tmp_path / "briefgen.toml").write_text(f"locale = {given}\n", encoding="utf-8")
    write_sheet(tmp_path / "briefs", compact_sheet("uknote"))
    for command in (["check"], ["build", "-o", "site", "--no-pdf"]):
        ran = run_cli(command, cwd=tmp_path)
        assert ran.exit_code == 2, ran.output
        assert "`locale`" in ran.output and "en-GB, en-US" in ran.output


def test_changing_the_locale_renders_again(tmp_path: Path) -> None:
    write_sheet(tmp_path / "briefs", compact_sheet("uknote"))
    assert run_cli(["build", "-o", "site", "--no-pdf"], cwd=tmp_path).exit_code == 0
    assert "Saturday 1 March 2025" in _text(tmp_path / "site", "uknote")
    (tmp_path / "briefgen.toml").write_text('locale = "en-US"\n', encoding="utf-8")
    assert run_cli(["build", "-o", "site", "--no-pdf"], cwd=tmp_path).exit_code == 0
    assert "Saturday, March 1, 2025" in _text(tmp_path / "site", "uknote")


# --- amounts, printed -----------------------------------------------------------------------


def _commitment(sector: str, amount: dict[str, Any], parties: list[str]) -> dict[str, Any]:
    return {"sector": sector, "summary": f"About {sector}.", "parties": parties, "amount": amount}


def test_amounts_reach_the_page_exactly(tmp_path: Path) -> None:
    sheet = compact_sheet("amounts", commitments=[
        _commitment("Euros", {"value": 1.25e9, "currency": "EUR"}, ["FR"]),
        _commitment("Dollars", {"value": 1.96e9, "currency": "USD"}, ["DE"]),
        _commitment("Full", {"value": 1049999, "currency": "USD"}, ["DE"]),
        _commitment("Estimate", {"value": 1.96e9, "currency": "USD", "approx": True}, ["FR"]),
        _commitment("Pence", {"value": 1234.5, "currency": "GBP",
                              "equivalents": [{"value": 1.25e9, "currency": "JPY"}]}, ["FR"]),
    ])
    ran = run_cli(["build", write_sheet(tmp_path / "briefs", sheet), "-o", tmp_path / "site"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    for text in (_text(tmp_path / "site", "amounts"), _pdf_text(tmp_path / "site" / "amounts.pdf")):
        # Issue 16: these printed as "€1.2 billion", "$2 billion" and "$1 million".
        for expected in ("€1.25 billion", "$1.96 billion", "$1,049,999", "about $2 billion",
                         "£1,234.50 (≈ ¥1.25 billion)"):
            assert expected in text, expected
        assert "$1 million" not in text and "€1.2 billion" not in text


def test_a_note_where_australia_is_a_party_tells_the_dollars_apart(tmp_path: Path) -> None:
    sheet = compact_sheet(
        "aus", participants=[
            {"name": "Anna Example", "title": "Prime Minister", "country": "AU", "role": "principal"},
            {"name": "Ben Example", "title": "Secretary of State", "country": "US", "role": "principal"},
        ],
        summary="A US$2 billion fund for critical minerals.",
        commitments=[_commitment("Minerals", {"value": 2e9, "currency": "USD"}, ["AU", "US"]),
                     _commitment("Ports", {"value": 3e8, "currency": "AUD"}, ["AU"])],
    )
    ran = run_cli(["build", write_sheet(tmp_path / "briefs", sheet), "-o", tmp_path / "site"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    for text in (_text(tmp_path / "site", "aus"), _pdf_text(tmp_path / "site" / "aus.pdf")):
        assert "US$2 billion" in text and "A$300 million" in text
        assert " $2 billion" not in text  # the table says what the text says
