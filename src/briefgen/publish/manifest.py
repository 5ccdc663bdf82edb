"""The manifest and the pending journal of an output folder, read as untrusted data into typed records.

Both are files on disk that anyone may have edited, truncated or replaced (by a FIFO, say),
and shards arrive from other machines, so every value is checked before briefgen trusts it:
the file is read only when it is a regular file of bounded size, its nesting is bounded
before the JSON parser recurses, and each field must have the type and form briefgen
writes. A manifest that fails is damaged: briefgen trusts nothing it lists, changes nothing
in the folder, and says which value is wrong (`DamagedManifest`, exit 2).

Adding a field: give the record an attribute, read it in `from_json` with the checks of json_checks.py,
and write it in `to_json`. Unknown fields (from a newer briefgen) are ignored; a newer
format number is refused, since its meaning cannot be known.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, TypeGuard

from briefgen.errors import UsageProblem
from briefgen.inputs import InputFile, plain_name
from briefgen.publish.json_checks import (
    BadValue,
    json_depth,
    kind_of,
    read_digest,
    read_items,
    read_list,
    read_object,
    read_optional,
    read_text,
    read_whole,
)
from briefgen.publish.signer import Signer
from briefgen.records import BriefRecord
from briefgen.report.diagnostics import Diagnostic

if TYPE_CHECKING:
    from briefgen.release.audience import Audience

MANIFEST = "manifest.json"
INDEX = "index.html"
#: Written before the first output, removed after the manifest (see publish.py).
JOURNAL = ".briefgen-pending.json"
#: The folder of the site's search index (Pagefind's bundle, publish/search.py), owned as a whole.
SEARCH = "pagefind"
GENERATOR = "briefgen"
#: The manifest format this briefgen writes and reads; a larger number is a newer briefgen's.
FORMAT = 1
#: Names briefgen writes besides briefs: a brief's output may never take one of them.
RESERVED = frozenset({MANIFEST, INDEX, JOURNAL, SEARCH})
#: The later pages of a site index of many briefs (index-2.html…; render/site_index.py).
_INDEX_PAGE = re.compile(r"index-[1-9][0-9]*\.html")


#: The pages across briefs (render/cross_pages.py): KIND/KEY.html, a country's KIND/KEY.pdf, KIND/index.html.
#: The folders are across.history.KINDS; keys are slugs or ISO codes (across/identity.py).
_CROSS_PAGE = re.compile(r"(?:countries|frameworks|people|commitments)/[A-Za-z0-9][A-Za-z0-9-]{0,99}\.(?:html|pdf)")


def is_cross_page(name: str) -> bool:
    """Whether `name` is a page across briefs: "countries/IN.html", "frameworks/index.html"."""
    return _CROSS_PAGE.fullmatch(name) is not None


def is_index_page(name: str) -> bool:
    """Whether `name` is a page of the site index: index.html, index-2.html, index-3.html…"""
    return name == INDEX or (_INDEX_PAGE.fullmatch(name) is not None and name != "index-1.html")


def is_reserved(name: str) -> bool:
    """Whether `name` is one briefgen keeps for its own files, so that no brief's output may take it."""
    return name in RESERVED or is_index_page(name)
#: Far above any real manifest (a brief's entry is a few KiB), far below what hurts.
MAX_BYTES = 64 << 20
#: briefgen writes at most 6 levels of nesting (a signed output's signer); the parser recurses once per level.
MAX_DEPTH = 16
_SEVERITIES = ("error", "warning", "note")



class NotOurs(UsageProblem):
    """The output folder holds a file briefgen did not write, where it would write one (exit 2)."""


class DamagedManifest(NotOurs):
    """A manifest or journal that briefgen wrote was changed so that it cannot be trusted."""


def plain_file_name(name: object) -> TypeGuard[str]:
    """Whether `name` is a plain file name inside a folder (no folder part, not hidden)."""
    return isinstance(name, str) and bool(name) and PurePath(name).name == name and not name.startswith(".") \
        and "/" not in name and "\\" not in name and "\0" not in name


# --- the records ------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputFile:
    """One file briefgen wrote for a brief: its name in the folder and the sha256 of its bytes
    (and who signed those bytes, for a PDF `briefgen sign` signed)."""

    path: str
    sha256: str
    signer: Signer | None = None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"path": self.path, "sha256": self.sha256}
        if self.signer is not None:
            data["signer"] = self.signer.to_json()
        return data


@dataclass(frozen=True)
class BriefEntry:
    """One brief as the manifest records it: its record, files, key, source and what was found."""

    record: BriefRecord
    #: Output format → the file written, e.g. {"html": OutputFile("g20-2025.html", "…")}.
    outputs: Mapping[str, OutputFile]
    #: The job key it was rendered under (pipeline.job_key); None in hand-made entries, never reused.
    key: str | None = None
    #: The fact sheet's path as diagnostics show it.
    source: str | None = None
    #: Warnings rendering found, and what checking the sheet found: reported again when it is reused.
    diagnostics: tuple[Diagnostic, ...] = ()
    checked: tuple[Diagnostic, ...] = ()
    #: Every file the render read besides the sheet (inputs.py), hashed again before reuse.
    inputs: tuple[InputFile, ...] = ()

    def __post_init__(self) -> None:
        # The record names exactly the files the entry vouches for, never more.
        names = {kind: output.path for kind, output in self.outputs.items()}
        if dict(self.record.outputs) != names:
            object.__setattr__(self, "record", dataclasses.replace(self.record, outputs=names))

    @property
    def id(self) -> str:
        return self.record.id

    def with_outputs(self, outputs: Mapping[str, OutputFile]) -> BriefEntry:
        return dataclasses.replace(self, outputs=dict(outputs))

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {**self.record.to_json(),
                                   "outputs": {kind: o.to_json() for kind, o in self.outputs.items()},
                                   "diagnostics": [d.to_json() for d in self.diagnostics],
                                   "checked": [d.to_json() for d in self.checked],
                                   "inputs": [i.to_json() for i in self.inputs]}
        if self.key is not None:
            data["key"] = self.key
        if self.source is not None:
            data["source"] = self.source
        return data

    @classmethod
    def from_json(cls, value: object, where: str) -> BriefEntry:
        """An entry read back; raises BadValue naming the first value that is not what briefgen writes."""
        entry = read_object(value, where)
        if "outputs" not in entry:
            raise BadValue(f"{where}.outputs", "is missing")
        outputs = {kind: _output(output, f"{where}.outputs.{kind}")
                   for kind, output in read_object(entry["outputs"], f"{where}.outputs").items()}
        try:
            record = BriefRecord.from_json({**entry, "outputs": {}}, where)
        except ValueError as exc:
            raise BadValue.worded(str(exc)) from None
        return cls(record, outputs,
                   key=read_optional(entry.get("key"), f"{where}.key", read_text),
                   source=read_optional(entry.get("source"), f"{where}.source", read_text),
                   diagnostics=read_items(entry.get("diagnostics", []), f"{where}.diagnostics", _diagnostic),
                   checked=read_items(entry.get("checked", []), f"{where}.checked", _diagnostic),
                   inputs=read_items(entry.get("inputs", []), f"{where}.inputs", _input))


@dataclass(frozen=True)
class BuildStamp:
    """What a manifest says of the build that wrote its folder, for `assemble` to check shards by.

    It names no brief: a release folder is public to its audience, and the plan's digest
    (of every sheet found, in every shard, and its key) tells nothing about what was withheld.
    """

    #: The audience the briefs were cut for, or None for full documents.
    audience: Audience | None
    #: (K, N) of a shard build, or None.
    shard: tuple[int, int] | None
    #: pipeline.Plan.digest: every fact sheet found and its key.
    plan: str
    #: briefgen's version.
    version: str

    def to_json(self) -> dict[str, object]:
        return {"audience": self.audience.to_json() if self.audience is not None else None,
                "shard": list(self.shard) if self.shard is not None else None,
                "plan": self.plan, "version": self.version}

    @classmethod
    def from_json(cls, value: object, where: str) -> BuildStamp:
        """A stamp read back; raises BadValue naming the first value that is not what briefgen writes."""
        from briefgen.release.audience import Audience

        found = read_object(value, where)
        audience = None
        if found.get("audience") is not None:
            audience = Audience.from_json(found["audience"])
            if audience is None:
                raise BadValue(f"{where}.audience", "is not an audience as briefgen records one (or its digest "
                                                "does not match what it reads)")
        shard = found.get("shard")
        pair = None
        if shard is not None:
            numbers = read_list(shard, f"{where}.shard")
            if len(numbers) != 2:
                raise BadValue(f"{where}.shard", "must be [K, N]")
            k, n = (read_whole(number, f"{where}.shard[{i}]") for i, number in enumerate(numbers))
            if not 1 <= k <= n:
                raise BadValue(f"{where}.shard", "must be [K, N] with 1 <= K <= N")
            pair = (k, n)
        return cls(audience, pair, read_digest(found.get("plan"), f"{where}.plan"),
                   read_text(found.get("version"), f"{where}.version"))


@dataclass(frozen=True)
class SearchBundle:
    """The site's search index as briefgen wrote it into `pagefind/`: what it was built from, and every file."""

    #: sha256 of what it was built from: the name and hash of each HTML page indexed, Pagefind's version.
    inputs: str
    #: Each file's path inside `pagefind/` ("fragment/en_1a2b.pf_fragment") → the sha256 of its bytes.
    files: Mapping[str, str]

    def to_json(self) -> dict[str, object]:
        return {"path": SEARCH, "inputs": self.inputs, "files": dict(sorted(self.files.items()))}

    @classmethod
    def from_json(cls, value: object, where: str) -> SearchBundle:
        """A bundle read back; raises BadValue naming the first value that is not what briefgen writes."""
        found = read_object(value, where)
        if found.get("path") != SEARCH:
            raise BadValue(f"{where}.path", f"must be {SEARCH!r}")
        files = {bundle_path(name, f"{where}.files"): read_digest(digest, f"{where}.files.{name}")
                 for name, digest in read_object(found.get("files"), f"{where}.files").items()}
        return cls(read_digest(found.get("inputs"), f"{where}.inputs"), files)


def bundle_path(name: str, where: str) -> str:
    """`name` when it is a path inside the search folder as Pagefind writes one: at most two plain parts."""
    parts = name.split("/")
    if not 1 <= len(parts) <= 2 or not all(plain_file_name(part) for part in parts):
        raise BadValue(where, f"names {name[:80]!r}, which is not a file in the search index's folder")
    return name


@dataclass
class Manifest:
    """What briefgen has written into one output folder: entries by brief id, and the index's hash."""

    briefs: dict[str, BriefEntry] = field(default_factory=dict)
    #: sha256 of the index.html briefgen wrote; None in manifests of earlier versions.
    index: str | None = None
    #: Files briefgen wrote once but left alone since, because they were changed by hand.
    left_alone: tuple[str, ...] = ()
    #: What build wrote the folder (audience, shard, plan, version); None in earlier manifests.
    stamp: BuildStamp | None = None
    #: sha256 of each later page of the site index briefgen wrote (index-2.html…), by name.
    index_pages: dict[str, str] = field(default_factory=dict)
    #: The search index in `pagefind/`, when briefgen wrote one.
    search: SearchBundle | None = None
    #: Each page across briefs briefgen wrote (countries/IN.html…), by name: its bytes' sha256 and the
    #: digest of what it shows (CrossPage.inputs), so that a page whose inputs did not change is not drawn again.
    cross_pages: dict[str, CrossFile] = field(default_factory=dict)
    #: The digest of what the site index was drawn from (policy.index_inputs): the same, it is not drawn again.
    index_inputs: str | None = None
    #: sha256 of the bytes this manifest was read from (None when it was not read from a file).
    read_from: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def read(cls, folder: Path, seen: Manifest | None = None) -> Manifest | None:
        """The folder's manifest, or None when there is none.

        `seen` is a manifest read from this folder earlier in the same build: when the file
        still holds the bytes it was read from, it is returned as it is rather than parsed
        again (a build reads the manifest before planning and again under the folder's lock;
        at 10,000 briefs parsing and checking it takes a second).
        Raises NotOurs for a file that is not briefgen's manifest (or cannot be read as one),
        DamagedManifest for one of briefgen's that was changed so that it cannot be trusted.
        """
        import hashlib

        path = folder / MANIFEST
        raw = _read_bytes(path, "manifest")
        if raw is None:
            return None
        digest = hashlib.sha256(raw).hexdigest()
        if seen is not None and seen.read_from == digest:
            return seen
        data = _parse_json(raw, path, "manifest")
        try:
            return dataclasses.replace(cls.from_json(data), read_from=digest)
        except BadValue as bad:
            raise _damaged(path, bad) from None

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Manifest:
        index = read_optional(data.get("index"), "index", read_object)
        return cls(_entries(data.get("briefs"), "briefs"),
                   read_digest(index.get("sha256"), "index.sha256") if index is not None else None,
                   tuple(read_items(data.get("left_alone", []), "left_alone", _left_alone_name)),
                   read_optional(data.get("build"), "build", BuildStamp.from_json),
                   dict(read_items(data.get("index_pages", []), "index_pages", _index_page)),
                   read_optional(data.get("search"), "search", SearchBundle.from_json),
                   dict(read_items(data.get("cross_pages", []), "cross_pages", _cross_file)),
                   read_digest(index.get("inputs"), "index.inputs") if index is not None and "inputs" in index
                   else None)

    def to_bytes(self) -> bytes:
        data: dict[str, object] = {"generator": GENERATOR, "format": FORMAT,
                                   "briefs": [self.briefs[key].to_json() for key in sorted(self.briefs)]}
        if self.index is not None:
            index = {"path": INDEX, "sha256": self.index}
            if self.index_inputs is not None:
                index["inputs"] = self.index_inputs
            data["index"] = index
        if self.index_pages:
            data["index_pages"] = [{"path": name, "sha256": self.index_pages[name]}
                                   for name in sorted(self.index_pages, key=_page_order)]
        if self.left_alone:
            data["left_alone"] = sorted(self.left_alone)
        if self.stamp is not None:
            data["build"] = self.stamp.to_json()
        if self.search is not None:
            data["search"] = self.search.to_json()
        if self.cross_pages:
            data["cross_pages"] = [{"path": name, "sha256": page.sha256, "inputs": page.inputs}
                                   for name, page in sorted(self.cross_pages.items())]
        return _dump(data)


@dataclass(frozen=True)
class CrossFile:
    """A page across briefs as the manifest records it: its bytes' hash, and the digest of its inputs."""

    sha256: str
    inputs: str


@dataclass
class Journal:
    """The pending journal of a build that had begun writing: hashes it may have left at each
    name, and the manifest entries it was about to record."""

    known: dict[str, set[str]] = field(default_factory=dict)
    briefs: dict[str, BriefEntry] = field(default_factory=dict)
    #: Every search index the build may have left in `pagefind/` (the recorded one and the one it built).
    searches: tuple[SearchBundle, ...] = ()

    @classmethod
    def read(cls, folder: Path) -> Journal:
        """The folder's journal; an empty one when there is none. Raises NotOurs or DamagedManifest
        as Manifest.read does: a journal vouches for files, so a doubtful one must not."""
        path = folder / JOURNAL
        data = _read_json(path, "pending journal")
        if data is None:
            return cls()
        try:
            known = {_known_name(name): set(read_items(digests, f"known.{name}", read_digest))
                     for name, digests in read_object(data.get("known", {}), "known").items()}
            return cls(known, _entries(data.get("briefs"), "briefs"),
                       read_items(data.get("searches", []), "searches", SearchBundle.from_json))
        except BadValue as bad:
            raise _damaged(path, bad) from None

    def to_bytes(self) -> bytes:
        data: dict[str, object] = {
            "generator": GENERATOR, "format": FORMAT,
            "known": {name: sorted(digests) for name, digests in sorted(self.known.items())},
            "briefs": [self.briefs[key].to_json() for key in sorted(self.briefs)]}
        if self.searches:
            data["searches"] = [search.to_json() for search in self.searches]
        return _dump(data)


# --- reading ------------------------------------------------------------------------------

def _damaged(path: Path, bad: BadValue) -> DamagedManifest:
    return DamagedManifest(f"{path} is damaged: {bad}; briefgen trusts nothing it lists and changed nothing "
                           f"in {path.parent}: restore it from a good copy, or build into a new folder")


_MOVE_IT = "move it away, or build into a new folder"


def _read_json(path: Path, what: str) -> Mapping[str, object] | None:
    """The JSON object in `path` if briefgen wrote it; None when there is no file."""
    raw = _read_bytes(path, what)
    return None if raw is None else _parse_json(raw, path, what)


def _read_bytes(path: Path, what: str) -> bytes | None:
    """The bytes of the regular file `path` (never through a link); None when there is no file."""
    from briefgen.files import read_regular_file

    try:
        return read_regular_file(path, MAX_BYTES, whole=True, follow=False)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise NotOurs(f"{path} cannot be read as briefgen's {what} ({exc.strerror or exc}); {_MOVE_IT}") from None


def _parse_json(raw: bytes, path: Path, what: str) -> Mapping[str, object]:
    """The JSON object in `raw` (read from `path`) if briefgen wrote it."""
    try:
        text = raw.decode("utf-8")
        depth = json_depth(text)
        if depth > MAX_DEPTH:
            raise ValueError(f"nested {depth:,} levels deep, where briefgen writes at most {MAX_DEPTH}")
        data = json.loads(text)
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise NotOurs(f"{path} is not a briefgen {what} ({str(exc)[:200]}); {_MOVE_IT}") from None
    if not isinstance(data, dict) or data.get("generator") != GENERATOR:
        raise NotOurs(f"{path} was not written by briefgen; {_MOVE_IT}")
    version = data.get("format", FORMAT)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _damaged(path, BadValue("format", f"must be a whole number, not {kind_of(version)}"))
    if version > FORMAT:
        raise NotOurs(f"{path} was written by a newer briefgen (format {version}, this one reads {FORMAT}): "
                      "update briefgen, or build into a new folder")
    return data


def _dump(data: Mapping[str, object]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _entries(value: object, where: str) -> dict[str, BriefEntry]:
    found: dict[str, BriefEntry] = {}
    for position, item in enumerate(read_list(value, where)):
        entry = BriefEntry.from_json(item, f"{where}[{position}]")
        if entry.id in found:
            raise BadValue(f"{where}[{position}].id", f"repeats the brief '{entry.id[:80]}' listed before it")
        found[entry.id] = entry
    return found


def _file_name(value: object, where: str) -> str:
    if not plain_file_name(value) or is_reserved(value):
        # Data on disk may only ever name plain files inside the folder.
        raise BadValue(where, "must be the name of a file in the folder (no folder part, not hidden, "
                          "not one of briefgen's own)")
    return value


def _left_alone_name(value: object, where: str) -> str:
    # The search index's folder is left alone as a whole when a file in it was changed by hand.
    return SEARCH if value == SEARCH else _file_name(value, where)


def _known_name(name: str) -> str:
    return name if is_index_page(name) or is_cross_page(name) else _file_name(name, f"known.{name}")


def _cross_file(value: object, where: str) -> tuple[str, CrossFile]:
    page = read_object(value, where)
    name = page.get("path")
    if not isinstance(name, str) or not is_cross_page(name):
        raise BadValue(f"{where}.path", "must name a page across briefs (countries/IN.html…)")
    return name, CrossFile(read_digest(page.get("sha256"), f"{where}.sha256"),
                           read_digest(page.get("inputs"), f"{where}.inputs"))


def _index_page(value: object, where: str) -> tuple[str, str]:
    page = read_object(value, where)
    name = page.get("path")
    if not isinstance(name, str) or name == INDEX or not is_index_page(name):
        raise BadValue(f"{where}.path", "must name a later page of the site index (index-2.html…)")
    return name, read_digest(page.get("sha256"), f"{where}.sha256")


def _page_order(name: str) -> int:
    return int(name[len("index-"): -len(".html")])


def _output(value: object, where: str) -> OutputFile:
    output = read_object(value, where)
    return OutputFile(_file_name(output.get("path"), f"{where}.path"),
                      read_digest(output.get("sha256"), f"{where}.sha256"),
                      read_optional(output.get("signer"), f"{where}.signer", Signer.from_json))


def _input(value: object, where: str) -> InputFile:
    found = read_object(value, where)
    name = read_text(found.get("name"), f"{where}.name")
    if not plain_name(name):
        raise BadValue(f"{where}.name", "must be a path below its root (no `..`, not absolute)")
    return InputFile(read_text(found.get("root"), f"{where}.root"), name,
                     read_digest(found.get("sha256"), f"{where}.sha256"))


def _diagnostic(value: object, where: str) -> Diagnostic:
    found = read_object(value, where)
    severity = found.get("severity")
    if severity not in _SEVERITIES:
        raise BadValue(f"{where}.severity", "must be one of: " + ", ".join(_SEVERITIES))
    return Diagnostic(path=read_text(found.get("path"), f"{where}.path"),
                      line=read_whole(found.get("line"), f"{where}.line"),
                      col=read_whole(found.get("col"), f"{where}.col"), severity=severity,  # type: ignore[arg-type]
                      code=read_text(found.get("code"), f"{where}.code"),
                      message=read_text(found.get("message"), f"{where}.message"),
                      hint=read_optional(found.get("hint"), f"{where}.hint", read_text),
                      end_line=read_whole(found.get("end_line", 0), f"{where}.end_line"),
                      end_col=read_whole(found.get("end_col", 0), f"{where}.end_col"))
