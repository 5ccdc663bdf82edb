"""The approver's key: a PKCS#12 file opened with its passphrase, checked before anything is signed.

A key briefgen refuses is a KeyProblem (exit 2) that says why: not a PKCS#12 file, a wrong
or missing passphrase, no certificate in it, a certificate expired or not yet valid, or
one that may not sign. A file that cannot be read at all stays an OSError (the command
exits 4). A key on a PKCS#11 token (token.py) becomes the same SigningKey, its
certificate checked by the same `signing_key`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import UsageProblem
from briefgen.files import read_regular_file

if TYPE_CHECKING:
    from cryptography import x509
    from pyhanko.sign.signers import Signer

#: Far above any PKCS#12 file (a key and a chain are a few KiB).
MAX_KEY_BYTES = 1 << 20


class KeyProblem(UsageProblem):
    """A key file or certificate briefgen will not sign with (exit 2)."""


@dataclass(frozen=True)
class SigningKey:
    """An opened key and what the manifest and the visible block say of its certificate.

    `signer` is pyHanko's: a SimpleSigner for a PKCS#12 file, a PKCS11Signer for a token;
    everything after opening the key (the block, the incremental save, the manifest) is the same.
    """

    signer: Signer
    #: The certificate's subject common name (CN), if it has one.
    common_name: str | None
    #: sha256 of the certificate (DER), hexadecimal: the fingerprint the manifest records.
    certificate_sha256: str
    not_after: datetime


def read_key_file(path: Path) -> bytes:
    """The bytes of the key file (a regular file of bounded size); OSError when it cannot be read."""
    return read_regular_file(path, MAX_KEY_BYTES, whole=True)


def open_pkcs12(data: bytes, passphrase: bytes | None, name: str, now: datetime) -> SigningKey:
    """The key and certificate in a PKCS#12 file's `data`, checked to be valid at `now` (aware, UTC).

    `name` is how messages name the file. Raises KeyProblem when it is not PKCS#12, the
    passphrase is wrong or missing, or the certificate is not valid at `now`.
    """
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    if not _is_pkcs12(data):
        raise KeyProblem(f"{name} is not a PKCS#12 key file (.p12 or .pfx): export the approver's key and "
                         "certificate as PKCS#12")
    try:
        key, certificate, _others = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        hint = ("give its passphrase with --passphrase-file or --passphrase-env" if passphrase is None
                else "check the passphrase")
        raise KeyProblem(f"cannot open {name}: the passphrase is wrong or missing ({hint})") from None
    if key is None or certificate is None:
        missing = "private key" if key is None else "certificate"
        raise KeyProblem(f"{name} holds no {missing}: a signing key file needs the approver's key and certificate")
    signer = SimpleSigner.load_pkcs12_data(data, (), passphrase)
    return signing_key(signer, certificate, name, now)


def signing_key(signer: Signer, certificate: x509.Certificate, name: str, now: datetime) -> SigningKey:
    """`signer` with what is recorded of its `certificate`, once the certificate is checked to be
    valid at `now` and allowed to sign (KeyProblem otherwise); `name` says where it came from."""
    from cryptography.hazmat.primitives.serialization import Encoding

    _check_validity(certificate, name, now)
    _check_usage(certificate, name)
    return SigningKey(signer, _common_name(certificate),
                      hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest(),
                      certificate.not_valid_after_utc)


def _is_pkcs12(data: bytes) -> bool:
    """Whether `data` parses as a PKCS#12 PFX structure (RFC 7292), whatever its passphrase."""
    from asn1crypto import pkcs12

    try:
        pfx = pkcs12.Pfx.load(data, strict=True)
        pfx.native  # noqa: B018 (parses every field: asn1crypto loads lazily)
    except (ValueError, TypeError):
        return False
    return True


def _check_validity(certificate: x509.Certificate, name: str, now: datetime) -> None:
    """Refuse a certificate that has expired, or is not valid yet, at `now`."""
    if now > certificate.not_valid_after_utc:
        raise KeyProblem(f"the certificate in {name} expired on {certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC: "
                         "briefgen does not sign with an expired certificate; ask for a renewed one")
    if now < certificate.not_valid_before_utc:
        raise KeyProblem(f"the certificate in {name} is not valid before "
                         f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC: check the machine's clock")


def _check_usage(certificate: x509.Certificate, name: str) -> None:
    """Refuse a certificate whose key usage does not allow signing (RFC 5280, 4.2.1.3): verify would reject it."""
    from cryptography import x509 as pyca

    try:
        usage = certificate.extensions.get_extension_for_class(pyca.KeyUsage).value
    except pyca.ExtensionNotFound:
        return  # no restriction
    if not (usage.digital_signature or usage.content_commitment):
        raise KeyProblem(f"the certificate in {name} may not sign documents: its key usage has neither "
                         "digitalSignature nor nonRepudiation; ask for a signing certificate")


def _common_name(certificate: x509.Certificate) -> str | None:
    from cryptography.x509.oid import NameOID

    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else None
    return value if isinstance(value, str) and value.strip() else None
