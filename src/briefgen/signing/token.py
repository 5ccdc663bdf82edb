"""The approver's key on a PKCS#11 token (a smart card, an HSM): opened with its PIN, checked like a PKCS#12 key.

The library (the token vendor's PKCS#11 module, a shared library) is loaded with
python-pkcs11, the token found by its label, a session opened with the PIN, the private
key found by its label, and the certificate by its own label (the key's by default).
The certificate gets the checks a PKCS#12 file's gets (keys.signing_key), and pyHanko's
PKCS11Signer signs with the key, which never leaves the token. The session is open for
as long as the `open_token` context lasts, and closed after.

A library that cannot be loaded or initialised is LibraryUnusable, an OSError (exit 4,
as for a file that cannot be read); everything else briefgen refuses is a KeyProblem
(exit 2): no such token or key label, a wrong PIN, a locked token, an expired
certificate, the token refusing to sign.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.signing.keys import KeyProblem, SigningKey, signing_key

if TYPE_CHECKING:
    from cryptography import x509
    from pkcs11 import Session, Token


class LibraryUnusable(OSError):
    """The PKCS#11 library cannot be loaded or initialised (exit 4)."""


@dataclass(frozen=True)
class TokenKey:
    """Where a key is: the PKCS#11 library, the token's label, the key's and the certificate's labels."""

    library: Path
    token_label: str
    key_label: str
    #: The certificate's label; None: the key's.
    cert_label: str | None = None

    @property
    def name(self) -> str:
        """How messages name the key."""
        return f"token {self.token_label!r}"


@contextlib.contextmanager
def open_token(where: TokenKey, pin: str | None, now: datetime) -> Iterator[SigningKey]:
    """The key `where` says, in a session logged in with `pin`, checked to be valid at `now`.

    Raises LibraryUnusable or KeyProblem (see the module). A PKCS#11 error while signing
    inside the context becomes a KeyProblem too; the session is closed on the way out.
    """
    from pkcs11.exceptions import PKCS11Error

    token = _find_token(where)
    session = _log_in(token, where, pin)
    try:
        yield _signing_key(session, where, now)
    except PKCS11Error as exc:
        raise KeyProblem(f"{where.name} refused to sign ({_reason(exc)}); nothing was changed") from None
    finally:
        with contextlib.suppress(PKCS11Error):
            session.close()


def _find_token(where: TokenKey) -> Token:
    import pkcs11
    from pkcs11.exceptions import MultipleTokensReturned, NoSuchToken, PKCS11Error

    if not where.library.is_file():
        raise LibraryUnusable("no such file (give the token vendor's PKCS#11 module, a .so, .dylib or .dll)")
    try:
        library = pkcs11.lib(str(where.library))
    except PKCS11Error as exc:
        if type(exc) is PKCS11Error:  # python-pkcs11's error for a failed dlopen or C_GetFunctionList
            raise LibraryUnusable(f"not a PKCS#11 library that loads here ({_reason(exc)})") from None
        raise LibraryUnusable(f"the library loaded but would not start ({_reason(exc)} from C_Initialize): "
                              "check its configuration (SoftHSM2: the file SOFTHSM2_CONF names)") from None
    try:
        return library.get_token(token_label=where.token_label)
    except NoSuchToken:
        labels = sorted({token.label for token in _tokens(library)} - {""})  # "": a slot with no token yet
        there = f"the tokens it offers: {', '.join(map(repr, labels))}" if labels else "it offers no token"
        raise KeyProblem(f"no token labelled {where.token_label!r} in {where.library} ({there}): "
                         "check --token-label, and that the card or token is connected") from None
    except MultipleTokensReturned:
        raise KeyProblem(f"more than one token is labelled {where.token_label!r} in {where.library}: "
                         "connect only the approver's") from None


def _tokens(library: Any) -> list[Token]:
    from pkcs11.exceptions import PKCS11Error

    try:
        return list(library.get_tokens())
    except PKCS11Error:
        return []


def _log_in(token: Token, where: TokenKey, pin: str | None) -> Session:
    """A session on `token`, logged in as its user with `pin` (or on its own PIN pad)."""
    from pkcs11 import PROTECTED_AUTH, TokenFlag
    from pkcs11.exceptions import PinExpired, PinIncorrect, PinLenRange, PinLocked, PKCS11Error

    user_pin: Any = pin
    if pin is None and token.flags & TokenFlag.PROTECTED_AUTHENTICATION_PATH:
        user_pin = PROTECTED_AUTH  # the reader's PIN pad asks
    elif pin is None and token.flags & TokenFlag.LOGIN_REQUIRED:
        raise KeyProblem(f"{where.name} needs its PIN: give it with --pin-file or --pin-env")
    try:
        return token.open(user_pin=user_pin) if user_pin is not None else token.open()
    except (PinIncorrect, PinLenRange):
        raise KeyProblem(f"{where.name} refused the PIN: check it (a token locks itself after a few "
                         "wrong PINs)") from None
    except PinLocked:
        raise KeyProblem(f"{where.name} is locked after too many wrong PINs: its administrator can "
                         "unlock it") from None
    except PinExpired:
        raise KeyProblem(f"the PIN of {where.name} has expired: set a new one with the token's tools") from None
    except PKCS11Error as exc:
        raise KeyProblem(f"cannot log in to {where.name} ({_reason(exc)})") from None


def _signing_key(session: Session, where: TokenKey, now: datetime) -> SigningKey:
    """pyHanko's PKCS11Signer for the key and certificate labelled as `where` says, with the
    token's CA certificates as the chain to embed (not other people's certificates on it)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from pkcs11 import Attribute, ObjectClass
    from pyhanko.sign.pkcs11 import PKCS11Signer

    keys = _objects(session, ObjectClass.PRIVATE_KEY)
    labelled = [key for key in keys if key[Attribute.LABEL] == where.key_label]
    if len(labelled) != 1:
        raise KeyProblem(_not_one("private key", where.key_label, len(labelled), keys, where, "--key-label"))
    if not labelled[0][Attribute.SIGN]:
        raise KeyProblem(f"the key {where.key_label!r} on {where.name} may not sign (CKA_SIGN is false)")
    cert_label = where.cert_label or where.key_label
    certificates = _objects(session, ObjectClass.CERTIFICATE)
    chosen = [c for c in certificates if c[Attribute.LABEL] == cert_label]
    if len(chosen) != 1:
        raise KeyProblem(_not_one("certificate", cert_label, len(chosen), certificates, where, "--cert-label"))
    der = bytes(chosen[0][Attribute.VALUE])
    certificate = x509.load_der_x509_certificate(der)
    _check_pair(labelled[0], certificate, cert_label, where)
    chain = [c for c in (asn1_x509.Certificate.load(bytes(o[Attribute.VALUE])) for o in certificates) if c.ca]
    # pyHanko pulls the certificate by its label itself (given as signing_cert, it would embed it twice)
    signer = PKCS11Signer(session, cert_label=cert_label, key_label=where.key_label, ca_chain=chain,
                          other_certs_to_pull=())
    return signing_key(signer, certificate, where.name, now)


def _check_pair(key: Any, certificate: x509.Certificate, cert_label: str, where: TokenKey) -> None:
    """Refuse a certificate that is not the key's: the signature would not verify with it.

    Checked for RSA, whose private key object states its modulus (PKCS#11 v2.40, 2.1.4,
    CKA_MODULUS); an EC private key object holds no public point to compare.
    """
    from cryptography.hazmat.primitives.asymmetric import rsa
    from pkcs11 import Attribute, KeyType
    from pkcs11.exceptions import PKCS11Error

    public = certificate.public_key()
    if key[Attribute.KEY_TYPE] != KeyType.RSA:
        return
    try:
        modulus = int.from_bytes(bytes(key[Attribute.MODULUS]), "big")
    except PKCS11Error:
        return  # a token that does not say
    if not isinstance(public, rsa.RSAPublicKey) or public.public_numbers().n != modulus:
        raise KeyProblem(f"the certificate {cert_label!r} on {where.name} does not belong to the key "
                         f"{where.key_label!r} (their public keys differ): check --cert-label")


def _objects(session: Session, kind: Any) -> list[Any]:
    from pkcs11 import Attribute

    return list(session.get_objects({Attribute.CLASS: kind}))


def _not_one(what: str, label: str, found: int, objects: list[Any], where: TokenKey, option: str) -> str:
    from pkcs11 import Attribute

    if found > 1:
        return f"more than one {what} on {where.name} is labelled {label!r}: give a label only one has"
    labels = sorted({str(o[Attribute.LABEL]) for o in objects})
    there = f"its {what} labels: {', '.join(map(repr, labels))}" if labels else f"it holds no {what} at all"
    return f"{where.name} holds no {what} labelled {label!r} ({there}): check {option}"


def _reason(exc: Exception) -> str:
    """A PKCS#11 error's message, else its class's name (python-pkcs11 raises many without one)."""
    return str(exc) or type(exc).__name__
