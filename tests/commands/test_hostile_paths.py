"""Hostile paths: arguments too long or too deep for any file, for every path argument of
every command; symlinks that leave the repository in `briefgen diff`.

Every run ends in exit 0, 1 or 2 with a message that says what is wrong, never in exit 3
(an internal error), and nothing outside the repository is quoted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import click
import pytest

from briefgen.commands.main import main
from briefgen.commands.options import GuardedPath
from build_helpers import Ran, compact_sheet, run_script, write_sheet

#: A name longer than any file system allows (NAME_MAX is 255 bytes), and a path of short
#: names deeper than PATH_MAX (4096 bytes on Linux).
TOO_LONG = "a" * 5000
TOO_DEEP = "/".join(["abcdefghij"] * 550)
#: What each command needs besides the parameter tried, so that only that parameter is wrong.
BASE: dict[str, list[str]] = {
    "assemble": ["shard", "-o", "site"],
    "build": ["--no-pdf"],
    "check": [],
    "diff": ["old.yaml", "new.yaml"],
    "init": [],
    "new": ["fresh-id"],
    "query": ["countries", "IN"],  # KIND KEY: what follows is a path
    "schema": [],
    "serve": ["--port", "0"],
    "sign": ["alpha", "--key", "key.p12"],
    "verify": [],
}
#: Arguments that are not paths.
NOT_PATHS = {("new", "sheet_id"), ("sign", "note"), ("query", "kind")}
#: Arguments that are a path or not, known only once the command has split them (query's [KEY] [PATHS]...):
#: the command guards each path itself, which the too-long and too-deep tests below prove.
GUARDED_BY_THE_COMMAND = {("query", "rest")}


def _commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(main)
    found = []
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None
        found.append((name, command))
    return found


def _path_parameters() -> list[tuple[str, click.Parameter]]:
    return [(name, param) for name, command in _commands() for param in command.params
            if isinstance(param.type, click.Path)
            or (isinstance(param, click.Argument) and (name, param.name) not in NOT_PATHS)]


def test_every_path_parameter_of_every_command_is_guarded() -> None:
    """A new command or option that takes a path gets the guard, or this fails."""
    parameters = _path_parameters()
    assert {name for name, _ in parameters} == set(BASE), "a command without a base: add it"
    unguarded = [f"{name} {param.name}" for name, param in parameters if not isinstance(param.type, GuardedPath)
                 and (name, param.name) not in GUARDED_BY_THE_COMMAND]
    assert not unguarded


def _arguments(command: str, param: click.Parameter, value: str) -> list[str]:
    base = list(BASE[command])
    if isinstance(param, click.Option):
        return [command, *base, param.opts[0], value]
    if command == "diff":
        return [command, value, base[1]] if param.name == "old" else [command, base[0], value]
    if command == "assemble":
        return [command, value, *base[1:]]
    return [command, *base, value]


def _project(root: Path) -> Path:
    write_sheet(root / "briefs", compact_sheet("alpha"))
    write_sheet(root, compact_sheet("old-one", title="Old"), "old.yaml")
    write_sheet(root, compact_sheet("old-one", title="New"), "new.yaml")
    (root / "shard").mkdir()
    return root


@pytest.mark.parametrize("shape", ["long", "deep"])
@pytest.mark.parametrize(("command", "parameter"), [(name, param.name) for name, param in _path_parameters()])
def test_a_path_too_long_or_too_deep_is_a_usage_error(tmp_path: Path, command: str, parameter: str,
                                                      shape: str) -> None:
    (param,) = [p for name, p in _path_parameters() if name == command and p.name == parameter]
    value = TOO_LONG if shape == "long" else TOO_DEEP
    try:
        ran = run_script(_arguments(command, param, value), cwd=_project(tmp_path), timeout=60)
    except subprocess.TimeoutExpired:  # serve started: the path went unchecked
        pytest.fail(f"briefgen {command} ran with a {shape} {parameter} instead of refusing it")
    _assert_refused(ran, shape)


def _assert_refused(ran: Ran, shape: str) -> None:
    assert ran.exit_code == 2, ran.output[-2000:]
    assert "internal error" not in ran.output and "Traceback" not in ran.output
    assert ("a name in this path is too long" if shape == "long" else "this path is too long") in ran.stderr
    assert len(ran.stderr) < 1000, "the path is quoted in full"


def test_the_limits_come_from_the_file_system(tmp_path: Path) -> None:
    """The longest name the file system takes passes the guard (and works); one byte more does not."""
    from briefgen.commands.options import path_problem

    longest = "b" * os.pathconf(tmp_path, "PC_NAME_MAX")
    assert path_problem(str(tmp_path / longest)) is None
    (tmp_path / longest).mkdir()
    assert path_problem(str(tmp_path / (longest + "b"))) is not None
    assert "bytes" in (path_problem(str(tmp_path / ("é" * 200))) or "")  # 400 bytes in UTF-8


# --- briefgen diff: symlinks that leave the repository -----------------------------------------

#: Words only files outside the repository hold: no output of `diff` may show one.
OUTSIDE_WORDS = ("OUTSIDE-SECRET-7c1e",)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def linked_repo(tmp_path: Path) -> Path:
    """A repository whose briefs/ holds a sheet, a link to it, and links out of the repository
    (absolute, and relative through ..) to a sheet-like file holding a secret, in HEAD."""
    outside = tmp_path / "secret.yaml"
    outside.write_text(f"format: 1\ntitle: {OUTSIDE_WORDS[0]}\n", encoding="utf-8")
    repo = tmp_path / "repo"
    briefs = repo / "briefs"
    write_sheet(briefs, compact_sheet("alpha"))
    (briefs / "alias.yaml").symlink_to("alpha.yaml")
    (briefs / "absolute.yaml").symlink_to(outside)
    (briefs / "climbing.yaml").symlink_to("../../secret.yaml")
    (briefs / "passwd.yaml").symlink_to("/etc/passwd")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "links")
    return repo


def _assert_nothing_outside_shown(ran: Ran) -> None:
    for word in (*OUTSIDE_WORDS, "/etc/passwd", "secret.yaml", "root:x:0"):
        assert word not in ran.output, word


@needs_git
@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
def test_diff_refuses_links_out_of_the_repository_and_quotes_nothing(linked_repo: Path, output_format: str) -> None:
    """Both the working tree's links and HEAD's symlink blobs: `outside-paths`, exit 1 (was exit 3)."""
    ran = run_script(["diff", "HEAD", "briefs/", "--output-format", output_format], cwd=linked_repo)
    assert ran.exit_code == 1, ran.output
    assert "internal error" not in ran.output
    _assert_nothing_outside_shown(ran)
    if output_format == "json":
        found = {d["path"]: [(v["version"], [x["code"] for x in v["diagnostics"]]) for v in d["invalid"]]
                 for d in json.loads(ran.stdout)}
        for name in ("absolute", "climbing", "passwd"):
            assert found[f"briefs/{name}.yaml"] == [("old", ["outside-paths"]), ("new", ["outside-paths"])]
        # The link inside the folder is the sheet it names, compared once.
        assert found["briefs/alpha.yaml"] == [] and "briefs/alias.yaml" not in found


@needs_git
def test_diff_refuses_a_link_that_is_only_in_the_revision(linked_repo: Path) -> None:
    for name in ("absolute", "climbing", "passwd", "alias"):
        (linked_repo / "briefs" / f"{name}.yaml").unlink()
    ran = run_script(["diff", "HEAD", "briefs/"], cwd=linked_repo)
    assert ran.exit_code == 1, ran.output
    _assert_nothing_outside_shown(ran)
    assert ran.stdout.count("error[outside-paths]: in HEAD, this path is a symlink that leads outside") == 3
    assert "briefs/alpha.yaml" not in ran.stdout  # unchanged, and the alias's removal is no sheet's change
    assert ran.stdout.splitlines()[-1] == "4 fact sheets compared: 1 unchanged, 3 invalid"


@needs_git
def test_diff_does_not_wait_on_a_fifo(linked_repo: Path) -> None:
    os.mkfifo(linked_repo / "briefs" / "fifo.yaml")
    ran = run_script(["diff", "HEAD", "briefs/"], cwd=linked_repo, timeout=60)
    assert ran.exit_code == 1, ran.output
    assert "briefs/fifo.yaml: new fact sheet" not in ran.stdout
    assert "cannot read the file: not a regular file" in ran.stdout


# --- names Windows cannot hold -----------------------------------------------------------------

#: Microsoft, "Naming Files, Paths, and Namespaces" (Naming Conventions),
#: https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file: do not use CON, PRN,
#: AUX, NUL, COM1–COM9, COM¹–COM³, LPT1–LPT9, LPT¹–LPT³ as a file name, nor these names
#: followed by an extension ("NUL.txt and NUL.tar.gz are both equivalent to NUL"); do not end
#: a name with a space or a period; do not assume case sensitivity (OSCAR, Oscar and oscar
#: are the same name).
DEVICE_IDS = ("con", "aux", "prn", "nul", "com1", "com9", "lpt1", "lpt9")


@pytest.mark.parametrize("sheet_id", [*DEVICE_IDS, "g20.", "g20 ", "G20"])
def test_new_refuses_a_name_windows_cannot_hold(tmp_path: Path, sheet_id: str) -> None:
    ran = run_script(["new", sheet_id, "-o", "briefs"], cwd=tmp_path)
    assert ran.exit_code == 2, ran.output
    assert ("Windows keeps for a device" if sheet_id in DEVICE_IDS else "lower-case letters") in ran.stderr
    assert not (tmp_path / "briefs").exists()


def test_new_refuses_an_id_that_differs_from_a_sheet_only_in_case(tmp_path: Path) -> None:
    write_sheet(tmp_path / "briefs", compact_sheet("g20-2025"), "G20-2025.yaml")
    ran = run_script(["new", "g20-2025", "-o", "briefs"], cwd=tmp_path)
    assert ran.exit_code == 2, ran.output
    assert "briefs/G20-2025.yaml already exists, and g20-2025.yaml differs from it only in case" in ran.stderr
    assert sorted(p.name for p in (tmp_path / "briefs").iterdir()) == ["G20-2025.yaml"]
    assert run_script(["new", "g20-2026", "-o", "briefs"], cwd=tmp_path).exit_code == 0


def _check_codes(folder: Path) -> dict[str, list[str]]:
    ran = run_script(["check", str(folder), "--output-format", "json"])
    assert ran.exit_code == 1, ran.output
    found: dict[str, list[str]] = {}
    for diagnostic in json.loads(ran.stdout):
        if diagnostic["severity"] == "error":
            found.setdefault(Path(diagnostic["path"]).relative_to(folder).as_posix(), []).append(diagnostic["code"])
    return found


def test_check_refuses_sheet_files_windows_cannot_hold(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    without_id = compact_sheet("x", id=None)
    write_sheet(briefs, without_id, "con.yaml")  # its id would be its name
    write_sheet(briefs, compact_sheet("fine-talks"), "lpt1.yml")  # an id of its own: the file still cannot exist
    write_sheet(briefs, compact_sheet("backup-talks"), "Nul.backup.yaml")
    write_sheet(briefs, compact_sheet("aux"))  # the id names the outputs aux.html, aux.pdf
    write_sheet(briefs, compact_sheet("con-talks"))  # a device name inside a longer one is fine
    assert _check_codes(briefs) == {"con.yaml": ["unportable-file-name"], "lpt1.yml": ["unportable-file-name"],
                                    "Nul.backup.yaml": ["unportable-file-name"],
                                    "aux.yaml": ["unportable-file-name", "reserved-id"]}


def test_check_refuses_sheets_whose_paths_differ_only_in_case(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    write_sheet(briefs, compact_sheet("alpha"), "Alpha.yaml")
    write_sheet(briefs, compact_sheet("beta"), "alpha.yaml")
    write_sheet(briefs / "Past", compact_sheet("gamma"), "talks.yaml")
    write_sheet(briefs / "past", compact_sheet("delta"), "talks.yaml")
    write_sheet(briefs, compact_sheet("epsilon"))
    assert _check_codes(briefs) == {name: ["unportable-file-name"] for name in
                                    ("Alpha.yaml", "alpha.yaml", "Past/talks.yaml", "past/talks.yaml")}
