"""briefgen init: a brief repository that check, editors and git understand, never overwriting a file."""

from __future__ import annotations

import configparser
import fnmatch
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import briefgen
from briefgen.commands.init import create_atomic, init_command, project_files
from briefgen.sheet.schema import schema_text

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(briefgen.__file__).resolve().parent

FILES = ["briefgen.toml", "briefs/example-meeting.yaml", "schema/factsheet.schema.json", ".vscode/settings.json",
         ".vscode/extensions.json", "README.md", ".gitignore", ".github/briefgen-requirements.txt",
         ".github/workflows/check.yml", ".github/workflows/publish.yml"]

# The format the lead's project.py reads, exactly.
TOML = """\
# briefgen project: settings for every briefgen command run in this folder or below.
# Paths are relative to this file. Command-line flags override these values.
briefs = "briefs"                         # where fact sheets live (default PATH of check/build)
output = "site"                           # build output folder (-o)
schema = "schema/factsheet.schema.json"   # the JSON Schema editors validate against
# templates = "templates"                 # folder overriding the packaged templates, file by file
# styles = "styles"                       # folder overriding the packaged styles, file by file
# jobs = 2                                # default for -j (default: every CPU)

# Audiences: the readers a release is cut for (`build --audience NAME`). A classification
# is not a decision to publish: the public reads only what a sheet marks
# `cleared_for_public: true`, and nothing caveated. `--public` means `--audience public`.
[audiences.public]
public = true                             # reads the lowest level of each scheme, once cleared

[audiences.uk-official-sensitive]         # UK officials: OFFICIAL-SENSITIVE, UK EYES ONLY included
nationality = "GBR"
levels = { uk = "OFFICIAL-SENSITIVE" }

[audiences.fvey-secret]                   # Five Eyes partners: no UK EYES ONLY, no NOFORN
nationality = "FVEY"
levels = { uk = "SECRET", us = "SECRET" }
"""


def _init(*args: str) -> tuple[int, str, str]:
    group = click.Group("briefgen", commands=[init_command])  # invoked as `briefgen init …`
    result = CliRunner().invoke(group, ["init", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "briefs-repo"
    folder.mkdir()
    exit_code, _, stderr = _init(str(folder))
    assert (exit_code, stderr) == (0, ""), stderr
    return folder


def test_writes_every_file_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    exit_code, stdout, _ = _init(str(folder))
    assert exit_code == 0
    assert sorted(_tree(folder)) == sorted(FILES)
    for name in FILES:
        assert f"wrote {folder / name}\n" in stdout
    assert "next steps:" in stdout and f"cd {folder}" in stdout and "briefgen check" in stdout


def test_the_example_checks_clean(project: Path) -> None:
    # Run as an analyst would, in a fresh process in the new folder, with this briefgen.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE.parent), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("NO_COLOR", None)
    done = subprocess.run([sys.executable, "-m", "briefgen", "check", "briefs"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "1 fact sheet: 1 valid\n", "")
    done = subprocess.run([sys.executable, "-m", "briefgen", "check", "--strict", "--output-format", "json",
                           "briefs"], cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, json.loads(done.stdout)) == (0, [])


def test_the_example_names_the_project_schema(project: Path) -> None:
    sheet = project / "briefs" / "example-meeting.yaml"
    first = sheet.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/factsheet.schema.json"
    assert (sheet.parent / first.split("$schema=")[1]).resolve() == (project / "schema/factsheet.schema.json")


def test_the_schema_is_the_packaged_one(project: Path) -> None:
    assert (project / "schema" / "factsheet.schema.json").read_text(encoding="utf-8") == schema_text()


def test_vscode_maps_the_sheets_to_the_schema(project: Path) -> None:
    settings = json.loads((project / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    ((schema, globs),) = settings["yaml.schemas"].items()
    assert (project / schema).resolve() == (project / "schema/factsheet.schema.json").resolve()
    assert (project / schema).is_file()
    globs = [globs] if isinstance(globs, str) else globs
    assert "briefs/**/*.yaml" in globs
    # The mapping reaches the example (and sheets in sub-folders).
    assert any(fnmatch.fnmatch("briefs/example-meeting.yaml", g.replace("**/", "")) for g in globs)
    assert any(fnmatch.fnmatch("briefs/2025/g20.yaml", g) for g in globs)
    extensions = json.loads((project / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert extensions == {"recommendations": ["redhat.vscode-yaml"]}


def test_the_toml_is_the_project_format(project: Path) -> None:
    text = (project / "briefgen.toml").read_text(encoding="utf-8")
    assert text == TOML
    data = tomllib.loads(text)
    assert {key: data[key] for key in ("briefs", "output", "schema")} == {
        "briefs": "briefs", "output": "site", "schema": "schema/factsheet.schema.json"}
    assert set(data["audiences"]) == {"public", "uk-official-sensitive", "fvey-secret"}
    assert data["audiences"]["public"] == {"public": True}
    assert (project / data["briefs"]).is_dir() and (project / data["schema"]).is_file()
    gitignore = (project / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"{data['output']}/" in gitignore


def test_the_readme_tells_an_analyst_what_to_run(project: Path) -> None:
    readme = (project / "README.md").read_text(encoding="utf-8")
    for text in ("briefgen new ", "briefgen check", "briefgen build", "site/", "docs/factsheet.md",
                 "example-meeting.yaml"):
        assert text in readme, text


def test_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("our own readme\n", encoding="utf-8")
    exit_code, stdout, stderr = _init(str(tmp_path))
    assert exit_code == 2
    assert str(tmp_path / "README.md") in stderr and "Nothing was written" in stderr
    assert stdout == ""
    assert _tree(tmp_path) == {"README.md": b"our own readme\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]  # no folders either


def test_names_every_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "example-meeting.yaml").write_text("mine\n", encoding="utf-8")
    (tmp_path / ".gitignore").symlink_to(tmp_path / "nowhere")  # a dangling link is in the way too
    exit_code, _, stderr = _init(str(tmp_path))
    assert exit_code == 2
    assert str(tmp_path / "briefs" / "example-meeting.yaml") in stderr and str(tmp_path / ".gitignore") in stderr
    assert str(tmp_path / "README.md") not in stderr
    assert _tree(tmp_path) == {"briefs/example-meeting.yaml": b"mine\n"}


def test_other_files_in_the_folder_are_fine(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep\n", encoding="utf-8")
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "g20-2025.yaml").write_text("keep too\n", encoding="utf-8")
    exit_code, _, _ = _init(str(tmp_path))
    assert exit_code == 0
    tree = _tree(tmp_path)
    assert tree["notes.txt"] == b"keep\n" and tree["briefs/g20-2025.yaml"] == b"keep too\n"
    assert set(FILES) <= set(tree)


def test_creates_a_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    assert _init(str(folder))[0] == 0
    assert sorted(_tree(folder)) == sorted(FILES)


def test_defaults_to_this_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exit_code, stdout, _ = _init()
    assert exit_code == 0
    assert sorted(_tree(tmp_path)) == sorted(FILES)
    assert "  cd " not in stdout  # already there


def test_a_file_that_cannot_be_written_exits_4_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / ".vscode").write_text("a file where a folder must be\n", encoding="utf-8")
    exit_code, _, stderr = _init(str(tmp_path))
    assert exit_code == 4
    assert "cannot write" in stderr and ".vscode" in stderr and "nothing was written" in stderr
    # The files written before the failure are gone again, so init can run once it is fixed.
    assert _tree(tmp_path) == {".vscode": b"a file where a folder must be\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".vscode"]


def test_create_atomic_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    create_atomic(target, b"first")
    with pytest.raises(FileExistsError):
        create_atomic(target, b"second")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]  # no temporary files left


def test_the_project_files_ship_in_the_package() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    globs = [g.strip() for g in config["options.package_data"]["briefgen"].replace("\n", ",").split(",") if g.strip()]
    examples = PACKAGE / "examples"
    shipped = [p.relative_to(PACKAGE).as_posix() for p in examples.rglob("*") if p.is_file()]
    assert shipped
    for name in shipped:
        assert any(fnmatch.fnmatch(name, g) and name.count("/") == g.count("/") for g in globs), name
    assert [f.path for f in project_files()] == FILES


def test_shards_writes_a_publish_workflow_with_a_matrix_and_an_assemble_job(tmp_path: Path) -> None:
    import yaml

    folder = tmp_path / "repo"
    exit_code, stdout, _ = _init(str(folder), "--shards", "4")
    assert exit_code == 0
    assert sorted(_tree(folder)) == sorted(FILES)
    publish = (folder / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    jobs = yaml.safe_load(publish)["jobs"]
    assert list(jobs) == ["build", "assemble", "deploy"]
    assert jobs["build"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert 'run: briefgen build --public --shard "$SHARD/4" -o "site-$SHARD"' in publish
    # The check workflow does not change with the number of shards.
    assert (folder / ".github" / "workflows" / "check.yml").read_bytes() == \
        next(f.data for f in project_files() if f.path == ".github/workflows/check.yml")
