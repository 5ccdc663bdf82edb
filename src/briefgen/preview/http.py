"""The preview's HTTP server: loopback names only, its own routes, bounded connections and event streams."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from briefgen.preview.pages import Page, Pages, plain
from briefgen.preview.state import Preview

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Open connections at once; more are refused with 503 rather than queued without end.
MAX_CONNECTIONS = 256
#: Open live-reload streams at once (each holds a thread).
MAX_EVENT_STREAMS = 64
#: Seconds a connection may stay silent (reading a request, or a stalled reader).
CONNECTION_TIMEOUT = 10.0
#: Seconds between keep-alive comments on an event stream (also finds dead readers).
PING_SECONDS = 15.0

_ROUTE = re.compile(r"^/(?:index\.html)?$|^/(?P<id>[A-Za-z0-9][A-Za-z0-9_-]{0,127})\.(?P<kind>side\.html|html|pdf)$")
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def host_allowed(header: str | None, bound: str, port: int) -> bool:
    """Whether a Host header names this server by a loopback name (or its bound address)."""
    if not header:
        return False
    host = header.strip().lower()
    bound_name = f"[{bound}]" if ":" in bound and not bound.startswith("[") else bound
    for name in {*_LOOPBACK_NAMES, bound_name.lower()}:
        if host == name or host == f"{name}:{port}":
            return True
    return False


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server with a cap on connections, and quiet about clients that go away."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], preview: Preview) -> None:
        import socket

        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.preview = preview
        self.pages = Pages(preview)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.streams = threading.BoundedSemaphore(MAX_EVENT_STREAMS)
        super().__init__(address, PreviewHandler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except RuntimeError:  # no thread could be started: the slot was never used
            self.slots.release()
            self.shutdown_request(request)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that resets or times out is not worth a traceback on the terminal.
        return


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    timeout = CONNECTION_TIMEOUT
    server_version = "briefgen-preview"
    sys_version = ""
    # Errors in a request line that is not HTTP at all still get a status line (never HTTP/0.9).
    default_request_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        return

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if not host_allowed(self.headers.get("Host"), str(self.server.server_address[0]),
                            int(self.server.server_address[1])):
            self._send(plain(403, "forbidden: this preview answers only to localhost"))
            return False
        if self.command not in ("GET", "HEAD"):
            self._send(plain(405, f"method {self.command} not allowed"), {"Allow": "GET, HEAD"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - the base class dispatches by this name
        self._route(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._route(head=True)

    def _route(self, head: bool) -> None:
        preview, pages = self.server.preview, self.server.pages
        try:
            split = urlsplit(self.path)
            query = parse_qs(split.query, max_num_fields=8)
        except ValueError:
            self._send(plain(400, "bad request"), head=head)
            return
        if not self.path.startswith("/"):
            self._send(plain(404, "not found"), head=head)
            return
        release = query.get("release", [None])[0]
        if split.path == "/_briefgen/events":
            if head:
                self._send(Page(200, b"", "", "text/event-stream"), head=True)
            else:
                self._events(query)
            return
        if split.path == "/_briefgen/status":
            snapshot = preview.snapshot
            status = {"generation": snapshot.generation, "rebuilds": preview.rebuilds,
                      "sheets": sorted(snapshot.entries)}
            self._send(Page(200, json.dumps(status).encode(), "", "application/json"), head=head)
            return
        match = _ROUTE.match(split.path)
        if match is None:
            self._send(plain(404, "not found"), head=head)
            return
        page_id, kind = match.group("id"), match.group("kind")
        if page_id is None:
            page = pages.index()
        elif kind == "pdf":
            page = pages.pdf(page_id, release)
        elif kind == "side.html":
            page = pages.side(page_id, release)
        else:
            page = pages.page(page_id, release, embed=query.get("embed", [""])[0] == "1")
        self._send(page, head=head)

    def _send(self, page: Page, headers: dict[str, str] | None = None, head: bool = False) -> None:
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head and self.command != "HEAD":
            self.wfile.write(page.body)

    def _events(self, query: dict[str, list[str]]) -> None:
        """A stream that says `changed` (with the page's etag and its errors and warnings, as JSON) whenever
        the page the script sits in would look different."""
        preview = self.server.preview
        if not self.server.streams.acquire(blocking=False):
            self._send(plain(503, "too many live-reload streams"))
            return
        try:
            kind = query.get("kind", ["page"])[0]
            page_id = query.get("page", [""])[0]
            release = query.get("release", [None])[0]
            etag = query.get("etag", [""])[0]
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n")
            generation = -1
            while not preview.stopping.is_set():
                now = preview.wait_for_change(generation, PING_SECONDS)
                if preview.stopping.is_set():
                    break
                if now == generation:
                    self.wfile.write(b": ping\n\n")
                    continue
                generation = now
                page = self.server.pages.current(kind, page_id, release)
                if page.etag != etag:
                    etag = page.etag
                    # The page's findings too: a page that updates in place (side by side) retitles itself.
                    data = json.dumps({"etag": etag, **page.state})
                    self.wfile.write(f"event: changed\ndata: {data}\n\n".encode())
        except OSError:
            pass
        finally:
            self.close_connection = True
            self.server.streams.release()
