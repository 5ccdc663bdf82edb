"""GitHub Actions output: annotations within GitHub's cap, the step summary, and releases that withhold."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from briefgen.report.ci import (
    ANNOTATION_CAP,
    BriefRow,
    annotate,
    append_step_summary,
    markdown_cell,
    plain_line,
    step_summary,
)
from briefgen.report.diagnostics import Diagnostic, Report, format_github
from build_helpers import compact_sheet, parse_html, run_cli, write_sheet


def _diagnostic(n: int, severity: str = "error", path: str = "briefs/a.yaml") -> Diagnostic:
    return Diagnostic(path, n, 3, severity, f"code-{n}", f"message {n}", None, n, 9)  # type: ignore[arg-type]


# --- annotations ---------------------------------------------------------------------------


def test_format_github_names_the_whole_span() -> None:
    line = format_github(Diagnostic("b/x.yaml", 4, 7, "error", "unknown-key", "m", "h", 4, 12))
    # endColumn is the last column marked (GitHub's), the span's end_col is one past it.
    assert line == "::error file=b/x.yaml,line=4,endLine=4,col=7,endColumn=11,title=briefgen unknown-key::m (help: h)"


def test_format_github_over_several_lines_leaves_out_columns_end() -> None:
    line = format_github(Diagnostic("x.yaml", 4, 7, "warning", "c", "m", None, 6, 2))
    assert line.startswith("::warning file=x.yaml,line=4,endLine=6,col=7,title=briefgen c::")


def test_a_note_is_a_notice() -> None:
    assert format_github(_diagnostic(1, "note")).startswith("::notice ")


def test_annotations_are_capped_per_severity_and_the_rest_kept() -> None:
    errors = [_diagnostic(n) for n in range(1, 15)]
    warnings = [_diagnostic(n, "warning", "briefs/b.yaml") for n in range(1, 4)]
    shown = annotate([Report.of("briefs/b.yaml", warnings), Report.of("briefs/a.yaml", errors)])
    commands = [line for line in shown.lines if line.startswith("::")]
    assert sum(c.startswith("::error ") for c in commands) == ANNOTATION_CAP
    assert sum(c.startswith("::warning ") for c in commands) == 3
    # Errors come first whatever the file order: they are what fails the run.
    assert commands[0].startswith("::error ")
    assert [d.code for d in shown.overflow] == [f"code-{n}" for n in range(11, 15)]
    assert "4 more diagnostics than GitHub shows as annotations" in "\n".join(shown.lines)
    assert "briefs/a.yaml:14:3: error[code-14]: message 14" in shown.lines


def test_a_plain_line_cannot_become_a_workflow_command() -> None:
    line = plain_line(Diagnostic("::error file=x::", 1, 1, "error", "c", "a\x1b[31m\nb"))
    assert not line.startswith("::") and "::" not in line
    # The Diagnostic already shows control characters escaped (\x1b); the line adds nothing raw.
    assert "\x1b" not in line and "\n" not in line and ("\\u001b" in line or "\\x1b" in line)


def test_check_caps_annotations_and_summarises_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    sheets = tmp_path / "briefs"
    for n in range(12):
        write_sheet(sheets, compact_sheet(f"s{n:02}", meeting__venue__country="South Africa"))
    ran = run_cli(["check", sheets, "--output-format", "github"])
    assert ran.exit_code == 1
    commands = [line for line in ran.stdout.splitlines() if line.startswith("::")]
    assert len(commands) == ANNOTATION_CAP
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n"), "the summary is appended to, never overwritten"
    assert "### briefgen check" in text and "12 failed" in text
    assert text.count("unknown\\-country") == 0 and text.count("unknown-country") == 2
    assert "s10" in text and "s11" in text


# --- the step summary ------------------------------------------------------------------------


def _cells(html: str) -> list[list[str]]:
    root = parse_html(html)
    rows = []
    for tr in root.iter("tr"):
        rows.append(["".join(td.itertext()) for td in tr])
    return rows


def test_summary_table_renders_with_every_status() -> None:
    rows = [BriefRow("g20-2025", "built", 3, 1), BriefRow("old-talks", "unchanged", 2),
            BriefRow("secret-talks", "withheld", None, 0, "header SECRET above OFFICIAL"),
            BriefRow("broken", "failed", None, 2, "unknown-country")]
    text = step_summary("build", rows, release="OFFICIAL")
    assert "1 built, 1 unchanged, 1 withheld, 1 failed." in text
    cells = _cells(markdown.markdown(text, extensions=["tables"]))
    assert cells[1:] == [["g20-2025", "built", "3", "1"], ["old-talks", "unchanged", "2", "0"],
                         ["secret-talks", "withheld: header SECRET above OFFICIAL", "", "0"],
                         ["broken", "failed: unknown-country", "", "2"]]


@pytest.mark.parametrize("hostile", [
    "a | b", "<script>alert(1)</script>", "**bold** _em_ `code`", "[link](javascript:x)", "@team #12 :smile:",
    "line\nbreak", "esc\x1b[31mape", "<img src=x onerror=alert(1)>", "back\\slash|",
])
def test_summary_values_are_literal(hostile: str) -> None:
    text = step_summary("check", [BriefRow(hostile, "failed", None, 0, hostile)])
    html = markdown.markdown(text, extensions=["tables"])
    assert "<script" not in html and "<img" not in html and "<strong" not in html and "<a " not in html
    assert "\x1b" not in text
    cells = _cells(html)
    assert len(cells[1]) == 4, "a | in a value must not add a column"
    expected = hostile.replace("\n", " ").replace("\x1b", "\\u001b")
    assert cells[1][0] == expected


def test_markdown_cell_escapes_control_characters() -> None:
    assert markdown_cell("a\x00b\u202ec") == "a\\\\u0000b\\\\u202ec"


def test_append_step_summary_needs_the_variable(tmp_path: Path) -> None:
    assert append_step_summary("x", {}) is None
    target = tmp_path / "s.md"
    assert append_step_summary("one\n", {"GITHUB_STEP_SUMMARY": str(target)}) == target
    append_step_summary("two\n", {"GITHUB_STEP_SUMMARY": str(target)})
    assert target.read_text() == "one\ntwo\n"


# --- a public build withholds, and does not fail -------------------------------------------


def test_one_secret_brief_cannot_stop_publication(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    sheets = tmp_path / "briefs"
    write_sheet(sheets, compact_sheet("open-talks", classification={"level": "OFFICIAL", "scheme": "uk",
                                                                    "cleared_for_public": True}))
    write_sheet(sheets, compact_sheet("secret-talks", classification={"level": "SECRET", "scheme": "uk"}))
    (tmp_path / "briefgen.toml").write_text('[audiences.public]\npublic = true\n', encoding="utf-8")
    out = tmp_path / "site"
    ran = run_cli(["build", "briefs", "--public", "--strict", "--no-pdf", "-o", out, "--output-format", "github"],
                  cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    assert re.search(r"^::notice file=[^,]*secret-talks\.yaml,.*title=briefgen not-released::", ran.stdout, re.M)
    assert "withheld secret-talks:" in ran.stdout
    assert (out / "open-talks.html").exists()
    assert not (out / "secret-talks.html").exists()
    text = summary.read_text(encoding="utf-8")
    assert "1 built, 1 withheld." in text
    assert "| secret-talks | withheld: " in text
