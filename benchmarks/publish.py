"""Publishing benchmark: prints one table, every row measured in this run on this machine.

    python benchmarks/publish.py [--sheets 200] [--pdf-sheets 40] [--repeat 3] [--scale 10000]

With --scale N it adds the rows at N sheets (check on one core, an HTML-only build, a
no-op rebuild, the manifest's size and load time, the index's first view) and the cost of
N briefs built as 1, 2, 4 and 8 shards (each shard a separate process on one core, run one
after another as separate CI runners would be, then `briefgen assemble`).

It generates varied fact sheets (briefs and readouts, short and long, some with portion
marks), then measures check, HTML-only builds, the obvious alternative (a short script:
yaml.safe_load → Jinja → WeasyPrint), the floor (bare WeasyPrint on briefgen's own HTML),
briefgen's build with one worker and with every core, a no-op rebuild, a rebuild after
one edit, and a worker's peak memory. Ratios compare rows of the same run: the machine
is shared and noisy, so speed work should move the ratios, not one run's seconds.
Never a pass/fail test: the "met" column only reads the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "briefs" / "g20-2025.yaml"
PYTHON = sys.executable

COUNTRIES = ["JP", "IN", "ZA", "FR", "DE", "BR", "KE", "NO", "CA", "MX", "ID", "AU"]
WORDS = ("cooperation trade investment security energy climate digital health maritime "
         "infrastructure supply chains semiconductors agriculture education research").split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def prose(rng: random.Random, words: int) -> str:
    """A sentence with some Markdown in it (emphasis, a link, inline code), as analysts write."""
    text = sentence(rng, words).split(" ")
    at = rng.randrange(len(text) - 1)
    mark = rng.choice(("**{}**", "*{}*", "[{}](https://example.org/{})", "`{}`"))
    text[at] = mark.format(text[at], text[at].lower().strip(".")) if "{}" in mark else text[at]
    return " ".join(text)


def section_body(rng: random.Random) -> str:
    """One to four paragraphs; every third body has a bulleted list, every fifth a numbered one."""
    paragraphs = [prose(rng, rng.randint(30, 80)) for _ in range(rng.randint(1, 4))]
    shape = rng.randrange(15)
    if shape % 3 == 0:
        paragraphs.append("\n".join(f"- {sentence(rng, rng.randint(4, 12))}" for _ in range(rng.randint(2, 5))))
    if shape % 5 == 0:
        paragraphs.append("\n".join(f"{n}. {sentence(rng, rng.randint(4, 12))}" for n in range(1, rng.randint(3, 5))))
    return "\n\n".join(paragraphs)


def fact_sheet(index: int, rng: random.Random) -> dict[str, object]:
    """One generated fact sheet, valid (`check` finds no error or warning) and varied.

    Briefs and readouts; 2 to 14 points, 0 to 2 frameworks (of 8, by ref), 0 to 5 commitments, 1 to 3 sections of 1 to 4
    paragraphs with Markdown (emphasis, links, lists); drafts and final notes (a contact and
    a clearance); every point, outcome and commitment cites one of 1 to 3 sources; every
    fourth sheet portion-marked (OFFICIAL-SENSITIVE with OFFICIAL portions).
    """
    kind = "readout" if index % 3 else "brief"
    marked = index % 4 == 0
    final = index % 2 == 1
    a, b = rng.sample(COUNTRIES, 2)
    sources = [{"id": f"src-{n}", "title": f"{rng.choice(WORDS).capitalize()} report {index}-{n}",
                "publisher": rng.choice(("Reuters", "ANI", "AFP", "Kyodo", "Ministry press office")),
                "date": f"2025-0{rng.randint(1, 2)}-{rng.randint(10, 28)}"}
               for n in range(1, rng.randint(1, 3) + 1)]

    def cites() -> list[str]:
        return [rng.choice(sources)["id"]]

    points: list[dict[str, object]] = [{"text": prose(rng, rng.randint(10, 40)), "sources": cites()}
                                       for _ in range(rng.randint(2, 14))]
    if marked:
        points = [{**p, "classification": "OFFICIAL-SENSITIVE" if i % 3 == 0 else "OFFICIAL"}
                  for i, p in enumerate(points)]
    document: dict[str, object] = {
        "date": "2025-03-02" if kind == "readout" else "2025-02-27", "reference": f"B/{index}",
        "version": "1.0", "status": "final" if final else "draft",
        "drafted_by": {"name": "Bench Drafter", "unit": rng.choice(("Asia Desk", "Trade Policy Unit", "Desk"))}}
    if final:
        document["cleared_by"] = [{"name": "Bench Head of Unit", "unit": "Desk", "date": document["date"]}]
        document["contact"] = f"desk-{index % 17}@example.gov.uk"
    sheet: dict[str, object] = {
        "format": 1,
        "kind": kind,
        "id": f"bench-{index:05d}",
        "title": f"Meeting {index}: {a}–{b} talks on {rng.choice(WORDS)}",
        "classification": {"level": "OFFICIAL-SENSITIVE" if marked else "OFFICIAL", "scheme": "uk",
                           **({"header": "OFFICIAL"} if marked else {})},
        "document": document,
        "meeting": {"date": "2025-03-01", "format": "bilateral", "start": "10:00", "duration_minutes": 45,
                    "venue": {"name": "Hall", "city": rng.choice(("Geneva", "Nairobi", "Jakarta", "Ottawa")),
                              "country": "CH"}},
        "participants": [
            {"name": f"Minister {a}", "ref": f"minister-{a.lower()}", "title": "Minister of Foreign Affairs",
             "country": a, "role": "principal"},
            {"name": f"Minister {b}", "ref": f"minister-{b.lower()}", "title": "Minister of Trade", "country": b,
             "role": "principal"},
        ],
        # What the pages across briefs are made of: shared frameworks (by ref), commitments by sector and parties.
        "frameworks": [{"name": f"{name.capitalize()} framework", "ref": f"{name}-framework",
                        "status": rng.choice(("reaffirmed", "launched", "referenced")), "sources": cites()}
                       for name in rng.sample(WORDS[:8], rng.randint(0, 2))],
        "summary": prose(rng, 40),
        ("outcomes" if kind == "readout" else "talking_points"): points,
        "commitments": [{"sector": rng.choice(WORDS).capitalize(), "summary": sentence(rng, 20),
                         "status": "agreed", "parties": [a, b], "sources": cites(),
                         "amount": {"value": rng.randint(1, 900) * 1_000_000,
                                    "currency": rng.choice(("USD", "EUR", "JPY", "GBP"))}}
                        for _ in range(rng.randint(0, 5))],
        "sections": [{"heading": heading, "body": section_body(rng)}
                     for heading in ("Background", "Context", "Outlook")[:rng.randint(1, 3)]],
        "sources": sources,
    }
    return sheet


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"bench-{index:05d}.yaml"
        path.write_text(json.dumps(fact_sheet(index, rng), ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def wall(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"benchmark command failed ({done.returncode}): {' '.join(command)}\n{done.stdout}{done.stderr}")
    return elapsed


def best(command: list[str], cwd: Path, repeat: int, before: object = None) -> float:
    """The median of `repeat` runs (calling `before()` ahead of each, untimed)."""
    times = []
    for _ in range(repeat):
        if callable(before):
            before()
        times.append(wall(command, cwd))
    return statistics.median(times)


def briefgen(*args: str) -> list[str]:
    return [PYTHON, "-m", "briefgen", *map(str, args)]


def add(rows: list[tuple[str, str, str, str]], row: tuple[str, str, str, str]) -> None:
    """Keep a measured row, and show it on stderr at once (a long run killed half-way still says what it found)."""
    rows.append(row)
    print("| " + " | ".join(row) + " |", file=sys.stderr, flush=True)


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and its children) of one command."""
    before = os.times()
    seconds = wall(command, cwd)
    after = os.times()
    return seconds, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def one_core(command: list[str]) -> list[str]:
    """`command` pinned to the first CPU this process may use (taskset), as on a one-core runner."""
    core = min(os.sched_getaffinity(0))
    return ["taskset", "-c", str(core), *command] if shutil.which("taskset") else command


MANIFEST_LOAD = textwrap.dedent("""
    import sys, time, pathlib
    from briefgen.publish.manifest import Manifest
    started = time.perf_counter()
    manifest = Manifest.read(pathlib.Path(sys.argv[1]))
    print(time.perf_counter() - started, len(manifest.briefs))
""")


#: The pages across briefs in a no-op rebuild: what publish adds for them (the cross index from the records, every
#: page's inputs digest, each kept page's file hashed), timed alone on the built site; then drawing every page
#: (what a first build adds). Prints: seconds of the no-op's part, pages, pages drawn, seconds to draw them all.
CROSS_COST = textwrap.dedent("""
    import dataclasses, datetime, hashlib, sys, time, pathlib
    from briefgen.publish.cross import cross_changes
    from briefgen.publish.manifest import Journal, Manifest
    from briefgen.publish.policy import Ownership
    from briefgen.records import Options, Plan
    from briefgen.theme import Theme

    class Files:
        def __init__(self, folder):
            self.folder = folder
        def hash(self, name):
            path = self.folder / name
            return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        def exists(self, name):
            return (self.folder / name).exists()

    site = pathlib.Path(sys.argv[1])
    manifest = Manifest.read(site)
    records = [entry.record for entry in manifest.briefs.values()]
    plan = Plan(Options(theme=Theme.default(), pdf=False), ())
    day = datetime.date.today()
    started = time.perf_counter()
    kept = cross_changes(plan, records, manifest, Ownership(site, manifest, Journal(), Files(site)), {}, [], day)
    noop = time.perf_counter() - started
    fresh = dataclasses.replace(manifest, cross_pages={})
    started = time.perf_counter()
    drawn = cross_changes(plan, records, fresh, Ownership(site, manifest, Journal(), Files(site)), {}, [], day)
    print(noop, len(kept.recorded), len(kept.drawn), time.perf_counter() - started, len(drawn.drawn))
""")


def first_view_bytes(site: Path) -> tuple[int, int]:
    """The bytes of index.html, and those plus every file of the site it loads at once (scripts, styles, data)."""
    import re

    index = (site / "index.html").read_bytes()
    loaded = 0
    for name in set(re.findall(rb'(?:src|href)="([^"#?:]+\.(?:js|css|json))"', index)):
        path = site / name.decode()
        if path.is_file():
            loaded += path.stat().st_size
    return len(index), len(index) + loaded


def search_bytes(site: Path) -> tuple[int, int, int]:
    """The search index in `pagefind/`: its files and bytes on disk, and the bytes a first query loads
    before its results show, at most, counted from the bundle: pagefind.js and its worker, the entry, one
    WebAssembly module, each language's meta and filters (the filter menus are filled at once), one index
    chunk (the largest: a common word's) and ten fragments (the largest: the results shown)."""
    bundle = site / "pagefind"
    files = [path for path in bundle.rglob("*") if path.is_file()]
    total = sum(path.stat().st_size for path in files)
    first = sum((bundle / name).stat().st_size for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
                if (bundle / name).exists())
    # One WebAssembly module (the page's language; the other languages' indexes are merged without one).
    first += max((path.stat().st_size for path in files if path.suffix == ".pagefind"), default=0)
    first += sum(path.stat().st_size for path in files if path.suffix in (".pf_meta", ".pf_filter"))
    chunks = sorted((path.stat().st_size for path in files if path.suffix == ".pf_index"), reverse=True)
    fragments = sorted((path.stat().st_size for path in files if path.suffix == ".pf_fragment"), reverse=True)
    first += sum(chunks[:1]) + sum(fragments[:10])
    return len(files), total, first


def scale_rows(work: Path, count: int, shard_count: int | None = None) -> list[tuple[str, str, str, str]]:
    """The rows at `count` sheets: check on one core, HTML-only build, no-op, manifest, index, search; then
    the shards of `shard_count` sheets (default `count`; 0 for none)."""
    rows: list[tuple[str, str, str, str]] = []
    sheets = work / "scale"
    generate(sheets, count)
    seconds, _ = timed(one_core(briefgen("check", sheets)), work)
    rate = count / seconds
    add(rows, (f"`check` of {count:,} sheets, one core", f"{rate:,.0f} sheets/s ({seconds:.1f} s)",
                 "≥ 1,500 sheets/s", "yes" if rate >= 1500 else "no"))
    site = work / "scale-site"
    seconds, cpu = timed(briefgen("build", sheets, "-o", site, "--no-pdf"), work)
    rate = count / seconds
    add(rows, (f"HTML-only build of {count:,}, all cores", f"{rate:,.0f} briefs/s ({seconds:.0f} s, CPU {cpu:.0f} s)",
                 "≥ 200 briefs/s", "yes" if rate >= 200 else "no"))
    noops = [timed(briefgen("build", sheets, "-o", site, "--no-pdf"), work) for _ in range(2)]
    seconds, cpu = min(noops)
    add(rows, (f"no-op rebuild of {count:,}, from process start", f"{seconds:.2f} s (CPU {cpu:.2f} s)", "≤ 2 s",
                 "yes" if seconds <= 2 else "no"))
    done = subprocess.run([PYTHON, "-c", CROSS_COST, str(site)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stderr)
    part, pages, redrawn, draw_all, _ = (float(v) for v in done.stdout.split())
    share = part / seconds
    add(rows, (f"pages across briefs in the no-op rebuild of {count:,}: their part of it (pages drawn again)",
               f"{part:.2f} s = {share:.0%} of the no-op ({pages:,.0f} pages, {redrawn:.0f} drawn again)",
               "≤ 20 % of the no-op, none drawn", "yes" if share <= 0.2 and redrawn == 0 else "no"))
    add(rows, (f"pages across briefs of {count:,}: drawing every page (a first build's part)",
               f"{draw_all:.1f} s for {pages:,.0f} pages ({draw_all / max(pages, 1) * 1000:.1f} ms a page)",
               "reference", ""))
    done = subprocess.run([PYTHON, "-c", MANIFEST_LOAD, str(site)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stderr)
    load = float(done.stdout.split()[0])
    size = (site / "manifest.json").stat().st_size
    add(rows, (f"manifest of {count:,} briefs: size, and time to read and check it",
                 f"{size:,} bytes ({size / count:,.0f} a brief); {load:.2f} s", "reference", ""))
    index, first = first_view_bytes(site)
    add(rows, (f"site index of {count:,} briefs: bytes the browser loads for the first view",
                 f"{first:,} bytes (index.html {index:,})", "pages or loads lazily: ≤ 500 kB",
                 "yes" if first <= 500_000 else "no"))
    if (site / "pagefind").is_dir():
        files, total, loaded = search_bytes(site)
        add(rows, (f"search of {count:,} briefs: the index on disk, and what a first query loads",
                     f"{files:,} files, {total:,} bytes; a first query ≤ {loaded:,} bytes",
                     "loads lazily: ≤ 500 kB a query", "yes" if loaded <= 500_000 else "no"))
    shard_count = count if shard_count is None else shard_count
    if shard_count:
        if shard_count != count:
            sheets = work / "scale-shards"
            generate(sheets, shard_count)
        rows.extend(shard_rows(work, sheets, shard_count))
    return rows


def shard_rows(work: Path, sheets: Path, count: int) -> list[tuple[str, str, str, str]]:
    """N = 1, 2, 4, 8 shards of `count` HTML-only briefs: each runner a process on one core, then assemble."""
    rows: list[tuple[str, str, str, str]] = []
    baseline = None
    for shards in (1, 2, 4, 8):
        folders, times, cpus = [], [], []
        for number in range(1, shards + 1):
            folder = work / f"shard-{shards}-{number}"
            seconds, cpu = timed(one_core(briefgen("build", sheets, "-o", folder, "--no-pdf", "-j", "1",
                                                   "--shard", f"{number}/{shards}")), work)
            folders.append(folder)
            times.append(seconds)
            cpus.append(cpu)
        assembled = work / f"assembled-{shards}"
        join, join_cpu = timed(one_core(briefgen("assemble", *folders, "-o", assembled)), work)
        critical = max(times) + join
        baseline = baseline or critical
        per_shard = ", ".join(f"{t:.1f}" for t in times) if shards <= 4 else \
            f"{min(times):.1f}–{max(times):.1f} (median {statistics.median(times):.1f})"
        add(rows, (f"{count:,} briefs (HTML only) as {shards} shard{'s' if shards > 1 else ''} + assemble",
                     f"shards {per_shard} s; assemble {join:.1f} s; critical path {critical:.0f} s "
                     f"= {baseline / critical:.2f} × faster than 1; CPU {sum(cpus) + join_cpu:.0f} s",
                     "reference", ""))
    return rows


ALTERNATIVE = textwrap.dedent("""
    import sys, pathlib, yaml, jinja2
    from weasyprint import HTML
    template = jinja2.Template(
        "<html><body><h1>{{ s.title }}</h1><p>{{ s.summary }}</p><ol>{% for p in points %}<li>{{ p }}</li>"
        "{% endfor %}</ol>{% for c in s.commitments or [] %}<p>{{ c.sector }}: {{ c.summary }}</p>{% endfor %}"
        "{% for x in s.sections or [] %}<h2>{{ x.heading }}</h2><p>{{ x.body }}</p>{% endfor %}</body></html>",
        autoescape=True)
    out = pathlib.Path(sys.argv[2])
    for path in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml")):
        s = yaml.safe_load(path.read_text())
        points = [p["text"] if isinstance(p, dict) else p for p in (s.get("outcomes") or s.get("talking_points") or [])]
        HTML(string=template.render(s=s, points=points)).write_pdf(out / (path.stem + ".pdf"))
""")

FLOOR = textwrap.dedent("""
    import sys, pathlib
    from weasyprint import HTML
    from briefgen.render.pdf import write_options
    folder = pathlib.Path(sys.argv[1])
    for path in sorted(folder.glob("*.html")):
        HTML(string=path.read_text(), base_url=folder.as_uri() + "/").write_pdf(**write_options())
""")

WORKER_MEMORY = textwrap.dedent("""
    import resource, sys, pathlib
    from briefgen.pipeline import plan, run
    from briefgen.records import Options
    from briefgen.theme import Theme
    planned = plan([pathlib.Path(sys.argv[1])], Options(theme=Theme.default()))
    peaks = []
    for number, job in enumerate(planned.jobs, start=1):
        run(job)
        if number in (20, len(planned.jobs)):
            peaks.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(peaks[0], peaks[-1])
""")


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    memory = ""
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    from briefgen.render.toolchain import harfbuzz_subset_available, harfbuzz_version, package_version

    subsetting = "HarfBuzz-subset" if harfbuzz_subset_available() else "fontTools (no HarfBuzz-subset)"
    return (f"{model}, {cpus} CPUs usable{memory}; Python {platform.python_version()}, WeasyPrint "
            f"{package_version('weasyprint')}, HarfBuzz {harfbuzz_version()}; fonts subset with {subsetting}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=200, help="sheets for the HTML, no-op and edit rows")
    parser.add_argument("--pdf-sheets", type=int, default=40, help="sheets for the PDF rows")
    parser.add_argument("--check-sheets", type=int, default=1000, help="sheets for the check row")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row (the median is reported)")
    parser.add_argument("--scale", type=int, default=0,
                        help="also the rows at this many sheets, and this many as 1, 2, 4 and 8 shards (e.g. 10000)")
    parser.add_argument("--scale-only", action="store_true", help="only the rows of --scale")
    parser.add_argument("--shard-sheets", type=int, default=None,
                        help="sheets for the shard rows (default: --scale; 0: no shard rows); each of the 15 "
                             "runners builds its share on one core, one after another")
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []
    cpus = len(os.sched_getaffinity(0))
    start = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.scale_only:
            rows.extend(scale_rows(work, args.scale, args.shard_sheets))
        else:
            start = default_rows(args, work, rows, cpus)
            if args.scale:
                rows.extend(scale_rows(work, args.scale, args.shard_sheets))
    print(f"Machine: {machine()}")
    runs = f"medians of {args.repeat} runs; process start (python -c pass): {start:.3f} s; " \
        if not args.scale_only else ""
    print(f"Date: {time.strftime('%Y-%m-%d')}; {runs}the rows at {args.scale:,} sheets: one run each, the no-op "
          f"the faster of two; load average {' '.join(f'{load:.1f}' for load in os.getloadavg())} at the end")
    print()
    print("| row | measured | target | met |")
    print("|---|---|---|---|")
    for name, measured, goal, met in rows:
        print(f"| {name} | {measured} | {goal} | {met} |")


def default_rows(args: argparse.Namespace, work: Path, rows: list[tuple[str, str, str, str]], cpus: int) -> float:
    """The rows at 200 and 40 sheets (check, HTML, PDF against the floor, -j, no-op, edit, memory); process start."""
    many = generate(work / "check", args.check_sheets)
    seconds = best(briefgen("check", work / "check"), work, args.repeat)
    rate = len(many) / seconds
    add(rows, (f"`check` of {len(many)} sheets, one process", f"{rate:,.0f} sheets/s ({seconds:.2f} s)",
                 "≥ 1000 sheets/s", "yes" if rate >= 1000 else "no"))

    html = generate(work / "html", args.sheets)

    def clean_html() -> None:
        shutil.rmtree(work / "html-out", ignore_errors=True)

    seconds = best(briefgen("build", work / "html", "-o", work / "html-out", "--no-pdf"), work, args.repeat,
                   clean_html)
    rate = len(html) / seconds
    add(rows, (f"HTML-only build of {len(html)}", f"{rate:,.0f} briefs/s ({seconds:.2f} s)", "≥ 200 briefs/s",
                 "yes" if rate >= 200 else "no"))

    generate(work / "pdf", args.pdf_sheets)
    (work / "alt-out").mkdir()
    (work / "alt.py").write_text(ALTERNATIVE)
    alternative = best([PYTHON, str(work / "alt.py"), str(work / "pdf"), str(work / "alt-out")], work, args.repeat)
    add(rows, (f"the obvious alternative: yaml.safe_load → Jinja → WeasyPrint, {args.pdf_sheets} sheets",
                 f"{alternative:.2f} s", "reference", ""))

    wall(briefgen("build", work / "pdf", "-o", work / "floor-html", "--no-pdf"), work)
    (work / "floor.py").write_text(FLOOR)
    floor = best([PYTHON, str(work / "floor.py"), str(work / "floor-html")], work, args.repeat)
    add(rows, (f"the floor: bare WeasyPrint on briefgen's {args.pdf_sheets} HTML files, one process",
                 f"{floor:.2f} s", "floor", ""))

    def clean_pdf() -> None:
        shutil.rmtree(work / "pdf-out", ignore_errors=True)

    one = best(briefgen("build", work / "pdf", "-o", work / "pdf-out", "-j", "1"), work, args.repeat, clean_pdf)
    add(rows, (f"`briefgen build` of {args.pdf_sheets}, -j1, from process start",
                 f"{one:.2f} s = {one / floor:.2f} × floor", "≤ 1.10 × floor",
                 "yes" if one <= 1.10 * floor else "no"))
    full = best(briefgen("build", work / "pdf", "-o", work / "pdf-out", "-j", str(cpus)), work, args.repeat,
                clean_pdf)
    add(rows, (f"`briefgen build` of {args.pdf_sheets}, -j{cpus} (all cores)",
                 f"{full:.2f} s = {one / full:.2f} × faster than -j1", "≥ 1.8 × faster on 2 cores",
                 "yes" if one / full >= 1.8 else "no"))

    site = work / "site"
    wall(briefgen("build", work / "html", "-o", site), work)
    start = best([PYTHON, "-c", "pass"], work, args.repeat)
    noop = best(briefgen("build", work / "html", "-o", site), work, args.repeat)
    add(rows, (f"no-op rebuild of {len(html)} briefs, from process start", f"{noop:.2f} s", "≤ 0.5 s",
                 "yes" if noop <= 0.5 else "no"))

    target = html[len(html) // 2]
    original = target.read_text(encoding="utf-8")
    counter = iter(range(10**6))

    def edit() -> None:
        target.write_text(original.replace('"version": "1.0"', f'"version": "1.{next(counter)}"'), encoding="utf-8")

    edited = best(briefgen("build", work / "html", "-o", site), work, args.repeat, edit)
    single = work / "single"
    single.mkdir()
    shutil.copy(target, single / target.name)
    render = best(briefgen("build", single, "-o", work / "single-out", "-j", "1"), work, args.repeat,
                  lambda: shutil.rmtree(work / "single-out", ignore_errors=True)) - start
    budget = start + 1.2 * render
    add(rows, (f"rebuild after editing one of {len(html)} sheets", f"{edited:.2f} s (budget {budget:.2f} s)",
                 "≤ process start + 1.2 × one brief's render", "yes" if edited <= budget else "no"))

    done = subprocess.run([PYTHON, "-c", WORKER_MEMORY, str(work / "html")], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stderr)
    at_20, at_end = map(float, done.stdout.split())
    add(rows, (f"peak memory of one worker over {len(html)} briefs",
                 f"{at_end:.0f} MB (at brief 20: {at_20:.0f} MB)", "≤ 250 MB, flat",
                 "yes" if at_end <= 250 and at_end - at_20 <= 0.1 * at_20 else "no"))
    return start


if __name__ == "__main__":
    main()
