"""Publish: the only writer. Outputs into the output folder, atomically, with the manifest
of what briefgen wrote and the site index.

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
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from .pipeline import Outcome, Plan

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


@dataclass(frozen=True)
class Published:
    """What one publish step wrote: (brief id, pages, paths) for each brief written."""

    written: tuple[tuple[str, int | None, tuple[Path, ...]], ...]


def publish(plan: Plan, outcomes: Iterable[Outcome], out: Path) -> Published:
    """Write the outputs of the outcomes that may be published, the manifest and the site index.

    An outcome is published when its sheet's final report (check, plan and render
    diagnostics) does not fail under the plan's strictness. Briefs withheld by the release
    level, and briefs built earlier for another release, are removed from the folder.
    Raises NotOurs when the folder holds files briefgen did not write, OSError when it
    cannot write, and render.TemplateProblem when the index template is broken.
    """
    from .record import BriefRecord
    from .render import render_index
    from .site_index import site_index_view

    assert plan.theme is not None, "a check-only plan has nothing to publish"
    release = plan.release
    manifest = Manifest.read(out)
    reports = {report.path: report for report in plan.final_reports(outcomes)}
    ready = [o for o in outcomes if o.record is not None and not reports[o.path].failed(plan.options.strict)]
    withheld = [s.sheet_id for s in plan.sheets if s.withheld is not None and s.sheet_id is not None]

    folder = out
    for outcome in ready:
        check_writable(folder, manifest, list(outcome.outputs))
    # Withheld briefs and briefs from another release must not stay in this folder:
    # a public site built with --release keeps nothing above its level.
    for brief_id in withheld:
        remove_owned(folder, manifest, brief_id)
    ready_ids = {o.sheet_id for o in ready}
    for brief_id, entry in list(manifest.briefs.items()):
        if brief_id not in ready_ids and entry.get("cleared_to") != release:
            remove_owned(folder, manifest, brief_id)
    for outcome in ready:
        assert outcome.record is not None
        remove_owned(folder, manifest, outcome.sheet_id, keep=set(outcome.outputs))
        manifest.briefs[outcome.sheet_id] = {
            **outcome.record.to_json(),
            "key": outcome.key,
            "outputs": {kind: {"path": name, "sha256": sha256(outcome.outputs[name])}
                        for kind, name in outcome.record.outputs.items()},
        }
    records = []
    for entry in manifest.briefs.values():
        try:
            records.append(BriefRecord.from_json(entry))
        except ValueError:
            continue  # a damaged entry of an earlier build is not listed
    index = render_index(site_index_view(records), plan.theme).encode("utf-8")
    # The manifest goes first: it records ownership of the files about to be written.
    folder.mkdir(parents=True, exist_ok=True)
    for name in [MANIFEST, INDEX, *(n for outcome in ready for n in outcome.outputs)]:
        remove_leftovers(folder / name)  # hidden temporaries of a build that was killed
    write_atomic(folder / MANIFEST, manifest.to_bytes())
    written = []
    for outcome in ready:
        paths = []
        for name, data in outcome.outputs.items():
            write_atomic(folder / name, data)
            paths.append(folder / name)
        assert outcome.record is not None
        written.append((outcome.sheet_id, outcome.record.pages, tuple(paths)))
    write_atomic(folder / INDEX, index)
    return Published(tuple(written))
