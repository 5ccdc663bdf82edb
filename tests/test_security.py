"""Safety: fact-sheet text is escaped and never evaluated, Markdown is sanitised, and printing
reads only data: URLs and files in the allowed folders (no other files, no network)."""

from __future__ import annotations

import base64
import datetime as _dt
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from briefgen.render.pdf import print_pdf
from briefgen.render.stylesheets import STYLESHEETS
from briefgen.render.typography import smart_quotes
from build_helpers import (
    compact_sheet,
    find_all,
    image_count,
    json_diagnostics,
    page_texts,
    parse_html,
    pdf_reader,
    run_cli,
    strip_search_box,
    text_of,
    visible_text,
    write_sheet,
)

DAY = _dt.date(2025, 11, 24)

# --- escaping and sanitising -----------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    "[click](javascript:alert(1))",
    "[click2](JaVaScRiPt:alert(2))",
    "[relative](evil.html)",
    "![pixel](https://evil.example/pixel.png)",
    '<a href="javascript:alert(3)" onclick="alert(4)">a</a>',
    "<b>bold</b>",
    '<svg onload="alert(5)"><circle r="1"/></svg>',
    "<object data=x></object><embed src=x><style>body{}</style><form action=x><input></form>",
]
MARKDOWN = "Text with " + " and ".join(XSS) + ". [fine](https://example.org/ok)"


def _hostile_sheet() -> dict:
    participants = compact_sheet()["participants"]
    participants[0]["bio"] = MARKDOWN
    participants[1]["name"] = "<script>alert('name')</script>"
    return compact_sheet(
        "hostile",
        participants=participants,
        title="{{ 7*7 }} {% if true %}jinja{% endif %} <script>alert('title')</script>",
        meeting__occasion="{{ config }}",
        summary=MARKDOWN,
        outcomes=[MARKDOWN],
        frameworks=[{"name": "<i>Framework</i>", "note": MARKDOWN}],
        commitments=[{"sector": "Trade\" onmouseover=\"alert(1)", "summary": MARKDOWN}],
        follow_up=[{"action": MARKDOWN, "owner": "<b>owner</b>"}],
        sections=[{"heading": "{{ 6*7 }}", "body": MARKDOWN + "\n\n<div onclick='x'>block html</div>\n"}],
        sources=[{"id": "s", "title": "Source <script>", "url": 'https://example.org/?q="><script>alert(6)</script>'}],
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("hostile")
    sheet = write_sheet(folder / "sheets", _hostile_sheet())
    ran = run_cli(["build", sheet, "-o", folder / "site"])
    assert ran.exit_code == 0, ran.output
    html = (folder / "site" / "hostile.html").read_text(encoding="utf-8")
    return html, pdf_reader(folder / "site" / "hostile.pdf"), (folder / "site" / "index.html").read_text(encoding="utf-8")


def test_template_syntax_in_a_title_prints_literally(hostile) -> None:
    html, reader, _ = hostile
    root = parse_html(html)
    (title,) = find_all(root, "h1", class_="title")
    assert text_of(title) == "{{ 7*7 }} {% if true %}jinja{% endif %} <script>alert(‘title’)</script>"
    assert "{{ 7*7 }}" in text_of(root.find("head/title"))
    assert "49" not in text_of(title)
    assert "{{ config }}" in visible_text(root)
    headings = [text_of(h) for s in find_all(root, "section", class_="text-part") for h in s.iter("h2")]
    assert any(h.startswith("{{ 6*7 }}") for h in headings), headings
    assert "42" not in visible_text(root)
    assert "{{ 7*7 }}" in page_texts(reader)[0]
    assert reader.metadata["/Title"].startswith("OFFICIAL — {{ 7*7 }}")


def test_no_active_content_survives(hostile) -> None:
    html, _, _ = hostile
    root = parse_html(strip_search_box(html))  # the page's own search box apart
    for tag in ("script", "iframe", "img", "object", "embed", "svg", "form", "input", "b", "i"):
        assert find_all(root, tag) == [], tag
    styles = list(root.iter("style"))
    assert [s.get("media") for s in styles] == [media for _, media in STYLESHEETS]  # no injected <style>
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name, value)
            assert "javascript:" not in value.replace(" ", "").lower(), (element.tag, name, value)
        if element.tag == "div":
            assert "onclick" not in element.attrib


def test_links_are_absolute_http_only(hostile) -> None:
    html, _, _ = hostile
    root = parse_html(html)
    anchors = list(root.iter("a"))
    hrefs = [a.get("href") for a in anchors if a.get("href") is not None]
    for href in hrefs:
        # Besides the sheet's links: sources, citations, the contents and the site index beside the brief.
        assert href.startswith(("https://", "http://", "mailto:", "#")) or href == "index.html", href
    assert "https://example.org/ok" in hrefs
    # The javascript: and relative links keep their text but lose their address.
    inert = {text_of(a) for a in anchors if a.get("href") is None}
    assert inert == {"click", "click2", "relative"}


def test_raw_html_is_shown_as_text_or_dropped(hostile) -> None:
    html, _, _ = hostile
    root = parse_html(html)
    (summary,) = find_all(root, "section", class_="summary")
    text = text_of(summary)
    assert "<b>bold</b>" in text  # raw HTML stays text, escaped
    assert "<script>alert(1)</script>" in text
    (header,) = find_all(root, "header", class_="doc-header")
    assert "<script>" in text_of(header)
    names = [text_of(e) for e in find_all(root, "span", class_="person")]
    assert "<script>alert(‘name’)</script>" in names  # escaped; its quotes made typographic
    (sector,) = find_all(root, "td", class_="sector")
    assert text_of(sector) == smart_quotes('Trade" onmouseover="alert(1)')
    assert "onmouseover" not in sector.attrib


def test_a_source_url_cannot_break_out_of_its_attribute(hostile) -> None:
    html, _, _ = hostile
    root = parse_html(html)
    (source,) = [li for li in root.iter("li") if li.get("id") == "source-1"]
    links = list(source.iter("a"))
    assert [a.get("href") for a in links] == ['https://example.org/?q="><script>alert(6)</script>']
    assert find_all(source, "script") == []


# --- the confined fetcher ------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).requests.append(self.path)
        body = b'body::after { content: "LEAKED-HTTP"; }' if self.path.endswith(".css") else _png()
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if self.path.endswith(".css") else "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def loopback():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()
    server.server_close()
    thread.join(5)


def _png(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """outside/ (secret.css, secret.png) next to project/briefs/ (the fact sheet's folder)."""
    root = tmp_path_factory.mktemp("tree")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.css").write_text('body::after { content: "LEAKED-OUTSIDE"; } @page { size: A5; }')
    (outside / "secret.png").write_bytes(_png("blue"))
    briefs = root / "project" / "briefs"
    briefs.mkdir(parents=True)
    (briefs / "inside.png").write_bytes(_png("green"))
    (briefs / "inside.css").write_text('body::after { content: "INSIDE-OK"; }')
    (briefs / "escape.css").symlink_to(outside / "secret.css")
    (briefs / "escape.png").symlink_to(outside / "secret.png")
    return {"root": root, "outside": outside, "briefs": briefs}


#: How a page can refer to a resource, by kind of target.
REFERENCES = {
    "img": lambda url: f'<img src="{url}" alt="">',
    "stylesheet": lambda url: f'<link rel="stylesheet" href="{url}">',
    "css-url": lambda url: f'<style>body {{ background-image: url("{url}"); }}</style>',
    "import": lambda url: f'<style>@import url("{url}");</style>',
}


def _target(kind: str, where: str, http: str) -> str:
    extension = "png" if kind in ("img", "css-url") else "css"
    return {
        "etc-passwd": "file:///etc/passwd",
        "dot-dot": f"../../outside/secret.{extension}",
        "symlink": f"escape.{extension}",
        "loopback": f"{http}/{kind}-{where}.{extension}",
        "localhost-file": "file://localhost/etc/passwd",
    }[where]


def _page(reference: str) -> str:
    return f"<!DOCTYPE html><html lang=\"en\"><head>{reference}</head><body><p>Body text.</p></body></html>"


@pytest.mark.parametrize("where", ["etc-passwd", "dot-dot", "symlink", "loopback", "localhost-file"])
@pytest.mark.parametrize("kind", list(REFERENCES))
def test_print_pdf_refuses(kind: str, where: str, tree: dict[str, Path], loopback) -> None:
    http, requests = loopback
    before = list(requests)
    url = _target(kind, where, http)
    printed = print_pdf(_page(REFERENCES[kind](url)), base=tree["briefs"], roots=())
    assert requests == before, f"the loopback server was asked for {requests[len(before):]}"
    assert len(printed.refused) == 1, printed.refused
    refused = printed.refused[0]
    assert refused.startswith(("file:", "http:")), refused
    assert refused.endswith(url.rsplit("/", 1)[-1]), (refused, url)
    reader = pdf_reader(printed.data)
    assert image_count(reader) == 0
    text = " ".join(page_texts(reader))
    assert "Body text." in text and "LEAKED" not in text
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595  # the outside style sheet (A5) was not applied


def test_the_outside_files_would_load_without_the_fetcher(tree: dict[str, Path]) -> None:
    """The control: plain WeasyPrint does read what briefgen's fetcher refuses."""
    from weasyprint import HTML

    html = _page(REFERENCES["stylesheet"]("../../outside/secret.css") + REFERENCES["img"]("escape.png"))
    data = HTML(string=html, base_url=tree["briefs"].as_uri() + "/").write_pdf()
    reader = pdf_reader(data)
    assert "LEAKED-OUTSIDE" in page_texts(reader)[0]
    assert image_count(reader) == 1


def test_the_loopback_server_answers(loopback) -> None:
    """The control: the server counts what reaches it."""
    import urllib.request

    http, requests = loopback
    with urllib.request.urlopen(f"{http}/control.css", timeout=5) as response:
        assert b"LEAKED-HTTP" in response.read()
    assert requests[-1] == "/control.css"
    requests.pop()


def test_a_data_url_image_is_allowed(tree: dict[str, Path]) -> None:
    url = "data:image/png;base64," + base64.b64encode(_png()).decode()
    printed = print_pdf(_page(REFERENCES["img"](url)), base=tree["briefs"], roots=())
    assert printed.refused == []
    assert image_count(pdf_reader(printed.data)) == 1


@pytest.mark.parametrize("kind", ["img", "css-url"])
def test_an_image_beside_the_sheet_is_allowed(kind: str, tree: dict[str, Path]) -> None:
    printed = print_pdf(_page(REFERENCES[kind]("inside.png")), base=tree["briefs"], roots=())
    assert printed.refused == []
    assert image_count(pdf_reader(printed.data)) == 1


def test_a_style_sheet_in_an_allowed_root_is_allowed(tree: dict[str, Path]) -> None:
    printed = print_pdf(_page(REFERENCES["stylesheet"]("inside.css")), base=tree["briefs"], roots=())
    assert printed.refused == []
    assert "INSIDE-OK" in page_texts(pdf_reader(printed.data))[0]
    # A root given explicitly (a styles folder, say) is allowed too.
    url = (tree["outside"] / "secret.css").as_uri()
    refused = print_pdf(_page(REFERENCES["stylesheet"](url)), base=tree["briefs"], roots=())
    allowed = print_pdf(_page(REFERENCES["stylesheet"](url)), base=tree["briefs"], roots=(tree["outside"],))
    assert refused.refused == [url] and allowed.refused == []
    assert "LEAKED-OUTSIDE" in page_texts(pdf_reader(allowed.data))[0]


# --- end to end: briefgen build --styles / --templates ---------------------------------------


def test_build_with_hostile_styles_fetches_nothing(tmp_path: Path, tree: dict[str, Path], loopback) -> None:
    http, requests = loopback
    before = list(requests)
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "print.css").write_text(
        '@import url("file:///etc/passwd");\n'
        '@import url("../../outside/secret.css");\n'
        f'@import url("{http}/e2e-import.css");\n'
        f'body {{ background-image: url("{http}/e2e-background.png"); }}\n'
        '.summary { background-image: url("../../outside/secret.png"); }\n'
        'h1 { background-image: url("escape.png"); }\n',
        encoding="utf-8")
    sheet = write_sheet(tree["briefs"], compact_sheet("styled"))
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--styles", styles, "--output-format", "json"])
    assert ran.exit_code == 0, ran.output
    assert requests == before, f"the loopback server was asked for {requests[len(before):]}"
    refused = [d for d in json_diagnostics(ran) if d["code"] == "refused-resource"]
    messages = " ".join(d["message"] for d in refused)
    assert all(d["severity"] == "warning" for d in refused)
    for fragment in ("file:///etc/passwd", "outside/secret.css", "e2e-import.css", "e2e-background.png",
                     "outside/secret.png", "escape.png"):
        assert fragment in messages, fragment
    reader = pdf_reader(tmp_path / "site" / "styled.pdf")
    assert image_count(reader) == 0
    assert "LEAKED" not in " ".join(page_texts(reader))


def test_build_with_hostile_styles_fails_under_strict(tmp_path: Path, tree: dict[str, Path], loopback) -> None:
    http, requests = loopback
    before = list(requests)
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "print.css").write_text(f'@import url("{http}/strict.css");\n', encoding="utf-8")
    sheet = write_sheet(tree["briefs"], compact_sheet("strict-styled"))
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--styles", styles, "--strict"])
    assert ran.exit_code == 1, ran.output
    assert "warning[refused-resource]" in ran.stdout
    assert requests == before
    assert not (tmp_path / "site" / "strict-styled.pdf").exists()


def test_a_template_override_may_use_a_file_beside_the_sheet(tmp_path: Path, tree: dict[str, Path]) -> None:
    templates = tmp_path / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "partials" / "_summary.html").write_text(
        '<section class="summary"><img src="inside.png" alt="crest">{{ view.summary.html }}</section>\n',
        encoding="utf-8")
    sheet = write_sheet(tree["briefs"], compact_sheet("crest"))
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--templates", templates, "--output-format", "json"])
    assert ran.exit_code == 0, ran.output
    assert [d for d in json_diagnostics(ran) if d["code"] == "refused-resource"] == []
    assert image_count(pdf_reader(tmp_path / "site" / "crest.pdf")) == 1
    manifest = json.loads((tmp_path / "site" / "manifest.json").read_text())
    assert [b["id"] for b in manifest["briefs"]] == ["crest"]


def test_the_site_index_escapes_titles(hostile) -> None:
    _, _, index = hostile
    root = parse_html(strip_search_box(index))  # the site search's box and script apart
    # The one script is the index's own filter script, and no title reached it.
    scripts = find_all(root, "script")
    assert len(scripts) == 1 and "alert" not in (scripts[0].text or "") and "7*7" not in (scripts[0].text or "")
    titles = [text_of(e) for e in find_all(root, "span", class_="entry-title")]
    assert titles == ["{{ 7*7 }} {% if true %}jinja{% endif %} <script>alert('title')</script>"]
    assert "{{ config }}" in visible_text(root)
