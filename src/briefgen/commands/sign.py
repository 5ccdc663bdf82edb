"""`briefgen sign ID --key KEY.p12`: sign a built PDF (PAdES B-B, or B-T with --timestamp) and record it."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.commands.options import GuardedPath
from briefgen.commands.shared import check_output, io_error, quiet_pyhanko, user_errors
from briefgen.errors import EXIT_IO

if TYPE_CHECKING:
    from pyhanko.sign.timestamps import TimeStamper

    from briefgen.signing.keys import SigningKey

#: A passphrase file is read whole; far above any passphrase.
MAX_PASSPHRASE_BYTES = 64 << 10


@click.command("sign")
@click.argument("note", metavar="ID")
@click.option("--key", "key_path", required=True, metavar="KEY.p12",
              type=GuardedPath(dir_okay=False, path_type=Path),
              help="The approver's key and certificate, as a PKCS#12 file (.p12, .pfx).")
@click.option("--passphrase-file", type=GuardedPath(dir_okay=False, path_type=Path), metavar="FILE",
              help="Read the key file's passphrase from FILE (one trailing newline is ignored).")
@click.option("--passphrase-env", metavar="NAME",
              help="Read the key file's passphrase from the environment variable NAME. Without either, "
                   "briefgen asks for it when run in a terminal.")
@click.option("--name", help="The approver's name in the signature block (default: the certificate's common name).")
@click.option("--role", help="The approver's role in the signature block, e.g. \"Minister of State\".")
@click.option("--timestamp", "tsa_url", metavar="URL",
              help="Have the time-stamp authority at URL (RFC 3161) countersign the time: PAdES B-T "
                   "(default: B-B, the signer's own clock).")
@click.option("--invisible", is_flag=True, help="Sign without the visible block on the last page.")
@click.option("-o", "--out", type=GuardedPath(file_okay=False, path_type=Path),
              help="The output folder the brief was built into (default: `output` in briefgen.toml, else ./site).")
@user_errors
def sign_command(note: str, key_path: Path, passphrase_file: Path | None, passphrase_env: str | None,
                 name: str | None, role: str | None, tsa_url: str | None, invisible: bool, out: Path | None) -> None:
    """Sign the PDF of brief ID in the output folder, as its approver.

    Adds a PAdES signature to OUT/ID.pdf (OUT/ID.LOCALE.pdf: give ID.LOCALE) with a visible
    block on the last page naming the approver, the role and the date. The signature is
    appended (an incremental update), so a PDF/A-2b release stays PDF/A-2b; manifest.json
    records the signed file and its signer. A later build that changes the brief writes it
    unsigned, and says so. Check it with `briefgen verify`. Refused (exit 2): a key that is
    not PKCS#12, a wrong passphrase, an expired certificate, a brief without a PDF, a PDF
    already signed or changed since it was built. Exit 4: a file that cannot be read or written.
    """
    from briefgen.project import load_project
    from briefgen.publish.signing import sign_note
    from briefgen.signing.block import Approval
    from briefgen.signing.keys import open_pkcs12, read_key_file
    from briefgen.signing.sign import sign_pdf

    quiet_pyhanko()
    if note.endswith(".html"):
        raise click.BadParameter("briefgen signs PDFs, not HTML: give the brief's ID", param_hint="ID")
    note = note.removesuffix(".pdf")
    project = load_project()
    target = out if out is not None else project.output
    check_output(target, project, [])
    timestamper = _timestamper(tsa_url)
    try:
        data = read_key_file(key_path)
    except OSError as exc:
        io_error(exc, "read", key_path)
    now = datetime.now(UTC)
    key = open_pkcs12(data, _passphrase(passphrase_file, passphrase_env, key_path), str(key_path), now)
    approval = Approval(_approver(name, key), role.strip() if role and role.strip() else None, now.date())
    try:
        done = sign_note(target, note, lambda pdf: sign_pdf(pdf, key, approval, visible=not invisible,
                                                            timestamper=timestamper).pair(),
                         notify=lambda line: click.echo(line, err=True))
    except Exception as exc:
        # The time-stamp authority unreachable or refusing (pyHanko's error is an OSError too), before
        # anything was written; else the output folder could not be read or written.
        if timestamper is not None and _is_timestamp_failure(exc):
            click.echo(f"error: cannot get a time-stamp from {tsa_url}: {exc}; nothing was changed", err=True)
            sys.exit(EXIT_IO)
        if isinstance(exc, OSError):
            io_error(exc)
        raise
    signer = done.output.signer
    assert signer is not None
    role_text = f" ({signer.role})" if signer.role else ""
    click.echo(f"signed {done.brief_id}: {done.path} — approved by {signer.name}{role_text} at {signer.signed_at}; "
               f"PAdES {signer.level}, certificate sha256 {signer.certificate_sha256[:16]}…")


def _passphrase(path: Path | None, variable: str | None, key_path: Path) -> bytes | None:
    """The passphrase from the file or the variable given, else asked for on a terminal, else None."""
    from briefgen.files import read_regular_file

    if path is not None and variable is not None:
        raise click.UsageError("--passphrase-file and --passphrase-env together: choose one")
    if path is not None:
        try:
            text = read_regular_file(path, MAX_PASSPHRASE_BYTES, whole=True)
        except OSError as exc:
            io_error(exc, "read", path)
        return text.removesuffix(b"\n").removesuffix(b"\r") or None
    if variable is not None:
        value = os.environ.get(variable)
        if value is None:
            raise click.BadParameter(f"the environment variable {variable} is not set", param_hint="--passphrase-env")
        return value.encode("utf-8") or None
    if sys.stdin.isatty():
        given = click.prompt(f"Passphrase for {key_path}", hide_input=True, default="", show_default=False,
                             err=True)
        return str(given).encode("utf-8") or None
    return None


def _approver(name: str | None, key: SigningKey) -> str:
    chosen = (name or "").strip() or key.common_name
    if not chosen:
        raise click.BadParameter("the certificate names no common name (CN): give the approver's name",
                                 param_hint="--name")
    return chosen


def _timestamper(url: str | None) -> TimeStamper | None:
    """pyHanko's RFC 3161 client for `url`; a usage error for anything but an http(s) URL."""
    if url is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{url!r} is not an http:// or https:// URL of a time-stamp authority",
                                 param_hint="--timestamp")
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=30)


def _is_timestamp_failure(exc: Exception) -> bool:
    """Whether `exc` is the time-stamp authority failing (unreachable, refusing, answering nonsense)."""
    import aiohttp
    from pyhanko.sign.timestamps import TimestampRequestError

    return isinstance(exc, (TimestampRequestError, aiohttp.ClientError, TimeoutError))

