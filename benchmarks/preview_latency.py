"""Preview latency: from saving a fact sheet to the updated brief on screen. Prints a table.

    python benchmarks/preview_latency.py [--edits N] [--chromium PATH]

Starts `briefgen serve` on a free loopback port over a temporary copy of the example,
opens the brief in headless Chromium (Playwright), then N times saves a new title the
way editors do (write a temporary file, rename it over the sheet) and times:
- save → event: until the page's live-reload stream says `changed` (watch, debounce,
  plan, run, compare);
- save → on screen: until the new title is in the page's <h1> (plus the reload).
Target: under 200 ms on screen for the example. Never a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "briefs" / "g20-2025.yaml"
TITLE = "title: Japan–India bilateral meeting at the G20 Leaders' Summit"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def start(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "serve", "--port", "0"], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    match = re.search(r"http://\S+", line)
    if match is None:
        process.kill()
        raise SystemExit(f"serve did not start: {line!r}")
    return process, match.group(0)


class Stream:
    """The live-reload stream the page's script opens, read here to time the server's part."""

    def __init__(self, port: int, events: str) -> None:
        self.changed = threading.Event()
        self.at = 0.0
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(f"GET {events} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = self.sock.recv(4096)
            except OSError:
                return
            if not chunk:
                return
            if b"event: changed" in chunk:
                self.at = time.perf_counter()
                self.changed.set()


def save(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp~")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="briefgen-latency-"))
    (root / "briefs").mkdir()
    sheet = root / "briefs" / EXAMPLE.name
    text = EXAMPLE.read_text(encoding="utf-8")
    sheet.write_text(text, encoding="utf-8")
    process, url = start(root)
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    rows: list[tuple[int, float, float]] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=options.chromium, args=ARGS)
            page = browser.new_page()
            page.goto(url + "g20-2025.html")
            for number in range(1, options.edits + 1):
                page.wait_for_load_state("load")
                time.sleep(0.4)  # the page's stream connects; editing is not back-to-back
                events = page.evaluate("JSON.parse(document.getElementById('briefgen-config').textContent).events")
                stream = Stream(port, events)
                time.sleep(0.1)
                title = f"Edit {number}: Japan–India talks"
                started = time.perf_counter()
                save(sheet, text.replace(TITLE, f'title: "{title}"', 1))
                while True:
                    try:
                        if page.evaluate("document.querySelector('h1') && document.querySelector('h1').textContent") \
                                == title:
                            break
                    except Exception:  # noqa: BLE001 - between two documents
                        pass
                    if time.perf_counter() - started > 10:
                        raise SystemExit(f"edit {number}: the new title never appeared")
                    time.sleep(0.002)
                shown = time.perf_counter()
                stream.changed.wait(2)
                rows.append((number, (stream.at - started) * 1000, (shown - started) * 1000))
                stream.sock.close()
            browser.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)

    print(f"{'edit':>4}  {'save → event':>13}  {'save → on screen':>16}")
    for number, event, shown in rows:
        print(f"{number:>4}  {event:>10.0f} ms  {shown:>13.0f} ms")
    events = [row[1] for row in rows]
    shown_all = [row[2] for row in rows]
    print(f"{'median':>6}{statistics.median(events):>9.0f} ms  {statistics.median(shown_all):>13.0f} ms"
          f"   (min {min(shown_all):.0f}, max {max(shown_all):.0f}; target < 200 ms on screen)")


if __name__ == "__main__":
    main()
