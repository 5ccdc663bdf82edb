"""A brief repository: briefgen.toml found by walking up, its defaults, flags over it,
`new` modelines by relative path, template problems as diagnostics, release levels in
any case, and a closed pipe that ends quietly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.project import ProjectError, find_config, load_project, read_project
from briefgen.sheet.schema import schema_text
from build_helpers import (
    EXAMPLE,
    compact_sheet,
    parse_html,
    run_cli,
    run_script,
    script_env,
    write_sheet,
)

RULES = Path(__file__).resolve().parent / "data" / "rules"


def _project(folder: Path, toml: str = 'briefs = "briefs"\noutput = "site"\n') -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "briefgen.toml").write_text(toml, encoding="utf-8")
    return folder


# --- briefgen.toml -------------------------------------------------------------------


def test_the_project_file_is_found_by_walking_up(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    deep = root / "briefs" / "2025" / "asia"
    deep.mkdir(parents=True)
    assert find_config(deep) == (root / "briefgen.toml").resolve()
    assert load_project(deep).root == root.resolve()


def test_without_a_project_file_the_defaults_apply(tmp_path: Path) -> None:
    project = load_project(tmp_path)
    assert project.root is None
    assert (project.briefs, project.output, project.templates, project.schema) == (Path("briefs"), Path("site"), None, None)


def test_paths_are_relative_to_the_project_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "repo", 'briefs = "notes"\noutput = "public"\ntemplates = "theme/t"\njobs = 3\n')
    monkeypatch.chdir(tmp_path)
    project = read_project(root / "briefgen.toml")
    assert project.briefs == Path("repo/notes")
    assert project.output == Path("repo/public")
    assert project.templates == Path("repo/theme/t")
    assert project.jobs == 3


@pytest.mark.parametrize(("toml", "message"), [
    ('brief = "briefs"\n', "unknown key `brief`; did you mean `briefs`?"),
    ('jobs = "two"\n', "`jobs` (default number of parallel jobs) must be a whole number"),
    ('public_release = "OFFICIAL"\n', "`public_release` is gone: a classification is not a decision to publish"),
    ('briefs = [\n', "not valid TOML"),
])
def test_a_bad_project_file_is_a_usage_error_naming_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    root = _project(tmp_path / "repo", toml)
    with pytest.raises(ProjectError, match=re.escape(message)):
        read_project(root / "briefgen.toml")
    ran = run_script(["check"], cwd=root)
    assert ran.exit_code == 2, ran.output
    assert ran.stderr.startswith("error: ") and "briefgen.toml" in ran.stderr and "Traceback" not in ran.output


def test_check_without_paths_checks_the_project_briefs_from_a_subfolder(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    write_sheet(root / "briefs", compact_sheet("alpha"))
    (root / "elsewhere").mkdir()
    ran = run_script(["check"], cwd=root / "elsewhere")
    assert ran.exit_code == 0, ran.output
    assert ran.stdout == "1 fact sheet: 1 valid\n"


def test_check_without_paths_and_without_briefs_is_a_usage_error(tmp_path: Path) -> None:
    ran = run_script(["check"], cwd=tmp_path)
    assert ran.exit_code == 2
    assert "'briefs' does not exist" in ran.stderr


def test_build_uses_the_project_output_and_the_public_audience(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo", 'briefs = "briefs"\noutput = "public"\n')
    secret = compact_sheet("alpha", classification={"level": "SECRET", "scheme": "uk", "header": "OFFICIAL",
                                                    "cleared_for_public": True},
                           outcomes=[{"text": "CANARY-SECRET outcome", "classification": "SECRET"},
                                     {"text": "An open outcome", "classification": "OFFICIAL"}],
                           summary={"text": "Open summary", "classification": "OFFICIAL"})
    write_sheet(root / "briefs", secret)
    ran = run_script(["build", "--public", "--no-pdf"], cwd=root)
    assert ran.exit_code == 0, ran.output
    html = (root / "public" / "alpha.html").read_text(encoding="utf-8")
    assert "An open outcome" in html and "CANARY-SECRET" not in html
    manifest = json.loads((root / "public" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["briefs"][0]["audience"] == "PUBLIC"
    # --public and --release name two audiences: refused.
    assert run_script(["build", "--public", "--release", "SECRET"], cwd=root).exit_code == 2
    # Without [audiences.public], --public is the built-in public; a sheet not cleared is withheld.
    bare = _project(tmp_path / "bare")
    write_sheet(bare / "briefs", compact_sheet("beta"))
    withheld = run_script(["build", "--public", "--no-pdf"], cwd=bare)
    assert withheld.exit_code == 0, withheld.output
    assert "not released to public: it is not cleared for public release" in withheld.stdout
    assert not (bare / "site" / "beta.html").exists()


def test_release_level_in_any_case(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheets", compact_sheet("alpha"))
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--no-pdf", "--release", "official"])
    assert ran.exit_code == 0, ran.output
    manifest = json.loads((tmp_path / "site" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["briefs"][0]["audience"] == "OFFICIAL"
    bad = run_cli(["build", sheet, "-o", tmp_path / "site", "--release", "publik"])
    assert bad.exit_code == 2 and "'publik' is not a classification level" in bad.stderr


# --- new: the schema modeline -----------------------------------------------------------


def test_new_in_a_project_points_at_its_schema_by_a_relative_path(tmp_path: Path) -> None:
    assert run_script(["init", tmp_path / "repo"]).exit_code == 0
    root = tmp_path / "repo"
    (root / "briefs" / "asia").mkdir()
    ran = run_script(["new", "tokyo-call", "-o", "briefs/asia"], cwd=root)
    assert ran.exit_code == 0, ran.output
    first = (root / "briefs" / "asia" / "tokyo-call.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/factsheet.schema.json"
    target = (root / "briefs" / "asia" / "../../schema/factsheet.schema.json").resolve()
    assert target.read_text(encoding="utf-8") == schema_text()


def test_new_outside_a_project_never_points_into_the_installation(tmp_path: Path) -> None:
    ran = run_script(["new", "loose"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    text = (tmp_path / "briefs" / "loose.yaml").read_text(encoding="utf-8")
    assert "$schema=" not in text
    assert "site-packages" not in text and sys.prefix not in text


# --- template problems are diagnostics ---------------------------------------------------


@pytest.mark.parametrize(("name", "text", "line", "message"), [
    ("partials/_summary.html", "<section>\n{% if view.summary %}\n<p>{{ view.summary.html }</p>\n{% endif %}\n",
     3, "template syntax error"),
    ("partials/_summary.html", "<section>\n\n{{ view.no_such_field }}\n</section>\n", 3,
     "`view.no_such_field` is not a field of the brief; its fields: kind, kind_label, title,"),
    ("partials/_summary.html", "<section>\n{% include 'partials/_gone.html' %}\n</section>\n", 2,
     "template not found: partials/_gone.html"),
])
def test_a_template_problem_is_a_diagnostic_with_file_and_line(tmp_path: Path, name: str, text: str, line: int,
                                                                message: str) -> None:
    root = _project(tmp_path / "repo", 'briefs = "briefs"\ntemplates = "templates"\n')
    template = root / "templates" / name
    template.parent.mkdir(parents=True)
    template.write_text(text, encoding="utf-8")
    write_sheet(root / "briefs", compact_sheet("alpha"))
    write_sheet(root / "briefs", compact_sheet("beta"))
    ran = run_script(["build", "--no-pdf", "--output-format", "json"], cwd=root)
    assert ran.exit_code == 1, ran.output
    assert "internal error" not in ran.output and "Traceback" not in ran.output
    found = [d for d in json.loads(ran.stdout) if d["code"] == "template-error"]
    assert found, ran.stdout
    assert {Path(d["path"]).resolve() for d in found} == {template.resolve()}
    assert {d["line"] for d in found} == {line}
    assert all(d["message"].startswith(message) for d in found), found


def test_a_broken_index_template_is_a_diagnostic(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo", 'briefs = "briefs"\ntemplates = "templates"\n')
    (root / "templates").mkdir()
    (root / "templates" / "index.html").write_text("<html>\n{% for x in %}\n", encoding="utf-8")
    write_sheet(root / "briefs", compact_sheet("alpha"))
    ran = run_script(["build", "--no-pdf"], cwd=root)
    assert ran.exit_code == 1, ran.output
    assert re.search(r"index\.html:2:1: error\[template-error\]: template syntax error", ran.stdout), ran.stdout
    assert "internal error" not in ran.output


def test_the_packaged_templates_are_used_without_a_project(tmp_path: Path) -> None:
    """Regression: a Flask project's templates/base.html made briefgen report an internal error."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("{{ flask_only }}", encoding="utf-8")
    ran = run_script(["build", EXAMPLE, "-o", tmp_path / "site", "--no-pdf"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    page = parse_html((tmp_path / "site" / "g20-2025.html").read_text(encoding="utf-8"))
    assert page.find(".//main") is not None


# --- a closed pipe ---------------------------------------------------------------------


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    text = (RULES / "many-mistakes.yaml").read_text(encoding="utf-8")
    for number in range(120):
        (tmp_path / f"sheet-{number:03d}.yaml").write_text(text.replace("id:", f"# {number}\nid:", 1),
                                                           encoding="utf-8")
    command = f"'{sys.executable}' -m briefgen check '{tmp_path}' | head -n 1; echo \"status=${{PIPESTATUS[0]}}\" >&2"
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=script_env(), timeout=120)
    assert done.stdout.count("\n") == 1
    status = re.search(r"status=(\d+)", done.stderr)
    assert status is not None and status[1] == "141", done.stderr
    assert done.stderr.strip() == status[0], f"briefgen printed more than nothing: {done.stderr!r}"
