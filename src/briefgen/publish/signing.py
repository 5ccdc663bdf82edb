"""Replace a built PDF in an output folder by its signed bytes, under the folder's lock, manifest last.

Only a PDF briefgen wrote, with the bytes its manifest recorded, is signed. A pending
journal is written first, as publish does (folder.py), so that a `sign` killed at any
moment leaves a folder whose files the next build recognises as briefgen's own; the PDF
is replaced atomically, then the manifest records the signed bytes' sha256 and the signer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.files import read_regular_file
from briefgen.publish.folder import MAX_OUTPUT_BYTES, folder_lock, remove_leftovers, sync_folder, write_atomic
from briefgen.publish.manifest import JOURNAL, MANIFEST, BriefEntry, Journal, Manifest, NotOurs, OutputFile
from briefgen.publish.policy import sha256

if TYPE_CHECKING:
    from briefgen.publish.signer import Signer


class NothingToSign(NotOurs):
    """The note named has no PDF briefgen wrote in the folder, or it was changed since (exit 2)."""


@dataclass(frozen=True)
class SignedNote:
    """What `sign_note` did: the brief, the file it signed and the manifest's record of the signature."""

    brief_id: str
    path: Path
    output: OutputFile


def sign_note(out: Path, note: str, sign: Callable[[bytes], tuple[bytes, Signer]],
              notify: Callable[[str], None] | None = None) -> SignedNote:
    """Sign OUT/NOTE.pdf with `sign` (the PDF's bytes → the signed bytes and their signer) and record it.

    Raises NothingToSign, NotOurs, OSError, or whatever `sign` raises (before anything is written).
    """
    if not out.is_dir():
        raise NothingToSign(f"{out} is not a folder briefgen built into: build the brief first (briefgen build -o "
                            f"{out})")
    with folder_lock(out, notify=notify):
        remove_leftovers(out)
        manifest = Manifest.read(out)
        if manifest is None:
            raise NotOurs(f"{out / MANIFEST} does not exist: {out} was not written by briefgen; build the brief "
                          "into it first, or choose the output folder with -o")
        if Journal.read(out).known:
            raise NothingToSign(f"a build into {out} was interrupted: build again, then sign")
        entry, kind = _find_pdf(manifest, note, out)
        recorded = entry.outputs[kind]
        data = read_regular_file(out / recorded.path, MAX_OUTPUT_BYTES, whole=True, follow=False)
        if sha256(data) != recorded.sha256:
            raise NothingToSign(f"{out / recorded.path} was changed since briefgen wrote it: briefgen signs only "
                                "the PDF it built; build it again, then sign")
        pdf, signer = sign(data)
        output = OutputFile(recorded.path, sha256(pdf), signer)
        _replace(out, manifest, entry.with_outputs({**entry.outputs, kind: output}), recorded, pdf)
    return SignedNote(entry.id, out / recorded.path, output)


def _find_pdf(manifest: Manifest, note: str, out: Path) -> tuple[BriefEntry, str]:
    """The entry and output kind of the PDF named `note` (ID, or ID.LOCALE); NothingToSign when there is none."""
    wanted = f"{note}.pdf"
    for entry in manifest.briefs.values():
        for kind, output in entry.outputs.items():
            if output.path == wanted:
                return entry, kind
    others = sorted(o.path for e in manifest.briefs.values() for o in e.outputs.values()
                    if o.path.startswith(f"{note}.") and o.path.endswith(".html"))
    if others:
        raise NothingToSign(f"{out} holds no {wanted}, only {', '.join(others)}: briefgen signs PDFs, not HTML; "
                            "build the brief with its PDF (without --no-pdf)")
    pdfs = sorted(o.path for e in manifest.briefs.values() for o in e.outputs.values() if o.path.endswith(".pdf"))
    listed = f"; it holds {', '.join(pdfs[:8])}{' …' if len(pdfs) > 8 else ''}" if pdfs else ""
    raise NothingToSign(f"{out} holds no {wanted} that briefgen built{listed}")


def _replace(out: Path, manifest: Manifest, entry: BriefEntry, recorded: OutputFile, pdf: bytes) -> None:
    """Write the signed PDF and then the manifest that records it, journalled as publish does."""
    briefs = {**manifest.briefs, entry.id: entry}
    journal = Journal({recorded.path: {recorded.sha256, sha256(pdf)}}, {entry.id: entry})
    updated = dataclasses.replace(manifest, briefs=briefs).to_bytes()
    write_atomic(out / JOURNAL, journal.to_bytes())
    sync_folder(out)
    write_atomic(out / recorded.path, pdf)
    sync_folder(out)
    write_atomic(out / MANIFEST, updated)
    (out / JOURNAL).unlink()
    sync_folder(out)
