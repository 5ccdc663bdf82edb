"""A progress line for builds on a terminal: briefs done / total, the last brief, elapsed, an estimate.

Only on a terminal (and not with machine-readable output); elsewhere the build prints its
one line per brief when it publishes, and nothing else.
"""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Redraws one line on `stream` as briefs finish; `close` clears it."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled and total > 0
        self.done = 0
        self.started = time.monotonic()
        self.width = 0

    def update(self, name: str) -> None:
        """One more brief, `name`, is done."""
        self.done += 1
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        filled = int(20 * self.done / self.total)
        line = (f"[{'#' * filled}{'.' * (20 - filled)}] {self.done}/{self.total} {name[:40]}  "
                f"{_clock(elapsed)} elapsed, about {_clock(left)} left")
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{rest:02d}"
