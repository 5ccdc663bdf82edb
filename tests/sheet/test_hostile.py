"""Hostile fact sheets, checked and built through the real command line.

tests/hostile/sheets holds the committed corpus (made by tests/hostile/make_corpus.py);
tests/hostile/expected.json gives each file's outcome: the error code and line that
`check` must report, or "clean". Inputs that are large, or that only exist at run time
(symlinks, FIFOs, unreadable folders), are made here. Every run must end in exit 0 or 1,
never 3 (an internal error), and within a bounded time; the times are printed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tinyhtml5  # type: ignore[import-untyped]

from build_helpers import strip_search_box

TESTS = Path(__file__).resolve().parents[1]
HOSTILE = TESTS / "hostile"
SHEETS = HOSTILE / "sheets"
EXPECTED: dict[str, Any] = json.loads((HOSTILE / "expected.json").read_text(encoding="utf-8"))
BASE = (TESTS / "data" / "rules" / "valid.yaml").read_text(encoding="utf-8")
SRC = str(TESTS.parent / "src")
#: A secret in the environment of every run: no output may ever show it.
SECRET = "hostile-secret-4f1d2c"
#: Generous bounds (CI machines are slow and shared); the measured times are printed.
CHECK_SECONDS = 20
BUILD_SECONDS = 120
#: Diagnostic output of one file, in bytes: 50 diagnostics of bounded length.
MAX_OUTPUT = 100_000


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str
    seconds: float


def briefgen(*args: str, cwd: Path | None = None, timeout: float = 300) -> Ran:
    env = {**os.environ, "PYTHONPATH": SRC, "BRIEFGEN_TEST_SECRET": SECRET, "NO_COLOR": "1"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "briefgen", *args], check=False, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=timeout, errors="replace")
    return Ran(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


def diagnostics(ran: Ran) -> list[dict[str, Any]]:
    assert ran.code in (0, 1), f"exit {ran.code}: {ran.stderr[-2000:]}"
    found: list[dict[str, Any]] = json.loads(ran.stdout)
    return found


#: BRIEFGEN_LONG_FUZZ=1 also checks every corpus file in a process of its own.
LONG = os.environ.get("BRIEFGEN_LONG_FUZZ") == "1"


@dataclass(frozen=True)
class CorpusRun:
    """The whole corpus checked in one run per output format, and each file's own check time."""

    as_json: Ran
    as_text: Ran
    by_file: dict[str, list[dict[str, Any]]]
    seconds: dict[str, float]


@pytest.fixture(scope="module")
def corpus() -> CorpusRun:
    from briefgen.sheet.sources import load_fact_sheet

    as_json = briefgen("check", "--output-format", "json", str(SHEETS))
    as_text = briefgen("check", str(SHEETS))
    by_file: dict[str, list[dict[str, Any]]] = {name: [] for name in EXPECTED}
    for found in diagnostics(as_json):
        by_file.setdefault(Path(found["path"]).name, []).append(found)
    seconds = {}
    for name in EXPECTED:
        started = time.perf_counter()
        load_fact_sheet(SHEETS / name)
        seconds[name] = time.perf_counter() - started
    slowest = sorted(seconds.items(), key=lambda item: -item[1])[:5]
    print(f"\ncorpus: {len(EXPECTED)} files, check (one CLI run) {as_json.seconds:.1f}s; slowest in-process: "
          + ", ".join(f"{name} {time_:.3f}s" for name, time_ in slowest))
    return CorpusRun(as_json, as_text, by_file, seconds)


def test_the_corpus_and_the_table_agree() -> None:
    on_disk = {path.name for path in SHEETS.glob("*.yaml")}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) > 150


def test_the_corpus_run_ends_in_exit_1_with_bounded_text(corpus: CorpusRun) -> None:
    assert corpus.as_json.code == 1 and corpus.as_text.code == 1
    # What reaches a terminal: no control character but line breaks, nothing forged.
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]", corpus.as_text.stdout)
    assert not any(line.startswith("sheet.yaml:1:1:") for line in corpus.as_text.stdout.splitlines())
    assert "\\x1b]0;pwned\\x07" in corpus.as_text.stdout  # shown escaped
    assert len(corpus.as_text.stdout.encode("utf-8")) < MAX_OUTPUT * len(EXPECTED) // 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_sheet(corpus: CorpusRun, name: str) -> None:
    found = corpus.by_file[name]
    assert corpus.seconds[name] < CHECK_SECONDS
    expected = EXPECTED[name]
    errors = [d for d in found if d["severity"] == "error"]
    if expected == "clean":
        assert errors == [], errors
    else:
        assert any(d["code"] == expected["code"] and d["line"] == expected["line"] for d in errors), errors
    lines = (SHEETS / name).read_bytes().count(b"\n") + 2
    for d in found:
        assert 1 <= d["line"] <= lines and d["col"] >= 1
        assert len(d["message"]) <= 400 and len(d["hint"] or "") <= 400
    if LONG:
        alone = briefgen("check", "--output-format", "json", str(SHEETS / name))
        assert alone.code == (0 if expected == "clean" else 1)
        assert alone.seconds < CHECK_SECONDS


# --- made at run time ---------------------------------------------------------------------


def _sheet(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _codes(ran: Ran) -> list[tuple[str, str, int]]:
    return [(Path(d["path"]).name, d["code"], d["line"]) for d in diagnostics(ran)]


def _all_formats(target: Path) -> Iterator[Ran]:
    for output_format in ("text", "json", "github"):
        yield briefgen("check", "--output-format", output_format, str(target))


def test_a_symlink_out_of_the_folder_is_refused_and_not_shown(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    _sheet(briefs, "good.yaml", BASE)
    (briefs / "passwd.yaml").symlink_to("/etc/passwd")
    (briefs / "environ.yaml").symlink_to("/proc/self/environ")
    for ran in _all_formats(briefs):
        assert ran.code == 1
        assert SECRET not in ran.stdout + ran.stderr
        assert "root:" not in ran.stdout
    ran = briefgen("check", "--output-format", "json", str(briefs))
    found = _codes(ran)
    assert ("passwd.yaml", "outside-paths", 1) in found and ("environ.yaml", "outside-paths", 1) in found
    out = tmp_path / "site"
    built = briefgen("build", "--no-pdf", "-o", str(out), str(briefs))
    assert built.code == 1 and SECRET not in built.stdout + built.stderr
    assert all(SECRET not in p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())


def test_a_symlinked_folder_out_of_the_paths_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _sheet(outside, "secret.yaml", BASE.replace("title: Test bilateral meeting", f"title: {SECRET}"))
    briefs = tmp_path / "briefs"
    _sheet(briefs, "good.yaml", BASE)
    (briefs / "linked").symlink_to(outside, target_is_directory=True)
    ran = briefgen("check", "--output-format", "json", str(briefs))
    assert ("linked", "outside-paths", 1) in _codes(ran)
    assert SECRET not in ran.stdout


def test_a_symlink_inside_the_folder_is_read_once(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    _sheet(briefs, "good.yaml", BASE)
    (briefs / "alias.yaml").symlink_to(briefs / "good.yaml")
    ran = briefgen("check", str(briefs))
    assert ran.code == 0, ran.stdout


def test_a_fifo_does_not_hang_check(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    _sheet(briefs, "good.yaml", BASE)
    os.mkfifo(briefs / "x.yaml")
    ran = briefgen("check", "--output-format", "json", str(briefs), timeout=60)
    assert ("x.yaml", "unreadable", 1) in _codes(ran)
    named = briefgen("check", "--output-format", "json", str(briefs / "x.yaml"), timeout=60)
    assert ("x.yaml", "unreadable", 1) in _codes(named)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_folder_is_reported(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    _sheet(briefs, "good.yaml", BASE)
    locked = briefs / "locked"
    _sheet(locked, "hidden.yaml", BASE)
    locked.chmod(0)
    try:
        ran = briefgen("check", "--output-format", "json", str(briefs))
        assert ("locked", "unreadable", 1) in _codes(ran)
        assert ran.code == 1
    finally:
        locked.chmod(0o755)


def _many(lines: Iterator[str]) -> str:
    return "".join(lines)


def _commitments(parties: str, sources: str) -> str:
    one = ("  - sector: S\n    summary: s\n    parties: [" + parties + "]\n    sources: [" + sources + "]\n")
    return "commitments:\n" + one * 200


GENERATED: dict[str, tuple[str | bytes, str, int]] = {
    # name: (content, expected code, expected line)
    "over-1-mib.yaml": (BASE + "# " + "x" * (1024 * 1024) + "\n", "file-too-large", 1),
    "talking-points-99000.yaml": (BASE.replace("  - The first point.\n", "".join("  - p\n" for _ in range(99_000))),
                                  "too-many-items", 245),
    "invalid-countries-40000.yaml": (BASE.split("commitments:\n")[0] + _commitments(", ".join(["XX"] * 200), "report-1")
                                     + "sources:\n  - id: report-1\n    title: t\n", "unknown-country", 41),
    "unknown-sources-40000.yaml": (BASE.split("commitments:\n")[0] + _commitments("JP", ", ".join(f"s{i}" for i in range(200)))
                                   + "sources:\n  - id: report-1\n    title: t\n", "unknown-source", 42),
    "escapes-1-mib.yaml": (BASE.replace("  - The first point.\n", "".join(
        '  - "' + "\\e]0;x\\a" * 600 + '"\n' for _ in range(199))), "control-character", 45),
    "prose-1-mb.yaml": (BASE.replace("  - The first point.\n", "".join(
        "  - " + ("lorem ipsum dolor sit amet " * 190)[:5000] + "\n" for _ in range(199))), "too-much-text", 84),
    "brackets-everywhere.yaml": (BASE.replace("  - The first point.\n", "".join(
        '  - "' + "[" * 190 + '"\n' for _ in range(199))), "clean", 0),
}


def test_generated_hostile_sheets(tmp_path: Path) -> None:
    from briefgen.sheet.sources import load_fact_sheet

    for name, (content, _, _) in GENERATED.items():
        _sheet(tmp_path, name, content)
    ran = briefgen("check", "--output-format", "json", str(tmp_path))
    text = briefgen("check", str(tmp_path / "escapes-1-mib.yaml"))  # what a terminal would get
    print(f"\ngenerated: {len(GENERATED)} files, one CLI check {ran.seconds:.2f}s")
    found = diagnostics(ran)
    assert ran.seconds < CHECK_SECONDS * len(GENERATED)
    assert len(text.stdout.encode("utf-8")) < MAX_OUTPUT
    assert "\x1b" not in text.stdout and "\x07" not in text.stdout
    for name, (_, code, line) in GENERATED.items():
        started = time.perf_counter()
        load_fact_sheet(tmp_path / name)
        seconds = time.perf_counter() - started
        print(f"  {name}: {(tmp_path / name).stat().st_size:,} bytes, check {seconds:.2f}s")
        assert seconds < CHECK_SECONDS
        mine = [d for d in found if Path(d["path"]).name == name]
        if code == "clean":
            assert [d for d in mine if d["severity"] == "error"] == []
        else:
            assert any(d["code"] == code and d["line"] == line for d in mine), mine[:3]


# --- building the clean ones --------------------------------------------------------------


def _elements(document: Any) -> Iterator[Any]:
    yield from document.iter()


def test_clean_hostile_sheets_build_to_safe_html(tmp_path: Path) -> None:
    """Script, iframes, javascript:/data: links, file:/http: images and Jinja in every field stay text."""
    briefs = tmp_path / "briefs"
    clean = [name for name, outcome in sorted(EXPECTED.items()) if outcome == "clean"]
    for name in clean:
        _sheet(briefs, name, (SHEETS / name).read_bytes())
    # Text that costs the most to render and to check glyphs for.
    ideographs = "".join(chr(0x4E00 + i) for i in range(23_000))
    _sheet(briefs, "ideographs.yaml", BASE.replace("id: rules-base\n", "").replace("  - The first point.\n", "".join(
        f"  - {ideographs[i:i + 120]}\n" for i in range(0, 23_000, 120))))
    unassigned = "".join(chr(c) for c in range(0x40000, 0x40000 + 3000))  # plane 4: unassigned, no font
    _sheet(briefs, "unassigned.yaml", BASE.replace("id: rules-base\n", "").replace(
        "  - The first point.\n", "".join(f"  - x{unassigned[i:i + 100]}\n" for i in range(0, 3000, 100))))
    out = tmp_path / "site"
    built = briefgen("build", "--no-pdf", "--output-format", "json", "-o", str(out), str(briefs), timeout=600)
    print(f"\nbuilt {len(clean) + 2} hostile sheets (HTML) in {built.seconds:.1f}s")
    assert built.code == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert built.seconds < BUILD_SECONDS * 2
    pages = sorted(out.glob("*.html"))
    index_pages = {"index.html", *(f"index-{n}.html" for n in range(2, 10))}
    # 100 briefs a page (render/site_index.py): index.html and index-2.html.
    assert len(pages) == len(clean) + 2 + -(-(len(clean) + 2) // 100)
    # The site index carries briefgen's own filter script, and nothing else may run.
    own_script = (TESTS.parent / "templates" / "partials" / "_index_script.js").read_text(encoding="utf-8").strip()
    for page in pages:
        html = strip_search_box(page.read_text(encoding="utf-8"))  # every page's own search box apart
        document = tinyhtml5.parse(html)
        for element in _elements(document):
            tag = str(element.tag).rsplit("}", 1)[-1]
            if tag == "script" and page.name in index_pages and (element.text or "").strip() == own_script:
                continue
            assert tag not in ("script", "iframe", "object", "embed", "svg", "img"), (page.name, tag)
            for attribute, value in element.attrib.items():
                assert not str(attribute).lower().startswith("on"), (page.name, attribute)
                if attribute in ("href", "src"):
                    assert not re.match(r"\s*(javascript|data|file|vbscript):", value, re.IGNORECASE), (page.name, value)
                    assert not re.match(r"\s*(https?:)?//", value) or attribute == "href", (page.name, value)
        if page.name.startswith("jinja-"):
            assert "{{ 7*7 }}" in html and ">49<" not in html, page.name
    glyphs = [d for d in json.loads(built.stdout) if d["code"] == "missing-glyphs"]
    assert any(Path(d["path"]).name == "unassigned.yaml" for d in glyphs)


# --- the rules behind the corpus, one at a time ------------------------------------------------


def test_a_long_source_line_is_shown_as_a_bounded_excerpt() -> None:
    from briefgen.report.diagnostics import Diagnostic, Span, format_text

    line = "title: " + "x" * 5000 + "HERE" + "y" * 5000
    diagnostic = Diagnostic.at("s.yaml", Span(1, 5008, 1, 5012), "error", "code", "message")
    shown = format_text(diagnostic, [line]).splitlines()
    assert all(len(row) < 260 for row in shown)
    source, caret = shown[2], shown[3]
    assert source[caret.index("^"):].startswith("HERE") or "HERE" in source[caret.index("^") - 1:]


def test_ids_are_matched_whole_and_briefgen_names_are_reserved() -> None:
    from briefgen.sheet.ids import is_valid_id

    assert is_valid_id("g20-2025")
    for bad in ("nl\n", "index", "manifest", "briefgen-lock", "../x", "a--b", ""):
        assert not is_valid_id(bad), bad


def test_glyphs_are_checked_against_one_union_charset() -> None:
    from briefgen.render.fonts import installed_charset, parse_charsets, uncovered

    charset = parse_charsets("20-7e a0-17f\n41-5a 4e00-4e02\nzz 1f600\n")
    assert "a" in charset and "\u4e01" in charset and "\U0001f600" in charset
    assert "\u4e03" not in charset and "\u0180" not in charset
    installed_charset.cache_clear()
    started = time.perf_counter()
    uncovered(chr(0x40000 + i) for i in range(3000))
    uncovered(chr(0x4E00 + i) for i in range(20000))
    assert time.perf_counter() - started < 5
    assert installed_charset.cache_info().misses == 1  # fontconfig asked once


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped(tmp_path: Path) -> None:
    """A folder os.walk cannot list (here: its path is over PATH_MAX, which fails even for root)."""
    briefs = tmp_path / "briefs"
    _sheet(briefs, "good.yaml", BASE)
    fd = os.open(briefs, os.O_RDONLY)
    try:
        for _ in range(25):  # 25 x 200 characters: past Linux's PATH_MAX of 4096
            os.mkdir("d" * 200, dir_fd=fd)
            inner = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    ran = briefgen("check", "--output-format", "json", str(briefs))
    assert ran.code == 1
    assert any(code == "unreadable" for _, code, _ in _codes(ran))


PROSE = ("lorem ipsum dolor sit amet consectetur " * 140)[:5000]


@pytest.mark.skipif(not LONG, reason="builds an 80-page PDF: BRIEFGEN_LONG_FUZZ=1")
def test_the_largest_sheet_that_passes_check_builds_in_bounds(tmp_path: Path) -> None:
    from briefgen.sheet.validate import MAX_SHEET_TEXT

    count = MAX_SHEET_TEXT // len(PROSE) - 1
    path = _sheet(tmp_path, "largest.yaml", BASE.replace("  - The first point.\n", "".join(
        f"  - {PROSE}\n" for _ in range(count))))
    assert briefgen("check", str(path)).code == 0
    built = briefgen("build", "-o", str(tmp_path / "site"), str(path), timeout=600)
    print(f"\nlargest valid sheet ({path.stat().st_size:,} bytes): build with PDF {built.seconds:.1f}s")
    assert built.code == 0 and built.seconds < 60
