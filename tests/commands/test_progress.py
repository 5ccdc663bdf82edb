"""Progress off a terminal: a CI log shows each brief as it finishes and, on a long build, a count now and then."""

from __future__ import annotations

import io
import time
from pathlib import Path

from briefgen.commands.progress import LogProgress
from briefgen.records import Outcome
from build_helpers import ROOT, run_script


def test_a_build_off_a_terminal_logs_each_brief_as_it_finishes(tmp_path: Path) -> None:
    ran = run_script(["build", ROOT / "briefs" / "examples", "-o", tmp_path, "--no-pdf", "-j", "2"], timeout=300)
    assert ran.exit_code == 0, ran.stdout + ran.stderr
    lines = ran.stderr.splitlines()
    assert lines[0] == "rendering 8 briefs", lines
    rendered = [line for line in lines if " rendered " in line]
    assert [line.split("] ")[0] for line in rendered] == [f"[{n}/8" for n in range(1, 9)]
    names = {line.split(" rendered ")[1].split(" (")[0] for line in rendered}
    assert names == {p.stem for p in (ROOT / "briefs" / "examples").glob("*.yaml")}
    # Each line comes as its brief finishes, before the build publishes and reports.
    assert ran.stdout.index("built ") >= 0 and "rendered" not in ran.stdout


def test_a_count_comes_every_interval_while_briefs_render() -> None:
    stream = io.StringIO()
    progress = LogProgress(stream, interval=0.05)
    progress.start(3)
    time.sleep(0.3)  # nothing finishes: a long first brief
    progress.done(Outcome("alpha", "alpha.yaml", "key"))
    time.sleep(0.2)
    progress.stop()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "rendering 3 briefs"
    waiting = [line for line in lines if line.startswith("… 0/3 briefs rendered")]
    assert len(waiting) >= 2, lines
    assert any(line.startswith("[1/3] failed alpha (") for line in lines), "no record: the brief failed"
    assert any(line.startswith("… 1/3 briefs rendered") and "left" in line for line in lines), lines
    after = len(stream.getvalue())
    time.sleep(0.15)
    assert len(stream.getvalue()) == after, "stop ends the counts"


def test_nothing_to_render_says_nothing() -> None:
    stream = io.StringIO()
    progress = LogProgress(stream, interval=0.01)
    progress.start(0)
    time.sleep(0.05)
    progress.stop()
    assert stream.getvalue() == ""
