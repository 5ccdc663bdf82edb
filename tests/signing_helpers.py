"""Certificates for the signing tests, made here with `cryptography` (no network, no fixture files).

A root CA, and certificates it issues: an approver's (valid, expired, ECDSA), a
time-stamping authority's; each key as PKCS#12 with a passphrase (RFC 7292), as an
approver's key would arrive from a ministry's PKI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSPHRASE = b"correct horse battery staple"
APPROVER = "Jane Approver"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: PrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def pkcs12(self, chain: list[x509.Certificate], passphrase: bytes | None = PASSPHRASE) -> bytes:
        encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                      else serialization.NoEncryption())
        return pkcs12.serialize_key_and_certificates(b"approver", self.key, self.certificate, chain, encryption)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(*, sign: bool = False, ca: bool = False, encipher: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=sign, content_commitment=sign, key_encipherment=encipher,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def root_ca(common_name: str = "Test Ministry Root CA") -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(_usage(ca=True), critical=True)
                   .sign(key, hashes.SHA256()))
    return Issued(certificate, key)


def issue(ca: Issued, common_name: str = APPROVER, *, days: tuple[int, int] = (-1, 365), curve: bool = False,
          time_stamping: bool = False, signing: bool = True) -> Issued:
    """A certificate `ca` issues, valid from `days[0]` to `days[1]` days from now (RSA, or ECDSA P-256);
    with `signing` False, one whose key usage is key encipherment only."""
    key: PrivateKey = ec.generate_private_key(ec.SECP256R1()) if curve else \
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca.certificate.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now + dt.timedelta(days=days[0])).not_valid_after(now + dt.timedelta(days=days[1]))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(_usage(sign=signing, encipher=not signing), critical=True))
    if time_stamping:  # RFC 3161, 2.3: a TSA's certificate has this one extended key usage, critical
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)


@dataclass(frozen=True)
class KeyFiles:
    """The files a signing test hands the CLI: key files, the passphrase file, trust roots."""

    key: Path
    expired: Path
    ecdsa: Path
    enciphering: Path
    passphrase: Path
    root: Path
    other_root: Path
    approver: Issued


def write_key_files(folder: Path) -> KeyFiles:
    ca, other = root_ca(), root_ca("Another Root CA")
    approver = issue(ca)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in ("approver.p12", "expired.p12", "ecdsa.p12", "enciphering.p12", "passphrase.txt",
                                              "root.pem", "other-root.pem")}
    paths["approver.p12"].write_bytes(approver.pkcs12([ca.certificate]))
    paths["expired.p12"].write_bytes(issue(ca, days=(-400, -2)).pkcs12([ca.certificate]))
    paths["ecdsa.p12"].write_bytes(issue(ca, curve=True).pkcs12([ca.certificate]))
    paths["enciphering.p12"].write_bytes(issue(ca, signing=False).pkcs12([ca.certificate]))
    paths["passphrase.txt"].write_bytes(PASSPHRASE + b"\n")
    paths["root.pem"].write_bytes(ca.pem())
    paths["other-root.pem"].write_bytes(other.pem())
    return KeyFiles(paths["approver.p12"], paths["expired.p12"], paths["ecdsa.p12"], paths["enciphering.p12"],
                    paths["passphrase.txt"],
                    paths["root.pem"], paths["other-root.pem"], approver)
