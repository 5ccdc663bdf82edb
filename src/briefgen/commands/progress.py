"""A progress line for builds on a terminal: briefs done / total, the last brief, elapsed, an estimate.

Only on a terminal (and not with machine-readable output); elsewhere the build prints its
one line per brief when it publishes, and nothing else.
"""

from __future__ import annotations

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


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{rest:02d}"
