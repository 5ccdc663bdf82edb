"""`briefgen diff --releases OLD NEW`: the briefs a change adds to or withholds from a release.

Two real public releases are built (`briefgen build --public`) from a project `briefgen
init` wrote, before and after a change, and the command compares their manifests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import markdown

from build_helpers import Ran, parse_html, run_cli, text_of


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    assert run_cli(["init", project]).exit_code == 0
    example = project / "briefs" / "example-meeting.yaml"
    text = example.read_text(encoding="utf-8").replace("  # cleared_for_public: true", "  cleared_for_public: true")
    example.write_text(text, encoding="utf-8")
    for name in ("second-meeting", "third-meeting"):
        (project / "briefs" / f"{name}.yaml").write_text(
            text.replace("id: example-meeting ", f"id: {name} ").replace(
                'title: "Example: Norway', f'title: "{name.split("-")[0].title()}: Norway'), encoding="utf-8")
    return project


def _public(project: Path, out: str) -> None:
    built = run_cli(["build", "--public", "--format", "html", "-o", out], cwd=project)
    assert built.exit_code == 0, built.output


def _releases(project: Path, *args: str) -> Ran:
    return run_cli(["diff", "--releases", *args], cwd=project)


def test_names_every_brief_a_change_withholds_or_adds(tmp_path: Path) -> None:
    project = _project(tmp_path)
    third = project / "briefs" / "third-meeting.yaml"
    kept = third.read_text(encoding="utf-8")
    third.unlink()
    _public(project, "base")
    # The change: the second brief loses its clearance, a third (cleared) brief arrives.
    second = project / "briefs" / "second-meeting.yaml"
    second.write_text(second.read_text(encoding="utf-8").replace("  cleared_for_public: true", "  cleared_for_public: false"),
                      encoding="utf-8")
    third.write_text(kept, encoding="utf-8")
    _public(project, "head")

    text = _releases(project, "base", "head")
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines() == [
        "withheld second-meeting: Second: Norway–Kenya bilateral meeting on the ocean economy "
        "(was published as OFFICIAL)",
        "added third-meeting: Third: Norway–Kenya bilateral meeting on the ocean economy (OFFICIAL)",
        "1 added, 1 withheld, 1 unchanged in the release"], text.stdout

    summary = _releases(project, "base", "head", "--output-format", "markdown")
    assert summary.exit_code == 0, summary.output
    page = text_of(parse_html(f"<div>{markdown.markdown(summary.stdout)}</div>"))
    assert "⚠ Withheld from the release by this change: second-meeting (Second: Norway–Kenya" in page
    assert "Added to the release by this change: third-meeting (Third: Norway–Kenya" in page

    data = json.loads(_releases(project, "base", "head", "--output-format", "json").stdout)
    assert [b["id"] for b in data["withheld"]] == ["second-meeting"]
    assert [b["id"] for b in data["added"]] == ["third-meeting"]
    assert data["kept"] == 1


def test_the_same_release_is_said_to_be_unchanged(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _public(project, "base")
    shutil.copytree(project / "base", project / "head")
    summary = _releases(project, "base", "head", "--output-format", "markdown")
    assert summary.exit_code == 0
    assert "No brief is added to or withheld from the release." in summary.stdout
    assert "0 added, 0 withheld, 3 unchanged in the release" in summary.stdout


def test_a_folder_that_is_not_a_build_is_a_usage_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _public(project, "head")
    (project / "empty").mkdir()
    refused = _releases(project, "empty", "head")
    assert refused.exit_code == 2
    assert "empty holds no manifest.json" in refused.stderr and "Traceback" not in refused.output
    (project / "forged").mkdir()
    (project / "forged" / "manifest.json").write_text('{"briefs": 3}', encoding="utf-8")
    refused = _releases(project, "forged", "head")
    assert refused.exit_code == 2 and "Traceback" not in refused.output, refused.output
