"""The preview's watcher: watchfiles loops that say when a watched file changed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from briefgen.project import CONFIG_NAME

#: (folders watched recursively, folders watched for briefgen.toml only)
Folders = tuple[list[Path], list[Path]]


class Watcher:
    """Watches the folders `folders()` names until stopped; `rewatch()` asks it again (new settings).

    `changed(config)` is called from a watcher thread after each change, `config` true
    when briefgen.toml was among the files changed.
    """

    def __init__(self, folders: Callable[[], Folders], changed: Callable[[bool], None],
                 stopping: threading.Event) -> None:
        self._folders = folders
        self._changed = changed
        self._stopping = stopping
        self._stop = threading.Event()
        #: Set once the first watches are in place.
        self.watching = threading.Event()

    def rewatch(self) -> None:
        """Stop the current watches and watch the folders `folders()` names now."""
        self._stop.set()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        """Watch until the preview stops (the body of a thread)."""
        import watchfiles

        while not self._stopping.is_set():
            recursive, top = self._folders()
            self._stop = threading.Event()
            stop = self._stop
            groups: list[tuple[list[Path], bool, Callable[[Any, str], bool]]] = []
            if top:
                groups.append((top, False, lambda change, path: Path(path).name == CONFIG_NAME))
            if recursive:
                groups.append((recursive, True, watchfiles.DefaultFilter()))
            ready = [threading.Event() for _ in groups]
            watchers = [threading.Thread(target=self._watch, daemon=True, args=(*group, stop, flag))
                        for group, flag in zip(groups, ready, strict=True)]
            for watcher in watchers:
                watcher.start()
            for flag in ready:
                flag.wait(timeout=5.0)
            self.watching.set()
            stop.wait()
            for watcher in watchers:
                watcher.join(timeout=2.0)

    def _watch(self, paths: list[Path], recursive: bool, keep: Callable[[Any, str], bool],
               stop: threading.Event, ready: threading.Event) -> None:
        import watchfiles

        # step: saves less than 15 ms apart are one change (a burst, an editor's rename
        # dance); debounce caps how long a steady stream of saves can delay a rebuild.
        # An empty yield on each idle timeout says the watches are in place.
        try:
            for changes in watchfiles.watch(*paths, watch_filter=keep, debounce=400, step=15, stop_event=stop,
                                            rust_timeout=250, yield_on_timeout=True, recursive=recursive,
                                            raise_interrupt=False):
                ready.set()
                if changes:
                    self._changed(any(Path(path).name == CONFIG_NAME for _, path in changes))
        except Exception as exc:  # noqa: BLE001 - a folder removed under the watcher, no inotify left…
            ready.set()
            if not self._stopping.is_set():
                click.echo(f"briefgen: watching stopped: {exc}; restart `briefgen serve` to watch again",
                           err=True)
