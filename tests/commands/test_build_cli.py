"""`briefgen build`: outputs and the lines that report them, exit codes, atomic writes,
ownership of the output folder, the manifest and the site index, output formats."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from briefgen.publish.folder import write_atomic
from build_helpers import (
    assert_whole_files,
    briefgen_command,
    compact_sheet,
    file_identity,
    find_all,
    json_diagnostics,
    parse_html,
    pdf_reader,
    reproducible_files,
    run_cli,
    run_script,
    script_env,
    text_of,
    write_sheet,
)


def _alpha() -> dict:
    return compact_sheet("alpha", title="Alpha talks")


def _beta() -> dict:
    return compact_sheet(
        "beta",
        title="Beta summit meeting",
        classification={"level": "OFFICIAL-SENSITIVE", "scheme": "uk"},
        document__date="2025-06-11",
        meeting__date="2025-06-10",
        meeting__occasion="Summer Summit",
        meeting__venue={"name": "Castle", "city": "Edinburgh", "country": "GB"},
    )


def _broken() -> dict:
    participants = compact_sheet()["participants"]
    participants[1]["country"] = "XX"
    return compact_sheet("broken", participants=participants)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- one build of several sheets, read by many tests -------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("build")
    sheets = root / "sheets"
    write_sheet(sheets, _alpha())
    write_sheet(sheets, _beta())
    write_sheet(sheets, _broken())
    out = root / "site"
    (out / "assets").mkdir(parents=True)
    (out / "notes.txt").write_text("mine, not briefgen's\n")
    (out / "assets" / "logo.svg").write_text("<svg/>")
    (out / ".hidden").write_text("hidden")
    stat = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    time.sleep(0.01)
    ran = run_cli(["build", sheets, "-o", out])
    return {"root": root, "sheets": sheets, "out": out, "ran": ran, "mtimes": stat}


def test_an_invalid_sheet_fails_the_build_but_the_others_are_built(site) -> None:
    ran = site["ran"]
    assert ran.exit_code == 1, ran.output
    assert re.search(r"broken\.yaml:\d+:\d+: error\[unknown-country\]", ran.stdout), ran.stdout
    assert not (site["out"] / "broken.html").exists()
    assert not (site["out"] / "broken.pdf").exists()
    assert "3 fact sheets: 2 valid, 1 with errors" in ran.stdout


def test_one_line_per_built_brief_with_pages_and_paths(site) -> None:
    out = site["out"]
    lines = [line for line in site["ran"].stdout.splitlines() if line.startswith("built ")]
    assert len(lines) == 2, site["ran"].stdout
    for line, brief in zip(lines, ("alpha", "beta")):
        pages = len(pdf_reader(out / f"{brief}.pdf").pages)
        noun = "page" if pages == 1 else "pages"
        assert line == f"built {brief}: {pages} {noun} → {out / (brief + '.html')}, {out / (brief + '.pdf')}"


def test_the_outputs(site) -> None:
    out = site["out"]
    assert sorted(p.name for p in out.iterdir()) == sorted([
        ".hidden", "alpha.html", "alpha.pdf", "assets", "beta.html", "beta.pdf", "countries", "index.html",
        "manifest.json", "notes.txt", "pagefind", "people"])
    assert_whole_files(out)
    assert "Beta summit meeting" in (out / "beta.html").read_text(encoding="utf-8")
    # The title carries the banner's classification, as tabs and file managers show it.
    assert "OFFICIAL-SENSITIVE — Beta summit meeting" == pdf_reader(out / "beta.pdf").metadata["/Title"]


def test_unrelated_files_are_not_touched(site) -> None:
    out = site["out"]
    assert (out / "notes.txt").read_text() == "mine, not briefgen's\n"
    assert (out / "assets" / "logo.svg").read_text() == "<svg/>"
    for name in ("notes.txt", "assets", ".hidden"):
        assert (out / name).stat().st_mtime_ns == site["mtimes"][name], name


def test_the_manifest(site) -> None:
    out = site["out"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == "briefgen"
    briefs = {b["id"]: b for b in manifest["briefs"]}
    assert list(briefs) == ["alpha", "beta"]
    beta = briefs["beta"]
    assert beta["title"] == "Beta summit meeting"
    assert beta["kind"] == "readout"
    assert beta["meeting_date"] == "2025-06-10"
    assert beta["level"] == "OFFICIAL-SENSITIVE"
    for brief in briefs.values():
        assert set(brief["outputs"]) == {"html", "pdf"}
        for kind, output in brief["outputs"].items():
            assert output["path"] == f"{brief['id']}.{kind}"
            assert output["sha256"] == sha256_of(out / output["path"]), output


def test_the_index_lists_every_brief_newest_first(site) -> None:
    root = parse_html((site["out"] / "index.html").read_text(encoding="utf-8"))
    rows = [tr for tr in root.iter("tr") if tr.find("td") is not None]
    assert len(rows) == 2
    beta, alpha = rows  # beta's meeting (10 June) is after alpha's (1 March)
    assert text_of(find_all(beta, "span", class_="entry-title")[0]) == "Beta summit meeting"
    assert text_of(find_all(alpha, "span", class_="entry-title")[0]) == "Alpha talks"
    beta_text = text_of(beta)
    for expected in ("10 June 2025", "Summer Summit", "Castle, Edinburgh, United Kingdom", "OFFICIAL-SENSITIVE"):
        assert expected in beta_text, expected
    assert beta.find(".//time").get("datetime") == "2025-06-10"
    assert "1 March 2025" in text_of(alpha) and "Spring Talks" in text_of(alpha)
    assert text_of(find_all(alpha, "span", class_="badge")[0]) == "OFFICIAL"
    for row, brief in ((beta, "beta"), (alpha, "alpha")):
        links = {text_of(a): a.get("href") for a in find_all(row, "td", class_="formats")[0].iter("a")}
        # Each link names its target, not just the format ("HTML of Alpha talks").
        title = text_of(find_all(row, "span", class_="entry-title")[0])
        assert links == {f"HTML of {title}": f"{brief}.html", f"PDF of {title}": f"{brief}.pdf"}
    assert "broken" not in (site["out"] / "index.html").read_text(encoding="utf-8")


def test_manifest_and_index_are_deterministic(site, tmp_path: Path) -> None:
    again = tmp_path / "again"
    ran = run_cli(["build", site["sheets"], "-o", again])
    assert ran.exit_code == 1
    for name in ("index.html", "alpha.pdf", "beta.html"):
        assert (again / name).read_bytes() == (site["out"] / name).read_bytes(), name
    # The manifest too, but for the hashes of what Pagefind 1.5.2 writes in a varying order.
    assert reproducible_files(again)["manifest.json"] == reproducible_files(site["out"])["manifest.json"]


# --- exit codes ----------------------------------------------------------------------


def test_exit_0_when_everything_built(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheets", _alpha())
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--no-pdf"])
    assert ran.exit_code == 0, ran.output
    assert ran.stdout.splitlines()[-1] == "1 fact sheet: 1 valid"
    assert f"built alpha: HTML → {tmp_path / 'site' / 'alpha.html'}" in ran.stdout
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["alpha.html", "countries", "index.html",
                                                                     "manifest.json", "pagefind", "people"]


def _warned() -> dict:
    """A valid sheet with one warning: a party to a commitment that no participant is from."""
    return compact_sheet("warned", commitments=[{"sector": "Trade", "summary": "S.", "parties": ["FR", "US"]}])


def test_warnings_build_but_are_errors_under_strict(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    write_sheet(sheets, _warned())
    write_sheet(sheets, _alpha())
    lenient = run_cli(["build", sheets, "-o", tmp_path / "lenient", "--no-pdf"])
    assert lenient.exit_code == 0, lenient.output
    assert "warning[party-not-participant]" in lenient.stdout
    assert (tmp_path / "lenient" / "warned.html").exists()
    strict = run_cli(["build", sheets, "-o", tmp_path / "strict", "--no-pdf", "--strict"])
    assert strict.exit_code == 1, strict.output
    assert not (tmp_path / "strict" / "warned.html").exists()
    assert (tmp_path / "strict" / "alpha.html").exists()


def test_duplicate_ids_build_neither(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    write_sheet(sheets, compact_sheet("same", title="First"), name="one.yaml")
    write_sheet(sheets, compact_sheet("same", title="Second"), name="two.yaml")
    write_sheet(sheets, _alpha())
    ran = run_cli(["build", sheets, "-o", tmp_path / "site", "--no-pdf", "--output-format", "json"])
    assert ran.exit_code == 1
    found = [d for d in json_diagnostics(ran) if d["code"] == "duplicate-build-id"]
    assert sorted(Path(d["path"]).name for d in found) == ["one.yaml", "two.yaml"]
    assert all(d["severity"] == "error" for d in found)
    assert not (tmp_path / "site" / "same.html").exists()
    assert (tmp_path / "site" / "alpha.html").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path, _alpha())
    assert run_cli(["build", tmp_path / "missing.yaml", "-o", tmp_path / "site"]).exit_code == 2
    assert run_cli(["build", sheet, "-o", tmp_path / "site", "--no-html", "--no-pdf"]).exit_code == 2
    assert run_cli(["build", sheet, "--output-format", "xml"]).exit_code == 2
    assert not (tmp_path / "site").exists()


# --- ownership of the output folder ----------------------------------------------------------


def test_a_foreign_output_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheets", _alpha())
    out = tmp_path / "site"
    out.mkdir()
    (out / "alpha.html").write_text("my own page")
    ran = run_cli(["build", sheet, "-o", out, "--no-pdf"])
    assert ran.exit_code == 2  # a folder briefgen does not own: refused as a usage error
    assert "alpha.html exists and was not written by briefgen" in ran.stderr
    assert (out / "alpha.html").read_text() == "my own page"
    assert sorted(p.name for p in out.iterdir()) == ["alpha.html"]


def test_a_foreign_index_without_manifest_is_refused(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheets", _alpha())
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("my own index")
    ran = run_cli(["build", sheet, "-o", out, "--no-pdf"])
    assert ran.exit_code == 2  # a folder briefgen does not own: refused as a usage error
    assert "was not written by briefgen" in ran.stderr
    assert (out / "index.html").read_text() == "my own index"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


def test_a_foreign_manifest_is_refused(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheets", _alpha())
    out = tmp_path / "site"
    out.mkdir()
    (out / "manifest.json").write_text('{"name": "my web app"}')
    ran = run_cli(["build", sheet, "-o", out, "--no-pdf"])
    assert ran.exit_code == 2  # a folder briefgen does not own: refused as a usage error
    assert "manifest.json was not written by briefgen" in ran.stderr
    assert (out / "manifest.json").read_text() == '{"name": "my web app"}'


def test_no_pdf_removes_the_stale_pdf_briefgen_wrote(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    write_sheet(sheets, _alpha())
    out = tmp_path / "site"
    first = run_cli(["build", sheets, "-o", out, "--no-html"])
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in out.iterdir()) == ["alpha.pdf", "countries", "index.html", "manifest.json",
                                                     "people"]
    (out / "beta.pdf").write_text("someone else's PDF")
    second = run_cli(["build", sheets, "-o", out, "--no-pdf"])
    assert second.exit_code == 0, second.output
    assert sorted(p.name for p in out.iterdir()) == ["alpha.html", "beta.pdf", "countries", "index.html",
                                                     "manifest.json", "pagefind", "people"]
    assert (out / "beta.pdf").read_text() == "someone else's PDF"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["briefs"][0]["outputs"] == {"html": {"path": "alpha.html", "sha256": sha256_of(out / "alpha.html")}}
    index = parse_html((out / "index.html").read_text(encoding="utf-8"))
    assert [a.get("href") for a in find_all(index, "td", class_="formats")[0].iter("a")] == ["alpha.html"]


def test_briefs_built_separately_share_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    for sheet in (_alpha(), _beta()):
        ran = run_cli(["build", write_sheet(tmp_path / sheet["id"], sheet), "-o", out, "--no-pdf"])
        assert ran.exit_code == 0, ran.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert [b["id"] for b in manifest["briefs"]] == ["alpha", "beta"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("Beta summit meeting") < index.index("Alpha talks")


def test_a_manifest_cannot_make_briefgen_remove_other_files(tmp_path: Path) -> None:
    """The manifest is data on disk: an entry naming a path outside the folder makes it damaged
    (exit 2, with the value named), and nothing is removed or written."""
    sheet = write_sheet(tmp_path / "sheets", _alpha())
    out = tmp_path / "site"
    assert run_cli(["build", sheet, "-o", out, "--no-pdf"]).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / "keep.txt").write_text("keep me too")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["briefs"].append({"id": "zeta", "title": "Z", "kind": "brief", "meeting_date": "2025-01-01",
                               "cleared_to": "OFFICIAL",
                               "outputs": {"html": {"path": "../victim.txt", "sha256": "0"},
                                           "pdf": {"path": str(victim), "sha256": "0"},
                                           "txt": {"path": ".", "sha256": "0"}}})
    manifest["briefs"][0]["outputs"]["pdf"] = {"path": "keep.txt/../keep.txt", "sha256": "0"}
    (out / "manifest.json").write_text(json.dumps(manifest))
    before = _files(out)
    ran = run_cli(["build", sheet, "-o", out, "--no-pdf"])
    assert ran.exit_code == 2, ran.output
    assert "manifest.json is damaged: `briefs[0].outputs.pdf.path` must be the name of a file in the folder" \
        in ran.stderr
    assert "build into a new folder" in ran.stderr
    assert victim.read_text() == "keep me"
    assert _files(out) == before


# --- output formats ------------------------------------------------------------------


def test_json_output_is_a_list_on_stdout_from_the_installed_script(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    write_sheet(sheets, _broken())
    write_sheet(sheets, _warned())
    write_sheet(sheets, _alpha())
    ran = run_script(["build", sheets, "-o", tmp_path / "site", "--no-pdf", "--output-format", "json"])
    assert ran.exit_code == 1, ran.output
    diagnostics = json.loads(ran.stdout)  # nothing else on stdout
    assert isinstance(diagnostics, list)
    codes = {(Path(d["path"]).name, d["severity"], d["code"]) for d in diagnostics}
    assert ("broken.yaml", "error", "unknown-country") in codes
    assert ("warned.yaml", "warning", "party-not-participant") in codes
    for d in diagnostics:
        assert {"path", "line", "col", "severity", "code", "message", "hint"} <= set(d)
    assert "built alpha: HTML" in ran.stderr and "built warned: HTML" in ran.stderr
    assert (tmp_path / "site" / "alpha.html").exists()


def test_github_output_is_workflow_annotations(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    write_sheet(sheets, _broken())
    write_sheet(sheets, _warned())
    ran = run_cli(["build", sheets, "-o", tmp_path / "site", "--no-pdf", "--output-format", "github"])
    assert ran.exit_code == 1
    annotations = [line for line in ran.stdout.splitlines() if line.startswith("::")]
    assert any(re.match(r"::error file=[^,]*broken\.yaml,line=\d+,endLine=\d+,col=\d+,endColumn=\d+,title=briefgen unknown-country::", a)
               for a in annotations), annotations
    assert any(re.match(r"::warning file=[^,]*warned\.yaml,line=\d+,endLine=\d+,col=\d+,endColumn=\d+,title=briefgen party-not-participant::",
                        a) for a in annotations), annotations


# --- atomic writes -------------------------------------------------------------------


def test_write_atomic_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.write_bytes(b"old")
    write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]


def test_write_atomic_failing_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(target, "text, not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]


def test_write_atomic_onto_a_directory_fails_cleanly(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.mkdir()
    (target / "inside").write_text("x")
    with pytest.raises(OSError):
        write_atomic(target, b"data")
    assert (target / "inside").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]


_LIMITED_WRITE = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from briefgen.publish.folder import write_atomic
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    try:
        write_atomic(Path(sys.argv[1]), b"%PDF" + b"x" * 100_000)
    except OSError as exc:
        print("failed:", exc.strerror)
""")


def test_write_atomic_failing_half_way_keeps_the_old_file(tmp_path: Path) -> None:
    """A write that fails after 4 KiB (a full disk, a file size limit) leaves no trace."""
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old PDF")
    done = subprocess.run([sys.executable, "-c", _LIMITED_WRITE, str(target)], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.startswith("failed: File too large"), done.stdout + done.stderr
    assert target.read_bytes() == b"old PDF"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


# Above every output of the first build (the HTML carries its style sheets inline) and
# below those of the rebuild.
FILE_SIZE_LIMIT = 56_000


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` by its path inside it (the search index's too)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _limit_file_size() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def test_a_build_that_cannot_write_keeps_the_old_outputs(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    write_sheet(sheets, _alpha())
    out = tmp_path / "site"
    assert run_cli(["build", sheets, "-o", out]).exit_code == 0
    old = _files(out)
    # The briefs' outputs (Pagefind's code in pagefind/ is larger, and is not written again).
    briefs = {n: d for n, d in old.items() if "/" not in n}
    assert all(len(data) < FILE_SIZE_LIMIT for data in briefs.values()), {n: len(d) for n, d in briefs.items()}
    # The rebuild makes outputs larger than the process may write (a full disk, in effect).
    points = [f"Point {i}: " + "more text to make a larger file. " * 10 for i in range(80)]
    write_sheet(sheets, compact_sheet("alpha", title="Alpha talks", outcomes=points))
    done = subprocess.run([*briefgen_command(), "build", str(sheets), "-o", str(out)], env=script_env(),
                          capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "cannot write" in done.stderr and "File too large" in done.stderr
    assert str(out) in done.stderr  # the message names the file that could not be written
    assert "Traceback" not in done.stderr
    assert _files(out) == old  # no temporary file left, nothing changed
    for name in ("alpha.html", "alpha.pdf", "index.html"):
        assert (out / name).read_bytes() == old[name], name
    assert_whole_files(out)


def _killed_build(sheets: Path, out: Path, *, after: float | None = None, when_replaced: str | None = None,
                  limit: float = 60) -> int:
    """Start `briefgen build`, SIGKILL it after `after` seconds or as soon as `when_replaced` changes."""
    watched = out / when_replaced if when_replaced else None
    before = file_identity(watched) if watched else None
    process = subprocess.Popen([*briefgen_command(), "build", str(sheets), "-o", str(out)], env=script_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        while process.poll() is None and time.monotonic() - started < limit:
            if after is not None and time.monotonic() - started >= after:
                break
            if watched is not None and file_identity(watched) != before:
                break
            time.sleep(0.0005)
        process.send_signal(signal.SIGKILL)
    except ProcessLookupError:
        pass
    return process.wait()


def _versions_in(out: Path) -> set[str]:
    found = set()
    for path in out.glob("*.html"):
        if path.name != "index.html":
            match = re.search(r"<dt>Version</dt>\s*<dd>([^<]+)</dd>", path.read_text(encoding="utf-8"))
            assert match, path.name
            found.add(match[1])
    return found


def test_a_killed_build_never_leaves_a_partial_file(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    out = tmp_path / "site"
    names = ("k1", "k2")
    final_names = {"index.html", "manifest.json", "pagefind", "countries", "people",  # + the pages across briefs
                   *(f"{n}.{e}" for n in names for e in ("html", "pdf"))}

    def write_all(version: str) -> None:
        for name in names:
            write_sheet(sheets, compact_sheet(name, document__version=version))

    # Into an empty folder, killed half-way through writing: whole files or none.
    write_all("1.0")
    killed = int(_killed_build(sheets, out, when_replaced="k1.pdf") == -signal.SIGKILL)
    assert_whole_files(out)
    if killed:
        # Every file that is there is whole (above); the renames follow each other so closely
        # that the kill may land after the last of them.
        assert {p.name for p in out.iterdir() if not p.name.startswith(".")} <= final_names
    started = time.monotonic()
    complete = run_script(["build", sheets, "-o", out])
    duration = time.monotonic() - started
    assert complete.exit_code == 0, complete.output
    versions = {"1.0"}
    steps = [{"after": duration * 0.3}, {"when_replaced": "manifest.json"}, {"when_replaced": "k1.html"},
             {"when_replaced": "k2.pdf"}]
    # Rebuilds with new content, killed while rendering, and just as the manifest, an HTML
    # file or a PDF is replaced: every file is the old one or the new one, whole.
    for step, how in enumerate(steps):
        version = f"2.{step}"
        versions.add(version)
        write_all(version)
        code = _killed_build(sheets, out, **how)  # type: ignore[arg-type]
        killed += code == -signal.SIGKILL
        assert_whole_files(out)
        assert _versions_in(out) <= versions
        # pagefind/ may be missing: killed between moving the old index away and the new one in.
        assert final_names - {"pagefind"} <= {p.name for p in out.iterdir() if not p.name.startswith(".")} \
            <= final_names
    assert killed >= len(steps), "the builds finished before they could be killed: the test proves nothing"
    # Whatever the kills left behind, the next build completes and owns its files.
    final = run_cli(["build", sheets, "-o", out, "--no-pdf"])
    assert final.exit_code == 0, final.output
    manifest = json.loads((out / "manifest.json").read_text())
    for brief in manifest["briefs"]:
        for output in brief["outputs"].values():
            assert output["sha256"] == sha256_of(out / output["path"])
    assert not any((out / f"{n}.pdf").exists() for n in names)


def test_a_build_removes_temporaries_a_killed_build_left(tmp_path: Path) -> None:
    """Only names of briefgen's own temporaries (.briefgen-tmp-<16 hex>-<name>) are leftovers;
    user files that merely look temporary are never removed."""
    sheets = tmp_path / "sheets"
    write_sheet(sheets, _alpha())
    out = tmp_path / "site"
    out.mkdir()
    leftovers = [out / ".briefgen-tmp-0123456789abcdef-alpha.pdf", out / ".briefgen-tmp-fedcba9876543210-manifest.json"]
    users = [out / ".index.html.backup.tmp", out / ".alpha.pdf.k1l2e3d4.tmp", out / ".briefgen-tmp-mine-notes.txt"]
    for path in [*leftovers, *users]:
        path.write_bytes(b"half")
    assert run_cli(["build", sheets, "-o", out]).exit_code == 0
    assert not any(path.exists() for path in leftovers)
    assert all(path.read_bytes() == b"half" for path in users)
