"""The preview server without a browser: what it answers, to whom, under load, and how it stops.

Each test starts the real `python -m briefgen serve` on a free loopback port over a
temporary copy of the example (tests/serve_helpers.py).
"""

from __future__ import annotations

import concurrent.futures
import html
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pypdf
import pytest

from briefgen.preview.http import host_allowed
from briefgen.preview.pages import editor_url
from briefgen.preview.sourcemarks import annotate, locator_for
from briefgen.report.diagnostics import Span
from briefgen.sheet.marks import SourceMap
from build_helpers import first_image_colour, solid_png, strip_search_box
from serve_helpers import (
    SHEET_ID,
    Server,
    example_text,
    get_raw,
    make_project,
    raw_request,
    sensitive_example,
    start_server,
    withheld_sheet,
    write_atomically,
)

PREVIEW_BLOCK = re.compile(r"\n<!-- briefgen preview: not part of the published brief -->.*?(?=</body>)", re.S)
SRC_ATTRIBUTES = re.compile(r' data-src-line="\d+" data-src-col="\d+"')


# --- pure parts ------------------------------------------------------------------------


@pytest.mark.parametrize("header, allowed", [
    ("localhost", True), ("localhost:8000", True), ("127.0.0.1", True), ("127.0.0.1:8000", True),
    ("[::1]", True), ("[::1]:8000", True), ("LOCALHOST:8000", True),
    ("evil.example", False), ("evil.example:8000", False), ("localhost.evil.example", False),
    ("127.0.0.1.nip.io", False), ("localhost:8001", False), ("", False), (None, False),
])
def test_host_allowed_names_only_loopback(header: str | None, allowed: bool) -> None:
    assert host_allowed(header, "127.0.0.1", 8000) is allowed


def test_editor_url_fills_the_path_and_leaves_line_and_column() -> None:
    path = Path("/home/analyst/briefs/g20 2025.yaml")
    assert editor_url("vscode://file/{path}:{line}:{column}", path) == \
        "vscode://file/home/analyst/briefs/g20%202025.yaml:{line}:{column}"
    assert editor_url("idea://open?file={path}&line={line}", path) == \
        "idea://open?file=/home/analyst/briefs/g20%202025.yaml&line={line}"


def test_annotate_marks_the_innermost_element_and_markdown_starts() -> None:
    marks = SourceMap(values={("title",): Span(3, 8), ("body",): Span(9, 5), ("name",): Span(12, 11)})
    data = {"title": "Talks  on\nfisheries", "body": "First *paragraph* here, long enough.\n\nSecond one.",
            "name": "Ingrid Example"}
    html = ("<html><head><title>Talks on fisheries</title></head><body><h1>Talks on fisheries</h1>"
            "<div class=b><p>First <em>paragraph</em> here, long enough.</p><p>Second one.</p></div>"
            "<td><span class=person>Ingrid Example</span><br/></td></body></html>")
    out = annotate(html, locator_for(data, marks))
    assert '<h1 data-src-line="3" data-src-col="8">' in out
    assert '<p data-src-line="9" data-src-col="5">First' in out
    assert '<div class=b>' in out  # the paragraph inside holds the location
    assert '<span class=person data-src-line="12" data-src-col="11">' in out
    assert "<title>Talks on fisheries</title>" in out  # the head is not the brief


def test_annotate_sees_through_typography_and_paragraph_numbers() -> None:
    marks = SourceMap(values={("occasion",): Span(4, 13), ("summary",): Span(7, 3)})
    data = {"occasion": "G20 Leaders' Summit -- Johannesburg", "summary": "The ministers agreed -- at last."}
    html = ("<body><p>G20 Leaders’ Summit – Johannesburg</p>"
            '<p><span class="para-no">12.</span> (OS) The ministers agreed – at last.</p></body>')
    out = annotate(html, locator_for(data, marks))
    assert '<p data-src-line="4" data-src-col="13">G20' in out
    assert '<p data-src-line="7" data-src-col="3"><span class="para-no">' in out


# --- what it serves ----------------------------------------------------------------------


def test_home_page_lists_the_sheet(server: Server) -> None:
    page = server.text("/")
    assert "Japan–India bilateral meeting at the G20 Leaders&#x27; Summit" in page
    assert "2025-11-23" in page and "OFFICIAL" in page
    assert 'class="valid"' in page and f'href="/{SHEET_ID}.html"' in page


def test_brief_page_is_what_build_writes_plus_the_preview(server: Server, tmp_path: Path) -> None:
    served = server.text(f"/{SHEET_ID}.html")
    assert 'id="briefgen-preview-script"' in served and "data-src-line" in served
    built = subprocess.run([sys.executable, "-m", "briefgen", "build", "--no-pdf", "-o", str(tmp_path / "site")],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr + built.stdout
    published = (tmp_path / "site" / f"{SHEET_ID}.html").read_text(encoding="utf-8")
    assert SRC_ATTRIBUTES.sub("", PREVIEW_BLOCK.sub("", served)) == published
    # The published brief carries none of the preview: no source marks, no script but the site search's own.
    published = strip_search_box(published)
    assert "data-src" not in published and "<script" not in published and "briefgen-preview" not in published


def test_only_get_and_head(server: Server) -> None:
    status, body = get_raw(server.port, "/", host="localhost")
    assert status == 200
    head_status, head = get_raw(server.port, "/", host="localhost", method="HEAD")
    assert head_status == 200 and head.endswith(b"\r\n\r\n")  # headers only
    length = re.search(rb"Content-Length: (\d+)", head)
    assert length is not None and int(length.group(1)) == len(body.split(b"\r\n\r\n", 1)[1])
    # HEAD of the live-reload stream answers at once rather than streaming.
    assert get_raw(server.port, "/_briefgen/events?kind=index", host="localhost", method="HEAD")[0] == 200
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND"):
        status, answer = get_raw(server.port, "/", host="localhost", method=method)
        assert status == 405, method
        assert b"Allow: GET, HEAD" in answer


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{8000}", "localhost.evil.example", "10.0.0.1"])
def test_other_hosts_are_refused(server: Server, host: str) -> None:
    assert get_raw(server.port, "/", host=host)[0] == 403
    assert get_raw(server.port, f"/{SHEET_ID}.html", host=host)[0] == 403


def test_loopback_hosts_are_answered(server: Server) -> None:
    for host in ("localhost", f"localhost:{server.port}", "127.0.0.1", f"127.0.0.1:{server.port}",
                 f"[::1]:{server.port}"):
        assert get_raw(server.port, "/", host=host)[0] == 200, host
    assert get_raw(server.port, "/", host=None)[0] == 403  # no Host header at all


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "//etc/passwd", "/%2fetc%2fpasswd", "/..\\..\\etc\\passwd", "/briefs/", "/briefs", "/briefs/g20-2025.yaml",
    "/g20-2025.yaml", "/g20-2025.html/../../../etc/passwd", "/g20-2025%2ehtml", "/.git/config",
    "/briefgen.toml", "/g20-2025%00.html", "/templates/base.html", "/styles/screen.css", "/serve-stderr.txt",
    "/_briefgen/", "/favicon.ico", "/nope.html/", "/g20-2025.HTML",
])
def test_traversal_and_other_paths_are_not_found(server: Server, path: str) -> None:
    status, answer = get_raw(server.port, path, host="localhost")
    assert status == 404, (path, answer[:200])
    assert b"root:" not in answer and b"format: 1" not in answer


@pytest.mark.parametrize("request_bytes, expected", [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET\r\n\r\n", 400),
    (b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n", 505),
    (b"GET / FTP/1.0\r\nHost: localhost\r\n\r\n", 400),
    (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"X-Long: " + b"b" * 70000 + b"\r\n\r\n", 431),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)) + b"\r\n\r\n", 400),
    (b"GET /?" + b"&".join(b"a=%d" % i for i in range(100)) + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
])
def test_malformed_requests_get_an_answer_and_the_server_keeps_going(server: Server, request_bytes: bytes,
                                                                       expected: int) -> None:
    status, _ = raw_request(server.port, request_bytes)
    assert status == expected
    assert get_raw(server.port, "/", host="localhost")[0] == 200


# --- watching -------------------------------------------------------------------------------


def test_edit_rebuilds_once_and_invalid_keeps_the_last_good_render(server: Server) -> None:
    sheet = server.briefs / f"{SHEET_ID}.yaml"
    before = server.status()
    text = example_text()
    # A burst of saves (as an editor's save-all, or a formatter after a save): one rebuild.
    for number in range(5):
        write_atomically(sheet, text.replace("  en: Japan–India bilateral",
                                             f"  en: Burst {number} Japan–India bilateral", 1))
    server.wait_for_rebuild_after(before["generation"])
    time.sleep(0.5)
    after = server.status()
    assert after["rebuilds"] - before["rebuilds"] == 1
    page = server.text(f"/{SHEET_ID}.html")
    assert "Burst 4 Japan–India" in page and 'id="briefgen-overlay"' not in page

    broken = text.replace("  en: Japan–India bilateral", "  en: Burst 4 Japan–India bilateral", 1).replace(
        "  timezone: Africa/Johannesburg\n", "  timezone: Africa/Johannesburg: SAST\n", 1)
    line = broken.splitlines().index("  timezone: Africa/Johannesburg: SAST") + 1
    write_atomically(sheet, broken)
    server.wait_for(lambda: 'id="briefgen-overlay"' in server.text(f"/{SHEET_ID}.html"), what="the overlay")
    page = server.text(f"/{SHEET_ID}.html")
    assert "Burst 4 Japan–India" in page  # the last good render, under the overlay
    overlay = html.unescape(re.search(r'<div id="briefgen-overlay".*?<pre>(.*?)</pre>', page, re.S).group(1))
    assert overlay.startswith(f"briefs/{SHEET_ID}.yaml:{line}:")
    checked = subprocess.run([sys.executable, "-m", "briefgen", "check"], cwd=server.root, capture_output=True,
                             text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert checked.returncode == 1
    assert overlay == checked.stdout.strip().rsplit("\n", 1)[0].strip()  # worded exactly as check words it
    assert "invalid" in server.text("/")

    write_atomically(sheet, text)
    server.wait_for(lambda: 'id="briefgen-overlay"' not in server.text(f"/{SHEET_ID}.html"), what="the fix")


def test_only_the_changed_page_is_told_to_reload(tmp_path: Path) -> None:
    other = example_text().replace("id: g20-2025", "id: other-meeting", 1)
    make_project(tmp_path, {f"{SHEET_ID}.yaml": example_text(), "other-meeting.yaml": other})
    server = start_server(tmp_path)
    try:
        streams = {name: _EventStream(server, name) for name in (SHEET_ID, "other-meeting")}
        time.sleep(0.3)
        # An edit of the text: the other page's toolbar (previous, next and their titles) is as before.
        edited = other.replace("    Prime Ministers Takaichi and Modi reaffirmed", "    Prime Ministers Takaichi and "
                               "Modi (edited) reaffirmed", 1)
        assert edited != other
        write_atomically(server.briefs / "other-meeting.yaml", edited)
        streams["other-meeting"].changed.wait(10)
        time.sleep(0.5)
        assert streams["other-meeting"].changed.is_set()
        assert not streams[SHEET_ID].changed.is_set()
        # A new title is shown in its neighbour's "Next" link (and moves it up the list): that page changed too.
        streams = {name: _EventStream(server, name) for name in (SHEET_ID, "other-meeting")}
        time.sleep(0.3)
        write_atomically(server.briefs / "other-meeting.yaml",
                         edited.replace("  en: Japan–India bilateral", "  en: Edited Japan–India bilateral"))
        # Two events, one per page, which arrive in either order: wait for both.
        streams[SHEET_ID].changed.wait(10)
        streams["other-meeting"].changed.wait(10)
        assert streams[SHEET_ID].changed.is_set() and streams["other-meeting"].changed.is_set()
    finally:
        server.stop()


class _EventStream:
    """A live-reload stream for one page, as the injected script opens it."""

    def __init__(self, server: Server, page_id: str) -> None:
        page = server.text(f"/{page_id}.html")
        match = re.search(r'"events": "([^"]+)"', page)
        assert match is not None
        self.url = match.group(1).replace("\\u0026", "&")
        self.changed = threading.Event()
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
        self.sock.sendall(f"GET {self.url} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        data = b""
        while b"event: changed" not in data:
            try:
                chunk = self.sock.recv(4096)
            except OSError:
                return
            if not chunk:
                return
            data += chunk
        self.changed.set()


def test_a_change_event_carries_the_pages_errors_and_warnings(server: Server) -> None:
    page = server.text(f"/{SHEET_ID}.html")
    config = json.loads(re.search(r'<script id="briefgen-config" type="application/json">(.*?)</script>', page).group(1))
    assert config["state"] == {"errors": 0, "warnings": 0} and config["brand"] is True
    url = config["events"]
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(f"GET {url} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        time.sleep(0.3)
        write_atomically(server.briefs / f"{SHEET_ID}.yaml", example_text().replace(
            "  timezone: Africa/Johannesburg\n", "  timezone: Africa/Johannesburg: SAST\n", 1))
        data = b""
        while b"event: changed\ndata: " not in data or not data.endswith(b"\n\n"):
            chunk = sock.recv(4096)
            assert chunk, data
            data += chunk
    event = json.loads(data.split(b"event: changed\ndata: ", 1)[1].split(b"\n", 1)[0])
    assert event["errors"] == 1 and event["warnings"] == 0 and len(event["etag"]) == 32
    home = server.text("/")
    assert json.loads(re.search(r'<script id="briefgen-config" type="application/json">(.*?)</script>',
                                home).group(1))["state"] == {"errors": 1, "warnings": 0}


def test_the_home_page_runs_the_published_indexs_own_filter_script(server: Server) -> None:
    from importlib.resources import files

    script = (files("briefgen") / "templates" / "partials" / "_index_script.js").read_text(encoding="utf-8")
    home = server.text("/")
    # Included from the package (Jinja drops the file's last line break), not a copy.
    assert "<script>" + script.removesuffix("\n") + "</script>" in home
    assert '<form class="index-filters" role="search"' in home and 'class="index-table"' in home
    assert 'data-kind="Meeting readout" data-level="OFFICIAL" data-status="Final" data-country="India|Japan"' in home


def test_new_and_deleted_sheets_come_and_go(server: Server) -> None:
    new = server.briefs / "new-meeting.yaml"
    new.write_text(example_text().replace("id: g20-2025", "id: new-meeting", 1)
                   .replace("  en: Japan–India bilateral", "  en: Newly added Japan–India bilateral", 1), encoding="utf-8")
    server.wait_for(lambda: "Newly added" in server.text("/"), what="the new sheet")
    assert "Newly added" in server.text("/new-meeting.html")
    new.unlink()
    server.wait_for(lambda: "Newly added" not in server.text("/"), what="the deletion")
    assert server.get("/new-meeting.html")[0] == 404


def test_a_broken_template_is_shown_and_the_server_lives(tmp_path: Path) -> None:
    make_project(tmp_path, toml='templates = "templates"\n', templates=True)
    server = start_server(tmp_path)
    try:
        template = tmp_path / "templates" / "partials" / "_participants.html"
        good = template.read_text(encoding="utf-8")
        lines = good.splitlines(keepends=True)
        lines.insert(3, "  {% if %}\n")
        template.write_text("".join(lines), encoding="utf-8")
        server.wait_for(lambda: "template-error" in server.text(f"/{SHEET_ID}.html"), what="the template error")
        page = server.text(f"/{SHEET_ID}.html")
        assert "_participants.html:4:1: error[template-error]" in page
        assert "4 |   {% if %}" in page  # the template's own line, under the message
        assert "Sanae Takaichi" in page  # the last good render
        template.write_text(good, encoding="utf-8")
        server.wait_for(lambda: "template-error" not in server.text(f"/{SHEET_ID}.html"), what="the fix")
    finally:
        server.stop()


# --- release levels ----------------------------------------------------------------------------


def test_release_switcher_and_ceiling(tmp_path: Path) -> None:
    make_project(tmp_path, {f"{SHEET_ID}.yaml": sensitive_example(), "secret-talks.yaml": withheld_sheet()})
    server = start_server(tmp_path)
    try:
        full = server.text(f"/{SHEET_ID}.html")
        assert "privately doubt" in full and "Openly released" in full
        cut = server.text(f"/{SHEET_ID}.html?release=official")
        assert "privately doubt" not in cut and "Openly released" in cut
        assert "Very sensitive talks" in server.text("/")
        # Next, in the full document, is the sheet listed after it; at OFFICIAL, whose readers may not read
        # that one, there is none.
        assert '<a rel="next" class="briefgen-step" href="/secret-talks.html" title="Very sensitive talks' in full
        assert 'rel="next"' not in cut and "secret-talks" not in cut
    finally:
        server.stop()

    server = start_server(tmp_path, ["--release", "OFFICIAL"])
    try:
        home = server.text("/")
        assert "Very sensitive talks" not in home and "secret-talks" not in home
        assert "1 fact sheet is not released to this audience and not listed" in home
        for query in ("", "?release=OFFICIAL-SENSITIVE", "?release=TOP%20SECRET", "?release=secret", "?release=x"):
            page = server.text(f"/{SHEET_ID}.html{query}")
            assert "privately doubt" not in page and "Openly released" in page, query
            assert "secret-talks" not in page and "Very sensitive" not in page and 'rel="next"' not in page, query
            assert "OFFICIAL-SENSITIVE</option>" not in page
        for path in ("/secret-talks.html?release=OFFICIAL-SENSITIVE", "/secret-talks.side.html?release=OFFICIAL-SENSITIVE"):
            status, body = server.get(path)
            assert status == 404 and b"Very sensitive talks" not in body
        status, pdf = server.get(f"/{SHEET_ID}.pdf?release=OFFICIAL-SENSITIVE", timeout=120)
        assert status == 200
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert "Openly released" in text and "privately doubt" not in text
    finally:
        server.stop()


# --- PDFs, load and stopping -----------------------------------------------------------------


def test_pdf_prints_in_a_worker_while_html_is_answered(server: Server) -> None:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pdf = pool.submit(server.get, f"/{SHEET_ID}.pdf", None, 120)
        times = []
        while not pdf.done():
            start = time.monotonic()
            assert server.get(f"/{SHEET_ID}.html")[0] == 200
            times.append(time.monotonic() - start)
            time.sleep(0.05)
        status, data = pdf.result()
    assert status == 200 and data.startswith(b"%PDF-")
    assert len(times) >= 3 and max(times) < 1.0, times
    start = time.monotonic()
    assert server.get(f"/{SHEET_ID}.pdf")[1] == data  # cached by its job key
    assert time.monotonic() - start < 1.0


def test_a_pdf_is_printed_again_when_a_logo_it_embeds_changes(tmp_path: Path) -> None:
    """The PDF cache is keyed by the job, and a file a template embeds is checked before reuse."""
    make_project(tmp_path, toml='templates = "templates"\n', templates=True)
    partial = tmp_path / "templates" / "partials" / "_summary.html"
    partial.write_text(partial.read_text(encoding="utf-8").replace(
        "</section>", '<img src="logo.png" alt="" style="width: 1cm">\n</section>'), encoding="utf-8")
    logo = tmp_path / "briefs" / "logo.png"
    logo.write_bytes(solid_png((200, 0, 0)))
    server = start_server(tmp_path)
    try:
        status, first = server.get(f"/{SHEET_ID}.pdf", timeout=120)
        assert status == 200 and first_image_colour(first) == (200, 0, 0)
        logo.write_bytes(solid_png((0, 0, 200)))
        status, second = server.get(f"/{SHEET_ID}.pdf", timeout=120)
        assert status == 200 and first_image_colour(second) == (0, 0, 200)
    finally:
        server.stop()


def test_load_every_request_answered_memory_flat(server: Server) -> None:
    paths = ["/", f"/{SHEET_ID}.html", f"/{SHEET_ID}.html?release=OFFICIAL", "/missing.html", "/../etc/passwd"]
    expected = {"/": 200, f"/{SHEET_ID}.html": 200, f"/{SHEET_ID}.html?release=OFFICIAL": 200,
                "/missing.html": 404, "/../etc/passwd": 404}
    for path in paths:  # warm the caches
        get_raw(server.port, path, host="localhost")
    rss_before = server.rss_kib()

    slow = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(20)]
    for sock in slow:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: local")  # and then nothing: a slow client

    def client(number: int) -> list[tuple[str, int]]:
        answers = []
        for index in range(40):
            path = paths[(number + index) % len(paths)]
            if index % 10 == 9:
                answers.append(("malformed", raw_request(server.port, b"BOGUS\r\n\r\n")[0]))
            else:
                answers.append((path, get_raw(server.port, path, host="localhost")[0]))
        return answers

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        results = [answer for answers in pool.map(client, range(50)) for answer in answers]
    elapsed = time.monotonic() - start
    for sock in slow:
        sock.close()
    rss_after = server.rss_kib()
    assert len(results) == 2000
    wrong = [(path, status) for path, status in results
             if status != (400 if path == "malformed" else expected[path])]
    assert not wrong, wrong[:10]
    print(f"\nload: 2000 requests from 50 clients (+20 stalled) in {elapsed:.2f} s "
          f"({2000 / elapsed:.0f}/s); RSS {rss_before} KiB before, {rss_after} KiB after")
    assert rss_after - rss_before < 30 * 1024
    assert get_raw(server.port, "/", host="localhost")[0] == 200


def test_event_streams_are_bounded(server: Server) -> None:
    from briefgen.preview.http import MAX_EVENT_STREAMS

    socks = []
    try:
        for _ in range(MAX_EVENT_STREAMS):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(b"GET /_briefgen/events?kind=index&page=&etag=x HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.0 200")
            socks.append(sock)
        status, _ = get_raw(server.port, "/_briefgen/events?kind=index&page=&etag=x", host="localhost")
        assert status == 503
        assert get_raw(server.port, "/", host="localhost")[0] == 200  # pages still answered
    finally:
        for sock in socks:
            sock.close()


def test_ctrl_c_stops_quickly_with_one_line_and_no_process_left(server: Server) -> None:
    assert server.get(f"/{SHEET_ID}.pdf", timeout=120)[0] == 200  # a PDF worker is running now
    children = server.children()
    assert children, "expected a PDF worker process"
    stream = socket.create_connection(("127.0.0.1", server.port))
    stream.sendall(b"GET /_briefgen/events?kind=index&page=&etag=x HTTP/1.1\r\nHost: localhost\r\n\r\n")
    took = server.interrupt()
    stream.close()
    assert took < 2.5, took
    assert server.process.returncode == 0
    *rebuilt, last = server.stderr().strip().splitlines()
    assert last == "briefgen: preview stopped", server.stderr()
    assert all(line.startswith(f"briefgen: rebuilt {SHEET_ID} in ") for line in rebuilt), server.stderr()
    time.sleep(0.2)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()
                and "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()]


def test_a_port_in_use_is_a_usage_error(server: Server, tmp_path: Path) -> None:
    ran = subprocess.run([sys.executable, "-m", "briefgen", "serve", "--port", str(server.port)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2
    assert f"cannot listen on 127.0.0.1:{server.port}" in ran.stderr and "Traceback" not in ran.stderr


def test_under_a_ceiling_the_overlay_shows_no_source_lines(tmp_path: Path) -> None:
    make_project(tmp_path, {f"{SHEET_ID}.yaml": sensitive_example()})
    server = start_server(tmp_path, ["--release", "official"])
    try:
        assert "Openly released" in server.text(f"/{SHEET_ID}.html")
        sheet = server.briefs / f"{SHEET_ID}.yaml"
        broken = sensitive_example().replace("  - text: Officials privately doubt",
                                             "  - text: Officials: privately doubt", 1)
        line = broken.splitlines().index("  - text: Officials: privately doubt the investment target is reachable.")
        write_atomically(sheet, broken)
        server.wait_for(lambda: 'id="briefgen-overlay"' in server.text(f"/{SHEET_ID}.html"), what="the overlay")
        page = server.text(f"/{SHEET_ID}.html")
        # Issue 14, finding 4: under a ceiling a message may quote what the audience may not
        # read, so an invalid or partly withheld sheet's problems are counted, never quoted.
        assert f"briefs/{SHEET_ID}.yaml:{line + 1}:" not in page
        assert "not shown: this release withholds part of this brief" in page
        assert "privately doubt" not in page
    finally:
        server.stop()


def test_editing_briefgen_toml_applies_its_new_settings(tmp_path: Path) -> None:
    make_project(tmp_path, toml="# no overrides yet\n")
    (tmp_path / "looks").mkdir()
    (tmp_path / "looks" / "screen.css").write_text("h1 { color: rgb(9, 8, 7); }\n", encoding="utf-8")
    server = start_server(tmp_path)
    try:
        assert "rgb(9, 8, 7)" not in server.text(f"/{SHEET_ID}.html")
        write_atomically(tmp_path / "briefgen.toml", 'styles = "looks"\n')
        server.wait_for(lambda: "rgb(9, 8, 7)" in server.text(f"/{SHEET_ID}.html"), what="the new styles folder")
        # …and the new folder is watched from now on.
        write_atomically(tmp_path / "looks" / "screen.css", "h1 { color: rgb(6, 5, 4); }\n")
        server.wait_for(lambda: "rgb(6, 5, 4)" in server.text(f"/{SHEET_ID}.html"), what="the edited style")
        write_atomically(tmp_path / "briefgen.toml", "stlyes = 1\n")
        server.wait_for(lambda: "unknown key `stlyes`" in server.text("/"), what="the bad briefgen.toml")
        assert "rgb(6, 5, 4)" in server.text(f"/{SHEET_ID}.html")  # the last good settings stay
    finally:
        server.stop()


def test_the_preview_writes_the_notes_in_the_locale_it_is_given(tmp_path: Path) -> None:
    """`serve --locale ja`: the page the editor reviews is the Japanese note, labels and text."""
    make_project(tmp_path)
    server = start_server(tmp_path, ["--locale", "ja"])
    try:
        page = server.text(f"/{SHEET_ID}.html")
        assert '<html lang="ja">' in page
        assert "G20首脳会議の機会における日印首脳会談" in page and ">成果<" in page
        assert "2025年11月23日(日)" in page
    finally:
        server.stop()


def test_each_rebuild_says_in_the_terminal_which_brief_how_long_and_what_it_found(server: Server) -> None:
    """As `mkdocs serve` and `quarto preview` do: a line per brief a rebuild renders (issue 21, finding 6)."""
    server.wait_for(lambda: f"rebuilt {SHEET_ID} in " in server.stderr(), what="the first build's line")
    assert re.search(rf"^briefgen: rebuilt {SHEET_ID} in \d+\.\d\d s: (no problems|\d+ warnings?)$",
                     server.stderr(), re.MULTILINE), server.stderr()
    sheet = server.briefs / f"{SHEET_ID}.yaml"
    text = example_text()
    before = server.status()["generation"]
    write_atomically(sheet, text.replace("  timezone: Africa/Johannesburg\n",
                                         "  timezone: Africa/Johannesburg: SAST\n", 1))
    server.wait_for_rebuild_after(before)
    server.wait_for(lambda: f"not rendered briefs/{SHEET_ID}.yaml: 1 error" in server.stderr(), what="the error line")
    before = server.status()["generation"]
    write_atomically(sheet, text)  # the edit undone: the render kept from before is shown again
    server.wait_for_rebuild_after(before)
    server.wait_for(lambda: f"{SHEET_ID} as last rendered: " in server.stderr(), what="the fixed line")
    lines = [line for line in server.stderr().splitlines() if SHEET_ID in line]
    assert len(lines) == 3, lines  # one line per change, none for a rebuild that changed nothing
