"""Helpers for the preview-server tests: a real `python -m briefgen serve` over a temporary project.

The server runs as its own process on a free loopback port (--port 0; the URL is read
from its first line of output), exactly as an analyst starts it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
EXAMPLE = ROOT / "briefs" / "g20-2025.yaml"
STYLES = ROOT / "styles"
SHEET_ID = "g20-2025"


def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def sensitive_example() -> str:
    """The example with an OFFICIAL-SENSITIVE document level and one OFFICIAL-SENSITIVE outcome."""
    text = example_text()
    old = "classification:\n  level: OFFICIAL\n  scheme: uk\n"
    assert old in text
    text = text.replace(old, "classification:\n  level: OFFICIAL-SENSITIVE\n  header: OFFICIAL\n  scheme: uk\n", 1)
    marker = "\noutcomes:\n"
    assert marker in text
    return text.replace(marker, marker + "  - text: Officials privately doubt the investment target is reachable.\n"
                                          "    classification: OFFICIAL-SENSITIVE\n"
                                          "  - text: Openly released outcome for every reader.\n"
                                          "    classification: OFFICIAL\n", 1)


def withheld_sheet() -> str:
    """A sheet whose header (title included) is OFFICIAL-SENSITIVE: nothing of it is released at OFFICIAL."""
    text = example_text().replace("id: g20-2025", "id: secret-talks", 1)
    text = text.replace("  en: Japan–India bilateral meeting at the G20 Leaders' Summit\n"
                        "  ja: G20首脳会議の機会における日印首脳会談\n",
                        "  en: Very sensitive talks nobody may see\n  ja: 誰も見てはならない会談\n", 1)
    assert "Very sensitive" in text
    text = text.replace("classification:\n  level: OFFICIAL\n", "classification:\n  level: OFFICIAL-SENSITIVE\n", 1)
    # Not for the public either: an OFFICIAL-SENSITIVE header cannot be cleared for public release.
    return re.sub(r"\n  cleared_for_public: true[^\n]*", "", text, count=1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    port: int
    root: Path
    stderr_path: Path
    lines: list[str] = field(default_factory=list)

    @property
    def briefs(self) -> Path:
        return self.root / "briefs"

    def get(self, path: str, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url.rstrip("/") + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def text(self, path: str) -> str:
        status, body = self.get(path)
        assert status == 200, (path, status, body[:300])
        return body.decode("utf-8")

    def status(self) -> dict[str, Any]:
        return json.loads(self.get("/_briefgen/status")[1])  # type: ignore[no-any-return]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "a change") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def wait_for_rebuild_after(self, before: int, timeout: float = 10.0) -> None:
        self.wait_for(lambda: self.status()["generation"] > before, timeout, "a rebuild")

    def children(self) -> list[int]:
        """Process ids whose parent is the server (its PDF worker, the resource tracker)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("PPid:") and int(line.split()[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def interrupt(self, timeout: float = 5.0) -> float:
        """Send SIGINT (Ctrl-C) and wait for the exit; returns the seconds it took."""
        start = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=timeout)
        return time.monotonic() - start

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def make_project(root: Path, sheets: dict[str, str] | None = None, toml: str | None = None,
                 styles: bool = False, templates: bool = False) -> Path:
    """A brief repository in `root`: briefs/ with the given sheets (default: the example)."""
    briefs = root / "briefs"
    briefs.mkdir(parents=True, exist_ok=True)
    for name, text in (sheets or {f"{SHEET_ID}.yaml": example_text()}).items():
        (briefs / name).write_text(text, encoding="utf-8")
    if styles:
        (root / "styles").mkdir(exist_ok=True)
        shutil.copy(STYLES / "screen.css", root / "styles" / "screen.css")
    if templates:
        shutil.copytree(ROOT / "templates", root / "templates")
    if toml is not None:
        (root / "briefgen.toml").write_text(toml, encoding="utf-8")
    return root


def start_server(root: Path, args: Sequence[str] = (), timeout: float = 30.0,
                 env: dict[str, str] | None = None) -> Server:
    """Start `python -m briefgen serve --port 0 ARGS` in `root` (with `env` added to this process's
    environment); returns once it prints its URL."""
    stderr_path = root / "serve-stderr.txt"
    env = {**os.environ, **(env or {})}
    env.pop("BRIEFGEN_DEBUG", None)
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "briefgen", "serve", "--port", "0", *args], cwd=root,
                                   stdout=subprocess.PIPE, stderr=stderr, env=env)
    assert process.stdout is not None
    found: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        found.append(process.stdout.readline().decode("utf-8", "replace"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    line = found[0] if found else ""
    if "http://" not in line:
        process.kill()
        process.wait()
        raise AssertionError(f"serve did not start: {line!r}\n{stderr_path.read_text(errors='replace')}")
    url = line[line.index("http://"):].split()[0]
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    return Server(process, url, port, root, stderr_path, [line])


def raw_request(port: int, data: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """Send raw bytes; return the status code (0 when there was none) and the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    answer = b"".join(chunks)
    try:
        return int(answer.split(b" ", 2)[1]), answer
    except (IndexError, ValueError):
        return 0, answer


def get_raw(port: int, path: str, host: str | None = None, method: str = "GET") -> tuple[int, bytes]:
    host_line = f"Host: {host}\r\n" if host is not None else ""
    request = f"{method} {path} HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n".encode("latin-1")
    return raw_request(port, request)


def write_atomically(path: Path, text: str) -> None:
    """Save as many editors do: write a temporary file beside it, then rename it over the original."""
    temporary = path.with_name(f".{path.name}.tmp~")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The preview of a fresh copy of the example project, stopped after the test."""
    make_project(tmp_path)
    running = start_server(tmp_path)
    try:
        yield running
    finally:
        running.stop()
