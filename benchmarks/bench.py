"""Benchmarks for briefgen: prints a table; never a pass/fail test (this machine is shared).

    python benchmarks/bench.py [--repeat N]

Rows:
- check, cold: `briefgen check` on the example, wall time from process start
  (target: under 0.4 s);
- check, cold, 500 sheets: one `briefgen check` over 500 generated fact sheets
  (target: under 3 s);
- build vs WeasyPrint: in one process, briefgen's whole build of the example
  (load, validate, release, view, HTML, glyph check, PDF, atomic writes, manifest,
  index) against WeasyPrint alone rendering the same HTML with the same options
  (target: ratio at most 1.15).
Times are medians of N runs; the ratio compares medians measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "briefs" / "g20-2025.yaml"


def _briefgen() -> list[str]:
    # The script beside this interpreter, never another briefgen that PATH happens to find.
    script = Path(sys.executable).parent / "briefgen"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "briefgen"]


def _wall(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"benchmark command failed ({result.returncode}): {' '.join(command)}\n{result.stdout}{result.stderr}")
    return elapsed


def _generate(folder: Path, count: int) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for index in range(count):
        sheet = text.replace("id: g20-2025", f"id: sheet-{index:04d}").replace(
            "title: Japan–India bilateral meeting", f"title: Meeting {index} — Japan–India bilateral meeting")
        (folder / f"sheet-{index:04d}.yaml").write_text(sheet, encoding="utf-8")


def bench_check(repeat: int) -> list[tuple[str, float, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        example = [_wall(_briefgen() + ["check", str(EXAMPLE)], folder) for _ in range(repeat)]
        rows.append(("check, cold, the example", statistics.median(example), "< 0.40 s"))
        (folder / "sheets").mkdir()
        _generate(folder / "sheets", 500)
        many = [_wall(_briefgen() + ["check", str(folder / "sheets")], folder) for _ in range(repeat)]
        rows.append(("check, cold, 500 generated sheets", statistics.median(many), "< 3.00 s"))
    return rows


def bench_build(repeat: int) -> list[tuple[str, float, str]]:
    from weasyprint import HTML

    from briefgen.pipeline import plan, publish, run
    from briefgen.records import Options
    from briefgen.release.cut import release
    from briefgen.render.pdf import write_options
    from briefgen.render.templates import render_html
    from briefgen.render.view import brief_view
    from briefgen.sheet.sources import load_fact_sheet
    from briefgen.theme import Theme

    checked = load_fact_sheet(EXAMPLE)
    assert checked.sheet is not None, "the example must be valid"
    html = render_html(brief_view(release(checked.sheet)), Theme.default())

    def weasyprint_alone() -> None:
        HTML(string=html, base_url=EXAMPLE.parent.as_uri() + "/").write_pdf(**write_options())

    def build(out: Path) -> bool:
        planned = plan([EXAMPLE], Options(theme=Theme.default()))
        outcomes = [run(job) for job in planned.jobs]
        return bool(publish(planned, outcomes, out).written)

    briefgen_times, weasy_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build(out)  # warm both: imports, font discovery, Jinja cache
        weasyprint_alone()
        for _ in range(repeat):  # interleaved, so machine noise hits both alike
            start = time.perf_counter()
            written = build(out)
            briefgen_times.append(time.perf_counter() - start)
            assert written
            start = time.perf_counter()
            weasyprint_alone()
            weasy_times.append(time.perf_counter() - start)
    ours, theirs = statistics.median(briefgen_times), statistics.median(weasy_times)
    return [
        ("build the example (HTML + PDF), briefgen", ours, ""),
        ("same HTML to PDF, WeasyPrint alone", theirs, ""),
        ("ratio briefgen / WeasyPrint", ours / theirs, "<= 1.15"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per row (median is reported)")
    args = parser.parse_args()
    rows = bench_check(args.repeat) + bench_build(args.repeat)
    width = max(len(name) for name, _, _ in rows)
    print(f"{'benchmark':<{width}}  {'median':>9}  target")
    print(f"{'-' * width}  {'-' * 9}  ------")
    for name, value, target in rows:
        shown = f"{value:8.3f}x" if name.startswith("ratio") else f"{value:8.3f}s"
        print(f"{name:<{width}}  {shown:>9}  {target}")


if __name__ == "__main__":
    main()
