"""Publish: atomic writes into the output folder, and the manifest of what briefgen wrote.

The manifest (`manifest.json`) is also the record of ownership: only files it lists,
plus `index.html` and itself, are ever replaced or removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from glob import escape as glob_escape
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
INDEX = "index.html"
GENERATOR = "briefgen"


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and exc.filename is None:
            # A failed write() names no file; the analyst needs to know which one.
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


def remove_leftovers(path: Path) -> None:
    """Remove temporary files that a killed earlier write of `path` left behind."""
    for leftover in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        leftover.unlink(missing_ok=True)


def _plain_name(name: object) -> bool:
    return isinstance(name, str) and bool(name) and Path(name).name == name and not name.startswith(".")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class NotOurs(Exception):
    """The output folder holds a file briefgen did not write, where it would write one."""


@dataclass
class Manifest:
    """What briefgen has written into one output folder, by brief id."""

    briefs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.exists():
            if (folder / INDEX).exists():
                raise NotOurs(f"{folder / INDEX} exists but {path} does not: "
                              "this folder was not written by briefgen")
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise NotOurs(f"{path} is not a briefgen manifest ({exc})") from None
        if not isinstance(data, dict) or data.get("generator") != GENERATOR or not isinstance(data.get("briefs"), list):
            raise NotOurs(f"{path} was not written by briefgen")
        return cls({entry["id"]: entry for entry in data["briefs"] if isinstance(entry, dict) and "id" in entry})

    def owns(self, name: str) -> bool:
        if name in (MANIFEST, INDEX):
            return True
        return any(name == output["path"] for entry in self.briefs.values()
                   for output in entry.get("outputs", {}).values())

    def to_bytes(self) -> bytes:
        data = {"generator": GENERATOR, "format": 1,
                "briefs": [self.briefs[key] for key in sorted(self.briefs)]}
        return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def check_writable(folder: Path, manifest: Manifest, names: list[str]) -> None:
    """Raise NotOurs when writing `names` would replace a file briefgen did not write."""
    for name in names:
        if (folder / name).exists() and not manifest.owns(name):
            raise NotOurs(f"{folder / name} exists and was not written by briefgen; "
                          "move it away or choose another output folder (-o)")


def remove_owned(folder: Path, manifest: Manifest, brief_id: str, keep: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Remove the outputs the manifest lists for `brief_id` (except `keep`), and forget them."""
    entry = manifest.briefs.get(brief_id)
    if not entry:
        return
    for output in entry.get("outputs", {}).values():
        name = output.get("path", "")
        # A manifest is data on disk: only ever remove plain file names inside the folder.
        if name not in keep and _plain_name(name):
            (folder / name).unlink(missing_ok=True)
    if not keep:
        del manifest.briefs[brief_id]
