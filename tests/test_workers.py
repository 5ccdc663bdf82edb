"""The worker pool, through the real CLI: a time limit per brief, a worker that dies,
Ctrl-C, and outputs that do not depend on the number of workers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from build_helpers import build_in_subprocess, compact_sheet, reproducible_files, script_env, write_sheet

#: A summary partial that keeps the renderer busy for a long time (no sheet can ask for this).
#: 10^10 steps: the sandbox allows a range of at most 100,000, not a loop that long.
SLOW_SUMMARY = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def _project(root: Path, slow: bool = False, names: tuple[str, ...] = ("alpha", "beta", "gamma")) -> Path:
    templates = root / "templates" / "partials"
    templates.mkdir(parents=True)
    (root / "briefgen.toml").write_text('briefs = "briefs"\noutput = "site"\ntemplates = "templates"\n')
    if slow:
        # Only the sheet whose id is "slow" loops; the others render normally.
        (templates / "_summary.html").write_text(
            "{% if view.title == 'Slow talks' %}" + SLOW_SUMMARY + "{% endif %}<p>{{ view.title }}</p>\n")
    for name in names:
        write_sheet(root / "briefs", compact_sheet(name, title="Slow talks" if name.endswith("slow") else f"{name} talks"))
    return root


def _children(pid: int) -> list[int]:
    """Every process whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _build(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return build_in_subprocess(root, "--no-pdf", *args, timeout=timeout)


def test_a_brief_past_its_time_limit_is_stopped_and_the_rest_build(tmp_path: Path) -> None:
    root = _project(tmp_path, slow=True, names=("alpha", "slow", "gamma"))
    started = time.monotonic()
    done = _build(root, "--timeout", "3", "-j", "2")
    assert time.monotonic() - started < 60
    assert done.returncode == 1, done.stdout + done.stderr
    assert "error[render-timeout]" in done.stdout and "briefs/slow.yaml:1:1" in done.stdout
    assert "longer than 3 s" in done.stdout
    assert sorted(p.name for p in (root / "site").iterdir()) == ["alpha.html", "countries", "gamma.html",
                                                                  "index.html", "manifest.json", "pagefind", "people"]


def test_a_worker_that_dies_is_replaced_and_its_brief_reported(tmp_path: Path) -> None:
    # "a-slow" is planned first, so the one worker is busy with it whenever it is killed.
    root = _project(tmp_path, slow=True, names=("a-slow", "gamma", "delta"))
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "build", "--no-pdf", "-j", "1", "--timeout", "60"],
                               cwd=root, env=script_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until a worker is busy with the slow brief (alpha renders in well under a second), then kill it.
    deadline = time.monotonic() + 30
    killed = False
    while time.monotonic() < deadline and not killed:
        time.sleep(1.5)
        for child in _children(process.pid):
            os.kill(child, signal.SIGKILL)
            killed = True
    stdout, stderr = process.communicate(timeout=120)
    assert killed, "no worker process was found to kill"
    assert process.returncode == 1, stdout + stderr
    assert "error[render-crashed]" in stdout
    # The worker that died was replaced: the briefs after it were built.
    built = {p.name for p in (root / "site").iterdir()}
    assert {"delta.html", "gamma.html"} <= built, stdout + stderr
    assert "a-slow.html" not in built
    assert "briefs/a-slow.yaml:1:1: error[render-crashed]" in stdout


def test_ctrl_c_stops_the_pool_writes_nothing_and_exits_130(tmp_path: Path) -> None:
    root = _project(tmp_path, slow=True, names=("slow", "alpha"))
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "build", "--no-pdf", "-j", "2"], cwd=root,
                               env=script_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_children(process.pid)) < 1:
        time.sleep(0.2)
    workers = _children(process.pid)
    assert workers, "the build started no worker"
    time.sleep(1.0)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 5, "Ctrl-C took too long to stop the build"
    assert process.returncode == 130, stdout + stderr
    # Off a terminal the build logs each brief it rendered before Ctrl-C; then one line, no traceback.
    *logged, last = stderr.splitlines()
    assert last == "briefgen: interrupted", stderr
    assert all(line == "rendering 2 briefs" or line.startswith("[1/2] rendered ") for line in logged), stderr
    assert not any(_alive(pid) for pid in workers), "a worker outlived the build"
    assert not (root / "site").exists() or not any((root / "site").iterdir())


def test_outputs_do_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    root = _project(tmp_path, names=("alpha", "beta", "gamma", "delta", "epsilon"))
    builds = {}
    for jobs in ("1", "2", "4"):
        assert _build(root, "-j", jobs).returncode == 0
        builds[jobs] = reproducible_files(root / "site")
        shutil.rmtree(root / "site")
    assert builds["1"] == builds["2"] == builds["4"]
    assert len([name for name in builds["1"] if "/" not in name]) == 7
