"""Verify the signatures in a PDF: who signed, when, whether the file changed since, whether it is trusted.

pyHanko checks each signature's digest against the bytes it covers (intact), its
cryptography (valid), how much of the file it covers and what later revisions changed
(its difference analysis), and, with trust roots, the certificate path to one of them.
Nothing is fetched: no revocation (CRL, OCSP) is checked, and no validation data is
embedded (see docs/signing.md).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from pyhanko.sign.validation.status import PdfSignatureStatus


#: What `changed` says of a signature that covers the whole file.
UNCHANGED = "none"
#: What it says when later revisions only add what signing adds (pyHanko: up to form filling).
ADDITIONS = "later revisions add only signatures, form entries or validation data"


class UnreadablePdf(ValueError):
    """The file is not a PDF pyHanko can read (the command exits 4)."""


class BadTrustRoot(ValueError):
    """A --trust file that holds no certificate (a usage error: exit 2)."""


@dataclass(frozen=True)
class SignatureReport:
    """What verify found of one signature in a PDF."""

    field: str
    #: The subject common name of the signer's certificate (or its whole subject).
    signer: str
    #: The /Name the signature states (`briefgen sign --name`), if any.
    name: str | None
    #: The signing time the signer states, ISO 8601 UTC; and a time-stamp authority's, for B-T.
    signed_at: str | None
    timestamp: str | None
    certificate_sha256: str
    #: The digest of the bytes it covers matches, and the signature over it is valid.
    intact: bool
    valid: bool
    #: UNCHANGED, or what changed after signing (see _changes).
    changed: str
    #: Whether the certificate chains to a given trust root; None when no roots were given.
    trusted: bool | None
    #: Why it is not trusted, in ETSI EN 319 102-1's terms (pyHanko's sub-indication), e.g.
    #: NO_CERTIFICATE_CHAIN_FOUND; None when trusted or not checked.
    trust_problem: str | None = None

    @property
    def unchanged(self) -> bool:
        return self.changed in (UNCHANGED, ADDITIONS)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.unchanged and self.trusted is not False

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}


def load_trust_roots(texts: Sequence[tuple[str, bytes]]) -> list[object]:
    """The certificates in each (name, PEM or DER bytes) given; BadTrustRoot naming a file without one."""
    from asn1crypto import pem, x509

    roots: list[object] = []
    for name, data in texts:
        try:
            blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            found = [x509.Certificate.load(blob) for blob in blobs]
            for certificate in found:
                certificate.native  # noqa: B018 (asn1crypto parses lazily: fail here, not later)
        except (ValueError, TypeError):
            found = []
        if not found:
            raise BadTrustRoot(f"{name} holds no certificate (PEM or DER)")
        roots.extend(found)
    return roots


def verify_pdf(data: bytes, roots: list[object] | None) -> list[SignatureReport]:
    """A report for each signature in `data`, in the order they were made; UnreadablePdf for a file that
    is not a PDF. `roots` None: trust is not checked."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise UnreadablePdf(f"not a PDF briefgen can read ({str(exc)[:200] or type(exc).__name__})") from None
    # A signing certificate asserts digitalSignature or nonRepudiation (RFC 5280, 4.2.1.3); pyHanko's
    # default asks for nonRepudiation alone, which many signing certificates do not carry.
    signing_usages = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})
    reports = []
    for signature in signatures:
        # Trust only the roots given, fetch nothing: the verdict depends on the file and the flags alone.
        context = ValidationContext(trust_roots=roots or [], allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(signature, context, key_usage_settings=signing_usages)
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            raise UnreadablePdf(f"its signature {signature.field_name!r} cannot be read "
                                f"({str(exc)[:200] or type(exc).__name__})") from None
        last = signature.signed_revision == reader.xrefs.total_revisions - 1
        appended = len(data) - _signed_end(signature.sig_object) if last else 0
        reports.append(_report(signature.field_name, signature.sig_object, status, roots is not None, appended))
    return reports


def _signed_end(sig_object: object) -> int:
    """Where the bytes a signature covers end: the end of its /ByteRange's second part."""
    byte_range = sig_object["/ByteRange"]  # type: ignore[index]
    return int(byte_range[2]) + int(byte_range[3])


def _report(field: str, sig_object: object, status: PdfSignatureStatus, check_trust: bool,
            appended: int) -> SignatureReport:
    certificate = status.signing_cert
    subject = certificate.subject.native
    name = sig_object.get("/Name") if hasattr(sig_object, "get") else None
    timestamp = status.timestamp_validity.timestamp if status.timestamp_validity is not None else None
    return SignatureReport(
        field=field, signer=str(subject.get("common_name") or certificate.subject.human_friendly),
        name=str(name) if name is not None else None, signed_at=_iso(status.signer_reported_dt),
        timestamp=_iso(timestamp), certificate_sha256=hashlib.sha256(certificate.dump()).hexdigest(),
        intact=bool(status.intact), valid=bool(status.valid), changed=_changes(status, appended),
        trusted=bool(status.trusted) if check_trust else None,
        trust_problem=str(status.trust_problem_indic.standard_name)
        if check_trust and status.trust_problem_indic else None)


def _changes(status: PdfSignatureStatus, appended: int) -> str:
    """What changed after the signature: UNCHANGED when it covers the whole file, else what was added.

    `appended`: bytes after the last signed revision that are no revision of their own.
    """
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not status.intact:
        return "the signed bytes were changed"
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return UNCHANGED
    if appended > 0:
        return f"{appended:,} byte{'s' if appended != 1 else ''} were appended after the signed file"
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return "bytes were added or changed outside the signed revisions"
    level = status.modification_level
    if level is not None and level <= ModificationLevel.FORM_FILLING:
        return ADDITIONS
    if level == ModificationLevel.ANNOTATIONS:
        return "later revisions add or change annotations"
    return "later revisions change the document"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment is not None else None
