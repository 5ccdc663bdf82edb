"""Sign a PDF's bytes: a PAdES signature (B-B, or B-T with a time-stamp) added as an incremental update.

An incremental update appends the signature to the file and leaves every byte before it
as it was (ISO 32000-1, 7.5.6), so a PDF/A-2b note stays one: its identifiers, output
intent and embedded fonts are kept, and the block is drawn in an embedded font
(block.py). Pure: bytes in, bytes out; the publish step writes them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.errors import UsageProblem
from briefgen.publish.signer import Signer
from briefgen.signing.block import Approval, NoFont, stamp_style
from briefgen.signing.placement import NoRoom, block_box

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.writer import BasePdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.signers import PdfSigner
    from pyhanko.sign.timestamps import TimeStamper

    from briefgen.signing.keys import SigningKey

#: The signature field briefgen adds.
FIELD_NAME = "Approval"


class SigningRefused(UsageProblem):
    """A PDF briefgen will not sign as asked: already signed, no room for the block, no font (exit 2)."""


@dataclass(frozen=True)
class Signed:
    """A signed PDF's bytes and the manifest's record of its signature."""

    pdf: bytes
    signer: Signer

    def pair(self) -> tuple[bytes, Signer]:
        """(bytes, signer): what publish.signing.sign_note takes from a signing step."""
        return self.pdf, self.signer


def sign_pdf(pdf: bytes, key: SigningKey, approval: Approval, *, visible: bool = True,
             timestamper: TimeStamper | None = None) -> Signed:
    """`pdf` with the approver's signature appended; with `timestamper`, PAdES B-T, else B-B.

    Raises SigningRefused for a PDF that is already signed, a last page without room for
    the block, or no font to draw it in.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    existing = [field_name for field_name, _, _ in fields.enumerate_sig_fields(writer.prev, filled_status=True)]
    if existing:
        raise SigningRefused("this PDF is already signed: briefgen signs a brief once (build it again to "
                             "write it unsigned, then sign that)")
    try:
        box = block_box(pdf).as_tuple() if visible else None
        style = stamp_style(approval) if visible else None
    except (NoRoom, NoFont) as exc:
        raise SigningRefused(f"cannot place the signature block: {exc} (--invisible signs without one)") from None
    _same_producer(writer)
    metadata = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256", name=approval.name,
                                            reason=f"Approved{f' ({approval.role})' if approval.role else ''}")
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=box)
    out = io.BytesIO()
    _pdf17_signer(metadata, key, timestamper, style, spec).sign_pdf(writer, output=out)
    data = out.getvalue()
    return Signed(data, Signer(approval.name, approval.role, _signing_time(data), key.certificate_sha256,
                               "B-T" if timestamper is not None else "B-B"))


def _pdf17_signer(metadata: signers.PdfSignatureMetadata, key: SigningKey, timestamper: TimeStamper | None,
                  style: object, spec: object) -> PdfSigner:
    """A pyHanko PdfSigner that keeps the document a PDF 1.7 one, as PDF/A-2 requires (ISO 19005-2, 6.1.2).

    pyHanko declares ISO/TS 32002's extension, and so PDF 2.0, for an ECDSA key on the
    common curves; PAdES (ETSI EN 319 142-1) signs with ECDSA in PDF 1.7 under the ESIC
    extension alone, which is all this signer declares.
    """
    from pyhanko.sign import signers
    from pyhanko.sign.signers import constants

    class Pdf17Signer(signers.PdfSigner):
        def register_extensions(self, pdf_out: BasePdfFileWriter, *, md_algorithm: str) -> None:
            pdf_out.ensure_output_version(version=(1, 7))  # type: ignore[no-untyped-call]
            pdf_out.register_extension(constants.ESIC_EXTENSION_1)

    return Pdf17Signer(metadata, key.signer, timestamper=timestamper, stamp_style=style,  # type: ignore[arg-type]
                       new_field_spec=spec)  # type: ignore[arg-type]


def _same_producer(writer: IncrementalPdfFileWriter) -> None:
    """Make the information dictionary's /Producer what pyHanko writes into the XMP metadata.

    pyHanko sets XMP pdf:Producer to itself but appends itself to the dictionary's
    /Producer; PDF/A requires the two to be equivalent (ISO 19005-2, 6.6.3), so the
    dictionary gets pyHanko's name alone (pyHanko then leaves it as it is).
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    try:
        info = writer.trailer["/Info"].get_object()
    except KeyError:
        return
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.update_container(info)


def _signing_time(pdf: bytes) -> str:
    """When the (last) signature in `pdf` says it was made, ISO 8601 in UTC."""
    from datetime import UTC

    from pyhanko.pdf_utils.reader import PdfFileReader

    signature = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[-1]
    moment = signature.self_reported_timestamp
    assert moment is not None, "pyHanko records the signing time of every signature it makes"
    return str(moment.astimezone(UTC).isoformat(timespec="seconds"))
