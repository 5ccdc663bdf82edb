"""`briefgen sign ID --key KEY.p12` (or a PKCS#11 token): sign a built PDF (PAdES B-B, or B-T) and record it."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
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
    from briefgen.signing.token import TokenKey

#: A passphrase or PIN file is read whole; far above any passphrase.
MAX_PASSPHRASE_BYTES = 64 << 10

@click.command("sign")
@click.argument("note", metavar="ID")
@click.option("--key", "key_path", metavar="KEY.p12", type=GuardedPath(dir_okay=False, path_type=Path),
              help="The approver's key and certificate, as a PKCS#12 file (.p12, .pfx). "
                   "Give this or --pkcs11-lib.")
@click.option("--passphrase-file", type=GuardedPath(dir_okay=False, path_type=Path), metavar="FILE",
              help="Read the key file's passphrase from FILE (one trailing newline is ignored).")
@click.option("--passphrase-env", metavar="NAME",
              help="Read the key file's passphrase from the environment variable NAME. Without either, "
                   "briefgen asks for it when run in a terminal.")
@click.option("--pkcs11-lib", "library", metavar="LIB.so", type=GuardedPath(dir_okay=False, path_type=Path),
              help="Sign with a key on a PKCS#11 token (smart card, HSM): the token vendor's PKCS#11 module. "
                   "Needs --token-label and --key-label.")
@click.option("--token-label", metavar="LABEL", help="The token's label (with --pkcs11-lib).")
@click.option("--key-label", metavar="LABEL", help="The label of the approver's private key on the token.")
@click.option("--cert-label", metavar="LABEL",
              help="The label of the approver's certificate on the token (default: the key's label).")
@click.option("--pin-file", type=GuardedPath(dir_okay=False, path_type=Path), metavar="FILE",
              help="Read the token's PIN from FILE (one trailing newline is ignored).")
@click.option("--pin-env", metavar="NAME",
              help="Read the token's PIN from the environment variable NAME. Without either, briefgen asks "
                   "for it when run in a terminal.")
@click.option("--name", help="The approver's name in the signature block (default: the certificate's common name).")
@click.option("--role", help="The approver's role in the signature block, e.g. \"Minister of State\".")
@click.option("--timestamp", "tsa_url", metavar="URL",
              help="Have the time-stamp authority at URL (RFC 3161) countersign the time: PAdES B-T "
                   "(default: B-B, the signer's own clock).")
@click.option("--invisible", is_flag=True, help="Sign without the visible block on the last page.")
@click.option("-o", "--out", type=GuardedPath(file_okay=False, path_type=Path),
              help="The output folder the brief was built into (default: `output` in briefgen.toml, else ./site).")
@user_errors
def sign_command(note: str, key_path: Path | None, passphrase_file: Path | None,
                 passphrase_env: str | None, library: Path | None, token_label: str | None, key_label: str | None,
                 cert_label: str | None, pin_file: Path | None, pin_env: str | None, name: str | None,
                 role: str | None, tsa_url: str | None, invisible: bool, out: Path | None) -> None:
    """Sign the PDF of brief ID in the output folder, as its approver.

    Adds a PAdES signature to OUT/ID.pdf (OUT/ID.LOCALE.pdf: give ID.LOCALE) with a visible
    block on the last page naming the approver, the role and the date. The key is a PKCS#12
    file (--key) or a key on a PKCS#11 token (--pkcs11-lib, --token-label, --key-label).
    The signature is appended (an incremental update), so a PDF/A-2b release stays PDF/A-2b;
    manifest.json records the signed file and its signer. A later build that changes the
    brief writes it unsigned, and says so. Check it with `briefgen verify`. Refused (exit 2):
    a key that is not PKCS#12, a wrong passphrase or PIN, no such token or key label, an
    expired certificate, a brief without a PDF, a PDF already signed or changed since it was
    built. Exit 4: a file or PKCS#11 library that cannot be read or loaded.
    """
    from briefgen.project import load_project

    quiet_pyhanko()
    token = _token_key(key_path, library, {"--token-label": token_label, "--key-label": key_label,
                                            "--cert-label": cert_label, "--pin-file": pin_file, "--pin-env": pin_env},
                       passphrase_file is not None or passphrase_env is not None)
    if note.endswith(".html"):
        raise click.BadParameter("briefgen signs PDFs, not HTML: give the brief's ID", param_hint="ID")
    note = note.removesuffix(".pdf")
    project = load_project()
    target = out if out is not None else project.output
    check_output(target, project, [])
    timestamper = _timestamper(tsa_url)
    now = datetime.now(UTC)
    if token is not None:
        opened = _token(token, _pin(_secret(pin_file, pin_env, f"PIN for {token.name}", "--pin")), now)
    else:
        opened = _key_file(key_path, lambda: _secret(passphrase_file, passphrase_env, f"Passphrase for {key_path}",
                                                     "--passphrase"), now)
    with opened as key:
        _sign(target, note, key, name, role, invisible, timestamper, tsa_url, now)


def _token_key(key_path: Path | None, library: Path | None, given: dict[str, object],
               passphrase: bool) -> TokenKey | None:
    """Where the token's key is, for --pkcs11-lib; None for --key. A usage error for neither, both,
    or options of the one not chosen (`given`: the token's options; `passphrase`: a passphrase option given)."""
    from briefgen.signing.token import TokenKey

    if (key_path is None) == (library is None):
        raise click.UsageError("give the approver's key: --key KEY.p12, or a PKCS#11 token with --pkcs11-lib LIB "
                               "--token-label LABEL --key-label LABEL" if key_path is None else
                               "--key and --pkcs11-lib together: choose the key file or the token")
    if key_path is not None:
        stray = [n for n, v in given.items() if v is not None]
        if stray:
            raise click.UsageError(f"{stray[0]} goes with --pkcs11-lib (a token), not with --key")
        return None
    if passphrase:
        raise click.UsageError("--passphrase-file and --passphrase-env go with --key; a token's PIN comes "
                               "from --pin-file or --pin-env")
    missing = [n for n in ("--token-label", "--key-label") if not str(given[n] or "").strip()]
    if missing:
        raise click.UsageError(f"--pkcs11-lib needs {' and '.join(missing)}: the token's and the key's labels "
                               "(list them with the token vendor's tools, or pkcs11-tool --list-objects)")
    assert library is not None
    return TokenKey(library, str(given["--token-label"]), str(given["--key-label"]),
                    str(given["--cert-label"]) if given["--cert-label"] else None)


@contextlib.contextmanager
def _key_file(key_path: Path | None, passphrase: Callable[[], bytes | None], now: datetime) -> Iterator[SigningKey]:
    """The PKCS#12 file's key (nothing to close); the passphrase is asked for once the file is read."""
    from briefgen.signing.keys import open_pkcs12, read_key_file

    assert key_path is not None
    try:
        data = read_key_file(key_path)
    except OSError as exc:
        io_error(exc, "read", key_path)
    yield open_pkcs12(data, passphrase(), str(key_path), now)


@contextlib.contextmanager
def _token(where: TokenKey, pin: str | None, now: datetime) -> Iterator[SigningKey]:
    """The token's key, in a session open until the signature is made; exit 4 for a library that will not load."""
    from briefgen.signing.token import LibraryUnusable, open_token

    try:
        with open_token(where, pin, now) as key:
            yield key
    except LibraryUnusable as exc:
        io_error(exc, "load the PKCS#11 library", where.library)


def _pin(secret: bytes | None) -> str | None:
    """The PIN as text: PKCS#11 PINs are UTF-8 (PKCS#11 v2.40, CK_UTF8CHAR)."""
    if secret is None:
        return None
    try:
        return secret.decode("utf-8")
    except UnicodeDecodeError:
        raise click.BadParameter("the PIN is not UTF-8 text", param_hint="--pin-file") from None


def _sign(target: Path, note: str, key: SigningKey, name: str | None, role: str | None, invisible: bool,
          timestamper: TimeStamper | None, tsa_url: str | None, now: datetime) -> None:
    """Sign the note with `key` (whichever kind it is), write it and say what was done."""
    from briefgen.publish.signing import sign_note
    from briefgen.signing.block import Approval
    from briefgen.signing.sign import sign_pdf

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


def _secret(path: Path | None, variable: str | None, prompt: str, option: str) -> bytes | None:
    """A passphrase or PIN from the file or the variable given (`option`-file, `option`-env), else asked
    for on a terminal, else None. Never from the command line, where a process list would show it."""
    from briefgen.files import read_regular_file

    if path is not None and variable is not None:
        raise click.UsageError(f"{option}-file and {option}-env together: choose one")
    if path is not None:
        try:
            text = read_regular_file(path, MAX_PASSPHRASE_BYTES, whole=True)
        except OSError as exc:
            io_error(exc, "read", path)
        return text.removesuffix(b"\n").removesuffix(b"\r") or None
    if variable is not None:
        value = os.environ.get(variable)
        if value is None:
            raise click.BadParameter(f"the environment variable {variable} is not set", param_hint=f"{option}-env")
        return value.encode("utf-8") or None
    if sys.stdin.isatty():
        given = click.prompt(prompt, hide_input=True, default="", show_default=False, err=True)
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

