"""`briefgen diff`: fact-level changes between two versions of fact sheets, from files or git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner

from briefgen.commands.diff import diff_command
from briefgen.versions.compare import compare
from build_helpers import ROOT, parse_html, working_directory
from conftest import check_text

EXAMPLE = ROOT / "src" / "briefgen" / "examples" / "project" / "briefs" / "example-meeting.yaml"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _example() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def _edited(*replacements: tuple[str, str]) -> str:
    text = _example()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


#: The example with a commitment's status changed, a participant added and the level raised.
NEW_PARTICIPANT = """  - id: adviser-ke
    name: Amina Example
    title: Director, Blue Economy (example)
    country: KE
    role: delegation
summary: >-"""
EDITED = (("status: agreed ", "status: reaffirmed "), ("  level: OFFICIAL ", "  level: SECRET "),
          ("summary: >-", NEW_PARTICIPANT), ("value: 150000000", "value: 200000000"))


def _diff(args: list[str], cwd: Path | None = None) -> tuple[int, str]:
    with working_directory(cwd):
        result = CliRunner().invoke(diff_command, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _sheet(text: str):  # type: ignore[no-untyped-def]
    checked = check_text(text)
    assert checked.sheet is not None, checked.report.diagnostics
    return checked.sheet


# --- compare ---------------------------------------------------------------------------------


def test_identical_sheets_have_no_changes() -> None:
    assert compare(_sheet(_example()), _sheet(_example())) == (None, [])


def test_fact_level_changes() -> None:
    alert, changes = compare(_sheet(_example()), _sheet(_edited(*EDITED)))
    assert alert == "classification raised: OFFICIAL → SECRET"
    lines = {(c.kind, c.action, c.subject, c.details) for c in changes}
    assert ("participant", "added", "Amina Example (KE, Director, Blue Economy (example))", ()) in lines
    (fisheries,) = [c for c in changes if c.kind == "commitment"]
    assert fisheries.action == "changed" and fisheries.subject.startswith("Fisheries:")
    assert fisheries.details == ("status agreed → reaffirmed",
                                 "amount NOK 150,000,000 over five years → NOK 200,000,000 over five years")
    assert len(changes) == 2


def test_lowered_classification_and_caveats() -> None:
    secret = _edited(("  level: OFFICIAL ", "  level: SECRET "),
                     ("  scheme: uk", "  scheme: uk\n  caveats: [UK EYES ONLY]"))
    alert, changes = compare(_sheet(secret), _sheet(_example()))
    assert alert == "classification lowered: SECRET → OFFICIAL"
    assert [(c.kind, c.action, c.subject) for c in changes] == [("caveat", "removed", "UK EYES ONLY")]


def test_a_reworded_commitment_is_matched_not_replaced() -> None:
    reworded = _edited(("A joint programme on sustainable fisheries management",
                        "A joint programme on the sustainable management of fisheries"))
    _, changes = compare(_sheet(_example()), _sheet(reworded))
    assert [(c.kind, c.action, c.details) for c in changes] == [("commitment", "changed", ("summary reworded",))]


def test_frameworks_outcomes_sources_and_status() -> None:
    new = _edited(("status: reaffirmed            #", "status: launched              #"),
                  ("  - text: Officials will draw up terms of reference for the cooperation on ports.\n",
                   "  - text: A new outcome.\n"),
                  ("status: final", "status: draft"),
                  ("    date: 2025-03-11\n", "    date: 2025-03-11\n  - id: second\n    title: Second report\n"))
    _, changes = compare(_sheet(_example()), _sheet(new))
    got = {(c.kind, c.action, c.subject, c.details) for c in changes}
    assert ("framework", "changed", "High Level Panel for a Sustainable Ocean Economy",
            ("status reaffirmed → launched",)) in got
    assert ("outcome", "added", "A new outcome.", ()) in got
    assert ("outcome", "removed", "Officials will draw up terms of reference for the cooperation on ports.", ()) in got
    assert ("document status", "changed", "final → draft", ()) in got
    assert ("source", "added", "second: Second report", ()) in got


# --- the command on two files ------------------------------------------------------------------


def test_two_files_text(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    new.write_text(_edited(*EDITED), encoding="utf-8")
    code, out = _diff([str(EXAMPLE), str(new)])
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].endswith("new.yaml: changed")
    assert lines[1] == "  ⚠ classification raised: OFFICIAL → SECRET", "the alert comes first, on its own line"
    assert "  + participant added: Amina Example (KE, Director, Blue Economy (example))" in lines
    assert lines[-1] == "1 fact sheet compared: 1 changed"


def test_markdown_renders_and_escapes(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    new.write_text(_edited(*EDITED, ("name: Daniel Example", "name: \"<b>Daniel</b> | *Example*\"")),
                   encoding="utf-8")
    code, out = _diff([str(EXAMPLE), str(new), "--output-format", "markdown"])
    assert code == 0, out
    root = parse_html(markdown.markdown(out))
    html = markdown.markdown(out)
    assert "<b>Daniel" not in html and "<em>Example" not in html
    assert "⚠ classification raised: OFFICIAL → SECRET" in "".join(root.itertext())
    # (Python-Markdown leaves `\|` as it is outside tables; GitHub shows a bar.)
    assert "<b>Daniel</b> \\| *Example*" in "".join(root.itertext())


def test_json(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    new.write_text(_edited(*EDITED), encoding="utf-8")
    code, out = _diff([str(EXAMPLE), str(new), "--output-format", "json"])
    assert code == 0
    (sheet,) = json.loads(out)
    assert sheet["status"] == "changed" and sheet["alert"].startswith("classification raised")
    assert {"kind": "participant", "action": "added", "subject": "Amina Example (KE, Director, Blue Economy (example))",
            "details": []} in sheet["changes"]


def test_an_invalid_version_exits_1_with_its_diagnostics(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    new.write_text(_edited(("country: KE                   #", "country: Kenya                #")), encoding="utf-8")
    code, out = _diff([str(EXAMPLE), str(new)])
    assert code == 1
    assert "the new version is invalid" in out and "error[unknown-country]" in out


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _diff([str(tmp_path), str(tmp_path)])[0] == 2
    assert _diff(["not-a-revision-or-file", str(EXAMPLE)], cwd=tmp_path)[0] == 2
    outside = tmp_path / "outside.yaml"
    outside.write_text(_example(), encoding="utf-8")
    code, out = _diff(["missing.yaml", str(outside)], cwd=tmp_path)
    assert code == 2 and "not in a git repository" in out


# --- the command on git revisions -------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "briefs").mkdir(parents=True)
    (repo / "briefs" / "a.yaml").write_text(_example(), encoding="utf-8")
    (repo / "briefs" / "gone.yaml").write_text(_example().replace("id: example-meeting", "id: gone"), encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    (repo / "briefs" / "a.yaml").write_text(_edited(*EDITED), encoding="utf-8")
    (repo / "briefs" / "gone.yaml").unlink()
    (repo / "briefs" / "new.yaml").write_text(_example().replace("id: example-meeting", "id: new"), encoding="utf-8")
    (repo / "briefs" / ".hidden").mkdir()
    (repo / "briefs" / ".hidden" / "x.yaml").write_text("not: a sheet", encoding="utf-8")
    return repo


@needs_git
def test_a_revision_and_a_folder(repo: Path) -> None:
    code, out = _diff(["main", "briefs/"], cwd=repo)
    assert code == 0, out
    assert "briefs/a.yaml: changed" in out
    assert "briefs/gone.yaml: fact sheet deleted" in out
    assert "briefs/new.yaml: new fact sheet" in out
    assert ".hidden" not in out
    assert out.splitlines()[-1] == "3 fact sheets compared: 1 changed, 1 added, 1 deleted"


@needs_git
def test_a_revision_and_a_file_from_a_subfolder(repo: Path) -> None:
    code, out = _diff(["HEAD", "a.yaml"], cwd=repo / "briefs")
    assert code == 0, out
    assert out.splitlines()[:2] == ["a.yaml: changed", "  ⚠ classification raised: OFFICIAL → SECRET"]


@needs_git
def test_a_deleted_file(repo: Path) -> None:
    code, out = _diff(["main", "briefs/gone.yaml"], cwd=repo)
    assert code == 0 and "briefs/gone.yaml: fact sheet deleted" in out


@needs_git
def test_an_invalid_old_version(repo: Path) -> None:
    (repo / "briefs" / "a.yaml").write_text("format: 1\nkind: [", encoding="utf-8")
    _git(repo, "commit", "-qam", "broken")
    (repo / "briefs" / "a.yaml").write_text(_example(), encoding="utf-8")
    code, out = _diff(["HEAD", "briefs/a.yaml"], cwd=repo)
    assert code == 1
    assert "the old version is invalid" in out and "HEAD:briefs/a.yaml" in out


def test_a_change_that_takes_a_brief_off_the_public_site_says_so() -> None:
    # The release stage decides (issue 14): diff's summary asks it, for the public audience.
    cleared = _edited(("  scheme: uk", "  scheme: uk\n  cleared_for_public: true"))
    _, changes = compare(_sheet(cleared), _sheet(_example()))
    assert [(c.kind, c.subject) for c in changes] == [
        ("public site", "published → withheld: it is not cleared for public release: once the press office has "
                        "cleared it, add `cleared_for_public: true` under classification")]
    _, changes = compare(_sheet(_example()), _sheet(cleared))
    assert [(c.kind, c.subject) for c in changes] == [("public site", "withheld → published")]


def test_a_translation_that_changes_is_a_change() -> None:
    """The English of an outcome is the same, its Japanese is reworded: the Japanese note changed, so the diff says so."""
    example = (ROOT / "briefs" / "g20-2025.yaml").read_text(encoding="utf-8")
    reworded = example.replace("両首脳は、地域及び世界", "両首脳は、地域と世界", 1)
    assert reworded != example
    _, changes = compare(_sheet(example), _sheet(reworded))
    assert [(c.kind, c.action, c.details) for c in changes] == [("outcome", "changed", ("ja reworded",))]
    assert changes[0].subject.startswith("Both leaders emphasised")
    dropped = example.replace("      ja: とりわけ半導体と人工知能の分野で協力を深化させる。\n", "", 1)
    assert dropped != example
    _, changes = compare(_sheet(example), _sheet(dropped))
    assert [(c.kind, c.details) for c in changes] == [("commitment", ("summary ja removed",))]
