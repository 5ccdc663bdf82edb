"""The preview's PDFs: printed on demand in a worker process, kept by job key while still fresh."""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor

from briefgen.records import Job, Outcome
from briefgen.render.brief import run


class Printer:
    """Prints one PDF at a time in a worker process; keeps the `size` latest by their job key."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._futures: OrderedDict[str, Future[Outcome]] = OrderedDict()
        self._executor: ProcessPoolExecutor | None = None
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
            if self._executor is None:
                self._executor = _new_executor()
            try:
                future = self._executor.submit(run, job)
            except Exception:  # a worker died (BrokenProcessPool): start afresh
                _stop_executor(self._executor)
                self._executor = _new_executor()
                future = self._executor.submit(run, job)
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
            executor, self._executor = self._executor, None
        if executor is not None:
            _stop_executor(executor)


def still_fresh(outcome: Outcome, job: Job) -> bool:
    """Whether the files the render of `outcome` read (a logo beside the sheet, say) still hold the
    bytes it read: the key covers the sheet and the theme, not what a template embeds."""
    from briefgen.render.inputs import input_roots, unchanged

    return unchanged(outcome.inputs, input_roots(job.theme, job.source_dir))


def _new_executor() -> ProcessPoolExecutor:
    import multiprocessing

    from briefgen.workers import start_worker

    # spawn: this process has threads, which fork would copy in whatever state they are in.
    # The worker ignores Ctrl-C, which reaches the whole process group (the server stops it
    # itself), and ends when the server dies, however it dies (its executor's queue alone
    # would keep it waiting for ever). No kernel watch: a request's thread starts it.
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker)


def _stop_executor(executor: ProcessPoolExecutor) -> None:
    processes = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=1.0)
        if process.is_alive():
            process.kill()
            process.join(timeout=1.0)
    # With its worker gone, the executor's manager thread sees the pool end and closes its
    # queues: wait for that here, while the interpreter is whole. Left to the exit, the
    # queues' semaphores could be finalised after multiprocessing's own exit handlers, and
    # the resource tracker then printed "leaked semaphore objects" after "preview stopped"
    # (seen once in CI, tests/test_serve.py::test_ctrl_c_stops_quickly_…).
    executor.shutdown(wait=True)
