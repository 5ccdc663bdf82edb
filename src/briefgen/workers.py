"""The worker pool: long-lived processes that run jobs, with a time limit per brief.

Each worker imports WeasyPrint once and keeps its font configuration across briefs;
the parent never imports it. A job that runs past its time limit is stopped (its
worker killed and replaced) and reported for that brief; a worker that dies is
replaced and its brief reported; Ctrl-C stops every worker before it propagates.
Outcomes come back in any order; callers sort them (builds stay byte-identical
whatever the number of workers).

A worker never outlives its parent, however the parent dies (SIGKILL included): each
watches its parent (`watch_parent`) and ends itself within WATCH_INTERVAL of its death.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from briefgen.records import Job, Outcome
from briefgen.render.brief import run
from briefgen.report.diagnostics import Diagnostic, Span

#: Default time limit for one brief, in seconds.
DEFAULT_TIMEOUT = 120.0
#: How long a new worker may take to import its libraries before its first brief.
STARTUP_LIMIT = 300.0
_STARTED = "started"
#: A worker is replaced after this many briefs, so that no cache inside a library can grow without bound.
JOBS_PER_WORKER = 100
#: How often a worker looks whether its parent still lives, in seconds (when the parent's
#: death cannot wake it at once).
WATCH_INTERVAL = 0.2
#: The codes of the outcomes a pool makes itself, for a job it could not finish.
CRASHED, TIMED_OUT = "render-crashed", "render-timeout"
#: prctl(2) option: the signal the kernel sends a process when the thread that made it ends.
_PR_SET_PDEATHSIG = 1


def default_workers() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def start_worker(kernel_watch: bool = False) -> None:
    """Set up a worker process: Ctrl-C is its parent's to handle, and it ends with its parent.

    Ctrl-C reaches the whole process group; the parent decides what stops, so a worker
    never dies half-way through sending an outcome. `kernel_watch` asks Linux to kill this process when the thread
    that started it ends: only for a worker started by a thread that lives as long as
    its process.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if kernel_watch:
        _die_with_parent_thread()
    watch_parent()


def watch_parent() -> None:
    """End this process (at once, without cleaning up) within WATCH_INTERVAL of its parent's death.

    A thread waits on the parent's sentinel (a pipe only the parent holds open, a process
    handle on Windows) and, in case another process holds that pipe too, looks every
    WATCH_INTERVAL whether this process was handed to another parent. A worker writes
    nothing, so nothing is lost by ending it mid-brief.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # the main process: nobody to watch
        return
    parent_pid, sentinel = parent.pid, parent.sentinel

    def watch() -> None:
        while not wait([sentinel], timeout=WATCH_INTERVAL):
            if os.getppid() != parent_pid:
                break
        os._exit(1)

    threading.Thread(target=watch, name="briefgen-parent-watch", daemon=True).start()


def _die_with_parent_thread() -> None:
    """Linux: have the kernel send SIGKILL when the parent's thread ends (prctl PR_SET_PDEATHSIG).

    A belt to watch_parent's braces, for a worker busy in native code that keeps Python's
    other threads from running.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not glibc or musl: watch_parent alone
        pass


def _serve(connection: Connection, inherited: Sequence[Connection] = (), kernel_watch: bool = False) -> None:
    """A worker's loop: receive a job, send back its outcome, until told to stop.

    `inherited` are the parent's ends of pipes that a forked worker got a copy of (its
    own and those of the workers started before it): closed at once, so that only the
    parent holds them and a worker sees end-of-file when its parent dies.
    """
    # A forked worker shares its parent's heap (every sheet of the plan) until it writes to
    # it; the collector would write to all of it (a full collection touches every object's
    # header), copying the whole plan into each worker. Frozen, the inherited objects are
    # never collected here; they were the parent's to collect anyway.
    gc.freeze()
    for end in inherited:
        end.close()
    start_worker(kernel_watch)
    # WeasyPrint is imported by the first brief that prints a PDF and then kept, with its
    # font configuration, for every later brief this worker renders.
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        connection.send(_STARTED)  # the time limit counts from here, not from the worker's start-up
        connection.send(run(job))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    job: Job | None = None
    #: When the job was sent, and when the worker said it started on it.
    sent: float = 0.0
    started: float | None = None
    done: int = 0

    def deadline(self, timeout: float) -> float:
        return self.started + timeout if self.started is not None else self.sent + STARTUP_LIMIT


@dataclass
class Pool:
    """`workers` processes running jobs; use as a context manager so that none is left behind.

    `run` runs a batch and returns when it is done; `submit` hands one job to a thread of
    the pool's own, which runs the jobs submitted one after another (on long-lived
    workers, as `run` does), for a caller that must not wait: the preview's PDFs.
    `start_method` is multiprocessing's: fork where there is one, unless the caller has
    threads of its own (fork would copy them in whatever state they are in): then spawn.
    """

    workers: int = field(default_factory=default_workers)
    timeout: float = DEFAULT_TIMEOUT
    start_method: str | None = None
    _pool: list[_Worker] = field(default_factory=list)
    _submitted: queue.SimpleQueue[tuple[Job, Future[Outcome]] | None] = field(default_factory=queue.SimpleQueue)
    _runner: threading.Thread | None = None
    _closing: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        method = self.start_method or ("fork" if hasattr(os, "fork") else "spawn")
        forking = method == "fork"
        context: Any = multiprocessing.get_context(method)
        parent, child = context.Pipe()
        # A spawned worker inherits nothing; a forked one a copy of every descriptor.
        inherited = (parent, *(w.connection for w in self._pool)) if forking else ()
        kernel_watch = threading.current_thread() is threading.main_thread()
        process = context.Process(target=_serve, args=(child, inherited, kernel_watch), daemon=True,
                                  name="briefgen-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._pool.append(worker)
        return worker

    def _stop(self, worker: _Worker) -> None:
        self._pool.remove(worker)
        worker.connection.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)

    def submit(self, job: Job) -> Future[Outcome]:
        """Run `job` after those submitted before it; its outcome (a failed one when it timed out or
        its worker died) comes in the future. The pool's thread starts with the first job."""
        future: Future[Outcome] = Future()
        self._submitted.put((job, future))
        if self._runner is None:
            self._closing.clear()
            self._runner = threading.Thread(target=self._run_submitted, name="briefgen-pool", daemon=True)
            self._runner.start()
        return future

    def _run_submitted(self) -> None:
        while (item := self._submitted.get()) is not None:
            job, future = item
            if self._closing.is_set():
                future.cancel()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self.run([job])[0])
            except BaseException as exc:  # noqa: BLE001 - the caller hears of it through the future
                future.set_exception(exc)

    def _stop_runner(self) -> None:
        """Stop the thread of `submit`: the job it runs is stopped at once, those waiting cancelled."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._closing.set()
        self._submitted.put(None)
        while runner.is_alive():
            # A busy worker is killed: its job ends as a failed outcome, and the thread with it.
            for worker in list(self._pool):
                if worker.job is not None and worker.process.is_alive():
                    worker.process.kill()
            runner.join(timeout=0.05)
        self._submitted = queue.SimpleQueue()

    def close(self) -> None:
        """Stop every worker (politely when idle, by force when busy) and wait for them."""
        self._stop_runner()
        for worker in list(self._pool):
            if worker.job is None and worker.process.is_alive():
                try:
                    worker.connection.send(None)
                except OSError:
                    pass
        deadline = time.monotonic() + 2
        for worker in list(self._pool):
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            self._stop(worker)

    def run(self, jobs: Sequence[Job], on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
        """Run every job; return the outcomes in the order of `jobs`."""
        waiting = deque(jobs)
        outcomes: dict[int, Outcome] = {}
        position = {id(job): index for index, job in enumerate(jobs)}

        def finish(job: Job, outcome: Outcome) -> None:
            outcomes[position[id(job)]] = outcome
            if on_done is not None:
                on_done(outcome)

        try:
            while waiting or any(w.job is not None for w in self._pool):
                idle = [w for w in self._pool if w.job is None]
                while waiting and (idle or len(self._pool) < self.workers):
                    worker = idle.pop() if idle else self._start()
                    worker.job = waiting.popleft()
                    worker.sent, worker.started = time.monotonic(), None
                    worker.connection.send(worker.job)
                busy = [w for w in self._pool if w.job is not None]
                wait_for = min(w.deadline(self.timeout) for w in busy) - time.monotonic()
                ready = wait([w.connection for w in busy], timeout=max(0.0, wait_for))
                for worker in busy:
                    job = worker.job
                    assert job is not None
                    if worker.connection in ready:
                        try:
                            outcome = worker.connection.recv()
                            if outcome == _STARTED:
                                worker.started = time.monotonic()
                                continue
                        except (EOFError, OSError):
                            self._stop(worker)
                            finish(job, _failed(job, CRASHED,
                                                "the process rendering this brief stopped unexpectedly",
                                                "run `briefgen build` on this sheet alone; if it happens "
                                                "again, report it with `briefgen doctor`"))
                            continue
                        worker.job = None
                        worker.done += 1
                        finish(job, outcome)
                        if worker.done >= JOBS_PER_WORKER:
                            worker.connection.send(None)
                            self._stop(worker)
                    elif time.monotonic() >= worker.deadline(self.timeout):
                        self._stop(worker)
                        finish(job, _failed(job, TIMED_OUT,
                                            f"rendering this brief took longer than {self.timeout:g} s and was stopped",
                                            "shorten the brief, or raise the limit with --timeout"))
        except BaseException:
            # Ctrl-C or a bug: no worker outlives the build.
            for worker in list(self._pool):
                self._stop(worker)
            raise
        return [outcomes[index] for index in range(len(jobs))]


def _failed(job: Job, code: str, message: str, hint: str) -> Outcome:
    return Outcome(job.sheet_id, job.path, job.key,
                   diagnostics=(Diagnostic.at(job.path, Span(1, 1), "error", code, message, hint),))


def run_jobs(jobs: Iterable[Job], workers: int, timeout: float = DEFAULT_TIMEOUT,
             on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run `jobs` in a pool of `workers` processes; outcomes in the order of `jobs`."""
    todo = list(jobs)
    if not todo:
        return []
    with Pool(workers=max(1, min(workers, len(todo))), timeout=timeout) as pool:
        return pool.run(todo, on_done)
