"""The preview's PDFs: printed on demand in a worker process, kept by job key while still fresh."""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future

from briefgen.records import Job, Outcome
from briefgen.workers import Pool

#: The worker's time limit for one print: the longest `--timeout` a build accepts, so that,
#: as before, a request gives up (pages.PDF_TIMEOUT) long before the print does.
PRINT_LIMIT = 86_400.0


class Printer:
    """Prints one PDF at a time in a worker process; keeps the `size` latest by their job key."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._futures: OrderedDict[str, Future[Outcome]] = OrderedDict()
        # spawn: this process has threads, which fork would copy in whatever state they are in.
        # The worker ignores Ctrl-C, which reaches the whole process group (the server stops it
        # itself), and ends when the server dies, however it dies (workers.watch_parent).
        self._pool = Pool(workers=1, timeout=PRINT_LIMIT, start_method="spawn")
        self._stopped = False

    def future(self, job: Job) -> Future[Outcome]:
        """The print of `job`: the one kept when its outcome is still fresh (or on its way), else a new one."""
        with self._lock:
            found = self._futures.get(job.key)
            if found is not None and (not found.done() or found.exception() is not None
                                      or still_fresh(found.result(), job)):
                self._futures.move_to_end(job.key)
                return found
            if self._stopped:
                raise RuntimeError("the preview is stopping")
            future = self._pool.submit(job)
            self._futures[job.key] = future
            while len(self._futures) > self._size:
                self._futures.popitem(last=False)
            return future

    def forget(self, job: Job) -> None:
        """Print `job` afresh next time (its print failed)."""
        with self._lock:
            self._futures.pop(job.key, None)

    def stop(self) -> None:
        """Stop the worker (at once, mid-print too); no print starts after this."""
        with self._lock:
            self._stopped = True
        self._pool.close()


def still_fresh(outcome: Outcome, job: Job) -> bool:
    """Whether the files the render of `outcome` read (a logo beside the sheet, say) still hold the
    bytes it read: the key covers the sheet and the theme, not what a template embeds."""
    from briefgen.inputs import input_roots, unchanged

    return unchanged(outcome.inputs, input_roots(job.theme, job.source_dir))
