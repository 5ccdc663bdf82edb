"""`briefgen verify FILE.pdf`: who signed a PDF, when, whether it changed since, whether it is trusted."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.commands.options import GuardedPath
from briefgen.commands.shared import io_error, quiet_pyhanko, user_errors
from briefgen.errors import EXIT_IO, EXIT_OK, EXIT_SHEET

if TYPE_CHECKING:
    from briefgen.signing.verify import SignatureReport

#: Far above any brief; a trust root is a few KiB.
MAX_PDF_BYTES = 1 << 30
MAX_ROOT_BYTES = 1 << 20


@click.command("verify")
@click.argument("pdf", metavar="FILE.pdf", type=GuardedPath(dir_okay=False, path_type=Path))
@click.option("--trust", "roots", multiple=True, metavar="ROOT.pem", type=GuardedPath(dir_okay=False, path_type=Path),
              help="A trust root (PEM or DER certificate); each signer's certificate must chain to one of those "
                   "given. Repeat for several. Without it, trust is not checked.")
@click.option("--output-format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people; json for tools.")
@user_errors
def verify_command(pdf: Path, roots: tuple[Path, ...], output_format: str) -> None:
    """Verify the signatures in a PDF (one `briefgen sign` made, or any other).

    For each signature: who signed (the certificate's common name) and when, whether the
    signed bytes are intact, whether the document changed since (the signature covers the
    whole file, or what was appended after it), and, with --trust, whether the certificate
    chains to a given root. No revocation is checked and nothing is fetched. Exits 0 when
    every signature is intact and unchanged (and trusted, with --trust); 1 when one is not,
    or there is none; 2 for usage errors; 4 when the file cannot be read as a PDF.
    """
    from briefgen.files import read_regular_file
    from briefgen.signing.verify import BadTrustRoot, UnreadablePdf, load_trust_roots, verify_pdf

    quiet_pyhanko()
    texts = []
    for root in roots:
        try:
            texts.append((str(root), read_regular_file(root, MAX_ROOT_BYTES, whole=True)))
        except OSError as exc:
            io_error(exc, "read", root)
    try:
        trusted = load_trust_roots(texts) if roots else None
    except BadTrustRoot as exc:
        raise click.BadParameter(str(exc), param_hint="--trust") from None
    try:
        data = read_regular_file(pdf, MAX_PDF_BYTES, whole=True)
    except OSError as exc:
        io_error(exc, "read", pdf)
    try:
        reports = verify_pdf(data, trusted)
    except UnreadablePdf as exc:
        click.echo(f"error: cannot verify {pdf}: {exc}", err=True)
        sys.exit(EXIT_IO)
    ok = bool(reports) and all(report.ok for report in reports)
    if output_format == "json":
        click.echo(json.dumps({"file": str(pdf), "ok": ok, "trust_checked": trusted is not None,
                               "signatures": [r.to_json() for r in reports]}, indent=2, ensure_ascii=False))
    else:
        click.echo(_text(pdf, reports, ok))
    sys.exit(EXIT_OK if ok else EXIT_SHEET)


def _text(pdf: Path, reports: list[SignatureReport], ok: bool) -> str:
    """What verify found, for people: one block per signature, then the verdict."""
    if not reports:
        return f"{pdf}: no signature"
    lines = [f"{pdf}: {len(reports)} signature{'s' if len(reports) != 1 else ''}"]
    for report in reports:
        named = f" as {report.name}" if report.name and report.name != report.signer else ""
        lines.append(f"  {report.field}: signed by {report.signer}{named} at {report.signed_at or 'an unstated time'}")
        if report.timestamp is not None:
            lines.append(f"    time-stamped by an authority at {report.timestamp}")
        lines.append(f"    intact: {'yes' if report.intact else 'NO: the bytes it signed were changed'}")
        if report.intact and not report.valid:
            lines.append("    valid: NO: the signature does not verify with the signer's certificate, or the "
                         "certificate may not sign (key usage)")
        lines.append("    changed since signing: "
                     + ("no: the signature covers the whole file" if report.changed == "none" else report.changed))
        trust = {None: "not checked (give --trust ROOT.pem)", True: "yes: chains to a given root",
                 False: "NO: does not chain to any root given"}[report.trusted]
        if report.trusted is False and report.trust_problem not in (None, "NO_CERTIFICATE_CHAIN_FOUND"):
            trust = f"NO: its certificate path fails ({report.trust_problem}: key usage, validity or constraints)"
        lines.append(f"    trusted: {trust}")
        lines.append(f"    certificate sha256: {report.certificate_sha256}")
    lines.append("verified: every signature is intact" + (" and trusted" if reports[0].trusted else "")
                 if ok else "NOT verified: see above")
    return "\n".join(lines)
