"""Progress of a build: a redrawn line on a terminal, log lines elsewhere (a CI log).

On a terminal (text output) one line is redrawn as briefs finish: done / total, the last brief,
elapsed, an estimate. Off a terminal nothing can be redrawn, and a CI log that stays silent
until the build ends looks hung: `LogProgress` writes a line as each brief finishes rendering
and, on a long build, a count every `interval` seconds while it waits. The build's own lines
("built ID: …") still come when it publishes.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from briefgen.records import Outcome


class Progress:
    """Redraws one line on `stream` as briefs finish; `stop` clears it (a pipeline.BuildProgress)."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.wanted = enabled
        self.enabled = False
        self.total = 0
        self.count = 0
        self.started = time.monotonic()
        self.width = 0

    def start(self, total: int) -> None:
        """The build will render `total` briefs."""
        self.total = total
        self.enabled = self.wanted and total > 0
        self.started = time.monotonic()

    def done(self, outcome: Outcome) -> None:
        """One more brief is done."""
        self.count += 1
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        left = elapsed / self.count * (self.total - self.count)
        filled = int(20 * self.count / self.total)
        line = (f"[{'#' * filled}{'.' * (20 - filled)}] {self.count}/{self.total} {outcome.sheet_id[:40]}  "
                f"{_clock(elapsed)} elapsed, about {_clock(left)} left")
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def stop(self) -> None:
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


class LogProgress:
    """A line per brief as it finishes, and a count every `interval` seconds (a pipeline.BuildProgress)."""

    def __init__(self, stream: TextIO, interval: float = 10.0) -> None:
        self.stream = stream
        self.interval = interval
        self.total = 0
        self.count = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._beat: threading.Thread | None = None

    def start(self, total: int) -> None:
        self.total, self.count, self.started = total, 0, time.monotonic()
        if total == 0:
            return
        self._write(f"rendering {total} brief{'s' if total != 1 else ''}")
        self._beat = threading.Thread(target=self._heartbeat, name="briefgen-progress", daemon=True)
        self._beat.start()

    def done(self, outcome: Outcome) -> None:
        with self._lock:
            self.count += 1
            count = self.count
        state = "rendered" if outcome.record is not None else "failed"
        self._write(f"[{count}/{self.total}] {state} {outcome.sheet_id} "
                    f"({_clock(time.monotonic() - self.started)} elapsed)")

    def stop(self) -> None:
        self._stopped.set()
        if self._beat is not None:
            self._beat.join()
            self._beat = None

    def _heartbeat(self) -> None:
        while not self._stopped.wait(self.interval):
            with self._lock:
                count = self.count
            elapsed = time.monotonic() - self.started
            estimate = f", about {_clock(elapsed / count * (self.total - count))} left" if count else ""
            self._write(f"… {count}/{self.total} briefs rendered, {_clock(elapsed)} elapsed{estimate}")

    def _write(self, line: str) -> None:
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{rest:02d}"
