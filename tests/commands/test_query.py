"""`briefgen query`: one subject's history and filtered lists, over the example project and small projects.

Driven through the real CLI: in process (click's runner, from the repository's root, so that
briefgen.toml, briefs/ and registry.yaml are the example project's) and, where the environment
or the imports matter, as `python -m briefgen` in a process of its own.
"""

from __future__ import annotations

import datetime as _dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from build_helpers import ROOT, compact_sheet, run_cli, script_env, write_sheet

VISION = "japan-india-joint-vision"
TARGET = "japan-india-investment-target"
#: The due date of the example's follow-up of the investment target (briefs/history/tokyo-annual-summit-2025.yaml).
TARGET_DUE = "2026-08-29"


def _json(args: list[str], cwd: Path = ROOT) -> tuple[int, dict[str, Any]]:
    ran = run_cli(["query", *args, "--format", "json"], cwd=cwd)
    return ran.exit_code, json.loads(ran.stdout)


def _module(args: list[str], cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=script_env(**env),
                          capture_output=True, text=True, timeout=120)


# --- the example project ----------------------------------------------------------------


def test_a_framework_s_history_is_newest_first_with_the_status_it_had_then() -> None:
    code, data = _json(["framework", VISION])
    assert code == 0
    [vision] = data["subjects"]
    assert vision["name"] == "Japan–India Joint Vision for the Next Decade"  # the registry's name
    assert vision["page"] == f"frameworks/{VISION}.html"
    rows = [(r["date"], r["brief"], r["status"]) for r in vision["history"]]
    assert rows == [("2025-11-23", "g20-2025", "reaffirmed"), ("2025-08-29", "tokyo-annual-summit-2025", "launched")]
    assert vision["history"][0]["link"] == "g20-2025.html#framework-1"
    assert vision["status"] == "reaffirmed" and vision["latest"] == "2025-11-23"


def test_the_text_of_one_subject_is_an_aligned_table() -> None:
    ran = run_cli(["query", "frameworks", VISION], cwd=ROOT)
    assert ran.exit_code == 0, ran.output
    lines = ran.stdout.splitlines()
    assert lines[0] == f"framework {VISION}: Japan–India Joint Vision for the Next Decade"
    header = next(line for line in lines if line.startswith("DATE"))
    first = lines[lines.index(header) + 1]
    assert first.split() [:3] == ["2025-11-23", "g20-2025", "reaffirmed"]
    assert first.endswith("g20-2025.html#framework-1")
    # Aligned: each column starts at the same place in the header and in every row.
    for column in ("BRIEF", "STATUS", "TITLE", "LINK"):
        at = header.index(column)
        for row in lines[lines.index(header) + 1:]:
            assert row[at - 2:at] == "  " and row[at] != " ", (column, row)


def test_commitments_of_a_country_with_a_status() -> None:
    code, data = _json(["commitments", "--country", "in", "--status", "agreed"])
    assert code == 0
    keys = [s["key"] for s in data["subjects"]]
    assert TARGET in keys
    assert "japan-india-economic-security" not in keys  # reaffirmed in its newest brief
    assert all(s["status"] == "agreed" and "IN" in s["countries"] for s in data["subjects"])
    assert data["filters"]["country"] == "IN"
    # The status is the newest brief's within the filters: before the G20 meeting, economic
    # security was still "announced" (the Tokyo summit's).
    code, data = _json(["commitment", "japan-india-economic-security", "--until", "2025-09-30"])
    assert code == 0 and data["subjects"][0]["status"] == "announced"


@pytest.mark.parametrize(("as_of", "found"), [(TARGET_DUE, False), ("2026-08-30", True)])
def test_overdue_counts_from_as_of(as_of: str, found: bool) -> None:
    ran = run_cli(["query", "commitments", "--overdue", "--as-of", as_of, "--format", "json"], cwd=ROOT)
    data = json.loads(ran.stdout)
    assert ran.exit_code == (0 if found else 1), ran.output
    assert [s["key"] for s in data["subjects"]] == ([TARGET] if found else [])
    if found:
        [late] = data["subjects"][0]["overdue"]
        assert late["due"] == TARGET_DUE and late["brief"] == "tokyo-annual-summit-2025"
    else:
        assert "no commitments found with --overdue (as of 2026-08-29)" in ran.stderr


def _epoch(day: str) -> str:
    return str(int(_dt.datetime.fromisoformat(day).replace(tzinfo=_dt.UTC).timestamp()) + 3600)


def test_source_date_epoch_is_the_default_as_of_and_as_of_wins() -> None:
    late = _module(["query", "commitments", "--overdue"], SOURCE_DATE_EPOCH=_epoch("2026-08-30"))
    assert late.returncode == 0, late.stderr
    assert TARGET in late.stdout
    assert _module(["query", "commitments", "--overdue"], SOURCE_DATE_EPOCH=_epoch(TARGET_DUE)).returncode == 1
    wins = _module(["query", "commitments", "--overdue", "--as-of", "2026-08-30"],
                   SOURCE_DATE_EPOCH=_epoch("2026-01-01"))
    assert wins.returncode == 0, wins.stderr
    bad = _module(["query", "commitments", "--overdue"], SOURCE_DATE_EPOCH="yesterday")
    assert bad.returncode == 2 and "SOURCE_DATE_EPOCH" in bad.stderr


def test_the_json_has_its_documented_keys() -> None:
    code, data = _json(["commitments", "--as-of", "2026-09-01"])
    assert code == 0
    assert list(data) == ["format", "kind", "key", "filters", "count", "subjects"]
    assert data["format"] == 1 and data["kind"] == "commitments" and data["key"] is None
    assert list(data["filters"]) == ["as_of", "country", "status", "overdue", "since", "until"]
    assert data["count"] == len(data["subjects"]) > 0
    subject = next(s for s in data["subjects"] if s["key"] == TARGET)
    assert list(subject) == ["kind", "key", "name", "native_name", "status", "latest", "countries", "page",
                             "briefs", "history", "overdue"]
    assert list(subject["history"][0]) == ["date", "brief", "title", "status", "link"]
    assert list(subject["overdue"][0]) == ["action", "owner", "due", "brief"]
    # Newest first, then by key.
    order = [(s["latest"], s["key"]) for s in data["subjects"]]
    assert order == sorted(order, key=lambda item: (_dt.date.fromisoformat(item[0]).toordinal() * -1, item[1]))


def test_kinds_singular_or_plural_and_keys_by_name_or_code() -> None:
    for words in (["framework", "Free and Open Indo-Pacific"], ["frameworks", "free-and-open-indo-pacific"]):
        code, data = _json(words)
        assert code == 0 and data["key"] == "free-and-open-indo-pacific"
    code, data = _json(["country", "in"])
    assert code == 0 and data["subjects"][0]["key"] == "IN" and data["subjects"][0]["page"] == "countries/IN.html"
    code, data = _json(["people", "--country", "JP"])
    assert code == 0
    assert {"sanae-takaichi", "shigeru-ishiba"} <= {s["key"] for s in data["subjects"]}
    assert "narendra-modi" not in {s["key"] for s in data["subjects"]}  # for people: their own country


def test_paths_narrow_the_briefs_read() -> None:
    code, data = _json(["countries", "briefs/history"])
    assert code == 0
    assert {s["key"]: s["briefs"] for s in data["subjects"]} == {"IN": 2, "JP": 2}
    code, data = _json(["framework", VISION, "briefs/history"])
    assert code == 0 and [r["brief"] for r in data["subjects"][0]["history"]] == ["tokyo-annual-summit-2025"]


def test_an_unknown_key_is_exit_1_with_a_suggestion() -> None:
    ran = run_cli(["query", "framework", "japan-india-joint-visoin"], cwd=ROOT)
    assert ran.exit_code == 1
    assert ran.stdout == ""
    assert "no framework 'japan-india-joint-visoin'" in ran.stderr
    assert f"did you mean '{VISION}'?" in ran.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["query", "treaties"], "'treaties' is not a kind: use country, framework, person or commitment"),
    (["query", "frameworks", "--overdue"], "--overdue applies to commitments only"),
    (["query", "commitments", "--country", "XX"], "'XX' is not an ISO 3166-1 alpha-2 country code"),
    (["query", "commitments", "--as-of", "2026-13-01"], "is not a date: write YYYY-MM-DD"),
    (["query", "commitments", "--since", "2026-01-02", "--until", "2026-01-01"], "is after --until"),
])
def test_usage_errors_are_exit_2_with_a_clear_message(args: list[str], message: str) -> None:
    ran = run_cli(args, cwd=ROOT)
    assert ran.exit_code == 2
    assert message in ran.stderr


def test_help_shows_examples() -> None:
    ran = run_cli(["query", "--help"], cwd=ROOT)
    assert ran.exit_code == 0
    assert "briefgen query framework japan-india-joint-vision" in ran.stdout
    assert "briefgen query commitments --country IN --status agreed" in ran.stdout
    assert "query" in run_cli(["--help"], cwd=ROOT).stdout


_PROBE = """
import sys
from briefgen.commands.main import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print("weasyprint imported" if "weasyprint" in sys.modules else "weasyprint not imported", code, file=sys.stderr)
"""


def test_query_never_imports_weasyprint() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE, "query", "commitments", "--as-of", "2026-09-01"], cwd=ROOT,
                          capture_output=True, text=True, env=script_env())
    assert done.stderr.splitlines()[-1] == "weasyprint not imported 0", done.stderr
    assert TARGET in done.stdout


# --- small projects ---------------------------------------------------------------------


def _project(tmp_path: Path, registry: str | None = None) -> Path:
    (tmp_path / "briefgen.toml").write_text('briefs = "briefs"\n', encoding="utf-8")
    if registry is not None:
        (tmp_path / "registry.yaml").write_text(registry, encoding="utf-8")
    return tmp_path / "briefs"


AGENDA = {"name": "Franco-German Agenda", "status": "reaffirmed", "ref": "agenda", "sources": ["joint-statement"]}


def test_nothing_found_is_exit_1(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    write_sheet(briefs, compact_sheet("spring"))
    ran = run_cli(["query", "frameworks"], cwd=tmp_path)
    assert ran.exit_code == 1 and ran.stdout == ""
    assert "no frameworks found" in ran.stderr
    code, data = _json(["frameworks"], cwd=tmp_path)
    assert code == 1 and data["subjects"] == [] and data["count"] == 0


def test_an_invalid_sheet_is_reported_as_check_reports_it_and_left_out(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    write_sheet(briefs, compact_sheet("spring", frameworks=[AGENDA]))
    write_sheet(briefs, compact_sheet("summer", meeting__date="2025-06-01", document__date="2025-06-01",
                                      frameworks=[{**AGENDA, "status": "relaunched"}]))
    ran = run_cli(["query", "framework", "agenda", "--format", "json"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    assert [r["brief"] for r in json.loads(ran.stdout)["subjects"][0]["history"]] == ["spring"]
    checked = run_cli(["check"], cwd=tmp_path)
    first = next(line for line in checked.stdout.splitlines() if "error[" in line)
    assert first in ran.stderr  # the same line as check's
    assert "1 fact sheet with errors left out" in ran.stderr


def test_a_registry_that_cannot_be_read_is_exit_4(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    (tmp_path / "briefgen.toml").write_text('briefs = "briefs"\nregistry = "missing.yaml"\n', encoding="utf-8")
    write_sheet(briefs, compact_sheet("spring", frameworks=[AGENDA]))
    ran = run_cli(["query", "frameworks"], cwd=tmp_path)
    assert ran.exit_code == 4, ran.output
    assert "cannot read" in ran.stderr and "missing.yaml" in ran.stderr


def test_a_registry_with_errors_is_reported_and_answers_nothing(tmp_path: Path) -> None:
    briefs = _project(tmp_path, "format: 1\nframeworks:\n  - ref: Agenda\n    name: Franco-German Agenda\n")
    write_sheet(briefs, compact_sheet("spring", frameworks=[AGENDA]))
    ran = run_cli(["query", "frameworks"], cwd=tmp_path)
    assert ran.exit_code == 1 and ran.stdout == ""
    assert "registry.yaml:3:" in ran.stderr and "error[registry-invalid]" in ran.stderr


def _commitment_sheet(sheet_id: str, date: str, done: bool) -> dict[str, Any]:
    commitment = {"sector": "Trade", "summary": "A tariff working group.", "ref": "tariff-group",
                  "parties": ["FR", "DE"], "sources": ["joint-statement"]}
    follow = {"action": "Convene the tariff working group", "due": "2025-05-01", "commitment": "tariff-group",
              "done": done}
    return compact_sheet(sheet_id, meeting__date=date, document__date=date, commitments=[commitment],
                         follow_up=[follow])


def test_a_follow_up_a_later_brief_marks_done_is_no_longer_overdue(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    write_sheet(briefs, _commitment_sheet("spring", "2025-03-01", done=False))
    code, data = _json(["commitments", "--overdue", "--as-of", "2025-06-01"], cwd=tmp_path)
    assert code == 0 and [a["brief"] for a in data["subjects"][0]["overdue"]] == ["spring"]
    write_sheet(briefs, _commitment_sheet("summer", "2025-06-01", done=True))
    code, data = _json(["commitments", "--overdue", "--as-of", "2025-06-02"], cwd=tmp_path)
    assert code == 1 and data["subjects"] == []
    # Before the later brief, as of its own day, it was still overdue.
    code, data = _json(["commitments", "--overdue", "--as-of", "2025-05-15", "--until", "2025-05-31"], cwd=tmp_path)
    assert code == 0
