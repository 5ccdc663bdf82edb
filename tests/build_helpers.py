"""Helpers shared by the build-stage tests (test_pdf, test_html, test_release, ...).

Fact sheets to build, the command line run in-process and as the installed script,
and readers for what a build writes: PDF pages (pypdf) and HTML documents (tinyhtml5,
the HTML5 parser WeasyPrint itself uses). Deliberately not a conftest: the check-stage
tests own tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import tinyhtml5
from click.testing import CliRunner

from briefgen.commands.main import main
from briefgen.pipeline import Built

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
EXAMPLE = ROOT / "briefs" / "g20-2025.yaml"


# --- fact sheets -----------------------------------------------------------------------


def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def edited_example(*replacements: tuple[str, str]) -> str:
    """The example's text with each (old, new) replaced once; fails when `old` is not there."""
    text = example_text()
    for old, new in replacements:
        assert old in text, f"the example no longer contains {old!r}"
        text = text.replace(old, new, 1)
    return text


_COMPACT: dict[str, Any] = {
    "format": 1,
    "kind": "readout",
    "id": "alpha",
    "title": "Alpha talks",
    "classification": {"level": "OFFICIAL", "scheme": "uk"},
    "document": {
        "date": "2025-03-02",
        "reference": "AB/01",
        "version": "2.1",
        "status": "final",
        "drafted_by": {"name": "Test Drafter", "unit": "Test Desk"},
        "cleared_by": [{"name": "Test Clearer", "unit": "Test Desk"}],
        "contact": "Test Desk, test-desk@example.org",
    },
    "meeting": {
        "date": "2025-03-01",
        "occasion": "Spring Talks",
        "format": "bilateral",
        "start": "09:15",
        "duration_minutes": 50,
        "venue": {"name": "Palais Hall", "city": "Geneva", "country": "CH"},
    },
    "participants": [
        {"name": "Anna Example", "title": "Minister of Trade", "country": "FR", "role": "principal"},
        {"name": "Ben Example", "title": "Minister of Economy", "country": "DE", "role": "principal"},
    ],
    "summary": "The ministers agreed to meet again in the autumn.",
    "outcomes": [{"text": "A working group on tariffs will report by June.", "sources": ["joint-statement"]}],
    "sources": [{"id": "joint-statement", "title": "Joint statement of the ministers", "date": "2025-03-01"}],
}


#: A classification authority block for a US classified sheet (E.O. 13526 §1.6): a final one
#: without it is invalid (`authority-block-missing`).
US_AUTHORITY: dict[str, Any] = {
    "classified_by": {"name": "Test Classifier", "title": "Director", "office": "Test Desk"},
    "reason": "1.4(d)",
    "declassify_on": "2045-03-02",
}


def compact_sheet(sheet_id: str = "alpha", **changes: Any) -> dict[str, Any]:
    """A small valid readout with Latin names only (fast to print).

    `changes` set top-level keys; a key with "__" sets a nested one
    (document__status="draft" sets document.status).
    """
    sheet = copy.deepcopy(_COMPACT)
    sheet["id"] = sheet_id
    for key, value in changes.items():
        *parents, last = key.split("__")
        target = sheet
        for parent in parents:
            target = target[parent]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return sheet


def cited(*texts: str) -> list[dict[str, Any]]:
    """Outcomes for `compact_sheet`, each citing its source (so that `--strict` finds no `uncited`)."""
    return [{"text": text, "sources": ["joint-statement"]} for text in texts]


def write_sheet(folder: Path, sheet: dict[str, Any] | str, name: str | None = None) -> Path:
    """Write a fact sheet (a dict is written as JSON, which is also YAML) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(sheet, dict):
        text = json.dumps(sheet, ensure_ascii=False, indent=2) + "\n"
        name = name or f"{sheet['id']}.yaml"
    else:
        text = sheet
        name = name or "sheet.yaml"
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- running the command line --------------------------------------------------------


@dataclass
class Ran:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@contextlib.contextmanager
def working_directory(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    saved = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(saved)


def run_cli(args: Sequence[Any], cwd: Path | None = None) -> Ran:
    """`briefgen ARGS` in this process (click's CliRunner), optionally from another directory."""
    with working_directory(cwd):
        result = CliRunner().invoke(main, [str(a) for a in args], env={"NO_COLOR": "1"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def briefgen_command() -> list[str]:
    """The `briefgen` script installed beside the interpreter running the tests.

    Never whichever `briefgen` is first on PATH: the tests check the package installed
    in this interpreter. Its absence is a broken install, not a skip.
    """
    folder = Path(sys.executable).parent
    for name in ("briefgen", "briefgen.exe"):
        if (folder / name).is_file():
            return [str(folder / name)]
    raise AssertionError(f"no briefgen script beside {sys.executable}: install the package (pip install -e .)")


def script_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR",)}
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def build_in_subprocess(cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m briefgen build ARGS` in `cwd`, by the interpreter running the tests: the one
    helper for tests that need a build in a process of its own (a pool, a project folder)."""
    return subprocess.run([sys.executable, "-m", "briefgen", "build", *args], cwd=cwd, env=script_env(),
                          capture_output=True, text=True, timeout=timeout)


def run_script(args: Sequence[Any], cwd: Path | None = None, env: dict[str, str] | None = None,
               timeout: float = 120) -> Ran:
    """The installed `briefgen` script in a subprocess."""
    done = subprocess.run([*briefgen_command(), *map(str, args)], cwd=cwd, env=env or script_env(),
                          capture_output=True, text=True, timeout=timeout)
    return Ran(done.returncode, done.stdout, done.stderr)


def json_diagnostics(ran: Ran) -> list[dict[str, Any]]:
    data = json.loads(ran.stdout)
    assert isinstance(data, list)
    return data


# --- reading PDFs --------------------------------------------------------------------


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces (PDF text extraction breaks lines anywhere)."""
    return re.sub(r"\s+", " ", text).strip()


def pdf_reader(path: Path | bytes) -> pypdf.PdfReader:
    if isinstance(path, bytes):
        import io

        return pypdf.PdfReader(io.BytesIO(path))
    return pypdf.PdfReader(path)


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def pdftotext(path: Path, layout: bool = False) -> str:
    """What poppler's `pdftotext` reads from a PDF (with `-layout`: in columns, as printed).

    Another reader than pypdf, and the one copy-paste and many indexers use. Without
    poppler-utils the test skips, except under CI, where it fails.
    """
    import shutil

    import pytest

    tool = shutil.which("pdftotext")
    if tool is None:
        reason = "pdftotext (poppler-utils) is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
        pytest.skip(reason)
    args = [tool, *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def placed_text(page: pypdf.PageObject) -> list[tuple[str, float, float]]:
    """(text, x, y) of each run of text on `page`, in PDF points from the bottom left."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: Any) -> None:
        if not text.strip():
            return
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        found.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    return found


def outline_titles(reader: pypdf.PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item.title))

    walk(reader.outline)
    return titles


def page_fonts(page: pypdf.PageObject) -> set[str]:
    """The /BaseFont names of the fonts a page uses, subset prefixes removed."""
    names: set[str] = set()
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    for ref in (fonts.get_object().values() if fonts is not None else []):
        font = ref.get_object()
        for candidate in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
            base = candidate.get("/BaseFont")
            if base is not None:
                names.add(str(base).lstrip("/").split("+", 1)[-1])
    return names


def image_count(reader: pypdf.PdfReader) -> int:
    """Image XObjects anywhere in the file (page images, and those in patterns: CSS backgrounds)."""
    count = 0
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free entry of the cross-reference table
            continue
        if isinstance(obj, pypdf.generic.DictionaryObject) and obj.get("/Subtype") == "/Image":
            count += 1
    return count


def first_image_colour(pdf: Path | bytes) -> tuple[int, ...]:
    """The colour of the top-left pixel of the first image in the PDF (see solid_png)."""
    for page in pdf_reader(pdf).pages:
        for image in page.images:
            colour = image.image.convert("RGB").getpixel((0, 0))
            assert isinstance(colour, tuple)
            return colour
    raise AssertionError("no image in the PDF")


def solid_png(rgb: tuple[int, int, int], size: int = 4) -> bytes:
    """A small PNG of one colour: a logo whose edits a test can see in the PDF."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def pdf_strings(reader: pypdf.PdfReader) -> str:
    """Everything a reader can see besides page text: metadata and bookmark titles."""
    meta = reader.metadata or {}
    return "\n".join([*(str(v) for v in meta.values()), *outline_titles(reader)])


# --- reading HTML --------------------------------------------------------------------


def parse_html(text: str) -> ET.Element:
    """The document tree as an HTML5 browser builds it (tags without namespaces)."""
    return tinyhtml5.parse(text, namespace_html_elements=False)


def text_of(element: ET.Element) -> str:
    return squash("".join(element.itertext()))


def find_all(root: ET.Element, tag: str, **attrs: str) -> list[ET.Element]:
    """Elements named `tag` whose attributes include `attrs` (class_ matches one class)."""
    found = []
    for element in root.iter(tag):
        ok = True
        for name, value in attrs.items():
            if name == "class_":
                ok = ok and value in (element.get("class") or "").split()
            else:
                ok = ok and element.get(name) == value
        if ok:
            found.append(element)
    return found


def visible_text(root: ET.Element) -> str:
    """The text of the body without <style> and <script> contents."""
    parts: list[str] = []

    def walk(element: ET.Element) -> None:
        if element.tag in ("style", "script"):
            if element.tail:
                parts.append(element.tail)
            return
        if element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
        if element.tail:
            parts.append(element.tail)

    body = root.find("body")
    assert body is not None
    walk(body)
    return squash("".join(parts))


def build_in_process(sheets: Sequence[Path], out: Path, **options: Any) -> Built:
    """`pipeline.build` in this process, HTML only unless `pdf=True`: the one helper for tests of
    what a build decides (what it renders, reuses, publishes) without a process per build.
    `force`, `workers`, `progress` and `notify` go to the build; the rest are Options."""
    from briefgen.pipeline import build
    from briefgen.records import Options
    from briefgen.theme import Theme

    run_options = {name: options.pop(name) for name in ("force", "workers", "progress", "notify") if name in options}
    options.setdefault("pdf", False)
    options.setdefault("theme", Theme.default())
    return build(list(sheets), Options(**options), out, workers=run_options.pop("workers", 1), timeout=120,
                 **run_options)


# --- what a build leaves in its folder -------------------------------------------------


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_whole_files(folder: Path) -> None:
    """No file at a final path is a part of one (the pages across briefs, in their folders, too)."""
    crossing = [p for kind in ("countries", "frameworks", "people", "commitments") if (folder / kind).is_dir()
                for p in (folder / kind).iterdir()]
    for path in [*folder.iterdir(), *crossing]:
        if path.name.startswith(".") or path.is_dir():
            continue  # a temporary file left by a killed process is never at a final path
        data = path.read_bytes()
        if path.suffix == ".pdf":
            assert data.rstrip().endswith(b"%%EOF"), path.name
            assert len(pdf_reader(path).pages) >= 1, path.name
        elif path.suffix == ".html":
            assert data.endswith(b"</html>\n"), path.name
        elif path.name == "manifest.json":
            assert json.loads(data)["generator"] == "briefgen"


def assert_consistent(out: Path) -> dict[str, Any]:
    """The manifest describes the folder exactly: every listed file has its hash, and besides the
    index, the manifest and files it says were left alone, no other visible file is briefgen's;
    no temporary or journal is left."""
    from briefgen.publish.manifest import JOURNAL

    manifest: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {"manifest.json"}
    for brief in manifest["briefs"]:
        for output in brief["outputs"].values():
            assert output["sha256"] == sha256_of(out / output["path"]), output
            listed.add(output["path"])
    if "index" in manifest:
        assert manifest["index"]["sha256"] == sha256_of(out / "index.html")
        listed.add("index.html")
    for page in manifest.get("index_pages", []):
        assert page["sha256"] == sha256_of(out / page["path"]), page
        listed.add(page["path"])
    for page in manifest.get("cross_pages", []):  # the pages across briefs: countries/IN.html…
        assert page["sha256"] == sha256_of(out / page["path"]), page
        listed.add(page["path"])
    crossing = {p.relative_to(out).as_posix() for kind in ("countries", "frameworks", "people", "commitments")
                for p in (out / kind).glob("*") if (out / kind).is_dir()}
    assert crossing <= listed | set(manifest.get("left_alone", [])), crossing - listed
    # Every page of the index in the folder is listed (or was left alone), and none is missing.
    pages = {p.name for p in out.glob("index-*.html")}
    assert pages <= listed | set(manifest.get("left_alone", [])), pages - listed
    if "search" in manifest:  # the search index: exactly the files recorded, with their hashes
        bundle = out / "pagefind"
        on_disk = {p.relative_to(bundle).as_posix(): sha256_of(p) for p in bundle.rglob("*") if p.is_file()}
        assert on_disk == manifest["search"]["files"]
        listed.add("pagefind")
    leftovers = [p.name for p in [*out.iterdir(), *out.glob("*/.briefgen-*")]
                 if p.name.startswith(".briefgen-") or p.name == JOURNAL]
    assert not leftovers, leftovers
    return manifest


_SEARCH_BOX = re.compile(r'<div class="site-search" id="site-search".*?<script type="module">\n(.*?)</script>\n', re.S)


def strip_search_box(html: str) -> str:
    """`html` without the site search's box and script (partials/_search.html), which every published page
    carries once: what the security tests then read is what the sheet could have put there. Fails unless
    the page has exactly one, whose script is exactly the packaged one."""
    found = list(_SEARCH_BOX.finditer(html))
    assert len(found) == 1, f"{len(found)} search boxes"
    script = (ROOT / "templates" / "partials" / "_search_script.js").read_text(encoding="utf-8")
    assert found[0].group(1).strip() == script.strip()
    return html[:found[0].start()] + html[found[0].end():]


def decompressed(path: Path) -> bytes:
    """A file's bytes, gunzipped when they are gzip (Pagefind's fragments, indexes, filters, meta and wasm are)."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def every_file(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (path inside it → bytes, decompressed), the search index's included."""
    return {p.relative_to(folder).as_posix(): decompressed(p) for p in sorted(folder.rglob("*")) if p.is_file()}


#: Pagefind's own code in a site's search index: the same bytes on every site (no sheet's text is in them),
#: and binary, where a short byte string such as b"KP" can occur by chance.
PAGEFIND_CODE = re.compile(r"pagefind/(wasm\.[^/]*\.pagefind|pagefind\.js|pagefind-worker\.js)")


def site_content(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` that is made from the sheets (`every_file` without Pagefind's code)."""
    return {name: data for name, data in every_file(folder).items() if not PAGEFIND_CODE.fullmatch(name)}


#: What Pagefind 1.5.2 writes in a hash map's order, which changes from run to run: its filter indexes, the
#: meta file that names them, and the entry file that names the meta file by its hash. The pages' fragments
#: and the word indexes are the same bytes every time (Pagefind/pagefind#638, fixed in 1.3.0 for fragments;
#: the rest by Pagefind/pagefind#1124, in no release yet). See docs/outputs.md, "Search".
UNSTABLE_SEARCH_FILES = re.compile(r"filter/.*\.pf_filter|pagefind\..*\.pf_meta|pagefind-entry\.json")


def reproducible_files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` that two builds of the same sheets must give byte for byte: all but the
    search index's unstable files (UNSTABLE_SEARCH_FILES), whose hashes the manifest's `search` lists."""
    files: dict[str, bytes] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name, data = path.relative_to(folder).as_posix(), path.read_bytes()
        inside = name.removeprefix("pagefind/")
        if inside != name and UNSTABLE_SEARCH_FILES.fullmatch(inside):
            continue
        if name == "manifest.json":
            manifest = json.loads(data)
            if "search" in manifest:
                manifest["search"]["files"] = {k: v for k, v in manifest["search"]["files"].items()
                                               if not UNSTABLE_SEARCH_FILES.fullmatch(k)}
            data = json.dumps(manifest, sort_keys=True).encode("utf-8")
        files[name] = data
    return files


def file_identity(path: Path) -> tuple[int, int] | None:
    """A file's inode and modification time, or None when it is not there: what a replacement changes."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def html_of(sheet: Any, cleared_to: str | None = None, theme: Any = None) -> str:
    """A FactSheet rendered in this process: release (for `cleared_to`, a level) → view → HTML."""
    from briefgen.release.audience import shorthand
    from briefgen.release.cut import release
    from briefgen.render.templates import render_html
    from briefgen.render.view import brief_view
    from briefgen.theme import Theme

    return render_html(brief_view(release(sheet, shorthand(cleared_to) if cleared_to else None)),
                       theme or Theme.default())
