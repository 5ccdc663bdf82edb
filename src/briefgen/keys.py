"""Job keys and reuse: what a brief's outputs depend on, and whether an output folder's copy still holds.

A key is the sha256 of everything a render reads (the sheet, the audience, the options,
the theme's digest, the toolchain's fingerprint), never a timestamp; a brief is reused
when its key is the one recorded and every file its render read still hashes the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.records import Options
from briefgen.report.diagnostics import Report
from briefgen.sheet.sources import Candidate

if TYPE_CHECKING:
    from briefgen.publish.manifest import BriefEntry


def in_shard(name: str, shard: tuple[int, int] | None) -> bool:
    """Whether the brief `name` belongs to shard K of N.

    By a stable hash of the name alone, so every brief keeps its shard when others are
    added or removed, and every runner agrees without talking to the others.
    """
    if shard is None:
        return True
    number, count = shard
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:16], 16) % count == number - 1


def plan_digest(keys: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(keys):
        digest.update(f"{path}\0{keys[path]}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def reusable(found: Sequence[Candidate], known: Mapping[str, BriefEntry], options: Options, environment: str,
             history: Mapping[str, str] | None = None) -> dict[str, tuple[BriefEntry, str]]:
    """The found sheets whose key equals the one recorded for them, and whose render's inputs
    still hold the bytes recorded: path → (entry, key). `history` is each sheet's Since last time
    digest as the recorded briefs would give it (the plan checks it again once it knows every sheet)."""
    if options.theme is None or not known:
        return {}
    from briefgen.inputs import input_roots, unchanged
    from briefgen.sheet.sources import read_text

    expected = set(options.output_kinds())
    hashed: dict[tuple[Path, str], str | None] = {}  # a template read by every brief is hashed once
    roots_of: dict[Path, dict[str, Path]] = {}
    reusable: dict[str, tuple[BriefEntry, str]] = {}
    for candidate in found:
        path = str(candidate.path)
        entry = known.get(path)
        if entry is None or candidate.refusal is not None or entry.key is None or set(entry.outputs) != expected:
            continue
        text = read_text(candidate.path)
        if text is None or entry.key != job_key(text, path, options, environment, (history or {}).get(path, "")):
            continue
        parent = candidate.path.parent  # resolved once per folder: a resolve is an lstat per path component
        if parent not in roots_of:
            roots_of[parent] = input_roots(options.theme, parent.resolve())
        if unchanged(entry.inputs, roots_of[parent], hashed):
            reusable[path] = (entry, entry.key)
    return reusable


def recorded_report(path: str, entry: BriefEntry) -> Report:
    """The report a sheet had when its outputs were written (what `check` found then), from its manifest entry."""
    from briefgen.sheet.marks import source_lines

    lines: list[str] = []
    if entry.checked:  # the lines are shown under each diagnostic
        from briefgen.sheet.sources import read_text

        lines = source_lines(read_text(Path(path)) or "")
    return Report.of(path, entry.checked, lines)


def environment_key(options: Options) -> str:
    """The toolchain's fingerprint and the theme's digest. Raises ThemeError (a PlanError) for a bad theme."""
    from briefgen.render.toolchain import fingerprint, package_version

    assert options.theme is not None
    environment = f"{fingerprint()}\ntheme={options.theme.digest()}"
    if options.docx:  # python-docx writes a DOCX's package parts, so its version decides the bytes
        environment += f"\npython-docx={package_version('python-docx')}"
    return environment


def job_key(text: str, path: str, options: Options, environment: str, history: str = "") -> str:
    """A job's key: sha256 of the sheet's text, its path as shown, the audience, the options and the environment,
    and `history`, the digest of its Since last time block (records.SinceLastTime.digest; "" for none).

    The sheet's folder is left out: moving a repository (a CI runner's workspace) changes
    no output, since a brief reads nothing beside its sheet that the theme does not cover.
    """
    key = hashlib.sha256()
    audience = options.audience.digest() if options.audience is not None else "None"
    # One locale keys as it always has (str(None) when each scheme decides), so no brief rebuilds for it.
    locales = str(options.locale) if len(options.locales) <= 1 else ",".join(options.locales)
    if options.parallel and len(options.locales) > 1:
        locales += " parallel"
    parts = [text, path, audience, str(options.html), str(options.pdf), locales, environment]
    if options.pdf_variant is not None:  # a PDF without a variant keys as it always has
        parts.append(f"pdf variant {options.pdf_variant}")
    if options.docx:  # likewise a build without Word documents; the reference document's bytes key a DOCX
        reference = options.docx_reference.digest if options.docx_reference is not None else "none"
        parts.append(f"docx reference {reference}")
    if history:  # a brief with no earlier brief keys as it always has
        parts.append(f"since {history}")
    for part in parts:
        key.update(part.encode("utf-8", "surrogatepass"))
        key.update(b"\0")
    return key.hexdigest()
