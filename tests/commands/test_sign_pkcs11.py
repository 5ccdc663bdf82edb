"""`briefgen sign --pkcs11-lib`: a key on a PKCS#11 token, here a SoftHSM2 software token made for the test.

The token is a real PKCS#11 module (SoftHSM2, Debian's `softhsm2`), initialised by its own
`softhsm2-util` in a folder of the test's (the environment variable SOFTHSM2_CONF names the
configuration file, whose `directories.tokendir` is where tokens are stored: softhsm2.conf(5),
https://manpages.ubuntu.com/manpages/mantic/en/man5/softhsm2.conf.5.html, SoftHSM 2.6.1 as in
Debian 12), and the approver's key and certificate from tests/signing_helpers.py are put on it
as PKCS#11 objects with python-pkcs11's `Session.create_object`, the attributes made by
`pkcs11.util.rsa.decode_rsa_private_key` and `pkcs11.util.x509.decode_x509_certificate`
(https://github.com/pyauth/python-pkcs11/blob/master/docs/applied.rst, "Certificates"). The CLI runs
as the installed script in a process of its own, so that the library is loaded and
initialised with the test's configuration there, not in the test process.

Not tested: a hardware token (a smart card, an HSM), a PIN pad (protected authentication path).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from build_helpers import ROOT, Ran, assert_consistent, run_cli, run_script, script_env
from signing_helpers import APPROVER, PASSPHRASE, Issued, KeyFiles, write_key_files

UK = ROOT / "briefs" / "examples" / "uk-minister-brief.yaml"
G20 = ROOT / "briefs" / "g20-2025.yaml"
SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN = "briefgen-test"
PIN = "1234"
ROLE = "Minister of State"


@dataclass(frozen=True)
class Token:
    """A SoftHSM2 token holding the approver's key and certificate (label `approver`), an expired
    certificate with its key (label `expired`), another RSA key's certificate alone (label
    `stranger`) and the root CA's certificate (label `root`)."""

    env: dict[str, str]
    pin_file: Path
    keys: KeyFiles


def _softhsm_util() -> str:
    """softhsm2-util, with the module beside it; skip without them on a developer's machine, fail under CI."""
    tool = shutil.which("softhsm2-util")
    if tool is None or not SOFTHSM.is_file():
        reason = "SoftHSM2 is not installed (apt-get install softhsm2)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
        pytest.skip(reason)
    return tool


def _put_on_token(conf: Path, objects: list[tuple[str, bytes, Issued | None, bytes]]) -> None:
    """Each (label, id, key or None, certificate DER) as token objects, through python-pkcs11."""
    import pkcs11
    from pkcs11 import Attribute
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    saved = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read by SoftHSM's C_Initialize
    library = pkcs11.lib(str(SOFTHSM))
    try:
        library.reinitialize()
        with library.get_token(token_label=TOKEN).open(user_pin=PIN, rw=True) as session:
            for label, object_id, issued, der in objects:
                if issued is not None:
                    key = issued.key.private_bytes(serialization.Encoding.DER,
                                                   serialization.PrivateFormat.TraditionalOpenSSL,
                                                   serialization.NoEncryption())
                    session.create_object({**decode_rsa_private_key(key), Attribute.LABEL: label,
                                           Attribute.ID: object_id, Attribute.TOKEN: True,
                                           Attribute.PRIVATE: True, Attribute.SENSITIVE: True})
                session.create_object({**decode_x509_certificate(der), Attribute.LABEL: label,
                                       Attribute.ID: object_id, Attribute.TOKEN: True})
    finally:
        library.finalize()  # no initialised library left behind in the test process
        if saved is None:
            del os.environ["SOFTHSM2_CONF"]
        else:
            os.environ["SOFTHSM2_CONF"] = saved


def _issued_from(p12: Path) -> Issued:
    key, certificate, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), PASSPHRASE)
    assert key is not None and certificate is not None
    return Issued(certificate, key)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeyFiles:
    return write_key_files(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory, keys: KeyFiles) -> Token:
    tool = _softhsm_util()
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n",
                    encoding="utf-8")
    env = script_env(SOFTHSM2_CONF=str(conf))
    subprocess.run([tool, "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "5678"],
                   env=env, check=True, capture_output=True, text=True)
    root = x509.load_pem_x509_certificate(keys.root.read_bytes())
    expired, stranger = _issued_from(keys.expired), _issued_from(keys.enciphering)
    _put_on_token(conf, [("approver", b"\x01", keys.approver, keys.approver.der),
                         ("expired", b"\x02", expired, expired.certificate.public_bytes(serialization.Encoding.DER)),
                         ("stranger", b"\x04", None, stranger.der),
                         ("root", b"\x03", None, root.public_bytes(serialization.Encoding.DER))])
    pin_file = base / "pin.txt"
    pin_file.write_text(PIN + "\n", encoding="utf-8")
    return Token(env, pin_file, keys)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("built")
    ran = run_cli(["build", UK, "-o", base / "uk"], cwd=base)
    assert ran.exit_code == 0, ran.output
    return base / "uk"


@pytest.fixture
def uk(built: Path, tmp_path: Path) -> Iterator[Path]:
    yield Path(shutil.copytree(built, tmp_path / "site"))


def _sign(out: Path, token: Token, *extra: object, key_label: str = "approver",
          library: Path = SOFTHSM, pin: tuple[str, object] | None = None) -> Ran:
    secret = pin or ("--pin-file", token.pin_file)
    return run_script(["sign", "uk-minister-brief", "--pkcs11-lib", library, "--token-label", TOKEN,
                       "--key-label", key_label, *secret, "--role", ROLE, "-o", out, *extra],
                      cwd=out.parent, env=token.env)


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every file below `out` (the search index's too), by its path in it."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_key_on_a_token_signs_and_verify_trusts_it(uk: Path, token: Token) -> None:
    pdf = uk / "uk-minister-brief.pdf"
    unsigned = pdf.read_bytes()
    ran = _sign(uk, token)
    assert ran.exit_code == 0, ran.output
    assert f"signed uk-minister-brief: {pdf} — approved by {APPROVER} ({ROLE})" in ran.stdout
    signed = pdf.read_bytes()
    assert signed.startswith(unsigned) and len(signed) > len(unsigned)  # the same incremental update
    trusted = run_cli(["verify", pdf, "--trust", token.keys.root], cwd=uk)
    assert trusted.exit_code == 0, trusted.output
    assert "trusted: yes" in trusted.stdout and f"signed by {APPROVER} at " in trusted.stdout
    (entry,) = assert_consistent(uk)["briefs"]
    signer = entry["outputs"]["pdf"]["signer"]
    assert signer["certificate_sha256"] == hashlib.sha256(token.keys.approver.der).hexdigest()
    assert signer["name"] == APPROVER and signer["role"] == ROLE and signer["level"] == "B-B"
    report = json.loads(run_cli(["verify", pdf, "--output-format", "json"], cwd=uk).stdout)
    assert report["signatures"][0]["signed_at"] == signer["signed_at"]
    # The CMS carries the signer's certificate once, and the token's CA certificate as the chain;
    # not the token's other end-entity certificate (`stranger`).
    from pyhanko.pdf_utils.reader import PdfFileReader

    with pdf.open("rb") as handle:
        (signature,) = PdfFileReader(handle).embedded_signatures
        embedded = sorted(c.chosen.subject.native["common_name"] for c in signature.signed_data["certificates"])
    assert embedded == sorted([APPROVER, "Test Ministry Root CA"])


def test_a_release_signed_on_a_token_stays_pdf_a_2b(tmp_path_factory: pytest.TempPathFactory, token: Token) -> None:
    """The same incremental save and PDF/A repairs as a .p12 signature (tests/commands/test_sign.py
    says where each check comes from): PDF/A-2b in XMP, PDF 1.7, /Producer equal to pdf:Producer."""
    import pikepdf

    base = tmp_path_factory.mktemp("public")
    built = run_cli(["build", G20, "--public", "-o", base / "public"], cwd=base)
    assert built.exit_code == 0, built.output
    out, pdf = base / "public", base / "public" / "g20-2025.pdf"
    ran = run_script(["sign", "g20-2025", "--pkcs11-lib", SOFTHSM, "--token-label", TOKEN, "--key-label", "approver",
                      "--pin-file", token.pin_file, "-o", out], cwd=base, env=token.env)
    assert ran.exit_code == 0, ran.output
    with pikepdf.open(pdf) as signed:
        metadata = signed.open_metadata()
        assert metadata.pdfa_status == "2B"
        assert str(signed.docinfo["/Producer"]) == str(metadata["pdf:Producer"])
        assert signed.pdf_version == "1.7" and "/Version" not in signed.Root
    assert run_cli(["verify", pdf, "--trust", token.keys.root], cwd=base).exit_code == 0


def test_the_pin_from_the_environment_and_a_certificate_label(uk: Path, token: Token) -> None:
    env_token = Token({**token.env, "BRIEFGEN_TEST_PIN": PIN}, token.pin_file, token.keys)
    ran = _sign(uk, env_token, "--cert-label", "approver", pin=("--pin-env", "BRIEFGEN_TEST_PIN"))
    assert ran.exit_code == 0, ran.output
    assert run_cli(["verify", uk / "uk-minister-brief.pdf", "--trust", token.keys.root], cwd=uk).exit_code == 0


def test_a_wrong_pin_is_refused_and_nothing_changes(uk: Path, token: Token, tmp_path: Path) -> None:
    before = _snapshot(uk)
    wrong = tmp_path / "wrong-pin.txt"
    wrong.write_text("0000\n", encoding="utf-8")
    ran = _sign(uk, token, pin=("--pin-file", wrong))
    assert ran.exit_code == 2, ran.output
    assert f"token {TOKEN!r} refused the PIN" in ran.stderr and "Traceback" not in ran.output
    assert _snapshot(uk) == before
    no_pin = run_script(["sign", "uk-minister-brief", "--pkcs11-lib", SOFTHSM, "--token-label", TOKEN,
                         "--key-label", "approver", "-o", uk], cwd=uk.parent, env=token.env)  # no terminal
    assert no_pin.exit_code == 2 and "needs its PIN: give it with --pin-file or --pin-env" in no_pin.stderr


def test_unknown_labels_are_refused_naming_what_is_there(uk: Path, token: Token) -> None:
    before = _snapshot(uk)
    ran = _sign(uk, token, key_label="nobody")
    assert ran.exit_code == 2, ran.output
    assert "holds no private key labelled 'nobody'" in ran.stderr and "'approver'" in ran.stderr
    assert "check --key-label" in ran.stderr
    cert = _sign(uk, token, "--cert-label", "nothing")
    assert cert.exit_code == 2 and "holds no certificate labelled 'nothing'" in cert.stderr
    stranger = _sign(uk, token, "--cert-label", "stranger")  # it would sign, and verify would say: not valid
    assert stranger.exit_code == 2, stranger.output
    assert "the certificate 'stranger' on token 'briefgen-test' does not belong to the key 'approver'" in stranger.stderr
    other = run_script(["sign", "uk-minister-brief", "--pkcs11-lib", SOFTHSM, "--token-label", "elsewhere",
                        "--key-label", "approver", "--pin-file", token.pin_file, "-o", uk],
                       cwd=uk.parent, env=token.env)
    assert other.exit_code == 2 and "no token labelled 'elsewhere'" in other.stderr and repr(TOKEN) in other.stderr
    for refused in (ran, cert, stranger, other):
        assert "Traceback" not in refused.output
    assert _snapshot(uk) == before


def test_an_expired_certificate_on_the_token_is_refused(uk: Path, token: Token) -> None:
    before = _snapshot(uk)
    ran = _sign(uk, token, key_label="expired")
    assert ran.exit_code == 2, ran.output
    assert f"the certificate in token {TOKEN!r} expired on" in ran.stderr
    assert "does not sign with an expired certificate" in ran.stderr
    assert _snapshot(uk) == before


def test_a_library_that_cannot_be_loaded_is_exit_4(uk: Path, token: Token, tmp_path: Path) -> None:
    before = _snapshot(uk)
    missing = _sign(uk, token, library=tmp_path / "absent.so")
    assert missing.exit_code == 4, missing.output
    assert f"cannot load the PKCS#11 library {tmp_path / 'absent.so'}: no such file" in missing.stderr
    not_a_library = _sign(uk, token, library=token.keys.root)
    assert not_a_library.exit_code == 4, not_a_library.output
    assert f"cannot load the PKCS#11 library {token.keys.root}: not a PKCS#11 library" in not_a_library.stderr
    for refused in (missing, not_a_library):
        assert "Traceback" not in refused.output
    assert _snapshot(uk) == before


def test_the_key_options_go_together_or_not_at_all(uk: Path, keys: KeyFiles, tmp_path: Path) -> None:
    """Usage errors (exit 2), decided before any library is loaded: run in this process, without SoftHSM."""
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text(PIN, encoding="utf-8")
    cases = {
        "give the approver's key": ["sign", "uk-minister-brief", "-o", uk],
        "--key and --pkcs11-lib together": ["sign", "uk-minister-brief", "--key", keys.key,
                                            "--pkcs11-lib", SOFTHSM, "-o", uk],
        "--pkcs11-lib needs --key-label": ["sign", "uk-minister-brief", "--pkcs11-lib", SOFTHSM,
                                           "--token-label", TOKEN, "-o", uk],
        "--pin-file goes with --pkcs11-lib": ["sign", "uk-minister-brief", "--key", keys.key,
                                              "--pin-file", pin_file, "-o", uk],
        "go with --key; a token's PIN comes from": ["sign", "uk-minister-brief", "--pkcs11-lib", SOFTHSM,
                                                    "--token-label", TOKEN, "--key-label", "approver",
                                                    "--passphrase-file", keys.passphrase, "-o", uk],
    }
    for message, args in cases.items():
        ran = run_cli(args, cwd=uk.parent)
        assert ran.exit_code == 2 and message in ran.stderr, (message, ran.output)
    help_text = run_cli(["sign", "--help"]).stdout
    assert "--pkcs11-lib" in help_text and "--pin-env" in help_text


def test_python_pkcs11_is_not_imported_at_startup() -> None:
    import sys

    probe = ("import sys, briefgen.commands.main, briefgen.commands.sign; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pkcs11', 'pyhanko')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
