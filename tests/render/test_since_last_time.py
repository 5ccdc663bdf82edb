"""The Since last time block: the history computed from mentions, the block in HTML and PDF, its key, its release."""

from __future__ import annotations

import datetime as _dt
import subprocess
import sys
from pathlib import Path
from typing import Any

from briefgen.across.since import Sighting, since_last_time
from briefgen.pipeline import plan
from briefgen.records import Options
from briefgen.release.audience import shorthand
from briefgen.sheet.mentions import CommitmentMention, FrameworkMention, Mentions, PersonMention
from briefgen.theme import Theme
from build_helpers import build_in_process, compact_sheet, find_all, parse_html, pdftotext, squash, text_of, write_sheet

REPO = Path(__file__).resolve().parents[2]
SOURCES = ["joint-statement"]


def _commitment(status: str, value: int | None = None, **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"sector": "Investment", "ref": "investment-target", "summary": "A target for investment.",
                            "status": status, "parties": ["JP", "IN"], "sources": SOURCES, **changes}
    if value is not None:
        item["amount"] = {"value": value, "currency": "JPY"}
    return item


def _meeting(sheet_id: str, date: str, countries: tuple[str, ...] = ("JP", "IN"), **changes: Any) -> dict[str, Any]:
    people = [{"name": f"Minister {c}", "title": "Minister", "country": c, "role": "principal"} for c in countries]
    return compact_sheet(sheet_id, meeting__date=date, document__date=date, participants=people, **changes)


def _history_folder(tmp_path: Path, earlier: dict[str, Any] | None = None, **later: Any) -> Path:
    folder = tmp_path / "briefs"
    write_sheet(folder, earlier or _meeting(
        "earlier", "2025-08-29", frameworks=[{"name": "Joint Vision", "ref": "joint-vision", "status": "launched",
                                             "sources": SOURCES}],
        commitments=[_commitment("announced", 10_000_000_000_000)]))
    write_sheet(folder, _meeting(
        "later", "2025-11-23", frameworks=[{"name": "Joint Vision", "ref": "joint-vision", "status": "reaffirmed",
                                           "sources": SOURCES},
                                          {"name": "Open Seas", "status": "reaffirmed", "sources": SOURCES}],
        commitments=[_commitment("agreed", 12_000_000_000_000)], **later))
    write_sheet(folder, _meeting("elsewhere", "2025-09-01", countries=("FR", "DE")))
    return folder


def _rows(html: str) -> list[list[str]]:
    root = parse_html(html)
    [section] = find_all(root, "section", id="since-last-time")
    return [[squash(text_of(cell)) for cell in row if cell.tag in ("th", "td")]
            for row in find_all(section, "tr")[1:]]


# --- the history, pure ---------------------------------------------------------------


def _sighting(path: str, date: str, countries: tuple[str, ...], commitments: tuple[CommitmentMention, ...] = (),
              frameworks: tuple[FrameworkMention, ...] = ()) -> Sighting:
    people = tuple(PersonMention(("participants", i), f"P{i}", c) for i, c in enumerate(countries))
    return Sighting(path, path, _dt.date.fromisoformat(date), "GB", Mentions(people, frameworks, commitments))


def test_history_is_the_most_recent_earlier_brief_with_a_counterpart_in_common() -> None:
    def investment(status: str, amount: str | None = None) -> CommitmentMention:
        return CommitmentMention(("commitments", 0), "Investment", status, "investment-target", ("JP", "IN"),
                                 amount, "JPY" if amount else None)

    found = since_last_time([
        _sighting("first", "2025-01-10", ("JP", "IN"), (investment("proposed"),)),
        _sighting("second", "2025-05-10", ("IN", "GB"), (investment("announced", "5"),)),
        _sighting("other", "2025-06-10", ("FR", "DE"), (investment("agreed"),)),  # no counterpart in common
        _sighting("same-day", "2025-09-01", ("JP", "IN"), (investment("reaffirmed"),)),  # not earlier
        _sighting("now", "2025-09-01", ("JP", "IN"), (investment("agreed", "7"),),
                  (FrameworkMention(("frameworks", 0), "Vision", "reaffirmed", "vision"),)),
    ])
    now = found["now"]
    assert now.last.id == "second"  # India is a counterpart of both; GB is our own side (the uk scheme's)
    [framework, commitment] = now.items
    assert framework.path == ("frameworks", 0) and framework.earlier is None  # new since `second`
    assert commitment.earlier is not None and commitment.earlier.id == "second"
    assert isinstance(commitment.then, CommitmentMention) and commitment.then.status == "announced"
    assert "first" not in found  # no earlier brief: no block
    assert "other" not in found  # FR and DE met nobody before


# --- the block, rendered ---------------------------------------------------------------


def test_the_block_in_html_names_the_earlier_brief_and_each_change(tmp_path: Path) -> None:
    folder = _history_folder(tmp_path)
    build_in_process([folder], tmp_path / "out")
    html = (tmp_path / "out" / "later.html").read_text(encoding="utf-8")
    rows = _rows(html)
    assert rows == [
        ["Joint Vision Framework", "29 August 2025 (earlier)", "Launched → Reaffirmed", "—"],
        ["Open Seas Framework", "New since 29 August 2025 (earlier)", "Reaffirmed", "—"],
        ["Investment Commitment", "29 August 2025 (earlier)", "Announced → Agreed", "¥10 trillion → ¥12 trillion"],
    ]
    assert 'id="since-last-time"' not in (tmp_path / "out" / "earlier.html").read_text(encoding="utf-8")
    # After the frameworks and commitments (a readout prints commitments, then frameworks).
    assert html.index('id="frameworks"') < html.index('id="since-last-time"')
    assert html.index('id="commitments"') < html.index('id="since-last-time"')


def test_the_block_in_the_pdf(tmp_path: Path) -> None:
    folder = _history_folder(tmp_path)
    build_in_process([folder], tmp_path / "out", pdf=True)
    text = squash(pdftotext(tmp_path / "out" / "later.pdf"))
    assert "Since last time" in text
    assert "Launched → Reaffirmed" in text and "New since 29 August 2025 (earlier)" in text
    assert "¥10 trillion → ¥12 trillion" in text


def test_turned_off_per_brief(tmp_path: Path) -> None:
    folder = _history_folder(tmp_path, document__since_last_time=False)
    build_in_process([folder], tmp_path / "out")
    html = (tmp_path / "out" / "later.html").read_text(encoding="utf-8")
    assert 'id="since-last-time"' not in html and "<h2>Since last time</h2>" not in html


def test_the_block_in_japanese(tmp_path: Path) -> None:
    folder = _history_folder(tmp_path)
    build_in_process([folder], tmp_path / "out", locales=("ja",))
    rows = _rows((tmp_path / "out" / "later.html").read_text(encoding="utf-8"))
    assert "→" in rows[0][2] and "（earlier）" in rows[0][1]
    assert "前回からの変化" in (tmp_path / "out" / "later.html").read_text(encoding="utf-8")


# --- the key ----------------------------------------------------------------------------


def _later_key(folder: Path, **options: Any) -> str:
    planned = plan([folder], Options(theme=Theme.default(), pdf=False, **options))
    [job] = [j for j in planned.jobs if j.sheet_id == "later"]
    return job.key


def test_the_key_follows_the_earlier_sheet_and_not_an_unrelated_one(tmp_path: Path) -> None:
    folder = _history_folder(tmp_path)
    before = _later_key(folder)
    elsewhere = folder / "elsewhere.yaml"
    elsewhere.write_text(elsewhere.read_text(encoding="utf-8").replace("Alpha talks", "Other talks"),
                         encoding="utf-8")
    assert _later_key(folder) == before
    earlier = folder / "earlier.yaml"
    earlier.write_text(earlier.read_text(encoding="utf-8").replace('"announced"', '"proposed"'), encoding="utf-8")
    assert _later_key(folder) != before


def test_a_no_op_rebuild_reuses_and_an_earlier_change_re_renders(tmp_path: Path) -> None:
    folder = _history_folder(tmp_path)
    out = tmp_path / "out"
    build_in_process([folder], out)
    assert build_in_process([folder], out).unchanged == {"earlier", "later", "elsewhere"}
    earlier = folder / "earlier.yaml"
    earlier.write_text(earlier.read_text(encoding="utf-8").replace('"announced"', '"proposed"'), encoding="utf-8")
    built = build_in_process([folder], out)
    assert built.unchanged == {"elsewhere"}  # the earlier sheet changed; the later brief's block with it
    assert _rows((out / "later.html").read_text(encoding="utf-8"))[2][2] == "Proposed → Agreed"


# --- the release ---------------------------------------------------------------------------


def _secret_earlier(status: str = "announced") -> dict[str, Any]:
    return _meeting("earlier", "2025-08-29", classification={"level": "SECRET", "scheme": "uk", "header": "OFFICIAL"},
                    summary={"text": "The leaders met.", "classification": "OFFICIAL"},
                    outcomes=[{"text": "They met.", "sources": SOURCES, "classification": "OFFICIAL"}],
                    frameworks=[{"name": "Joint Vision", "ref": "joint-vision", "status": "launched",
                                 "sources": SOURCES, "classification": "OFFICIAL"}],
                    commitments=[_commitment(status, 10_000_000_000_000, classification="SECRET")])


def test_a_secret_earlier_commitment_never_reaches_an_official_release(tmp_path: Path) -> None:
    folder = _history_folder(tmp_path, _secret_earlier())
    build_in_process([folder], tmp_path / "full")
    full = _rows((tmp_path / "full" / "later.html").read_text(encoding="utf-8"))
    assert full[2][2] == "Announced → Agreed"  # the full document may say what the SECRET brief said
    build_in_process([folder], tmp_path / "official", audience=shorthand("OFFICIAL"))
    html = (tmp_path / "official" / "later.html").read_text(encoding="utf-8")
    released = _rows(html)
    assert released[0][2] == "Launched → Reaffirmed"  # the earlier framework is OFFICIAL: it counts
    assert released[2] == ["Investment Commitment", "New since 29 August 2025 (earlier)", "Agreed", "¥12 trillion"]
    assert "Announced" not in html and "¥10 trillion" not in html
    # Nor does a change to it change the release's key (what it may say is the same).
    before = _later_key(folder, audience=shorthand("OFFICIAL"))
    write_sheet(folder, _secret_earlier("proposed"))
    assert _later_key(folder, audience=shorthand("OFFICIAL")) == before
    assert _later_key(folder) != _later_key(_history_folder(tmp_path / "again", _secret_earlier()))  # the full one


# --- the example -----------------------------------------------------------------------------


def test_the_example_folder_shows_since_last_time_in_g20(tmp_path: Path) -> None:
    ran = subprocess.run([sys.executable, "-m", "briefgen", "build", "briefs", "-o", str(tmp_path / "site"),
                          "--no-pdf"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    rows = _rows((tmp_path / "site" / "g20-2025.html").read_text(encoding="utf-8"))
    by_name = {row[0]: row for row in rows}
    vision = by_name["Japan–India Joint Vision for the Next Decade Framework"]
    assert vision[1:3] == ["29 August 2025 (tokyo-annual-summit-2025)", "Launched → Reaffirmed"]
    assert by_name["Economic security Commitment"][2] == "Announced → Reaffirmed"
    assert by_name["Investment Commitment"][2:] == ["Agreed (unchanged)", "¥10 trillion (unchanged)"]


def test_the_block_in_the_word_document(tmp_path: Path) -> None:
    import docx

    folder = _history_folder(tmp_path)
    build_in_process([folder], tmp_path / "out", docx=True)
    document = docx.Document(str(tmp_path / "out" / "later.docx"))
    [table] = [t for t in document.tables if t.rows[0].cells[1].text == "Last time"]
    assert [c.text for c in table.rows[3].cells][1:] == ["29\xa0August\xa02025 (earlier)", "Announced → Agreed",
                                                          "¥10\xa0trillion → ¥12\xa0trillion"]


def test_one_sheet_of_the_project_finds_its_earlier_briefs_in_the_briefs_folder(tmp_path: Path) -> None:
    def build(*args: str) -> str:
        ran = subprocess.run([sys.executable, "-m", "briefgen", "build", *args, "-o", str(tmp_path / "site"),
                              "--no-pdf"], cwd=REPO, capture_output=True, text=True, timeout=300)
        assert ran.returncode == 0, ran.stderr
        return ran.stdout + ran.stderr

    build("briefs/g20-2025.yaml")
    rows = _rows((tmp_path / "site" / "g20-2025.html").read_text(encoding="utf-8"))
    assert rows[0][1:3] == ["29 August 2025 (tokyo-annual-summit-2025)", "Launched → Reaffirmed"]
    assert not (tmp_path / "site" / "tokyo-annual-summit-2025.html").exists()  # read for its mentions, not built
    assert "unchanged g20-2025" in build("briefs/g20-2025.yaml")


def test_no_block_when_nothing_carried_over(tmp_path: Path) -> None:
    # The earlier brief met the same counterparts but named none of these: every row would be "New since".
    folder = _history_folder(tmp_path, _meeting("earlier", "2025-08-29"))
    build_in_process([folder], tmp_path / "out")
    assert 'id="since-last-time"' not in (tmp_path / "out" / "later.html").read_text(encoding="utf-8")


def test_the_pdf_writes_no_address_for_the_links_to_rows_above(tmp_path: Path) -> None:
    folder = _history_folder(tmp_path)
    build_in_process([folder], tmp_path / "out", pdf=True)
    assert "<#framework-1>" not in pdftotext(tmp_path / "out" / "later.pdf")
